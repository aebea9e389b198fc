//! `GET /healthz`: 200 `ok` when the database answers, else 503.

use axum::extract::State;
use http::StatusCode;
use polku_core::db::DatabaseConnection;

/// `GET /healthz`: whether the database answers (liveness).
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses(
        (status = 200, description = "`ok`", content_type = "text/plain", body = String),
        (status = 503, description = "The database does not answer"),
    ),
)]
pub async fn healthz(State(db): State<DatabaseConnection>) -> (StatusCode, &'static str) {
    match db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(err) => {
            tracing::error!(error = %err, "health check: database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
