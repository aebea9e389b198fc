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

/// A badge definition waiting for an admin's approval before it issues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingBadge {
    /// The course's key.
    pub course: String,
    /// The badge's key in it.
    pub slug: String,
    /// Its name, in the reader's language where available.
    pub name: String,
    /// How it is earned (the narrative), likewise.
    pub criteria: String,
    /// Lessons to mark done (empty: every lesson).
    pub lessons: Vec<String>,
    /// The least share of quizzes right (percent).
    pub min_quiz_score: Option<u8>,
    /// Earned with a coach's approval of evidence.
    pub approval: bool,
    /// Days it stays valid.
    pub valid_days: Option<u32>,
    /// An earlier version is approved (and issues until this one is).
    pub replaces: bool,
    /// The version to approve (SHA-256 of the definition).
    pub version: String,
}

/// The admin page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminHome {
    /// Accounts.
    pub users: Vec<UserRow>,
    /// Badge definitions waiting for approval.
    pub pending_badges: Vec<PendingBadge>,
    /// The other issuers whose badges this site verifies as valid (from
    /// its trust file): (DID, the name shown for it).
    pub trusted_issuers: Vec<(String, String)>,
    /// Course slugs (for the author form).
    pub courses: Vec<String>,
}

/// The pathways editor (admins): the text, and whether it is a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathwayEditorView {
    /// `pathways.toml` as the admin edits it.
    pub text: String,
    /// The text is a saved draft, not what learners see.
    pub draft: bool,
    /// Its problems: "line N: message".
    pub problems: Vec<String>,
    /// The pathways learners see now: (slug, title).
    pub published: Vec<(String, String)>,
}
