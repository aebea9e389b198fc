//! Checking a badge someone shows: is it an Open Badges 3.0 credential,
//! is its proof intact, who made it (this site, an issuer this site
//! trusts, or someone it cannot vouch for: see [`super::trust`]), is it
//! within its dates, is it revoked. The answer is a verdict a person can
//! read (see [`Outcome`]) plus every check, what it found, and what the
//! badge says (who, what, when): what it *says* about its issuer is shown
//! as a claim, never as the verified issuer.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::canon::{CanonError, MAX_BYTES};
use super::proof::{ProofError, verify};
use super::trust::{Known, Standing};

/// The overall answer, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Not a badge: not JSON, not a credential, or unreadable.
    NotABadge,
    /// The proof does not match: changed after issuing, or a false proof.
    Tampered,
    /// The issuer is neither this site nor one it trusts, so who issued
    /// it, and the name it gives, cannot be confirmed; its revocation is
    /// not checked either. Either the signature is intact but made with a
    /// key nobody vouches for (a `did:key` anyone can make, or a key that
    /// is not the named issuer's; [`Verdict::signer`] names it), or the key
    /// belongs to an issuer this site does not trust and so never looks
    /// up (the signature check says "not checked").
    IssuerNotVerified,
    /// Withdrawn by its issuer (set in the issuer's revocation list).
    Revoked,
    /// Past its `validUntil`.
    Expired,
    /// Before its `validFrom`.
    NotYetValid,
    /// Everything checked holds, and the issuer is one this site trusts
    /// (named in [`Verdict::issuer_verified`] from the trust list).
    ValidTrusted,
    /// Everything checked holds, and this site issued it.
    Valid,
}

/// One technical check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// An Open Badges 3.0 credential with what it must have.
    Format,
    /// The Data Integrity proof (eddsa-rdfc-2022) over the whole credential.
    Signature,
    /// The signing key belongs to the issuer named in the credential.
    IssuerKey,
    /// `validFrom` / `validUntil` against now.
    Dates,
    /// Revocation (a status list).
    Status,
}

/// What a check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    Passed,
    Failed,
    /// Could not be checked (the detail says why).
    NotChecked,
}

/// A check and its detail (English, technical: shown under the verdict).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Check {
    pub kind: CheckKind,
    pub result: CheckResult,
    pub detail: String,
}

/// A competence a badge stands for (an OB 3.0 `Alignment`), as signed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Aligned {
    pub framework: Option<String>,
    pub code: Option<String>,
    pub name: Option<String>,
    pub url: Option<String>,
}

impl Aligned {
    /// "framework code name", the name in `language` when the competence
    /// is an entry of a bundled framework (see [`crate::frameworks`]),
    /// else as signed.
    pub fn text(&self, language: crate::Language) -> String {
        let bundled = self
            .framework
            .as_deref()
            .and_then(|f| crate::frameworks::resolve(f, self.code.as_deref(), self.url.as_deref()));
        let name = match bundled {
            Some((_, entry)) => Some(entry.name_in(language)),
            None => self.name.as_deref(),
        };
        // An ESCO skill's code is its URI: the name says it.
        let code = self
            .code
            .as_deref()
            .filter(|c| !c.starts_with("http://") && !c.starts_with("https://"));
        [self.framework.as_deref(), code, name]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// What the badge says, for the plain-language verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Claims {
    /// The recipient's name, if the badge carries one.
    pub recipient: Option<String>,
    pub issuer_name: Option<String>,
    pub issuer_id: Option<String>,
    pub issuer_url: Option<String>,
    /// `validFrom`.
    pub issued: Option<String>,
    /// `validUntil`.
    pub valid_until: Option<String>,
    pub achievement: Option<String>,
    pub description: Option<String>,
    /// How it was earned (the criteria narrative).
    pub criteria: Option<String>,
    /// Competences it stands for: "framework code name" each, as signed.
    pub alignment: Vec<String>,
    /// The same, field by field.
    pub aligned: Vec<Aligned>,
    /// Evidence in it: (what was done, a link to the work).
    pub evidence: Vec<(String, Option<String>)>,
    /// The e-mail addresses it names its holder by (`emailAddress`
    /// identities, usually salted hashes).
    pub recipient_emails: Vec<EmailIdentity>,
}

/// An `emailAddress` identity of a badge's holder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct EmailIdentity {
    pub hashed: bool,
    /// `sha256$…` when hashed, else the address.
    pub identity_hash: String,
    pub salt: Option<String>,
}

