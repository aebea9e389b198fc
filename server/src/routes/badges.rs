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
