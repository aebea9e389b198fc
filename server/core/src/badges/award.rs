//! Issuing badges: when a learner's progress meets a badge's rule, the
//! badge is issued at once as a signed Open Badges 3.0 credential and kept
//! for them.

use std::collections::{BTreeSet, HashMap};

use chrono::{Duration, SecondsFormat, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set, TransactionSession, TransactionTrait,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::keyring::Issuer;
use super::proof::sign;
use super::status::entry;
use crate::accounts::Actor;
use crate::content::BadgeSource;
use crate::db::entities::{
    badge_awards, courses, lesson_progress, lesson_texts, quiz_attempts, users,
};
use crate::{CoreError, Language};

/// Who issues, as badges name it.
#[derive(Debug, Clone, Copy)]
pub struct IssueContext<'a> {
    /// The deployment's identity and keys.
    pub issuer: &'a Issuer,
    /// The site's public address (no trailing slash).
    pub public_url: &'a str,
    /// The issuer's name shown on badges.
    pub issuer_name: &'a str,
}

/// The revocation list every badge of this site points at.
pub fn status_list_url(public_url: &str) -> String {
    format!("{public_url}/badges/status/1")
}

/// Issues every badge of course `course_id` whose rule the actor now
/// meets and which they neither hold nor had revoked (unless a coach
/// allowed it again), from its approved definition (see
/// [`super::approval`]); badges needing a coach's approval are not issued
/// here, and authors of the course earn none. Returns the badges issued
/// now.
pub async fn award_due(
    db: &DatabaseConnection,
    ctx: &IssueContext<'_>,
    actor: &Actor,
    course_id: i32,
) -> Result<Vec<badge_awards::Model>, CoreError> {
    match courses::Entity::find_by_id(course_id).one(db).await? {
        Some(course) => award_due_in(db, ctx, actor, &course).await,
        None => Ok(Vec::new()),
    }
}

/// [`award_due`] for a course already read.
pub(crate) async fn award_due_in(
    db: &DatabaseConnection,
    ctx: &IssueContext<'_>,
    actor: &Actor,
    course: &courses::Model,
) -> Result<Vec<badge_awards::Model>, CoreError> {
    let course_id = course.id;
    // Only approved definitions issue.
    let badges = super::approval::issuing(db, course).await?;
    // Most courses award nothing automatically: no further queries then.
    if badges.iter().all(|b| b.rule.approval) {
        return Ok(Vec::new());
    }
    // Nobody earns the badges of a course they author.
    if super::approval::authors(db, actor.id(), course_id).await? {
        return Ok(Vec::new());
    }
    // Not due: held (issued, not revoked), or revoked and not allowed
    // again by a coach or an admin (revocation sticks: the rule does not
    // simply issue it again).
    let held: BTreeSet<String> = badge_awards::Entity::find()
        .filter(badge_awards::Column::UserId.eq(actor.id()))
        .filter(badge_awards::Column::CourseId.eq(course_id))
        .all(db)
        .await?
        .into_iter()
        .filter(|a| a.revoked_at.is_none() || a.reissue_allowed_at.is_none())
        .map(|a| a.badge_slug)
        .collect();
    let due: Vec<&BadgeSource> = badges
        .iter()
        .filter(|b| !b.rule.approval && !held.contains(&b.slug))
        .collect();
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let lessons = crate::courses::active_lessons(db, course_id).await?;
    let done: BTreeSet<i32> = lesson_progress::Entity::find()
        .filter(lesson_progress::Column::UserId.eq(actor.id()))
        .filter(lesson_progress::Column::CourseId.eq(course_id))
        .filter(lesson_progress::Column::CompletedAt.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.lesson_id)
        .collect();
    let right: BTreeSet<(i32, i32)> = quiz_attempts::Entity::find()
        .filter(quiz_attempts::Column::UserId.eq(actor.id()))
        .filter(quiz_attempts::Column::CourseId.eq(course_id))
        .filter(quiz_attempts::Column::Correct.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.lesson_id, a.quiz_index))
        .collect();
    let default_language = course.default_language.clone();
    let quiz_counts: HashMap<i32, usize> = lesson_texts::Entity::find()
        .filter(lesson_texts::Column::LessonId.is_in(lessons.iter().map(|l| l.id)))
        .filter(lesson_texts::Column::Language.eq(&default_language))
        .all(db)
        .await?
        .into_iter()
        .map(|t| {
            let quizzes: Vec<Value> = serde_json::from_str(&t.quizzes).unwrap_or_default();
            (t.lesson_id, quizzes.len())
        })
        .collect();

    let mut issued = Vec::new();
    for badge in due {
        let required: Vec<i32> = match &badge.rule.lessons {
            None => lessons.iter().map(|l| l.id).collect(),
            Some(slugs) => lessons
                .iter()
                .filter(|l| slugs.contains(&l.slug))
                .map(|l| l.id)
                .collect(),
        };
        if required.is_empty() || !required.iter().all(|id| done.contains(id)) {
            continue;
        }
        if let Some(min) = badge.rule.min_quiz_score {
            let total: usize = required
                .iter()
                .map(|id| quiz_counts.get(id).copied().unwrap_or(0))
                .sum();
            let answered = right
                .iter()
                .filter(|(lesson, _)| required.contains(lesson))
                .count();
            if total > 0 && answered * 100 < usize::from(min) * total {
                continue;
            }
        }
        issued.push(issue(db, ctx, actor.id(), course, badge, None).await?);
    }
    Ok(issued)
}

