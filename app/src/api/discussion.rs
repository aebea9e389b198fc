//! The discussion under a lesson and feedback to its instructors. Comments
//! are plain text: pages show them escaped, never as HTML.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;
use crate::i18n::Locale;

/// A comment as shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    /// Id.
    pub id: i32,
    /// Author's name.
    pub author: String,
    /// Text.
    pub body: String,
    /// When (UTC, `YYYY-MM-DD HH:MM`).
    pub created_at: String,
    /// Hidden by staff.
    pub hidden: bool,
}

/// The discussion of a lesson for the signed-in viewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Discussion {
    /// Comments, oldest first.
    pub comments: Vec<Comment>,
    /// The viewer may hide comments.
    pub moderator: bool,
}

/// Feedback as the instructor sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackNote {
    /// Lesson slug.
    pub lesson: String,
    /// Lesson title.
    pub lesson_title: String,
    /// Sender's name.
    pub author: String,
    /// Text.
    pub body: String,
    /// When (UTC).
    pub created_at: String,
}

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
#[server(prefix = "/api", endpoint = "get_discussion")]
pub async fn get_discussion(
    course: String,
    lesson: String,
) -> Result<Option<Discussion>, AppError> {
    use polku_core::accounts::Role;
    let Some(actor) = super::accounts::session::actor().await? else {
        return Ok(None);
    };
    let db = super::courses::convert::db()?;
    let comments = polku_core::discussion::comments(&db, &actor, &course, &lesson).await?;
    Ok(Some(Discussion {
        moderator: actor.role() != Role::Learner,
        comments: comments
            .into_iter()
            .map(|c| Comment {
                id: c.id,
                author: c.author,
                body: c.body,
                created_at: c.created_at.format("%Y-%m-%d %H:%M").to_string(),
                hidden: c.hidden,
            })
            .collect(),
    }))
}

/// `POST /api/post_comment` (form).
#[server(prefix = "/api", endpoint = "post_comment")]
pub async fn post_comment(course: String, lesson: String, body: String) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::courses::convert::db()?;
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
#[server(prefix = "/api", endpoint = "hide_comment")]
pub async fn hide_comment(
    course: String,
    lesson: String,
    id: i32,
    hidden: bool,
) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::courses::convert::db()?;
    polku_core::discussion::set_hidden(&db, &actor, id, hidden).await?;
    back(&course, &lesson, &[], &format!("comment-{id}"));
    Ok(())
}

/// `POST /api/send_feedback` (form): a message to the course's instructors.
#[server(prefix = "/api", endpoint = "send_feedback")]
pub async fn send_feedback(course: String, lesson: String, body: String) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::courses::convert::db()?;
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
#[server(prefix = "/api", endpoint = "get_course_feedback")]
pub async fn get_course_feedback(
    course: String,
    locale: Locale,
) -> Result<Vec<FeedbackNote>, AppError> {
    let grant = super::authoring::grant().await?;
    let db = super::courses::convert::db()?;
    let language = super::courses::convert::language(locale);
    let notes = polku_core::discussion::course_feedback(&db, &grant, &course, language).await?;
    Ok(notes
        .into_iter()
        .map(|n| FeedbackNote {
            lesson: n.lesson,
            lesson_title: n.lesson_title,
            author: n.author,
            body: n.body,
            created_at: n.created_at.format("%Y-%m-%d %H:%M").to_string(),
        })
        .collect())
}
