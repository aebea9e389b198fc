//! Notifications: what happened that concerns a person (a message, her
//! evidence approved or declined, a badge earned or revoked, an
//! invitation), shown in the app at `/notifications` and, when she gave
//! an e-mail address and wants that kind, sent by e-mail.
//!
//! The e-mail goes through a durable outbox in the database (the
//! notification row itself, see the migration): a notification written in
//! the same transaction as what it tells is never lost, and an e-mail is
//! sent by whichever server instance *claims* it first ([`claim_due`]): a
//! claim is one conditional update, so two instances never both hold one;
//! an instance that dies while holding it lets the claim run out
//! ([`CLAIM`]) and another sends it, with the same `Message-ID`. A failed
//! attempt waits longer each time ([`backoff`]); an e-mail is given up
//! after [`MAX_ATTEMPTS`] or when older than [`MAX_AGE`] (a site without
//! SMTP settings never sends the ones it queued).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};

use crate::accounts::Actor;
use crate::db::entities::{messages, notifications, users};
use crate::{CoreError, Language};

pub use polku_types::notifications::{EmailSettings, NotificationKind, NotificationView};

/// The host of the site's public address (`https://polku.example/x` →
/// `polku.example`), which names what Polku sends: an e-mail's
/// `Message-ID`, a calendar entry's `UID`.
pub fn site_host(public_url: &str) -> &str {
    let public_url = public_url.trim_end_matches('/');
    public_url
        .split("://")
        .nth(1)
        .unwrap_or(public_url)
        .split(['/', ':'])
        .next()
        .unwrap_or("localhost")
}

/// How long an instance holds an e-mail it is sending.
pub const CLAIM: Duration = Duration::minutes(2);
/// Attempts before an e-mail is given up.
pub const MAX_ATTEMPTS: i32 = 12;
/// An e-mail not sent by this age is given up.
pub const MAX_AGE: Duration = Duration::days(3);
/// Notifications the list shows (the newest).
const LISTED: u64 = 100;

/// The wait before attempt `attempts + 1`: 30 s, doubling, at most an
/// hour.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = u32::try_from(attempts.clamp(0, 7)).unwrap_or(0);
    Duration::seconds(30 * 2_i64.pow(exponent)).min(Duration::hours(1))
}

/// What a notification says besides its kind, kept as JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detail {
    /// A badge's or a group's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub what: Option<String>,
    /// The coach's note or the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The message, for a message notification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<i32>,
    /// The appointment, for an appointment notification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment: Option<i32>,
    /// Which booking of the appointment it was about (its calendar
    /// entry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking: Option<i32>,
}

/// A notification to make.
#[derive(Debug, Clone)]
pub struct Note {
    /// For whom.
    pub user: i32,
    /// About what.
    pub kind: NotificationKind,
    /// Who caused it.
    pub actor: Option<i32>,
    /// Where to see it (a path on the site).
    pub link: String,
    /// A badge's name per language (the reader's is kept), if any.
    pub names: BTreeMap<Language, String>,
    /// The rest.
    pub detail: Detail,
}

/// The kinds `user` wants by e-mail.
fn wanted(user: &users::Model) -> Vec<NotificationKind> {
    match &user.email_kinds {
        None => NotificationKind::ALL.to_vec(),
        Some(list) => list
            .split(',')
            .filter_map(NotificationKind::from_code)
            .collect(),
    }
}

/// Whether a notification of `kind` goes to `user` by e-mail: the kinds
/// she chose, and always a confirmation link (what she asked for).
fn emailed(user: &users::Model, kind: NotificationKind) -> bool {
    kind == NotificationKind::EmailConfirmation || wanted(user).contains(&kind)
}

/// The language texts for `user` are written in.
pub fn language_of(user: &users::Model) -> Language {
    user.language
        .as_deref()
        .and_then(Language::from_code)
        .unwrap_or_default()
}

