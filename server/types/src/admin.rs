//! Running the site: the admin's list of accounts.

use serde::{Deserialize, Serialize};

/// An account in the admin's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    /// Id.
    pub id: i32,
    /// Username.
    pub username: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: crate::accounts::Role,
    /// Courses authored (slugs).
    pub authors: Vec<String>,
    /// Last activity (UTC date).
    pub last_active: Option<String>,
}

/// The admin page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminHome {
    /// Accounts.
    pub users: Vec<UserRow>,
    /// Course slugs (for the author form).
    pub courses: Vec<String>,
}
