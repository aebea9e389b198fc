//! Authoring: the instructor's course outline, the lesson editor with its
//! preview, saving, publishing, history, new lessons and ordering. Every
//! function first gets an `AuthorGrant` from [`grant`]; the core services
//! cannot be called without one.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{AppError, BodyPart, CourseCard};
use crate::i18n::Locale;

/// Name of the cookie that holds an author's sign-in.
pub const AUTHOR_COOKIE: &str = "polku_author";

/// The authoring start page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthorHome {
    /// An admin token is configured.
    pub enabled: bool,
    /// This browser is signed in.
    pub signed_in: bool,
    /// Courses (when signed in).
    pub courses: Vec<CourseCard>,
}

/// A lesson in the outline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutlineLesson {
    /// Key.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Learners see it.
    pub published: bool,
    /// Has an unpublished draft.
    pub has_draft: bool,
}

/// A course for its author.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outline {
    /// Key.
    pub slug: String,
    /// Title in the viewer's language.
    pub title: String,
    /// Default language code.
    pub default_language: Locale,
    /// Lessons in order.
    pub lessons: Vec<OutlineLesson>,
}

/// One revision in the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revision {
    /// Number.
    pub number: i32,
    /// Published (else a draft).
    pub published: bool,
    /// From an import (else the editor).
    pub imported: bool,
    /// Title then.
    pub title: String,
    /// When (UTC).
    pub created_at: String,
    /// What learners see now.
    pub current: bool,
}

/// The editor's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Editing {
    /// The newest text.
    pub text: String,
    /// The newest revision is an unpublished draft.
    pub is_draft: bool,
    /// History, newest first.
    pub history: Vec<Revision>,
    /// The newest text rendered.
    pub preview: PreviewResult,
}

/// A preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewResult {
    /// The title found.
    pub title: String,
    /// Body parts (quizzes as places).
    pub body: Vec<BodyPart>,
    /// Problems, `line N: message`.
    pub problems: Vec<String>,
}

/// The author cookie's value in request headers, if any.
#[cfg(feature = "ssr")]
pub fn author_cookie(headers: &http::HeaderMap) -> Option<String> {
    super::cookie(headers, AUTHOR_COOKIE)
}

#[cfg(feature = "ssr")]
pub(crate) use server::grant;

#[cfg(feature = "ssr")]
mod server {
    use polku_core::authoring::{AdminToken, AuthorGrant};

    use crate::api::AppError;

    /// The configured token, if authoring is on.
    pub fn token() -> Option<AdminToken> {
        leptos::prelude::use_context::<AdminToken>()
    }

    /// The one check every authoring function starts with: the admin
    /// token's cookie (every course), else a signed-in admin (every course)
    /// or instructor (the courses they author).
    pub async fn grant() -> Result<AuthorGrant, AppError> {
        let parts = leptos::prelude::use_context::<http::request::Parts>();
        let cookie = parts.and_then(|p| super::author_cookie(&p.headers));
        if let Some(grant) = token().and_then(|t| t.grant(cookie.as_deref())) {
            return Ok(grant);
        }
        let actor = crate::api::accounts::session::actor()
            .await?
            .ok_or(AppError::Forbidden)?;
        let db = crate::api::courses::convert::db()?;
        Ok(AuthorGrant::for_actor(&db, &actor).await?)
    }

    pub fn language(code: &str) -> Result<polku_core::Language, AppError> {
        code.parse().map_err(|_| AppError::NotFound)
    }

    /// Sends a form posted without JavaScript on to `path`.
    pub fn go(path: &str) {
        leptos_axum::redirect(path);
    }
}

#[cfg(feature = "ssr")]
fn preview_result(p: polku_core::authoring::Preview) -> PreviewResult {
    PreviewResult {
        title: p.title,
        body: super::courses::convert::body(&p.html),
        problems: p.problems,
    }
}

/// `POST /api/get_author_home`: whether authoring is on, whether this
/// browser is signed in, and (if so) the courses.
#[server(prefix = "/api", endpoint = "get_author_home")]
pub async fn get_author_home(locale: Locale) -> Result<AuthorHome, AppError> {
    let Ok(grant) = server::grant().await else {
        let enabled = server::token().is_some();
        return Ok(AuthorHome {
            enabled,
            signed_in: false,
            courses: Vec::new(),
        });
    };
    let db = super::courses::convert::db()?;
    let mine = polku_core::authoring::authored_slugs(&db, &grant).await?;
    let courses = super::courses::get_catalog(locale)
        .await?
        .into_iter()
        .filter(|c| mine.contains(&c.slug))
        .collect();
    Ok(AuthorHome {
        enabled: true,
        signed_in: true,
        courses,
    })
}

