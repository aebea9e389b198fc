//! Skill badges as Open Badges 3.0 credentials (W3C Verifiable
//! Credentials 2.0 with an embedded `eddsa-rdfc-2022` Data Integrity
//! proof).
//!
//! This first part is the cryptography every later part stands on:
//! [`canon`] turns a JSON-LD credential into canonical N-Quads (RDFC-1.0)
//! with bundled contexts only and bounded work; [`proof`] signs and
//! verifies with Ed25519 keys; [`keyring`] keeps the issuer's keys (private,
//! rotatable, old public keys still published) and its `did:web` document.

pub mod approval;
pub mod award;
pub mod bake;
pub mod canon;
pub mod edit;
pub mod gate;
pub mod issue;
pub mod keyring;
pub mod picture;
pub mod proof;
pub mod requests;
pub mod revoke;
pub mod status;
pub mod trust;
pub mod verify;
pub mod wallet;

pub use bake::{BakeError, bake_png, bake_svg, credential_in};
pub use canon::{CanonError, canonicalize};
pub use keyring::{
    Issuer, Keyring, KeyringError, PublicKey, create_private, did_document, did_web,
    write_private_file,
};
pub use proof::{
    CheckedProof, IssuerKey, ProofError, did_key, public_key_from_multibase, sign, verify,
};
pub use trust::{Fetched, FetchedList, Known, Standing, TrustList};
pub use verify::{
    Check, CheckKind, CheckResult, Claims, Outcome, Verdict, check_badge, check_file,
};

/// The achievement's name in a stored credential (JSON), if it has one.
pub(crate) fn credential_name(credential: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(credential).ok()?;
    value
        .pointer("/credentialSubject/achievement/name")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
}
