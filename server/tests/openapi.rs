//! The API description: `/api/openapi.json` is OpenAPI 3.1, describes
//! exactly the public and integration endpoints the router has (each
//! answers as described), with their schemas; CORS is open on the public
//! API only. (`e2e/openapi.test.mjs` validates the document against the
//! OpenAPI 3.1 schema.)
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::collections::BTreeSet;

use axum::body::Body;
use common::{ONE_AT_A_TIME, app, get, send};
use http::{Method, Request, StatusCode, header};
use serde_json::Value;

/// The endpoints the description must cover, and nothing else.
const DESCRIBED: &[(&str, &str)] = &[
    ("post", "/api/verify"),
    ("get", "/.well-known/did.json"),
    ("get", "/badges/status/1"),
    ("get", "/api/search"),
    ("get", "/api/suggest"),
    ("get", "/account/export.json"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/api/openapi.json"),
];

#[tokio::test]
async fn the_description_matches_the_routes() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, _dir) = app().await;
    let (status, headers, body) = get(&app, "/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let doc: Value = serde_json::from_str(&body).unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "{doc}"
    );

    let mut described = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            described.insert((method.clone(), path.clone()));
        }
    }
    let expected: BTreeSet<(String, String)> = DESCRIBED
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(described, expected);

    // Each is a route of this server: a plain route or a server function.
    let plain: BTreeSet<(String, String)> = server::routes::plain_routes()
        .into_iter()
        .map(|r| (r.method.as_str().to_lowercase(), r.path.to_owned()))
        .collect();
    let functions: BTreeSet<(String, String)> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, m)| (m.as_str().to_lowercase(), p.to_owned()))
        .collect();
    for endpoint in &described {
        assert!(
            plain.contains(endpoint) || functions.contains(endpoint),
            "{endpoint:?} is described but not routed"
        );
    }

    // Each answers as described (no session: the export says 401).
    let answers = [
        ("/.well-known/did.json", StatusCode::OK),
        ("/badges/status/1", StatusCode::OK),
        ("/api/search?q=salasana&locale=fi", StatusCode::OK),
        ("/api/suggest?q=sala&locale=fi", StatusCode::OK),
        ("/account/export.json", StatusCode::UNAUTHORIZED),
        ("/healthz", StatusCode::OK),
        ("/readyz", StatusCode::OK),
    ];
    for (path, want) in answers {
        let (status, _, body) = get(&app, path, None).await;
        assert_eq!(status, want, "{path}: {body}");
        let operation = &doc["paths"][path.split('?').next().unwrap()]["get"];
        assert!(
            operation["responses"][status.as_str()].is_object(),
            "{path}: {status} is not described"
        );
    }
    let (status, _, body) = send(
        &app,
        Request::post("/api/verify")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{\"not\": \"a badge\"}"))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let verdict: Value = serde_json::from_str(&body).unwrap();
    // The verdict's fields are the schema's.
    let schema = &doc["components"]["schemas"]["Verdict"];
    let properties: BTreeSet<&String> = schema["properties"].as_object().unwrap().keys().collect();
    let fields: BTreeSet<&String> = verdict.as_object().unwrap().keys().collect();
    assert_eq!(properties, fields);
    let outcomes = doc["components"]["schemas"]["Outcome"]["enum"]
        .as_array()
        .unwrap();
    assert!(outcomes.contains(&verdict["outcome"]), "{verdict}");
    for schema in [
        "SearchPage",
        "SearchHit",
        "Suggestion",
        "Language",
        "Check",
        "Claims",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
}

#[tokio::test]
async fn cors_is_open_on_the_public_api_only() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, _dir) = app().await;
    // A verifier page on another site checks a badge.
    let (status, headers, _) = send(
        &app,
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/api/verify")
            .header(header::ORIGIN, "https://verifier.example")
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(status.is_success(), "{status}");
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert!(!headers.contains_key(header::ACCESS_CONTROL_ALLOW_CREDENTIALS));
    let (status, headers, body) = send(
        &app,
        Request::post("/api/verify")
            .header(header::ORIGIN, "https://verifier.example")
            .header("sec-fetch-site", "cross-site")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert!(body.contains("not_a_badge"), "{body}");

    // Anything else stays same-origin: no CORS, cross-site posts refused.
    let (_, headers, _) = send(
        &app,
        Request::get("/api/search?q=salasana&locale=fi")
            .header(header::ORIGIN, "https://verifier.example")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(!headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
    let (status, _, _) = send(
        &app,
        Request::post("/api/log_in")
            .header(header::ORIGIN, "https://evil.example")
            .header("sec-fetch-site", "cross-site")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("username=a&password=b"))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
