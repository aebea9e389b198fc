//! Revoking badges and publishing the revocation list.
//!
//! A coach revokes a badge of a learner who joined one of their groups
//! (an admin: any badge; nobody their own), with a grant from
//! [`crate::authz::authorize`], and gives a reason. The reason is kept for
//! the holder and the staff; the public list says only *that* a badge is
//! revoked, as the Bitstring Status List specification intends. The list is
//! signed when it changes (a revocation, or a new signing key), dated that
//! moment, and served from that signed copy (see [`published_list`]). Set
//! entries are kept apart from the badges (only the number and the date),
//! so a revoked badge stays revoked after its holder erases their account.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use serde_json::Value;

use super::issue::{IssueContext, status_list_url};
use super::proof::sign;
use super::status::{StatusList, list_credential};
use super::trust::{Known, TrustList};
use crate::CoreError;
use crate::audit::{self, Action};
use crate::authz::Grant;
use crate::db::entities::{badge_awards, badge_revocations, groups, users};

/// The longest reason kept.
pub const MAX_REASON_CHARS: usize = 500;

/// The entries set in this site's list (badge row ids), including those
/// of badges whose holders have since erased their accounts.
pub async fn revoked_ids(db: &DatabaseConnection) -> Result<BTreeSet<usize>, CoreError> {
    Ok(badge_revocations::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| usize::try_from(row.id).ok())
        .collect())
}

/// What a badge check at this site knows: this site (its keys, name and
/// revocation list, read now, so a revocation counts from the moment it
/// is saved) and the issuers it trusts.
pub async fn known(
    db: &DatabaseConnection,
    issuing: &super::issue::Issuing,
    trusted: &TrustList,
) -> Result<Known, CoreError> {
    let mut known = Known::site(
        issuing.issuer.clone(),
        &issuing.issuer_name,
        &issuing.public_url,
    );
    known.own_revoked = revoked_ids(db).await?;
    known.trusted = trusted.clone();
    Ok(known)
}

/// What the published list depends on: the site, its signing key, and the
/// set entries (rows are only ever added, so their number and the largest
/// id name the set).
#[derive(Debug, Clone, PartialEq, Eq)]
struct ListKey {
    url: String,
    did: String,
    key_id: String,
    entries: i64,
    last: Option<i32>,
}

/// The signed list an [`super::Issuer`] keeps: what it depends on, and its
/// JSON text. Kept with the issuer (its keys), not per process, so two
/// sites in one process (tests) never serve each other's list.
#[derive(Debug, Default)]
pub(crate) struct PublishedList(Mutex<Option<(ListKey, Arc<str>)>>);

/// The signed `BitstringStatusListCredential` every badge of this site
/// points at, as JSON text.
///
/// Each call asks the database only how many entries are set (one
/// aggregate query, so a revocation saved by any server counts at once).
/// The list is signed again only when that or the signing key changed;
/// otherwise the copy signed then is served as it is. Its `validFrom` and
/// its proof's `created` are the time of that change (the latest
/// revocation, or the signing key's creation if later), and Ed25519
/// signatures are deterministic, so every server of a site, before or
/// after a restart, publishes the very same document for the same list.
pub async fn published_list(
    db: &DatabaseConnection,
    ctx: &IssueContext<'_>,
) -> Result<Arc<str>, CoreError> {
    use sea_orm::QuerySelect;
    use sea_orm::sea_query::{Expr, Func};
    let (entries, last): (i64, Option<i32>) = badge_revocations::Entity::find()
        .select_only()
        .column_as(
            Expr::expr(Func::count(Expr::col(badge_revocations::Column::Id))),
            "entries",
        )
        .column_as(
            Expr::expr(Func::max(Expr::col(badge_revocations::Column::Id))),
            "last",
        )
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or((0, None));
    let (key_id, _) = ctx.issuer.keyring.current();
    let key = ListKey {
        url: status_list_url(ctx.public_url),
        did: ctx.issuer.did.clone(),
        key_id: key_id.to_owned(),
        entries,
        last,
    };
    let published = &ctx.issuer.status_list.0;
    if let Some((cached, text)) = published.lock().ok().as_deref().and_then(Option::as_ref)
        && *cached == key
    {
        return Ok(Arc::clone(text));
    }
    let rows = badge_revocations::Entity::find().all(db).await?;
    // Kept under what was read, which may be newer than the count above.
    let key = ListKey {
        entries: i64::try_from(rows.len()).unwrap_or(i64::MAX),
        last: rows.iter().map(|r| r.id).max(),
        ..key
    };
    let text: Arc<str> = sign_list(&rows, ctx)?.to_string().into();
    if let Ok(mut published) = published.lock() {
        *published = Some((key, Arc::clone(&text)));
    }
    tracing::info!(entries = rows.len(), "status list signed");
    Ok(text)
}

