//! Messages between a learner and her coaches, and a group's
//! announcements. The core service checks who may read and write.
//!
//! A conversation is addressed by `person` (the other person's account)
//! or `group` (a group's announcements): exactly one of them.

use leptos::prelude::*;

use super::AppError;
pub use polku_types::messages::{Inbox, MessageView, TextPart, ThreadCard, ThreadRef, ThreadView};

/// The conversation `person` or `group` names.
pub fn thread_ref(person: Option<i32>, group: Option<i32>) -> Result<ThreadRef, AppError> {
    match (person, group) {
        (Some(id), None) => Ok(ThreadRef::Person(id)),
        (None, Some(id)) => Ok(ThreadRef::Group(id)),
        _ => Err(AppError::NotFound),
    }
}

/// `POST /api/get_inbox`: the signed-in person's conversations.
#[server(prefix = "/api", endpoint = "get_inbox", output = crate::api::TextJson)]
pub async fn get_inbox() -> Result<Inbox, AppError> {
    let actor = super::accounts::session::require().await?;
    Ok(polku_core::messages::inbox(&super::db()?, &actor).await?)
}

/// `POST /api/get_thread`: one conversation (which the reader has then
/// read).
#[server(prefix = "/api", endpoint = "get_thread", output = crate::api::TextJson)]
pub async fn get_thread(person: Option<i32>, group: Option<i32>) -> Result<ThreadView, AppError> {
    let actor = super::accounts::session::require().await?;
    let thread = thread_ref(person, group)?;
    Ok(polku_core::messages::thread(&super::db()?, &actor, thread).await?)
}

/// `POST /api/send_message` (form): writes in a conversation, then back to
/// it (a refusal keeps what was typed).
#[server(prefix = "/api", endpoint = "send_message", output = crate::api::TextJson)]
pub async fn send_message(
    person: Option<i32>,
    group: Option<i32>,
    body: String,
) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let thread = thread_ref(person, group)?;
    let href = thread.href();
    match polku_core::messages::send(&super::db()?, &actor, thread, &body).await {
        Ok(id) => leptos_axum::redirect(&format!("{href}#message-{id}")),
        Err(polku_core::CoreError::Rejected(code)) => {
            super::redirect_with(&href, &[("error", code), ("body", &body)]);
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/hide_message` (form): the coach of the conversation hides a
/// message (or shows it again).
#[server(prefix = "/api", endpoint = "hide_message", output = crate::api::TextJson)]
pub async fn hide_message(id: i32, hidden: bool) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    let thread = polku_core::messages::set_hidden(&db, &actor, id, hidden).await?;
    leptos_axum::redirect(&format!("{}#message-{id}", thread.href()));
    Ok(())
}

/// `POST /api/delete_message` (form): the author deletes her message
/// shortly after writing it.
#[server(prefix = "/api", endpoint = "delete_message", output = crate::api::TextJson)]
pub async fn delete_message(id: i32) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    match polku_core::messages::delete(&db, &actor, id).await {
        Ok(thread) => leptos_axum::redirect(&thread.href()),
        // Too late to delete: back to the conversation, with the reason.
        Err(polku_core::CoreError::Rejected(code)) => {
            let thread = polku_core::messages::thread_of(&db, &actor, id).await?;
            super::redirect_with(&thread.href(), &[("error", code)]);
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}