impl Claims {
    /// Whether the badge names `email` as its holder's address (case and
    /// surrounding spaces ignored): `None` when it names no address, or
    /// only in a hash Polku cannot compute (not SHA-256).
    pub fn issued_to_email(&self, email: &str) -> Option<bool> {
        let usable: Vec<&EmailIdentity> = self
            .recipient_emails
            .iter()
            .filter(|i| !i.hashed || i.identity_hash.to_ascii_lowercase().starts_with("sha256$"))
            .collect();
        if usable.is_empty() {
            return None;
        }
        let normal = email.trim().to_lowercase();
        Some(usable.iter().any(|i| {
            if i.hashed {
                let salt = i.salt.as_deref().unwrap_or("");
                super::issue::email_hash(&normal, salt).eq_ignore_ascii_case(&i.identity_hash)
            } else {
                i.identity_hash.trim().to_lowercase() == normal
            }
        }))
    }
}

/// The result of checking one badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Verdict {
    pub outcome: Outcome,
    pub checks: Vec<Check>,
    /// What the badge says (its issuer's name included: a claim).
    pub claims: Claims,
    /// The DID whose key made the (intact) signature, if any.
    pub signer: Option<String>,
    /// The issuer's name as this site knows it (its own name, or the
    /// trust list's), when the signer is this site or a trusted issuer.
    pub issuer_verified: Option<String>,
    /// When the issuer's revocation list was fetched (another site's
    /// list; `None` for this site's own, read at the time of the check).
    pub status_checked_at: Option<String>,
}

fn check(kind: CheckKind, result: CheckResult, detail: impl Into<String>) -> Check {
    Check {
        kind,
        result,
        detail: detail.into(),
    }
}

