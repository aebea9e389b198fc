//! Lesson revisions: every saved version of a lesson in one language.
//! Publishing a revision copies it into `lesson_texts`, the table pages
//! read, so a reader never sees a draft and history is never lost.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::CoreError;
use crate::content::LessonVariant;
use crate::db::entities::{lesson_revisions, lesson_texts};

/// Where a revision came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A file imported from a content folder.
    Import,
    /// Saved in the browser editor.
    Editor,
}

impl Origin {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Origin::Import => "import",
            Origin::Editor => "editor",
        }
    }
}

pub(crate) const DRAFT: &str = "draft";
pub(crate) const PUBLISHED: &str = "published";

/// `value` as JSON text (`[]` if it cannot be written).
pub(crate) fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".into())
}

/// Marks course `course_id` as changed (its `updated_at`): the search
/// index of every server instance re-reads a course when this changes.
/// Call it in the transaction of every change to a course's lessons.
pub(crate) async fn touch_course<C: ConnectionTrait>(
    db: &C,
    course_id: i32,
) -> Result<(), CoreError> {
    use crate::db::entities::courses;
    courses::ActiveModel {
        id: sea_orm::Set(course_id),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// The next revision number of (lesson, language).
async fn next_number<C: ConnectionTrait>(
    db: &C,
    lesson_id: i32,
    language: &str,
) -> Result<i32, CoreError> {
    let last: Option<i32> = lesson_revisions::Entity::find()
        .select_only()
        .column(lesson_revisions::Column::Number)
        .filter(lesson_revisions::Column::LessonId.eq(lesson_id))
        .filter(lesson_revisions::Column::Language.eq(language))
        .order_by_desc(lesson_revisions::Column::Number)
        .into_tuple()
        .one(db)
        .await?;
    Ok(last.unwrap_or(0) + 1)
}

/// The newest revision of (lesson, language) from `origin`, if any.
pub(crate) async fn latest<C: ConnectionTrait>(
    db: &C,
    lesson_id: i32,
    language: &str,
    origin: Option<Origin>,
) -> Result<Option<lesson_revisions::Model>, CoreError> {
    let mut query = lesson_revisions::Entity::find()
        .filter(lesson_revisions::Column::LessonId.eq(lesson_id))
        .filter(lesson_revisions::Column::Language.eq(language));
    if let Some(origin) = origin {
        query = query.filter(lesson_revisions::Column::Origin.eq(origin.as_str()));
    }
    Ok(query
        .order_by_desc(lesson_revisions::Column::Number)
        .one(db)
        .await?)
}

/// Stores `variant` as a new revision of (lesson, its language).
pub(crate) async fn insert<C: ConnectionTrait>(
    db: &C,
    lesson_id: i32,
    variant: &LessonVariant,
    origin: Origin,
    publish_now: bool,
) -> Result<lesson_revisions::Model, CoreError> {
    let language = variant.language.code();
    let now = Utc::now();
    let revision = lesson_revisions::ActiveModel {
        lesson_id: Set(lesson_id),
        language: Set(language.to_owned()),
        number: Set(next_number(db, lesson_id, language).await?),
        status: Set(if publish_now { PUBLISHED } else { DRAFT }.to_owned()),
        origin: Set(origin.as_str().to_owned()),
        title: Set(variant.title.clone()),
        minutes: Set(i32::try_from(variant.minutes).unwrap_or(i32::MAX)),
        objectives: Set(json(&variant.objectives)),
        body_markdown: Set(variant.body_markdown.clone()),
        body_html: Set(variant.body_html.clone()),
        quizzes: Set(json(&variant.quizzes)),
        headings: Set(json(&variant.headings)),
        sections: Set(Some(json(&variant.sections))),
        source_path: Set(variant.source_path.clone()),
        source_hash: Set(variant.source_hash.clone()),
        created_at: Set(now),
        published_at: Set(publish_now.then_some(now)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    if publish_now {
        make_current(db, &revision).await?;
    }
    Ok(revision)
}

/// Makes `revision` what readers see: copies it into `lesson_texts`.
pub(crate) async fn make_current<C: ConnectionTrait>(
    db: &C,
    revision: &lesson_revisions::Model,
) -> Result<(), CoreError> {
    let existing = lesson_texts::Entity::find()
        .filter(lesson_texts::Column::LessonId.eq(revision.lesson_id))
        .filter(lesson_texts::Column::Language.eq(&revision.language))
        .one(db)
        .await?;
    let mut text = match existing {
        Some(row) => row.into(),
        None => lesson_texts::ActiveModel {
            lesson_id: Set(revision.lesson_id),
            language: Set(revision.language.clone()),
            ..Default::default()
        },
    };
    text.title = Set(revision.title.clone());
    text.minutes = Set(revision.minutes);
    text.source_path = Set(revision.source_path.clone());
    text.objectives = Set(revision.objectives.clone());
    text.body_markdown = Set(revision.body_markdown.clone());
    text.body_html = Set(revision.body_html.clone());
    text.revision_id = Set(Some(revision.id));
    text.quizzes = Set(revision.quizzes.clone());
    text.headings = Set(revision.headings.clone());
    text.sections = Set(revision.sections.clone());
    text.source_hash = Set(revision.source_hash.clone());
    text.save(db).await?;
    Ok(())
}
