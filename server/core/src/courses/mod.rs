//! Courses and lessons: importing loaded content, and the read models the
//! pages show (catalog, course, lesson), each in the reader's language with a
//! fallback to the course's default language.

pub mod cache;
pub(crate) mod export;
mod import;
pub(crate) mod revisions;

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::content::markdown::split_body;
use crate::content::quiz::{Answer, Quiz, QuizFeedback};
use crate::content::{BadgeSource, ModuleSource};
use crate::db::entities::{course_media, course_texts, courses, lesson_texts, lessons};
use crate::{CoreError, Language};

pub use export::{ExportFile, export_course, write_folder, zip};
pub use import::{ImportReport, Placement, Refusal, import_courses, import_courses_with_progress};
pub use polku_types::courses::{BadgeCard, CourseCard, CourseDetail, LessonLink, LessonPage};
pub use revisions::Origin;

/// A course's default language.
pub(crate) fn default_language(course: &courses::Model) -> Language {
    course.default_language.parse().unwrap_or(Language::Fi)
}

/// The badges a course awards, as stored at import (or by the editor).
pub(crate) fn badge_sources(course: &courses::Model) -> Vec<BadgeSource> {
    serde_json::from_str(&course.badges).unwrap_or_default()
}

/// Picks the row in `wanted`, else in `fallback`.
fn pick<T>(
    rows: &[T],
    lang_of: impl Fn(&T) -> &str,
    wanted: Language,
    fallback: Language,
) -> Option<&T> {
    rows.iter()
        .find(|r| lang_of(r) == wanted.code())
        .or_else(|| rows.iter().find(|r| lang_of(r) == fallback.code()))
}

fn catalog_entry(
    course: &courses::Model,
    texts: &[course_texts::Model],
    lesson_count: usize,
    wanted: Language,
) -> Result<CourseCard, CoreError> {
    let fallback = default_language(course);
    let text = pick(texts, |t| &t.language, wanted, fallback).ok_or(CoreError::NotFound)?;
    Ok(CourseCard {
        slug: course.slug.clone(),
        title: text.title.clone(),
        summary: text.summary.clone(),
        language: text.language.parse().unwrap_or(fallback),
        level: course.level.clone(),
        hours: course.hours,
        lesson_count,
    })
}

/// Every course, in catalog order, in `language` where it exists.
pub async fn catalog<C: ConnectionTrait>(
    db: &C,
    language: Language,
) -> Result<Vec<CourseCard>, CoreError> {
    Ok(catalog_rows(db, language)
        .await?
        .into_iter()
        .map(|(_, entry)| entry)
        .collect())
}

/// Every course by id, with its row.
pub(crate) async fn catalog_by_id<C: ConnectionTrait>(
    db: &C,
    language: Language,
) -> Result<HashMap<i32, (courses::Model, CourseCard)>, CoreError> {
    Ok(catalog_rows(db, language)
        .await?
        .into_iter()
        .map(|(row, entry)| (row.id, (row, entry)))
        .collect())
}

async fn catalog_rows<C: ConnectionTrait>(
    db: &C,
    language: Language,
) -> Result<Vec<(courses::Model, CourseCard)>, CoreError> {
    let all = courses::Entity::find()
        .order_by_asc(courses::Column::Position)
        .all(db)
        .await?;
    let texts = course_texts::Entity::find().all(db).await?;
    let counts: Vec<(i32, i64)> = lessons::Entity::find()
        .select_only()
        .column(lessons::Column::CourseId)
        .column_as(lessons::Column::Id.count(), "count")
        .filter(lessons::Column::Archived.eq(false))
        .group_by(lessons::Column::CourseId)
        .into_tuple()
        .all(db)
        .await?;
    let counts: HashMap<i32, usize> = counts
        .into_iter()
        .map(|(id, n)| (id, usize::try_from(n).unwrap_or(0)))
        .collect();
    let mut entries = Vec::with_capacity(all.len());
    for course in all {
        let own: Vec<_> = texts
            .iter()
            .filter(|t| t.course_id == course.id)
            .cloned()
            .collect();
        let count = counts.get(&course.id).copied().unwrap_or(0);
        let entry = catalog_entry(&course, &own, count, language)?;
        entries.push((course, entry));
    }
    Ok(entries)
}

pub(crate) async fn find_course<C: ConnectionTrait>(
    db: &C,
    slug: &str,
) -> Result<(courses::Model, Vec<course_texts::Model>), CoreError> {
    let mut found = courses::Entity::find()
        .filter(courses::Column::Slug.eq(slug))
        .find_with_related(course_texts::Entity)
        .all(db)
        .await?;
    found.pop().ok_or(CoreError::NotFound)
}

