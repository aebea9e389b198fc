//! Accounts: who is signed in, sign-up, sign-in, sign-out and password
//! change. The forms post here and work without JavaScript: on success the
//! server redirects on; on a refusal it redirects back to the form with
//! the reason and what was typed (never the password).

use leptos::prelude::*;

use super::AppError;
pub use polku_types::accounts::Me;

/// Name of the session cookie.
#[cfg(feature = "ssr")]
pub use polku_web::cookies::SESSION_COOKIE;

/// Server-side session handling shared by every server function.
#[cfg(feature = "ssr")]
pub mod session {
    use leptos::prelude::*;
    use polku_core::accounts::{self, Actor, SESSION_DAYS};

    use crate::api::AppError;
    use crate::api::cookies::{self, SameSite, SecureCookies};

    /// This request's client address (resolved once by the web layer), or
    /// [`accounts::UNKNOWN_CLIENT`] when the server knows none.
    pub fn client() -> std::net::IpAddr {
        use_context::<http::request::Parts>().map_or(accounts::UNKNOWN_CLIENT, |parts| {
            polku_web::client::of(&parts.extensions)
        })
    }

    fn session() -> polku_web::session::Session {
        use_context::<http::request::Parts>()
            .map(|parts| polku_web::session::from_parts(&parts))
            .unwrap_or_default()
    }

    /// The session cookie this request carries.
    pub fn token() -> Option<String> {
        session().token
    }

    /// The signed-in person, if any (resolved once per request by the web
    /// layer's middleware).
    pub async fn actor() -> Result<Option<Actor>, AppError> {
        Ok(session().actor)
    }

    /// The signed-in person, or `Unauthenticated`.
    pub async fn require() -> Result<Actor, AppError> {
        actor().await?.ok_or(AppError::Unauthenticated)
    }

    /// Sends the session cookie: HttpOnly, SameSite=Lax (links from other
    /// sites keep the learner signed in; cross-site posts are refused by
    /// the server), Secure and `__Host-` behind HTTPS.
    pub fn start(token: &str) -> Result<(), AppError> {
        let secure = SecureCookies::current();
        let max_age = SESSION_DAYS * 24 * 60 * 60;
        cookies::append(&secure.set(secure.session_name(), token, max_age, SameSite::Lax))
    }

    /// Removes the session cookie, under both names.
    pub fn clear() -> Result<(), AppError> {
        let secure = SecureCookies::current();
        if secure.0 {
            cookies::append(&secure.remove(cookies::HOST_SESSION_COOKIE, SameSite::Lax))?;
        }
        cookies::append(&secure.remove(cookies::SESSION_COOKIE, SameSite::Lax))
    }
}

/// `POST /api/get_me`: the signed-in person (with her unread messages
/// and notifications), or `None`.
#[server(prefix = "/api", endpoint = "get_me", output = crate::api::TextJson)]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    let Some(actor) = session::actor().await? else {
        return Ok(None);
    };
    Ok(Some(me_of(&super::state()?, &actor).await?))
}

/// `actor` as the header shows her, with her unread counts (kept in
/// memory while nothing changes them).
#[cfg(feature = "ssr")]
pub async fn me_of(
    state: &polku_web::AppState,
    actor: &polku_core::accounts::Actor,
) -> Result<Me, polku_core::CoreError> {
    let (unread, notifications) = state.readers.header_counts(&state.db, actor.id()).await?;
    Ok(Me {
        username: actor.username().to_owned(),
        name: actor.name().to_owned(),
        role: actor.role(),
        unread,
        notifications,
    })
}

/// `POST /api/sign_up` (form): creates a learner account and signs in.
#[server(prefix = "/api", endpoint = "sign_up", output = crate::api::TextJson)]
pub async fn sign_up(
    username: String,
    password: String,
    display_name: Option<String>,
    email: Option<String>,
    next: Option<String>,
) -> Result<(), AppError> {
    use polku_core::accounts::{self, NewAccount};
    let db = super::db()?;
    let account = NewAccount {
        username: username.clone(),
        password,
        display_name: display_name.clone(),
        email: email.clone(),
    };
    let next = next.unwrap_or_default();
    let typed = [
        ("username", username.as_str()),
        ("display_name", display_name.as_deref().unwrap_or_default()),
        ("email", email.as_deref().unwrap_or_default()),
        ("next", next.as_str()),
    ];
    match accounts::sign_up_and_in(&db, account, session::token().as_deref()).await {
        Ok(started) => {
            session::start(&started.token)?;
            leptos_axum::redirect(super::safe_next(&next, "/dashboard"));
        }
        Err(polku_core::CoreError::Busy) => return super::busy("/signup", "error", &typed),
        Err(polku_core::CoreError::Rejected(code)) => super::redirect_with(
            "/signup",
            &[
                ("error", code),
                ("username", &username),
                ("display_name", display_name.as_deref().unwrap_or_default()),
                ("email", email.as_deref().unwrap_or_default()),
                ("next", &next),
            ],
        ),
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/log_in` (form): signs in with a new session.
#[server(prefix = "/api", endpoint = "log_in", output = crate::api::TextJson)]
pub async fn log_in(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    let db = super::db()?;
    let next = next.unwrap_or_default();
    let previous = session::token();
    match polku_core::accounts::log_in(
        &db,
        &username,
        &password,
        previous.as_deref(),
        session::client(),
    )
    .await
    {
        Ok(started) => {
            session::start(&started.token)?;
            leptos_axum::redirect(super::safe_next(&next, "/dashboard"));
        }
        Err(polku_core::CoreError::Busy) => {
            return super::busy(
                "/login",
                "error",
                &[("username", username.trim()), ("next", &next)],
            );
        }
        Err(polku_core::CoreError::Rejected(code)) => {
            tracing::info!(reason = code, "sign-in refused");
            super::redirect_with(
                "/login",
                &[
                    ("error", code),
                    ("username", username.trim()),
                    ("next", &next),
                ],
            );
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/log_out` (form): ends this browser's session.
#[server(prefix = "/api", endpoint = "log_out", output = crate::api::TextJson)]
pub async fn log_out() -> Result<(), AppError> {
    if let Some(token) = session::token() {
        let db = super::db()?;
        polku_core::accounts::log_out(&db, &token).await?;
    }
    session::clear()?;
    leptos_axum::redirect("/");
    Ok(())
}

/// `POST /api/change_password` (form): needs the current password; ends
/// every other session.
#[server(prefix = "/api", endpoint = "change_password", output = crate::api::TextJson)]
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    let actor = session::require().await?;
    let db = super::db()?;
    match polku_core::accounts::change_password(&db, &actor, &current, &new, session::client())
        .await
    {
        Ok(started) => {
            session::start(&started.token)?;
            leptos_axum::redirect("/account?saved=password");
        }
        Err(polku_core::CoreError::Busy) => return super::busy("/account", "error", &[]),
        Err(polku_core::CoreError::Rejected(code)) => {
            super::redirect_with("/account", &[("error", code)])
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}
