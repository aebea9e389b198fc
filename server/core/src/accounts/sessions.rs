//! Sessions: a random 256-bit token in an HttpOnly cookie; the database
//! keeps only its SHA-256. Signing in always starts a new session (no
//! fixation); signing out and password changes end them. A session also
//! ends when it has not been used for [`SessionIdle::days`]: its
//! `last_seen_at` is written when it is used, at most once per
//! [`TOUCH_INTERVAL`] (not on every request).

use std::net::IpAddr;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, MutexGuard};

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
use crate::sync::lock;
use lru::LruCache;

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
    if !plausible(token) {
        return Ok(None);
    }
    Ok(read_live(db, &digest(token), Utc::now(), idle)
        .await?
        .map(|live| live.actor))
}

/// Whether `token` can be a session cookie's value at all.
fn plausible(token: &str) -> bool {
    !token.is_empty() && token.len() <= 64
}

/// A live session as read from the database.
#[derive(Debug, Clone)]
struct Live {
    actor: Actor,
    expires_at: DateTime<Utc>,
    /// When it was last used (marked to the hour) or, never marked, started.
    used_at: DateTime<Utc>,
}

/// The live session whose token hashes to `key` at `now`, marked used
/// (see [`authenticate`]).
async fn read_live<C: ConnectionTrait>(
    db: &C,
    key: &str,
    now: DateTime<Utc>,
    idle: SessionIdle,
) -> Result<Option<Live>, CoreError> {
    let found = sessions::Entity::find()
        .filter(sessions::Column::TokenHash.eq(key))
        .filter(sessions::Column::ExpiresAt.gt(now))
        .filter(used_since(idle.cutoff(now)))
        .find_also_related(users::Entity)
        .one(db)
        .await?;
    let Some((session, Some(user))) = found else {
        return Ok(None);
    };
    let mut used_at = session.last_seen_at.unwrap_or(session.created_at);
    if session
        .last_seen_at
        .is_none_or(|seen| seen <= now - TOUCH_INTERVAL)
    {
        // Being signed in does not depend on this write succeeding (say,
        // SQLite busy with another writer): the next request tries again.
        match touch(db, session.id, now).await {
            Ok(()) => used_at = now,
            Err(err) => tracing::warn!(error = %err, "could not mark a session used"),
        }
    }
    Ok(Some(Live {
        actor: Actor::from_row(&user),
        expires_at: session.expires_at,
        used_at,
    }))
}

/// The counter of changes that can end a session or change who holds one.
const COUNTER: &str = "accounts";

/// Counts a change that can end sessions or change who holds one (signing
/// out, a password changed, a role changed, an account erased), so every
/// instance's [`SessionCache`] reads its sessions again.
pub(crate) async fn changed<C: ConnectionTrait>(db: &C) -> Result<(), CoreError> {
    crate::db::next_number(db, COUNTER).await?;
    Ok(())
}

/// How many such changes there have been.
pub async fn changes<C: ConnectionTrait>(db: &C) -> Result<i64, CoreError> {
    Ok(crate::db::counter(db, COUNTER).await?)
}

/// How often [`SessionCache::spawn_watch`] reads the change counter.
pub const WATCH_PERIOD: std::time::Duration = std::time::Duration::from_millis(250);
/// The longest a session is taken from memory without being read again,
/// whatever the counter says.
pub const KEPT_AT_MOST: std::time::Duration = std::time::Duration::from_secs(60);
/// How many sessions are kept at most (least recently used out first).
pub const DEFAULT_CAPACITY: usize = 10_000;

/// A kept session and the generation it was read under.
struct Kept {
    live: Live,
    generation: u64,
    read_at: std::time::Instant,
}

/// Live sessions read before, kept in memory so that a signed-in request
/// costs no query (cheap to clone: shared).
///
/// * **Expiry and idleness** are checked against the kept session's own
///   times on every use, as the database would; a session due to be
///   marked used ([`TOUCH_INTERVAL`]) is read again.
/// * **Changes here.** Whatever can end a session or change who holds one
///   counts itself in the `accounts` counter ([`changed`]); the web layer
///   reads the counter after every request that may change something
///   (anything but `GET` and `HEAD`), so the next request here sees it.
/// * **Changes elsewhere** (another instance, or a `polku` command):
///   [`SessionCache::spawn_watch`] reads the counter every
///   [`WATCH_PERIOD`]: a session ended there stops here within that.
/// * **Generations.** Each kept session carries the generation taken
///   before it was read; a change bumps the generation, so nothing read
///   before a change is used after it.
/// * **Bounded.** At most [`KEPT_AT_MOST`] old and [`DEFAULT_CAPACITY`]
///   sessions; only live sessions are kept, never refusals.
#[derive(Clone)]
pub struct SessionCache(Arc<Shelf>);

