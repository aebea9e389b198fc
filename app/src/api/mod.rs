//! The typed API between the browser and the server: server functions by
//! resource and the one error type that crosses the wire. The values they
//! return are the wire types of `polku-types`, which the core services
//! produce (re-exported here by resource).

pub mod accounts;
pub mod admin;
pub mod appointments;
pub mod audit;
pub mod authoring;
pub mod badges;
pub mod coaching;
#[cfg(feature = "ssr")]
pub mod cookies;
pub mod courses;
pub mod discussion;
pub mod messages;
pub mod notifications;
pub mod preferences;
pub mod progress;
mod redirect;
pub mod search;

pub use polku_types::courses::{
    BadgeCard, BodyPart, ChoiceFeedback, CodeSubmission, CodeVerdict, CourseCard, CourseDetail,
    Cue, FieldCheck, FieldProblem, FormField, LessonAudio, LessonLearner, LessonLink, LessonPage,
    MOST_CHOICES, MOST_CODE, MOST_TYPED, Medium, MessagePart, NOT_CHOSEN, PartRole, QuizAnswer,
    QuizFeedback, QuizKind, QuizView, RunEnd, TestVerdict, choice_value,
};
pub use redirect::safe_next;

/// The id of a lesson's `index`-th quiz or exercise (its section), the
/// place the lesson's address names while it is being checked.
pub fn quiz_id(index: usize) -> String {
    format!("quiz-{index}")
}

/// The id of that quiz's verdict, the place the lesson's address names
/// after an answer: the browser scrolls there and focuses it (it is
/// focusable), so a screen reader reads it out, with or without
/// JavaScript.
pub fn verdict_id(index: usize) -> String {
    format!("{}-verdict", quiz_id(index))
}

use leptos::server_fn::codec::Post;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// JSON as server functions send it (`application/json`, the default
/// encoding's), but decoded in the browser from text
/// (`serde_json::from_str`), the way Leptos decodes the resources a page
/// carries: each type's JSON decoder is then compiled into the wasm once
/// instead of twice (the default encoding reads bytes, `from_slice`, a
/// second copy of every decoder: about 115 KB of the first module).
pub struct TextJsonEncoding;

impl ContentType for TextJsonEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for TextJsonEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for TextJsonEncoding {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for TextJsonEncoding {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde::de::Error::custom)?;
        serde_json::from_str(text)
    }
}

/// Every server function's answer: JSON in a `POST` (see
/// [`TextJsonEncoding`]).
pub type TextJson = Post<TextJsonEncoding>;

/// The error every server function returns. `Internal` carries no detail:
/// the server logs the cause and the client shows a generic message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist.
    #[error("not found")]
    NotFound,
    /// The caller is not signed in.
    #[error("not signed in")]
    Unauthenticated,
    /// The caller may not do this (not signed in, or authoring is off).
    #[error("forbidden")]
    Forbidden,
    /// Refused for a reason the user can act on (a translated message
    /// code such as `username_taken`).
    #[error("rejected: {0}")]
    Rejected(String),
    /// The server is too busy right now (503 with `Retry-After`).
    #[error("busy")]
    Busy,
    /// The input has problems, each safe to show.
    #[error("invalid input")]
    Invalid(Vec<String>),
    /// Something failed on the server or on the way there.
    #[error("internal error")]
    Internal,
}

impl FromServerFnError for AppError {
    type Encoder = TextJsonEncoding;

    fn from_server_fn_error(_value: ServerFnErrorErr) -> Self {
        AppError::Internal
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The HTTP status this error is answered with: refusals are 4xx,
    /// only a failure on the server is 500.
    pub fn status(&self) -> http::StatusCode {
        match self {
            AppError::NotFound => http::StatusCode::NOT_FOUND,
            AppError::Unauthenticated => http::StatusCode::UNAUTHORIZED,
            AppError::Forbidden => http::StatusCode::FORBIDDEN,
            AppError::Rejected(_) | AppError::Invalid(_) => http::StatusCode::BAD_REQUEST,
            AppError::Internal => http::StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Busy => http::StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<polku_core::CoreError> for AppError {
    fn from(err: polku_core::CoreError) -> Self {
        match err {
            polku_core::CoreError::NotFound => AppError::NotFound,
            polku_core::CoreError::Invalid(problems) => AppError::Invalid(problems),
            polku_core::CoreError::Unauthenticated => AppError::Unauthenticated,
            polku_core::CoreError::Forbidden => AppError::Forbidden,
            polku_core::CoreError::Rejected(code) => AppError::Rejected(code.to_owned()),
            polku_core::CoreError::Busy => AppError::Busy,
            other => {
                tracing::error!(error = %other, "request failed");
                AppError::Internal
            }
        }
    }
}

/// Sends a form posted without JavaScript on to `path` with `pairs` (the
/// empty ones left out) in the query.
#[cfg(feature = "ssr")]
pub fn redirect_with(path: &str, pairs: &[(&str, &str)]) {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().filter(|(_, v)| !v.is_empty()))
        .finish();
    if query.is_empty() {
        leptos_axum::redirect(path);
    } else {
        leptos_axum::redirect(&format!("{path}?{query}"));
    }
}

/// Seconds a client is asked to wait when the server is busy.
#[cfg(feature = "ssr")]
pub const RETRY_AFTER_SECONDS: u32 = 5;

/// Answers "busy, try again in a moment": `Retry-After` and, for a form
/// posted without JavaScript, a redirect back to `path` with `param=busy`
/// and what was typed (`pairs`), since browsers do not follow a 503's
/// address; any other caller gets 503 and [`AppError::Busy`].
#[cfg(feature = "ssr")]
pub fn busy(path: &str, param: &str, pairs: &[(&str, &str)]) -> Result<(), AppError> {
    let response = leptos::prelude::use_context::<leptos_axum::ResponseOptions>();
    if let Some(response) = &response {
        response.insert_header(
            http::header::RETRY_AFTER,
            http::HeaderValue::from(RETRY_AFTER_SECONDS),
        );
    }
    let plain_form = leptos::prelude::use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    });
    if plain_form {
        let mut all = vec![(param, "busy")];
        all.extend_from_slice(pairs);
        redirect_with(path, &all);
        return Ok(());
    }
    // 503 comes from `AppError::status`, as for every refusal.
    Err(AppError::Busy)
}

/// A date as the API gives it (`YYYY-MM-DD`, UTC).
#[cfg(feature = "ssr")]
pub use polku_core::dates::day;

/// The value of cookie `name` in request headers, if any.
#[cfg(feature = "ssr")]
pub use polku_web::cookies::get as cookie;

/// The shared state of this request (Leptos context).
#[cfg(feature = "ssr")]
pub fn state() -> Result<polku_web::AppState, AppError> {
    polku_web::AppState::current().ok_or_else(|| {
        tracing::error!("no AppState in the Leptos context");
        AppError::Internal
    })
}

/// Content changed through this server (committed): pages and content
/// kept in memory are read again (other instances notice by their version
/// watch, see [`polku_core::courses::cache`]).
#[cfg(feature = "ssr")]
pub fn content_changed() {
    if let Some(state) = polku_web::AppState::current() {
        state.content.changed();
    }
}

/// The content cache of this server.
#[cfg(feature = "ssr")]
pub fn content() -> Result<polku_core::courses::cache::ContentCache, AppError> {
    state().map(|s| s.content.clone())
}

/// The database connection the server provides as request context.
#[cfg(feature = "ssr")]
pub fn db() -> Result<polku_core::db::DatabaseConnection, AppError> {
    state().map(|s| s.db.clone())
}
