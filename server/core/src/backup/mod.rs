//! Backup and restore, and copying a database into another.
//!
//! A backup is one zip archive: every table as JSON Lines
//! (`database/<table>.jsonl`, rows in primary-key order, read in one
//! snapshot while the server runs), the issuer's private keys
//! (`keys/issuer-keys.json`), the settings it was written with
//! (`config/…`), and `manifest.json` with the Polku version, the database
//! migrations, the row counts and each file's size and SHA-256. The rows
//! are written through the same entities the server uses, so an archive
//! from SQLite restores into PostgreSQL and back, and `polku migrate-db`
//! copies a database the same way without an archive.
//!
//! A restore checks the whole archive (every checksum, the migrations)
//! before it writes anything, goes only into an empty database and key
//! location unless told to replace them, and writes every table in one
//! transaction: it restores all of the archive or nothing.

mod archive;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    AccessMode, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, EntityTrait, IntoActiveModel, IsolationLevel, Iterable, PaginatorTrait,
    PrimaryKeyToColumn, PrimaryKeyTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde::{Deserialize, Serialize};

use crate::db::entities;

pub use archive::{FileSum, Manifest};

/// What went wrong in a backup, a restore or a copy.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The database refused.
    #[error("database: {0}")]
    Database(#[from] DbErr),
    /// The file is not a Polku backup (not a zip, no manifest, another
    /// format).
    #[error("{}: not a Polku backup: {reason}", path.display())]
    NotABackup {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A file in the archive is not what the manifest says: the archive
    /// is damaged or was changed.
    #[error("{}: damaged: {file}: {reason}", path.display())]
    Damaged {
        /// The archive.
        path: PathBuf,
        /// The file inside it.
        file: String,
        /// What does not match.
        reason: String,
    },
    /// The archive was written by a Polku whose database schema differs.
    #[error(
        "the backup was written at database migration {archive} and this Polku is at {here}: restore it with the Polku version that wrote it ({version}), then start this version, which upgrades the database"
    )]
    Schema {
        /// The archive's last migration.
        archive: String,
        /// This binary's last migration.
        here: String,
        /// The Polku version that wrote the archive.
        version: String,
    },
    /// The target database has data.
    #[error(
        "the target database is not empty (table {table} has {rows} rows): restore into an empty database, or pass --force to replace everything in it"
    )]
    NotEmpty {
        /// The first table with rows.
        table: &'static str,
        /// Its rows.
        rows: u64,
    },
    /// The issuer key file exists.
    #[error(
        "the issuer key file {} exists: move it away, or pass --force to replace it with the archive's keys",
        .0.display()
    )]
    KeysExist(PathBuf),
    /// A row of the archive does not fit the table.
    #[error("{table}.jsonl line {line}: {reason}")]
    Row {
        /// The table.
        table: String,
        /// The line in its file (1-based).
        line: u64,
        /// Why.
        reason: String,
    },
    /// The backup was stopped before it was complete (nothing was left
    /// behind).
    #[error("the backup was interrupted: {0}")]
    Interrupted(String),
}

impl BackupError {
    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
        move |source| BackupError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// A table and the rows it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRows {
    /// The table's name.
    pub table: String,
    /// Its rows.
    pub rows: u64,
}

/// One table of the database, in the order tables are written (parents
/// before the rows that point at them).
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// Its name.
    pub name: &'static str,
    /// Whether backups hold it. Sessions, sign-in throttles and password
    /// reset codes are left out: a restored site signs everyone out and
    /// its archives hold no session secrets. `migrate-db` copies them.
    pub backed_up: bool,
}

/// A row batch is written when it has this many rows…
const BATCH_ROWS: usize = 200;
/// …or this many bytes of JSON (media rows are large).
const BATCH_BYTES: usize = 4 << 20;

