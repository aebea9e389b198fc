//! Confirming a learner's e-mail address: she asks for a link, it is sent
//! to the address she gave (through the notifications' durable e-mail
//! outbox), and opening it and pressing the button there marks the address
//! confirmed. Only then may a site name her in badges by a salted hash of
//! it (see [`crate::badges::issue`]). Changing the address clears the
//! confirmation and drops a link still waiting.

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use sha2::{Digest, Sha256};

use super::Actor;
use crate::CoreError;
use crate::db::entities::{email_confirmations, users};
use crate::notifications::{Note, NotificationKind, notify};

/// How long a link works.
pub const VALID_HOURS: i64 = 48;
/// The least time between two links (an address is not flooded).
pub const RESEND_MINUTES: i64 = 5;

fn hash(code: &str) -> String {
    format!("{:x}", Sha256::digest(code.trim().as_bytes()))
}

/// The page a confirmation link opens (`code` in it).
pub fn link(code: &str) -> String {
    format!("/account/confirm-email?code={code}")
}

/// Sends the actor a link that confirms her e-mail address. Refused
/// without an address (`email_missing`), for one already confirmed
/// (`email_confirmed`) and within [`RESEND_MINUTES`] of the last link
/// (`confirmation_sent_recently`).
pub async fn request_confirmation(db: &DatabaseConnection, actor: &Actor) -> Result<(), CoreError> {
    let user = users::Entity::find_by_id(actor.id())
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    let email = user
        .email
        .clone()
        .ok_or(CoreError::Rejected("email_missing"))?;
    if user.email_confirmed_at.is_some() {
        return Err(CoreError::Rejected("email_confirmed"));
    }
    let now = Utc::now();
    let waiting = email_confirmations::Entity::find_by_id(user.id)
        .one(db)
        .await?;
    if waiting.is_some_and(|w| w.created_at > now - Duration::minutes(RESEND_MINUTES)) {
        return Err(CoreError::Rejected("confirmation_sent_recently"));
    }
    // 26 characters from 31: about 129 bits, not guessable.
    let code = super::random_code(26)?.to_lowercase();
    let txn = crate::db::begin_write(db).await?;
    email_confirmations::Entity::delete_by_id(user.id)
        .exec(&txn)
        .await?;
    email_confirmations::ActiveModel {
        user_id: Set(user.id),
        email: Set(email),
        code_hash: Set(hash(&code)),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(VALID_HOURS)),
    }
    .insert(&txn)
    .await?;
    notify(
        &txn,
        Note {
            user: user.id,
            kind: NotificationKind::EmailConfirmation,
            actor: None,
            link: link(&code),
            names: Default::default(),
            detail: Default::default(),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Confirms the address link code `code` was sent to, if it is still the
/// account's address and the link has not ended; whoever opens the link
/// (signed in or not) may press the button: the code is the proof. Returns
/// the address. Refused as `confirmation_invalid` otherwise (an unknown,
/// used or ended link, or an address changed since).
pub async fn confirm(db: &DatabaseConnection, code: &str) -> Result<String, CoreError> {
    let invalid = CoreError::Rejected("confirmation_invalid");
    if code.trim().is_empty() || code.len() > 64 {
        return Err(invalid);
    }
    let Some(waiting) = email_confirmations::Entity::find()
        .filter(email_confirmations::Column::CodeHash.eq(hash(code)))
        .one(db)
        .await?
    else {
        return Err(invalid);
    };
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    email_confirmations::Entity::delete_by_id(waiting.user_id)
        .exec(&txn)
        .await?;
    if waiting.expires_at <= now {
        txn.commit().await?;
        return Err(invalid);
    }
    // Only while the address is still the one the link went to.
    let changed = users::Entity::update_many()
        .col_expr(users::Column::EmailConfirmedAt, Expr::value(now))
        .filter(users::Column::Id.eq(waiting.user_id))
        .filter(users::Column::Email.eq(&waiting.email))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    if changed.rows_affected == 1 {
        Ok(waiting.email)
    } else {
        Err(invalid)
    }
}

/// After the address of account `user` changed: not confirmed, and no link
/// waiting.
pub(crate) async fn address_changed<C: ConnectionTrait>(
    db: &C,
    user: i32,
) -> Result<(), CoreError> {
    users::Entity::update_many()
        .col_expr(
            users::Column::EmailConfirmedAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .filter(users::Column::Id.eq(user))
        .exec(db)
        .await?;
    email_confirmations::Entity::delete_by_id(user)
        .exec(db)
        .await?;
    Ok(())
}
