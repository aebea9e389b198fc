//! Pages rendered concurrently never fail. In a test binary of its own:
//! building a Leptos router (route generation) in the same process while
//! other tests render pages made requests hang there, which production (one
//! router built at start-up) never does.
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

use std::path::Path;

use axum::Router;
use axum::body::Body;
use http::{Request, StatusCode};
use server::config::Config;
use tower::ServiceExt;

async fn app() -> (Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let url = format!("sqlite://{}", dir.path().join("polku.db").display());
    let config = Config::from_args([
        "polku",
        "--database-url",
        &url,
        "--content-dir",
        &content.to_string_lossy(),
    ])
    .unwrap()
    .unwrap();
    let db = polku_core::db::open(&config.database_url).await.unwrap();
    server::import_content(&db, &config.content_dir)
        .await
        .unwrap();
    (server::routes::router(&config, db), dir)
}

async fn get(app: &Router, path: &str) -> (StatusCode, String) {
    let response = app
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 10 << 20)
        .await
        .unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

/// Pages rendered concurrently never fail: Leptos finishes `<title>` after
/// a page's reactive scope ends, and reading a signal there used to panic
/// (the connection dropped) under load.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_pages_never_fail() {
    let (app, _dir) = app().await;
    let paths = [
        ("/", StatusCode::OK),
        ("/no-such-page", StatusCode::NOT_FOUND),
        ("/courses/digital-basics", StatusCode::OK),
        ("/courses/digital-basics/devices", StatusCode::OK),
    ];
    // Waves of 64 requests in flight, like a busy browser load on 2 cores.
    for wave in 0..30 {
        let mut tasks = Vec::new();
        for i in 0..64 {
            let (path, expected) = paths[(wave + i) % paths.len()];
            let app = app.clone();
            tasks.push(tokio::spawn(async move {
                let (status, body) = get(&app, path).await;
                assert_eq!(status, expected, "{path}");
                assert!(body.contains("</html>"), "{path}: truncated page");
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
    }
}
