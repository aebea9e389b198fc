//! Pages rendered concurrently never fail. In a test binary of its own:
//! building a Leptos router (route generation) in the same process while
//! other tests render pages made some requests hang there; production (one
//! router built at start-up) has not shown that under wrk.
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod common;

use common::{app, get};
use http::StatusCode;

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
                let (status, _, body) = get(&app, path, None).await;
                assert_eq!(status, expected, "{path}");
                assert!(body.contains("</html>"), "{path}: truncated page");
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
    }
}
