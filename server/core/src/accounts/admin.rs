//! Running the site: the list of accounts, roles, course authors, and
//! one-time password reset codes (no e-mail needed: a coach or an admin
//! gives the code to the learner, who sets a new password with it).

use std::net::IpAddr;

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use sha2::{Digest, Sha256};

use super::{Actor, NewSession, Role, find_by_username, passwords, sessions, throttle};
use crate::CoreError;
use crate::audit::{self, Action};
use crate::authz::Grant;
use crate::db::entities::{course_authors, reset_codes, users};

pub use polku_types::admin::UserRow;

/// How long a reset code works.
pub const RESET_CODE_HOURS: i64 = 48;

/// Every account, by username (admins only).
pub async fn list_users<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
) -> Result<Vec<UserRow>, CoreError> {
    actor.require(&[Role::Admin])?;
    let rows = users::Entity::find()
        .order_by_asc(users::Column::Username)
        .all(db)
        .await?;
    let authors = course_authors::Entity::find().all(db).await?;
    let courses = crate::db::entities::courses::Entity::find().all(db).await?;
    Ok(rows
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            authors: authors
                .iter()
                .filter(|a| a.user_id == u.id)
                .filter_map(|a| courses.iter().find(|c| c.id == a.course_id))
                .map(|c| c.slug.clone())
                .collect(),
            name: u.shown_name(),
            username: u.username,
            role: Role::from_code(&u.role).unwrap_or(Role::Learner),
            last_active: u.last_active_at.map(crate::dates::day),
        })
        .collect())
}

/// Gives the account of `grant` a role (an admin's grant; nobody changes
/// their own role, so the site always keeps its admin).
pub async fn set_role<C: ConnectionTrait>(
    db: &C,
    grant: Grant<users::Model>,
    role: Role,
) -> Result<(), CoreError> {
    let user = grant.target().clone();
    let id = user.id;
    if user.role == role.code() {
        return Ok(());
    }
    let mut row: users::ActiveModel = user.into();
    row.role = Set(role.code().to_owned());
    row.update(db).await?;
    super::sessions::changed(db).await?;
    audit::record(
        db,
        Some(grant.actor_id()),
        Action::RoleChanged,
        Some(id),
        Some(role.code().to_owned()),
    )
    .await
}

/// Makes the account of `grant` an author of a course, or not (an
/// admin's grant).
pub async fn set_course_author<C: ConnectionTrait>(
    db: &C,
    grant: Grant<users::Model>,
    course_slug: &str,
    author: bool,
) -> Result<(), CoreError> {
    let user_id = grant.target().id;
    let (course, _) = crate::courses::find_course(db, course_slug).await?;
    if author {
        course_authors::Entity::insert(course_authors::ActiveModel {
            course_id: Set(course.id),
            user_id: Set(user_id),
            ..Default::default()
        })
        .on_conflict_do_nothing_on([
            course_authors::Column::CourseId,
            course_authors::Column::UserId,
        ])
        .exec(db)
        .await?;
    } else {
        course_authors::Entity::delete_many()
            .filter(course_authors::Column::CourseId.eq(course.id))
            .filter(course_authors::Column::UserId.eq(user_id))
            .exec(db)
            .await?;
    }
    audit::record(
        db,
        Some(grant.actor_id()),
        Action::AuthorshipChanged,
        Some(user_id),
        Some(format!(
            "{} {}",
            course.slug,
            if author { "on" } else { "off" }
        )),
    )
    .await
}

fn digest(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    format!("{:x}", Sha256::digest(normal.as_bytes()))
}

/// A new one-time reset code for the account of `grant` (older codes stop
/// working); the policy in [`crate::authz`] decides who may: an admin,
/// or the coach a learner consented to; never for oneself, and staff only
/// by an admin. Shown once to the coach or admin; only its hash is stored.
pub async fn create_reset_code<C: ConnectionTrait>(
    db: &C,
    grant: Grant<users::Model>,
) -> Result<String, CoreError> {
    let user = grant.target();
    // 12 characters from 31 (about 59 bits), grouped 4-4-4 to read aloud.
    let raw = super::random_code(12)?;
    let code = format!("{}-{}-{}", &raw[0..4], &raw[4..8], &raw[8..12]);
    reset_codes::Entity::delete_many()
        .filter(reset_codes::Column::UserId.eq(user.id))
        .exec(db)
        .await?;
    reset_codes::ActiveModel {
        user_id: Set(user.id),
        code_hash: Set(digest(&code)),
        expires_at: Set(Utc::now() + Duration::hours(RESET_CODE_HOURS)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        Some(grant.actor_id()),
        Action::ResetCodeMade,
        Some(user.id),
        None,
    )
    .await?;
    Ok(code)
}

/// The account a reset code is asked for by username, as a resource of
/// the policy (unknown names answer `NotFound` like any other refusal).
pub async fn account_id<C: ConnectionTrait>(db: &C, username: &str) -> Result<i32, CoreError> {
    Ok(find_by_username(db, username)
        .await?
        .ok_or(CoreError::NotFound)?
        .id)
}

/// Sets a new password with a reset code and signs in. Wrong codes count
/// as failed sign-ins (throttled per username and `client` address); a
/// used code is gone, and every other session of the account ends.
pub async fn reset_password<C: ConnectionTrait>(
    db: &C,
    username: &str,
    code: &str,
    new_password: &str,
    client: IpAddr,
) -> Result<NewSession, CoreError> {
    let key = throttle::key(username, client);
    throttle::check(db, &key).await?;
    passwords::check_new(new_password)?;
    let user = find_by_username(db, username).await?;
    let found = match &user {
        Some(user) => reset_codes::Entity::find()
            .filter(reset_codes::Column::UserId.eq(user.id))
            .filter(reset_codes::Column::CodeHash.eq(digest(code)))
            .filter(reset_codes::Column::ExpiresAt.gt(Utc::now()))
            .one(db)
            .await?
            .is_some(),
        None => false,
    };
    let Some(user) = user.filter(|_| found) else {
        throttle::fail(db, &key).await?;
        return Err(CoreError::Rejected("reset_code_wrong"));
    };
    // Hashed before the code is used up, so that a busy server
    // (`CoreError::Busy`) leaves the code working for another try.
    let password_hash = passwords::hash(new_password.to_owned()).await?;
    reset_codes::Entity::delete_many()
        .filter(reset_codes::Column::UserId.eq(user.id))
        .exec(db)
        .await?;
    let id = user.id;
    let mut row: users::ActiveModel = user.into();
    row.password_hash = Set(password_hash);
    row.update(db).await?;
    throttle::clear(db, &key).await?;
    audit::record(db, Some(id), Action::ResetCodeUsed, Some(id), None).await?;
    sessions::end_all(db, id).await?;
    sessions::start(db, id).await
}
