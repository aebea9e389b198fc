//! Backup and restore: a site with learners, progress, badges (one
//! revoked), media and keys is backed up while it runs and restored into
//! an empty database on every backend this run covers (SQLite always,
//! PostgreSQL when `POLKU_TEST_POSTGRES_URL` is set, always in CI), also
//! across backends; its badges verify afterwards with the restored keys;
//! a damaged or changed archive, a non-empty target and an existing key
//! file are refused and leave the target as it was.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;

use chrono::Utc;
use polku_core::accounts::{Actor, Role};
use polku_core::backup::{
    BackupError, BackupParts, RestoreTarget, TABLES, TableRows, backup, check_archive,
    copy_database, prune, restore, row_counts, scheduled_name,
};
use polku_core::badges::issue::IssueContext;
use polku_core::badges::{Issuer, Known, Outcome, check_badge};
use polku_core::db::DatabaseConnection;
use polku_core::db::entities::{
    audit_events, badge_awards, badge_revocations, course_media, lesson_progress, users,
};
use sea_orm::{EntityTrait, QueryOrder};

const PUBLIC_URL: &str = "https://polku.example";

/// What the site issued: a badge kept, a badge revoked.
struct Site {
    kept: badge_awards::Model,
    revoked: badge_awards::Model,
}

async fn earn(db: &DatabaseConnection, issuer: &Arc<Issuer>, who: &Actor) -> badge_awards::Model {
    let ctx = IssueContext {
        issuer,
        public_url: PUBLIC_URL,
        issuer_name: "Polku, Testikunta",
    };
    let earned = polku_core::progress::mark_done(db, &ctx, who, "first-course", "welcome", true)
        .await
        .unwrap();
    assert_eq!(earned.len(), 1);
    badge_awards::Entity::find_by_id(earned[0].id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

/// A site in use: courses with media, a coach with a group, two learners
/// with progress and a badge each, one badge revoked.
async fn site_in_use(db: &DatabaseConnection, issuer: &Arc<Issuer>) -> Site {
    common::import(db, &common::fixture("valid")).await;
    let maija = common::person(db, "maija", Role::Learner).await;
    let pekka = common::person(db, "pekka", Role::Learner).await;
    let kaisa = common::person(db, "kaisa", Role::Coach).await;
    let group = polku_core::coaching::create_group(db, &kaisa, "Tiistairyhmä")
        .await
        .unwrap();
    common::act::invite_accepted(db, &kaisa, group.id, &maija).await;
    common::act::invite_accepted(db, &kaisa, group.id, &pekka).await;
    let kept = earn(db, issuer, &maija).await;
    let revoked = earn(db, issuer, &pekka).await;
    common::act::revoke(db, &kaisa, revoked.id, "Tehtävät teki joku muu")
        .await
        .unwrap();
    // A year of audit entries: more rows than a backup reads at a time.
    let entries = (0..1234).map(|i| audit_events::ActiveModel {
        created_at: sea_orm::Set(Utc::now()),
        actor_id: sea_orm::Set(None),
        action: sea_orm::Set(format!("test_entry_{i}")),
        subject_id: sea_orm::Set(Some(i)),
        detail: sea_orm::Set(Some("ääkköset \" \n rivinvaihto".into())),
        ..Default::default()
    });
    for chunk in entries.collect::<Vec<_>>().chunks(200) {
        audit_events::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .unwrap();
    }
    Site { kept, revoked }
}

async fn verdict(db: &DatabaseConnection, issuer: &Arc<Issuer>, credential: &str) -> Outcome {
    let mut known = Known::site(issuer.clone(), "Polku", PUBLIC_URL);
    known.own_revoked = polku_core::badges::revoke::revoked_ids(db).await.unwrap();
    check_badge(credential, &known, Utc::now()).outcome
}

/// Every row the backup holds, for comparing two databases.
async fn backed_up_counts(db: &DatabaseConnection) -> Vec<TableRows> {
    let backed_up: Vec<&str> = TABLES
        .iter()
        .filter(|t| t.backed_up)
        .map(|t| t.name)
        .collect();
    row_counts(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|t| backed_up.contains(&t.table.as_str()))
        .collect()
}

async fn same_rows(a: &DatabaseConnection, b: &DatabaseConnection) {
    let counts = backed_up_counts(a).await;
    for used in [
        "courses",
        "course_media",
        "users",
        "lesson_progress",
        "group_members",
        "badge_awards",
        "badge_revocations",
        "counters",
        "audit_events",
    ] {
        assert!(
            counts.iter().any(|t| t.table == used && t.rows > 0),
            "{used}: {counts:?}"
        );
    }
    assert_eq!(counts, backed_up_counts(b).await);
    rows_equal::<users::Entity>(a, b).await;
    rows_equal::<course_media::Entity>(a, b).await;
    rows_equal::<lesson_progress::Entity>(a, b).await;
    rows_equal::<badge_awards::Entity>(a, b).await;
    rows_equal::<badge_revocations::Entity>(a, b).await;
    rows_equal::<audit_events::Entity>(a, b).await;
    let media = course_media::Entity::find().all(b).await.unwrap();
    assert!(!media.is_empty() && media.iter().all(|m| !m.bytes.is_empty()));
}

/// The rows of `E` in both databases are the same (PostgreSQL keeps
/// times to the microsecond, SQLite to the nanosecond: compared to the
/// microsecond).
async fn rows_equal<E>(a: &DatabaseConnection, b: &DatabaseConnection)
where
    E: EntityTrait,
    E::Model: serde::Serialize,
{
    let rows = |db| async move {
        let mut select = E::find();
        for key in <E::PrimaryKey as sea_orm::Iterable>::iter() {
            select = select.order_by_asc(sea_orm::PrimaryKeyToColumn::into_column(key));
        }
        let mut value = serde_json::to_value(select.all(db).await.unwrap()).unwrap();
        to_micros(&mut value);
        value
    };
    assert_eq!(rows(a).await, rows(b).await);
}

fn to_micros(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(text) => {
            if let Ok(time) = chrono::DateTime::parse_from_rfc3339(text) {
                *text = time.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(to_micros),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(to_micros),
        _ => {}
    }
}

fn rewrite(from: &Path, to: &Path, change: impl Fn(&str, Vec<u8>) -> Vec<u8>) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&change(&name, bytes)).unwrap();
    }
    out.finish().unwrap();
}