/// `POST /api/get_outline`: a course's lessons for its author.
#[server(prefix = "/api", endpoint = "get_outline")]
pub async fn get_outline(course: String, locale: Locale) -> Result<Outline, AppError> {
    let grant = server::grant().await?;
    let db = super::courses::convert::db()?;
    let outline = polku_core::authoring::outline(&db, &grant, &course).await?;
    let card = super::courses::get_course(course, locale).await?.course;
    Ok(Outline {
        slug: outline.slug,
        title: card.title,
        default_language: super::courses::convert::locale(outline.default_language),
        lessons: outline
            .lessons
            .into_iter()
            .map(|l| OutlineLesson {
                slug: l.slug,
                title: l.title,
                published: l.published,
                has_draft: l.has_draft,
            })
            .collect(),
    })
}

/// `POST /api/get_editing`: the newest text of a lesson in `lang`, its
/// preview and its history.
#[server(prefix = "/api", endpoint = "get_editing")]
pub async fn get_editing(
    course: String,
    lesson: String,
    lang: String,
) -> Result<Editing, AppError> {
    let grant = server::grant().await?;
    let db = super::courses::convert::db()?;
    let language = server::language(&lang)?;
    let e = polku_core::authoring::editing(&db, &grant, &course, &lesson, language).await?;
    let preview =
        polku_core::authoring::preview(&db, &grant, &course, &lesson, language, &e.text).await?;
    Ok(Editing {
        is_draft: e.latest.as_ref().is_some_and(|(_, s)| s == "draft"),
        text: e.text,
        history: e
            .history
            .into_iter()
            .map(|r| Revision {
                number: r.number,
                published: r.status == "published",
                imported: r.origin == "import",
                title: r.title,
                created_at: r.created_at,
                current: r.current,
            })
            .collect(),
        preview: preview_result(preview),
    })
}

/// `POST /api/preview_lesson`: `text` rendered as learners would see it.
#[server(prefix = "/api", endpoint = "preview_lesson")]
pub async fn preview_lesson(
    course: String,
    lesson: String,
    lang: String,
    text: String,
) -> Result<PreviewResult, AppError> {
    let grant = server::grant().await?;
    let db = super::courses::convert::db()?;
    let language = server::language(&lang)?;
    let p = polku_core::authoring::preview(&db, &grant, &course, &lesson, language, &text).await?;
    Ok(preview_result(p))
}

/// `POST /api/save_lesson` (a plain form post): saves `text` as a draft
/// (`intent=draft`) or publishes it (`intent=publish`; kept as a draft if
/// it has problems), then back to the editor.
#[server(prefix = "/api", endpoint = "save_lesson")]
pub async fn save_lesson(
    course: String,
    lesson: String,
    lang: String,
    text: String,
    intent: String,
) -> Result<(), AppError> {
    let grant = server::grant().await?;
    let db = super::courses::convert::db()?;
    let language = server::language(&lang)?;
    let saved = polku_core::authoring::save(
        &db,
        &grant,
        &course,
        &lesson,
        language,
        &text,
        intent == "publish",
    )
    .await?;
    let outcome = if saved.published {
        "published"
    } else {
        "draft"
    };
    server::go(&format!(
        "/author/courses/{course}/{lesson}?lang={lang}&saved={outcome}"
    ));
    Ok(())
}

/// `POST /api/restore_revision` (a plain form post): revision `number`
/// becomes a new draft.
#[server(prefix = "/api", endpoint = "restore_revision")]
pub async fn restore_revision(
    course: String,
    lesson: String,
    lang: String,
    number: i32,
) -> Result<(), AppError> {
    let grant = server::grant().await?;
    let db = super::courses::convert::db()?;
    let language = server::language(&lang)?;
    polku_core::authoring::restore(&db, &grant, &course, &lesson, language, number).await?;
    server::go(&format!(
        "/author/courses/{course}/{lesson}?lang={lang}&saved=restored"
    ));
    Ok(())
}

/// `POST /api/create_lesson` (a plain form post): a new lesson at the end.
#[server(prefix = "/api", endpoint = "create_lesson")]
pub async fn create_lesson(course: String, slug: String, title: String) -> Result<(), AppError> {
    let grant = server::grant().await?;
    let db = super::courses::convert::db()?;
    match polku_core::authoring::create_lesson(&db, &grant, &course, &slug, &title).await {
        Ok(()) => server::go(&format!("/author/courses/{course}/{}", slug.trim())),
        Err(polku_core::CoreError::Invalid(_)) => {
            // Back to the form, with what was typed and the reason.
            super::redirect_with(
                &format!("/author/courses/{course}"),
                &[
                    ("slug", slug.as_str()),
                    ("title", title.as_str()),
                    ("error", "invalid"),
                ],
            );
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/move_lesson` (a plain form post): one place up or down.
#[server(prefix = "/api", endpoint = "move_lesson")]
pub async fn move_lesson(
    course: String,
    lesson: String,
    direction: String,
) -> Result<(), AppError> {
    let grant = server::grant().await?;
    let db = super::courses::convert::db()?;
    polku_core::authoring::move_lesson(&db, &grant, &course, &lesson, direction == "up").await?;
    server::go(&format!("/author/courses/{course}#lesson-{lesson}"));
    Ok(())
}
