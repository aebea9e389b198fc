//! The audit log as admins and the people in it read it.

use serde::{Deserialize, Serialize};

/// One entry as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntryView {
    pub id: i32,
    /// `YYYY-MM-DD HH:MM` (UTC).
    pub at: String,
    /// Who acted: a name, `#n` for an erased account, `None` for the
    /// operator on the command line.
    pub actor: Option<String>,
    /// The acting account's id (`None`: the operator).
    pub actor_id: Option<i32>,
    /// The action's code (`role_changed`…).
    pub action: String,
    /// Whom it was done to (a name, or `#n` for an erased account).
    pub subject: Option<String>,
    /// That account's id.
    pub subject_id: Option<i32>,
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
    /// The username filtered by, if any (empty: everyone).
    pub person: String,
    /// The filter named nobody.
    pub unknown_person: bool,
}
