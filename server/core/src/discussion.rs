//! The discussion under each lesson, and feedback to the course's
//! instructors. Comments are plain text (shown escaped, never as HTML).
//! Signed-in people read and write; staff (instructors, coaches, admins)
//! can hide a comment, which then shows only to staff. Feedback is read by
//! the course's authors and admins.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::accounts::{Actor, Role};
use crate::authoring::AuthorGrant;
use crate::courses;
use crate::db::entities::{comments, feedback, users};
use crate::{CoreError, Language};

pub use polku_types::discussion::{Comment, FeedbackNote};

/// Longest comment or feedback message, in characters.
pub const MAX_MESSAGE: usize = 2000;

fn is_staff(actor: &Actor) -> bool {
    matches!(actor.role(), Role::Instructor | Role::Coach | Role::Admin)
}

pub(crate) fn message(body: &str) -> Result<String, CoreError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(CoreError::Rejected("message_empty"));
    }
    if body.chars().count() > MAX_MESSAGE {
        return Err(CoreError::Rejected("message_long"));
    }
    Ok(body.to_owned())
}

/// The comments of a lesson, oldest first (hidden ones for staff only).
pub async fn comments<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    course: &str,
    lesson: &str,
) -> Result<Vec<Comment>, CoreError> {
    let (_, id) = courses::locate(db, course, lesson).await?;
    comments_at(db, actor, id).await
}

/// [`comments`] of a lesson already located (its id, as
/// [`crate::courses::cache::ContentCache::locate`] gives it).
pub async fn comments_at<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
) -> Result<Vec<Comment>, CoreError> {
    Ok(visible_to(&lesson_comments(db, id).await?, actor))
}

/// A comment as kept for everyone: its author's account and the comment
/// (`own` not set).
pub type LessonComment = (i32, Comment);

/// Every comment of lesson `id` (hidden ones too), oldest first: what
/// [`visible_to`] takes each reader's from.
pub async fn lesson_comments<C: ConnectionTrait>(
    db: &C,
    id: i32,
) -> Result<Vec<LessonComment>, CoreError> {
    let rows = comments::Entity::find()
        .filter(comments::Column::LessonId.eq(id))
        .order_by_asc(comments::Column::CreatedAt)
        .order_by_asc(comments::Column::Id)
        .find_also_related(users::Entity)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(c, user)| {
            let comment = Comment {
                id: c.id,
                author: user.map(|u| u.shown_name()).unwrap_or_default(),
                body: c.body,
                created_at: crate::dates::minute(c.created_at),
                hidden: c.hidden,
                own: false,
            };
            (c.user_id, comment)
        })
        .collect())
}

/// The comments of a lesson `actor` sees: staff every one, others those
/// not hidden; `own` marks hers.
pub fn visible_to(all: &[LessonComment], actor: &Actor) -> Vec<Comment> {
    let staff = is_staff(actor);
    all.iter()
        .filter(|(_, c)| staff || !c.hidden)
        .map(|(author, c)| Comment {
            own: *author == actor.id(),
            ..c.clone()
        })
        .collect()
}

/// Adds the actor's comment to a lesson.
pub async fn post_comment<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    course: &str,
    lesson: &str,
    body: &str,
) -> Result<(), CoreError> {
    let body = message(body)?;
    let (_, id) = courses::locate(db, course, lesson).await?;
    comments::ActiveModel {
        lesson_id: Set(id),
        user_id: Set(actor.id()),
        body: Set(body),
        hidden: Set(false),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Hides (or shows again) a comment; staff only.
pub async fn set_hidden<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    comment_id: i32,
    hidden: bool,
) -> Result<(), CoreError> {
    if !is_staff(actor) {
        return Err(CoreError::Forbidden);
    }
    let row = comments::Entity::find_by_id(comment_id)
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    let mut row: comments::ActiveModel = row.into();
    row.hidden = Set(hidden);
    row.update(db).await?;
    Ok(())
}

/// Sends feedback about a lesson to the course's instructors.
pub async fn send_feedback<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    course: &str,
    lesson: &str,
    body: &str,
) -> Result<(), CoreError> {
    let body = message(body)?;
    let (_, id) = courses::locate(db, course, lesson).await?;
    feedback::ActiveModel {
        lesson_id: Set(id),
        user_id: Set(actor.id()),
        body: Set(body),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The feedback on a course's lessons, newest first, for those who may
/// author it.
pub async fn course_feedback(
    db: &sea_orm::DatabaseConnection,
    grant: &AuthorGrant,
    course: &str,
    language: Language,
) -> Result<Vec<FeedbackNote>, CoreError> {
    let (row, _) = courses::find_course(db, course).await?;
    if !grant.covers(row.id) {
        return Err(CoreError::Forbidden);
    }
    let links = courses::lesson_links(db, &row, language).await?;
    let ids: Vec<i32> = links.iter().map(|(l, _)| l.id).collect();
    let rows = feedback::Entity::find()
        .filter(feedback::Column::LessonId.is_in(ids))
        .order_by_desc(feedback::Column::CreatedAt)
        .find_also_related(users::Entity)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(f, user)| {
            let (lesson, link) = links.iter().find(|(l, _)| l.id == f.lesson_id)?;
            Some(FeedbackNote {
                lesson: lesson.slug.clone(),
                lesson_title: link.title.clone(),
                author: user.map(|u| u.shown_name()).unwrap_or_default(),
                body: f.body,
                created_at: crate::dates::minute(f.created_at),
            })
        })
        .collect())
}
