//! The person signed in, resolved once per request: the [`resolve`]
//! middleware reads the session cookie, checks it against the sessions
//! kept in memory or the database
//! ([`polku_core::accounts::sessions::SessionCache`]) and puts a [`Session`] into the request's extensions. Plain routes take
//! [`Signed`] or [`MaybeSigned`] as an extractor; server functions and
//! page renders read the same value with [`from_parts`]. Nothing else
//! reads the session cookie.

use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::Method;
use http::request::Parts;
use polku_core::CoreError;
use polku_core::accounts::Actor;

use crate::{AppState, WebError, cookies};

/// The session of a request.
#[derive(Debug, Clone, Default)]
pub struct Session {
    /// The person signed in, if any.
    pub actor: Option<Actor>,
    /// The session token the request carried (valid or not), so signing
    /// in again or out can end it.
    pub token: Option<String>,
}

/// Requests that never need a session: static files and the health check.
fn needs_no_session(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/healthz"
}

/// Middleware: resolves the session once and stores it in the request.
pub async fn resolve(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let token = if needs_no_session(request.uri().path()) {
        None
    } else {
        cookies::session_token(request.headers())
    };
    let actor = match &token {
        Some(token) => match state
            .sessions
            .authenticate(&state.db, token, state.session_idle)
            .await
        {
            Ok(actor) => actor,
            Err(err) => return WebError::from(err).into_response(),
        },
        None => None,
    };
    let may_change = !matches!(*request.method(), Method::GET | Method::HEAD);
    let signed_in = actor.is_some();
    request.extensions_mut().insert(Session { actor, token });
    let response = next.run(request).await;
    // Anything but a read may have ended a session or changed who holds
    // one (signing out, a role changed): the sessions kept in memory are
    // checked before the answer goes, so the next request sees it. So is
    // what readers see (unread counts, standings, comments) by anything a
    // signed-in person does, reading included (opening a conversation
    // reads it): checked after every one of her requests but a page
    // answered from memory, which changes none of it. Both counters in
    // one statement.
    let from_memory = response
        .extensions()
        .get::<crate::pages::FromMemory>()
        .is_some();
    let mut changes = Vec::new();
    if may_change {
        changes.push(state.sessions.changes());
    }
    if signed_in && !from_memory {
        changes.push(state.readers.changes());
    }
    if let Err(err) = polku_core::db::check_all(&state.db, &changes).await {
        tracing::error!(target: "polku::sessions", "change check failed: {err}");
    }
    response
}

/// The session of a request whose parts these are (a server function's or
/// a render's `Parts`); an empty session when the middleware did not run.
pub fn from_parts(parts: &Parts) -> Session {
    from_extensions(&parts.extensions)
}

/// The session in a request's extensions (see [`from_parts`]).
pub fn from_extensions(extensions: &http::Extensions) -> Session {
    extensions.get::<Session>().cloned().unwrap_or_default()
}

/// Extractor: the person signed in, or 401.
#[derive(Debug, Clone)]
pub struct Signed(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for Signed {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        from_parts(parts)
            .actor
            .map(Signed)
            .ok_or(WebError::Core(CoreError::Unauthenticated))
    }
}

/// Extractor: the person signed in, if any.
#[derive(Debug, Clone)]
pub struct MaybeSigned(pub Option<Actor>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeSigned {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeSigned(from_parts(parts).actor))
    }
}
