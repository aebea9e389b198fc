//! Running the site (admins): accounts, roles, course authors, data
//! export and erasure on request. Also the public password reset with a
//! one-time code, and a person erasing their own account.

use leptos::prelude::*;

use super::AppError;
pub use polku_types::admin::{AdminHome, PathwayEditorView, PendingBadge, UserRow};

use crate::i18n::Locale;

/// `POST /api/get_admin_home`: every account, and the badge definitions
/// waiting for approval, named in `locale` (admins only).
#[server(prefix = "/api", endpoint = "get_admin_home", output = crate::api::TextJson)]
pub async fn get_admin_home(locale: Option<Locale>) -> Result<AdminHome, AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    let users = polku_core::accounts::admin::list_users(&db, &actor).await?;
    let language = locale.unwrap_or_default();
    let pending_badges = polku_core::badges::approval::pending(&db, &actor, language).await?;
    let courses = polku_core::courses::catalog(&db, language)
        .await?
        .into_iter()
        .map(|c| c.slug)
        .collect();
    let trusted_issuers = super::state()?
        .federation
        .trusted()
        .entries()
        .map(|(did, name)| (did.to_owned(), name.to_owned()))
        .collect();
    Ok(AdminHome {
        users,
        pending_badges,
        trusted_issuers,
        courses,
    })
}

