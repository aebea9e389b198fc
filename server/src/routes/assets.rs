//! The browser half's files (`/pkg`: JavaScript, wasm, CSS, icons) under a
//! name that changes whenever any of them does: pages link to
//! `/pkg/<version>/…`, which is cached for a year and never revalidated
//! (an old phone on a slow line asks for nothing it already has), and a
//! new build is a new address, so no browser mixes old code with a new
//! server. The version is a hash of the files, computed at start.
//! Unversioned `/pkg/…` addresses still answer, revalidated every time;
//! another version's address answers 404 (the page still works without
//! its script).

use std::path::Path;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// `Cache-Control` of a versioned file.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of an unversioned one.
const REVALIDATE: &str = "no-cache";

/// The version of the files in `pkg`: the first 16 hex digits of a
/// SHA-256 over their names and contents (`none` when there are none).
pub fn version(pkg: &Path) -> String {
    let Ok(entries) = std::fs::read_dir(pkg) else {
        return "none".to_owned();
    };
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .collect();
    if files.is_empty() {
        return "none".to_owned();
    }
    files.sort();
    let mut hash = Sha256::new();
    for file in files {
        hash.update(file.file_name().unwrap_or_default().as_encoded_bytes());
        hash.update([0]);
        hash.update(std::fs::read(&file).unwrap_or_default());
        hash.update([0]);
    }
    let mut version = format!("{:x}", hash.finalize());
    version.truncate(16);
    version
}

/// Middleware in front of the `/pkg` files: strips the current version
/// from the path and marks the answer immutable; unversioned paths are
/// revalidated; any other version is not found.
pub async fn versioned(
    State(current): State<std::sync::Arc<str>>,
    mut request: Request,
    next: Next,
) -> Response {
    // The path without the current version; `None` when it had none.
    let rest = match request
        .uri()
        .path()
        .strip_prefix('/')
        .and_then(|p| p.split_once('/'))
    {
        Some((version, rest)) if version == &*current => Some(format!("/{rest}")),
        Some((version, _)) if looks_like_version(version) => {
            return StatusCode::NOT_FOUND.into_response();
        }
        _ => None,
    };
    let versioned = rest.is_some();
    let worker = request.uri().path().ends_with("/python-worker.js");
    if let Some(rest) = rest {
        let uri = match request.uri().query() {
            Some(query) => format!("{rest}?{query}"),
            None => rest,
        };
        match uri.parse::<Uri>() {
            Ok(uri) => *request.uri_mut() = uri,
            Err(_) => return StatusCode::NOT_FOUND.into_response(),
        }
    }
    let mut response = next.run(request).await;
    // A worker's policy is its own script's: the Python worker imports
    // MicroPython, fetches and compiles its wasm, and nothing else.
    if worker {
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PYTHON_WORKER_CSP),
        );
    }
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if versioned { IMMUTABLE } else { REVALIDATE }),
        );
    }
    response
}

/// The Content-Security-Policy of the Python worker (`python-worker.js`).
const PYTHON_WORKER_CSP: &str =
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'";

/// A path segment shaped like a version (16 hex digits, or `none`).
fn looks_like_version(segment: &str) -> bool {
    segment == "none" || (segment.len() == 16 && segment.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_follows_every_file() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(version(dir.path()), "none");
        std::fs::write(dir.path().join("polku.js"), "one").unwrap();
        std::fs::write(dir.path().join("polku.css"), "a").unwrap();
        let first = version(dir.path());
        assert!(looks_like_version(&first), "{first}");
        assert_eq!(
            version(dir.path()),
            first,
            "the same files, the same version"
        );
        std::fs::write(dir.path().join("polku.css"), "b").unwrap();
        let second = version(dir.path());
        assert_ne!(second, first, "a changed file changes it");
        std::fs::rename(dir.path().join("polku.css"), dir.path().join("other.css")).unwrap();
        assert_ne!(version(dir.path()), second, "a renamed file changes it");
    }
}
