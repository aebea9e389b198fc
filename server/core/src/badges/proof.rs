//! Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C
//! "Data Integrity EdDSA Cryptosuites v1.0"), and Ed25519 issuer keys as
//! Multikeys and `did:key`s.
//!
//! What is signed: SHA-256 of the canonical proof options (the proof
//! without `proofValue`, with the credential's `@context`) followed by
//! SHA-256 of the canonical credential without `proof`: 64 bytes, signed
//! with pure Ed25519. `proofValue` is base58btc multibase (`z…`). Proofs
//! are written as an array (the 1EdTech schema requires one).

use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::canon::{CanonError, canonicalize};

/// The cryptosuite.
pub const CRYPTOSUITE: &str = "eddsa-rdfc-2022";
/// Most proofs a credential may carry (of any suite). Each proof costs a
/// canonicalisation of its options and a signature check; more than this
/// is not a badge anyone issued but work someone wants done.
pub const MAX_PROOFS: usize = 2;
/// Multicodec prefix of an Ed25519 public key.
const ED25519_PUB: [u8; 2] = [0xed, 0x01];
/// Multicodec prefix of an Ed25519 private key (seed).
const ED25519_PRIV: [u8; 2] = [0x80, 0x26];

/// Why a proof cannot be made or does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The credential is not a JSON object.
    #[error("the credential is not a JSON object")]
    NotAnObject,
    /// Canonicalisation failed.
    #[error(transparent)]
    Canon(#[from] CanonError),
    /// More than [`MAX_PROOFS`] proofs.
    #[error("the credential has more than {MAX_PROOFS} proofs")]
    TooManyProofs,
    /// No `eddsa-rdfc-2022` proof.
    #[error("the credential has no eddsa-rdfc-2022 proof")]
    NoProof,
    /// The proof is malformed (field named).
    #[error("the proof is malformed: {0}")]
    Malformed(&'static str),
    /// The verification method cannot be resolved to a key.
    #[error("the signing key {0} is not known")]
    UnknownKey(String),
    /// The signature does not match: the credential was changed after
    /// signing, or signed with another key.
    #[error("the signature does not match the credential")]
    BadSignature,
}

/// An Ed25519 issuer key.
pub struct IssuerKey {
    signing: SigningKey,
}

impl std::fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IssuerKey({})", self.public_multibase())
    }
}

impl IssuerKey {
    /// A new random key.
    pub fn generate() -> Result<IssuerKey, getrandom::Error> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)?;
        Ok(IssuerKey::from_seed(seed))
    }

    /// The key of a 32-byte seed.
    pub fn from_seed(seed: [u8; 32]) -> IssuerKey {
        IssuerKey {
            signing: SigningKey::from_bytes(&seed),
        }
    }

    /// The private key as a Multikey (`z3u2…`), the form to store.
    pub fn secret_multibase(&self) -> String {
        multibase(&ED25519_PRIV, self.signing.as_bytes())
    }

    /// Reads [`secret_multibase`](Self::secret_multibase).
    pub fn from_secret_multibase(text: &str) -> Option<IssuerKey> {
        let bytes = decode_multibase(text.trim(), &ED25519_PRIV)?;
        Some(IssuerKey::from_seed(bytes))
    }

    /// The public key as a Multikey (`z6Mk…`).
    pub fn public_multibase(&self) -> String {
        multibase(&ED25519_PUB, self.signing.verifying_key().as_bytes())
    }

    /// The public key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The key as a `did:key` DID (`did:key:z6Mk…`): an issuer id that
    /// needs no hosting.
    pub fn did_key(&self) -> String {
        format!("did:key:{}", self.public_multibase())
    }

    /// The key's `did:key` verification method (`did:key:z6Mk…#z6Mk…`).
    pub fn did_key_method(&self) -> String {
        format!("{}#{}", self.did_key(), self.public_multibase())
    }
}

fn multibase(prefix: &[u8; 2], key: &[u8; 32]) -> String {
    let mut bytes = prefix.to_vec();
    bytes.extend_from_slice(key);
    format!("z{}", bs58::encode(bytes).into_string())
}

fn decode_multibase(text: &str, prefix: &[u8; 2]) -> Option<[u8; 32]> {
    let bytes = bs58::decode(text.strip_prefix('z')?).into_vec().ok()?;
    let key = bytes.strip_prefix(prefix.as_slice())?;
    <[u8; 32]>::try_from(key).ok()
}

/// The Ed25519 public key of a Multikey (`z6Mk…`).
pub fn public_key_from_multibase(text: &str) -> Option<VerifyingKey> {
    VerifyingKey::from_bytes(&decode_multibase(text, &ED25519_PUB)?).ok()
}

/// The key of a `did:key` verification method (its fragment, if any, must
/// name the same key).
pub fn did_key(method: &str) -> Option<VerifyingKey> {
    let rest = method.strip_prefix("did:key:")?;
    let (key, fragment) = rest.split_once('#').unwrap_or((rest, rest));
    (key == fragment).then_some(())?;
    public_key_from_multibase(key)
}

/// The bytes the signature is over, given the hash of the canonical
/// credential without its proof (computed once for every proof).
fn hash_data(unsecured_hash: &[u8], options: &Value) -> Result<Vec<u8>, ProofError> {
    let mut out = Sha256::digest(canonicalize(options)?.as_bytes()).to_vec();
    out.extend_from_slice(unsecured_hash);
    Ok(out)
}

/// SHA-256 of the canonical credential without its proof.
fn unsecured_hash(unsecured: &Value) -> Result<Vec<u8>, ProofError> {
    Ok(Sha256::digest(canonicalize(unsecured)?.as_bytes()).to_vec())
}