fn text(value: &Value, pointer: &str) -> Option<String> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Reads the claims a person needs to see.
fn claims(credential: &Value) -> Claims {
    let issuer_id = text(credential, "/issuer/id").or_else(|| text(credential, "/issuer"));
    let recipient = credential
        .pointer("/credentialSubject/identifier")
        .and_then(Value::as_array)
        .and_then(|ids| {
            ids.iter().find(|i| {
                i.get("identityType").and_then(Value::as_str) == Some("name")
                    && i.get("hashed").and_then(Value::as_bool) == Some(false)
            })
        })
        .and_then(|i| text(i, "/identityHash"))
        .or_else(|| text(credential, "/credentialSubject/name"));
    Claims {
        recipient,
        issuer_name: text(credential, "/issuer/name"),
        issuer_id,
        issuer_url: text(credential, "/issuer/url"),
        issued: text(credential, "/validFrom"),
        valid_until: text(credential, "/validUntil"),
        achievement: text(credential, "/credentialSubject/achievement/name"),
        description: text(credential, "/credentialSubject/achievement/description"),
        criteria: text(
            credential,
            "/credentialSubject/achievement/criteria/narrative",
        ),
        alignment: list(credential, "/credentialSubject/achievement/alignment")
            .map(|a| {
                ["/targetFramework", "/targetCode", "/targetName"]
                    .iter()
                    .filter_map(|p| text(a, p))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .filter(|a| !a.is_empty())
            .collect(),
        aligned: list(credential, "/credentialSubject/achievement/alignment")
            .map(|a| Aligned {
                framework: text(a, "/targetFramework"),
                code: text(a, "/targetCode"),
                name: text(a, "/targetName"),
                url: text(a, "/targetUrl"),
            })
            .collect(),
        recipient_emails: list(credential, "/credentialSubject/identifier")
            .filter(|i| text(i, "/identityType").as_deref() == Some("emailAddress"))
            .filter_map(|i| {
                Some(EmailIdentity {
                    hashed: i
                        .pointer("/hashed")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                    identity_hash: text(i, "/identityHash")?,
                    salt: text(i, "/salt"),
                })
            })
            .collect(),
        evidence: list(credential, "/evidence")
            .filter_map(|e| {
                let link = text(e, "/id")
                    .filter(|id| id.starts_with("https://") || id.starts_with("http://"));
                let what = text(e, "/narrative")
                    .or_else(|| text(e, "/description"))
                    .or_else(|| text(e, "/name"))
                    .or_else(|| link.clone())?;
                Some((what, link))
            })
            .collect(),
    }
}

/// The items at `pointer`: an array's, or a single value.
fn list<'a>(value: &'a Value, pointer: &str) -> impl Iterator<Item = &'a Value> {
    let items: Vec<&Value> = match value.pointer(pointer) {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    items.into_iter()
}

/// What an Open Badges 3.0 credential must have; the first thing missing.
fn format_problem(c: &Value) -> Option<&'static str> {
    let types = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect(),
            Some(Value::String(one)) => vec![one.clone()],
            _ => Vec::new(),
        }
    };
    let contexts = types(c.get("@context"));
    if contexts.first().map(String::as_str) != Some("https://www.w3.org/ns/credentials/v2") {
        return Some("@context must start with https://www.w3.org/ns/credentials/v2");
    }
    if !contexts
        .iter()
        .any(|c| c.starts_with("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0."))
    {
        return Some("@context must include the Open Badges 3.0 context");
    }
    let kinds = types(c.get("type"));
    if !kinds.iter().any(|t| t == "VerifiableCredential")
        || !kinds
            .iter()
            .any(|t| t == "OpenBadgeCredential" || t == "AchievementCredential")
    {
        return Some("type must include VerifiableCredential and OpenBadgeCredential");
    }
    if c.get("issuer").is_none() {
        return Some("issuer is missing");
    }
    if text(c, "/validFrom").is_none() {
        return Some("validFrom is missing");
    }
    if c.pointer("/credentialSubject/achievement").is_none() {
        return Some("credentialSubject.achievement is missing");
    }
    None
}

fn date(value: &Option<String>) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value.as_deref()?)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// The verdict on something that is not a badge, saying why.
fn not_a_badge(detail: String) -> Verdict {
    Verdict {
        outcome: Outcome::NotABadge,
        checks: vec![check(CheckKind::Format, CheckResult::Failed, detail)],
        claims: Claims::default(),
        signer: None,
        issuer_verified: None,
        status_checked_at: None,
    }
}

/// What the revocation check found.
struct Status {
    check: Check,
    revoked: bool,
    /// When the list read was fetched (another site's).
    checked_at: Option<String>,
}

