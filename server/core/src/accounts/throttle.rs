//! Throttling of password checks (sign-in, reset codes, password change,
//! account deletion), kept in the database so that every server instance
//! sees the same counts. Rows are keyed by hashes, so names typed by
//! mistake (or passwords typed into the name field) are not stored.
//!
//! Two counts for each failure:
//!
//! - **One name from one address** (the *pair* row). After
//!   [`FREE_ATTEMPTS`] failures, each further failure makes that address
//!   wait before its next try for that name: 30 s, 1 min, 2 min…, at most
//!   [`MAX_DELAY_SECONDS`]. While it waits, its attempts are refused
//!   without checking the password. The right password from that address
//!   clears its row.
//! - **One name from every address** (the *name* row). When failures from
//!   all addresses together reach [`CEILING`] within an hour, the name
//!   refuses every attempt until that hour is over.
//!
//! Why this shape: an attacker's wrong guesses only slow down the address
//! they come from, so the owner signing in from home, a library or a phone
//! is not kept out (a lock per name let one wrong password every 15
//! minutes keep any account locked). The delays let one address fail about
//! a dozen times an hour, so reaching the ceiling takes at least eight
//! addresses working together, and guessing stays below [`CEILING`] an hour
//! per name however many addresses an attacker has. Only then does the
//! owner have to wait, at most until the hour is over. A success does not
//! reset the name's count (it would give a crowd of addresses more guesses).
//!
//! Each count starts at its first failure and is forgotten [`WINDOW`]
//! later.
//! IPv6 addresses count by their /64 network, since one subscriber usually
//! has a whole /64.
//!
//! Keys: the name row is the first 32 hex digits of SHA-256 of the
//! normalised name; a pair row is that, `:`, and 31 hex digits of the hash
//! of name and network, so a person's rows can be found (export, erasure)
//! without knowing any address.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use crate::CoreError;
use crate::db::entities::login_throttles;

/// Failures allowed from one address before it has to wait.
pub const FREE_ATTEMPTS: i32 = 5;
/// The longest wait of one address.
pub const MAX_DELAY_SECONDS: i64 = 15 * 60;
/// Failures of one name, from every address together, that close it for
/// the rest of the hour.
pub const CEILING: i32 = 100;
/// How long failures are counted.
pub const WINDOW: Duration = Duration::hours(1);

/// The two rows one attempt counts in.
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    name: String,
    pair: String,
}

fn hex(input: &str, digits: usize) -> String {
    let mut text = format!("{:x}", Sha256::digest(input.as_bytes()));
    text.truncate(digits);
    text
}

/// The network an address counts as: itself for IPv4, its /64 for IPv6.
fn network(client: IpAddr) -> IpAddr {
    match client.to_canonical() {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & (u128::MAX << 64);
            IpAddr::V6(bits.into())
        }
        v4 => v4,
    }
}

/// The name row's key.
pub(crate) fn name_key(username: &str) -> String {
    hex(&super::normalize_username(username), 32)
}

/// The keys of attempts on `username` from `client`.
pub(crate) fn key(username: &str, client: IpAddr) -> Keys {
    let name = super::normalize_username(username);
    let pair = hex(&format!("{}:{name}|{}", name.len(), network(client)), 31);
    let name = name_key(&name);
    Keys {
        pair: format!("{name}:{pair}"),
        name,
    }
}

/// Every row of `username` (its name row and the rows of each address).
pub(crate) fn rows_of(username: &str) -> Condition {
    let name = name_key(username);
    Condition::any()
        .add(login_throttles::Column::Key.eq(name.clone()))
        .add(login_throttles::Column::Key.starts_with(format!("{name}:")))
}

/// How long one address waits after `failures` failures.
fn delay_for(failures: i32) -> Option<Duration> {
    let over = failures - FREE_ATTEMPTS;
    (over >= 0).then(|| {
        let seconds = 30_i64.saturating_mul(1 << Ord::min(over, 10));
        Duration::seconds(Ord::min(seconds, MAX_DELAY_SECONDS))
    })
}

