//! What an operator sees: the access log (a line per request with its
//! request id, never a query value, a cookie or a share token), the
//! request id header, `/metrics` (only with the admin token, or on its own
//! address) and `/readyz` (database, search index, key file).
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use axum::body::Body;
use common::{Logs, ONE_AT_A_TIME, app_with, get, send};
use http::{Request, StatusCode, header};

const TOKEN: &str = "operator-token-0123456789";

/// Log lines written while the returned guard lives (this thread).
fn capture(json: bool) -> (Logs, tracing::subscriber::DefaultGuard) {
    let captured = Logs::default();
    let writer = captured.clone();
    let builder = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone());
    let guard = if json {
        tracing::subscriber::set_default(builder.json().finish())
    } else {
        tracing::subscriber::set_default(builder.finish())
    };
    (captured, guard)
}

#[tokio::test]
async fn the_access_log_has_a_line_per_request_and_no_personal_data() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, _dir) = app_with(&[]).await;
    for json in [false, true] {
        let (log, _guard) = capture(json);
        let request = Request::get("/search?q=maija.meikalainen%40example.fi&page=2")
            .header(header::COOKIE, "polku_session=SESSIONSECRET")
            .header("x-request-id", "trace-abc.123")
            .body(Body::empty())
            .unwrap();
        let (status, headers, _) = send(&app, request).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["x-request-id"], "trace-abc.123");

        // A forged id (it would write a fake line) is replaced.
        let request = Request::get("/")
            .header("x-request-id", "x\" status=500 forged")
            .body(Body::empty())
            .unwrap();
        let (_, headers, _) = send(&app, request).await;
        let made = headers["x-request-id"].to_str().unwrap().to_owned();
        let (prefix, count) = made.split_once('-').expect(&made);
        assert!(
            prefix.len() == 16
                && !count.is_empty()
                && (prefix.to_owned() + count)
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit()),
            "the process's prefix and a count: {made}"
        );
        // Each request its own.
        let request = Request::get("/healthz").body(Body::empty()).unwrap();
        let (_, headers, _) = send(&app, request).await;
        let next = headers["x-request-id"].to_str().unwrap().to_owned();
        assert!(
            next != made && next.starts_with(prefix),
            "{made} then {next}"
        );

        // A share link's token is a secret.
        get(&app, "/badges/shared/SHARETOKEN123/qr.svg", None).await;

        let text = log.text();
        let lines: Vec<&str> = text.lines().filter(|l| l.contains("served")).collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert!(
            lines[0].contains("/search?q=&page=") && lines[0].contains("trace-abc.123"),
            "{text}"
        );
        assert!(
            lines[0].contains("200") && lines[0].contains("GET"),
            "{text}"
        );
        assert!(lines[1].contains(&made), "{text}");
        assert!(lines[2].contains(&next), "{text}");
        assert!(lines[3].contains("/badges/shared/{token}/qr.svg"), "{text}");
        for secret in [
            "maija",
            "example.fi",
            "SESSIONSECRET",
            "SHARETOKEN123",
            "forged",
        ] {
            assert!(!text.contains(secret), "{secret} in the log: {text}");
        }
        if json {
            for line in &lines {
                let value: serde_json::Value = serde_json::from_str(line).unwrap();
                assert_eq!(value["level"], "INFO", "{line}");
            }
        }
    }
}

fn bearer(path: &str, token: &str) -> Request<Body> {
    Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn metrics_are_for_the_operator_only() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, _dir) = app_with(&["--admin-token", TOKEN]).await;
    get(&app, "/courses/digital-basics", None).await;
    let (status, _, body) = get(&app, "/metrics", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(!body.contains("polku_"), "{body}");
    let (status, _, _) = send(&app, bearer("/metrics", "operator-token-wrong-guess")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, headers, body) = send(&app, bearer("/metrics", TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    for expected in [
        r#"polku_http_requests_total{method="GET",route="/courses/{course}",status="200"}"#,
        r#"polku_http_request_duration_seconds_bucket{le="#,
        r#"polku_database_connections{state="idle"}"#,
        "polku_search_documents ",
        "polku_search_index_age_seconds ",
        "polku_badges_issued ",
        "polku_email_waiting ",
    ] {
        assert!(body.contains(expected), "{expected} missing: {body}");
    }

    // Without an admin token there is no /metrics on the site's address.
    let (app, _dir) = app_with(&[]).await;
    let (status, _, body) = send(&app, bearer("/metrics", TOKEN)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("polku_http"), "{body}");
}

#[tokio::test]
async fn readiness_reports_the_database_the_search_index_and_the_key_file() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, dir) = app_with(&[]).await;
    let (status, _, body) = get(&app, "/readyz", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let report: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["ready"], true);
    for part in ["database", "search_index", "issuer_keys"] {
        assert_eq!(report[part]["ok"], true, "{body}");
    }
    // The key file gone (a lost volume): not ready, and it says why.
    let keys = dir.path().join("polku.issuer-keys.json");
    std::fs::rename(&keys, dir.path().join("moved.json")).unwrap();
    let (status, _, body) = get(&app, "/readyz", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let report: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["ready"], false);
    assert_eq!(report["issuer_keys"]["ok"], false);
    assert_eq!(report["issuer_keys"]["detail"], "the key file is missing");
    assert!(
        !body.contains(dir.path().to_str().unwrap()),
        "no paths: {body}"
    );
    assert_eq!(report["database"]["ok"], true);
}
