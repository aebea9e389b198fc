//! One error for the plain routes, answered as an HTTP status; internal
//! causes are logged, never sent.

use axum::response::{IntoResponse, Response};
use http::StatusCode;
use polku_core::CoreError;

/// Why a plain route did not answer with what was asked.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// A core service refused or failed.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// The request is malformed.
    #[error("bad request")]
    BadRequest,
}

impl WebError {
    /// The status the client sees.
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Core(CoreError::NotFound) => StatusCode::NOT_FOUND,
            WebError::Core(CoreError::Forbidden) => StatusCode::FORBIDDEN,
            WebError::Core(CoreError::Unauthenticated) => StatusCode::UNAUTHORIZED,
            WebError::Core(CoreError::Rejected(_) | CoreError::Invalid(_))
            | WebError::BadRequest => StatusCode::BAD_REQUEST,
            WebError::Core(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        status.into_response()
    }
}
