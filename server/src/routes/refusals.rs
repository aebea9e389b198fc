//! Server functions answer every error with status 500 (Leptos does so);
//! the refusals among them get their own status here, in one place:
//! "not found" 404, "not signed in" 401, "forbidden" 403, a refused form
//! 400. Only real failures stay 500.

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::StatusCode;

/// Error bodies are small JSON values; anything larger is not one.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Middleware on `/api/*`: gives a server function's refusal its status.
pub async fn server_fn_status(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !api || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::api::AppError>(&bytes) {
        parts.status = error.status();
    }
    Response::from_parts(parts, Body::from(bytes))
}
