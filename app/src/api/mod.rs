//! The typed API between the browser and the server: server functions by
//! resource, the DTOs they return, and the one error type that crosses the
//! wire.

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod authoring;
pub mod badges;
pub mod coaching;
#[cfg(feature = "ssr")]
pub mod cookies;
pub mod courses;
pub mod discussion;
pub mod preferences;
pub mod progress;
mod redirect;
pub mod search;

pub use redirect::safe_next;

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

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
    type Encoder = JsonEncoding;

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
pub fn day(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

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

/// A course in the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourseCard {
    /// The course's key (URL part).
    pub slug: String,
    /// Title in the language shown.
    pub title: String,
    /// Summary in the language shown.
    pub summary: String,
    /// The language of title and summary.
    pub language: crate::i18n::Locale,
    /// `beginner`, `intermediate` or `advanced`.
    pub level: String,
    /// Estimated hours.
    pub hours: i32,
    /// Number of lessons.
    pub lesson_count: usize,
}

/// A lesson as listed in a course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonLink {
    /// The lesson's key within the course.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Estimated minutes.
    pub minutes: i32,
    /// The module it is in, if any.
    pub module_title: Option<String>,
}

/// A badge a course awards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BadgeCard {
    /// Its key within the course.
    pub slug: String,
    /// Earned with a coach's approval of evidence the learner sends.
    pub approval: bool,
    /// Its name.
    pub name: String,
    /// What the holder can do.
    pub description: String,
    /// How it is earned.
    pub criteria: String,
}

/// A course with its lessons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourseDetail {
    /// The course.
    pub course: CourseCard,
    /// Its lessons in order.
    pub lessons: Vec<LessonLink>,
    /// The badges it awards.
    pub badges: Vec<BadgeCard>,
}

/// One lesson, ready to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonPage {
    /// The course's key.
    pub course_slug: String,
    /// The course's title.
    pub course_title: String,
    /// The lesson's key.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Estimated minutes.
    pub minutes: i32,
    /// Learning objectives.
    pub objectives: Vec<String>,
    /// The body: sanitised HTML (rendered at import) and quiz places.
    pub body: Vec<BodyPart>,
    /// The quizzes, without their answers.
    pub quizzes: Vec<QuizView>,
    /// The module it is in, if any.
    pub module_title: Option<String>,
    /// The answer the learner gave to one quiz and the server's verdict.
    pub verdict: Option<(QuizAnswer, QuizFeedback)>,
    /// The signed-in learner's state in this lesson (`None`: signed out).
    pub learner: Option<LessonLearner>,
    /// The language it is shown in.
    pub language: crate::i18n::Locale,
    /// 1-based position.
    pub position: usize,
    /// Lessons in the course.
    pub total: usize,
    /// The lesson before.
    pub previous: Option<LessonLink>,
    /// The lesson after.
    pub next: Option<LessonLink>,
}

/// A signed-in learner's state in a lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonLearner {
    /// Enrolled in the course.
    pub enrolled: bool,
    /// Marked as done.
    pub done: bool,
}

/// A piece of a lesson body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum BodyPart {
    /// Sanitised HTML.
    Html(String),
    /// The place of quiz n.
    Quiz(usize),
}

/// How a quiz is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuizKind {
    /// One option.
    Single,
    /// Every right option.
    Multiple,
    /// A typed answer.
    Text,
}

/// A quiz as the learner sees it (no answers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizView {
    /// How it is answered.
    pub kind: QuizKind,
    /// The question.
    pub question: String,
    /// An optional hint.
    pub hint: Option<String>,
    /// Option texts.
    pub options: Vec<String>,
}

/// Feedback on one chosen option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChoiceFeedback {
    /// The option's index.
    pub option: usize,
    /// Whether it is right.
    pub correct: bool,
    /// The author's feedback.
    pub feedback: Option<String>,
}

/// The server's verdict on an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizFeedback {
    /// All right.
    pub correct: bool,
    /// Per chosen option.
    pub choices: Vec<ChoiceFeedback>,
    /// Right options not chosen.
    pub missed: usize,
    /// Text quizzes: the feedback.
    pub feedback: Option<String>,
    /// A badge this answer just earned (its id), when recorded.
    #[serde(default)]
    pub earned: Option<i32>,
}

/// A learner's answer to quiz `index` of a lesson.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizAnswer {
    /// Which quiz.
    pub index: usize,
    /// Chosen options (choice quizzes).
    pub choices: Vec<usize>,
    /// The typed answer (text quizzes).
    pub text: Option<String>,
}
