//! Badges as the browser sees them: the verdict of a checked badge, the
//! holder's wallet (sharing by link, the certificate), and what coaches
//! do with badges (revoking, approving evidence).

use leptos::prelude::*;

/// The badge posted to `/verify` and its verdict, provided by the server
/// to the page it renders in answer.
#[derive(Debug, Clone)]
pub struct Submitted(pub VerifyView);

/// The snake_case name serde gives an enum value.
#[cfg(feature = "ssr")]
fn code<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The core verdict as the page shows it.
#[cfg(feature = "ssr")]
pub fn view_of(
    verdict: polku_core::badges::Verdict,
    input: String,
    language: polku_core::Language,
) -> VerifyView {
    let c = verdict.claims;
    VerifyView {
        outcome: code(verdict.outcome),
        checks: verdict
            .checks
            .into_iter()
            .map(|check| CheckView {
                kind: code(check.kind),
                result: code(check.result),
                detail: check.detail,
            })
            .collect(),
        recipient: c.recipient,
        issuer_verified: verdict.issuer_verified,
        signer: verdict.signer,
        status_checked_at: verdict.status_checked_at,
        issuer_name: c.issuer_name,
        issuer_id: c.issuer_id,
        issued: c.issued,
        valid_until: c.valid_until,
        achievement: c.achievement,
        description: c.description,
        criteria: c.criteria,
        // Bundled frameworks' competences in the reader's language.
        alignment: c.aligned.iter().map(|a| a.text(language)).collect(),
        evidence: c.evidence,
        input,
        email: String::new(),
        email_match: None,
    }
}

#[cfg(feature = "ssr")]
pub(super) fn issuing() -> Result<polku_core::badges::issue::Issuing, super::AppError> {
    super::state().map(|s| s.issuing.clone())
}

#[cfg(feature = "ssr")]
use super::day;
pub use polku_types::badges::{Certificate, CheckView, MyEvidence, VerifyView, WalletBadge};

/// The public link of a shared badge.
#[cfg(feature = "ssr")]
pub fn share_url(public_url: &str, token: &str) -> String {
    format!("{public_url}/verify?badge={token}")
}

/// LinkedIn's "add licence or certification" form, filled in.
#[cfg(feature = "ssr")]
fn linkedin_url(
    badge: &polku_core::badges::wallet::HeldBadge,
    issuer: &str,
    share: &str,
) -> String {
    use chrono::Datelike as _;
    let (year, month) = (
        badge.issued_at.year().to_string(),
        badge.issued_at.month().to_string(),
    );
    let mut pairs = vec![
        ("startTask", "CERTIFICATION_NAME".to_owned()),
        ("name", badge.name.clone()),
        ("organizationName", issuer.to_owned()),
        ("issueYear", year),
        ("issueMonth", month),
        ("certUrl", share.to_owned()),
        ("certId", badge.id.to_string()),
    ];
    if let Some(until) = badge.valid_until {
        pairs.push(("expirationYear", until.year().to_string()));
        pairs.push(("expirationMonth", until.month().to_string()));
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
        .finish();
    format!("https://www.linkedin.com/profile/add?{query}")
}

/// `POST /api/get_wallet`: the signed-in person's badges, newest first.
#[server(prefix = "/api", endpoint = "get_wallet", output = crate::api::TextJson)]
pub async fn get_wallet() -> Result<Vec<WalletBadge>, super::AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    let issuing = issuing()?;
    let now = chrono::Utc::now();
    Ok(polku_core::badges::wallet::my_badges(&db, &actor)
        .await?
        .into_iter()
        .map(|b| {
            let share = b
                .share_token
                .as_deref()
                .map(|token| share_url(&issuing.public_url, token));
            WalletBadge {
                id: b.id,
                issued: day(b.issued_at),
                valid_until: b.valid_until.map(day),
                expired: b.valid_until.is_some_and(|until| until < now),
                revoked: b.revoked.clone().map(|(at, why)| (day(at), why)),
                linkedin_url: share
                    .as_deref()
                    .map(|url| linkedin_url(&b, &issuing.issuer_name, url)),
                share_url: share,
                name: b.name,
            }
        })
        .collect())
}

/// `POST /api/share_badge` (form): starts (`share=true`) or stops sharing
/// one of the person's badges by link, then back to the wallet.
#[server(prefix = "/api", endpoint = "share_badge", output = crate::api::TextJson)]
pub async fn share_badge(id: i32, share: bool) -> Result<(), super::AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    polku_core::badges::wallet::set_sharing(&db, &actor, id, share).await?;
    leptos_axum::redirect(&format!("/badges?shared={share}#badge-{id}"));
    Ok(())
}

