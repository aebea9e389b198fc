//! Signing in to authoring with the admin token (plain form posts), and the
//! course export download.

use app::api::authoring::{AUTHOR_COOKIE, author_cookie};
use app::api::cookies::SameSite;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;
use http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, HeaderMap, SET_COOKIE};
use polku_core::CoreError;
use polku_core::authoring::AuthorGrant;
use serde::Deserialize;

use super::AppState;
use polku_web::session::MaybeSigned;

/// The sign-in form.
#[derive(Deserialize)]
pub struct LoginForm {
    token: String,
}

/// Twelve hours, then sign in again.
const MAX_AGE: i64 = 12 * 60 * 60;

/// `POST /author/login`: the right token sets the author cookie (HttpOnly,
/// SameSite=Strict) and goes to `/author`; a wrong one goes back with an
/// error. The token is never logged.
pub async fn login(State(state): State<AppState>, Form(form): Form<LoginForm>) -> Response {
    match &state.admin_token {
        Some(token) if token.matches(&form.token) => {
            let cookie = state.secure_cookies.set(
                AUTHOR_COOKIE,
                &token.cookie_value(),
                MAX_AGE,
                SameSite::Strict,
            );
            ([(SET_COOKIE, cookie)], Redirect::to("/author")).into_response()
        }
        Some(_) => {
            tracing::warn!("authoring: sign-in with a wrong token");
            Redirect::to("/author?error=token").into_response()
        }
        None => Redirect::to("/author").into_response(),
    }
}

/// `POST /author/logout`: clears the cookie.
pub async fn logout(State(state): State<AppState>) -> Response {
    let cookie = state.secure_cookies.remove(AUTHOR_COOKIE, SameSite::Strict);
    ([(SET_COOKIE, cookie)], Redirect::to("/author")).into_response()
}

/// `GET /author/courses/{course}/export.zip`: the course in folder form,
/// zipped (signed-in authors only).
pub async fn export_zip(
    State(state): State<AppState>,
    Path(course): Path<String>,
    MaybeSigned(actor): MaybeSigned,
    headers: HeaderMap,
) -> Response {
    export(state, course, actor, headers, false).await
}

/// `GET /author/courses/{course}/export.imscc`: the course as an IMS
/// Common Cartridge for Moodle, Canvas and other LMSes (signed-in authors
/// only).
pub async fn export_cartridge(
    State(state): State<AppState>,
    Path(course): Path<String>,
    MaybeSigned(actor): MaybeSigned,
    headers: HeaderMap,
) -> Response {
    export(state, course, actor, headers, true).await
}

async fn export(
    state: AppState,
    course: String,
    actor: Option<polku_core::accounts::Actor>,
    headers: HeaderMap,
    cartridge: bool,
) -> Response {
    // The admin token's cookie, else a signed-in admin or an author of
    // this course.
    let grant = match state
        .admin_token
        .as_ref()
        .and_then(|t| t.grant(author_cookie(&headers).as_deref()))
    {
        Some(grant) => Some(grant),
        None => match &actor {
            Some(actor) => AuthorGrant::for_actor(&state.db, actor).await.ok(),
            None => None,
        },
    };
    let allowed = match &grant {
        Some(grant) => polku_core::authoring::authored_slugs(&state.db, grant)
            .await
            .is_ok_and(|slugs| slugs.contains(&course)),
        None => false,
    };
    if !allowed {
        return StatusCode::FORBIDDEN.into_response();
    }
    let zipped = if cartridge {
        polku_core::cartridge::export(&state.db, &course, None)
            .await
            .map(|(bytes, _)| bytes)
    } else {
        match polku_core::courses::export_course(&state.db, &course).await {
            Ok(files) => polku_core::courses::zip(&course, &files),
            Err(err) => Err(err),
        }
    };
    let (kind, ext) = if cartridge {
        ("application/vnd.ims.imsccv1p3", "imscc")
    } else {
        ("application/zip", "zip")
    };
    match zipped {
        Ok(bytes) => (
            [
                (CONTENT_TYPE, kind.to_owned()),
                (
                    CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{course}.{ext}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(CoreError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            tracing::error!(error = %err, "export failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