/// [`published_list`] as JSON.
pub async fn signed_list(
    db: &DatabaseConnection,
    ctx: &IssueContext<'_>,
) -> Result<Value, CoreError> {
    serde_json::from_str(&published_list(db, ctx).await?)
        .map_err(|e| CoreError::Internal(format!("the status list: {e}")))
}

/// The list of entries `rows`, signed with the current key and dated the
/// latest change (see [`published_list`]).
fn sign_list(
    rows: &[badge_revocations::Model],
    ctx: &IssueContext<'_>,
) -> Result<Value, CoreError> {
    let revoked: BTreeSet<usize> = rows
        .iter()
        .filter_map(|row| usize::try_from(row.id).ok())
        .collect();
    let mut list = StatusList::new(revoked.last().map_or(0, |last| last + 1));
    for index in revoked {
        list.set(index, true);
    }
    let (key_id, key) = ctx.issuer.keyring.current();
    let key_created = ctx
        .issuer
        .keyring
        .public_keys()
        .into_iter()
        .find(|k| k.id == key_id)
        .map(|k| k.created);
    let changed = rows
        .iter()
        .map(|r| r.revoked_at)
        .chain(key_created)
        .max()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    // Whole seconds: the date written is the date signed.
    let changed = DateTime::from_timestamp(changed.timestamp(), 0).unwrap_or(changed);
    let url = status_list_url(ctx.public_url);
    let mut credential = list_credential(
        &url,
        &ctx.issuer.did,
        &changed.to_rfc3339_opts(SecondsFormat::Secs, true),
        &list,
    );
    let method = format!("{}#{key_id}", ctx.issuer.did);
    sign(&mut credential, key, &method, changed)
        .map_err(|e| CoreError::Internal(format!("signing the status list: {e}")))?;
    Ok(credential)
}

/// A reason a coach gave, trimmed: required (`missing` names the refusal
/// when it is empty) and at most [`MAX_REASON_CHARS`].
fn given_reason<'a>(reason: &'a str, missing: &'static str) -> Result<&'a str, CoreError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(CoreError::Rejected(missing));
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(CoreError::Rejected("field_too_long"));
    }
    Ok(reason)
}

