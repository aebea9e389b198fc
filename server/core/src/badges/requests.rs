//! Badges a coach approves: the learner sends evidence (what they did, in
//! their words, and a link to the work if there is one); a coach of one of
//! their groups (or an admin) approves it, and the badge is issued at once
//! with the evidence in the credential, or declines it with a note saying
//! what is missing, and the learner can send again.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::{Value, json};

use super::issue::{IssueContext, Origin, signed};
use crate::accounts::Actor;
use crate::audit::{self, Action};
use crate::authz::Grant;
use crate::db::entities::{badge_awards, badge_requests, courses, groups};
use crate::{CoreError, Language};

/// The longest evidence text and coach note.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// The longest link.
pub const MAX_URL_CHARS: usize = 500;

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestState {
    Pending,
    Approved,
    Declined,
}

impl RequestState {
    fn code(self) -> &'static str {
        match self {
            RequestState::Pending => "pending",
            RequestState::Approved => "approved",
            RequestState::Declined => "declined",
        }
    }

    fn parse(code: &str) -> RequestState {
        match code {
            "approved" => RequestState::Approved,
            "declined" => RequestState::Declined,
            _ => RequestState::Pending,
        }
    }
}

/// A request as its learner or a coach sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub id: i32,
    pub course_slug: String,
    pub badge_slug: String,
    /// The badge's name in `language` (else the course's default).
    pub badge_name: String,
    /// The learner's name to show.
    pub learner: String,
    pub evidence_text: String,
    pub evidence_url: Option<String>,
    pub state: RequestState,
    pub submitted_at: DateTime<Utc>,
    pub coach_note: Option<String>,
}

/// A link as it may go into a credential: absolute `http`/`https`,
/// normalised (an `@id` must be an absolute IRI).
fn evidence_link(raw: &str) -> Result<Option<String>, CoreError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if raw.chars().count() > MAX_URL_CHARS {
        return Err(CoreError::Rejected("field_too_long"));
    }
    match url::Url::parse(raw) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
            Ok(Some(url.to_string()))
        }
        _ => Err(CoreError::Rejected("evidence_link_invalid")),
    }
}

