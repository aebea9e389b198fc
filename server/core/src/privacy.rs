//! A person's data: everything Polku holds about them as JSON, and
//! erasing their account.
//!
//! [`TABLES`] names every table that holds personal data; a test fails when
//! a table with a `user_id` (or `coach_id`, `learner_id`, `author_id`)
//! column is missing from it, so a new feature cannot forget the export or
//! the erasure.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::CoreError;
use crate::accounts::{Actor, Role};
use crate::db::entities::{
    comments, course_authors, courses, email_confirmations, enrolments, feedback, group_members,
    groups, lesson_progress, lessons, login_throttles, quiz_attempts, reset_codes, sessions, users,
};

/// Every table that holds data about a person, and how it is covered.
pub const TABLES: &[&str] = &[
    "users",
    "sessions",
    "login_throttles",
    "reset_codes",
    "email_confirmations",
    "enrolments",
    "lesson_progress",
    "quiz_attempts",
    "code_submissions",
    "comments",
    "feedback",
    "groups",
    "group_members",
    "course_authors",
    "badge_awards",
    "badge_requests",
    "audit_events",
    "conversations",
    "messages",
    "conversation_reads",
    "notifications",
    "appointments",
];

/// Whose data: the actor's own, or (admins, on request) anyone's.
async fn subject<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    user_id: i32,
) -> Result<users::Model, CoreError> {
    if user_id != actor.id() {
        use crate::authz::{Act, PersonId, authorize};
        let grant = authorize(db, actor, Act::ManageAccount, PersonId(user_id)).await?;
        return Ok(grant.target().clone());
    }
    users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)
}

fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339()
}

