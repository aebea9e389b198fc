//! Accounts: sign-up with a username and password (e-mail optional),
//! roles, sessions, sign-in throttling, password changes.
//!
//! An [`Actor`] is the only proof of who is calling: only
//! [`sessions::authenticate`] (from a session cookie) and
//! [`Actor::for_cli`] (tests only, feature `test-support`) make one, and
//! every service that reads or writes a
//! person's data takes one, so no caller can skip the check.

pub mod admin;
mod cleanup;
pub mod email;
pub mod passwords;
pub mod sessions;
mod throttle;

use std::net::{IpAddr, Ipv4Addr};

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::CoreError;
use crate::db::entities::users;

pub use cleanup::{Swept, sweep};
pub use sessions::{NewSession, SESSION_DAYS, SessionIdle, authenticate, log_in, log_out};
pub use throttle::{CEILING, FREE_ATTEMPTS, MAX_DELAY_SECONDS};

/// The client address used when none is known (requests that did not
/// come over a socket, such as tests through the router): they all share
/// one throttle per name.
pub const UNKNOWN_CLIENT: IpAddr = IpAddr::V4(Ipv4Addr::UNSPECIFIED);

pub use polku_types::accounts::Role;

/// A signed-in person. Only [`sessions::authenticate`] and
/// [`Actor::for_cli`] (tests only) create one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    id: i32,
    username: String,
    display_name: Option<String>,
    role: Role,
}

impl Actor {
    fn from_row(user: &users::Model) -> Actor {
        Actor {
            id: user.id,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            role: Role::from_code(&user.role).unwrap_or(Role::Learner),
        }
    }

    /// The account's id.
    pub fn id(&self) -> i32 {
        self.id
    }

    /// The username.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The name to show: the display name, else the username.
    pub fn name(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.username)
    }

    /// The role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Refuses unless the actor has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), CoreError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(CoreError::Forbidden)
        }
    }

    /// The account `username`, without a session: for tests only. It
    /// exists with the `test-support` feature, which only the workspace's
    /// tests turn on, so no web handler can build an actor this way.
    #[cfg(feature = "test-support")]
    pub async fn for_cli<C: ConnectionTrait>(db: &C, username: &str) -> Result<Actor, CoreError> {
        let user = find_by_username(db, username)
            .await?
            .ok_or(CoreError::NotFound)?;
        Ok(Actor::from_row(&user))
    }
}

/// A random code of `len` characters without look-alikes (no 0/O, 1/I/L),
/// easy to read aloud and type on a phone.
pub(crate) fn random_code(len: usize) -> Result<String, CoreError> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).map_err(|e| CoreError::Internal(format!("random: {e}")))?;
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}

/// Which sign-in throttle rows are `username`'s (from any address): keys
/// are hashes, not the name.
pub fn throttle_rows(username: &str) -> sea_orm::Condition {
    throttle::rows_of(username)
}

/// What a sign-up form sends.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    /// 3–32 characters: letters, digits, `.`, `_`, `-`.
    pub username: String,
    /// 8–128 characters.
    pub password: String,
    /// Optional name to show instead of the username.
    pub display_name: Option<String>,
    /// Optional e-mail address.
    pub email: Option<String>,
}

/// The stored form of a username: trimmed and lower-case.
pub fn normalize_username(username: &str) -> String {
    username.trim().to_lowercase()
}

/// Checks a username (after [`normalize_username`]).
pub fn check_username(username: &str) -> Result<(), CoreError> {
    let length = username.chars().count();
    let allowed = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-');
    if !(3..=32).contains(&length) || !username.chars().all(allowed) {
        return Err(CoreError::Rejected("username_invalid"));
    }
    Ok(())
}

fn optional(value: Option<String>, max: usize) -> Result<Option<String>, CoreError> {
    let value = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    match value {
        Some(v) if v.chars().count() > max => Err(CoreError::Rejected("field_too_long")),
        other => Ok(other),
    }
}

async fn find_by_username<C: ConnectionTrait>(
    db: &C,
    username: &str,
) -> Result<Option<users::Model>, CoreError> {
    Ok(users::Entity::find()
        .filter(users::Column::Username.eq(normalize_username(username)))
        .one(db)
        .await?)
}

/// Creates an account with `role`. Usernames are unique regardless of
/// case. Returns the new account's id.
pub async fn create_account<C: ConnectionTrait>(
    db: &C,
    account: NewAccount,
    role: Role,
) -> Result<i32, CoreError> {
    let username = normalize_username(&account.username);
    check_username(&username)?;
    passwords::check_new(&account.password)?;
    let display_name = optional(account.display_name, 100)?;
    let email = check_email(account.email)?;
    if find_by_username(db, &username).await?.is_some() {
        return Err(CoreError::Rejected("username_taken"));
    }
    let password_hash = passwords::hash(account.password).await?;
    let row = users::ActiveModel {
        username: Set(username),
        display_name: Set(display_name),
        email: Set(email),
        password_hash: Set(password_hash),
        role: Set(role.code().to_owned()),
        created_at: Set(Utc::now()),
        last_active_at: Set(None),
        language: Set(None),
        email_kinds: Set(None),
        // Given, not left to the column's default: the row the insert
        // returns then has it (SQLite was seen to return NULL for a
        // defaulted column added by a later migration, now and then).
        email_bodies: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await
    // Two sign-ups with one name at once: the unique index decides.
    .map_err(|err| match err.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            CoreError::Rejected("username_taken")
        }
        _ => CoreError::Db(err),
    })?;
    Ok(row.id)
}

