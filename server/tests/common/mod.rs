//! Helpers shared by the server's integration tests: a router over a real
//! SQLite file with the bundled courses imported, and a GET through it.

use std::path::Path;

use axum::Router;
use axum::body::Body;
use http::{Request, StatusCode, header};
use server::config::Config;
use tower::ServiceExt;

/// The tests of a binary that build several routers take turns: each
/// builds its own router on its own runtime, and Leptos' process-wide
/// state (the executor, the server-function registry) made page renders in
/// parallel routers of one process stall now and then (a 408 after the
/// 30 s timeout). The server
/// itself runs one router; `concurrency.rs` renders pages in parallel
/// within it.
#[allow(dead_code, reason = "not every test binary uses every helper")]
pub static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[allow(dead_code, reason = "not every test binary uses every helper")]
pub async fn app() -> (Router, tempfile::TempDir) {
    app_with(&[]).await
}

/// As [`app`], with extra command-line arguments.
pub async fn app_with(extra: &[&str]) -> (Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("polku.db").display());
    (app_on(&url, dir.path(), extra).await, dir)
}

/// A router over the database at `url` (empty; the bundled courses are
/// imported into it), with its search index and issuer keys in `dir`.
pub async fn app_on(url: &str, dir: &Path, extra: &[&str]) -> Router {
    let content = Path::new(&manifest_dir()).join("../content");
    let content = content.to_string_lossy();
    let search = dir.join("search");
    let search = search.to_string_lossy();
    let keys = dir.join("issuer-keys.json");
    let keys = keys.to_string_lossy();
    let mut args = vec!["polku", "--database-url", url, "--content-dir", &content];
    if !url.starts_with("sqlite:") {
        // Beside an SQLite file by default; a server database has no
        // folder of its own.
        args.extend_from_slice(&["--search-index", &search, "--issuer-keys", &keys]);
    }
    args.extend_from_slice(extra);
    let config = Config::from_args(args).unwrap().unwrap();
    let db = polku_core::db::open(&config.database_url).await.unwrap();
    assert_eq!(
        server::import_content(&db, &config.content_dir)
            .await
            .unwrap(),
        0
    );
    let search = server::start_search(&config, &db).unwrap();
    // The first pass, done here so tests can search at once.
    search.sync(&db).await.unwrap();
    let issuer = server::open_issuer(&config).unwrap();
    let federation = config.federation().unwrap();
    server::routes::router(&config, db, search, issuer, federation)
}

/// A fresh, empty database on every backend this run covers: SQLite
/// always (a file in the returned folder), PostgreSQL too when
/// `POLKU_TEST_POSTGRES_URL` is set (a new database made from that URL).
/// Each comes as (backend, URL, a folder for its files).
#[allow(dead_code, reason = "not every test binary uses every helper")]
pub async fn fresh_databases() -> Vec<(&'static str, String, tempfile::TempDir)> {
    use sea_orm::ConnectionTrait;
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("polku.db").display());
    let mut dbs = vec![("sqlite", url, dir)];
    match std::env::var("POLKU_TEST_POSTGRES_URL") {
        Ok(base) => {
            let name = format!(
                "polku_server_test_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst)
            );
            let admin = sea_orm::Database::connect(base.as_str()).await.unwrap();
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            admin.close().await.unwrap();
            let (prefix, _) = base.rsplit_once('/').unwrap();
            dbs.push((
                "postgres",
                format!("{prefix}/{name}"),
                tempfile::tempdir().unwrap(),
            ));
        }
        Err(_) if std::env::var("CI").as_deref() == Ok("true") => panic!(
            "CI=true but POLKU_TEST_POSTGRES_URL is not set: the PostgreSQL tests must not be skipped in CI"
        ),
        Err(_) => eprintln!(
            "PostgreSQL SKIPPED: set POLKU_TEST_POSTGRES_URL to run these tests on PostgreSQL too"
        ),
    }
    dbs
}

#[allow(dead_code, reason = "not every test binary uses every helper")]
pub async fn get(
    app: &Router,
    path: &str,
    cookie: Option<&str>,
) -> (StatusCode, http::HeaderMap, String) {
    let mut request = Request::get(path);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(app, request.body(Body::empty()).unwrap()).await
}

/// A form POST through the router, as a same-origin browser sends it.
#[allow(dead_code, reason = "not every test binary uses every helper")]
pub async fn post_form(
    app: &Router,
    path: &str,
    body: &str,
    cookie: Option<&str>,
) -> (StatusCode, http::HeaderMap, String) {
    let mut request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .header("sec-fetch-site", "same-origin");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(app, request.body(Body::from(body.to_owned())).unwrap()).await
}

