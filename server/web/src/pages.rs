//! Whole pages for readers who are not signed in, kept as rendered: a
//! lesson read by a hundred anonymous visitors is rendered once per content
//! change, not a hundred times.
//!
//! * **What.** `GET` of the catalog (`/`), course and lesson pages
//!   (`/courses/…`) and the badge-check form (`/verify`), with no query
//!   string but `?lang=xx`, from a request that carries no cookie except
//!   the interface language (so no session, signed in or not). Kept only
//!   when the answer is `200 text/html` and sets no cookie.
//! * **Keyed** by the path and query and the interface language the
//!   request negotiates (its language cookie, else `Accept-Language`):
//!   everything else a page of these depends on is content.
//! * **Current.** Each page is tagged with the content generation read
//!   before it was rendered ([`polku_core::courses::cache::ContentCache`]),
//!   and served only while that is the generation now.
//! * **A fresh nonce per answer.** Leptos gives each render a random nonce,
//!   named by the `Content-Security-Policy` header and put on the page's
//!   scripts. The kept page is stored split at that nonce and each answer
//!   gets a new one, in the header and the page alike, so a nonce is never
//!   sent twice.
//! * **Bounded** by a byte budget, least recently used first out.

use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use polku_core::courses::cache::Shelf;
use polku_core::sync::lock;

use crate::AppState;

/// The default budget of kept pages, in bytes.
pub const DEFAULT_BUDGET: usize = 16 * 1024 * 1024;
/// A page larger than this is not kept.
const LARGEST_PAGE: usize = 1024 * 1024;

/// A rendered page, split at its nonce.
struct Kept {
    status: StatusCode,
    headers: HeaderMap,
    /// The `Content-Security-Policy` value, split at the nonce.
    policy: Vec<String>,
    /// The page, split at the nonce.
    body: Vec<Bytes>,
    bytes: usize,
}

type Key = (String, &'static str);

/// The kept pages of one server instance (cheap to clone: shared), on the
/// same generation-tagged shelf as the content they are made from.
#[derive(Clone)]
pub struct PageCache(Arc<Mutex<Shelf<Key, Kept>>>);

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache").finish_non_exhaustive()
    }
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache::new(DEFAULT_BUDGET)
    }
}

impl PageCache {
    /// An empty cache of about `budget` bytes (0: keeps nothing).
    pub fn new(budget: usize) -> Self {
        PageCache(Arc::new(Mutex::new(Shelf::new(budget))))
    }

    fn shelf(&self) -> std::sync::MutexGuard<'_, Shelf<Key, Kept>> {
        lock(&self.0)
    }

    /// How many pages are kept now.
    pub fn len(&self) -> usize {
        self.shelf().len()
    }

    /// Whether no page is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The key of a request whose answer may be kept, if it may.
fn key_of(request: &Request) -> Option<Key> {
    if request.method() != Method::GET {
        return None;
    }
    let uri = request.uri();
    let path = uri.path();
    let page = path == "/" || path == "/verify" || path.starts_with("/courses/");
    if !page {
        return None;
    }
    let query_ok = match uri.query() {
        None => true,
        Some(q) => q
            .strip_prefix("lang=")
            .is_some_and(|code| code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase())),
    };
    if !query_ok {
        return None;
    }
    let headers = request.headers();
    // Only the language cookie: any other (a session, signed in or ended,
    // an author's) may change the page.
    for value in headers.get_all(header::COOKIE) {
        let text = value.to_str().ok()?;
        let only_language = text
            .split(';')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .all(|c| {
                c.split_once('=')
                    .is_some_and(|(name, _)| name.trim() == polku_types::LANG_COOKIE)
            });
        if !only_language {
            return None;
        }
    }
    let cookie = headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let locale = polku_core::Language::negotiate(cookie, accept);
    Some((
        uri.path_and_query()
            .map_or(path, |pq| pq.as_str())
            .to_owned(),
        locale.code(),
    ))
}

/// The nonce a `Content-Security-Policy` names.
fn nonce_of(policy: &str) -> Option<&str> {
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let end = policy[start..].find('\'')? + start;
    Some(&policy[start..end])
}

impl Kept {
    /// The kept page as an answer, with a fresh nonce (made as Leptos
    /// makes the nonce of each render).
    fn answer(&self) -> Option<Response> {
        let nonce = leptos::nonce::Nonce::new();
        let nonce: &str = &nonce;
        let mut body = Vec::with_capacity(self.bytes + 64);
        for (i, part) in self.body.iter().enumerate() {
            if i > 0 {
                body.extend_from_slice(nonce.as_bytes());
            }
            body.extend_from_slice(part);
        }
        let policy = self.policy.join(nonce);
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&policy).ok()?,
        );
        Some(response)
    }
}

/// The middleware: answers from a kept page when there is a current one,
/// else renders and keeps what may be kept.
pub async fn serve(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(key) = key_of(&request) else {
        return next.run(request).await;
    };
    let generation = state.content.generation();
    let kept = state.pages.shelf().get(&key, generation);
    if let Some(response) = kept.and_then(|k| k.answer()) {
        return response;
    }
    let response = next.run(request).await;
    let keepable = response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
        && !response.headers().contains_key(header::CONTENT_ENCODING)
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
    if !keepable {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, LARGEST_PAGE).await {
        Ok(bytes) => bytes,
        // Too large to keep (or the render failed midway): the client
        // cannot be given the rest either.
        Err(err) => {
            tracing::warn!(target: "polku::pages", "page not kept: {err}");
            return Response::from_parts(parts, Body::empty());
        }
    };
    let policy = parts
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // Leptos renders UTF-8; a page that is not is simply not kept.
    if let (Some(policy), Ok(page)) = (policy, std::str::from_utf8(&bytes))
        && let Some(nonce) = nonce_of(&policy).filter(|n| n.len() >= 16)
    {
        let mut headers = parts.headers.clone();
        headers.remove(header::CONTENT_LENGTH);
        headers.remove(header::DATE);
        headers.remove(header::CONTENT_SECURITY_POLICY);
        let kept = Kept {
            status: parts.status,
            headers,
            policy: policy.split(nonce).map(str::to_owned).collect(),
            body: page
                .split(nonce)
                .map(|part| Bytes::copy_from_slice(part.as_bytes()))
                .collect(),
            bytes: bytes.len(),
        };
        state
            .pages
            .shelf()
            .put(key, generation, Arc::new(kept), bytes.len());
    }
    Response::from_parts(parts, Body::from(bytes))
}