/// Sign-up from the public form: always a learner.
pub async fn sign_up<C: ConnectionTrait>(db: &C, account: NewAccount) -> Result<i32, CoreError> {
    create_account(db, account, Role::Learner).await
}

/// [`sign_up`], and signs the new account in (ending the browser's
/// `previous` session, if any). The password is hashed once: signing in
/// right after does not check it again.
pub async fn sign_up_and_in<C: ConnectionTrait>(
    db: &C,
    account: NewAccount,
    previous: Option<&str>,
) -> Result<NewSession, CoreError> {
    let id = sign_up(db, account).await?;
    if let Some(old) = previous {
        log_out(db, old).await?;
    }
    sessions::start(db, id).await
}

/// Creates an admin, or makes an existing account an admin with a new
/// password (the `polku create-admin` command).
pub async fn ensure_admin<C: ConnectionTrait>(
    db: &C,
    username: &str,
    password: &str,
) -> Result<i32, CoreError> {
    match find_by_username(db, username).await? {
        None => {
            let account = NewAccount {
                username: username.to_owned(),
                password: password.to_owned(),
                ..Default::default()
            };
            create_account(db, account, Role::Admin).await
        }
        Some(user) => {
            passwords::check_new(password)?;
            let id = user.id;
            let mut row: users::ActiveModel = user.into();
            row.role = Set(Role::Admin.code().to_owned());
            row.password_hash = Set(passwords::hash(password.to_owned()).await?);
            row.update(db).await?;
            sessions::end_all(db, id).await?;
            Ok(id)
        }
    }
}

/// Checks the actor's password, throttled like sign-in (the same counts
/// per account and `client` address), so a session left open cannot be
/// used to guess the password.
async fn check_own_password<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    password: &str,
    client: IpAddr,
) -> Result<users::Model, CoreError> {
    let user = users::Entity::find_by_id(actor.id)
        .one(db)
        .await?
        .ok_or(CoreError::Unauthenticated)?;
    let key = throttle::key(&user.username, client);
    throttle::check(db, &key).await?;
    if passwords::verify(password.to_owned(), user.password_hash.clone()).await? {
        throttle::clear(db, &key).await?;
        Ok(user)
    } else {
        throttle::fail(db, &key).await?;
        Err(CoreError::Rejected("wrong_password"))
    }
}

/// Checks the actor's password (before erasing the account, say),
/// throttled like sign-in.
pub async fn confirm_password<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    password: &str,
    client: IpAddr,
) -> Result<(), CoreError> {
    check_own_password(db, actor, password, client)
        .await
        .map(|_| ())
}

/// Changes the actor's password after checking the current one (throttled
/// like sign-in). Every session of the account ends; a new one is
/// returned for this browser.
pub async fn change_password<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    current: &str,
    new: &str,
    client: IpAddr,
) -> Result<NewSession, CoreError> {
    passwords::check_new(new)?;
    let user = check_own_password(db, actor, current, client).await?;
    let mut row: users::ActiveModel = user.into();
    row.password_hash = Set(passwords::hash(new.to_owned()).await?);
    row.update(db).await?;
    sessions::end_all(db, actor.id).await?;
    sessions::start(db, actor.id).await
}

/// Remembers the site language the actor chose, so that what others
/// write for her (a coach's nudge) can be in her language.
pub async fn set_language<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    language: crate::Language,
) -> Result<(), CoreError> {
    users::Entity::update_many()
        .col_expr(
            users::Column::Language,
            sea_orm::sea_query::Expr::value(language.code()),
        )
        .filter(users::Column::Id.eq(actor.id))
        .exec(db)
        .await?;
    Ok(())
}

/// An optional e-mail address as typed: trimmed, empty as none, at most
/// 254 characters, one `@` with text on both sides, no spaces.
pub fn check_email(email: Option<String>) -> Result<Option<String>, CoreError> {
    let email = optional(email, 254)?;
    let plausible = |e: &str| {
        e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.is_empty() && !domain.contains('@')
        }) && !e.chars().any(char::is_whitespace)
    };
    if email.as_deref().is_some_and(|e| !plausible(e)) {
        return Err(CoreError::Rejected("email_invalid"));
    }
    Ok(email)
}

/// The shown names of accounts `ids` (those that exist), by id.
pub(crate) async fn names<C: ConnectionTrait>(
    db: &C,
    ids: Vec<i32>,
) -> Result<std::collections::HashMap<i32, String>, CoreError> {
    Ok(users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .all(db)
        .await?
        .iter()
        .map(|u| (u.id, u.shown_name()))
        .collect())
}