/// Makes notification `note` (and queues its e-mail when she wants it).
pub async fn notify<C: ConnectionTrait>(db: &C, note: Note) -> Result<(), CoreError> {
    let Some(user) = users::Entity::find_by_id(note.user).one(db).await? else {
        return Ok(());
    };
    let mut detail = note.detail;
    if detail.what.is_none() && !note.names.is_empty() {
        let language = language_of(&user);
        detail.what = note
            .names
            .get(&language)
            .or_else(|| note.names.values().next())
            .cloned();
    }
    let email = user.email.is_some() && emailed(&user, note.kind);
    let now = Utc::now();
    notifications::ActiveModel {
        user_id: Set(user.id),
        kind: Set(note.kind.code().to_owned()),
        actor_id: Set(note.actor),
        link: Set(note.link),
        detail: Set(serde_json::to_string(&detail).map_err(|e| CoreError::Internal(e.to_string()))?),
        created_at: Set(now),
        read_at: Set(None),
        email_state: Set(email.then(|| "pending".to_owned())),
        email_attempts: Set(0),
        email_next_at: Set(email.then_some(now)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The actor's notifications, newest first; all of them count as seen
/// from now on (those new until now say so once).
pub async fn list<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
) -> Result<Vec<NotificationView>, CoreError> {
    let rows = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(actor.id()))
        .order_by_desc(notifications::Column::Id)
        .limit(LISTED)
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().filter_map(|r| r.actor_id).collect();
    let names = crate::accounts::names(db, ids).await?;
    notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notifications::Column::UserId.eq(actor.id()))
        .filter(notifications::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let kind = NotificationKind::from_code(&row.kind)?;
            let detail: Detail = serde_json::from_str(&row.detail).unwrap_or_default();
            Some(NotificationView {
                id: row.id,
                kind,
                who: row.actor_id.and_then(|id| names.get(&id).cloned()),
                what: detail.what,
                note: detail.note,
                link: row.link,
                at: crate::dates::minute(row.created_at),
                unread: row.read_at.is_none(),
            })
        })
        .collect())
}

/// Notifications `user` has not seen, messages left out (the header
/// counts those on their own, and reading a conversation sees them).
pub async fn unread_count<C: ConnectionTrait>(db: &C, user: i32) -> Result<u32, CoreError> {
    let count = notifications::Entity::find()
        .filter(unread_of(user))
        .count(db)
        .await?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

/// `user`'s notifications she has not seen, other than messages (those
/// count in the messages' own number).
fn unread_of(user: i32) -> Condition {
    Condition::all()
        .add(notifications::Column::UserId.eq(user))
        .add(notifications::Column::ReadAt.is_null())
        .add(notifications::Column::Kind.ne(NotificationKind::Message.code()))
}

/// [`unread_count`] as a statement selecting the number, to go in a
/// larger one.
pub(crate) fn unread_query(user: i32) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .expr(sea_orm::sea_query::Func::count(Expr::col((
            notifications::Entity,
            notifications::Column::Id,
        ))))
        .from(notifications::Entity)
        .cond_where(unread_of(user))
        .to_owned()
}

/// `user` has seen what is at `link` (a conversation she opened).
pub async fn seen<C: ConnectionTrait>(db: &C, user: i32, link: &str) -> Result<(), CoreError> {
    notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notifications::Column::UserId.eq(user))
        .filter(notifications::Column::Link.eq(link))
        .filter(notifications::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The actor's e-mail address and settings (`site_sends`: the site has
/// SMTP settings).
pub async fn email_settings<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    site_sends: bool,
) -> Result<EmailSettings, CoreError> {
    let user = users::Entity::find_by_id(actor.id())
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    let wanted = wanted(&user);
    Ok(EmailSettings {
        email: user.email.clone(),
        email_confirmed: user.email.is_some() && user.email_confirmed_at.is_some(),
        site_sends,
        kinds: NotificationKind::ALL
            .into_iter()
            .map(|k| (k, wanted.contains(&k)))
            .collect(),
        bodies: user.email_bodies,
    })
}

