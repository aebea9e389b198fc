//! The discussion under a lesson and feedback to its instructors. Comments
//! are plain text: pages show them escaped, never as HTML.

use leptos::prelude::*;

use super::AppError;
use crate::i18n::Locale;
pub use polku_types::discussion::{Comment, Discussion, FeedbackNote};

#[cfg(feature = "ssr")]
fn back(course: &str, lesson: &str, pairs: &[(&str, &str)], anchor: &str) {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().filter(|(_, v)| !v.is_empty()))
        .finish();
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    leptos_axum::redirect(&format!("/courses/{course}/{lesson}{query}#{anchor}"));
}

/// `POST /api/get_discussion`: a lesson's comments; `None` when signed
/// out (the discussion is for signed-in people).
#[server(prefix = "/api", endpoint = "get_discussion", output = crate::api::TextJson)]
pub async fn get_discussion(
    course: String,
    lesson: String,
) -> Result<Option<Discussion>, AppError> {
    let Some(actor) = super::accounts::session::actor().await? else {
        return Ok(None);
    };
    // Rendered for every signed-in reader: the discussion is a hole.
    if crate::components::hole::holes_on() {
        return Ok(None);
    }
    let state = super::state()?;
    let (_, lesson_id) = state.content.locate(&state.db, &course, &lesson).await?;
    Ok(Some(discussion_of(&state, &actor, lesson_id).await?))
}

/// The discussion of lesson `lesson_id` as `actor` sees it (its comments
/// kept in memory while none changes).
#[cfg(feature = "ssr")]
pub async fn discussion_of(
    state: &polku_web::AppState,
    actor: &polku_core::accounts::Actor,
    lesson_id: i32,
) -> Result<Discussion, polku_core::CoreError> {
    let comments = state.readers.comments(&state.db, actor, lesson_id).await?;
    Ok(Discussion {
        moderator: actor.role() != polku_core::accounts::Role::Learner,
        comments,
    })
}

/// `POST /api/post_comment` (form).
#[server(prefix = "/api", endpoint = "post_comment", output = crate::api::TextJson)]
pub async fn post_comment(course: String, lesson: String, body: String) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    match polku_core::discussion::post_comment(&db, &actor, &course, &lesson, &body).await {
        Ok(()) => back(&course, &lesson, &[("commented", "1")], "discussion"),
        Err(polku_core::CoreError::Rejected(code)) => back(
            &course,
            &lesson,
            &[("comment_error", code), ("comment", &body)],
            "discussion",
        ),
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/hide_comment` (form): staff hide (or show again) a comment.
#[server(prefix = "/api", endpoint = "hide_comment", output = crate::api::TextJson)]
pub async fn hide_comment(
    course: String,
    lesson: String,
    id: i32,
    hidden: bool,
) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    polku_core::discussion::set_hidden(&db, &actor, id, hidden).await?;
    back(&course, &lesson, &[], &format!("comment-{id}"));
    Ok(())
}

/// `POST /api/send_feedback` (form): a message to the course's instructors.
#[server(prefix = "/api", endpoint = "send_feedback", output = crate::api::TextJson)]
pub async fn send_feedback(course: String, lesson: String, body: String) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    match polku_core::discussion::send_feedback(&db, &actor, &course, &lesson, &body).await {
        Ok(()) => back(&course, &lesson, &[("feedback", "sent")], "feedback"),
        Err(polku_core::CoreError::Rejected(code)) => back(
            &course,
            &lesson,
            &[("feedback_error", code), ("feedback_text", &body)],
            "feedback",
        ),
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/get_course_feedback`: feedback on a course's lessons, for
/// those who may author it.
#[server(prefix = "/api", endpoint = "get_course_feedback", output = crate::api::TextJson)]
pub async fn get_course_feedback(
    course: String,
    locale: Locale,
) -> Result<Vec<FeedbackNote>, AppError> {
    let grant = super::authoring::grant().await?;
    let db = super::db()?;
    let language = locale;
    Ok(polku_core::discussion::course_feedback(&db, &grant, &course, language).await?)
}
