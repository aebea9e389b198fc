//! The audit log: the whole log for admins (by person, paged) and the
//! entries about oneself on `/account`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;

/// One entry as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntryView {
    pub id: i32,
    /// `YYYY-MM-DD HH:MM` (UTC).
    pub at: String,
    /// Who acted: a name, `#n` for an erased account, `None` for the
    /// operator on the command line.
    pub actor: Option<String>,
    /// The action's code (`role_changed`…).
    pub action: String,
    /// Whom it was done to (a name, or `#n` for an erased account).
    pub subject: Option<String>,
    pub detail: Option<String>,
}

/// A page of the admin's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntryView>,
    /// The page shown (0: newest).
    pub page: u64,
    /// Whether older entries follow.
    pub more: bool,
    /// The username filtered by, if any.
    pub person: String,
    /// The filter named nobody.
    pub unknown_person: bool,
}

#[cfg(feature = "ssr")]
fn view(entry: polku_core::audit::Entry) -> AuditEntryView {
    let name = |id: Option<i32>, name: Option<String>| match (id, name) {
        (_, Some(name)) => Some(name),
        (Some(id), None) => Some(format!("#{id}")),
        (None, None) => None,
    };
    AuditEntryView {
        id: entry.id,
        at: entry.at.format("%Y-%m-%d %H:%M").to_string(),
        actor: name(entry.actor_id, entry.actor),
        action: entry.action,
        subject: name(entry.subject_id, entry.subject),
        detail: entry.detail,
    }
}

/// `POST /api/get_audit`: the log, newest first, 50 a page; `person`
/// (a username) keeps the entries where that account acted or was acted
/// on. Admins only.
#[server(prefix = "/api", endpoint = "get_audit")]
pub async fn get_audit(person: Option<String>, page: Option<u64>) -> Result<AuditPage, AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::courses::convert::db()?;
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
    Ok(AuditPage {
        entries: found.entries.into_iter().map(view).collect(),
        page,
        more: found.more,
        person,
        unknown_person: false,
    })
}

/// `POST /api/get_my_audit`: what others (and she) did to the signed-in
/// person's account, newest first.
#[server(prefix = "/api", endpoint = "get_my_audit")]
pub async fn get_my_audit() -> Result<Vec<AuditEntryView>, AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::courses::convert::db()?;
    Ok(polku_core::audit::about_me(&db, &actor)
        .await?
        .into_iter()
        .map(view)
        .collect())
}