/// Declares the tables once: the list, and the functions that reach each
/// table's entity by name.
macro_rules! tables {
    ($($name:ident: $backed_up:expr),* $(,)?) => {
        /// Every table, parents first.
        pub const TABLES: &[Table] = &[$(Table { name: stringify!($name), backed_up: $backed_up }),*];

        async fn dump_table(name: &str, txn: &DatabaseTransaction, out: &archive::Writer) -> Result<u64, BackupError> {
            match name {
                $(stringify!($name) => dump::<entities::$name::Entity>(txn, out).await,)*
                _ => Err(BackupError::Interrupted(format!("no table {name}"))),
            }
        }

        async fn load_table(name: &str, txn: &DatabaseTransaction, rows: &mut archive::Rows) -> Result<u64, BackupError> {
            match name {
                $(stringify!($name) => load::<entities::$name::Entity>(name, txn, rows).await,)*
                _ => Err(BackupError::Interrupted(format!("no table {name}"))),
            }
        }

        async fn copy_table(name: &str, from: &DatabaseTransaction, to: &DatabaseTransaction) -> Result<u64, BackupError> {
            match name {
                $(stringify!($name) => copy::<entities::$name::Entity>(from, to).await,)*
                _ => Err(BackupError::Interrupted(format!("no table {name}"))),
            }
        }

        async fn count_table(name: &str, db: &impl ConnectionTrait) -> Result<u64, BackupError> {
            match name {
                $(stringify!($name) => Ok(entities::$name::Entity::find().count(db).await?),)*
                _ => Err(BackupError::Interrupted(format!("no table {name}"))),
            }
        }

        async fn clear_table(name: &str, txn: &DatabaseTransaction) -> Result<(), BackupError> {
            match name {
                $(stringify!($name) => { entities::$name::Entity::delete_many().exec(txn).await?; Ok(()) })*
                _ => Err(BackupError::Interrupted(format!("no table {name}"))),
            }
        }

        async fn advance_sequence(name: &str, txn: &DatabaseTransaction) -> Result<(), BackupError> {
            match name {
                $(stringify!($name) => sequence_to_max::<entities::$name::Entity>(txn).await,)*
                _ => Err(BackupError::Interrupted(format!("no table {name}"))),
            }
        }
    };
}

tables! {
    courses: true,
    course_texts: true,
    lessons: true,
    lesson_texts: true,
    lesson_revisions: true,
    course_media: true,
    users: true,
    sessions: false,
    login_throttles: false,
    enrolments: true,
    lesson_progress: true,
    quiz_attempts: true,
    code_submissions: true,
    groups: true,
    group_members: true,
    comments: true,
    feedback: true,
    reset_codes: false,
    course_authors: true,
    badge_awards: true,
    badge_requests: true,
    badge_revocations: true,
    audit_events: true,
    badge_approvals: true,
    counters: true,
    conversations: true,
    messages: true,
    conversation_reads: true,
    notifications: true,
    appointments: true,
    pathways: true,
    site_drafts: true,
    // A link waiting is sent again on request after a restore.
    email_confirmations: false,
    // Made again from the lessons after a restore (see `speech`).
    lesson_audio: false,
}

/// The names of this Polku's migrations, oldest first.
pub fn migrations() -> Vec<String> {
    Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect()
}

fn backend_name(db: &impl ConnectionTrait) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "other",
    }
}

/// A read transaction that sees one moment of the database: on
/// PostgreSQL repeatable read; on SQLite (WAL) every read transaction is
/// a snapshot already.
async fn snapshot(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await
        }
        _ => db.begin().await,
    }
}

/// Reads every row of `E` in primary-key order, a page at a time (keyset
/// pages: each starts after the last key of the one before), handing each
/// page to `each`. Pages are small for tables with files in them.
async fn each_page<E, F, Fut>(txn: &DatabaseTransaction, mut each: F) -> Result<u64, BackupError>
where
    E: EntityTrait,
    E::Model: Send + Sync,
    F: FnMut(Vec<E::Model>) -> Fut,
    Fut: std::future::Future<Output = Result<(), BackupError>>,
{
    let Some(key) = E::PrimaryKey::iter()
        .next()
        .map(PrimaryKeyToColumn::into_column)
    else {
        return Ok(0);
    };
    let page = if matches!(E::default().table_name(), "course_media" | "lesson_audio") {
        MEDIA_PAGE
    } else {
        PAGE
    };
    let mut after: Option<sea_orm::Value> = None;
    let mut count = 0;
    loop {
        let mut select = E::find().order_by_asc(key).limit(page);
        if let Some(last) = after.take() {
            select = select.filter(key.gt(last));
        }
        let rows = select.all(txn).await?;
        let Some(last) = rows.last() else {
            break;
        };
        after = Some(sea_orm::ModelTrait::get(last, key));
        count += rows.len() as u64;
        let full = rows.len() as u64 == page;
        each(rows).await?;
        if !full {
            break;
        }
    }
    Ok(count)
}