/// Adds an `eddsa-rdfc-2022` proof by `key`, named `verification_method`
/// (where verifiers find the public key), made at `created`.
pub fn sign(
    credential: &mut Value,
    key: &IssuerKey,
    verification_method: &str,
    created: DateTime<Utc>,
) -> Result<(), ProofError> {
    let map = credential.as_object_mut().ok_or(ProofError::NotAnObject)?;
    let existing = map.remove("proof");
    let unsecured = Value::Object(map.clone());
    let context = map.get("@context").cloned().unwrap_or(Value::Null);
    let mut proof = json!({
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created.to_rfc3339_opts(SecondsFormat::Secs, true),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    });
    let mut options = proof.clone();
    options["@context"] = context;
    let signature = key
        .signing
        .sign(&hash_data(&unsecured_hash(&unsecured)?, &options)?);
    proof["proofValue"] = Value::String(format!(
        "z{}",
        bs58::encode(signature.to_bytes()).into_string()
    ));
    let proofs = match existing {
        Some(Value::Array(mut list)) => {
            list.push(proof);
            list
        }
        Some(other) => vec![other, proof],
        None => vec![proof],
    };
    map.insert("proof".into(), Value::Array(proofs));
    Ok(())
}

/// A proof that held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedProof {
    /// Where the key came from.
    pub verification_method: String,
    /// When the proof says it was made.
    pub created: Option<String>,
}

/// Checks the credential's `eddsa-rdfc-2022` proofs (others are ignored):
/// at least one, and every one must hold; more than [`MAX_PROOFS`] proofs
/// of any kind are refused before any is checked. The credential is
/// canonicalised once, however many proofs it has. `resolve` gives the public key
/// of a verification method (`None`: unknown).
pub fn verify(
    credential: &Value,
    resolve: &dyn Fn(&str) -> Option<VerifyingKey>,
) -> Result<CheckedProof, ProofError> {
    let map = credential.as_object().ok_or(ProofError::NotAnObject)?;
    let proofs: Vec<&Value> = match map.get("proof") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    if proofs.len() > MAX_PROOFS {
        return Err(ProofError::TooManyProofs);
    }
    let ours: Vec<&Value> = proofs
        .into_iter()
        .filter(|p| p.get("cryptosuite").and_then(Value::as_str) == Some(CRYPTOSUITE))
        .collect();
    if ours.is_empty() {
        return Err(ProofError::NoProof);
    }
    let mut unsecured = map.clone();
    unsecured.remove("proof");
    let unsecured = Value::Object(unsecured);
    let context = map.get("@context").cloned().unwrap_or(Value::Null);
    let mut hash = None;
    let mut checked = None;
    for proof in ours {
        checked = Some(verify_one(&unsecured, &mut hash, &context, proof, resolve)?);
    }
    checked.ok_or(ProofError::NoProof)
}

fn verify_one(
    unsecured: &Value,
    hash: &mut Option<Vec<u8>>,
    context: &Value,
    proof: &Value,
    resolve: &dyn Fn(&str) -> Option<VerifyingKey>,
) -> Result<CheckedProof, ProofError> {
    let field = |name: &'static str| {
        proof
            .get(name)
            .and_then(Value::as_str)
            .ok_or(ProofError::Malformed(name))
    };
    if field("type")? != "DataIntegrityProof" {
        return Err(ProofError::Malformed("type"));
    }
    if field("proofPurpose")? != "assertionMethod" {
        return Err(ProofError::Malformed("proofPurpose"));
    }
    let method = field("verificationMethod")?;
    let value = field("proofValue")?;
    // A proof's own @context must be the start of the credential's.
    if let Some(own) = proof.get("@context") {
        let list = |v: &Value| match v {
            Value::Array(items) => items.clone(),
            other => vec![other.clone()],
        };
        let (own, all) = (list(own), list(context));
        if own.len() > all.len() || own[..] != all[..own.len()] {
            return Err(ProofError::Malformed("@context"));
        }
    }
    let signature = value
        .strip_prefix('z')
        .and_then(|v| bs58::decode(v).into_vec().ok())
        .and_then(|bytes| Signature::from_slice(&bytes).ok())
        .ok_or(ProofError::Malformed("proofValue"))?;
    let key = resolve(method).ok_or_else(|| ProofError::UnknownKey(method.to_owned()))?;
    let mut options = proof.clone();
    if let Some(map) = options.as_object_mut() {
        map.remove("proofValue");
        map.insert("@context".into(), context.clone());
    }
    let unsecured_hash = match hash {
        Some(done) => done,
        None => hash.insert(unsecured_hash(unsecured)?),
    };
    key.verify(&hash_data(unsecured_hash, &options)?, &signature)
        .map_err(|_| ProofError::BadSignature)?;
    Ok(CheckedProof {
        verification_method: method.to_owned(),
        created: proof
            .get("created")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_as_multikeys() {
        let key = IssuerKey::from_seed([7; 32]);
        assert!(key.public_multibase().starts_with("z6Mk"));
        let again = IssuerKey::from_secret_multibase(&key.secret_multibase()).unwrap();
        assert_eq!(again.public_multibase(), key.public_multibase());
        assert_eq!(
            public_key_from_multibase(&key.public_multibase()),
            Some(key.verifying_key())
        );
        assert_eq!(did_key(&key.did_key_method()), Some(key.verifying_key()));
        let other = IssuerKey::from_seed([8; 32]).public_multibase();
        let mixed = format!("did:key:{}#{other}", key.public_multibase());
        assert_eq!(did_key(&mixed), None, "fragment naming another key");
        assert!(IssuerKey::from_secret_multibase("not a key").is_none());
    }
}
