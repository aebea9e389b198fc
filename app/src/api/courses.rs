//! Courses and lessons: the catalog, one course, one lesson.

use leptos::prelude::*;

use super::{AppError, CourseCard, CourseDetail, LessonPage, QuizAnswer};
use crate::i18n::Locale;

/// `POST /api/get_catalog`: every course, in `locale` where available.
#[server(prefix = "/api", endpoint = "get_catalog", output = crate::api::TextJson)]
pub async fn get_catalog(locale: Locale) -> Result<Vec<CourseCard>, AppError> {
    let db = super::db()?;
    Ok(super::content()?.catalog(&db, locale).await?)
}

/// `POST /api/get_course`: one course and its lessons.
#[server(prefix = "/api", endpoint = "get_course", output = crate::api::TextJson)]
pub async fn get_course(slug: String, locale: Locale) -> Result<CourseDetail, AppError> {
    let db = super::db()?;
    Ok(super::content()?.course(&db, &slug, locale).await?)
}

/// `POST /api/get_lesson`: one lesson with previous/next links; with
/// `answer`, also the server's verdict on that answer to one of its
/// quizzes (graded on the server: the right answers never reach the
/// browser; nothing is stored).
#[server(prefix = "/api", endpoint = "get_lesson", output = crate::api::TextJson)]
pub async fn get_lesson(
    course: String,
    lesson: String,
    locale: Locale,
    answer: Option<QuizAnswer>,
) -> Result<LessonPage, AppError> {
    let db = super::db()?;
    let content = super::content()?;
    let mut page = content.lesson(&db, &course, &lesson, locale).await?;
    if crate::components::hole::holes_on() {
        // Rendered for every signed-in reader: her standing is a hole,
        // filled (and her reading noted) for each answer (`crate::kept`).
        page.learner = Some(super::LessonLearner {
            who: 0,
            enrolled: false,
            done: false,
        });
    } else if let Some(actor) = super::accounts::session::actor().await? {
        // Signed in: reading is noted ("continue where you left off").
        let (course_id, lesson_id) = content.locate(&db, &course, &lesson).await?;
        let readers = &super::state()?.readers;
        page.learner = Some(
            readers
                .record_view(&db, &actor, course_id, lesson_id)
                .await?,
        );
        if page
            .quizzes
            .iter()
            .any(|q| q.kind == super::QuizKind::Python)
        {
            page.code = polku_core::progress::code_submissions(&db, &actor, lesson_id).await?;
        }
    }
    page.verdict = match answer {
        Some(a) if a.index < page.quizzes.len() => {
            let given = polku_core::content::quiz::Answer::from_wire(&a);
            let grade =
                polku_core::courses::check_quiz(&db, &course, &lesson, locale, a.index, &given)
                    .await?;
            Some((a, grade))
        }
        _ => None,
    };
    Ok(page)
}

/// `POST /api/get_read_aloud_cues`: where each sentence of a lesson is
/// heard in its audio in `language` (for the hydrated player's
/// highlighting); public like the lesson; none until the audio is made.
#[server(prefix = "/api", endpoint = "get_read_aloud_cues", output = crate::api::TextJson)]
pub async fn get_read_aloud_cues(
    course: String,
    lesson: String,
    language: Locale,
) -> Result<Vec<super::Cue>, AppError> {
    let db = super::db()?;
    Ok(polku_core::speech::cues(&db, &course, &lesson, language).await?)
}
