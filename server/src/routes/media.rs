//! `GET /media/{course}/{*path}`: a course's images, captions and videos,
//! served from the database (so every instance serves the same files).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::header::{self, HeaderMap, HeaderValue};
use polku_core::CoreError;
use polku_core::db::DatabaseConnection;

/// `GET /media/{course}/{*path}`: public like the lessons that show it;
/// `ETag` from the content hash, revalidated after an hour. SVG files get a
/// sandboxing CSP, so a script inside one never runs even when opened
/// directly.
pub async fn media(
    State(db): State<DatabaseConnection>,
    Path((course, path)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let file = match polku_core::courses::media(&db, &course, &path).await {
        Ok(file) => file,
        Err(CoreError::NotFound) => return StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            tracing::error!(error = %err, "media: database error");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let etag = format!("\"{}\"", file.sha256);
    let cache = HeaderValue::from_static("public, max-age=3600");
    let etag_value = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag_value), (header::CACHE_CONTROL, cache)],
        )
            .into_response();
    }
    let content_type = HeaderValue::from_str(&file.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let mut response = (
        [
            (header::CONTENT_TYPE, content_type),
            (header::ETAG, etag_value),
            (header::CACHE_CONTROL, cache),
        ],
        Body::from(file.bytes),
    )
        .into_response();
    if file.content_type == "image/svg+xml" {
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
        );
    }
    response
}