/// The revocation check of a credential's `credentialStatus` (one entry or
/// several), against lists whose issuer is `issuer` (the badge's verified
/// issuer) only.
fn status_check(credential: &Value, issuer: &str, known: &Known) -> Status {
    let status = |check: Check, revoked: bool, checked_at: Option<String>| Status {
        check,
        revoked,
        checked_at,
    };
    let entries: Vec<&Value> = match credential.get("credentialStatus") {
        None => {
            return status(
                check(
                    CheckKind::Status,
                    CheckResult::NotChecked,
                    "the badge names no revocation list",
                ),
                false,
                None,
            );
        }
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
    };
    let mut unread = Vec::new();
    let mut read = Vec::new();
    let mut checked_at = None;
    for entry in entries {
        if text(entry, "/type").as_deref() != Some("BitstringStatusListEntry")
            || text(entry, "/statusPurpose").as_deref() != Some("revocation")
        {
            continue;
        }
        let (Some(url), Some(index)) = (
            text(entry, "/statusListCredential"),
            text(entry, "/statusListIndex").and_then(|i| i.parse::<usize>().ok()),
        ) else {
            return status(
                check(
                    CheckKind::Status,
                    CheckResult::Failed,
                    "the revocation entry has no list or no index",
                ),
                false,
                None,
            );
        };
        match known.revoked(issuer, &url, index) {
            Some((true, at)) => {
                return status(
                    check(
                        CheckKind::Status,
                        CheckResult::Failed,
                        format!("revoked: entry {index} of {url} is set"),
                    ),
                    true,
                    at,
                );
            }
            Some((false, at)) => {
                read.push(format!("entry {index} of {url} is not set"));
                checked_at = checked_at.or(at);
            }
            None => unread.push(url),
        }
    }
    if !unread.is_empty() {
        return status(
            check(
                CheckKind::Status,
                CheckResult::NotChecked,
                format!(
                    "no revocation list of {issuer} could be read at {}",
                    unread.join(", ")
                ),
            ),
            false,
            None,
        );
    }
    if read.is_empty() {
        return status(
            check(
                CheckKind::Status,
                CheckResult::NotChecked,
                "the badge names no revocation list",
            ),
            false,
            None,
        );
    }
    status(
        check(
            CheckKind::Status,
            CheckResult::Passed,
            format!("not revoked: {}", read.join("; ")),
        ),
        false,
        checked_at,
    )
}

