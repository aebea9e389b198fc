//! Badges: a checked badge's verdict, the wallet, certificates, evidence.

use serde::{Deserialize, Serialize};

/// One technical check, for the list under the verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckView {
    /// `format`, `signature`, `issuer_key`, `dates`, `status`.
    pub kind: String,
    /// `passed`, `failed`, `not_checked`.
    pub result: String,
    /// Technical detail (English).
    pub detail: String,
}

/// A checked badge: the verdict, the checks and what the badge claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyView {
    /// `valid` (issued by this site), `valid_trusted` (by a trusted
    /// issuer), `issuer_not_verified`, `revoked`,
    /// `expired`, `not_yet_valid`, `tampered`, `not_a_badge`.
    pub outcome: String,
    pub checks: Vec<CheckView>,
    pub recipient: Option<String>,
    /// The issuer's name as this site knows it (its own, or its trust
    /// list's); `None` when the issuer is not verified.
    pub issuer_verified: Option<String>,
    /// The DID whose key made the intact signature.
    pub signer: Option<String>,
    /// When another site's revocation list was fetched (UTC).
    pub status_checked_at: Option<String>,
    /// The issuer's name as the badge gives it: a claim, shown as one.
    pub issuer_name: Option<String>,
    pub issuer_id: Option<String>,
    pub issued: Option<String>,
    pub valid_until: Option<String>,
    pub achievement: Option<String>,
    pub description: Option<String>,
    pub criteria: Option<String>,
    /// Competences it stands for.
    pub alignment: Vec<String>,
    /// Evidence: (what was done, a link to the work).
    pub evidence: Vec<(String, Option<String>)>,
    /// What was pasted (kept in the form).
    pub input: String,
    /// The applicant's e-mail address the checker typed (kept in the form).
    #[serde(default)]
    pub email: String,
    /// Whether the badge was issued to `email` (`None`: none typed, or
    /// the badge names no address to compare).
    #[serde(default)]
    pub email_match: Option<bool>,
}

/// A badge in its holder's wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletBadge {
    pub id: i32,
    pub name: String,
    /// Issued (`YYYY-MM-DD`).
    pub issued: String,
    /// Valid until (`YYYY-MM-DD`), if it ends.
    pub valid_until: Option<String>,
    /// Past its end date.
    pub expired: bool,
    /// Revoked: the date (`YYYY-MM-DD`) and the reason given.
    pub revoked: Option<(String, String)>,
    /// Its public link, while shared.
    pub share_url: Option<String>,
    /// "Add to LinkedIn profile", while shared.
    pub linkedin_url: Option<String>,
}

/// A printable certificate of a shared badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub id: i32,
    pub recipient: String,
    pub name: String,
    pub description: String,
    pub criteria: String,
    pub issuer: String,
    pub issued: String,
    pub valid_until: Option<String>,
    pub revoked: bool,
    /// The public link the QR code holds (none while not shared).
    pub share_url: Option<String>,
}

/// Evidence the learner sent for a badge of a course, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyEvidence {
    /// The badge's key.
    pub badge: String,
    /// `pending`, `approved` or `declined`.
    pub state: String,
    /// Sent (`YYYY-MM-DD`).
    pub sent: String,
    /// The coach's note (why declined, what to add).
    pub note: Option<String>,
    /// The learner holds the badge now (issued and not revoked).
    pub held: bool,
}