struct Shelf {
    changes: crate::db::Changes,
    kept: Mutex<LruCache<String, Kept>>,
    keeps: bool,
}

impl std::fmt::Debug for SessionCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionCache").finish_non_exhaustive()
    }
}

impl Default for SessionCache {
    fn default() -> Self {
        SessionCache::new(DEFAULT_CAPACITY)
    }
}

impl SessionCache {
    /// An empty cache of at most `capacity` sessions (0 keeps none).
    pub fn new(capacity: usize) -> Self {
        SessionCache(Arc::new(Shelf {
            changes: crate::db::Changes::new(COUNTER),
            kept: Mutex::new(LruCache::new(
                NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN),
            )),
            keeps: capacity > 0,
        }))
    }

    fn kept(&self) -> MutexGuard<'_, LruCache<String, Kept>> {
        lock(&self.0.kept)
    }

    fn generation(&self) -> u64 {
        self.0.changes.generation()
    }

    /// How many sessions are kept now.
    pub fn len(&self) -> usize {
        self.kept().len()
    }

    /// Whether no session is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// As [`authenticate`], from memory when the session was read before
    /// and nothing has changed since.
    pub async fn authenticate<C: ConnectionTrait>(
        &self,
        db: &C,
        token: &str,
        idle: SessionIdle,
    ) -> Result<Option<Actor>, CoreError> {
        if !plausible(token) {
            return Ok(None);
        }
        let key = digest(token);
        let now = Utc::now();
        let generation = self.generation();
        if let Some(kept) = self.kept().get(&key)
            && kept.generation == generation
            && kept.read_at.elapsed() < KEPT_AT_MOST
            && kept.live.expires_at > now
            && kept.live.used_at >= idle.cutoff(now)
            && kept.live.used_at > now - TOUCH_INTERVAL
        {
            return Ok(Some(kept.live.actor.clone()));
        }
        let live = read_live(db, &key, now, idle).await?;
        let mut kept = self.kept();
        match &live {
            Some(live) if self.0.keeps => {
                kept.put(
                    key,
                    Kept {
                        live: live.clone(),
                        generation,
                        read_at: std::time::Instant::now(),
                    },
                );
            }
            _ => {
                kept.pop(&key);
            }
        }
        Ok(live.map(|l| l.actor))
    }

    /// Forgets every kept session (something changed).
    pub fn forget(&self) {
        self.0.changes.forget();
    }

    /// Reads the change counter; forgets every kept session when it moved
    /// since the last read, or could not be read (nothing is taken from
    /// memory that may have changed unseen). Returns whether it moved.
    pub async fn check<C: ConnectionTrait>(&self, db: &C) -> Result<bool, CoreError> {
        Ok(self.0.changes.check(db).await?)
    }

    /// The change counter as this instance follows it (for
    /// [`crate::db::check_all`]).
    pub fn changes(&self) -> &crate::db::Changes {
        &self.0.changes
    }

    /// Reads the change counter every [`WATCH_PERIOD`] (see
    /// [`SessionCache::check`]) until the runtime stops.
    pub fn spawn_watch(&self, db: sea_orm::DatabaseConnection) -> tokio::task::JoinHandle<()> {
        let cache = self.clone();
        crate::courses::cache::watch("session change", WATCH_PERIOD, move || {
            let (cache, db) = (cache.clone(), db.clone());
            async move { cache.check(&db).await }
        })
    }
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
    let ended = sessions::Entity::delete_many()
        .filter(sessions::Column::TokenHash.eq(digest(token)))
        .exec(db)
        .await?;
    if ended.rows_affected > 0 {
        changed(db).await?;
    }
    Ok(())
}

/// Ends every session of an account.
pub(crate) async fn end_all<C: ConnectionTrait>(db: &C, user_id: i32) -> Result<(), CoreError> {
    sessions::Entity::delete_many()
        .filter(sessions::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    changed(db).await
}
