//! Writing loaded courses into the database: idempotent, keyed by slug,
//! one transaction per course, lesson ids kept stable across re-imports.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};

use crate::CoreError;
use crate::content::CourseSource;
use crate::db::entities::{course_texts, courses, lesson_texts, lessons};

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Courses that were new.
    pub created: usize,
    /// Courses whose files changed.
    pub updated: usize,
    /// Courses whose files were unchanged (skipped).
    pub unchanged: usize,
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Imports `sources` in catalog order. Courses whose files did not change
/// since the last import are left untouched.
pub async fn import_courses(
    db: &DatabaseConnection,
    sources: &[CourseSource],
) -> Result<ImportReport, CoreError> {
    let mut report = ImportReport::default();
    for (position, source) in sources.iter().enumerate() {
        let txn = db.begin().await?;
        let existing = courses::Entity::find()
            .filter(courses::Column::Slug.eq(&source.slug))
            .one(&txn)
            .await?;
        let course_id = match existing {
            Some(course)
                if course.source_hash == source.source_hash
                    && course.position == count(position) =>
            {
                report.unchanged += 1;
                continue;
            }
            Some(course) => {
                let id = course.id;
                let mut active: courses::ActiveModel = course.into();
                active.default_language = Set(source.default_language.code().to_owned());
                active.level = Set(source.level.as_str().to_owned());
                active.hours = Set(i32::try_from(source.hours).unwrap_or(i32::MAX));
                active.position = Set(count(position));
                active.source_hash = Set(source.source_hash.clone());
                active.updated_at = Set(Utc::now());
                active.update(&txn).await?;
                report.updated += 1;
                id
            }
            None => {
                let created = courses::ActiveModel {
                    slug: Set(source.slug.clone()),
                    default_language: Set(source.default_language.code().to_owned()),
                    level: Set(source.level.as_str().to_owned()),
                    hours: Set(i32::try_from(source.hours).unwrap_or(i32::MAX)),
                    position: Set(count(position)),
                    source_hash: Set(source.source_hash.clone()),
                    updated_at: Set(Utc::now()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                report.created += 1;
                created.id
            }
        };

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

        let old_lessons = lessons::Entity::find()
            .filter(lessons::Column::CourseId.eq(course_id))
            .all(&txn)
            .await?;
        let keep: Vec<&str> = source.lessons.iter().map(|l| l.slug.as_str()).collect();
        let gone: Vec<i32> = old_lessons
            .iter()
            .filter(|l| !keep.contains(&l.slug.as_str()))
            .map(|l| l.id)
            .collect();
        if !gone.is_empty() {
            lesson_texts::Entity::delete_many()
                .filter(lesson_texts::Column::LessonId.is_in(gone.clone()))
                .exec(&txn)
                .await?;
            lessons::Entity::delete_many()
                .filter(lessons::Column::Id.is_in(gone))
                .exec(&txn)
                .await?;
        }
        for (index, lesson) in source.lessons.iter().enumerate() {
            let lesson_id = match old_lessons.iter().find(|l| l.slug == lesson.slug) {
                Some(old) => {
                    let mut active: lessons::ActiveModel = old.clone().into();
                    active.position = Set(count(index));
                    active.update(&txn).await?;
                    old.id
                }
                None => {
                    lessons::ActiveModel {
                        course_id: Set(course_id),
                        slug: Set(lesson.slug.clone()),
                        position: Set(count(index)),
                        ..Default::default()
                    }
                    .insert(&txn)
                    .await?
                    .id
                }
            };
            lesson_texts::Entity::delete_many()
                .filter(lesson_texts::Column::LessonId.eq(lesson_id))
                .exec(&txn)
                .await?;
            for variant in &lesson.variants {
                lesson_texts::ActiveModel {
                    lesson_id: Set(lesson_id),
                    language: Set(variant.language.code().to_owned()),
                    title: Set(variant.title.clone()),
                    minutes: Set(i32::try_from(variant.minutes).unwrap_or(i32::MAX)),
                    source_path: Set(variant.source_path.clone()),
                    objectives: Set(
                        serde_json::to_string(&variant.objectives).unwrap_or_else(|_| "[]".into())
                    ),
                    body_markdown: Set(variant.body_markdown.clone()),
                    body_html: Set(variant.body_html.clone()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
        }
        txn.commit().await?;
    }
    Ok(report)
}
