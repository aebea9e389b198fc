//! Writing loaded courses into the database: idempotent, keyed by slug, one
//! transaction per course. Lesson ids stay stable across re-imports; a
//! changed lesson file becomes a new published revision (so learners'
//! progress, keyed by lesson, survives); a removed lesson is archived, not
//! deleted. A file that did not change since its last import leaves the
//! lesson alone, so edits published in the browser stay until the file
//! itself changes.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, QuerySelect, Set, TryIntoModel,
};

use super::revisions::{self, Origin, json};
use crate::CoreError;
use crate::content::{CourseSource, Provenance};
use crate::db::entities::{
    course_media, course_texts, courses, lesson_revisions, lesson_texts, lessons,
};

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Courses that were new.
    pub created: usize,
    /// Courses whose files changed.
    pub updated: usize,
    /// Courses whose files were unchanged (skipped).
    pub unchanged: usize,
    /// Lesson texts stored as new revisions.
    pub revisions: usize,
    /// Courses not imported: their slug belongs to a course from
    /// somewhere else.
    pub refused: Vec<Refusal>,
}

/// A course refused because its slug is another course's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The slug both would have.
    pub slug: String,
    /// Where the course that has the slug came from.
    pub existing: Provenance,
    /// Where the refused course comes from.
    pub incoming: Provenance,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: not imported: the course \"{}\" imported from {} has this slug already; this is a different course. Import it under another slug (polku import --slug NAME FOLDER)",
            self.incoming, self.slug, self.existing
        )
    }
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Where imported courses go in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// In the order given (the whole content folder).
    InOrder,
    /// Existing courses keep their place; new ones go last (a single
    /// course imported on its own).
    KeepOrAppend,
}

/// Imports `sources` in catalog order. Courses whose files did not change
/// since the last import are left untouched.
pub async fn import_courses(
    db: &DatabaseConnection,
    sources: &[CourseSource],
) -> Result<ImportReport, CoreError> {
    import_courses_with_progress(db, sources, Placement::InOrder, &mut |_, _| {}).await
}