/// Refuses while this address waits or the name is closed.
pub(crate) async fn check<C: ConnectionTrait>(db: &C, keys: &Keys) -> Result<(), CoreError> {
    let rows = login_throttles::Entity::find()
        .filter(login_throttles::Column::Key.is_in([keys.name.clone(), keys.pair.clone()]))
        .all(db)
        .await?;
    let now = Utc::now();
    if rows
        .iter()
        .any(|r| r.locked_until.is_some_and(|until| until > now))
    {
        return Err(CoreError::Rejected("throttled"));
    }
    Ok(())
}

/// Adds one failure to the row `key` (atomically, so parallel attempts
/// all count) and returns it.
async fn count<C: ConnectionTrait>(
    db: &C,
    key: &str,
    now: DateTime<Utc>,
) -> Result<login_throttles::Model, CoreError> {
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
    // A window that has passed starts again.
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
    login_throttles::Entity::find()
        .filter(login_throttles::Column::Key.eq(key))
        .one(db)
        .await?
        .ok_or(CoreError::Internal("throttle row vanished".into()))
}

async fn lock<C: ConnectionTrait>(
    db: &C,
    key: &str,
    until: DateTime<Utc>,
) -> Result<(), CoreError> {
    login_throttles::Entity::update_many()
        .col_expr(login_throttles::Column::LockedUntil, Expr::value(until))
        .filter(login_throttles::Column::Key.eq(key))
        .exec(db)
        .await?;
    Ok(())
}

/// Counts one failure for the address and for the name.
pub(crate) async fn fail<C: ConnectionTrait>(db: &C, keys: &Keys) -> Result<(), CoreError> {
    let now = Utc::now();
    let pair = count(db, &keys.pair, now).await?;
    if let Some(delay) = delay_for(pair.failures) {
        lock(db, &keys.pair, now + delay).await?;
    }
    let name = count(db, &keys.name, now).await?;
    if name.failures >= CEILING {
        lock(db, &keys.name, name.window_started_at + WINDOW).await?;
    }
    Ok(())
}

/// Forgets this address's failures after the right password (the name's
/// count stays).
pub(crate) async fn clear<C: ConnectionTrait>(db: &C, keys: &Keys) -> Result<(), CoreError> {
    login_throttles::Entity::delete_many()
        .filter(login_throttles::Column::Key.eq(keys.pair.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes the rows whose window and wait have both passed at `now`
/// (a later failure would start their count again anyway); returns how
/// many.
pub(crate) async fn sweep<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<u64, CoreError> {
    let done = login_throttles::Entity::delete_many()
        .filter(login_throttles::Column::WindowStartedAt.lt(now - WINDOW))
        .filter(
            Condition::any()
                .add(login_throttles::Column::LockedUntil.is_null())
                .add(login_throttles::Column::LockedUntil.lt(now)),
        )
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stop_at_the_maximum() {
        assert_eq!(delay_for(4), None);
        assert_eq!(delay_for(5), Some(Duration::seconds(30)));
        assert_eq!(delay_for(6), Some(Duration::seconds(60)));
        assert_eq!(delay_for(9), Some(Duration::seconds(480)));
        assert_eq!(delay_for(10), Some(Duration::seconds(MAX_DELAY_SECONDS)));
        assert_eq!(delay_for(1000), Some(Duration::seconds(MAX_DELAY_SECONDS)));
    }

    #[test]
    fn keys_ignore_case_and_spaces_and_separate_addresses() {
        let home: IpAddr = [192, 0, 2, 1].into();
        let cafe: IpAddr = [198, 51, 100, 7].into();
        assert_eq!(key(" Maija ", home).pair, key("maija", home).pair);
        assert_ne!(key("maija", home).pair, key("matti", home).pair);
        assert_ne!(key("maija", home).pair, key("maija", cafe).pair);
        assert_eq!(key("maija", home).name, key("maija", cafe).name);
        assert!(
            key("maija", home)
                .pair
                .starts_with(&key("maija", cafe).name)
        );
        assert_eq!(key("maija", home).pair.len(), 64);
        assert!(!key("maija", home).pair.contains("maija"));
    }

    #[test]
    fn ipv6_counts_by_its_64_network() {
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(key("maija", a).pair, key("maija", b).pair);
        assert_ne!(key("maija", a).pair, key("maija", c).pair);
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        let plain: IpAddr = [192, 0, 2, 1].into();
        assert_eq!(key("maija", mapped).pair, key("maija", plain).pair);
    }
}
