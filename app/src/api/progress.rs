//! A learner's progress: enrolment, "mark as done", recorded quiz answers,
//! progress per course and the dashboard. Every function works on the
//! signed-in person's own progress only (the core services take the
//! session's actor).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{AppError, CourseCard, LessonLink, QuizAnswer, QuizFeedback};
use crate::i18n::Locale;

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

#[cfg(feature = "ssr")]
fn progress_view(p: polku_core::progress::CourseProgress) -> CourseProgressView {
    CourseProgressView {
        enrolled: p.enrolled,
        done: p.done,
        total: p.total,
        percent: p.percent,
        resume: p.resume.map(super::courses::convert::link),
    }
}

/// `POST /api/get_dashboard`: the signed-in learner's courses.
#[server(prefix = "/api", endpoint = "get_dashboard")]
pub async fn get_dashboard(locale: Locale) -> Result<Dashboard, AppError> {
    use super::courses::convert;
    let actor = super::accounts::session::require().await?;
    let db = convert::db()?;
    let courses = polku_core::progress::dashboard(&db, &actor, convert::language(locale)).await?;
    let badges = polku_core::badges::award::my_badges(&db, &actor)
        .await?
        .into_iter()
        .map(|b| HeldBadgeView {
            id: b.id,
            name: b.name.clone(),
            issued: super::day(b.issued_at),
            revoked: b.revoked.is_some(),
        })
        .collect();
    let groups = polku_core::coaching::memberships(&db, &actor)
        .await?
        .into_iter()
        .map(|m| MembershipView {
            group_id: m.group_id,
            group: m.group,
            coach: m.coach,
            joined: m.joined,
        })
        .collect();
    Ok(Dashboard {
        badges,
        groups,
        name: actor.name().to_owned(),
        courses: courses
            .into_iter()
            .map(|c| DashboardEntry {
                course: convert::card(c.course),
                progress: progress_view(c.progress),
            })
            .collect(),
    })
}

/// `POST /api/get_course_progress`: the signed-in learner's progress in a
/// course; `None` when signed out.
#[server(prefix = "/api", endpoint = "get_course_progress")]
pub async fn get_course_progress(
    course: String,
    locale: Locale,
) -> Result<Option<CourseProgressView>, AppError> {
    use super::courses::convert;
    let Some(actor) = super::accounts::session::actor().await? else {
        return Ok(None);
    };
    let db = convert::db()?;
    let p = polku_core::progress::course_progress(&db, &actor, &course, convert::language(locale))
        .await?;
    Ok(Some(progress_view(p)))
}

/// `POST /api/enrol` (form): enrols the signed-in learner in a course.
#[server(prefix = "/api", endpoint = "enrol")]
pub async fn enrol(course: String) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::courses::convert::db()?;
    polku_core::progress::enrol(&db, &actor, &course).await?;
    leptos_axum::redirect(&format!("/courses/{course}?enrolled=1#progress"));
    Ok(())
}

/// `POST /api/mark_done` (form): marks a lesson done (`done=true`) or not
/// done, then back to the lesson.
#[server(prefix = "/api", endpoint = "mark_done")]
pub async fn mark_done(course: String, lesson: String, done: bool) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::courses::convert::db()?;
    polku_core::progress::set_done(&db, &actor, &course, &lesson, done).await?;
    let mut earned = String::new();
    if done && let Some(issuing) = polku_web::AppState::current().map(|s| s.issuing) {
        // The first badge this earned is announced on the lesson page.
        if let Some(badge) = issuing
            .award_after_progress(&db, &actor, &course)
            .await
            .first()
        {
            earned = format!("&earned={}", badge.id);
        }
    }
    let state = if done { "done" } else { "open" };
    leptos_axum::redirect(&format!(
        "/courses/{course}/{lesson}?marked={state}{earned}#progress"
    ));
    Ok(())
}

/// `POST /api/answer_quiz`: grades an answer and records the attempt for
/// the signed-in learner (the hydrated quiz; without JavaScript the form
/// posts to `/courses/{course}/{lesson}/answer`).
#[server(prefix = "/api", endpoint = "answer_quiz")]
pub async fn answer_quiz(
    course: String,
    lesson: String,
    locale: Locale,
    answer: QuizAnswer,
) -> Result<QuizFeedback, AppError> {
    use super::courses::convert;
    let actor = super::accounts::session::require().await?;
    let db = convert::db()?;
    let grade = polku_core::progress::answer_quiz(
        &db,
        &actor,
        &course,
        &lesson,
        convert::language(locale),
        answer.index,
        &convert::answer(&answer),
    )
    .await?;
    let mut feedback = convert::feedback(grade);
    if let Some(issuing) = polku_web::AppState::current().map(|s| s.issuing) {
        feedback.earned = issuing
            .award_after_progress(&db, &actor, &course)
            .await
            .first()
            .map(|badge| badge.id);
    }
    Ok(feedback)
}
