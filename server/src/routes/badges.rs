//! `GET /.well-known/did.json`: the issuer's DID document (`did:web`), with
//! every public key badges were ever signed with.

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use http::header;

use super::AppState;

/// `GET /.well-known/did.json`
pub async fn did_json(State(state): State<AppState>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/did+json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        Json(state.issuer.did_document()),
    )
}

/// `POST /api/verify`: a badge (its JSON) in the body; the verdict as JSON:
/// `outcome` (`valid`, `expired`, `not_yet_valid`, `unknown_issuer`,
/// `tampered`, `not_a_badge`), every check with its result and detail, and
/// what the badge claims. Bodies over the server's limit get 413.
pub async fn verify(State(state): State<AppState>, body: String) -> axum::response::Response {
    let issuer = state.issuer.clone();
    let checked = tokio::task::spawn_blocking(move || {
        polku_core::badges::check_badge(&body, &issuer, chrono::Utc::now())
    })
    .await;
    match checked {
        Ok(verdict) => Json(verdict).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "badge check failed");
            http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The verify form's body.
#[derive(Debug, serde::Deserialize)]
pub struct VerifyForm {
    /// The badge as JSON text.
    #[serde(default)]
    pub credential: String,
}

/// Checks a badge posted from the `/verify` form (without JavaScript too)
/// and answers with the `/verify` page showing the verdict, rendered by
/// `render` with the result in its context. Nothing is stored.
pub async fn verify_form<F, Fut>(
    state: AppState,
    render: F,
    headers: http::HeaderMap,
    form: VerifyForm,
) -> axum::response::Response
where
    F: FnOnce(app::api::badges::Submitted, http::Request<axum::body::Body>) -> Fut,
    Fut: std::future::Future<Output = axum::response::Response>,
{
    let issuer = state.issuer.clone();
    let input = form.credential;
    let text = input.clone();
    let verdict = match tokio::task::spawn_blocking(move || {
        polku_core::badges::check_badge(&text, &issuer, chrono::Utc::now())
    })
    .await
    {
        Ok(v) => v,
        Err(err) => {
            tracing::error!(error = %err, "badge check failed");
            return http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let submitted = app::api::badges::Submitted(app::api::badges::view_of(verdict, input));
    // The page is rendered as for `GET /verify`, with the caller's headers
    // (language, session).
    let mut request = http::Request::get("/verify")
        .body(axum::body::Body::empty())
        .unwrap_or_default();
    for (name, value) in &headers {
        if name != http::header::CONTENT_LENGTH && name != http::header::CONTENT_TYPE {
            request.headers_mut().append(name, value.clone());
        }
    }
    render(submitted, request).await
}
