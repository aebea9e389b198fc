//! Sessions: a random 256-bit token in an HttpOnly cookie; the database
//! keeps only its SHA-256. Signing in always starts a new session (no
//! fixation); signing out and password changes end them. A session also
//! ends when it has not been used for [`SessionIdle::days`]: its
//! `last_seen_at` is written when it is used, at most once per
//! [`TOUCH_INTERVAL`] (not on every request).

use std::net::IpAddr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set,
};
use sha2::{Digest, Sha256};

use super::{Actor, find_by_username, passwords, throttle};
use crate::CoreError;
use crate::db::entities::{sessions, users};

/// How long a session lasts.
pub const SESSION_DAYS: i64 = 30;
/// How often a session's `last_seen_at` is written at most.
pub const TOUCH_INTERVAL: Duration = Duration::hours(1);

/// After how many days without use a session ends (the server's
/// `--session-idle-days`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionIdle {
    /// Days without use.
    pub days: i64,
}

impl SessionIdle {
    /// The default: two weeks.
    pub const DEFAULT_DAYS: i64 = 14;

    /// Sessions last used (or, never used, started) before this are idle.
    fn cutoff(self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - Duration::days(self.days)
    }
}

impl Default for SessionIdle {
    fn default() -> Self {
        SessionIdle {
            days: Self::DEFAULT_DAYS,
        }
    }
}

/// Sessions used (or, never used, started) at or after `cutoff`. Written
/// out rather than as the negation of [`idle_since`], which a NULL
/// `last_seen_at` would make unknown.
fn used_since(cutoff: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(sessions::Column::LastSeenAt.gte(cutoff))
        .add(
            Condition::all()
                .add(sessions::Column::LastSeenAt.is_null())
                .add(sessions::Column::CreatedAt.gte(cutoff)),
        )
}

/// Sessions last used (or, never used, started) before `cutoff`.
fn idle_since(cutoff: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(sessions::Column::LastSeenAt.lt(cutoff))
        .add(
            Condition::all()
                .add(sessions::Column::LastSeenAt.is_null())
                .add(sessions::Column::CreatedAt.lt(cutoff)),
        )
}

/// A session just started: the token goes into the cookie, once.
#[derive(Debug)]
pub struct NewSession {
    /// The cookie value.
    pub token: String,
    /// Who signed in.
    pub actor: Actor,
}

fn digest(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

/// Starts a session for account `user_id`.
pub(crate) async fn start<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
) -> Result<NewSession, CoreError> {
    let user = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| CoreError::Internal(format!("random: {e}")))?;
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let now = Utc::now();
    sessions::ActiveModel {
        token_hash: Set(digest(&token)),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(SESSION_DAYS)),
        last_seen_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(NewSession {
        token,
        actor: Actor::from_row(&user),
    })
}

/// Signs in: checks the password (throttled per username and `client`
/// address, see [`throttle`]) and starts a new session. `previous` is the
/// session cookie the browser sent, if any: on success it ends, so a
/// session id planted before sign-in is worthless (a failed attempt leaves
/// it alone).
pub async fn log_in<C: ConnectionTrait>(
    db: &C,
    username: &str,
    password: &str,
    previous: Option<&str>,
    client: IpAddr,
) -> Result<NewSession, CoreError> {
    let key = throttle::key(username, client);
    throttle::check(db, &key).await?;
    let user = find_by_username(db, username).await?;
    let stored = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| passwords::decoy().to_owned());
    let matches = passwords::verify(password.to_owned(), stored).await?;
    match user {
        Some(user) if matches => {
            throttle::clear(db, &key).await?;
            if let Some(old) = previous {
                log_out(db, old).await?;
            }
            start(db, user.id).await
        }
        _ => {
            throttle::fail(db, &key).await?;
            Err(CoreError::Rejected("wrong_credentials"))
        }
    }
}

/// The person a session cookie belongs to, if it is a live session: not
/// expired and used within `idle` days. Marks the session used (a write at
/// most once per [`TOUCH_INTERVAL`]).
pub async fn authenticate<C: ConnectionTrait>(
    db: &C,
    token: &str,
    idle: SessionIdle,
) -> Result<Option<Actor>, CoreError> {
    if token.is_empty() || token.len() > 64 {
        return Ok(None);
    }
    let now = Utc::now();
    let found = sessions::Entity::find()
        .filter(sessions::Column::TokenHash.eq(digest(token)))
        .filter(sessions::Column::ExpiresAt.gt(now))
        .filter(used_since(idle.cutoff(now)))
        .find_also_related(users::Entity)
        .one(db)
        .await?;
    let Some((session, Some(user))) = found else {
        return Ok(None);
    };
    if session
        .last_seen_at
        .is_none_or(|seen| seen <= now - TOUCH_INTERVAL)
    {
        // Being signed in does not depend on this write succeeding (say,
        // SQLite busy with another writer): the next request tries again.
        if let Err(err) = touch(db, session.id, now).await {
            tracing::warn!(error = %err, "could not mark a session used");
        }
    }
    Ok(Some(Actor::from_row(&user)))
}

/// Records that session `id` was used at `now`, unless another request
/// did within the interval.
async fn touch<C: ConnectionTrait>(db: &C, id: i32, now: DateTime<Utc>) -> Result<(), CoreError> {
    sessions::Entity::update_many()
        .col_expr(sessions::Column::LastSeenAt, Expr::value(now))
        .filter(sessions::Column::Id.eq(id))
        .filter(
            Condition::any()
                .add(sessions::Column::LastSeenAt.is_null())
                .add(sessions::Column::LastSeenAt.lte(now - TOUCH_INTERVAL)),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes sessions that have expired or been idle for `idle` days at
/// `now`; returns how many.
pub(crate) async fn sweep<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    idle: SessionIdle,
) -> Result<u64, CoreError> {
    let done = sessions::Entity::delete_many()
        .filter(
            Condition::any()
                .add(sessions::Column::ExpiresAt.lte(now))
                .add(idle_since(idle.cutoff(now))),
        )
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Ends the session with this cookie value.
pub async fn log_out<C: ConnectionTrait>(db: &C, token: &str) -> Result<(), CoreError> {
    sessions::Entity::delete_many()
        .filter(sessions::Column::TokenHash.eq(digest(token)))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of an account.
pub(crate) async fn end_all<C: ConnectionTrait>(db: &C, user_id: i32) -> Result<(), CoreError> {
    sessions::Entity::delete_many()
        .filter(sessions::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