/// Checks `text` (a badge as JSON) at time `now`, relying only on what
/// `known` holds: this site's keys and revocation list, the trust list,
/// and what was fetched from trusted issuers for this check.
pub fn check_badge(text: &str, known: &Known, now: DateTime<Utc>) -> Verdict {
    if text.len() > MAX_BYTES {
        return not_a_badge(CanonError::TooLarge.to_string());
    }
    let credential: Value = match serde_json::from_str(text.trim_start_matches('\u{feff}')) {
        Ok(v) => v,
        Err(err) => return not_a_badge(format!("not valid JSON: {err}")),
    };
    if let Some(problem) = format_problem(&credential) {
        return Verdict {
            claims: claims(&credential),
            ..not_a_badge(problem.to_owned())
        };
    }
    let claims = claims(&credential);
    let mut checks = vec![check(
        CheckKind::Format,
        CheckResult::Passed,
        "an Open Badges 3.0 credential (VC 2.0)",
    )];

    // The signature, with whichever key the proof names (if this site can
    // find it)…
    let proof = verify(&credential, &|method: &str| known.key(method));
    let mut outcome = Outcome::Valid;
    match &proof {
        Ok(p) => checks.push(check(
            CheckKind::Signature,
            CheckResult::Passed,
            format!("eddsa-rdfc-2022 proof by {}", p.verification_method),
        )),
        Err(ProofError::UnknownKey(method)) => {
            outcome = Outcome::IssuerNotVerified;
            checks.push(check(
                CheckKind::Signature,
                CheckResult::NotChecked,
                format!(
                    "the key {method} is neither this site's nor that of an issuer it trusts, so it was not looked up"
                ),
            ));
        }
        Err(ProofError::Canon(err)) => {
            return Verdict {
                claims,
                ..not_a_badge(err.to_string())
            };
        }
        Err(err @ ProofError::TooManyProofs) => {
            return Verdict {
                claims,
                ..not_a_badge(err.to_string())
            };
        }
        Err(err) => {
            outcome = Outcome::Tampered;
            checks.push(check(
                CheckKind::Signature,
                CheckResult::Failed,
                err.to_string(),
            ));
        }
    }
    // …then who that key belongs to: this site, a trusted issuer, or
    // someone this site cannot vouch for (whatever name the badge gives).
    let mut signer = None;
    let mut issuer_verified = None;
    if let Ok(p) = &proof {
        let controller = p.verification_method.split('#').next().unwrap_or_default();
        let named_issuer = claims.issuer_id.as_deref().unwrap_or_default();
        signer = Some(controller.to_owned());
        let standing = known.standing(controller);
        if controller != named_issuer {
            outcome = Outcome::IssuerNotVerified;
            checks.push(check(
                CheckKind::IssuerKey,
                CheckResult::Failed,
                format!("signed by {controller}, but the badge names {named_issuer} as its issuer"),
            ));
        } else {
            match standing {
                Standing::ThisSite(name) => {
                    checks.push(check(
                        CheckKind::IssuerKey,
                        CheckResult::Passed,
                        format!("a key of this site ({controller})"),
                    ));
                    issuer_verified = Some(name);
                }
                Standing::Trusted(name) => {
                    outcome = Outcome::ValidTrusted;
                    checks.push(check(
                        CheckKind::IssuerKey,
                        CheckResult::Passed,
                        format!("a key of {controller}, on this site's trust list as {name}"),
                    ));
                    issuer_verified = Some(name);
                }
                Standing::Unknown => {
                    outcome = Outcome::IssuerNotVerified;
                    checks.push(check(
                        CheckKind::IssuerKey,
                        CheckResult::NotChecked,
                        format!(
                            "the signature is {controller}'s, an issuer this site does not know: the name in the badge cannot be confirmed"
                        ),
                    ));
                }
            }
        }
    }
    // Dates.
    let (from, until) = (date(&claims.issued), date(&claims.valid_until));
    match (from, until) {
        (None, _) => {
            outcome = outcome_min(outcome, Outcome::NotABadge);
            checks.push(check(
                CheckKind::Dates,
                CheckResult::Failed,
                "validFrom is not a date-time",
            ));
        }
        (Some(from), _) if from > now => {
            outcome = outcome_min(outcome, Outcome::NotYetValid);
            checks.push(check(
                CheckKind::Dates,
                CheckResult::Failed,
                format!("valid from {from}, later than now"),
            ));
        }
        (_, Some(until)) if until < now => {
            outcome = outcome_min(outcome, Outcome::Expired);
            checks.push(check(
                CheckKind::Dates,
                CheckResult::Failed,
                format!("expired {until}"),
            ));
        }
        _ => checks.push(check(
            CheckKind::Dates,
            CheckResult::Passed,
            "within its validity",
        )),
    }
    // Revocation: only for a badge whose proof holds and whose issuer is
    // verified, and only in a list that issuer signed (a list cannot vouch
    // for a forged badge, nor condemn one; nobody else's list counts).
    let mut status_checked_at = None;
    match (&signer, &issuer_verified) {
        (Some(issuer), Some(_)) => {
            let status = status_check(&credential, issuer, known);
            if status.revoked {
                outcome = outcome_min(outcome, Outcome::Revoked);
            }
            status_checked_at = status.checked_at;
            checks.push(status.check);
        }
        (Some(_), None) => checks.push(check(
            CheckKind::Status,
            CheckResult::NotChecked,
            "revocation is checked only for a verified issuer, in its own list",
        )),
        _ => {}
    }
    Verdict {
        outcome,
        checks,
        claims,
        signer,
        issuer_verified,
        status_checked_at,
    }
}

/// As [`check_badge`], for a dropped file: a baked PNG or SVG, or JSON.
pub fn check_file(bytes: &[u8], known: &Known, now: DateTime<Utc>) -> Verdict {
    match super::bake::credential_in(bytes) {
        Ok(text) => check_badge(&text, known, now),
        Err(err) => not_a_badge(err.to_string()),
    }
}

/// The worse of two outcomes (the enum is ordered worst first).
fn outcome_min(a: Outcome, b: Outcome) -> Outcome {
    let rank = |o: Outcome| o as u8;
    if rank(b) < rank(a) { b } else { a }
}