/// Sends `request` through the router: status, headers and the body as text.
#[allow(dead_code, reason = "not every test binary uses every helper")]
pub async fn send(app: &Router, request: Request<Body>) -> (StatusCode, http::HeaderMap, String) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 10 << 20)
        .await
        .unwrap();
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

/// This package's folder, read when the test runs (cargo sets it): a test
/// binary built in another clone sharing the target directory must still
/// read this clone's files.
fn manifest_dir() -> String {
    std::env::var("CARGO_MANIFEST_DIR").unwrap()
}

/// Log lines written through it, kept for checks of what is (never)
/// logged: a `tracing_subscriber` writer.
#[derive(Clone, Default)]
#[allow(dead_code, reason = "not every test binary uses every helper")]
pub struct Logs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[allow(dead_code, reason = "not every test binary uses every helper")]
impl Logs {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(
            &self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
        .into_owned()
    }
}

/// The test site's database (the file [`app`] made in `dir`).
#[allow(dead_code, reason = "not every test binary uses every helper")]
pub async fn app_db(dir: &tempfile::TempDir) -> polku_core::db::DatabaseConnection {
    let url = format!("sqlite://{}", dir.path().join("polku.db").display());
    polku_core::db::open(&url).await.unwrap()
}

/// A new account of `role` named `name`, signed in: its session cookie.
#[allow(dead_code, reason = "not every test binary uses every helper")]
pub async fn person(
    dir: &tempfile::TempDir,
    name: &str,
    role: polku_core::accounts::Role,
) -> String {
    signed_up(&app_db(dir).await, name, role).await
}

/// A new account of `role` named `name` in `db`, signed in: its session
/// cookie.
#[allow(dead_code, reason = "not every test binary uses every helper")]
pub async fn signed_up(
    db: &polku_core::db::DatabaseConnection,
    name: &str,
    role: polku_core::accounts::Role,
) -> String {
    use polku_core::accounts::{self, NewAccount};
    let account = NewAccount {
        username: name.into(),
        password: "long enough secret".into(),
        display_name: Some(format!("{name} Testinen")),
        ..Default::default()
    };
    accounts::create_account(db, account, role).await.unwrap();
    let session = accounts::log_in(
        db,
        name,
        "long enough secret",
        None,
        accounts::UNKNOWN_CLIENT,
    )
    .await
    .unwrap();
    format!("polku_session={}", session.token)
}

/// A badge `slug` of `course` for its lesson `lesson` with every graded
/// part of it answered right (`min_quiz_score = 100`), saved and approved
/// by the admin `admin` (until approved it issues nothing).
#[allow(dead_code, reason = "not every test binary uses every helper")]
pub async fn approved_badge(
    db: &polku_core::db::DatabaseConnection,
    admin: &str,
    course: &str,
    lesson: &str,
    slug: &str,
) {
    use polku_core::badges::edit::{BadgeEdit, save};
    let admin = polku_core::accounts::Actor::for_cli(db, admin)
        .await
        .unwrap();
    let grant = polku_core::authoring::AuthorGrant::for_actor(db, &admin)
        .await
        .unwrap();
    let mut edit = BadgeEdit {
        slug: slug.into(),
        lessons: vec![lesson.into()],
        min_quiz_score: Some(100),
        ..Default::default()
    };
    edit.name
        .insert(polku_core::Language::Fi, format!("Merkki {slug}"));
    save(db, &grant, course, edit).await.unwrap();
    let pending = polku_core::badges::approval::pending(db, &admin, polku_core::Language::Fi)
        .await
        .unwrap();
    let version = &pending.iter().find(|p| p.slug == slug).unwrap().version;
    polku_core::badges::approval::approve(db, &admin, course, slug, version)
        .await
        .unwrap();
}

/// Where each of `texts` first is in exercise `quiz` of `page`, in page
/// order: the order shown.
#[allow(dead_code, reason = "not every test binary uses every helper")]
pub fn shown_order<'a>(page: &str, quiz: usize, texts: &[&'a str]) -> Vec<&'a str> {
    let page = &page[page.find(&format!("id=\"quiz-{quiz}\"")).unwrap()..];
    let mut found: Vec<(usize, &str)> = texts
        .iter()
        .map(|t| (page.find(t).unwrap_or_else(|| panic!("{t} not shown")), *t))
        .collect();
    found.sort_unstable();
    found.into_iter().map(|(_, t)| t).collect()
}

/// The body of a POST answering exercise `quiz` with select or checkbox
/// values `a` (empty: not chosen).
#[allow(dead_code, reason = "not every test binary uses every helper")]
pub fn picks(quiz: usize, a: &[String]) -> String {
    let mut body = format!("quiz={quiz}");
    for value in a {
        body.push_str(&format!("&a={value}"));
    }
    body
}