/// Rows read at a time.
const PAGE: u64 = 500;
/// Media rows read at a time (each holds a whole file).
const MEDIA_PAGE: u64 = 4;

/// Writes every row of `E` to the archive's current file, one JSON object
/// per line.
async fn dump<E>(txn: &DatabaseTransaction, out: &archive::Writer) -> Result<u64, BackupError>
where
    E: EntityTrait,
    E::Model: Serialize + Send + Sync,
{
    each_page::<E, _, _>(txn, |rows| async move {
        let mut chunk = Vec::new();
        for row in &rows {
            serde_json::to_writer(&mut chunk, row)
                .map_err(|e| BackupError::Interrupted(e.to_string()))?;
            chunk.push(b'\n');
        }
        out.data(chunk).await
    })
    .await
}

/// Inserts rows of `E` as they are (primary keys included).
async fn insert<E>(txn: &DatabaseTransaction, batch: Vec<E::Model>) -> Result<(), BackupError>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel>,
{
    if batch.is_empty() {
        return Ok(());
    }
    // A model becomes an active model of unchanged values; reset marks
    // every column set, so the insert writes all of them.
    let models = batch
        .into_iter()
        .map(|model| sea_orm::ActiveModelTrait::reset_all(model.into_active_model()));
    E::insert_many(models).exec_without_returning(txn).await?;
    Ok(())
}

/// Reads the rows of one table from the archive and inserts them.
async fn load<E>(
    name: &str,
    txn: &DatabaseTransaction,
    rows: &mut archive::Rows,
) -> Result<u64, BackupError>
where
    E: EntityTrait,
    E::Model: for<'de> Deserialize<'de> + IntoActiveModel<E::ActiveModel>,
{
    let mut batch = Vec::new();
    let mut bytes = 0;
    let mut line = 0;
    while let Some(text) = rows.next_line().await? {
        line += 1;
        let model: E::Model = serde_json::from_slice(&text).map_err(|e| BackupError::Row {
            table: name.to_owned(),
            line,
            reason: e.to_string(),
        })?;
        bytes += text.len();
        batch.push(model);
        if batch.len() >= BATCH_ROWS || bytes >= BATCH_BYTES {
            insert::<E>(txn, std::mem::take(&mut batch)).await?;
            bytes = 0;
        }
    }
    insert::<E>(txn, batch).await?;
    Ok(line)
}

/// Copies every row of `E` from one database to another.
async fn copy<E>(from: &DatabaseTransaction, to: &DatabaseTransaction) -> Result<u64, BackupError>
where
    E: EntityTrait,
    E::Model: Send + Sync + IntoActiveModel<E::ActiveModel>,
{
    each_page::<E, _, _>(from, |rows| insert::<E>(to, rows)).await
}

/// On PostgreSQL, moves the sequence of `E`'s auto-increment key past the
/// rows written with their own keys (SQLite does this itself).
async fn sequence_to_max<E: EntityTrait>(txn: &DatabaseTransaction) -> Result<(), BackupError> {
    if txn.get_database_backend() != DbBackend::Postgres
        || !<E::PrimaryKey as PrimaryKeyTrait>::auto_increment()
    {
        return Ok(());
    }
    let Some(key) = E::PrimaryKey::iter().next() else {
        return Ok(());
    };
    let table = E::default().table_name().to_owned();
    let column = sea_orm::IdenStatic::as_str(&key.into_column()).to_owned();
    // The sequence's next value follows the largest key (an empty
    // table's sequence starts at 1 again).
    let max = format!("(SELECT MAX(\"{column}\") FROM \"{table}\")");
    let sql = format!(
        "SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), COALESCE({max}, 1), {max} IS NOT NULL)"
    );
    txn.execute_unprepared(&sql).await?;
    Ok(())
}

/// After a whole database was written in one transaction: on SQLite,
/// folds the write-ahead log (which holds all of it) back into the
/// database file, so the copy does not take twice its size on disk.
async fn fold_log(db: &DatabaseConnection) -> Result<(), BackupError> {
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await?;
    }
    Ok(())
}