/// A lesson of a course that is not archived.
pub(crate) async fn active_lesson<C: ConnectionTrait>(
    db: &C,
    course_id: i32,
    slug: &str,
) -> Result<lessons::Model, CoreError> {
    lessons::Entity::find()
        .filter(lessons::Column::CourseId.eq(course_id))
        .filter(lessons::Column::Slug.eq(slug))
        .filter(lessons::Column::Archived.eq(false))
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)
}

/// The ids of (course, lesson) by their slugs; archived lessons are not
/// found.
pub(crate) async fn locate<C: ConnectionTrait>(
    db: &C,
    course_slug: &str,
    lesson_slug: &str,
) -> Result<(i32, i32), CoreError> {
    let (course, lesson) = locate_row(db, course_slug, lesson_slug).await?;
    Ok((course.id, lesson))
}

/// As [`locate`], with the course's row.
pub(crate) async fn locate_row<C: ConnectionTrait>(
    db: &C,
    course_slug: &str,
    lesson_slug: &str,
) -> Result<(courses::Model, i32), CoreError> {
    let (course, _) = find_course(db, course_slug).await?;
    let lesson = active_lesson(db, course.id, lesson_slug).await?;
    Ok((course, lesson.id))
}

/// A course's lessons that are not archived, in course order.
pub(crate) async fn active_lessons<C: ConnectionTrait>(
    db: &C,
    course_id: i32,
) -> Result<Vec<lessons::Model>, CoreError> {
    Ok(lessons::Entity::find()
        .filter(lessons::Column::CourseId.eq(course_id))
        .filter(lessons::Column::Archived.eq(false))
        .order_by_asc(lessons::Column::Position)
        .all(db)
        .await?)
}

