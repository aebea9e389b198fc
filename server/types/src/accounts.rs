//! The signed-in person as pages show them.

use serde::{Deserialize, Serialize};

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Takes courses (everyone who signs up).
    Learner,
    /// Authors courses.
    Instructor,
    /// Follows groups of learners.
    Coach,
    /// Runs the site.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [Role::Learner, Role::Instructor, Role::Coach, Role::Admin];

    /// The stored name.
    pub fn code(self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::Instructor => "instructor",
            Role::Coach => "coach",
            Role::Admin => "admin",
        }
    }

    /// The role stored as `code`.
    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// The signed-in person, as pages show them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    /// Username.
    pub username: String,
    /// Name to show.
    pub name: String,
    /// What the site lets them do.
    pub role: Role,
    /// Messages they have not read.
    pub unread: u32,
    /// Notifications (other than messages) they have not seen.
    pub notifications: u32,
}