/// Revokes the badge of `grant` for `reason` (required, at most
/// [`MAX_REASON_CHARS`]). Revoking a revoked badge changes nothing (the
/// first date and reason stay). The milestones of pathways that stand on
/// it (it is in their evidence) are revoked with it: a level no longer
/// held is no longer shown as held; the reason names the badge.
pub async fn revoke(
    db: &DatabaseConnection,
    grant: Grant<badge_awards::Model>,
    reason: &str,
) -> Result<(), CoreError> {
    let row = grant.target().clone();
    let reason = given_reason(reason, "revoke_reason_missing")?;
    if row.revoked_at.is_some() {
        return Ok(());
    }
    let (id, holder) = (row.id, row.user_id);
    let name = super::credential_name(&row.credential).unwrap_or_else(|| row.badge_slug.clone());
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    // Her milestones held now whose evidence names this badge.
    let standing_on: Vec<badge_awards::Model> = if row.course_id.is_some() {
        badge_awards::Entity::find()
            .filter(badge_awards::Column::UserId.eq(holder))
            .filter(badge_awards::Column::PathwaySlug.is_not_null())
            .filter(badge_awards::Column::RevokedAt.is_null())
            .all(&txn)
            .await?
            .into_iter()
            .filter(|m| stands_on(m, id))
            .collect()
    } else {
        Vec::new()
    };
    revoke_row(&txn, row, reason, grant.actor_id(), now).await?;
    for milestone in standing_on {
        let why = format!("{name}: {reason}");
        revoke_row(&txn, milestone, &why, grant.actor_id(), now).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Whether milestone `milestone`'s evidence names this site's badge `id`.
fn stands_on(milestone: &badge_awards::Model, id: i32) -> bool {
    let Some(evidence) = milestone
        .evidence
        .as_deref()
        .and_then(|e| serde_json::from_str::<Value>(e).ok())
    else {
        return false;
    };
    let wanted = id.to_string();
    evidence.as_array().is_some_and(|entries| {
        entries.iter().any(|entry| {
            entry["id"]
                .as_str()
                .and_then(|url| url.rsplit_once("/badges/"))
                .is_some_and(|(_, number)| number == wanted)
        })
    })
}

/// Revokes one badge in `txn`: the row, its entry in the list, the audit
/// log and a note to its holder.
async fn revoke_row(
    txn: &sea_orm::DatabaseTransaction,
    row: badge_awards::Model,
    reason: &str,
    by: i32,
    now: DateTime<Utc>,
) -> Result<(), CoreError> {
    let (id, holder) = (row.id, row.user_id);
    let name = super::credential_name(&row.credential).unwrap_or_else(|| row.badge_slug.clone());
    let mut active: badge_awards::ActiveModel = row.into();
    active.revoked_at = Set(Some(now));
    active.revoked_reason = Set(Some(reason.to_owned()));
    active.update(txn).await?;
    badge_revocations::ActiveModel {
        id: Set(id),
        revoked_at: Set(now),
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        Some(by),
        Action::BadgeRevoked,
        Some(holder),
        Some(format!("badge {id}")),
    )
    .await?;
    crate::notifications::notify(
        txn,
        crate::notifications::Note {
            user: holder,
            kind: crate::notifications::NotificationKind::BadgeRevoked,
            actor: Some(by),
            link: format!("/badges#badge-{id}"),
            names: Default::default(),
            detail: crate::notifications::Detail {
                what: Some(name),
                note: Some(reason.to_owned()),
                ..Default::default()
            },
        },
    )
    .await?;
    tracing::info!(badge = id, by, "badge revoked");
    Ok(())
}

/// Lets the revoked badge of `grant` be earned again by its rule, for
/// `reason` (required; it goes to the audit log with who allowed it). The
/// rule then issues a new badge, with a new entry in the status list, the
/// next time the holder meets it; the revoked one stays revoked. A badge
/// that is not revoked is refused (`badge_not_revoked`); allowing twice
/// changes nothing.
pub async fn allow_reissue(
    db: &DatabaseConnection,
    grant: Grant<badge_awards::Model>,
    reason: &str,
) -> Result<(), CoreError> {
    let row = grant.target().clone();
    let reason = given_reason(reason, "reissue_reason_missing")?;
    if row.revoked_at.is_none() {
        return Err(CoreError::Rejected("badge_not_revoked"));
    }
    if row.reissue_allowed_at.is_some() {
        return Ok(());
    }
    let (id, holder) = (row.id, row.user_id);
    let txn = crate::db::begin_write(db).await?;
    let mut active: badge_awards::ActiveModel = row.into();
    active.reissue_allowed_at = Set(Some(Utc::now()));
    active.update(&txn).await?;
    audit::record(
        &txn,
        Some(grant.actor_id()),
        Action::BadgeReissueAllowed,
        Some(holder),
        Some(format!("badge {id}: {reason}")),
    )
    .await?;
    txn.commit().await?;
    tracing::info!(
        badge = id,
        by = grant.actor_id(),
        "badge may be earned again"
    );
    Ok(())
}

/// The names to show for accounts `ids`: the display name, else the
/// username.
pub(crate) async fn names<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, String>, CoreError> {
    Ok(users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, shown_name(&u)))
        .collect())
}

/// The name to show for an account: the display name, else the username.
pub(crate) fn shown_name(user: &users::Model) -> String {
    user.display_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| user.username.clone())
}

pub use polku_types::coaching::MemberBadgeView;

/// The badges held by the learners of group `group_id`, for its coach (or
/// an admin), newest first.
pub async fn group_badges(
    db: &DatabaseConnection,
    grant: &Grant<groups::Model>,
) -> Result<Vec<MemberBadgeView>, CoreError> {
    use sea_orm::QueryOrder;
    let members = crate::coaching::members_of(db, grant.target().id).await?;
    let rows = badge_awards::Entity::find()
        .filter(badge_awards::Column::UserId.is_in(members.clone()))
        .order_by_desc(badge_awards::Column::IssuedAt)
        .all(db)
        .await?;
    let names = names(db, members).await?;
    Ok(rows
        .into_iter()
        .map(|row| MemberBadgeView {
            id: row.id,
            holder: names.get(&row.user_id).cloned().unwrap_or_default(),
            name: super::wallet::badge_name(&row),
            issued: crate::dates::day(row.issued_at),
            revoked: row.revoked_at.map(|at| {
                let why = row.revoked_reason.clone().unwrap_or_default();
                (crate::dates::day(at), why)
            }),
            reissue_allowed: row.revoked_at.is_some() && row.reissue_allowed_at.is_some(),
        })
        .collect())
}
