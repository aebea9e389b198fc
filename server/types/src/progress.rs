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
    /// The site's pathways and where she stands on each.
    #[serde(default)]
    pub pathways: Vec<PathwayView>,
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

/// What a pathway step asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepKind {
    /// Every lesson of a course done.
    Course,
    /// A badge held.
    Badge,
}

/// One step of a pathway as the learner stands on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathwayStepView {
    pub kind: StepKind,
    /// The course's title or the badge's name, in the reader's language.
    pub title: String,
    /// Where the step is taken (the course page).
    pub href: String,
    /// Done (the course finished, the badge held and valid).
    pub done: bool,
    /// The badges it gives (for a course: those issued when it is done).
    pub gives: Vec<String>,
}

/// One level of a pathway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathwayLevelView {
    pub title: String,
    /// Every step done.
    pub done: bool,
    pub steps: Vec<PathwayStepView>,
    /// The badge the level gives when every step is done, if it has one.
    #[serde(default)]
    pub milestone: Option<MilestoneView>,
}

/// A level's milestone badge as the learner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneView {
    pub name: String,
    /// Her badge's id while she holds it.
    pub held: Option<i32>,
}

/// A pathway as the learner stands on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathwayView {
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// Her next step (level, step), `None` when all are done.
    pub next: Option<(usize, usize)>,
    pub levels: Vec<PathwayLevelView>,
}
