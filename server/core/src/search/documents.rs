//! What the index holds, read from the database: one document per lesson
//! text (lesson × language) that readers see, and one per newer draft that
//! only the course's authors see.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use crate::content::{RenderContext, Section, lesson_from_text};
use crate::courses::revisions::DRAFT;
use crate::db::entities::{course_texts, courses, lesson_revisions, lesson_texts};
use crate::{CoreError, Language};

/// One document of the index.
#[derive(Debug, Clone)]
pub(crate) struct LessonDoc {
    pub course_id: i32,
    pub course_slug: String,
    pub course_title: String,
    pub lesson_slug: String,
    pub language: Language,
    /// The revision number the text comes from.
    pub revision: i32,
    /// A draft newer than what readers see.
    pub draft: bool,
    /// What readers (learners, everyone) see.
    pub public: bool,
    /// What the course's authors see: the draft if there is one, else the
    /// published text.
    pub author: bool,
    pub title: String,
    pub headings: Vec<String>,
    /// The lesson file's text.
    pub markdown: String,
    /// Its plain text by heading as kept at import or save (JSON); `None`
    /// for texts from before that was kept, rendered from `markdown`.
    pub kept_sections: Option<String>,
}

impl LessonDoc {
    /// The text by heading: as kept with the text, else rendered by the
    /// same pipeline as import and the editor (so anchors match the page).
    pub(crate) fn sections(&self) -> Vec<Section> {
        if let Some(kept) = self
            .kept_sections
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
        {
            return kept;
        }
        let media = BTreeSet::new();
        let ctx = RenderContext {
            language: self.language,
            course_slug: &self.course_slug,
            lesson_dir: "",
            media: &media,
            first_line: 1,
        };
        let (variant, _) = lesson_from_text(
            Path::new(""),
            String::new(),
            &self.markdown,
            &ctx,
            Some(&self.title),
        );
        variant.map(|v| v.sections).unwrap_or_default()
    }
}

/// Every course's id and version: a version changes whenever the course
/// or its lessons change (see `revisions::touch_course`).
pub(crate) async fn course_versions(
    db: &DatabaseConnection,
) -> Result<Vec<(i32, String)>, CoreError> {
    let rows: Vec<(i32, chrono::DateTime<chrono::Utc>, String)> = courses::Entity::find()
        .select_only()
        .columns([
            courses::Column::Id,
            courses::Column::UpdatedAt,
            courses::Column::SourceHash,
        ])
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, at, hash)| {
            (
                id,
                format!(
                    "{}/{hash}",
                    at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
                ),
            )
        })
        .collect())
}

/// What [`course_docs`] reads of a lesson text: id, lesson, language,
/// title, revision, headings and the kept plain text.
type TextRow = (
    i32,
    i32,
    String,
    String,
    Option<i32>,
    String,
    Option<String>,
);

