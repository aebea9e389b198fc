//! The discussion under a lesson and feedback to its instructors.

use serde::{Deserialize, Serialize};

/// A comment as shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    /// Id.
    pub id: i32,
    /// Author's name.
    pub author: String,
    /// Text.
    pub body: String,
    /// When (UTC, `YYYY-MM-DD HH:MM`).
    pub created_at: String,
    /// Hidden by staff.
    pub hidden: bool,
    /// Written by the reader.
    pub own: bool,
}

/// The discussion of a lesson for the signed-in viewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Discussion {
    /// Comments, oldest first.
    pub comments: Vec<Comment>,
    /// The viewer may hide comments.
    pub moderator: bool,
}

/// Feedback as the instructor sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackNote {
    /// Lesson slug.
    pub lesson: String,
    /// Lesson title.
    pub lesson_title: String,
    /// Sender's name.
    pub author: String,
    /// Text.
    pub body: String,
    /// When (UTC).
    pub created_at: String,
}