/// The rows each table holds.
pub async fn row_counts(db: &impl ConnectionTrait) -> Result<Vec<TableRows>, BackupError> {
    let mut counts = Vec::new();
    for table in TABLES {
        counts.push(TableRows {
            table: table.name.to_owned(),
            rows: count_table(table.name, db).await?,
        });
    }
    Ok(counts)
}

/// Refuses a database that holds data (`counters` aside: the migrations
/// fill it).
async fn ensure_empty(db: &impl ConnectionTrait) -> Result<(), BackupError> {
    for table in TABLES.iter().filter(|t| t.name != "counters") {
        let rows = count_table(table.name, db).await?;
        if rows > 0 {
            return Err(BackupError::NotEmpty {
                table: table.name,
                rows,
            });
        }
    }
    Ok(())
}

/// Empties every table, children first.
async fn clear_all(txn: &DatabaseTransaction) -> Result<(), BackupError> {
    for table in TABLES.iter().rev() {
        clear_table(table.name, txn).await?;
    }
    Ok(())
}

/// What a backup holds besides the database.
#[derive(Debug, Default, Clone)]
pub struct BackupParts {
    /// The issuer's key file, when the site has one.
    pub keys: Option<PathBuf>,
    /// The public address the site runs at (badges name it).
    pub public_url: Option<String>,
    /// Further files: the settings (`config/settings.json`), the trust
    /// file (`config/trust.toml`).
    pub files: Vec<(String, Vec<u8>)>,
}

/// The archive's file of a table's rows.
fn table_file(name: &str) -> String {
    format!("database/{name}.jsonl")
}

/// The archive's file of the issuer keys.
const KEYS_FILE: &str = "keys/issuer-keys.json";

/// Writes a backup of `db` (and `parts`) to `out`, readable by its owner
/// only. The archive is written next to `out` and renamed into place when
/// complete, so `out` is whole or absent.
pub async fn backup(
    db: &DatabaseConnection,
    out: &Path,
    parts: &BackupParts,
) -> Result<Manifest, BackupError> {
    let keys = match &parts.keys {
        Some(path) if path.exists() => Some(std::fs::read(path).map_err(BackupError::io(path))?),
        _ => None,
    };
    let writer = archive::Writer::create(out)?;
    let txn = snapshot(db).await?;
    let mut tables = Vec::new();
    for table in TABLES.iter().filter(|t| t.backed_up) {
        writer.start(table_file(table.name)).await?;
        let rows = dump_table(table.name, &txn, &writer).await?;
        tables.push(TableRows {
            table: table.name.to_owned(),
            rows,
        });
    }
    txn.commit().await?;
    if let Some(bytes) = keys {
        writer.start(KEYS_FILE.to_owned()).await?;
        writer.data(bytes).await?;
    }
    for (name, bytes) in &parts.files {
        writer.start(name.clone()).await?;
        writer.data(bytes.clone()).await?;
    }
    let manifest = Manifest {
        format: archive::FORMAT.to_owned(),
        format_version: archive::FORMAT_VERSION,
        polku_version: env!("CARGO_PKG_VERSION").to_owned(),
        created: chrono::Utc::now(),
        backend: backend_name(db).to_owned(),
        migrations: migrations(),
        public_url: parts.public_url.clone(),
        tables,
        files: BTreeMap::new(),
    };
    writer.finish(manifest).await
}

/// An archive that has been read whole and found sound: what
/// [`restore`] takes.
#[derive(Debug, Clone)]
pub struct CheckedArchive {
    path: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
}

/// Reads `archive` whole and checks it: a Polku backup of this format,
/// every file the size and SHA-256 its manifest says (and nothing else in
/// it), written at this Polku's database migrations. Writes nothing.
pub async fn check_archive(path: &Path) -> Result<CheckedArchive, BackupError> {
    let owned = path.to_owned();
    let manifest = tokio::task::spawn_blocking(move || archive::verify(&owned))
        .await
        .map_err(|e| BackupError::Interrupted(e.to_string()))??;
    let here = migrations();
    if manifest.migrations != here {
        return Err(BackupError::Schema {
            archive: manifest.migrations.last().cloned().unwrap_or_default(),
            here: here.last().cloned().unwrap_or_default(),
            version: manifest.polku_version.clone(),
        });
    }
    Ok(CheckedArchive {
        path: path.to_owned(),
        manifest,
    })
}