/// The actor gives her e-mail address (or none), chooses which kinds come
/// by e-mail, and whether a message's text goes in it. E-mails queued and
/// not yet sent follow the new choice.
pub async fn set_email_settings<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    email: Option<String>,
    kinds: &[NotificationKind],
    bodies: bool,
) -> Result<(), CoreError> {
    let email = crate::accounts::check_email(email)?;
    let before = users::Entity::find_by_id(actor.id())
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    if before.email != email {
        crate::accounts::email::address_changed(db, actor.id()).await?;
    }
    let list: Vec<&str> = NotificationKind::ALL
        .into_iter()
        .filter(|k| kinds.contains(k))
        .map(NotificationKind::code)
        .collect();
    users::Entity::update_many()
        .col_expr(users::Column::Email, Expr::value(email))
        .col_expr(users::Column::EmailKinds, Expr::value(list.join(",")))
        .col_expr(users::Column::EmailBodies, Expr::value(bodies))
        .filter(users::Column::Id.eq(actor.id()))
        .exec(db)
        .await?;
    Ok(())
}

/// An e-mail to send, claimed by this instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The notification's id (the `Message-ID` is made from it).
    pub id: i32,
    /// About what.
    pub kind: NotificationKind,
    /// Her address.
    pub to: String,
    /// Her name.
    pub name: String,
    /// Her language.
    pub language: Language,
    /// Who caused it.
    pub who: Option<String>,
    /// A badge's or group's name.
    pub what: Option<String>,
    /// The coach's note or the reason.
    pub note: Option<String>,
    /// The message's text, when she chose to have it in e-mails.
    pub text: Option<String>,
    /// Where to see it (a path on the site).
    pub link: String,
    /// Attempts so far.
    pub attempts: i32,
    /// Her account.
    pub user_id: i32,
    /// An appointment's calendar entry as things stand, for an
    /// appointment notification.
    pub calendar: Option<crate::appointments::ics::Entry>,
}

/// Claims up to `limit` e-mails due at `now` for this instance (each for
/// [`CLAIM`]); gives up those older than [`MAX_AGE`] and those whose
/// person no longer wants them or has no address.
pub async fn claim_due<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Outgoing>, CoreError> {
    notifications::Entity::update_many()
        .col_expr(notifications::Column::EmailState, Expr::value("expired"))
        .filter(notifications::Column::EmailState.eq("pending"))
        .filter(notifications::Column::CreatedAt.lt(now - MAX_AGE))
        .exec(db)
        .await?;
    let free = || {
        Condition::any()
            .add(notifications::Column::EmailClaimedUntil.is_null())
            .add(notifications::Column::EmailClaimedUntil.lt(now))
    };
    let due = || {
        Condition::all()
            .add(notifications::Column::EmailState.eq("pending"))
            .add(notifications::Column::EmailNextAt.lte(now))
            .add(free())
    };
    // One statement claims the batch: the oldest due e-mails nobody holds.
    // The outer conditions are checked again on each row as it is
    // changed, so of two instances claiming at once each row goes to one.
    let oldest = sea_orm::sea_query::Query::select()
        .column(notifications::Column::Id)
        .from(notifications::Entity)
        .cond_where(due())
        .order_by(notifications::Column::Id, sea_orm::Order::Asc)
        .limit(limit)
        .to_owned();
    let mut claimed = notifications::Entity::update_many()
        .col_expr(
            notifications::Column::EmailClaimedUntil,
            Expr::value(now + CLAIM),
        )
        .filter(notifications::Column::Id.in_subquery(oldest))
        .filter(due())
        .exec_with_returning(db)
        .await?;
    claimed.sort_by_key(|row| row.id);
    let mut out = Vec::new();
    for row in claimed {
        match outgoing(db, &row).await? {
            Some(mail) => out.push(mail),
            None => {
                give_up(db, row.id, "expired", None).await?;
            }
        }
    }
    Ok(out)
}

