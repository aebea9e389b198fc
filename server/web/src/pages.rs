//! Whole pages kept as rendered: a lesson read by a hundred visitors is
//! rendered once per content change, not a hundred times.
//!
//! * **What.** `GET` of the catalog (`/`), course and lesson pages
//!   (`/courses/…`) and the badge-check form (`/verify`), with no query
//!   string but `?lang=xx`, from a request whose only cookies are the
//!   interface language, the reading settings and, for a signed-in reader's
//!   page, the session. Kept only when the answer is `200 text/html` and
//!   sets no cookie.
//! * **Keyed** by the path and query, the interface language the request
//!   negotiates (its language cookie, else `Accept-Language`), the reading
//!   settings and whether the reader is signed in ([`Key`]): everything
//!   else a page of these depends on is content, or the reader's own parts.
//! * **The reader's own parts are holes.** A signed-in reader's page is
//!   kept with a hole where each of her parts goes (her links and counts,
//!   her standing in the lesson, the discussion), marked (see [`hole_key`]) when
//!   it was rendered; each answer fills them anew ([`Kept::answer`]). What
//!   fills them is the app's (`app::kept`); this module keeps and splits.
//!   Anonymous pages (this module's [`serve`]) have none.
//! * **Current.** Each page is tagged with the content generation read
//!   before it was rendered ([`polku_core::courses::cache::ContentCache`]),
//!   and served only while that is the generation now.
//! * **A fresh nonce per answer.** Leptos gives each render a random nonce,
//!   named by the `Content-Security-Policy` header and put on the page's
//!   scripts. The kept page is stored split at that nonce and each answer
//!   gets a new one, in the header and the page alike, so a nonce is never
//!   sent twice.
//! * **Bounded** by a byte budget, least recently used first out.

use std::sync::{Arc, LazyLock, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use polku_core::courses::cache::Shelf;
use polku_core::sync::lock;
use polku_types::reading::{READING_COOKIE, ReadingSettings};

use crate::{AppState, cookies};

/// The default budget of kept pages, in bytes.
pub const DEFAULT_BUDGET: usize = 16 * 1024 * 1024;
/// A page larger than this is not kept.
const LARGEST_PAGE: usize = 1024 * 1024;

/// The extension of an answer made from a kept page (no render, no
/// query but what filled its holes: nothing was changed).
#[derive(Debug, Clone, Copy)]
pub struct FromMemory;

/// A piece of a kept page.
enum Piece {
    Text(Bytes),
    /// Where the answer's nonce goes.
    Nonce,
    /// Where the reader's part of this name goes.
    Hole(Box<str>),
}

/// A rendered page, split at its nonce and its holes.
pub struct Kept {
    status: StatusCode,
    headers: HeaderMap,
    /// The `Content-Security-Policy` value, split at the nonce.
    policy: Vec<String>,
    body: Vec<Piece>,
}

/// Who a kept page is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reader {
    /// Nobody signed in: the page is whole.
    Anonymous,
    /// Someone signed in: the page has holes for her parts.
    SignedIn,
}

/// What a kept page is kept by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    /// The path and query.
    pub page: String,
    /// The interface language the request negotiates (its code).
    pub locale: &'static str,
    /// The reading settings (the page's `<html>` carries them).
    pub reading: ReadingSettings,
    /// Whether the reader is signed in.
    pub reader: Reader,
}

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

    /// The page kept for `key`, if it was rendered under `generation`.
    pub fn get(&self, key: &Key, generation: u64) -> Option<Arc<Kept>> {
        self.shelf().get(key, generation)
    }

    /// Keeps `response` for `key`, rendered under `generation`, if it may
    /// be kept (a `200` HTML page that sets no cookie and has a nonce); in
    /// either case gives it back, whole, and the kept page.
    pub async fn keep(
        &self,
        key: Key,
        generation: u64,
        response: Response,
    ) -> (Response, Option<Arc<Kept>>) {
        let keepable = response.status() == StatusCode::OK
            && !response.headers().contains_key(header::SET_COOKIE)
            && !response.headers().contains_key(header::CONTENT_ENCODING)
            && response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|t| t.starts_with("text/html"));
        if !keepable {
            return (response, None);
        }
        let (parts, body) = response.into_parts();
        let bytes = match axum::body::to_bytes(body, LARGEST_PAGE).await {
            Ok(bytes) => bytes,
            // Too large to keep (or the render failed midway): the client
            // cannot be given the rest either.
            Err(err) => {
                tracing::warn!(target: "polku::pages", "page not kept: {err}");
                return (Response::from_parts(parts, Body::empty()), None);
            }
        };
        let kept = Kept::split(&parts, &bytes).map(Arc::new);
        if let Some(kept) = &kept {
            self.shelf().put(key, generation, kept.clone(), bytes.len());
        }
        (Response::from_parts(parts, Body::from(bytes)), kept)
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
    // Only the language, the reading settings and the session: any other
    // cookie (an author's, a coach's notice) may change the page.
    let mut reader = Reader::Anonymous;
    for value in headers.get_all(header::COOKIE) {
        let text = value.to_str().ok()?;
        for pair in text.split(';').map(str::trim).filter(|c| !c.is_empty()) {
            let (name, _) = pair.split_once('=')?;
            match name.trim() {
                polku_types::LANG_COOKIE | READING_COOKIE => {}
                cookies::SESSION_COOKIE | cookies::HOST_SESSION_COOKIE => {
                    reader = Reader::SignedIn;
                }
                _ => return None,
            }
        }
    }
    let cookie = headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let locale = polku_core::Language::negotiate(cookie, accept);
    Some(Key {
        page: uri
            .path_and_query()
            .map_or(path, |pq| pq.as_str())
            .to_owned(),
        locale: locale.code(),
        reading: ReadingSettings::from_cookie_header(cookie),
        reader,
    })
}

