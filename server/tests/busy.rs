//! A full password-hashing queue over HTTP: a sign-up is answered "busy"
//! at once (503 with `Retry-After` for a script, a redirect back to the
//! form with what was typed for a plain form), never a failure and never a
//! wait without bound. Its own test binary: it fills the process's queue.
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod common;

use axum::body::Body;
use common::{app, send};
use http::{Request, StatusCode, header};
use polku_core::accounts::passwords;

#[tokio::test]
async fn a_full_hashing_queue_answers_busy_and_keeps_the_form() {
    let (app, _dir) = app().await;
    let form = |accept: &'static str| {
        Request::post("/api/sign_up")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, accept)
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(
                "username=kiireinen&password=long-enough-secret&display_name=Kiia",
            ))
            .unwrap()
    };
    // A plain form: back to the form with the reason and what was typed
    // (never the password).
    // Every hashing thread and queue place taken until this is dropped.
    let occupied = passwords::occupy();
    let (status, headers, _) = send(&app, form("text/html")).await;
    let location = headers[header::LOCATION].to_str().unwrap();
    assert!(status.is_redirection(), "{status} {location}");
    assert!(location.starts_with("/signup?"), "{location}");
    assert!(location.contains("error=busy"), "{location}");
    assert!(location.contains("username=kiireinen"), "{location}");
    assert!(location.contains("display_name=Kiia"), "{location}");
    assert!(!location.contains("long-enough-secret"), "{location}");
    assert!(headers.contains_key(header::RETRY_AFTER));
    // A script: 503 with Retry-After.
    let (status, headers, body) = send(&app, form("application/json")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(headers.contains_key(header::RETRY_AFTER));
    assert!(body.contains("Busy"), "{body}");
    drop(occupied);

    // Once the queue drains, the same sign-up works.
    let mut tries = 0;
    let location = loop {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let (_, headers, _) = send(&app, form("text/html")).await;
        let location = headers[header::LOCATION].to_str().unwrap().to_owned();
        tries += 1;
        if !location.contains("error=busy") || tries == 60 {
            break location;
        }
    };
    assert_eq!(location, "/dashboard");
}