/// `POST /api/approve_badge` (form, admins): version `version` of badge
/// `badge` of course `course` issues from now on.
#[server(prefix = "/api", endpoint = "approve_badge", output = crate::api::TextJson)]
pub async fn approve_badge(course: String, badge: String, version: String) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    match polku_core::badges::approval::approve(&db, &actor, &course, &badge, &version).await {
        Ok(()) => super::redirect_with("/admin", &[("approved", &badge)]),
        Err(polku_core::CoreError::Rejected(code)) => {
            super::redirect_with("/admin", &[("error", code)])
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/set_role` (form, admins).
#[server(prefix = "/api", endpoint = "set_role", output = crate::api::TextJson)]
pub async fn set_role(user: i32, role: String) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    use polku_core::authz::{Act, PersonId, authorize};
    let role = polku_core::accounts::Role::from_code(&role)
        .ok_or(AppError::Rejected("role_unknown".into()))?;
    let changed = match authorize(&db, &actor, Act::ManageAccount, PersonId(user)).await {
        Ok(grant) => polku_core::accounts::admin::set_role(&db, grant, role).await,
        Err(err) => Err(err),
    };
    match changed {
        Ok(()) => super::redirect_with("/admin", &[("saved", "role")]),
        Err(polku_core::CoreError::Rejected(code)) => {
            super::redirect_with("/admin", &[("error", code)])
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/set_author` (form, admins): `author=true` makes the account
/// an author of `course`, `false` takes it away.
#[server(prefix = "/api", endpoint = "set_author", output = crate::api::TextJson)]
pub async fn set_author(user: i32, course: String, author: bool) -> Result<(), AppError> {
    use polku_core::authz::{Act, PersonId, authorize};
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    let changed = match authorize(&db, &actor, Act::ManageAccount, PersonId(user)).await {
        Ok(grant) => {
            polku_core::accounts::admin::set_course_author(&db, grant, &course, author).await
        }
        Err(err) => Err(err),
    };
    match changed {
        Ok(()) => super::redirect_with("/admin", &[("saved", "author")]),
        Err(polku_core::CoreError::Rejected(code)) => {
            super::redirect_with("/admin", &[("error", code)])
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/delete_user` (form, admins): erases an account on request.
#[server(prefix = "/api", endpoint = "delete_user", output = crate::api::TextJson)]
pub async fn delete_user(user: i32) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    match polku_core::privacy::delete_account(&db, &actor, user).await {
        Ok(()) => super::redirect_with("/admin", &[("saved", "deleted")]),
        Err(polku_core::CoreError::Rejected(code)) => {
            super::redirect_with("/admin", &[("error", code)])
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/delete_my_account` (form): erases the signed-in person's
/// account after checking their password.
#[server(prefix = "/api", endpoint = "delete_my_account", output = crate::api::TextJson)]
pub async fn delete_my_account(password: String) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    if let Err(err) = polku_core::accounts::confirm_password(
        &db,
        &actor,
        &password,
        super::accounts::session::client(),
    )
    .await
    {
        return match err {
            polku_core::CoreError::Busy => super::busy("/account", "delete_error", &[]),
            polku_core::CoreError::Rejected(code) => {
                super::redirect_with("/account", &[("delete_error", code)]);
                Ok(())
            }
            other => Err(other.into()),
        };
    }
    match polku_core::privacy::delete_account(&db, &actor, actor.id()).await {
        Ok(()) => {
            super::accounts::session::clear()?;
            super::redirect_with("/", &[("deleted", "1")]);
        }
        Err(polku_core::CoreError::Rejected(code)) => {
            super::redirect_with("/account", &[("delete_error", code)])
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/reset_password` (form, public): a new password with a
/// one-time code from a coach or an admin; signs in.
#[server(prefix = "/api", endpoint = "reset_password", output = crate::api::TextJson)]
pub async fn reset_password(username: String, code: String, new: String) -> Result<(), AppError> {
    let db = super::db()?;
    match polku_core::accounts::admin::reset_password(
        &db,
        &username,
        &code,
        &new,
        super::accounts::session::client(),
    )
    .await
    {
        Ok(started) => {
            super::accounts::session::start(&started.token)?;
            leptos_axum::redirect("/dashboard");
        }
        Err(polku_core::CoreError::Busy) => {
            return super::busy("/reset", "error", &[("username", username.trim())]);
        }
        Err(polku_core::CoreError::Rejected(reason)) => super::redirect_with(
            "/reset",
            &[("error", reason), ("username", username.trim())],
        ),
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/get_pathway_editor`: the site's pathways as the content
/// file's text, or the admin's draft with its problems (admins only).
#[server(prefix = "/api", endpoint = "get_pathway_editor", output = crate::api::TextJson)]
pub async fn get_pathway_editor(locale: Option<Locale>) -> Result<PathwayEditorView, AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    let editor = polku_core::pathways::editor(&db, &actor).await?;
    let language = locale.unwrap_or_default();
    let published = editor
        .published
        .into_iter()
        .map(|p| {
            let title = polku_core::badges::wallet::localized(&p.title, language);
            (p.slug, title)
        })
        .collect();
    Ok(PathwayEditorView {
        text: editor.text,
        draft: editor.draft,
        problems: editor.problems.iter().map(problem_line).collect(),
        published,
    })
}

/// A pathways problem as the editor lists it: "line N: message".
#[cfg(feature = "ssr")]
fn problem_line(problem: &polku_core::content::Problem) -> String {
    match problem.line {
        Some(line) => format!("{line}: {}", problem.message),
        None => problem.message.clone(),
    }
}

/// `POST /api/save_pathways` (form, admins): saves `text` as a draft
/// (`intent=draft`) or publishes it (`intent=publish`; kept as a draft
/// with its problems listed when it has any), then back to the editor.
#[server(prefix = "/api", endpoint = "save_pathways", output = crate::api::TextJson)]
pub async fn save_pathways(text: String, intent: String) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    let saved = polku_core::pathways::save_text(&db, &actor, &text, intent == "publish").await?;
    let outcome = if saved.published {
        "published"
    } else {
        "draft"
    };
    super::redirect_with("/admin/pathways", &[("saved", outcome)]);
    Ok(())
}

/// `POST /api/discard_pathways_draft` (form, admins).
#[server(prefix = "/api", endpoint = "discard_pathways_draft", output = crate::api::TextJson)]
pub async fn discard_pathways_draft() -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    polku_core::pathways::discard_draft(&db, &actor).await?;
    super::redirect_with("/admin/pathways", &[("saved", "discarded")]);
    Ok(())
}
