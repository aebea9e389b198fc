//! Helpers shared by the server's integration tests: a router over a real
//! SQLite file with the bundled courses imported, and a GET through it.

use std::path::Path;

use axum::Router;
use axum::body::Body;
use http::{Request, StatusCode, header};
use server::config::Config;
use tower::ServiceExt;

pub async fn app() -> (Router, tempfile::TempDir) {
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
    assert_eq!(
        server::import_content(&db, &config.content_dir)
            .await
            .unwrap(),
        0
    );
    (server::routes::router(&config, db), dir)
}

pub async fn get(
    app: &Router,
    path: &str,
    cookie: Option<&str>,
) -> (StatusCode, http::HeaderMap, String) {
    let mut request = Request::get(path);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 10 << 20)
        .await
        .unwrap();
    (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
}
