//! `polku backup`, `polku restore`, `polku migrate-db` and the server's
//! scheduled backups, on top of `polku_core::backup`.

use std::path::Path;
use std::time::Duration;

use polku_core::backup::{self, BackupParts, RestoreTarget};
use polku_core::db::DatabaseConnection;

use crate::StartError;
use crate::config::Config;

/// The settings a backup records (`config/settings.json`): what is needed
/// to run the restored site as before. Secrets (the admin token, the SMTP
/// password, the database password) are not written.
fn settings(config: &Config) -> serde_json::Value {
    serde_json::json!({
        "public_url": config.public_url(),
        "issuer_name": config.issuer_name,
        "time_zone": config.time_zone.name(),
        "database": crate::redact(&config.database_url),
        "content_dir": config.content_dir,
        "trust_file": config.trust_file,
        "smtp_from": config.smtp_from,
        "sends_email": config.smtp_url.is_some(),
        "admin_token_set": config.admin_token.is_some(),
        "secure_cookies": config.secure_cookies,
        "trusted_proxy": config.trusted_proxy,
        "stuck_days": config.stuck_days,
        "stuck_failures": config.stuck_failures,
        "session_idle_days": config.session_idle_days,
        "audit_days": config.audit_days,
        "message_retention_days": config.message_retention_days,
    })
}

/// What goes into a backup of this site besides its database.
fn parts(config: &Config) -> BackupParts {
    let mut files = vec![(
        "config/settings.json".to_owned(),
        serde_json::to_vec_pretty(&settings(config)).unwrap_or_default(),
    )];
    if let Some(path) = &config.trust_file {
        match std::fs::read(path) {
            Ok(bytes) => files.push(("config/trust.toml".to_owned(), bytes)),
            Err(err) => tracing::warn!("backup without the trust file {}: {err}", path.display()),
        }
    }
    BackupParts {
        keys: Some(config.issuer_keys_path()),
        public_url: Some(config.public_url()),
        files,
    }
}

fn megabytes(path: &Path) -> f64 {
    std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1_048_576.0)
}

/// `polku backup OUT`.
pub async fn backup_command(
    config: &Config,
    db: &DatabaseConnection,
    out: &Path,
) -> Result<(), StartError> {
    let started = std::time::Instant::now();
    let manifest = backup::backup(db, out, &parts(config)).await?;
    let rows: u64 = manifest.tables.iter().map(|t| t.rows).sum();
    println!(
        "backup written to {} ({:.1} MB, {} tables, {rows} rows, {:.1} s)",
        out.display(),
        megabytes(out),
        manifest.tables.len(),
        started.elapsed().as_secs_f64()
    );
    if manifest.files.contains_key("keys/issuer-keys.json") {
        println!(
            "it holds the issuer's private keys (keys included): keep it where only you can read it"
        );
    } else {
        println!(
            "no issuer key file at {}: the archive has no keys (pass --issuer-keys if they live elsewhere)",
            config.issuer_keys_path().display()
        );
    }
    Ok(())
}