/// Lesson titles of a course in `language` (else the default), in order.
pub(crate) async fn lesson_links<C: ConnectionTrait>(
    db: &C,
    course: &courses::Model,
    language: Language,
) -> Result<Vec<(lessons::Model, LessonLink)>, CoreError> {
    let rows = active_lessons(db, course.id).await?;
    let ids: Vec<i32> = rows.iter().map(|l| l.id).collect();
    let titles: Vec<(i32, String, String, i32)> = lesson_texts::Entity::find()
        .select_only()
        .columns([
            lesson_texts::Column::LessonId,
            lesson_texts::Column::Language,
            lesson_texts::Column::Title,
            lesson_texts::Column::Minutes,
        ])
        .filter(lesson_texts::Column::LessonId.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    let fallback = default_language(course);
    let modules: Vec<ModuleSource> = serde_json::from_str(&course.modules).unwrap_or_default();
    let module_title = |slug: &Option<String>| {
        let module = modules.iter().find(|m| Some(&m.slug) == slug.as_ref())?;
        module
            .titles
            .get(&language)
            .or_else(|| module.titles.get(&fallback))
            .or_else(|| module.titles.values().next())
            .cloned()
    };
    let mut links = Vec::with_capacity(rows.len());
    for lesson in rows {
        let own: Vec<_> = titles.iter().filter(|t| t.0 == lesson.id).collect();
        if let Some(t) = pick(&own, |t| &t.1, language, fallback) {
            let link = LessonLink {
                slug: lesson.slug.clone(),
                title: t.2.clone(),
                minutes: t.3,
                module_title: module_title(&lesson.module),
            };
            links.push((lesson, link));
        }
    }
    Ok(links)
}

/// One course with its lessons.
pub async fn course<C: ConnectionTrait>(
    db: &C,
    slug: &str,
    language: Language,
) -> Result<CourseDetail, CoreError> {
    let (course, texts) = find_course(db, slug).await?;
    let lessons = lesson_links(db, &course, language).await?;
    let entry = catalog_entry(&course, &texts, lessons.len(), language)?;
    let fallback = default_language(&course);
    let sources = badge_sources(&course);
    let text = |map: &std::collections::BTreeMap<Language, String>| {
        map.get(&language)
            .or_else(|| map.get(&fallback))
            .cloned()
            .unwrap_or_default()
    };
    let badges = sources
        .iter()
        .map(|b| BadgeCard {
            slug: b.slug.clone(),
            name: text(&b.name),
            description: text(&b.description),
            criteria: text(&b.criteria),
            approval: b.rule.approval,
        })
        .collect();
    Ok(CourseDetail {
        course: entry,
        lessons: lessons.into_iter().map(|(_, link)| link).collect(),
        badges,
    })
}

/// The course's title in `language` (else its default language).
pub(crate) async fn title_in<C: ConnectionTrait>(
    db: &C,
    course: &courses::Model,
    language: Language,
) -> Result<String, CoreError> {
    let texts = course_texts::Entity::find()
        .filter(course_texts::Column::CourseId.eq(course.id))
        .all(db)
        .await?;
    Ok(
        pick(&texts, |t| &t.language, language, default_language(course))
            .map(|t| t.title.clone())
            .unwrap_or_else(|| course.slug.clone()),
    )
}

/// One lesson, with its neighbours for previous/next navigation.
pub async fn lesson<C: ConnectionTrait>(
    db: &C,
    course_slug: &str,
    lesson_slug: &str,
    language: Language,
) -> Result<LessonPage, CoreError> {
    let (course, texts) = find_course(db, course_slug).await?;
    let fallback = default_language(&course);
    let course_title = pick(&texts, |t| &t.language, language, fallback)
        .map(|t| t.title.clone())
        .unwrap_or_default();
    let links = lesson_links(db, &course, language).await?;
    let index = links
        .iter()
        .position(|(l, _)| l.slug == lesson_slug)
        .ok_or(CoreError::NotFound)?;
    let lesson_id = links[index].0.id;
    let variants = lesson_texts::Entity::find()
        .filter(lesson_texts::Column::LessonId.eq(lesson_id))
        .filter(lesson_texts::Column::Language.is_in([language.code(), fallback.code()]))
        .all(db)
        .await?;
    let text = pick(&variants, |t| &t.language, language, fallback).ok_or(CoreError::NotFound)?;
    Ok(LessonPage {
        course_slug: course.slug.clone(),
        course_title,
        slug: lesson_slug.to_owned(),
        title: text.title.clone(),
        minutes: text.minutes,
        objectives: serde_json::from_str(&text.objectives).unwrap_or_default(),
        body: split_body(&text.body_html),
        quizzes: serde_json::from_str::<Vec<Quiz>>(&text.quizzes)
            .unwrap_or_default()
            .iter()
            .map(Quiz::question)
            .collect(),
        module_title: links[index].1.module_title.clone(),
        language: text.language.parse().unwrap_or(fallback),
        position: index + 1,
        total: links.len(),
        previous: index
            .checked_sub(1)
            .and_then(|i| links.get(i))
            .map(|(_, l)| l.clone()),
        next: links.get(index + 1).map(|(_, l)| l.clone()),
        verdict: None,
        learner: None,
        audio: crate::speech::current(db, &course.slug, lesson_slug, text).await?,
        code: Vec::new(),
    })
}

/// Grades an answer to quiz `index` of a lesson as published in `language`
/// (else the default language, as the learner saw it).
pub async fn check_quiz<C: ConnectionTrait>(
    db: &C,
    course_slug: &str,
    lesson_slug: &str,
    language: Language,
    index: usize,
    answer: &Answer,
) -> Result<QuizFeedback, CoreError> {
    let quiz = find_quiz(db, course_slug, lesson_slug, language, index).await?;
    // A program is checked by running it (`code_exercise`), never here.
    if quiz.kind == crate::content::quiz::QuizKind::Python {
        return Err(CoreError::NotFound);
    }
    Ok(quiz.grade(answer))
}

/// The Python exercise that is graded part `index` of a lesson in
/// `language` (or the course's own language): what the server runs a
/// learner's program against.
pub async fn code_exercise<C: ConnectionTrait>(
    db: &C,
    course_slug: &str,
    lesson_slug: &str,
    language: Language,
    index: usize,
) -> Result<crate::content::quiz::CodeExercise, CoreError> {
    find_quiz(db, course_slug, lesson_slug, language, index)
        .await?
        .code
        .ok_or(CoreError::NotFound)
}

/// Graded part `index` of a lesson in `language` (or the course's own).
async fn find_quiz<C: ConnectionTrait>(
    db: &C,
    course_slug: &str,
    lesson_slug: &str,
    language: Language,
    index: usize,
) -> Result<Quiz, CoreError> {
    let (course, _) = find_course(db, course_slug).await?;
    let fallback = default_language(&course);
    let lesson = active_lesson(db, course.id, lesson_slug).await?;
    let variants = lesson_texts::Entity::find()
        .filter(lesson_texts::Column::LessonId.eq(lesson.id))
        .filter(lesson_texts::Column::Language.is_in([language.code(), fallback.code()]))
        .all(db)
        .await?;
    let text = pick(&variants, |t| &t.language, language, fallback).ok_or(CoreError::NotFound)?;
    let mut quizzes: Vec<Quiz> = serde_json::from_str(&text.quizzes).unwrap_or_default();
    if index >= quizzes.len() {
        return Err(CoreError::NotFound);
    }
    Ok(quizzes.swap_remove(index))
}

/// What keeping a course on a device takes: the addresses of its pages
/// (the catalog, the course, every lesson and the offline page), media and
/// lesson audio in `language`, and about how many bytes they are.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OfflineList {
    /// Addresses on this site.
    pub urls: Vec<String>,
    /// About how many bytes (pages estimated, files exact).
    pub bytes: u64,
}

