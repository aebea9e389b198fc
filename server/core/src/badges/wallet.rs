//! The holder's wallet: her badges, their files (the picture with the
//! credential baked in, or the JSON), and sharing one by a public link.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::Value;

use super::picture::{default_picture, default_png};
use crate::accounts::Actor;
use crate::db::entities::{badge_awards, courses};
use crate::{CoreError, Language};

/// A badge as its holder sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldBadge {
    pub id: i32,
    pub badge_slug: String,
    /// The course's picture for it (a media path), if it has one.
    pub image: Option<String>,
    /// The badge's name (the course's default language).
    pub name: String,
    /// Its course (empty for a pathway's milestone).
    pub course_slug: String,
    pub issued_at: chrono::DateTime<Utc>,
    pub valid_until: Option<chrono::DateTime<Utc>>,
    /// When and why it was revoked.
    pub revoked: Option<(chrono::DateTime<Utc>, String)>,
    /// The signed credential (JSON).
    pub credential: String,
    /// The random part of its public link, while shared.
    pub share_token: Option<String>,
}

/// A text in `language`, else in any language the map has.
pub fn localized(map: &std::collections::BTreeMap<Language, String>, language: Language) -> String {
    map.get(&language)
        .or_else(|| map.values().next())
        .cloned()
        .unwrap_or_default()
}

/// A stored badge's name (as signed), else its slug.
pub(crate) fn badge_name(row: &badge_awards::Model) -> String {
    serde_json::from_str::<Value>(&row.credential)
        .ok()
        .and_then(|c| c["name"].as_str().map(str::to_owned))
        .unwrap_or_else(|| row.badge_slug.clone())
}

/// The actor's own badges, newest first.
pub async fn my_badges(
    db: &DatabaseConnection,
    actor: &Actor,
) -> Result<Vec<HeldBadge>, CoreError> {
    use sea_orm::QueryOrder;
    let rows = badge_awards::Entity::find()
        .filter(badge_awards::Column::UserId.eq(actor.id()))
        .order_by_desc(badge_awards::Column::IssuedAt)
        .all(db)
        .await?;
    held_badges(db, rows).await
}

/// The actor's badge `id` (`NotFound` for anyone else's).
pub async fn my_badge(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
) -> Result<HeldBadge, CoreError> {
    let row = badge_awards::Entity::find_by_id(id)
        .filter(badge_awards::Column::UserId.eq(actor.id()))
        .one(db)
        .await?;
    held_badge(db, row).await
}

/// One row as its holder sees it; `NotFound` for none.
async fn held_badge(
    db: &DatabaseConnection,
    row: Option<badge_awards::Model>,
) -> Result<HeldBadge, CoreError> {
    let row = row.ok_or(CoreError::NotFound)?;
    held_badges(db, vec![row])
        .await?
        .pop()
        .ok_or(CoreError::NotFound)
}

/// The badge shared under link token `token` (`NotFound` when no badge is
/// shared under it).
pub async fn shared_badge(db: &DatabaseConnection, token: &str) -> Result<HeldBadge, CoreError> {
    if token.is_empty() || token.len() > 64 {
        return Err(CoreError::NotFound);
    }
    let row = badge_awards::Entity::find()
        .filter(badge_awards::Column::ShareToken.eq(token))
        .one(db)
        .await?;
    held_badge(db, row).await
}

/// Starts (`true`) or stops sharing the actor's badge `id` by link. A new
/// link is made each time sharing starts, so a link once stopped stays
/// dead. Returns the token while shared.
pub async fn set_sharing(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
    share: bool,
) -> Result<Option<String>, CoreError> {
    let row = badge_awards::Entity::find_by_id(id)
        .filter(badge_awards::Column::UserId.eq(actor.id()))
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    if share && row.share_token.is_some() {
        return Ok(row.share_token);
    }
    // 26 characters from 31: about 129 bits, not guessable.
    let token = if share {
        Some(crate::accounts::random_code(26)?.to_lowercase())
    } else {
        None
    };
    let mut active: badge_awards::ActiveModel = row.into();
    active.share_token = Set(token.clone());
    active.update(db).await?;
    Ok(token)
}

async fn held_badges(
    db: &DatabaseConnection,
    rows: Vec<badge_awards::Model>,
) -> Result<Vec<HeldBadge>, CoreError> {
    let courses: HashMap<i32, courses::Model> = courses::Entity::find()
        .filter(courses::Column::Id.is_in(rows.iter().filter_map(|r| r.course_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let name = badge_name(&row);
            let course = row.course_id.and_then(|id| courses.get(&id));
            let image = course.and_then(|c| {
                crate::courses::badge_sources(c)
                    .into_iter()
                    .find(|b| b.slug == row.badge_slug)?
                    .image
            });
            HeldBadge {
                id: row.id,
                badge_slug: row.badge_slug.clone(),
                image,
                name,
                course_slug: course.map(|c| c.slug.clone()).unwrap_or_default(),
                issued_at: row.issued_at,
                valid_until: row.valid_until,
                revoked: row
                    .revoked_at
                    .map(|at| (at, row.revoked_reason.clone().unwrap_or_default())),
                credential: row.credential,
                share_token: row.share_token,
            }
        })
        .collect())
}

/// A badge file to download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadgeFile {
    /// The picture as PNG with the credential baked in.
    Png,
    /// The picture as SVG with the credential baked in.
    Svg,
    /// The credential itself.
    Json,
}

/// The file `kind` of a held badge: (content type, file name, bytes). The
/// picture is the course's when it is of that kind, else Polku's default.
pub async fn badge_file(
    db: &DatabaseConnection,
    badge: &HeldBadge,
    kind: BadgeFile,
) -> Result<(&'static str, String, Vec<u8>), CoreError> {
    let own = match &badge.image {
        Some(path) => crate::courses::media(db, &badge.course_slug, path)
            .await
            .ok(),
        None => None,
    };
    let name = format!("polku-{}", badge.badge_slug);
    let baking = |e: super::BakeError| CoreError::Internal(format!("baking a badge: {e}"));
    Ok(match kind {
        BadgeFile::Json => (
            "application/json",
            format!("{name}.json"),
            badge.credential.clone().into_bytes(),
        ),
        BadgeFile::Png => {
            let picture = own
                .filter(|m| m.content_type == "image/png")
                .map(|m| m.bytes)
                .unwrap_or_else(|| default_png().to_vec());
            let baked = super::bake::bake_png(&picture, &badge.credential).map_err(baking)?;
            ("image/png", format!("{name}.png"), baked)
        }
        BadgeFile::Svg => {
            let picture = own
                .filter(|m| m.content_type == "image/svg+xml")
                .and_then(|m| String::from_utf8(m.bytes).ok())
                .unwrap_or_else(|| default_picture(&badge.name));
            let baked = super::bake::bake_svg(&picture, &badge.credential).map_err(baking)?;
            ("image/svg+xml", format!("{name}.svg"), baked.into_bytes())
        }
    })
}
