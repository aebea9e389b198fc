//! Issuing: one badge signed as an Open Badges 3.0 credential under this
//! site's `did:web` and stored, with its place in the revocation list.

use chrono::{Duration, SecondsFormat, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Set};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::keyring::Issuer;
use super::picture::default_picture_url;
use super::proof::sign;
use super::status::entry;
use super::wallet::localized;
use crate::content::BadgeSource;
use crate::db::entities::{badge_awards, courses, users};
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

/// What a badge is for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Origin<'a> {
    /// One of a course's badges (`course.toml`).
    Course(&'a courses::Model),
    /// The milestone of a level of pathway `pathway`, worded in
    /// `language` (a pathway has no language of its own: the learner's).
    Milestone {
        pathway: &'a str,
        language: Language,
    },
}

/// Signs and stores one badge for learner `user_id`, with `evidence` (an
/// array of OB 3.0 `Evidence`) if given.
pub(crate) async fn issue(
    db: &DatabaseConnection,
    ctx: &IssueContext<'_>,
    user_id: i32,
    origin: Origin<'_>,
    badge: &BadgeSource,
    evidence: Option<Value>,
) -> Result<badge_awards::Model, CoreError> {
    signed(db, ctx, user_id, origin, badge, evidence)
        .await?
        .store(db)
        .await
}

/// A badge signed and not yet stored (see [`signed`]).
#[derive(Debug)]
#[must_use = "a signed badge is issued only once stored"]
pub(crate) struct Signed(badge_awards::ActiveModel);

impl Signed {
    /// Stores the badge: one insert, in `conn`'s transaction if it is one.
    pub(crate) async fn store(
        self,
        conn: &impl ConnectionTrait,
    ) -> Result<badge_awards::Model, CoreError> {
        Ok(self.0.insert(conn).await?)
    }
}

/// Builds and signs one badge for learner `user_id`, with `evidence` (an
/// array of OB 3.0 `Evidence`) if given, without holding any write
/// transaction open: its number (its id and its index in the revocation
/// list) is taken first from the `badge` counter, committed on its own
/// (see [`crate::db::next_number`]); the badge is written only by
/// [`Signed::store`]. A number whose badge is never stored stays unused.
pub(crate) async fn signed(
    db: &DatabaseConnection,
    ctx: &IssueContext<'_>,
    user_id: i32,
    origin: Origin<'_>,
    badge: &BadgeSource,
    evidence: Option<Value>,
) -> Result<Signed, CoreError> {
    let user = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    let public = ctx.public_url;
    let (language, achievement_id, course_id, pathway_slug) = match origin {
        Origin::Course(course) => (
            crate::courses::default_language(course),
            format!("{public}/courses/{}/badges/{}", course.slug, badge.slug),
            Some(course.id),
            None,
        ),
        Origin::Milestone { pathway, language } => (
            language,
            format!("{public}/pathways/{pathway}/milestones/{}", badge.slug),
            None,
            Some(pathway.to_owned()),
        ),
    };
    let text = |map: &std::collections::BTreeMap<Language, String>| localized(map, language);
    let now = Utc::now();
    let valid_until = badge.valid_days.map(|d| now + Duration::days(i64::from(d)));
    let number = crate::db::next_number(db, "badge").await?;
    let id = i32::try_from(number)
        .map_err(|_| CoreError::Internal("badge numbers ran out".to_owned()))?;
    let evidence_text = evidence.as_ref().map(Value::to_string);
    let index = usize::try_from(id).unwrap_or_default();
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| CoreError::Internal(format!("random: {e}")))?;
    let salt: String = salt.iter().map(|b| format!("{b:02x}")).collect();
    let hashed = format!(
        "sha256${:x}",
        Sha256::digest(format!("{salt}polku-user:{}", user.id).as_bytes())
    );
    let name = super::revoke::shown_name(&user);
    let time = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let profile = Profile {
        id: ctx.issuer.did.clone(),
        kind: ["Profile"],
        name: ctx.issuer_name.to_owned(),
        url: None,
        image: None,
    };
    let picture = match (&badge.image, origin) {
        (Some(image), Origin::Course(course)) => {
            format!("{public}/media/{}/{image}", course.slug)
        }
        // Polku's default picture when the course gives none.
        _ => default_picture_url(public),
    };
    let credential = OpenBadgeCredential {
        context: [VC_CONTEXT, OB_CONTEXT],
        id: format!("{public}/badges/{id}"),
        kind: ["VerifiableCredential", "OpenBadgeCredential"],
        issuer: Profile {
            url: Some(format!("{public}/")),
            image: Some(Image {
                id: format!("{public}/pkg/favicon.svg"),
                kind: "Image",
                caption: None,
            }),
            ..profile.clone()
        },
        valid_from: time(now),
        valid_until: valid_until.map(time),
        awarded_date: time(now),
        name: text(&badge.name),
        description: text(&badge.description),
        credential_subject: AchievementSubject {
            kind: ["AchievementSubject"],
            identifier: vec![
                Identity {
                    kind: "IdentityObject",
                    identity_type: "name",
                    hashed: false,
                    identity_hash: name,
                    salt: None,
                },
                Identity {
                    kind: "IdentityObject",
                    identity_type: "identifier",
                    hashed: true,
                    identity_hash: hashed,
                    salt: Some(salt),
                },
            ]
            .into_iter()
            .chain(email_identity(ctx, &user)?)
            .collect(),
            achievement: Achievement {
                id: achievement_id,
                kind: ["Achievement"],
                achievement_type: "Badge",
                name: text(&badge.name),
                description: text(&badge.description),
                criteria: Criteria {
                    narrative: text(&badge.criteria),
                },
                in_language: language.code(),
                creator: profile,
                image: Image {
                    id: picture,
                    kind: "Image",
                    caption: Some(text(&badge.name)),
                },
                alignment: badge
                    .alignment
                    .iter()
                    .filter_map(|a| {
                        Some(Alignment {
                            kind: ["Alignment"],
                            target_name: a.name.clone(),
                            target_url: a.url.clone()?,
                            target_framework: a.framework.clone(),
                            target_code: a.code.clone(),
                        })
                    })
                    .collect(),
            },
        },
        credential_status: entry(&status_list_url(public), index),
        evidence,
    };
    let mut credential = serde_json::to_value(&credential)
        .map_err(|e| CoreError::Internal(format!("a badge as JSON: {e}")))?;
    let (key_id, key) = ctx.issuer.keyring.current();
    let method = format!("{}#{key_id}", ctx.issuer.did);
    sign(&mut credential, key, &method, now)
        .map_err(|e| CoreError::Internal(format!("signing a badge: {e}")))?;
    Ok(Signed(badge_awards::ActiveModel {
        id: Set(id),
        user_id: Set(user_id),
        course_id: Set(course_id),
        pathway_slug: Set(pathway_slug),
        badge_slug: Set(badge.slug.clone()),
        credential: Set(credential.to_string()),
        issued_at: Set(now),
        valid_until: Set(valid_until),
        evidence: Set(evidence_text),
        ..Default::default()
    }))
}