/// The documents of course `course_id` (none if it is gone).
pub(crate) async fn course_docs(
    db: &DatabaseConnection,
    course_id: i32,
) -> Result<Vec<LessonDoc>, CoreError> {
    let Some(course) = courses::Entity::find_by_id(course_id).one(db).await? else {
        return Ok(Vec::new());
    };
    let default_language = crate::courses::default_language(&course);
    let titles: HashMap<String, String> = course_texts::Entity::find()
        .filter(course_texts::Column::CourseId.eq(course_id))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.language, t.title))
        .collect();
    let course_title = |language: Language| {
        titles
            .get(language.code())
            .or_else(|| titles.get(default_language.code()))
            .cloned()
            .unwrap_or_else(|| course.slug.clone())
    };
    let lessons = crate::courses::active_lessons(db, course_id).await?;
    let ids: Vec<i32> = lessons.iter().map(|l| l.id).collect();
    let slugs: HashMap<i32, &str> = lessons.iter().map(|l| (l.id, l.slug.as_str())).collect();

    // The newest revision of each (lesson, language), and every revision's number.
    let revisions: Vec<(i32, i32, String, i32, String)> = lesson_revisions::Entity::find()
        .select_only()
        .columns([
            lesson_revisions::Column::Id,
            lesson_revisions::Column::LessonId,
            lesson_revisions::Column::Language,
            lesson_revisions::Column::Number,
            lesson_revisions::Column::Status,
        ])
        .filter(lesson_revisions::Column::LessonId.is_in(ids.clone()))
        .into_tuple()
        .all(db)
        .await?;
    let numbers: HashMap<i32, i32> = revisions.iter().map(|r| (r.0, r.3)).collect();
    let mut newest: HashMap<(i32, String), (i32, i32, bool)> = HashMap::new();
    for (id, lesson_id, language, number, status) in &revisions {
        let entry =
            newest
                .entry((*lesson_id, language.clone()))
                .or_insert((*id, *number, status == DRAFT));
        if *number > entry.1 {
            *entry = (*id, *number, status == DRAFT);
        }
    }
    let draft_ids: Vec<i32> = newest
        .values()
        .filter(|(_, _, draft)| *draft)
        .map(|(id, _, _)| *id)
        .collect();

    let mut docs = Vec::new();
    let mut make = |lesson_id: i32,
                    language: &str,
                    revision: i32,
                    draft: bool,
                    has_draft: bool,
                    title: String,
                    markdown: String,
                    headings: &str,
                    sections: Option<String>| {
        let Ok(language) = language.parse::<Language>() else {
            return;
        };
        let headings: Vec<crate::content::Heading> =
            serde_json::from_str(headings).unwrap_or_default();
        docs.push(LessonDoc {
            course_id,
            course_slug: course.slug.clone(),
            course_title: course_title(language),
            lesson_slug: slugs
                .get(&lesson_id)
                .copied()
                .unwrap_or_default()
                .to_owned(),
            language,
            revision,
            draft,
            public: !draft,
            author: draft || !has_draft,
            title,
            headings: headings.into_iter().map(|h| h.text).collect(),
            markdown,
            kept_sections: sections,
        });
    };
    // Only what the index takes: the rendered page and the quizzes are
    // most of a row, and the Markdown is needed only for a text from
    // before its plain text was kept.
    let texts: Vec<TextRow> = lesson_texts::Entity::find()
        .select_only()
        .columns([
            lesson_texts::Column::Id,
            lesson_texts::Column::LessonId,
            lesson_texts::Column::Language,
            lesson_texts::Column::Title,
            lesson_texts::Column::RevisionId,
            lesson_texts::Column::Headings,
            lesson_texts::Column::Sections,
        ])
        .filter(lesson_texts::Column::LessonId.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    let unkept: Vec<i32> = texts
        .iter()
        .filter(|text| text.6.is_none())
        .map(|text| text.0)
        .collect();
    let mut markdown: HashMap<i32, String> = if unkept.is_empty() {
        HashMap::new()
    } else {
        lesson_texts::Entity::find()
            .select_only()
            .columns([lesson_texts::Column::Id, lesson_texts::Column::BodyMarkdown])
            .filter(lesson_texts::Column::Id.is_in(unkept))
            .into_tuple()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    for (id, lesson_id, language, title, revision_id, headings, sections) in texts {
        let has_draft = newest
            .get(&(lesson_id, language.clone()))
            .is_some_and(|(_, _, draft)| *draft);
        let revision = revision_id
            .and_then(|id| numbers.get(&id).copied())
            .unwrap_or(0);
        make(
            lesson_id,
            &language,
            revision,
            false,
            has_draft,
            title,
            markdown.remove(&id).unwrap_or_default(),
            &headings,
            sections,
        );
    }
    if !draft_ids.is_empty() {
        for draft in lesson_revisions::Entity::find()
            .filter(lesson_revisions::Column::Id.is_in(draft_ids))
            .all(db)
            .await?
        {
            make(
                draft.lesson_id,
                &draft.language,
                draft.number,
                true,
                true,
                draft.title,
                draft.body_markdown,
                &draft.headings,
                draft.sections,
            );
        }
    }
    Ok(docs)
}