/// The e-mail of notification `row`, unless its person no longer wants it.
async fn outgoing<C: ConnectionTrait>(
    db: &C,
    row: &notifications::Model,
) -> Result<Option<Outgoing>, CoreError> {
    let Some(kind) = NotificationKind::from_code(&row.kind) else {
        return Ok(None);
    };
    let Some(user) = users::Entity::find_by_id(row.user_id).one(db).await? else {
        return Ok(None);
    };
    let Some(to) = user.email.clone() else {
        return Ok(None);
    };
    if !emailed(&user, kind) {
        return Ok(None);
    }
    let detail: Detail = serde_json::from_str(&row.detail).unwrap_or_default();
    let who = match row.actor_id {
        Some(id) => users::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|u| u.shown_name()),
        None => None,
    };
    let text = match (user.email_bodies, detail.message) {
        (true, Some(id)) => messages::Entity::find_by_id(id)
            .one(db)
            .await?
            .filter(|m| !m.hidden)
            .map(|m| m.body),
        _ => None,
    };
    let calendar = match (detail.appointment, detail.booking) {
        (Some(id), Some(booking)) => {
            crate::appointments::ics::for_notification(db, user.id, id, booking).await?
        }
        _ => None,
    };
    Ok(Some(Outgoing {
        id: row.id,
        kind,
        to,
        language: language_of(&user),
        name: user.shown_name(),
        who,
        what: detail.what,
        note: detail.note,
        text,
        link: row.link.clone(),
        attempts: row.email_attempts,
        user_id: user.id,
        calendar,
    }))
}

async fn give_up<C: ConnectionTrait>(
    db: &C,
    id: i32,
    state: &str,
    error: Option<String>,
) -> Result<(), CoreError> {
    notifications::Entity::update_many()
        .col_expr(notifications::Column::EmailState, Expr::value(state))
        .col_expr(
            notifications::Column::EmailClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(notifications::Column::EmailError, Expr::value(error))
        .filter(notifications::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// E-mail `id` was sent at `now`.
pub async fn sent<C: ConnectionTrait>(
    db: &C,
    id: i32,
    now: DateTime<Utc>,
) -> Result<(), CoreError> {
    notifications::Entity::update_many()
        .col_expr(notifications::Column::EmailState, Expr::value("sent"))
        .col_expr(notifications::Column::EmailSentAt, Expr::value(now))
        .col_expr(
            notifications::Column::EmailClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(notifications::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// E-mail `id` cannot be made (its address is not one): given up.
pub async fn undeliverable<C: ConnectionTrait>(
    db: &C,
    id: i32,
    error: &str,
) -> Result<(), CoreError> {
    give_up(db, id, "failed", Some(error.chars().take(500).collect())).await
}

/// Sending e-mail `mail` failed at `now` with `error`: tried again after
/// [`backoff`], or given up after [`MAX_ATTEMPTS`].
pub async fn failed<C: ConnectionTrait>(
    db: &C,
    mail: &Outgoing,
    error: &str,
    now: DateTime<Utc>,
) -> Result<(), CoreError> {
    let attempts = mail.attempts + 1;
    let error: String = error.chars().take(500).collect();
    if attempts >= MAX_ATTEMPTS {
        return give_up(db, mail.id, "failed", Some(error)).await;
    }
    notifications::Entity::update_many()
        .col_expr(notifications::Column::EmailAttempts, Expr::value(attempts))
        .col_expr(
            notifications::Column::EmailNextAt,
            Expr::value(now + backoff(attempts)),
        )
        .col_expr(
            notifications::Column::EmailClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(notifications::Column::EmailError, Expr::value(error))
        .filter(notifications::Column::Id.eq(mail.id))
        .exec(db)
        .await?;
    Ok(())
}

/// How many e-mails wait to be sent (for the operator).
pub async fn waiting<C: ConnectionTrait>(db: &C) -> Result<u64, CoreError> {
    Ok(notifications::Entity::find()
        .filter(notifications::Column::EmailState.eq("pending"))
        .count(db)
        .await?)
}

/// Person `user`'s notifications for her data export.
pub async fn personal_data<C: ConnectionTrait>(
    db: &C,
    user: i32,
) -> Result<serde_json::Value, CoreError> {
    let rows = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user))
        .order_by_asc(notifications::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            serde_json::json!({
                "kind": r.kind,
                "link": r.link,
                "detail": serde_json::from_str::<serde_json::Value>(&r.detail).unwrap_or_default(),
                "at": r.created_at.to_rfc3339(),
                "seen": r.read_at.map(|t| t.to_rfc3339()),
                "email": r.email_state,
                "email_sent": r.email_sent_at.map(|t| t.to_rfc3339()),
            })
        })
        .collect::<Vec<_>>()
        .into())
}