/// Her confirmed e-mail address as an `emailAddress` identity, salted and
/// hashed as Open Badges recipients are (`sha256$` of the address in lower
/// case followed by the salt), when the site names holders so.
fn email_identity(
    ctx: &IssueContext<'_>,
    user: &users::Model,
) -> Result<Option<Identity>, CoreError> {
    let Some(email) = user
        .email
        .as_deref()
        .filter(|_| ctx.issuer.email_recipients && user.email_confirmed_at.is_some())
    else {
        return Ok(None);
    };
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| CoreError::Internal(format!("random: {e}")))?;
    let salt: String = salt.iter().map(|b| format!("{b:02x}")).collect();
    Ok(Some(Identity {
        kind: "IdentityObject",
        identity_type: "emailAddress",
        hashed: true,
        identity_hash: email_hash(email, &salt),
        salt: Some(salt),
    }))
}

/// The `identityHash` of e-mail address `email` with `salt`.
pub fn email_hash(email: &str, salt: &str) -> String {
    let normal = email.trim().to_lowercase();
    format!(
        "sha256${:x}",
        Sha256::digest(format!("{normal}{salt}").as_bytes())
    )
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

/// The contexts every badge names (both bundled for canonicalisation).
const VC_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
const OB_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// An Open Badges 3.0 `OpenBadgeCredential` as Polku issues it (before
/// its proof): every field the 1EdTech schema requires, and the
/// recommended ones Polku knows.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct OpenBadgeCredential {
    #[serde(rename = "@context")]
    context: [&'static str; 2],
    id: String,
    #[serde(rename = "type")]
    kind: [&'static str; 2],
    issuer: Profile,
    valid_from: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    valid_until: Option<String>,
    awarded_date: String,
    name: String,
    description: String,
    credential_subject: AchievementSubject,
    /// A `BitstringStatusListEntry` (see [`super::status::entry`]).
    credential_status: Value,
    /// OB 3.0 `Evidence` a coach approved.
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<Value>,
}

/// A `Profile`: the issuer, and the achievement's creator.
#[derive(Debug, Clone, Serialize)]
struct Profile {
    id: String,
    #[serde(rename = "type")]
    kind: [&'static str; 1],
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<Image>,
}

/// An `Image`.
#[derive(Debug, Clone, Serialize)]
struct Image {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    caption: Option<String>,
}

/// The `AchievementSubject`: the learner (by name, and by a salted hash of
/// her account) and what she achieved.
#[derive(Debug, Serialize)]
struct AchievementSubject {
    #[serde(rename = "type")]
    kind: [&'static str; 1],
    identifier: Vec<Identity>,
    achievement: Achievement,
}

/// An `IdentityObject`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Identity {
    #[serde(rename = "type")]
    kind: &'static str,
    identity_type: &'static str,
    hashed: bool,
    identity_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    salt: Option<String>,
}

/// An `Achievement`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Achievement {
    id: String,
    #[serde(rename = "type")]
    kind: [&'static str; 1],
    achievement_type: &'static str,
    name: String,
    description: String,
    criteria: Criteria,
    in_language: &'static str,
    creator: Profile,
    image: Image,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    alignment: Vec<Alignment>,
}

/// `Criteria`: how it is earned, in words.
#[derive(Debug, Serialize)]
struct Criteria {
    narrative: String,
}

/// An `Alignment` to a competence framework.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Alignment {
    #[serde(rename = "type")]
    kind: [&'static str; 1],
    target_name: String,
    target_url: String,
    target_framework: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_code: Option<String>,
}