#[tokio::test]
async fn a_site_restored_from_its_backup_keeps_everything_and_its_badges_verify() {
    for source in &common::fresh_databases().await {
        let targets = common::fresh_databases().await;
        let db = polku_core::db::open(&source.url).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("issuer-keys.json");
        let issuer = Arc::new(Issuer::open(PUBLIC_URL, &keys).unwrap());
        let site = site_in_use(&db, &issuer).await;
        assert_eq!(
            verdict(&db, &issuer, &site.kept.credential).await,
            Outcome::Valid
        );

        let archive = dir.path().join("backups/site.zip");
        let manifest = backup(
            &db,
            &archive,
            &BackupParts {
                keys: Some(keys.clone()),
                public_url: Some(PUBLIC_URL.into()),
                files: vec![("config/settings.json".into(), b"{}".to_vec())],
            },
        )
        .await
        .unwrap();
        assert_eq!(manifest.backend, source.backend);
        assert!(manifest.files.contains_key("keys/issuer-keys.json"));
        assert!(
            !manifest.files.keys().any(|f| f.contains("sessions")),
            "no session secrets in a backup"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&archive).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "the archive holds private keys");
        }
        assert!(!dir.path().join("backups/site.zip.partial").exists());

        // Into an empty database of each backend (SQLite into PostgreSQL
        // and back, too), and keys to a new place: a new machine.
        for target in &targets {
            let restored_db = polku_core::db::open(&target.url).await.unwrap();
            let new_machine = tempfile::tempdir().unwrap();
            let new_keys = new_machine.path().join("keys.json");
            let checked = check_archive(&archive).await.unwrap();
            let done = restore(
                &restored_db,
                &checked,
                RestoreTarget {
                    keys: &new_keys,
                    force: false,
                },
            )
            .await
            .unwrap();
            assert!(done.keys_written);
            same_rows(&db, &restored_db).await;

            let restored_issuer = Arc::new(Issuer::open(PUBLIC_URL, &new_keys).unwrap());
            assert_eq!(restored_issuer.did, issuer.did);
            assert_eq!(
                verdict(&restored_db, &restored_issuer, &site.kept.credential).await,
                Outcome::Valid,
                "{} -> {}",
                source.backend,
                target.backend
            );
            assert_eq!(
                verdict(&restored_db, &restored_issuer, &site.revoked.credential).await,
                Outcome::Revoked,
                "the revocation is restored"
            );
            // Work goes on: a new learner's badge takes a new number (the
            // counter and the sequences were restored too).
            let aino = common::person(&restored_db, "aino", Role::Learner).await;
            let next = earn(&restored_db, &restored_issuer, &aino).await;
            assert!(
                next.id > site.revoked.id,
                "{} > {}",
                next.id,
                site.revoked.id
            );
            assert_eq!(
                verdict(&restored_db, &restored_issuer, &next.credential).await,
                Outcome::Valid
            );

            // Again into the same place: refused, nothing changed.
            let again = restore(
                &restored_db,
                &checked,
                RestoreTarget {
                    keys: &new_machine.path().join("other-keys.json"),
                    force: false,
                },
            )
            .await;
            assert!(
                matches!(again, Err(BackupError::NotEmpty { .. })),
                "{again:?}"
            );
            let again = restore(
                &restored_db,
                &checked,
                RestoreTarget {
                    keys: &new_keys,
                    force: false,
                },
            )
            .await;
            assert!(matches!(again, Err(BackupError::KeysExist(_))), "{again:?}");
            assert!(
                users::Entity::find()
                    .all(&restored_db)
                    .await
                    .unwrap()
                    .iter()
                    .any(|u| u.username == "aino")
            );
            // Told to, it replaces everything: aino is gone again.
            restore(
                &restored_db,
                &checked,
                RestoreTarget {
                    keys: &new_keys,
                    force: true,
                },
            )
            .await
            .unwrap();
            same_rows(&db, &restored_db).await;
        }

        // migrate-db: the same copy without an archive.
        for target in &common::fresh_databases().await {
            let copy = polku_core::db::open(&target.url).await.unwrap();
            let copied = copy_database(&db, &copy, false).await.unwrap();
            assert!(copied.iter().any(|t| t.table == "sessions" && t.rows > 0));
            same_rows(&db, &copy).await;
            assert!(matches!(
                copy_database(&db, &copy, false).await,
                Err(BackupError::NotEmpty { .. })
            ));
        }
    }
}

