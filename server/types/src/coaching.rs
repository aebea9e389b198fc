//! Coaching: groups, the group table, evidence and badges of its learners.

use serde::{Deserialize, Serialize};

/// A group in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupCard {
    /// Id.
    pub id: i32,
    /// Name.
    pub name: String,
    /// Join code.
    pub join_code: String,
    /// Learners.
    pub members: usize,
    /// Evidence waiting for the coach's decision.
    pub waiting: usize,
}

/// Why a learner is flagged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StuckReason {
    /// Days without activity.
    Idle(i64),
    /// Wrong answers in a row.
    FailingQuiz(usize),
}

/// A row of the group table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnerRow {
    /// Account id.
    pub user_id: i32,
    /// Username.
    pub username: String,
    /// Name.
    pub name: String,
    /// Percent per course column (`None`: not enrolled).
    pub progress: Vec<Option<u8>>,
    /// Last activity (UTC date), if any.
    pub last_activity: Option<String>,
    /// Right answers.
    pub quiz_right: usize,
    /// All answers.
    pub quiz_attempts: usize,
    /// The stuck flag.
    pub stuck: Option<StuckReason>,
    /// When the group's coach last wrote to her (UTC, `YYYY-MM-DD HH:MM`).
    pub last_contacted: Option<String>,
    /// Where she stands on each pathway column.
    #[serde(default)]
    pub pathways: Vec<PathwayPlace>,
}

/// Where a learner stands on a pathway, for her coach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathwayPlace {
    /// The level she is on (1-based: that of her first step not done);
    /// `None` when she has taken every step.
    pub level: Option<usize>,
    /// The pathway's levels.
    pub levels: usize,
    /// Milestone badges of it she holds.
    pub milestones: usize,
}

/// The group page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupView {
    /// The group.
    pub group: GroupCard,
    /// Course columns: (slug, title).
    pub courses: Vec<(String, String)>,
    /// Pathway columns: (slug, title).
    #[serde(default)]
    pub pathways: Vec<(String, String)>,
    /// Learners who joined.
    pub rows: Vec<LearnerRow>,
    /// Learners invited who have not accepted (nothing else is shown).
    pub invited: Vec<InvitedView>,
    /// Days without activity that flag a learner.
    pub idle_days: i64,
    /// Progress over time: (week-end date, average lessons done).
    pub chart: Vec<(String, f64)>,
    /// Evidence waiting for the coach's decision, oldest first.
    pub requests: Vec<EvidenceView>,
    /// Badges the learners hold, newest first.
    pub badges: Vec<MemberBadgeView>,
}

/// A learner invited to a group who has not accepted yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitedView {
    pub user_id: i32,
    pub name: String,
}

/// Evidence a learner sent for a badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceView {
    pub id: i32,
    pub learner: String,
    pub badge: String,
    pub text: String,
    /// A link to the work (http or https), if given.
    pub link: Option<String>,
    /// Sent (`YYYY-MM-DD`).
    pub sent: String,
}

/// A badge a learner of the group holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberBadgeView {
    pub id: i32,
    pub holder: String,
    pub name: String,
    /// Issued (`YYYY-MM-DD`).
    pub issued: String,
    /// Revoked: date and reason.
    pub revoked: Option<(String, String)>,
    /// Revoked, and since allowed to be earned again by its rule.
    pub reissue_allowed: bool,
}

/// The coach's start page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoachHome {
    /// Groups.
    pub groups: Vec<GroupCard>,
    /// A reset code just made: (username, code), shown once.
    pub reset_code: Option<(String, String)>,
    /// Her coming booked appointments, soonest first.
    pub appointments: Vec<crate::appointments::AppointmentView>,
}
