//! Badges as the browser sees them: the verdict of a checked badge.

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
    /// `valid`, `expired`, `not_yet_valid`, `unknown_issuer`, `tampered`,
    /// `not_a_badge`.
    pub outcome: String,
    pub checks: Vec<CheckView>,
    pub recipient: Option<String>,
    pub issuer_name: Option<String>,
    pub issuer_id: Option<String>,
    pub issued: Option<String>,
    pub valid_until: Option<String>,
    pub achievement: Option<String>,
    pub description: Option<String>,
    pub criteria: Option<String>,
    /// What was pasted (kept in the form).
    pub input: String,
}

/// The badge posted to `/verify` and its verdict, provided by the server
/// to the page it renders in answer.
#[derive(Debug, Clone)]
pub struct Submitted(pub VerifyView);

/// The snake_case name serde gives an enum value.
#[cfg(feature = "ssr")]
fn code<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The core verdict as the page shows it.
#[cfg(feature = "ssr")]
pub fn view_of(verdict: polku_core::badges::Verdict, input: String) -> VerifyView {
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
        issuer_name: c.issuer_name,
        issuer_id: c.issuer_id,
        issued: c.issued,
        valid_until: c.valid_until,
        achievement: c.achievement,
        description: c.description,
        criteria: c.criteria,
        input,
    }
}
