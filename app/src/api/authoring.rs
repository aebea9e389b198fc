//! Authoring: the instructor's course outline, the lesson editor with its
//! preview, saving, publishing, history, new lessons and ordering. Every
//! function first gets an `AuthorGrant` from [`grant`]; the core services
//! cannot be called without one.
#![expect(
    clippy::too_many_arguments,
    reason = "save_badge takes the badge form's fields"
)]

use leptos::prelude::*;

use super::AppError;
use crate::i18n::Locale;
pub use polku_types::authoring::{
    AuthorHome, BadgeDraft, BadgeEditorView, BadgeTexts, Editing, Outline, OutlineLesson,
    PreviewResult, Revision,
};

/// Name of the cookie that holds an author's sign-in.
pub const AUTHOR_COOKIE: &str = "polku_author";

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
        polku_web::AppState::current().and_then(|s| s.admin_token.clone())
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
        let db = crate::api::db()?;
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

/// `POST /api/get_author_home`: whether authoring is on, whether this
/// browser is signed in, and (if so) the courses.
#[server(prefix = "/api", endpoint = "get_author_home", output = crate::api::TextJson)]
pub async fn get_author_home(locale: Locale) -> Result<AuthorHome, AppError> {
    let Ok(grant) = server::grant().await else {
        let enabled = server::token().is_some();
        return Ok(AuthorHome {
            enabled,
            signed_in: false,
            courses: Vec::new(),
        });
    };
    let db = super::db()?;
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
#[server(prefix = "/api", endpoint = "get_outline", output = crate::api::TextJson)]
pub async fn get_outline(course: String, locale: Locale) -> Result<Outline, AppError> {
    let grant = server::grant().await?;
    let db = super::db()?;
    Ok(polku_core::authoring::outline(&db, &grant, &course, locale).await?)
}

/// `POST /api/get_editing`: the newest text of a lesson in `lang`, its
/// preview and its history.
#[server(prefix = "/api", endpoint = "get_editing", output = crate::api::TextJson)]
pub async fn get_editing(
    course: String,
    lesson: String,
    lang: String,
) -> Result<Editing, AppError> {
    let grant = server::grant().await?;
    let db = super::db()?;
    let language = server::language(&lang)?;
    Ok(polku_core::authoring::editing(&db, &grant, &course, &lesson, language).await?)
}

/// `POST /api/preview_lesson`: `text` rendered as learners would see it.
#[server(prefix = "/api", endpoint = "preview_lesson", output = crate::api::TextJson)]
pub async fn preview_lesson(
    course: String,
    lesson: String,
    lang: String,
    text: String,
) -> Result<PreviewResult, AppError> {
    let grant = server::grant().await?;
    let db = super::db()?;
    let language = server::language(&lang)?;
    Ok(polku_core::authoring::preview(&db, &grant, &course, &lesson, language, &text).await?)
}

/// `POST /api/save_lesson` (a plain form post): saves `text` as a draft
/// (`intent=draft`) or publishes it (`intent=publish`; kept as a draft if
/// it has problems), then back to the editor.
#[server(prefix = "/api", endpoint = "save_lesson", output = crate::api::TextJson)]
pub async fn save_lesson(
    course: String,
    lesson: String,
    lang: String,
    text: String,
    intent: String,
) -> Result<(), AppError> {
    let grant = server::grant().await?;
    let db = super::db()?;
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
    super::content_changed();
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
#[server(prefix = "/api", endpoint = "restore_revision", output = crate::api::TextJson)]
pub async fn restore_revision(
    course: String,
    lesson: String,
    lang: String,
    number: i32,
) -> Result<(), AppError> {
    let grant = server::grant().await?;
    let db = super::db()?;
    let language = server::language(&lang)?;
    polku_core::authoring::restore(&db, &grant, &course, &lesson, language, number).await?;
    super::content_changed();
    server::go(&format!(
        "/author/courses/{course}/{lesson}?lang={lang}&saved=restored"
    ));
    Ok(())
}

/// `POST /api/create_lesson` (a plain form post): a new lesson at the end.
#[server(prefix = "/api", endpoint = "create_lesson", output = crate::api::TextJson)]
pub async fn create_lesson(course: String, slug: String, title: String) -> Result<(), AppError> {
    let grant = server::grant().await?;
    let db = super::db()?;
    match polku_core::authoring::create_lesson(&db, &grant, &course, &slug, &title).await {
        Ok(()) => {
            super::content_changed();
            server::go(&format!("/author/courses/{course}/{}", slug.trim()));
        }
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
#[server(prefix = "/api", endpoint = "move_lesson", output = crate::api::TextJson)]
pub async fn move_lesson(
    course: String,
    lesson: String,
    direction: String,
) -> Result<(), AppError> {
    let grant = server::grant().await?;
    let db = super::db()?;
    polku_core::authoring::move_lesson(&db, &grant, &course, &lesson, direction == "up").await?;
    super::content_changed();
    server::go(&format!("/author/courses/{course}#lesson-{lesson}"));
    Ok(())
}

/// `POST /api/get_badge_editor`: course `course`'s badges for its author,
/// with badge `badge` (empty or unknown: a new one) ready to edit.
#[server(prefix = "/api", endpoint = "get_badge_editor", output = crate::api::TextJson)]
pub async fn get_badge_editor(
    course: String,
    badge: String,
    locale: Locale,
) -> Result<BadgeEditorView, AppError> {
    let grant = server::grant().await?;
    let db = super::db()?;
    Ok(polku_core::badges::edit::editor(&db, &grant, &course, &badge, locale).await?)
}

/// `POST /api/save_badge` (a plain form post): saves a badge of course
/// `course`; back to the editor, with what was typed and every problem
/// when it is refused.
#[server(prefix = "/api", endpoint = "save_badge", output = crate::api::TextJson)]
pub async fn save_badge(
    course: String,
    slug: String,
    texts: Vec<BadgeTexts>,
    lessons: Option<Vec<String>>,
    min_quiz_score: String,
    approval: Option<String>,
    valid_days: String,
    alignments: Option<Vec<String>>,
    add_competence: Option<String>,
) -> Result<(), AppError> {
    use polku_core::badges::edit::BadgeEdit;
    let grant = server::grant().await?;
    let db = super::db()?;
    let alignments = alignments.unwrap_or_default();
    let add_competence = add_competence.unwrap_or_default();
    let mut edit = BadgeEdit {
        slug: slug.clone(),
        lessons: lessons.clone().unwrap_or_default(),
        approval: approval.is_some(),
        alignments: alignments.clone(),
        add_competence: add_competence.clone(),
        ..Default::default()
    };
    for t in &texts {
        let language = t.language;
        edit.name.insert(language, t.name.clone());
        edit.description.insert(language, t.description.clone());
        edit.criteria.insert(language, t.criteria.clone());
    }
    let mut problems = Vec::new();
    let number = |field: &str, value: &str, problems: &mut Vec<String>| -> Option<u32> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        value.parse::<u32>().map_or_else(
            |_| {
                problems.push(format!("{field}: a whole number, or empty"));
                None
            },
            Some,
        )
    };
    edit.min_quiz_score = number("quiz score", &min_quiz_score, &mut problems)
        .map(|s| u8::try_from(s).unwrap_or(u8::MAX));
    edit.valid_days = number("valid days", &valid_days, &mut problems);
    let saved = if problems.is_empty() {
        polku_core::badges::edit::save(&db, &grant, &course, edit).await
    } else {
        Err(polku_core::CoreError::Invalid(problems))
    };
    let path = format!("/author/badges/{course}");
    match saved {
        Ok(()) => {
            super::content_changed();
            super::redirect_with(&path, &[("badge", slug.trim()), ("saved", "1")]);
        }
        Err(polku_core::CoreError::Invalid(problems)) => {
            // Back to the form with everything typed, as the page reads it.
            let mut pairs: Vec<(String, String)> = vec![
                ("badge".into(), slug.clone()),
                ("typed".into(), "1".into()),
                ("min_quiz_score".into(), min_quiz_score),
                ("valid_days".into(), valid_days),
                (
                    "approval".into(),
                    approval.map(|_| "on".into()).unwrap_or_default(),
                ),
                ("lessons".into(), lessons.unwrap_or_default().join(",")),
                ("alignments".into(), alignments.join("\n")),
                ("add_competence".into(), add_competence),
                ("problems".into(), problems.join("\n")),
            ];
            for t in texts {
                pairs.push((format!("name_{}", t.language), t.name));
                pairs.push((format!("description_{}", t.language), t.description));
                pairs.push((format!("criteria_{}", t.language), t.criteria));
            }
            let borrowed: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            super::redirect_with(&path, &borrowed);
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}
