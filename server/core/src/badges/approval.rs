//! Badges issue only from definitions an admin approved.
//!
//! A badge definition (its texts, rule, validity, picture and alignments,
//! from `course.toml` or the browser's badge editor) is approved as a
//! version: the SHA-256 of its JSON. The rule issues the current
//! definition once that version is approved; while an edited version
//! waits, the newest approved one keeps issuing; a badge never approved
//! issues nothing. Definitions imported by the operator (the server's
//! content folder at start-up, `polku import`) count as approved by the
//! operator; the browser's edits wait for an admin (listed on `/admin`).
//! Every approval is in the audit log.
//!
//! Nobody earns the badges of a course they author.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use sha2::{Digest, Sha256};

use crate::accounts::{Actor, Role};
use crate::audit::{self, Action};
use crate::content::BadgeSource;
use crate::db::entities::{badge_approvals, course_authors, courses};
use crate::{CoreError, Language};

pub use polku_types::admin::PendingBadge;

/// The version of a definition: SHA-256 (hex) of its JSON.
pub fn version(definition: &BadgeSource) -> String {
    let json = serde_json::to_string(definition).unwrap_or_default();
    format!("{:x}", Sha256::digest(json.as_bytes()))
}

/// Records every definition of `course_id` in `definitions` as approved by
/// `by` (`None`: the operator, importing content), unless that version
/// already is.
pub(crate) async fn approve_all<C: ConnectionTrait>(
    db: &C,
    course_id: i32,
    definitions: &[BadgeSource],
    by: Option<i32>,
) -> Result<(), CoreError> {
    for definition in definitions {
        approve_one(db, course_id, definition, by).await?;
    }
    Ok(())
}

async fn approve_one<C: ConnectionTrait>(
    db: &C,
    course_id: i32,
    definition: &BadgeSource,
    by: Option<i32>,
) -> Result<bool, CoreError> {
    let digest = version(definition);
    let known = badge_approvals::Entity::find()
        .filter(badge_approvals::Column::CourseId.eq(course_id))
        .filter(badge_approvals::Column::Slug.eq(&definition.slug))
        .filter(badge_approvals::Column::Digest.eq(&digest))
        .one(db)
        .await?;
    if known.is_some() {
        return Ok(false);
    }
    badge_approvals::ActiveModel {
        course_id: Set(course_id),
        slug: Set(definition.slug.clone()),
        digest: Set(digest.clone()),
        definition: Set(serde_json::to_string(definition).unwrap_or_default()),
        approved_by: Set(by),
        approved_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        by,
        Action::BadgeDefinitionApproved,
        None,
        Some(format!("{} {}", definition.slug, &digest[..12])),
    )
    .await?;
    Ok(true)
}

/// The definitions of `course` that issue now: per badge, the current one
/// if its version is approved, else the newest approved version; a badge
/// never approved is left out.
pub(crate) async fn issuing<C: ConnectionTrait>(
    db: &C,
    course: &courses::Model,
) -> Result<Vec<BadgeSource>, CoreError> {
    let current = crate::courses::badge_sources(course);
    if current.is_empty() {
        return Ok(current);
    }
    let approved = badge_approvals::Entity::find()
        .filter(badge_approvals::Column::CourseId.eq(course.id))
        .order_by_desc(badge_approvals::Column::Id)
        .all(db)
        .await?;
    Ok(current
        .into_iter()
        .filter_map(|definition| {
            let digest = version(&definition);
            if approved
                .iter()
                .any(|a| a.slug == definition.slug && a.digest == digest)
            {
                return Some(definition);
            }
            approved
                .iter()
                .find(|a| a.slug == definition.slug)
                .and_then(|a| serde_json::from_str(&a.definition).ok())
        })
        .collect())
}

/// Whether `user` authors course `course_id` (and so cannot earn its
/// badges).
pub(crate) async fn authors<C: ConnectionTrait>(
    db: &C,
    user: i32,
    course_id: i32,
) -> Result<bool, CoreError> {
    Ok(course_authors::Entity::find()
        .filter(course_authors::Column::UserId.eq(user))
        .filter(course_authors::Column::CourseId.eq(course_id))
        .one(db)
        .await?
        .is_some())
}

/// The badge definitions waiting for an admin's approval, by course
/// (admins only).
pub async fn pending<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    language: Language,
) -> Result<Vec<PendingBadge>, CoreError> {
    actor.require(&[Role::Admin])?;
    let approved = badge_approvals::Entity::find().all(db).await?;
    let mut out = Vec::new();
    for course in courses::Entity::find()
        .order_by_asc(courses::Column::Slug)
        .all(db)
        .await?
    {
        for definition in crate::courses::badge_sources(&course) {
            let digest = version(&definition);
            let mine =
                |a: &&badge_approvals::Model| a.course_id == course.id && a.slug == definition.slug;
            if approved.iter().filter(mine).any(|a| a.digest == digest) {
                continue;
            }
            let text = |map| super::wallet::localized(map, language);
            out.push(PendingBadge {
                course: course.slug.clone(),
                slug: definition.slug.clone(),
                name: text(&definition.name),
                criteria: text(&definition.criteria),
                lessons: definition.rule.lessons.clone().unwrap_or_default(),
                min_quiz_score: definition.rule.min_quiz_score,
                approval: definition.rule.approval,
                valid_days: definition.valid_days,
                replaces: approved.iter().any(|a| mine(&a)),
                version: digest,
            });
        }
    }
    Ok(out)
}

/// An admin approves version `digest` of badge `slug` of course `course`:
/// from now on the rule issues it. A version that is no longer the
/// current one is refused (`badge_changed`: someone edited it since).
pub async fn approve<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    course: &str,
    slug: &str,
    digest: &str,
) -> Result<(), CoreError> {
    actor.require(&[Role::Admin])?;
    let (course, _) = crate::courses::find_course(db, course).await?;
    let definition = crate::courses::badge_sources(&course)
        .into_iter()
        .find(|b| b.slug == slug)
        .ok_or(CoreError::NotFound)?;
    if version(&definition) != digest {
        return Err(CoreError::Rejected("badge_changed"));
    }
    approve_one(db, course.id, &definition, Some(actor.id())).await?;
    Ok(())
}