/// As [`import_courses`], with a `placement`, calling
/// `progress(lessons_done, lessons_total)` after each lesson.
pub async fn import_courses_with_progress(
    db: &DatabaseConnection,
    sources: &[CourseSource],
    placement: Placement,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<ImportReport, CoreError> {
    let total: usize = sources.iter().map(|s| s.lessons.len()).sum();
    let mut done = 0;
    let mut report = ImportReport::default();
    for (index, source) in sources.iter().enumerate() {
        let txn = crate::db::begin_write(db).await?;
        let existing = courses::Entity::find()
            .filter(courses::Column::Slug.eq(&source.slug))
            .one(&txn)
            .await?;
        let position = match (placement, &existing) {
            (Placement::InOrder, _) => count(index),
            (Placement::KeepOrAppend, Some(course)) => course.position,
            (Placement::KeepOrAppend, None) => {
                let last: Option<i32> = courses::Entity::find()
                    .select_only()
                    .column_as(courses::Column::Position.max(), "max")
                    .into_tuple()
                    .one(&txn)
                    .await?
                    .flatten();
                last.map_or(0, |p| p + 1)
            }
        };
        // Another course's slug: refused, never overwritten. A course
        // imported before sources were recorded takes this one's.
        if let Some(before) = existing
            .as_ref()
            .and_then(|c| c.source.as_deref())
            .map(Provenance::from_text)
            && !source.origin.same_course(&before)
        {
            report.refused.push(Refusal {
                slug: source.slug.clone(),
                existing: before,
                incoming: source.origin.clone(),
            });
            done += source.lessons.len();
            progress(done, total);
            continue;
        }
        let origin = source.origin.to_text();
        let mut course = match existing {
            Some(course)
                if course.source_hash == source.source_hash
                    && course.position == position
                    && course.source.as_deref() == Some(origin.as_str()) =>
            {
                report.unchanged += 1;
                done += source.lessons.len();
                progress(done, total);
                continue;
            }
            Some(course) => {
                report.updated += 1;
                course.into()
            }
            None => {
                report.created += 1;
                courses::ActiveModel {
                    slug: Set(source.slug.clone()),
                    ..Default::default()
                }
            }
        };
        course.default_language = Set(source.default_language.code().to_owned());
        course.level = Set(source.level.as_str().to_owned());
        course.hours = Set(i32::try_from(source.hours).unwrap_or(i32::MAX));
        course.position = Set(position);
        course.source_hash = Set(source.source_hash.clone());
        course.source = Set(Some(origin));
        course.updated_at = Set(Utc::now());
        course.modules = Set(json(&source.modules));
        course.badges = Set(json(&source.badges));
        let course_id = course.save(&txn).await?.try_into_model()?.id;
        // Imported by the operator: its badge definitions are approved.
        crate::badges::approval::approve_all(&txn, course_id, &source.badges, None).await?;

        course_texts::Entity::delete_many()
            .filter(course_texts::Column::CourseId.eq(course_id))
            .exec(&txn)
            .await?;
        for text in &source.texts {
            course_texts::ActiveModel {
                course_id: Set(course_id),
                language: Set(text.language.code().to_owned()),
                title: Set(text.title.clone()),
                summary: Set(text.summary.clone()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        import_media(&txn, course_id, source).await?;

        let old_lessons = lessons::Entity::find()
            .filter(lessons::Column::CourseId.eq(course_id))
            .all(&txn)
            .await?;
        // Lessons created in the browser never came from the files: keep them.
        let imported: Vec<i32> = lesson_revisions::Entity::find()
            .select_only()
            .column(lesson_revisions::Column::LessonId)
            .distinct()
            .filter(lesson_revisions::Column::Origin.eq("import"))
            .filter(
                lesson_revisions::Column::LessonId
                    .is_in(old_lessons.iter().map(|l| l.id).collect::<Vec<_>>()),
            )
            .into_tuple()
            .all(&txn)
            .await?;
        for old in &old_lessons {
            if !old.archived
                && imported.contains(&old.id)
                && !source.lessons.iter().any(|l| l.slug == old.slug)
            {
                let mut active: lessons::ActiveModel = old.clone().into();
                active.archived = Set(true);
                active.update(&txn).await?;
            }
        }
        for (index, lesson) in source.lessons.iter().enumerate() {
            let mut row = match old_lessons.iter().find(|l| l.slug == lesson.slug) {
                Some(old) => old.clone().into(),
                None => lessons::ActiveModel {
                    course_id: Set(course_id),
                    slug: Set(lesson.slug.clone()),
                    ..Default::default()
                },
            };
            row.position = Set(count(index));
            row.module = Set(lesson.module.clone());
            row.archived = Set(false);
            let lesson_id = row.save(&txn).await?.try_into_model()?.id;

            let current: Vec<(i32, String)> = lesson_texts::Entity::find()
                .select_only()
                .columns([lesson_texts::Column::Id, lesson_texts::Column::Language])
                .filter(lesson_texts::Column::LessonId.eq(lesson_id))
                .into_tuple()
                .all(&txn)
                .await?;
            for (id, language) in &current {
                if !lesson
                    .variants
                    .iter()
                    .any(|v| v.language.code() == language)
                {
                    lesson_texts::Entity::delete_by_id(*id).exec(&txn).await?;
                }
            }
            for variant in &lesson.variants {
                let language = variant.language.code();
                let shown = current.iter().any(|(_, l)| l == language);
                let last_import =
                    revisions::latest(&txn, lesson_id, language, Some(Origin::Import)).await?;
                if shown && last_import.is_some_and(|r| r.source_hash == variant.source_hash) {
                    continue;
                }
                revisions::insert(&txn, lesson_id, variant, Origin::Import, true).await?;
                report.revisions += 1;
            }
            done += 1;
            progress(done, total);
        }
        txn.commit().await?;
    }
    Ok(report)
}

/// Brings the course's stored media in line with the folder: changed files
/// replaced, removed ones deleted, unchanged ones not rewritten.
async fn import_media(
    txn: &DatabaseTransaction,
    course_id: i32,
    source: &CourseSource,
) -> Result<(), CoreError> {
    let stored: Vec<(i32, String, String)> = course_media::Entity::find()
        .select_only()
        .columns([
            course_media::Column::Id,
            course_media::Column::Path,
            course_media::Column::Sha256,
        ])
        .filter(course_media::Column::CourseId.eq(course_id))
        .into_tuple()
        .all(txn)
        .await?;
    for (id, path, sha) in &stored {
        if !source
            .media
            .iter()
            .any(|m| &m.path == path && &m.sha256 == sha)
        {
            course_media::Entity::delete_by_id(*id).exec(txn).await?;
        }
    }
    for file in &source.media {
        if stored
            .iter()
            .any(|(_, path, sha)| path == &file.path && sha == &file.sha256)
        {
            continue;
        }
        course_media::ActiveModel {
            course_id: Set(course_id),
            path: Set(file.path.clone()),
            content_type: Set(file.content_type.to_owned()),
            sha256: Set(file.sha256.clone()),
            bytes: Set(file.bytes.clone()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}