/// `POST /api/get_certificate`: the certificate of one of the person's
/// badges.
#[server(prefix = "/api", endpoint = "get_certificate", output = crate::api::TextJson)]
pub async fn get_certificate(id: i32) -> Result<Certificate, super::AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    let issuing = issuing()?;
    let badge = polku_core::badges::wallet::my_badge(&db, &actor, id).await?;
    let credential: serde_json::Value = serde_json::from_str(&badge.credential).unwrap_or_default();
    let text = |pointer: &str| {
        credential
            .pointer(pointer)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    Ok(Certificate {
        id,
        recipient: text("/credentialSubject/identifier/0/identityHash"),
        description: text("/credentialSubject/achievement/description"),
        criteria: text("/credentialSubject/achievement/criteria/narrative"),
        issuer: text("/issuer/name"),
        issued: day(badge.issued_at),
        valid_until: badge.valid_until.map(day),
        revoked: badge.revoked.is_some(),
        share_url: badge
            .share_token
            .as_deref()
            .map(|token| share_url(&issuing.public_url, token)),
        name: badge.name,
    })
}

/// `POST /api/check_shared`: the verdict on the badge shared under link
/// token `badge` (none: no badge is shared under it), checked like any
/// dropped badge, against the revocation list as it is now, under the same
/// limit of checks at once.
#[server(prefix = "/api", endpoint = "check_shared", output = crate::api::TextJson)]
pub async fn check_shared(
    badge: String,
    locale: Option<crate::i18n::Locale>,
) -> Result<Option<VerifyView>, super::AppError> {
    let db = super::db()?;
    let held = match polku_core::badges::wallet::shared_badge(&db, &badge).await {
        Ok(held) => held,
        Err(polku_core::CoreError::NotFound) => return Ok(None),
        Err(err) => return Err(err.into()),
    };
    let known = super::state()?.known_for(&held.credential).await?;
    // Under the check gate, as every badge check (503 when it stays full).
    let verdict = polku_core::badges::gate::check(move || {
        polku_core::badges::check_badge(&held.credential, &known, chrono::Utc::now())
    })
    .await?;
    Ok(Some(view_of(
        verdict,
        String::new(),
        locale.unwrap_or_default(),
    )))
}

/// `POST /api/get_my_evidence`: the signed-in learner's evidence in course
/// `course`, newest first (none when signed out).
#[server(prefix = "/api", endpoint = "get_my_evidence", output = crate::api::TextJson)]
pub async fn get_my_evidence(
    course: String,
    locale: crate::i18n::Locale,
) -> Result<Option<Vec<MyEvidence>>, super::AppError> {
    use polku_core::badges::requests::{RequestState, my_requests};
    let Some(actor) = super::accounts::session::actor().await? else {
        return Ok(None);
    };
    let db = super::db()?;
    let language = locale;
    let held: Vec<String> = polku_core::badges::wallet::my_badges(&db, &actor)
        .await?
        .into_iter()
        .filter(|b| b.course_slug == course && b.revoked.is_none())
        .map(|b| b.badge_slug)
        .collect();
    Ok(Some(
        my_requests(&db, &actor, &course, language)
            .await?
            .into_iter()
            .map(|r| MyEvidence {
                held: held.contains(&r.badge_slug),
                badge: r.badge_slug,
                state: match r.state {
                    RequestState::Pending => "pending",
                    RequestState::Approved => "approved",
                    RequestState::Declined => "declined",
                }
                .to_owned(),
                sent: day(r.submitted_at),
                note: r.coach_note,
            })
            .collect(),
    ))
}

/// `POST /api/send_evidence` (form): sends evidence for badge `badge` of
/// course `course` to the learner's coaches; back to the course page (what
/// was typed kept if it is refused).
#[server(prefix = "/api", endpoint = "send_evidence", output = crate::api::TextJson)]
pub async fn send_evidence(
    course: String,
    badge: String,
    text: String,
    link: String,
) -> Result<(), super::AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    let path = format!("/courses/{course}");
    match polku_core::badges::requests::submit(&db, &actor, &course, &badge, &text, &link).await {
        Ok(_) => leptos_axum::redirect(&format!("{path}?sent={badge}#badge-{badge}")),
        Err(polku_core::CoreError::Rejected(code)) => {
            let query = form_urlencoded::Serializer::new(String::new())
                .extend_pairs([
                    ("error", code),
                    ("badge", badge.as_str()),
                    ("text", text.as_str()),
                    ("link", link.as_str()),
                ])
                .finish();
            leptos_axum::redirect(&format!("{path}?{query}#badge-{badge}"));
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}