/// Signs and stores one badge for learner `user_id`, with `evidence` (an
/// array of OB 3.0 `Evidence`) if given.
pub(crate) async fn issue<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    ctx: &IssueContext<'_>,
    user_id: i32,
    course: &courses::Model,
    badge: &BadgeSource,
    evidence: Option<Value>,
) -> Result<badge_awards::Model, CoreError> {
    let user = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    let language = crate::courses::default_language(course);
    let text = |map: &std::collections::BTreeMap<Language, String>| localized(map, language);
    let now = Utc::now();
    let valid_until = badge.valid_days.map(|d| now + Duration::days(i64::from(d)));
    let txn = db.begin().await?;
    // The row first: its id is the badge's place in the revocation list.
    let row = badge_awards::ActiveModel {
        user_id: Set(user_id),
        course_id: Set(course.id),
        badge_slug: Set(badge.slug.clone()),
        credential: Set(String::new()),
        issued_at: Set(now),
        valid_until: Set(valid_until),
        evidence: Set(evidence.as_ref().map(Value::to_string)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let index = usize::try_from(row.id).unwrap_or_default();
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| CoreError::Internal(format!("random: {e}")))?;
    let salt: String = salt.iter().map(|b| format!("{b:02x}")).collect();
    let hashed = format!(
        "sha256${:x}",
        Sha256::digest(format!("{salt}polku-user:{}", user.id).as_bytes())
    );
    let name = super::revoke::shown_name(&user);
    let public = ctx.public_url;
    let mut achievement = json!({
        "id": format!("{public}/courses/{}/badges/{}", course.slug, badge.slug),
        "type": ["Achievement"],
        "achievementType": "Badge",
        "name": text(&badge.name),
        "description": text(&badge.description),
        "criteria": { "narrative": text(&badge.criteria) },
        "inLanguage": language.code(),
        "creator": {
            "id": ctx.issuer.did,
            "type": ["Profile"],
            "name": ctx.issuer_name,
        },
        // Polku's default picture unless the course gives one (below).
        "image": {
            "id": default_picture_url(public),
            "type": "Image",
            "caption": text(&badge.name),
        },
    });
    let alignment: Vec<Value> = badge
        .alignment
        .iter()
        .filter_map(|a| {
            let url = a.url.as_ref()?;
            let mut item = json!({
                "type": ["Alignment"],
                "targetName": a.name,
                "targetUrl": url,
                "targetFramework": a.framework,
            });
            if let Some(code) = &a.code {
                item["targetCode"] = code.clone().into();
            }
            Some(item)
        })
        .collect();
    if !alignment.is_empty() {
        achievement["alignment"] = Value::Array(alignment);
    }
    if let Some(image) = &badge.image {
        achievement["image"] = json!({
            "id": format!("{public}/media/{}/{image}", course.slug),
            "type": "Image",
            "caption": text(&badge.name),
        });
    }
    let time = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let mut credential = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": format!("{public}/badges/{}", row.id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": ctx.issuer.did,
            "type": ["Profile"],
            "name": ctx.issuer_name,
            "url": format!("{public}/"),
            "image": { "id": format!("{public}/pkg/favicon.svg"), "type": "Image" },
        },
        "validFrom": time(now),
        "awardedDate": time(now),
        "name": text(&badge.name),
        "description": text(&badge.description),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {"type": "IdentityObject", "identityType": "name", "hashed": false, "identityHash": name},
                {"type": "IdentityObject", "identityType": "identifier", "hashed": true, "identityHash": hashed, "salt": salt}
            ],
            "achievement": achievement,
        },
        "credentialStatus": entry(&status_list_url(public), index),
    });
    if let Some(until) = valid_until {
        credential["validUntil"] = time(until).into();
    }
    if let Some(evidence) = evidence {
        credential["evidence"] = evidence;
    }
    let (key_id, key) = ctx.issuer.keyring.current();
    let method = format!("{}#{key_id}", ctx.issuer.did);
    sign(&mut credential, key, &method, now)
        .map_err(|e| CoreError::Internal(format!("signing a badge: {e}")))?;
    let mut active: badge_awards::ActiveModel = row.into();
    active.credential = Set(credential.to_string());
    let row = active.update(&txn).await?;
    txn.commit().await?;
    Ok(row)
}