/// The key of the marks of holes in this process, made at random when it
/// started, so that no text of a page (an author's, a reader's) can make
/// one. A hole `name` is marked by an empty
/// `<template data-hole="name" data-key="key">` (rendered by the app's
/// `components::hole::Hole`, read back by `holes_in`).
pub fn hole_key() -> &'static str {
    static KEY: LazyLock<String> = LazyLock::new(|| leptos::nonce::Nonce::new().to_string());
    &KEY
}

/// The nonce a `Content-Security-Policy` names.
fn nonce_of(policy: &str) -> Option<&str> {
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let end = policy[start..].find('\'')? + start;
    Some(&policy[start..end])
}

/// `text`'s pieces: its text between the holes marked in it, and the holes.
fn holes_in(text: &str, pieces: &mut Vec<Piece>) {
    let open = "<template data-hole=\"";
    let close = format!("\" data-key=\"{}\"></template>", hole_key());
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        let after = &rest[start + open.len()..];
        let marked = after
            .find('"')
            .filter(|end| after[*end..].starts_with(&close));
        let Some(end) = marked else {
            // Not a mark of this process: text like any other.
            pieces.push(Piece::Text(Bytes::copy_from_slice(
                &rest.as_bytes()[..start + open.len()],
            )));
            rest = after;
            continue;
        };
        pieces.push(Piece::Text(Bytes::copy_from_slice(
            &rest.as_bytes()[..start],
        )));
        pieces.push(Piece::Hole(after[..end].into()));
        rest = &after[end + close.len()..];
    }
    pieces.push(Piece::Text(Bytes::copy_from_slice(rest.as_bytes())));
}

impl Kept {
    /// A rendered page, split; `None` when it has no nonce to replace (or
    /// is not UTF-8, which Leptos never renders).
    fn split(parts: &http::response::Parts, bytes: &Bytes) -> Option<Kept> {
        let policy = parts
            .headers
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())?;
        let page = std::str::from_utf8(bytes).ok()?;
        let nonce = nonce_of(policy).filter(|n| n.len() >= 16)?;
        let mut headers = parts.headers.clone();
        headers.remove(header::CONTENT_LENGTH);
        headers.remove(header::DATE);
        headers.remove(header::CONTENT_SECURITY_POLICY);
        let mut body = Vec::new();
        for (i, text) in page.split(nonce).enumerate() {
            if i > 0 {
                body.push(Piece::Nonce);
            }
            holes_in(text, &mut body);
        }
        Some(Kept {
            status: parts.status,
            headers,
            policy: policy.split(nonce).map(str::to_owned).collect(),
            body,
        })
    }

    /// The kept page as an answer, with a fresh nonce (made as Leptos
    /// makes the nonce of each render) and each hole filled by `fill`;
    /// `None` when `fill` has nothing for one of them.
    pub fn answer<'f>(&self, fill: impl Fn(&str) -> Option<&'f str>) -> Option<Response> {
        let nonce = leptos::nonce::Nonce::new();
        let nonce: &str = &nonce;
        // The whole answer's length first: the page is written once, into
        // one allocation of its size.
        let mut length = 0;
        let mut filled = Vec::new();
        for piece in &self.body {
            length += match piece {
                Piece::Text(text) => text.len(),
                Piece::Nonce => nonce.len(),
                Piece::Hole(name) => {
                    let part = fill(name)?;
                    filled.push(part);
                    part.len()
                }
            };
        }
        let mut body = Vec::with_capacity(length);
        let mut filled = filled.into_iter();
        for piece in &self.body {
            match piece {
                Piece::Text(text) => body.extend_from_slice(text),
                Piece::Nonce => body.extend_from_slice(nonce.as_bytes()),
                Piece::Hole(_) => body.extend_from_slice(filled.next()?.as_bytes()),
            }
        }
        let policy = self.policy.join(nonce);
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&policy).ok()?,
        );
        response.extensions_mut().insert(FromMemory);
        Some(response)
    }
}

/// The middleware for anonymous readers: answers from a kept page when
/// there is a current one, else renders and keeps what may be kept. A
/// signed-in reader's page is the app's (`app::kept::serve`, the last
/// layer in, after the session is resolved): its key goes on in the
/// request's extensions, worked out once.
pub async fn serve(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let Some(key) = key_of(&request) else {
        return next.run(request).await;
    };
    if key.reader == Reader::SignedIn {
        request.extensions_mut().insert(key);
        return next.run(request).await;
    }
    let generation = state.content.generation();
    let kept = state.pages.get(&key, generation);
    if let Some(response) = kept.and_then(|k| k.answer(|_| None)) {
        return response;
    }
    let response = next.run(request).await;
    state.pages.keep(key, generation, response).await.0
}
