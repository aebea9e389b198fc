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
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Submits more hashes than the workers and their queues take (each
/// submitted on its first poll, then left to run); how many were refused.
fn flood() -> usize {
    use std::task::{Context, Poll, Waker};
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut refused = 0;
    for n in 0..threads * (passwords::QUEUE_PER_THREAD + 1) + 8 {
        let mut job = std::pin::pin!(passwords::hash(format!("flood password {n}")));
        let poll = job.as_mut().poll(&mut Context::from_waker(Waker::noop()));
        if matches!(poll, Poll::Ready(Err(polku_core::CoreError::Busy))) {
            refused += 1;
        }
    }
    refused
}

/// Keeps the hashing queue full from another thread until dropped.
struct Flood {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<usize>>,
}

impl Flood {
    fn start() -> Flood {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut refused = 0;
            while !flag.load(Ordering::Relaxed) {
                // Refilled at once: a slot freed by a finished hash is
                // taken again within microseconds.
                refused += flood();
                std::thread::yield_now();
            }
            refused
        });
        // The first round is in before the test goes on.
        std::thread::sleep(std::time::Duration::from_millis(50));
        Flood {
            stop,
            thread: Some(thread),
        }
    }

    /// Stops flooding; how many submissions were refused as busy.
    fn stop(mut self) -> usize {
        self.stop.store(true, Ordering::Relaxed);
        self.thread
            .take()
            .map_or(0, |t| t.join().unwrap_or_default())
    }
}

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
    let flooding = Flood::start();
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
    assert!(flooding.stop() > 0, "the flood filled the queue");

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