#[tokio::test]
async fn a_damaged_or_changed_archive_is_refused_before_anything_is_written() {
    let db = &common::fresh_databases().await[0];
    let source = polku_core::db::open(&db.url).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys.json");
    let issuer = Arc::new(Issuer::open(PUBLIC_URL, &keys).unwrap());
    site_in_use(&source, &issuer).await;
    let archive = dir.path().join("site.zip");
    backup(
        &source,
        &archive,
        &BackupParts {
            keys: Some(keys),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    check_archive(&archive).await.unwrap();

    let target_dir = tempfile::tempdir().unwrap();
    let target_url = format!("sqlite://{}", target_dir.path().join("target.db").display());
    let target = polku_core::db::open(&target_url).await.unwrap();
    let target_keys = target_dir.path().join("keys.json");
    let attempt = |path: std::path::PathBuf| {
        let target = target.clone();
        let target_keys = target_keys.clone();
        async move {
            restore(
                &target,
                &check_archive(&path).await?,
                RestoreTarget {
                    keys: &target_keys,
                    force: false,
                },
            )
            .await
        }
    };

    // Bytes flipped in the middle of the file.
    let bytes = std::fs::read(&archive).unwrap();
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    for b in &mut flipped[middle..middle + 16] {
        *b ^= 0x5a;
    }
    let damaged = dir.path().join("damaged.zip");
    std::fs::write(&damaged, &flipped).unwrap();
    let refused = attempt(damaged).await;
    assert!(
        matches!(
            refused,
            Err(BackupError::Damaged { .. } | BackupError::NotABackup { .. })
        ),
        "{refused:?}"
    );

    // Cut short.
    let short = dir.path().join("short.zip");
    std::fs::write(&short, &bytes[..bytes.len() * 2 / 3]).unwrap();
    assert!(matches!(
        attempt(short).await,
        Err(BackupError::NotABackup { .. })
    ));

    // A row changed with a valid zip around it: the checksum says so.
    let changed = dir.path().join("changed.zip");
    rewrite(&archive, &changed, |name, bytes| {
        if name == "database/users.jsonl" {
            String::from_utf8(bytes)
                .unwrap()
                .replace("\"pekka\"", "\"mallory\"")
                .into_bytes()
        } else {
            bytes
        }
    });
    let refused = attempt(changed).await;
    assert!(
        matches!(&refused, Err(BackupError::Damaged { file, .. }) if file == "database/users.jsonl"),
        "{refused:?}"
    );

    // A file the manifest does not list.
    let extra = dir.path().join("extra.zip");
    rewrite(&archive, &extra, |_, bytes| bytes);
    {
        let mut zip = zip::ZipWriter::new_append(
            std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(&extra)
                .unwrap(),
        )
        .unwrap();
        zip.start_file(
            "database/../../etc/passwd",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(b"root").unwrap();
        zip.finish().unwrap();
    }
    assert!(matches!(
        attempt(extra).await,
        Err(BackupError::Damaged { .. })
    ));

    // Written at other migrations: said, not guessed.
    let older = dir.path().join("older.zip");
    rewrite(&archive, &older, |name, bytes| {
        if name == "manifest.json" {
            let mut manifest: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            manifest["migrations"].as_array_mut().unwrap().pop();
            serde_json::to_vec(&manifest).unwrap()
        } else {
            bytes
        }
    });
    let refused = attempt(older).await;
    assert!(
        matches!(&refused, Err(BackupError::Schema { .. })),
        "{refused:?}"
    );
    assert!(refused.unwrap_err().to_string().contains("restore it with"));

    // Not a backup at all.
    let other = dir.path().join("course.zip");
    rewrite(&archive, &other, |_, bytes| bytes);
    rewrite(&archive, &other, |name, bytes| {
        if name == "manifest.json" {
            br#"{"format":"something-else"}"#.to_vec()
        } else {
            bytes
        }
    });
    assert!(matches!(
        attempt(other).await,
        Err(BackupError::NotABackup { .. })
    ));

    // None of it wrote anything.
    assert!(
        row_counts(&target)
            .await
            .unwrap()
            .iter()
            .all(|t| t.table == "counters" || t.rows == 0)
    );
    assert!(!target_keys.exists());
    // The real archive still restores.
    attempt(archive).await.unwrap();
}

#[test]
fn scheduled_backups_keep_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let start = chrono::DateTime::parse_from_rfc3339("2026-12-01T03:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    for day in 0..5 {
        let name = scheduled_name(start + chrono::Duration::days(day));
        std::fs::write(dir.path().join(name), b"x").unwrap();
    }
    std::fs::write(dir.path().join("notes.txt"), b"mine").unwrap();
    let gone = prune(dir.path(), 2).unwrap();
    assert_eq!(gone.len(), 3);
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            "notes.txt",
            "polku-backup-20261204T030000Z.zip",
            "polku-backup-20261205T030000Z.zip"
        ]
    );
}