/// Everything about account `user_id` as JSON (the actor's own, or any
/// account for an admin).
pub async fn export<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    user_id: i32,
) -> Result<Value, CoreError> {
    let user = subject(db, actor, user_id).await?;
    let id = user.id;
    crate::audit::record(
        db,
        Some(actor.id()),
        crate::audit::Action::DataExported,
        Some(id),
        None,
    )
    .await?;
    let audit = crate::audit::about(db, id).await?;
    let lesson_names = {
        let lessons = lessons::Entity::find().all(db).await?;
        let courses = courses::Entity::find().all(db).await?;
        move |lesson_id: i32| {
            lessons
                .iter()
                .find(|l| l.id == lesson_id)
                .map(|l| {
                    let course = courses
                        .iter()
                        .find(|c| c.id == l.course_id)
                        .map(|c| c.slug.as_str())
                        .unwrap_or("");
                    format!("{course}/{}", l.slug)
                })
                .unwrap_or_default()
        }
    };
    let course_slug = {
        let courses = courses::Entity::find().all(db).await?;
        move |course_id: i32| {
            courses
                .iter()
                .find(|c| c.id == course_id)
                .map(|c| c.slug.clone())
                .unwrap_or_default()
        }
    };
    let sessions = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(id))
        .all(db)
        .await?;
    let throttles = login_throttles::Entity::find()
        .filter(crate::accounts::throttle_rows(&user.username))
        .all(db)
        .await?;
    let confirmations = email_confirmations::Entity::find()
        .filter(email_confirmations::Column::UserId.eq(id))
        .all(db)
        .await?;
    let resets = reset_codes::Entity::find()
        .filter(reset_codes::Column::UserId.eq(id))
        .all(db)
        .await?;
    let enrolled = enrolments::Entity::find()
        .filter(enrolments::Column::UserId.eq(id))
        .all(db)
        .await?;
    let progress = lesson_progress::Entity::find()
        .filter(lesson_progress::Column::UserId.eq(id))
        .all(db)
        .await?;
    let attempts = quiz_attempts::Entity::find()
        .filter(quiz_attempts::Column::UserId.eq(id))
        .all(db)
        .await?;
    let programs = crate::db::entities::code_submissions::Entity::find()
        .filter(crate::db::entities::code_submissions::Column::UserId.eq(id))
        .all(db)
        .await?;
    let said = comments::Entity::find()
        .filter(comments::Column::UserId.eq(id))
        .all(db)
        .await?;
    let badges = crate::db::entities::badge_awards::Entity::find()
        .filter(crate::db::entities::badge_awards::Column::UserId.eq(user.id))
        .all(db)
        .await?;
    let requests = crate::db::entities::badge_requests::Entity::find()
        .filter(crate::db::entities::badge_requests::Column::UserId.eq(user.id))
        .all(db)
        .await?;
    let sent = feedback::Entity::find()
        .filter(feedback::Column::UserId.eq(id))
        .all(db)
        .await?;
    let coached = groups::Entity::find()
        .filter(groups::Column::CoachId.eq(id))
        .all(db)
        .await?;
    let member = group_members::Entity::find()
        .filter(group_members::Column::UserId.eq(id))
        .all(db)
        .await?;
    let group_names = groups::Entity::find()
        .filter(groups::Column::Id.is_in(member.iter().map(|m| m.group_id)))
        .all(db)
        .await?;
    let mut messages = crate::messages::personal_data(db, id).await?;
    messages.insert(
        "notifications".into(),
        crate::notifications::personal_data(db, id).await?,
    );
    messages.insert(
        "appointments".into(),
        crate::appointments::personal_data(db, id).await?,
    );
    let authored = course_authors::Entity::find()
        .filter(course_authors::Column::UserId.eq(id))
        .all(db)
        .await?;
    let mut data = json!({
        "format": "polku-personal-data/1",
        "exported_at": time(chrono::Utc::now()),
        "users": {
            "username": user.username,
            "display_name": user.display_name,
            "email": user.email,
            "email_confirmed_at": user.email_confirmed_at.map(time),
            "role": user.role,
            "created_at": time(user.created_at),
            "last_active_at": user.last_active_at.map(time),
            "password": "stored only as an argon2id hash, which is not exported",
        },
        "sessions": sessions.iter().map(|s| json!({"started": time(s.created_at), "last_seen": s.last_seen_at.map(time), "expires": time(s.expires_at)})).collect::<Vec<_>>(),
        "login_throttles": throttles.iter().map(|t| json!({"failed_sign_ins": t.failures, "since": time(t.window_started_at), "locked_until": t.locked_until.map(time)})).collect::<Vec<_>>(),
        "reset_codes": resets.iter().map(|r| json!({"expires": time(r.expires_at)})).collect::<Vec<_>>(),
        "email_confirmations": confirmations.iter().map(|c| json!({"email": c.email, "sent": time(c.created_at), "expires": time(c.expires_at)})).collect::<Vec<_>>(),
        "enrolments": enrolled.iter().map(|e| json!({"course": course_slug(e.course_id), "enrolled_at": time(e.enrolled_at)})).collect::<Vec<_>>(),
        "lesson_progress": progress.iter().map(|p| json!({
            "lesson": lesson_names(p.lesson_id),
            "first_viewed_at": time(p.first_viewed_at),
            "last_viewed_at": time(p.last_viewed_at),
            "completed_at": p.completed_at.map(time),
        })).collect::<Vec<_>>(),
        "quiz_attempts": attempts.iter().map(|a| json!({
            "lesson": lesson_names(a.lesson_id), "quiz": a.quiz_index, "correct": a.correct, "at": time(a.created_at),
        })).collect::<Vec<_>>(),
        "code_submissions": programs.iter().map(|p| json!({
            "lesson": lesson_names(p.lesson_id), "exercise": p.quiz_index, "program": p.code,
            "passed": p.passed, "at": time(p.created_at),
        })).collect::<Vec<_>>(),
        "comments": said.iter().map(|c| json!({"lesson": lesson_names(c.lesson_id), "text": c.body, "hidden": c.hidden, "at": time(c.created_at)})).collect::<Vec<_>>(),
        "feedback": sent.iter().map(|f| json!({"lesson": lesson_names(f.lesson_id), "text": f.body, "at": time(f.created_at)})).collect::<Vec<_>>(),
        "groups": coached.iter().map(|g| json!({"name": g.name, "join_code": g.join_code, "created_at": time(g.created_at)})).collect::<Vec<_>>(),
        "group_members": member.iter().map(|m| json!({
            "group": group_names.iter().find(|g| g.id == m.group_id).map(|g| g.name.clone()),
            "invited_or_joined_at": time(m.joined_at),
            "accepted_at": m.accepted_at.map(time),
        })).collect::<Vec<_>>(),
        "audit_events": audit.iter().map(|e| json!({
            "at": time(e.created_at),
            "action": e.action,
            "by_account": e.actor_id,
            "detail": e.detail,
        })).collect::<Vec<_>>(),
        "course_authors": authored.iter().map(|a| course_slug(a.course_id)).collect::<Vec<_>>(),
        "badge_awards": badges.iter().map(|b| json!({
            "course": b.course_id.map(&course_slug),
            "pathway": b.pathway_slug,
            "badge": b.badge_slug,
            "issued": time(b.issued_at),
            "valid_until": b.valid_until.map(time),
            "revoked": b.revoked_at.map(time),
            "revoked_reason": b.revoked_reason,
            "shared_by_link": b.share_token.is_some(),
            "credential": serde_json::from_str::<Value>(&b.credential).unwrap_or(Value::Null),
        })).collect::<Vec<_>>(),
        "badge_requests": requests.iter().map(|r| json!({
            "course": course_slug(r.course_id),
            "badge": r.badge_slug,
            "evidence": r.evidence_text,
            "link": r.evidence_url,
            "state": r.state,
            "submitted": time(r.submitted_at),
            "decided": r.decided_at.map(time),
            "coach_note": r.coach_note,
        })).collect::<Vec<_>>(),
    });
    if let Value::Object(fields) = &mut data {
        fields.extend(messages);
    }
    Ok(data)
}

/// Erases account `user_id` (the actor's own, or any for an admin): the
/// account and every row about it go (the foreign keys cascade), and the
/// sign-in throttle keyed by the username.
pub async fn delete_account<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    user_id: i32,
) -> Result<(), CoreError> {
    let user = subject(db, actor, user_id).await?;
    if user.role == Role::Admin.code() && user.id == actor.id() {
        let admins = users::Entity::find()
            .filter(users::Column::Role.eq(Role::Admin.code()))
            .all(db)
            .await?;
        if admins.len() <= 1 {
            return Err(CoreError::Rejected("last_admin"));
        }
    }
    login_throttles::Entity::delete_many()
        .filter(crate::accounts::throttle_rows(&user.username))
        .exec(db)
        .await?;
    crate::appointments::before_erase(db, user.id).await?;
    users::Entity::delete_by_id(user.id).exec(db).await?;
    crate::accounts::sessions::changed(db).await?;
    crate::audit::record(
        db,
        (actor.id() != user.id).then_some(actor.id()),
        crate::audit::Action::AccountErased,
        Some(user.id),
        None,
    )
    .await?;
    Ok(())
}
