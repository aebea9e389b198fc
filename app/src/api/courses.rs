//! Courses and lessons: the catalog, one course, one lesson.

use leptos::prelude::*;

use super::{AppError, CourseCard, CourseDetail, LessonPage};
use crate::i18n::Locale;

#[cfg(feature = "ssr")]
mod convert {
    use polku_core::{Language, courses};

    use crate::api::{CourseCard, LessonLink};
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
        }
    }

    /// The database connection the server provides as request context.
    pub fn db() -> Result<polku_core::db::DatabaseConnection, crate::api::AppError> {
        leptos::prelude::use_context::<polku_core::db::DatabaseConnection>()
            .ok_or(crate::api::AppError::Internal)
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
    })
}

/// `POST /api/get_lesson`: one lesson with previous/next links.
#[server(prefix = "/api", endpoint = "get_lesson")]
pub async fn get_lesson(
    course: String,
    lesson: String,
    locale: Locale,
) -> Result<LessonPage, AppError> {
    let db = convert::db()?;
    let v = polku_core::courses::lesson(&db, &course, &lesson, convert::language(locale)).await?;
    Ok(LessonPage {
        course_slug: v.course_slug,
        course_title: v.course_title,
        slug: v.slug,
        title: v.title,
        minutes: v.minutes,
        objectives: v.objectives,
        body_html: v.body_html,
        language: convert::locale(v.language),
        position: v.position,
        total: v.total,
        previous: v.previous.map(convert::link),
        next: v.next.map(convert::link),
    })
}
