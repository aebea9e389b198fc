//! Security defaults for every response and every state-changing request.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{self, HeaderName, HeaderValue};
use http::{Method, StatusCode};

/// CSP for responses that set none themselves (pages set their own, with a
/// per-request nonce).
const FALLBACK_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// `Strict-Transport-Security` for a year (subdomains too).
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The security headers of every response: `nosniff`, a strict referrer
/// policy, no framing, a fallback CSP, and `Strict-Transport-Security`
/// when the site is served over HTTPS (nothing on plain HTTP). One
/// function on the response, not a layer per header: each layer's future
/// held the ones inside it, and the whole nest was moved and its services
/// cloned for every request (a tenth of a kept page's CPU with the other
/// layers so built; `perf`, 2026-12-07).
pub fn headers<B>(https: bool) -> impl Fn(http::Response<B>) -> http::Response<B> + Clone {
    move |mut response| {
        let headers = response.headers_mut();
        headers
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(FALLBACK_CSP));
        for (name, value) in [
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "same-origin"),
            (header::X_FRAME_OPTIONS, "DENY"),
        ] {
            headers.insert(name, HeaderValue::from_static(value));
        }
        if https {
            headers.insert(
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static(HSTS),
            );
        }
        response
    }
}

/// `Cache-Control: no-store` on every response to a signed-in request (it
/// may show the person's own data), except the static files under `/pkg`,
/// which are the same for everyone and keep their caching.
pub async fn no_store_when_signed_in(request: Request, next: Next) -> Response {
    let personal = polku_web::cookies::session_token(request.headers()).is_some()
        && !request.uri().path().starts_with("/pkg/");
    let mut response = next.run(request).await;
    if personal {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The public API any site may call from a browser: badge checks change
/// nothing and read no cookie (`POST /api/verify`).
const PUBLIC_POSTS: &[&str] = &["/api/verify"];

fn is_public_api(path: &str) -> bool {
    PUBLIC_POSTS.contains(&path)
}

/// CORS for the public API (badge checks, the API description): any
/// origin, no credentials, so another site's page can check a badge but
/// never acts as a signed-in person. The rest of Polku sends no CORS
/// headers: other origins cannot read it.
pub fn public_cors() -> tower_http::cors::CorsLayer {
    tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::Any)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(3600))
}

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// Refuses state-changing requests sent from another site (CSRF): browsers
/// mark them with `Sec-Fetch-Site` and `Origin`. Requests without either
/// header (non-browser clients, old browsers) pass; cookies are also
/// `SameSite=Lax`.
pub async fn cross_origin_protection(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && !is_public_api(request.uri().path()) && is_cross_origin(&request) {
        return (StatusCode::FORBIDDEN, "cross-origin request refused").into_response();
    }
    next.run(request).await
}

fn is_cross_origin(request: &Request) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get(SEC_FETCH_SITE).and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(origin);
    origin == "null" || origin_host != host
}