/// Sends evidence for badge `badge_slug` of course `course_slug`, which
/// must need a coach's approval. One request waits at a time, and a badge
/// held is not requested again.
pub async fn submit(
    db: &DatabaseConnection,
    actor: &Actor,
    course_slug: &str,
    badge_slug: &str,
    text: &str,
    link: &str,
) -> Result<i32, CoreError> {
    let (course, _) = crate::courses::find_course(db, course_slug).await?;
    let badges = super::approval::issuing(db, &course).await?;
    let Some(badge) = badges.iter().find(|b| b.slug == badge_slug) else {
        return Err(CoreError::NotFound);
    };
    if !badge.rule.approval {
        return Err(CoreError::NotFound);
    }
    if super::approval::authors(db, actor.id(), course.id).await? {
        return Err(CoreError::Rejected("author_cannot_earn"));
    }
    let text = text.trim();
    if text.is_empty() {
        return Err(CoreError::Rejected("evidence_missing"));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(CoreError::Rejected("field_too_long"));
    }
    let link = evidence_link(link)?;
    let held = badge_awards::Entity::find()
        .filter(badge_awards::Column::UserId.eq(actor.id()))
        .filter(badge_awards::Column::CourseId.eq(course.id))
        .filter(badge_awards::Column::BadgeSlug.eq(badge_slug))
        .filter(badge_awards::Column::RevokedAt.is_null())
        .one(db)
        .await?;
    if held.is_some() {
        return Err(CoreError::Rejected("badge_held"));
    }
    let pending = badge_requests::Entity::find()
        .filter(badge_requests::Column::UserId.eq(actor.id()))
        .filter(badge_requests::Column::CourseId.eq(course.id))
        .filter(badge_requests::Column::BadgeSlug.eq(badge_slug))
        .filter(badge_requests::Column::State.eq(RequestState::Pending.code()))
        .one(db)
        .await?;
    if pending.is_some() {
        return Err(CoreError::Rejected("evidence_pending"));
    }
    let row = badge_requests::ActiveModel {
        user_id: Set(actor.id()),
        course_id: Set(course.id),
        badge_slug: Set(badge_slug.to_owned()),
        evidence_text: Set(text.to_owned()),
        evidence_url: Set(link),
        state: Set(RequestState::Pending.code().to_owned()),
        submitted_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Rows as people see them.
async fn shown(
    db: &DatabaseConnection,
    rows: Vec<badge_requests::Model>,
    language: Language,
) -> Result<Vec<Request>, CoreError> {
    let course_ids: Vec<i32> = rows.iter().map(|r| r.course_id).collect();
    let courses: HashMap<i32, courses::Model> = courses::Entity::find()
        .filter(courses::Column::Id.is_in(course_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let names = super::revoke::names(db, rows.iter().map(|r| r.user_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let course = courses.get(&r.course_id);
            let badge_name = course
                .and_then(|c| {
                    crate::courses::badge_sources(c)
                        .into_iter()
                        .find(|b| b.slug == r.badge_slug)
                        .map(|b| super::wallet::localized(&b.name, language))
                })
                .unwrap_or_else(|| r.badge_slug.clone());
            Request {
                id: r.id,
                course_slug: course.map(|c| c.slug.clone()).unwrap_or_default(),
                badge_slug: r.badge_slug,
                badge_name,
                learner: names.get(&r.user_id).cloned().unwrap_or_default(),
                evidence_text: r.evidence_text,
                evidence_url: r.evidence_url,
                state: RequestState::parse(&r.state),
                submitted_at: r.submitted_at,
                coach_note: r.coach_note,
            }
        })
        .collect())
}

/// The actor's own requests in course `course_slug`, newest first.
pub async fn my_requests(
    db: &DatabaseConnection,
    actor: &Actor,
    course_slug: &str,
    language: Language,
) -> Result<Vec<Request>, CoreError> {
    let (course, _) = crate::courses::find_course(db, course_slug).await?;
    let rows = badge_requests::Entity::find()
        .filter(badge_requests::Column::UserId.eq(actor.id()))
        .filter(badge_requests::Column::CourseId.eq(course.id))
        .order_by_desc(badge_requests::Column::Id)
        .all(db)
        .await?;
    shown(db, rows, language).await
}

/// The waiting requests of group `group_id`'s learners, oldest first, for
/// its coach (or an admin).
pub async fn group_requests(
    db: &DatabaseConnection,
    grant: &Grant<groups::Model>,
    language: Language,
) -> Result<Vec<Request>, CoreError> {
    let members = crate::coaching::members_of(db, grant.target().id).await?;
    let rows = badge_requests::Entity::find()
        .filter(badge_requests::Column::UserId.is_in(members))
        .filter(badge_requests::Column::State.eq(RequestState::Pending.code()))
        .order_by_asc(badge_requests::Column::Id)
        .all(db)
        .await?;
    shown(db, rows, language).await
}

/// The coach's decision on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Decline,
}

/// Decides the request of `grant` (its learner's consented coach or an
/// admin, never the sender: see [`crate::authz`]). An approval issues the
/// badge with the evidence in it and returns it; a decline needs a note
/// for the learner.
pub async fn decide(
    db: &DatabaseConnection,
    ctx: &IssueContext<'_>,
    grant: Grant<badge_requests::Model>,
    decision: Decision,
    note: &str,
) -> Result<Option<badge_awards::Model>, CoreError> {
    let request = grant.target().clone();
    if RequestState::parse(&request.state) != RequestState::Pending {
        return Err(CoreError::Rejected("evidence_decided"));
    }
    let note = note.trim();
    if note.chars().count() > MAX_TEXT_CHARS {
        return Err(CoreError::Rejected("field_too_long"));
    }
    if decision == Decision::Decline && note.is_empty() {
        return Err(CoreError::Rejected("decline_note_missing"));
    }
    let course = courses::Entity::find_by_id(request.course_id)
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    // The badge is signed before the write transaction opens (signing
    // takes milliseconds; SQLite has one writer at a time).
    let definition = super::approval::issuing(db, &course)
        .await?
        .into_iter()
        .find(|b| b.slug == request.badge_slug);
    let names = definition
        .as_ref()
        .map(|b| b.name.clone())
        .unwrap_or_default();
    let signed = match decision {
        Decision::Decline => None,
        Decision::Approve => {
            if super::approval::authors(db, request.user_id, course.id).await? {
                return Err(CoreError::Rejected("author_cannot_earn"));
            }
            let badge = definition.ok_or(CoreError::Rejected("badge_gone"))?;
            let mut evidence = json!({
                "type": ["Evidence"],
                "narrative": request.evidence_text,
            });
            if let Some(url) = &request.evidence_url {
                evidence["id"] = Value::String(url.clone());
            }
            Some(
                signed(
                    db,
                    ctx,
                    request.user_id,
                    Origin::Course(&course),
                    &badge,
                    Some(Value::Array(vec![evidence])),
                )
                .await?,
            )
        }
    };
    let state = match decision {
        Decision::Approve => RequestState::Approved,
        Decision::Decline => RequestState::Declined,
    };
    let decided_at = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    // Decided only while still pending: of two coaches deciding at once,
    // the second is told it was decided (and issues nothing).
    let changed = badge_requests::Entity::update_many()
        .col_expr(badge_requests::Column::State, Expr::value(state.code()))
        .col_expr(badge_requests::Column::DecidedAt, Expr::value(decided_at))
        .col_expr(
            badge_requests::Column::DecidedBy,
            Expr::value(grant.actor_id()),
        )
        .col_expr(
            badge_requests::Column::CoachNote,
            Expr::value((!note.is_empty()).then(|| note.to_owned())),
        )
        .filter(badge_requests::Column::Id.eq(request.id))
        .filter(badge_requests::Column::State.eq(RequestState::Pending.code()))
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(CoreError::Rejected("evidence_decided"));
    }
    let issued = match signed {
        Some(signed) => Some(signed.store(&txn).await?),
        None => None,
    };
    audit::record(
        &txn,
        Some(grant.actor_id()),
        match decision {
            Decision::Approve => Action::EvidenceApproved,
            Decision::Decline => Action::EvidenceDeclined,
        },
        Some(request.user_id),
        Some(format!("evidence {}", request.id)),
    )
    .await?;
    crate::notifications::notify(
        &txn,
        crate::notifications::Note {
            user: request.user_id,
            kind: match decision {
                Decision::Approve => crate::notifications::NotificationKind::EvidenceApproved,
                Decision::Decline => crate::notifications::NotificationKind::EvidenceDeclined,
            },
            actor: Some(grant.actor_id()),
            link: match &issued {
                Some(badge) => format!("/badges#badge-{}", badge.id),
                None => format!("/courses/{}", course.slug),
            },
            names,
            detail: crate::notifications::Detail {
                what: None,
                note: (!note.is_empty()).then(|| note.to_owned()),
                ..Default::default()
            },
        },
    )
    .await?;
    txn.commit().await?;
    // The approved badge may complete a pathway's level. The decision
    // is saved: a failure here is logged, and her next progress or visit
    // to her dashboard issues the milestone.
    if issued.is_some()
        && let Err(err) =
            crate::pathways::award_milestones(db, ctx, request.user_id, Some(&course.slug)).await
    {
        tracing::warn!(user = request.user_id, "milestones not issued yet: {err}");
    }
    Ok(issued)
}

/// How much evidence waits in each of groups `group_ids` (learners who are
/// in several groups count in each).
pub async fn waiting_by_group(
    db: &DatabaseConnection,
    group_ids: &[i32],
) -> Result<HashMap<i32, usize>, CoreError> {
    use crate::db::entities::group_members;
    let members = crate::coaching::joined()
        .filter(group_members::Column::GroupId.is_in(group_ids.iter().copied()))
        .all(db)
        .await?;
    let waiting: Vec<i32> = badge_requests::Entity::find()
        .filter(badge_requests::Column::UserId.is_in(members.iter().map(|m| m.user_id)))
        .filter(badge_requests::Column::State.eq(RequestState::Pending.code()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    let mut out = HashMap::new();
    for member in members {
        let n = waiting.iter().filter(|u| **u == member.user_id).count();
        if n > 0 {
            *out.entry(member.group_id).or_insert(0) += n;
        }
    }
    Ok(out)
}
