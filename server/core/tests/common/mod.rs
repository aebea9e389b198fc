//! Helpers shared by the database test binaries.
#![allow(dead_code, reason = "each test binary uses a different part")]
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

pub mod act;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use polku_core::content::load_dir;
use polku_core::courses::{ImportReport, import_courses};
use polku_core::db::DatabaseConnection;
use sea_orm::{ConnectionTrait, Database};

/// Creates `account` with `role` and signs it in: the actor.
pub async fn signed_in(
    db: &DatabaseConnection,
    account: polku_core::accounts::NewAccount,
    role: polku_core::accounts::Role,
) -> polku_core::accounts::Actor {
    use polku_core::accounts;
    let (name, password) = (account.username.clone(), account.password.clone());
    accounts::create_account(db, account, role).await.unwrap();
    accounts::log_in(db, &name, &password, None, accounts::UNKNOWN_CLIENT)
        .await
        .unwrap()
        .actor
}

/// Creates `name` (password "long enough secret") with `role`, signed
/// in: the actor.
pub async fn person(
    db: &DatabaseConnection,
    name: &str,
    role: polku_core::accounts::Role,
) -> polku_core::accounts::Actor {
    let account = polku_core::accounts::NewAccount {
        username: name.to_owned(),
        password: "long enough secret".to_owned(),
        ..Default::default()
    };
    signed_in(db, account, role).await
}

/// Fails unless `result` is "not found" (the one denial rule).
#[track_caller]
pub fn not_found<T: std::fmt::Debug>(result: Result<T, polku_core::CoreError>) {
    assert!(
        matches!(result, Err(polku_core::CoreError::NotFound)),
        "expected NotFound, got {result:?}"
    );
}

/// Fails unless `result` is the refusal `code`.
#[track_caller]
pub fn rejected<T: std::fmt::Debug>(result: Result<T, polku_core::CoreError>, code: &str) {
    assert!(
        matches!(result, Err(polku_core::CoreError::Rejected(c)) if c == code),
        "expected {code}, got {result:?}"
    );
}

/// Signs `name` in again (password "long enough secret"): the actor as
/// the account is now (after a role change, say).
pub async fn sign_in_again(db: &DatabaseConnection, name: &str) -> polku_core::accounts::Actor {
    use polku_core::accounts;
    accounts::log_in(
        db,
        name,
        "long enough secret",
        None,
        accounts::UNKNOWN_CLIENT,
    )
    .await
    .unwrap()
    .actor
}

/// The id of the fixture course `first-course`.
pub async fn first_course_id(db: &DatabaseConnection) -> i32 {
    use polku_core::db::entities::courses;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    courses::Entity::find()
        .filter(courses::Column::Slug.eq("first-course"))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id
}

pub struct TestDb {
    pub backend: &'static str,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh, empty database on every backend this run covers.
pub async fn fresh_databases() -> Vec<TestDb> {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let mut dbs = vec![TestDb {
        backend: "sqlite",
        url,
        _dir: Some(dir),
    }];
    match std::env::var("POLKU_TEST_POSTGRES_URL") {
        Ok(base) => {
            let name = format!(
                "polku_test_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst)
            );
            let admin = Database::connect(base.as_str()).await.unwrap();
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            let (prefix, _) = base.rsplit_once('/').unwrap();
            dbs.push(TestDb {
                backend: "postgres",
                url: format!("{prefix}/{name}"),
                _dir: None,
            });
        }
        Err(_) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!(
                "CI=true but POLKU_TEST_POSTGRES_URL is not set: the PostgreSQL tests must not be skipped in CI"
            )
        }
        Err(_) => eprintln!(
            "PostgreSQL SKIPPED: set POLKU_TEST_POSTGRES_URL to run these tests on PostgreSQL too"
        ),
    }
    dbs
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(&manifest_dir()).join("tests/fixtures").join(name)
}

pub fn bundled_content() -> PathBuf {
    Path::new(&manifest_dir()).join("../../content")
}

pub async fn import(db: &DatabaseConnection, dir: &Path) -> ImportReport {
    let (sources, problems) = load_dir(dir);
    // Plain-language advice is for authors; nothing else may be found.
    let problems: Vec<_> = problems.iter().filter(|p| !p.advice).collect();
    assert!(problems.is_empty(), "{problems:?}");
    import_courses(db, &sources).await.unwrap()
}

/// This package's folder, read when the test runs (cargo sets it): a test
/// binary built in another clone sharing the target directory must still
/// read this clone's files.
pub fn manifest_dir() -> String {
    std::env::var("CARGO_MANIFEST_DIR").unwrap()
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
