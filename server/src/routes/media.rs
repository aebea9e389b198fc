//! `GET /media/{course}/{*path}`: a course's images, captions and videos,
//! and `GET /courses/{course}/{lesson}/audio/{language}`: a lesson read
//! aloud; served from the database (so every instance serves the same
//! files).

use axum::body::Body;
use axum::extract::{Path, Query, State};
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
    let svg = file.content_type == "image/svg+xml";
    let mut response = file_response(
        &headers,
        &file.content_type,
        &file.sha256,
        file.bytes,
        HeaderValue::from_static("public, max-age=3600"),
    );
    if svg {
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
        );
    }
    response
}

/// `GET /courses/{course}/{lesson}/audio/{language}`: the lesson read
/// aloud (Ogg Opus), public like the lesson; not found until its audio is
/// made. Byte ranges as for media (the player seeks). The page links it
/// with `?v=` and the audio's hash: that URL is kept for a year.
pub async fn lesson_audio(
    State(db): State<DatabaseConnection>,
    Path((course, lesson, language)): Path<(String, String, String)>,
    Query(query): Query<AudioQuery>,
    headers: HeaderMap,
) -> Response {
    let Ok(language) = language.parse::<polku_core::Language>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let audio = match polku_core::speech::audio(&db, &course, &lesson, language).await {
        Ok(audio) => audio,
        Err(CoreError::NotFound) => return StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            tracing::error!(error = %err, "lesson audio: database error");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let versioned = query
        .v
        .as_deref()
        .is_some_and(|v| !v.is_empty() && audio.script_hash.starts_with(v));
    let cache = HeaderValue::from_static(if versioned {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=60"
    });
    file_response(
        &headers,
        &audio.content_type,
        &audio.script_hash,
        audio.bytes,
        cache,
    )
}

/// `GET /courses/{course}/offline.json`: what saving the course on a
/// device takes, for the reader's language ([`polku_core::courses::OfflineList`]);
/// public like the course.
pub async fn offline_list(
    State(db): State<DatabaseConnection>,
    Path(course): Path<String>,
    headers: HeaderMap,
) -> Response {
    let language = super::request_locale(&headers);
    match polku_core::courses::offline_list(&db, &course, language).await {
        Ok(list) => (
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))],
            axum::Json(list),
        )
            .into_response(),
        Err(CoreError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            tracing::error!(error = %err, "offline list: database error");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `GET /sw.js`: the service worker, from the site's files, at the root
/// so it may serve the whole site; asked again on every visit (no-cache),
/// so a new version is found at once.
pub async fn service_worker(State(state): State<super::AppState>) -> Response {
    let path = std::path::Path::new(&*state.leptos_options.site_root).join("pkg/sw.js");
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/javascript; charset=utf-8"),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
                // The worker fetches this site's pages and files, nothing else.
                (
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static("default-src 'none'; connect-src 'self'"),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The query of [`lesson_audio`].
#[derive(Debug, serde::Deserialize)]
pub struct AudioQuery {
    /// The audio's version (a prefix of its hash).
    v: Option<String>,
}

/// A file from the database with its `ETag` (from `hash`): 304 when the
/// client has it, one byte range as 206, a range outside it 416.
fn file_response(
    headers: &HeaderMap,
    content_type: &str,
    hash: &str,
    bytes: Vec<u8>,
    cache: HeaderValue,
) -> Response {
    let etag = format!("\"{hash}\"");
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
    let content_type = HeaderValue::from_str(content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let size = bytes.len() as u64;
    let (status, range, body) = match wanted_range(headers, &etag, size) {
        Wanted::Whole => (StatusCode::OK, None, bytes),
        Wanted::Part(part) => {
            let (start, end) = (*part.start(), *part.end());
            let slice = bytes
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