/// What a page's frame around its text weighs, about (HTML, compressed).
const PAGE_FRAME_BYTES: u64 = 12_000;

/// [`OfflineList`] of a course for a reader of `language`.
pub async fn offline_list<C: ConnectionTrait>(
    db: &C,
    course_slug: &str,
    language: Language,
) -> Result<OfflineList, CoreError> {
    use sea_orm::sea_query::Expr;
    let (course, _) = find_course(db, course_slug).await?;
    let fallback = default_language(&course);
    let links = lesson_links(db, &course, language).await?;
    let ids: Vec<i32> = links.iter().map(|(l, _)| l.id).collect();
    let mut urls = vec![
        "/".to_owned(),
        "/offline".to_owned(),
        format!("/courses/{}", course.slug),
    ];
    let mut bytes = PAGE_FRAME_BYTES * 3;
    let texts = lesson_texts::Entity::find()
        .filter(lesson_texts::Column::LessonId.is_in(ids.clone()))
        .filter(lesson_texts::Column::Language.is_in([language.code(), fallback.code()]))
        .all(db)
        .await?;
    let audio: Vec<(i32, String, String, String, i64)> =
        crate::db::entities::lesson_audio::Entity::find()
            .select_only()
            .columns([
                crate::db::entities::lesson_audio::Column::LessonId,
                crate::db::entities::lesson_audio::Column::Language,
                crate::db::entities::lesson_audio::Column::SourceHash,
                crate::db::entities::lesson_audio::Column::ScriptHash,
            ])
            .column_as(Expr::cust("LENGTH(bytes)"), "size")
            .filter(crate::db::entities::lesson_audio::Column::LessonId.is_in(ids))
            .into_tuple()
            .all(db)
            .await?;
    for (lesson, _) in &links {
        urls.push(format!("/courses/{}/{}", course.slug, lesson.slug));
        let mine: Vec<&lesson_texts::Model> =
            texts.iter().filter(|t| t.lesson_id == lesson.id).collect();
        let Some(text) = pick(&mine, |t| &t.language, language, fallback) else {
            bytes += PAGE_FRAME_BYTES;
            continue;
        };
        // Sent compressed: about a third of the HTML.
        bytes += PAGE_FRAME_BYTES + text.body_html.len() as u64 / 3;
        if let Some((_, _, _, script, size)) = audio.iter().find(|(id, lang, source, _, _)| {
            *id == lesson.id && *lang == text.language && *source == text.source_hash
        }) {
            urls.push(crate::speech::audio_url(
                &course.slug,
                &lesson.slug,
                &text.language,
                script,
            ));
            bytes += u64::try_from(*size).unwrap_or(0);
        }
    }
    let media: Vec<(String, i64)> = course_media::Entity::find()
        .select_only()
        .column(course_media::Column::Path)
        .column_as(Expr::cust("LENGTH(bytes)"), "size")
        .filter(course_media::Column::CourseId.eq(course.id))
        .into_tuple()
        .all(db)
        .await?;
    for (path, size) in media {
        urls.push(format!("/media/{}/{path}", course.slug));
        bytes += u64::try_from(size).unwrap_or(0);
    }
    Ok(OfflineList { urls, bytes })
}

/// A media file of a course.
#[derive(Debug, Clone)]
pub struct Media {
    /// The MIME type.
    pub content_type: String,
    /// SHA-256 of the bytes (an ETag).
    pub sha256: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// A course's media file by its path (`media/inbox.png`).
pub async fn media<C: ConnectionTrait>(
    db: &C,
    course_slug: &str,
    path: &str,
) -> Result<Media, CoreError> {
    let (course, _) = find_course(db, course_slug).await?;
    let row = course_media::Entity::find()
        .filter(course_media::Column::CourseId.eq(course.id))
        .filter(course_media::Column::Path.eq(path))
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    Ok(Media {
        content_type: row.content_type,
        sha256: row.sha256,
        bytes: row.bytes,
    })
}
