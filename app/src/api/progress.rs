//! A learner's progress: enrolment, "mark as done", recorded quiz answers,
//! progress per course and the dashboard. Every function works on the
//! signed-in person's own progress only (the core services take the
//! session's actor).

use leptos::prelude::*;
pub use polku_types::progress::{
    CourseProgressView, Dashboard, DashboardEntry, HeldBadgeView, MembershipView, PathwayView,
    StepKind,
};

use super::{AppError, QuizAnswer, QuizFeedback};
use crate::i18n::Locale;

/// `POST /api/get_dashboard`: the signed-in learner's courses.
#[server(prefix = "/api", endpoint = "get_dashboard", output = crate::api::TextJson)]
pub async fn get_dashboard(locale: Locale) -> Result<Dashboard, AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    let courses = polku_core::progress::dashboard(&db, &actor, locale).await?;
    // First: it issues a milestone she has come to hold since (see the
    // function), which her badges below then list.
    let issuing = super::badges::issuing()?;
    let pathways = polku_core::pathways::dashboard(&db, &issuing.context(), &actor, locale).await?;
    let badges = polku_core::badges::wallet::my_badges(&db, &actor)
        .await?
        .into_iter()
        .map(|b| HeldBadgeView {
            id: b.id,
            name: b.name.clone(),
            issued: super::day(b.issued_at),
            revoked: b.revoked.is_some(),
        })
        .collect();
    let groups = polku_core::coaching::memberships(&db, &actor).await?;
    let appointments = polku_core::appointments::upcoming(&db, &actor).await?;
    Ok(Dashboard {
        pathways,
        badges,
        groups,
        appointments,
        name: actor.name().to_owned(),
        courses,
    })
}

/// `POST /api/get_course_progress`: the signed-in learner's progress in a
/// course; `None` when signed out.
#[server(prefix = "/api", endpoint = "get_course_progress", output = crate::api::TextJson)]
pub async fn get_course_progress(
    course: String,
    locale: Locale,
) -> Result<Option<CourseProgressView>, AppError> {
    let Some(actor) = super::accounts::session::actor().await? else {
        return Ok(None);
    };
    let db = super::db()?;
    let p = polku_core::progress::course_progress(&db, &actor, &course, locale).await?;
    Ok(Some(p))
}

/// `POST /api/enrol` (form): enrols the signed-in learner in a course.
#[server(prefix = "/api", endpoint = "enrol", output = crate::api::TextJson)]
pub async fn enrol(course: String) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    polku_core::progress::enrol(&db, &actor, &course).await?;
    leptos_axum::redirect(&format!("/courses/{course}?enrolled=1#progress"));
    Ok(())
}

/// `POST /api/mark_done` (form): marks a lesson done (`done=true`) or not
/// done, then back to the lesson. A form naming another account (`who`:
/// kept offline on a shared device, sent while someone else is signed in)
/// is refused, and kept on the device for her.
#[server(prefix = "/api", endpoint = "mark_done", output = crate::api::TextJson)]
pub async fn mark_done(
    course: String,
    lesson: String,
    done: bool,
    who: Option<i32>,
) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    if who.is_some_and(|who| who != actor.id()) {
        return Err(AppError::Forbidden);
    }
    let state = super::state()?;
    let issued = polku_core::progress::mark_done(
        &state.db,
        &state.issuing.context(),
        &actor,
        &course,
        &lesson,
        done,
    )
    .await?;
    // The first badge this earned is announced on the lesson page.
    let earned = issued
        .first()
        .map(|badge| format!("&earned={}", badge.id))
        .unwrap_or_default();
    let state = if done { "done" } else { "open" };
    leptos_axum::redirect(&format!(
        "/courses/{course}/{lesson}?marked={state}{earned}#progress"
    ));
    Ok(())
}

/// `POST /api/answer_quiz`: grades an answer and records the attempt for
/// the signed-in learner (for the JSON API's clients; the lesson page's
/// quiz form posts to `/courses/{course}/{lesson}/answer`).
#[server(prefix = "/api", endpoint = "answer_quiz", output = crate::api::TextJson)]
pub async fn answer_quiz(
    course: String,
    lesson: String,
    locale: Locale,
    answer: QuizAnswer,
) -> Result<QuizFeedback, AppError> {
    let actor = super::accounts::session::require().await?;
    let state = super::state()?;
    Ok(polku_core::progress::answer(
        &state.db,
        &state.issuing.context(),
        &actor,
        &course,
        &lesson,
        locale,
        answer.index,
        &polku_core::content::quiz::Answer::from_wire(&answer),
        None,
    )
    .await?)
}
