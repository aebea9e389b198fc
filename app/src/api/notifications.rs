//! Notifications: the reader's list, and her e-mail settings.
#![expect(
    clippy::too_many_arguments,
    reason = "set_email_settings takes the form's fields: one checkbox per kind"
)]

use leptos::prelude::*;

use super::AppError;
pub use polku_types::notifications::{EmailSettings, NotificationKind, NotificationView};

/// `POST /api/get_notifications`: the reader's notifications, newest
/// first (all seen from now on).
#[server(prefix = "/api", endpoint = "get_notifications", output = crate::api::TextJson)]
pub async fn get_notifications() -> Result<Vec<NotificationView>, AppError> {
    let actor = super::accounts::session::require().await?;
    Ok(polku_core::notifications::list(&super::db()?, &actor).await?)
}

/// `POST /api/get_email_settings`: the reader's e-mail address and which
/// notifications come by e-mail.
#[server(prefix = "/api", endpoint = "get_email_settings", output = crate::api::TextJson)]
pub async fn get_email_settings() -> Result<EmailSettings, AppError> {
    let actor = super::accounts::session::require().await?;
    let sends = super::state()?.sends_email;
    Ok(polku_core::notifications::email_settings(&super::db()?, &actor, sends).await?)
}

/// `POST /api/set_email_settings` (form): the address, a checkbox per
/// kind (present when ticked) and whether messages' text goes in e-mails.
#[server(prefix = "/api", endpoint = "set_email_settings", output = crate::api::TextJson)]
pub async fn set_email_settings(
    email: Option<String>,
    message: Option<String>,
    evidence_approved: Option<String>,
    evidence_declined: Option<String>,
    badge_earned: Option<String>,
    badge_revoked: Option<String>,
    invitation: Option<String>,
    bodies: Option<String>,
) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let ticked = [
        (NotificationKind::Message, message),
        (NotificationKind::EvidenceApproved, evidence_approved),
        (NotificationKind::EvidenceDeclined, evidence_declined),
        (NotificationKind::BadgeEarned, badge_earned),
        (NotificationKind::BadgeRevoked, badge_revoked),
        (NotificationKind::Invitation, invitation),
    ];
    let kinds: Vec<NotificationKind> = ticked
        .into_iter()
        .filter_map(|(kind, on)| on.map(|_| kind))
        .collect();
    let db = super::db()?;
    let typed = email.clone().unwrap_or_default();
    match polku_core::notifications::set_email_settings(
        &db,
        &actor,
        email,
        &kinds,
        bodies.is_some(),
    )
    .await
    {
        Ok(()) => leptos_axum::redirect("/account?email=saved#email"),
        Err(polku_core::CoreError::Rejected(code)) => super::redirect_with(
            "/account",
            &[("email_error", code), ("email_typed", &typed)],
        ),
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/request_email_confirmation` (form): sends the signed-in
/// person a link that confirms her e-mail address.
#[server(prefix = "/api", endpoint = "request_email_confirmation", output = crate::api::TextJson)]
pub async fn request_email_confirmation() -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    match polku_core::accounts::email::request_confirmation(&super::db()?, &actor).await {
        Ok(()) => leptos_axum::redirect("/account?confirm=sent#email-confirmation"),
        Err(polku_core::CoreError::Rejected(code)) => {
            super::redirect_with("/account", &[("confirm_error", code)]);
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/confirm_email` (form, no session needed: the link's code is
/// the proof): confirms the address the link was sent to.
#[server(prefix = "/api", endpoint = "confirm_email", output = crate::api::TextJson)]
pub async fn confirm_email(code: String) -> Result<(), AppError> {
    match polku_core::accounts::email::confirm(&super::db()?, &code).await {
        // The address stays out of the address bar (and any log of it).
        Ok(_) => super::redirect_with("/account/confirm-email", &[("confirmed", "1")]),
        Err(polku_core::CoreError::Rejected(reason)) => {
            super::redirect_with("/account/confirm-email", &[("error", reason)]);
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}
