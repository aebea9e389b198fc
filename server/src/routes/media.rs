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
/// directly. One byte range (`Range: bytes=…`, as a video player asks when
/// the learner seeks) gets 206 with that part only, a range outside the
/// file 416; several ranges, or an `If-Range` that no longer matches, get
/// the whole file.
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
    let size = file.bytes.len() as u64;
    let (status, range, body) = match wanted_range(&headers, &etag, size) {
        Wanted::Whole => (StatusCode::OK, None, file.bytes),
        Wanted::Part(part) => {
            let (start, end) = (*part.start(), *part.end());
            let slice = file
                .bytes
                .get(start as usize..=end as usize)
                .unwrap_or_default()
                .to_vec();
            (
                StatusCode::PARTIAL_CONTENT,
                Some(format!("bytes {start}-{end}/{size}")),
                slice,
            )
        }
        Wanted::Unsatisfiable => {
            return (
                StatusCode::RANGE_NOT_SATISFIABLE,
                [(header::CONTENT_RANGE, format!("bytes */{size}"))],
            )
                .into_response();
        }
    };
    let mut response = (
        status,
        [
            (header::CONTENT_TYPE, content_type),
            (header::ETAG, etag_value),
            (header::CACHE_CONTROL, cache),
            (header::ACCEPT_RANGES, HeaderValue::from_static("bytes")),
        ],
        Body::from(body),
    )
        .into_response();
    if let Some(range) = range.and_then(|r| HeaderValue::from_str(&r).ok()) {
        response.headers_mut().insert(header::CONTENT_RANGE, range);
    }
    if file.content_type == "image/svg+xml" {
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
        );
    }
    response
}

/// What part of a file a request asks for.
enum Wanted {
    Whole,
    Part(std::ops::RangeInclusive<u64>),
    Unsatisfiable,
}

/// Reads `Range` (one range is served as asked; several, or a header that
/// is not a byte range, mean the whole file) and `If-Range` (a range of a
/// version the client no longer has means the whole file).
fn wanted_range(headers: &HeaderMap, etag: &str, size: u64) -> Wanted {
    let Some(range) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Wanted::Whole;
    };
    if headers
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() != etag)
    {
        return Wanted::Whole;
    }
    let Ok(parsed) = http_range_header::parse_range_header(range) else {
        return Wanted::Whole;
    };
    match parsed.validate(size) {
        Ok(ranges) if ranges.len() == 1 && size > 0 && *ranges[0].start() < size => {
            Wanted::Part(ranges[0].clone())
        }
        Ok(ranges) if ranges.len() > 1 => Wanted::Whole,
        _ => Wanted::Unsatisfiable,
    }
}
