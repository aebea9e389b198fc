//! Sessions: a random 256-bit token in an HttpOnly cookie; the database
//! keeps only its SHA-256. Signing in always starts a new session (no
//! fixation); signing out and password changes end them.

use std::net::IpAddr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use super::{Actor, find_by_username, passwords, throttle};
use crate::CoreError;
use crate::db::entities::{sessions, users};

/// How long a session lasts.
pub const SESSION_DAYS: i64 = 30;

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

/// The person a session cookie belongs to, if it is a live session.
pub async fn authenticate<C: ConnectionTrait>(
    db: &C,
    token: &str,
) -> Result<Option<Actor>, CoreError> {
    if token.is_empty() || token.len() > 64 {
        return Ok(None);
    }
    let found = sessions::Entity::find()
        .filter(sessions::Column::TokenHash.eq(digest(token)))
        .filter(sessions::Column::ExpiresAt.gt(Utc::now()))
        .find_also_related(users::Entity)
        .one(db)
        .await?;
    Ok(found
        .and_then(|(_, user)| user)
        .map(|u| Actor::from_row(&u)))
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
