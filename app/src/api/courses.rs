//! Courses and lessons: the catalog, one course, one lesson.

use leptos::prelude::*;

use super::{AppError, CourseCard, CourseDetail, LessonPage, QuizAnswer};
use crate::i18n::Locale;

/// Core types to the DTOs that cross the wire (shared with `authoring`).
#[cfg(feature = "ssr")]
pub mod convert {
    use polku_core::{Language, courses};

    use polku_core::content::markdown;
    use polku_core::content::quiz;

    use crate::api::{
        BodyPart, ChoiceFeedback, CourseCard, LessonLink, QuizFeedback, QuizKind, QuizView,
    };
    use crate::i18n::Locale;

    pub fn language(locale: Locale) -> Language {
        match locale {
            Locale::Fi => Language::Fi,
            Locale::Sv => Language::Sv,
            Locale::En => Language::En,
        }
    }

    pub fn locale(language: Language) -> Locale {
        match language {
            Language::Fi => Locale::Fi,
            Language::Sv => Locale::Sv,
            Language::En => Locale::En,
        }
    }

    pub fn card(c: courses::CatalogEntry) -> CourseCard {
        CourseCard {
            slug: c.slug,
            title: c.title,
            summary: c.summary,
            language: locale(c.language),
            level: c.level,
            hours: c.hours,
            lesson_count: c.lesson_count,
        }
    }

    pub fn link(l: courses::LessonLink) -> LessonLink {
        LessonLink {
            slug: l.slug,
            title: l.title,
            minutes: l.minutes,
            module_title: l.module_title,
        }
    }

    pub fn body(html: &str) -> Vec<BodyPart> {
        markdown::split_body(html)
            .into_iter()
            .map(|p| match p {
                markdown::BodyPart::Html(h) => BodyPart::Html(h),
                markdown::BodyPart::Quiz(n) => BodyPart::Quiz(n),
            })
            .collect()
    }

    pub fn quiz(q: quiz::QuizQuestion) -> QuizView {
        QuizView {
            kind: match q.kind {
                quiz::QuizKind::Single => QuizKind::Single,
                quiz::QuizKind::Multiple => QuizKind::Multiple,
                quiz::QuizKind::Text => QuizKind::Text,
            },
            question: q.question,
            hint: q.hint,
            options: q.options,
        }
    }

    pub fn feedback(g: quiz::Grade) -> QuizFeedback {
        QuizFeedback {
            correct: g.correct,
            choices: g
                .choices
                .into_iter()
                .map(|c| ChoiceFeedback {
                    option: c.option,
                    correct: c.correct,
                    feedback: c.feedback,
                })
                .collect(),
            missed: g.missed,
            feedback: g.feedback,
            earned: None,
        }
    }

    /// A learner's answer as the core grades it (bounded in size).
    pub fn answer(a: &crate::api::QuizAnswer) -> quiz::Answer {
        match &a.text {
            Some(text) => quiz::Answer::Text(text.chars().take(500).collect()),
            None => quiz::Answer::Choices(a.choices.iter().copied().take(20).collect()),
        }
    }

    /// The database connection the server provides as request context.
    pub fn db() -> Result<polku_core::db::DatabaseConnection, crate::api::AppError> {
        crate::api::state().map(|s| s.db)
    }
}

/// `POST /api/get_catalog`: every course, in `locale` where available.
#[server(prefix = "/api", endpoint = "get_catalog")]
pub async fn get_catalog(locale: Locale) -> Result<Vec<CourseCard>, AppError> {
    let db = convert::db()?;
    let entries = polku_core::courses::catalog(&db, convert::language(locale)).await?;
    Ok(entries.into_iter().map(convert::card).collect())
}

/// `POST /api/get_course`: one course and its lessons.
#[server(prefix = "/api", endpoint = "get_course")]
pub async fn get_course(slug: String, locale: Locale) -> Result<CourseDetail, AppError> {
    let db = convert::db()?;
    let view = polku_core::courses::course(&db, &slug, convert::language(locale)).await?;
    Ok(CourseDetail {
        course: convert::card(view.course),
        lessons: view.lessons.into_iter().map(convert::link).collect(),
        badges: view
            .badges
            .into_iter()
            .map(|b| super::BadgeCard {
                slug: b.slug,
                approval: b.approval,
                name: b.name,
                description: b.description,
                criteria: b.criteria,
            })
            .collect(),
    })
}

/// `POST /api/get_lesson`: one lesson with previous/next links; with
/// `answer`, also the server's verdict on that answer to one of its
/// quizzes (graded on the server: the right answers never reach the
/// browser; nothing is stored).
#[server(prefix = "/api", endpoint = "get_lesson")]
pub async fn get_lesson(
    course: String,
    lesson: String,
    locale: Locale,
    answer: Option<QuizAnswer>,
) -> Result<LessonPage, AppError> {
    let db = convert::db()?;
    let language = convert::language(locale);
    let v = polku_core::courses::lesson(&db, &course, &lesson, language).await?;
    // Signed in: reading is noted ("continue where you left off").
    let learner = match super::accounts::session::actor().await? {
        Some(actor) => {
            let state = polku_core::progress::record_view(&db, &actor, &course, &lesson).await?;
            Some(super::LessonLearner {
                enrolled: state.enrolled,
                done: state.done,
            })
        }
        None => None,
    };
    let verdict = match answer {
        Some(a) if a.index < v.quizzes.len() => {
            let given = convert::answer(&a);
            let grade =
                polku_core::courses::check_quiz(&db, &course, &lesson, language, a.index, &given)
                    .await?;
            Some((a, convert::feedback(grade)))
        }
        _ => None,
    };
    Ok(LessonPage {
        course_slug: v.course_slug,
        course_title: v.course_title,
        slug: v.slug,
        title: v.title,
        minutes: v.minutes,
        objectives: v.objectives,
        body: convert::body(&v.body_html),
        quizzes: v.quizzes.into_iter().map(convert::quiz).collect(),
        module_title: v.module_title,
        verdict,
        learner,
        language: convert::locale(v.language),
        position: v.position,
        total: v.total,
        previous: v.previous.map(convert::link),
        next: v.next.map(convert::link),
    })
}
