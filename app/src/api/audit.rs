//! The audit log: the whole log for admins (by person, paged) and the
//! entries about oneself on `/account`.

use leptos::prelude::*;

use super::AppError;
pub use polku_types::audit::{AuditEntryView, AuditPage};

/// `POST /api/get_audit`: the log, newest first, 50 a page; `person`
/// (a username) keeps the entries where that account acted or was acted
/// on. Admins only.
#[server(prefix = "/api", endpoint = "get_audit", output = crate::api::TextJson)]
pub async fn get_audit(person: Option<String>, page: Option<u64>) -> Result<AuditPage, AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    actor
        .require(&[polku_core::accounts::Role::Admin])
        .map_err(AppError::from)?;
    let person = person.unwrap_or_default().trim().to_owned();
    let page = page.unwrap_or_default();
    let filter = if person.is_empty() {
        None
    } else {
        match polku_core::accounts::admin::account_id(&db, &person).await {
            Ok(id) => Some(id),
            Err(polku_core::CoreError::NotFound) => {
                return Ok(AuditPage {
                    entries: Vec::new(),
                    page,
                    more: false,
                    person,
                    unknown_person: true,
                });
            }
            Err(other) => return Err(other.into()),
        }
    };
    let found = polku_core::audit::list(&db, &actor, filter, page).await?;
    Ok(AuditPage { person, ..found })
}

/// `POST /api/get_my_audit`: what others (and she) did to the signed-in
/// person's account, newest first.
#[server(prefix = "/api", endpoint = "get_my_audit", output = crate::api::TextJson)]
pub async fn get_my_audit() -> Result<Vec<AuditEntryView>, AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    Ok(polku_core::audit::about_me(&db, &actor).await?)
}
