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