/// `polku restore ARCHIVE [--force]`: checks the archive, then restores
/// it into the configured database and key file, then rebuilds the search
/// index.
pub async fn restore_command(
    config: &Config,
    archive: &Path,
    force: bool,
) -> Result<(), StartError> {
    let checked = backup::check_archive(archive).await?;
    let db = polku_core::db::open(&config.database_url).await?;
    let keys = config.issuer_keys_path();
    let restored = backup::restore(&db, &checked, RestoreTarget { keys: &keys, force }).await?;
    let manifest = &restored.manifest;
    let rows: u64 = manifest.tables.iter().map(|t| t.rows).sum();
    println!(
        "restored {rows} rows of {} tables from {} (written {} by Polku {} on {}) into {}",
        manifest.tables.len(),
        archive.display(),
        manifest.created.format("%Y-%m-%d %H:%M UTC"),
        manifest.polku_version,
        manifest.backend,
        crate::redact(&config.database_url),
    );
    if restored.keys_written {
        println!("issuer keys written to {}", keys.display());
    }
    if let Some(url) = &manifest.public_url
        && url != &config.public_url()
    {
        println!(
            "note: the backed-up site ran at {url} and its badges name that address; start this one with --public-url {url} so they keep verifying"
        );
    }
    if manifest.files.contains_key("config/trust.toml") && config.trust_file.is_none() {
        println!(
            "note: the archive holds the site's trust file (config/trust.toml); unzip it and pass --trust-file to trust the same issuers"
        );
    }
    // The database is restored whatever happens here: a search index in
    // use by a running server is rebuilt by that server's next sync.
    if let Err(err) = crate::reindex(config, &db).await {
        println!("note: the search index was not rebuilt ({err}); run polku reindex");
    }
    Ok(())
}

/// `polku migrate-db --to URL [--force]`: copies the configured database
/// into another (e.g. SQLite into PostgreSQL).
pub async fn migrate_db_command(
    db: &DatabaseConnection,
    to: &str,
    force: bool,
) -> Result<(), StartError> {
    let target = polku_core::db::open(to).await?;
    let started = std::time::Instant::now();
    let copied = backup::copy_database(db, &target, force).await?;
    let rows: u64 = copied.iter().map(|t| t.rows).sum();
    println!(
        "copied {rows} rows of {} tables into {} in {:.1} s; start Polku with --database-url pointing there (and its own --search-index)",
        copied.len(),
        crate::redact(to),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// How often and where the server writes backups by itself.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// The folder.
    pub dir: std::path::PathBuf,
    /// How many to keep.
    pub keep: usize,
    /// Time between two.
    pub every: Duration,
}

/// When the newest backup in `dir` was written, from its name.
fn newest(dir: &Path) -> Option<chrono::DateTime<chrono::Utc>> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let stamp = name
                .strip_prefix("polku-backup-")?
                .strip_suffix(".zip")?
                .to_owned();
            chrono::NaiveDateTime::parse_from_str(&stamp, "%Y%m%dT%H%M%SZ")
                .ok()
                .map(|t| t.and_utc())
        })
        .max()
}

/// Writes a backup into `schedule.dir` every `schedule.every` (the first
/// when the newest one there is that old, so restarts do not delay it),
/// keeping the newest `schedule.keep`.
pub fn spawn_scheduled(config: &Config, db: DatabaseConnection, schedule: Schedule) {
    let parts = parts(config);
    tokio::spawn(async move {
        loop {
            let due = newest(&schedule.dir).map_or(Duration::ZERO, |last| {
                let age = (chrono::Utc::now() - last).to_std().unwrap_or_default();
                schedule.every.saturating_sub(age)
            });
            tokio::time::sleep(due).await;
            let out = schedule
                .dir
                .join(backup::scheduled_name(chrono::Utc::now()));
            let started = std::time::Instant::now();
            match backup::backup(&db, &out, &parts).await {
                Ok(manifest) => {
                    tracing::info!(
                        rows = manifest.tables.iter().map(|t| t.rows).sum::<u64>(),
                        megabytes = megabytes(&out),
                        ms = started.elapsed().as_millis() as u64,
                        "backup written to {}",
                        out.display()
                    );
                    match backup::prune(&schedule.dir, schedule.keep) {
                        Ok(gone) => {
                            for path in gone {
                                tracing::info!("old backup {} deleted", path.display());
                            }
                        }
                        Err(err) => tracing::error!("cannot delete old backups: {err}"),
                    }
                }
                Err(err) => {
                    tracing::error!("scheduled backup failed: {err}");
                    // Try again in an hour rather than at once.
                    tokio::time::sleep(Duration::from_secs(3600).min(schedule.every)).await;
                }
            }
            // The next one is due a whole interval from this one.
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}