/// What issuing needs, owned (kept in the server's state).
#[derive(Debug, Clone)]
pub struct Issuing {
    /// The deployment's identity and keys.
    pub issuer: std::sync::Arc<Issuer>,
    /// The site's public address (no trailing slash).
    pub public_url: String,
    /// The issuer's name shown on badges.
    pub issuer_name: String,
}

impl Issuing {
    /// The borrowed form [`award_due`] takes.
    pub fn context(&self) -> IssueContext<'_> {
        IssueContext {
            issuer: &self.issuer,
            public_url: &self.public_url,
            issuer_name: &self.issuer_name,
        }
    }
}

/// A badge as its holder sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldBadge {
    pub id: i32,
    pub badge_slug: String,
    /// The course's picture for it (a media path), if it has one.
    pub image: Option<String>,
    /// The badge's name (the course's default language).
    pub name: String,
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
        .filter(courses::Column::Id.is_in(rows.iter().map(|r| r.course_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let name = badge_name(&row);
            let course = courses.get(&row.course_id);
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

/// Where Polku's default badge picture is served (the achievement image
/// of badges whose course gives none).
pub fn default_picture_url(public_url: &str) -> String {
    format!("{public_url}/badges/default.png")
}

/// Polku's default badge picture as PNG (256 × 256): a blue disc with a
/// white ring and a tick, drawn once.
pub fn default_png() -> &'static [u8] {
    static PNG: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    PNG.get_or_init(|| {
        const SIZE: u32 = 256;
        let c = 128.0_f32;
        // Coverage of a pixel by a shape whose signed distance is `d`
        // (negative inside): a one-pixel soft edge.
        let cover = |d: f32| (0.5 - d).clamp(0.0, 1.0);
        let segment = |p: (f32, f32), a: (f32, f32), b: (f32, f32)| {
            let (abx, aby) = (b.0 - a.0, b.1 - a.1);
            let t =
                (((p.0 - a.0) * abx + (p.1 - a.1) * aby) / (abx * abx + aby * aby)).clamp(0.0, 1.0);
            ((p.0 - a.0 - t * abx).powi(2) + (p.1 - a.1 - t * aby).powi(2)).sqrt()
        };
        let mut pixels = Vec::with_capacity((SIZE * SIZE * 4) as usize);
        for y in 0..SIZE {
            for x in 0..SIZE {
                let p = (x as f32 + 0.5, y as f32 + 0.5);
                let r = ((p.0 - c).powi(2) + (p.1 - c).powi(2)).sqrt();
                let disc = cover(r - 120.0);
                let ring = cover((r - 104.0).abs() - 2.0);
                let tick = cover(
                    segment(p, (82.0, 132.0), (114.0, 164.0)).min(segment(
                        p,
                        (114.0, 164.0),
                        (176.0, 96.0),
                    )) - 8.0,
                );
                let white = ring.max(tick);
                let mix = |blue: f32| (blue * (1.0 - white) + 255.0 * white).round() as u8;
                pixels.extend_from_slice(&[
                    mix(10.0),
                    mix(88.0),
                    mix(168.0),
                    (disc * 255.0).round() as u8,
                ]);
            }
        }
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, SIZE, SIZE);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        // Drawn once: the smallest file is worth the time (slow links).
        encoder.set_compression(png::Compression::High);
        if let Ok(mut writer) = encoder.write_header() {
            let _ = writer.write_image_data(&pixels);
        }
        out
    })
}

/// A plain round badge picture with `name` on it (when a course gives no
/// picture), as SVG.
pub fn default_picture(name: &str) -> String {
    let mut escaped = String::new();
    let _ = pulldown_cmark_escape::escape_html(&mut escaped, name);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256" role="img" aria-label="{escaped}"><circle cx="128" cy="128" r="120" fill="#0a58a8"/><circle cx="128" cy="128" r="104" fill="none" stroke="#ffffff" stroke-width="4"/><text x="128" y="136" font-family="sans-serif" font-size="18" fill="#ffffff" text-anchor="middle">{escaped}</text></svg>"##
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_picture_is_a_small_256_pixel_png_that_bakes() {
        let png = default_png();
        println!("default picture: {} bytes", png.len());
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let reader = decoder.read_info().expect("a PNG");
        assert_eq!((reader.info().width, reader.info().height), (256, 256));
        assert!(png.len() < 16 * 1024, "{} bytes", png.len());
        let baked = crate::badges::bake_png(png, "{\"a\":1}").expect("bakes");
        assert_eq!(
            crate::badges::bake::read_png(&baked).expect("reads"),
            "{\"a\":1}"
        );
    }
}