impl CheckedArchive {
    /// Reads one of its files (e.g. `config/settings.json`).
    pub async fn read(&self, name: &str) -> Result<Vec<u8>, BackupError> {
        let path = self.path.clone();
        let name = name.to_owned();
        tokio::task::spawn_blocking(move || archive::read_file(&path, &name))
            .await
            .map_err(|e| BackupError::Interrupted(e.to_string()))?
    }
}

/// Where a restore writes the keys, and whether it may replace what is
/// there.
#[derive(Debug, Clone, Copy)]
pub struct RestoreTarget<'a> {
    /// The issuer key file to write (when the archive has keys).
    pub keys: &'a Path,
    /// Replace the database's data and an existing key file.
    pub force: bool,
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    /// The archive's manifest.
    pub manifest: Manifest,
    /// Whether the issuer keys were written.
    pub keys_written: bool,
}

/// Restores a checked archive into `db` (migrated to this Polku's
/// schema) and its keys to `target.keys`, refusing data or keys already
/// there unless `target.force`. The database is written in one
/// transaction, the keys after it.
pub async fn restore(
    db: &DatabaseConnection,
    archive: &CheckedArchive,
    target: RestoreTarget<'_>,
) -> Result<Restored, BackupError> {
    let (path, manifest) = (archive.path.as_path(), archive.manifest.clone());
    let has_keys = manifest.files.contains_key(KEYS_FILE);
    if has_keys && target.keys.exists() && !target.force {
        return Err(BackupError::KeysExist(target.keys.to_owned()));
    }
    if !target.force {
        ensure_empty(db).await?;
    }
    let names: Vec<String> = manifest.tables.iter().map(|t| t.table.clone()).collect();
    let mut rows = archive::Rows::spawn(path, names.iter().map(|n| table_file(n)).collect());
    let txn = crate::db::begin_write(db).await?;
    clear_all(&txn).await?;
    for name in &names {
        rows.next_file().await?;
        let written = load_table(name, &txn, &mut rows).await?;
        let expected = manifest
            .tables
            .iter()
            .find(|t| &t.table == name)
            .map_or(0, |t| t.rows);
        if written != expected {
            return Err(BackupError::Damaged {
                path: path.to_owned(),
                file: table_file(name),
                reason: format!("{written} rows, the manifest says {expected}"),
            });
        }
        advance_sequence(name, &txn).await?;
    }
    txn.commit().await?;
    fold_log(db).await?;
    if has_keys {
        let bytes = archive.read(KEYS_FILE).await?;
        crate::badges::write_private_file(target.keys, &bytes)
            .map_err(BackupError::io(target.keys))?;
    }
    Ok(Restored {
        manifest,
        keys_written: has_keys,
    })
}

/// Copies every table of `from` into `to` (migrated, and empty unless
/// `force`) in one transaction on each side; returns the rows copied.
pub async fn copy_database(
    from: &DatabaseConnection,
    to: &DatabaseConnection,
    force: bool,
) -> Result<Vec<TableRows>, BackupError> {
    if !force {
        ensure_empty(to).await?;
    }
    let read = snapshot(from).await?;
    let write = crate::db::begin_write(to).await?;
    clear_all(&write).await?;
    let mut copied = Vec::new();
    for table in TABLES {
        let rows = copy_table(table.name, &read, &write).await?;
        advance_sequence(table.name, &write).await?;
        copied.push(TableRows {
            table: table.name.to_owned(),
            rows,
        });
    }
    write.commit().await?;
    read.commit().await?;
    fold_log(to).await?;
    Ok(copied)
}

/// The file name of a scheduled backup written at `at`.
pub fn scheduled_name(at: chrono::DateTime<chrono::Utc>) -> String {
    format!("polku-backup-{}.zip", at.format("%Y%m%dT%H%M%SZ"))
}

/// Deletes all but the newest `keep` scheduled backups in `dir` (their
/// names sort by time); returns the files deleted.
pub fn prune(dir: &Path, keep: usize) -> Result<Vec<PathBuf>, BackupError> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(BackupError::io(dir))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("polku-backup-") && n.ends_with(".zip"))
        })
        .collect();
    found.sort();
    let excess = found.len().saturating_sub(keep);
    let doomed: Vec<PathBuf> = found.into_iter().take(excess).collect();
    for path in &doomed {
        std::fs::remove_file(path).map_err(BackupError::io(path))?;
    }
    Ok(doomed)
}
