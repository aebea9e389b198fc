//! The audit log: an append-only record of who did what to whom and when.
//!
//! It records role changes, course authorship, group invitations, joins,
//! departures and removals, reset codes made and used, evidence decisions,
//! badge revocations, account erasures and data exports. A row holds
//! account numbers (never names), an action code and a short detail (a
//! group or badge number, a role): no passwords, codes or tokens. Names
//! are looked up when the log is read, so an erased person shows as her
//! number. Admins read all of it, a person reads the entries about her;
//! the sweep deletes entries older than the retention setting.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::CoreError;
use crate::accounts::{Actor, Role};
use crate::db::entities::audit_events;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// An admin changed someone's role (detail: the new role).
    RoleChanged,
    /// An admin made someone a course author or not (detail: course, on/off).
    AuthorshipChanged,
    /// A coach invited a learner to a group (detail: group).
    GroupInvited,
    /// A learner joined a group with its code or accepted an invitation.
    GroupJoined,
    /// A learner left a group or declined an invitation.
    GroupLeft,
    /// A coach removed a learner from a group.
    GroupRemoved,
    /// A reset code was made for someone.
    ResetCodeMade,
    /// Someone set a new password with a reset code.
    ResetCodeUsed,
    /// Evidence approved (detail: request).
    EvidenceApproved,
    /// Evidence declined (detail: request).
    EvidenceDeclined,
    /// A badge revoked (detail: badge).
    BadgeRevoked,
    /// A revoked badge allowed to be earned again (detail: badge, reason).
    BadgeReissueAllowed,
    /// A version of a badge definition approved for issuing (detail:
    /// badge and version; no actor: the operator's import).
    BadgeDefinitionApproved,
    /// An account erased.
    AccountErased,
    /// Someone's data exported.
    DataExported,
    /// An admin published the site's pathways from the browser (detail:
    /// how many).
    PathwaysEdited,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 16] = [
        Action::RoleChanged,
        Action::AuthorshipChanged,
        Action::GroupInvited,
        Action::GroupJoined,
        Action::GroupLeft,
        Action::GroupRemoved,
        Action::ResetCodeMade,
        Action::ResetCodeUsed,
        Action::EvidenceApproved,
        Action::EvidenceDeclined,
        Action::BadgeRevoked,
        Action::BadgeReissueAllowed,
        Action::BadgeDefinitionApproved,
        Action::AccountErased,
        Action::DataExported,
        Action::PathwaysEdited,
    ];

    /// The stored code (also the key of its translated text).
    pub fn code(self) -> &'static str {
        match self {
            Action::RoleChanged => "role_changed",
            Action::AuthorshipChanged => "authorship_changed",
            Action::GroupInvited => "group_invited",
            Action::GroupJoined => "group_joined",
            Action::GroupLeft => "group_left",
            Action::GroupRemoved => "group_removed",
            Action::ResetCodeMade => "reset_code_made",
            Action::ResetCodeUsed => "reset_code_used",
            Action::EvidenceApproved => "evidence_approved",
            Action::EvidenceDeclined => "evidence_declined",
            Action::BadgeRevoked => "badge_revoked",
            Action::BadgeReissueAllowed => "badge_reissue_allowed",
            Action::BadgeDefinitionApproved => "badge_definition_approved",
            Action::AccountErased => "account_erased",
            Action::DataExported => "data_exported",
            Action::PathwaysEdited => "pathways_edited",
        }
    }
}

/// Appends one entry. `actor` is who did it (`None`: the operator on the
/// command line), `subject` whom it was done to.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    actor: Option<i32>,
    action: Action,
    subject: Option<i32>,
    detail: Option<String>,
) -> Result<(), CoreError> {
    audit_events::ActiveModel {
        created_at: Set(Utc::now()),
        actor_id: Set(actor),
        action: Set(action.code().to_owned()),
        subject_id: Set(subject),
        detail: Set(detail.map(|d| d.chars().take(200).collect())),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Entries per page.
pub use polku_types::audit::{AuditEntryView, AuditPage};

pub const PAGE_SIZE: u64 = 50;

/// An account's name in the log: `#n` once the account is erased (its
/// row gone), `None` for the operator on the command line.
fn shown_name(names: &std::collections::HashMap<i32, String>, id: Option<i32>) -> Option<String> {
    let id = id?;
    Some(names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")))
}

async fn shown<C: ConnectionTrait>(
    db: &C,
    rows: Vec<audit_events::Model>,
) -> Result<Vec<AuditEntryView>, CoreError> {
    let mut ids: Vec<i32> = Vec::with_capacity(rows.len() * 2);
    for row in &rows {
        ids.extend(row.actor_id);
        ids.extend(row.subject_id);
    }
    let names = crate::badges::revoke::names(db, ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditEntryView {
            id: r.id,
            at: crate::dates::minute(r.created_at),
            actor: shown_name(&names, r.actor_id),
            actor_id: r.actor_id,
            action: r.action,
            subject: shown_name(&names, r.subject_id),
            subject_id: r.subject_id,
            detail: r.detail,
        })
        .collect())
}

/// The log for an admin, newest first, `page` 0-based; with `person`, only
/// entries where that account acted or was acted on.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    person: Option<i32>,
    page: u64,
) -> Result<AuditPage, CoreError> {
    actor.require(&[Role::Admin])?;
    let mut query = audit_events::Entity::find()
        .order_by_desc(audit_events::Column::Id)
        .offset(page.saturating_mul(PAGE_SIZE))
        .limit(PAGE_SIZE + 1);
    if let Some(person) = person {
        query = query.filter(
            Condition::any()
                .add(audit_events::Column::ActorId.eq(person))
                .add(audit_events::Column::SubjectId.eq(person)),
        );
    }
    let mut rows = query.all(db).await?;
    let more = rows.len() as u64 > PAGE_SIZE;
    rows.truncate(usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX));
    Ok(AuditPage {
        entries: shown(db, rows).await?,
        page,
        more,
        person: String::new(),
        unknown_person: false,
    })
}

/// The entries about the actor (done to her), newest first.
pub async fn about_me<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
) -> Result<Vec<AuditEntryView>, CoreError> {
    let rows = audit_events::Entity::find()
        .filter(audit_events::Column::SubjectId.eq(actor.id()))
        .order_by_desc(audit_events::Column::Id)
        .limit(200)
        .all(db)
        .await?;
    shown(db, rows).await
}

/// Every entry about account `id` (for her data export), oldest first.
pub(crate) async fn about<C: ConnectionTrait>(
    db: &C,
    id: i32,
) -> Result<Vec<audit_events::Model>, CoreError> {
    Ok(audit_events::Entity::find()
        .filter(audit_events::Column::SubjectId.eq(id))
        .order_by_asc(audit_events::Column::Id)
        .all(db)
        .await?)
}

/// Deletes entries older than `days` days before `now`; returns how many.
pub async fn sweep<C: ConnectionTrait>(
    db: &C,
    days: i64,
    now: DateTime<Utc>,
) -> Result<u64, CoreError> {
    let result = audit_events::Entity::delete_many()
        .filter(audit_events::Column::CreatedAt.lt(now - Duration::days(days)))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// How many entries there are (for tests and the admin page).
pub async fn count<C: ConnectionTrait>(db: &C) -> Result<u64, CoreError> {
    Ok(audit_events::Entity::find().count(db).await?)
}
