//! A learner's progress and dashboard.

use serde::{Deserialize, Serialize};

use crate::courses::{CourseCard, LessonLink};

/// Progress in one course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourseProgressView {
    /// Enrolled.
    pub enrolled: bool,
    /// Slugs of lessons done.
    pub done: Vec<String>,
    /// Lessons in the course.
    pub total: usize,
    /// Whole percent done.
    pub percent: u8,
    /// Where to continue (`None`: all done).
    pub resume: Option<LessonLink>,
}

/// A course on the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardEntry {
    /// The course.
    pub course: CourseCard,
    /// Progress in it.
    pub progress: CourseProgressView,
}

/// A badge the learner holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldBadgeView {
    /// Its id (its place in the wallet: `/badges#badge-{id}`).
    pub id: i32,
    /// Its name.
    pub name: String,
    /// When it was issued (`YYYY-MM-DD`).
    pub issued: String,
    /// Revoked by a coach or an admin.
    pub revoked: bool,
}

/// The learner's dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// Name to greet.
    pub name: String,
    /// Enrolled courses, most recent activity first.
    pub courses: Vec<DashboardEntry>,
    /// Badges held, newest first.
    pub badges: Vec<HeldBadgeView>,
    /// The groups that follow her, and invitations waiting, by name.
    pub groups: Vec<MembershipView>,
    /// Her coming appointments, soonest first.
    pub appointments: Vec<crate::appointments::AppointmentView>,
}

/// A coaching group the learner is in or invited to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipView {
    pub group_id: i32,
    pub group: String,
    pub coach: String,
    /// Joined (else only invited).
    pub joined: bool,
}
