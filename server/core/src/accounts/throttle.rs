//! Sign-in throttling per username, kept in the database so that every
//! server instance sees the same count. After [`FREE_ATTEMPTS`] failures
//! each further failure locks the name for twice as long as the last time
//! (30 s, 1 min, 2 min…, at most [`MAX_LOCK_SECONDS`]); a success clears
//! it. While locked, even the right password is refused without being
//! checked. A failure-free hour starts the count again.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use crate::CoreError;
use crate::db::entities::login_throttles;

/// Failures allowed before the first lock.
pub const FREE_ATTEMPTS: i32 = 5;
/// The longest lock.
pub const MAX_LOCK_SECONDS: i64 = 15 * 60;
/// Failures older than this are forgotten.
const WINDOW: Duration = Duration::hours(1);

/// The row key: a hash of the normalised username, so names typed by
/// mistake (or passwords typed into the name field) are not stored.
pub(crate) fn key(username: &str) -> String {
    let name = super::normalize_username(username);
    format!("{:x}", Sha256::digest(name.as_bytes()))
}

/// How long `failures` failures lock the name.
fn lock_for(failures: i32) -> Option<Duration> {
    let over = failures - FREE_ATTEMPTS;
    (over >= 0).then(|| {
        let seconds = 30_i64.saturating_mul(1 << Ord::min(over, 10));
        Duration::seconds(Ord::min(seconds, MAX_LOCK_SECONDS))
    })
}

/// Refuses while the name is locked.
pub(crate) async fn check<C: ConnectionTrait>(db: &C, key: &str) -> Result<(), CoreError> {
    let row = login_throttles::Entity::find()
        .filter(login_throttles::Column::Key.eq(key))
        .one(db)
        .await?;
    match row.and_then(|r| r.locked_until) {
        Some(until) if until > Utc::now() => Err(CoreError::Rejected("throttled")),
        _ => Ok(()),
    }
}

/// Counts one failure (atomically, so parallel attempts all count).
pub(crate) async fn fail<C: ConnectionTrait>(db: &C, key: &str) -> Result<(), CoreError> {
    let now = Utc::now();
    login_throttles::Entity::insert(login_throttles::ActiveModel {
        key: Set(key.to_owned()),
        failures: Set(0),
        window_started_at: Set(now),
        locked_until: Set(None),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([login_throttles::Column::Key])
    .exec(db)
    .await?;
    // A stale window starts again.
    login_throttles::Entity::update_many()
        .col_expr(login_throttles::Column::Failures, Expr::value(0))
        .col_expr(login_throttles::Column::WindowStartedAt, Expr::value(now))
        .filter(login_throttles::Column::Key.eq(key))
        .filter(login_throttles::Column::WindowStartedAt.lt(now - WINDOW))
        .exec(db)
        .await?;
    login_throttles::Entity::update_many()
        .col_expr(
            login_throttles::Column::Failures,
            Expr::col(login_throttles::Column::Failures).add(1),
        )
        .filter(login_throttles::Column::Key.eq(key))
        .exec(db)
        .await?;
    let row = login_throttles::Entity::find()
        .filter(login_throttles::Column::Key.eq(key))
        .one(db)
        .await?
        .ok_or(CoreError::Internal("throttle row vanished".into()))?;
    if let Some(lock) = lock_for(row.failures) {
        let until: DateTime<Utc> = now + lock;
        login_throttles::Entity::update_many()
            .col_expr(login_throttles::Column::LockedUntil, Expr::value(until))
            .filter(login_throttles::Column::Key.eq(key))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Forgets the failures after a successful sign-in.
pub(crate) async fn clear<C: ConnectionTrait>(db: &C, key: &str) -> Result<(), CoreError> {
    login_throttles::Entity::delete_many()
        .filter(login_throttles::Column::Key.eq(key))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_grow_and_stop_at_the_maximum() {
        assert_eq!(lock_for(4), None);
        assert_eq!(lock_for(5), Some(Duration::seconds(30)));
        assert_eq!(lock_for(6), Some(Duration::seconds(60)));
        assert_eq!(lock_for(9), Some(Duration::seconds(480)));
        assert_eq!(lock_for(10), Some(Duration::seconds(MAX_LOCK_SECONDS)));
        assert_eq!(lock_for(1000), Some(Duration::seconds(MAX_LOCK_SECONDS)));
    }

    #[test]
    fn key_ignores_case_and_spaces() {
        assert_eq!(key(" Maija "), key("maija"));
        assert_ne!(key("maija"), key("matti"));
    }
}
