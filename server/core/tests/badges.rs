//! Open Badges 3.0 proofs: the 1EdTech signed samples verify with Polku's
//! verifier; a credential Polku signs verifies, and any change to it, a
//! wrong key or bad input is refused with a clear reason, in bounded time.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use chrono::{TimeZone, Utc};
use ed25519_dalek::VerifyingKey;
use polku_core::badges::{
    BakeError, CanonError, CheckKind, CheckResult, Issuer, IssuerKey, Keyring, KeyringError, Known,
    Outcome, ProofError, bake_png, bake_svg, canonicalize, check_badge, check_file, credential_in,
    did_document, did_key, did_web, public_key_from_multibase, sign, verify,
};
use serde_json::{Value, json};

/// Copies of the 1EdTech signed samples (`shared/spec/ob3/samples`).
fn samples() -> PathBuf {
    Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("tests/fixtures/ob3")
}

/// did:key, or (as 1EdTech's samples do, and only in this test) a key
/// named by the fragment of an https verification method. Polku's own
/// verifier resolves https keys from its published issuer documents.
fn sample_resolver(method: &str) -> Option<VerifyingKey> {
    did_key(method).or_else(|| {
        let (_, fragment) = method.split_once('#')?;
        public_key_from_multibase(fragment)
    })
}

#[test]
fn the_1edtech_signed_samples_verify() {
    let expected: &[(&str, Result<(), &str>)] = &[
        ("1edtech-spec_linked-data-proof-ob_testvector.json", Ok(())),
        ("1edtech-validator_simple.json", Ok(())),
        ("1edtech-validator_complete.json", Ok(())),
        ("1edtech-validator_simple-did-key-method.json", Ok(())),
        ("1edtech-validator_simple-multiple-proofs.json", Ok(())),
        (
            "1edtech-validator_bitstring_credential-status-revoked.json",
            Ok(()),
        ),
        // Their proofs hold; what is wrong is the date or the status.
        ("1edtech-validator_simple-err-expired.json", Ok(())),
        ("1edtech-validator_simple-err-issued.json", Ok(())),
        (
            "1edtech-validator_simple-err-proof-value.json",
            Err("signature"),
        ),
        ("1edtech-validator_simple-err-proof-method.json", Err("key")),
        // Older formats (VC 1.1, eddsa-2022, Ed25519Signature2020).
        ("1edtech-validator_simple-eddsa-2022.json", Err("no proof")),
        (
            "1edtech-validator_credential-status-revoked.json",
            Err("no proof"),
        ),
    ];
    for (file, want) in expected {
        let text = std::fs::read_to_string(samples().join(file)).unwrap();
        let credential: Value = serde_json::from_str(&text).unwrap();
        let got = verify(&credential, &sample_resolver);
        match (want, &got) {
            (Ok(()), Ok(_)) => {}
            (Err("signature"), Err(ProofError::BadSignature)) => {}
            (Err("key"), Err(ProofError::UnknownKey(_))) => {}
            (Err("no proof"), Err(ProofError::NoProof)) => {}
            _ => panic!("{file}: expected {want:?}, got {got:?}"),
        }
    }
}

/// The name this site issues under in these tests.
const SITE_NAME: &str = "Polku, Kuopion työllisyyspalvelut";

/// What a check at the test site knows, its revocation list read now.
async fn known_now(db: &polku_core::db::DatabaseConnection, site: &Arc<Issuer>) -> Known {
    let mut known = Known::site(site.clone(), SITE_NAME, "https://polku.example");
    known.own_revoked = polku_core::badges::revoke::revoked_ids(db).await.unwrap();
    known
}

fn credential() -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": "urn:uuid:0b6f4f2a-5d6e-4f0b-9d39-2f3f3b0a1c11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": "https://polku.example/issuer",
            "type": ["Profile"],
            "name": "Polku, Kuopion työllisyyspalvelut",
            "url": "https://polku.example/"
        },
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2099-12-31T00:00:00Z",
        "name": "Sähköpostin turvallinen käyttö",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityHash": "sha256$c3b1e2f9a4d8a1b0e7f6c5d4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180",
                "identityType": "identifier",
                "hashed": true,
                "salt": "b1f0c2"
            }],
            "achievement": {
                "id": "https://polku.example/courses/digital-basics/badges/email",
                "type": ["Achievement"],
                "name": "Sähköpostin turvallinen käyttö",
                "description": "Osaa lähettää ja vastaanottaa sähköpostia ja tunnistaa huijausviestit.",
                "criteria": { "narrative": "Kaikki kurssin oppitunnit tehty ja tietovisat oikein." }
            }
        }
    })
}

/// Signed by `key`, which is also the issuer's id (a verifier checks that
/// the key's controller is the issuer).
fn signed(key: &IssuerKey) -> Value {
    let mut c = credential();
    c["issuer"]["id"] = key.did_key().into();
    let created = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    sign(&mut c, key, &key.did_key_method(), created).unwrap();
    c
}

/// A trust-file entry naming `key`'s did:key as the e2e tests' trusted
/// issuer (a name the badges themselves never give).
fn trust_entry(key: &IssuerKey) -> String {
    format!(
        "[[issuer]]\ndid = \"{}\"\nname = \"Testikunnan työllisyyspalvelut\"\n\n",
        key.did_key()
    )
}

/// Every string leaf, as a JSON pointer.
fn string_leaves(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::String(_) => out.push(at),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                string_leaves(item, format!("{at}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                string_leaves(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        _ => {}
    }
}

#[test]
fn a_signed_credential_verifies_and_any_change_breaks_it() {
    let key = IssuerKey::generate().unwrap();
    let c = signed(&key);
    let proof = &c["proof"][0];
    assert_eq!(proof["cryptosuite"], "eddsa-rdfc-2022");
    assert_eq!(proof["type"], "DataIntegrityProof");
    assert!(proof["proofValue"].as_str().unwrap().starts_with('z'));
    let checked = verify(&c, &did_key).unwrap();
    assert_eq!(checked.verification_method, key.did_key_method());

    // One character changed in any string, anywhere (also in the proof).
    let mut leaves = Vec::new();
    string_leaves(&c, String::new(), &mut leaves);
    assert!(leaves.len() > 20);
    for pointer in &leaves {
        if pointer.starts_with("/@context") {
            continue; // another context URL is refused as unknown, below
        }
        let mut changed = c.clone();
        let text = changed.pointer_mut(pointer).unwrap();
        let mut s = text.as_str().unwrap().to_owned();
        let last = s.pop().unwrap();
        s.push(if last == 'x' { 'y' } else { 'x' });
        *text = Value::String(s);
        assert!(
            verify(&changed, &did_key).is_err(),
            "a change at {pointer} went unnoticed"
        );
    }
    // A field added or removed.
    let mut added = c.clone();
    added["credentialSubject"]["achievement"]["image"] =
        json!({"id": "https://polku.example/x.png", "type": "Image"});
    assert_eq!(verify(&added, &did_key), Err(ProofError::BadSignature));
    let mut removed = c.clone();
    removed.as_object_mut().unwrap().remove("validUntil");
    assert_eq!(verify(&removed, &did_key), Err(ProofError::BadSignature));

    // Another key: named as the signer, or resolved for the same method.
    let other = IssuerKey::generate().unwrap();
    let wrong = |_: &str| Some(other.verifying_key());
    assert_eq!(verify(&c, &wrong), Err(ProofError::BadSignature));
    let mut claimed = c.clone();
    claimed["proof"][0]["verificationMethod"] = other.did_key_method().into();
    assert_eq!(verify(&claimed, &did_key), Err(ProofError::BadSignature));
    let unknown = |_: &str| None;
    assert!(matches!(
        verify(&c, &unknown),
        Err(ProofError::UnknownKey(_))
    ));

    // No proof at all.
    let mut bare = c.clone();
    bare.as_object_mut().unwrap().remove("proof");
    assert_eq!(verify(&bare, &did_key), Err(ProofError::NoProof));

    // For the independent verifier (e2e/badges-conformance.test.mjs).
    if let Ok(dir) = std::env::var("POLKU_CONFORMANCE_DIR") {
        let dir = Path::new(&dir);
        std::fs::create_dir_all(dir).unwrap();
        let write = |name: &str, value: &Value| {
            std::fs::write(dir.join(name), serde_json::to_string_pretty(value).unwrap()).unwrap();
        };
        write("polku-signed.json", &c);
        // The e2e server trusts this key (scripts/test.sh joins the
        // trust-*.toml pieces into its --trust-file).
        std::fs::write(dir.join("trust-signed.toml"), trust_entry(&key)).unwrap();
        let mut tampered = c.clone();
        tampered["credentialSubject"]["achievement"]["name"] = "Jotain muuta".into();
        write("polku-tampered.json", &tampered);
    }
}

#[test]
fn canonical_form_does_not_depend_on_key_order_or_whitespace() {
    let c = credential();
    let text = serde_json::to_string_pretty(&c).unwrap();
    let mut reordered: serde_json::Map<String, Value> = serde_json::Map::new();
    for (k, v) in c.as_object().unwrap().iter().rev() {
        reordered.insert(k.clone(), v.clone());
    }
    let a = canonicalize(&serde_json::from_str(&text).unwrap()).unwrap();
    let b = canonicalize(&Value::Object(reordered)).unwrap();
    assert_eq!(a, b);
    assert!(a.contains("<https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement>"));
}

#[test]
fn bad_input_is_refused_clearly_and_quickly() {
    let started = Instant::now();
    // An unknown context is never fetched.
    let mut c = credential();
    c["@context"][1] = "https://evil.example/context.json".into();
    assert_eq!(
        canonicalize(&c),
        Err(CanonError::UnknownContext(
            "https://evil.example/context.json".into()
        ))
    );
    // A term no context defines would go unsigned: refused.
    let mut c = credential();
    c["credentialSubject"]["achievement"]["secretLevel"] = "x".into();
    assert!(matches!(canonicalize(&c), Err(CanonError::UndefinedTerm(t)) if t == "secretLevel"));
    let mut c = credential();
    c["whatever"] = "x".into();
    assert!(matches!(
        canonicalize(&c),
        Err(CanonError::UndefinedTerm(_))
    ));
    // A relative id.
    let mut c = credential();
    c["id"] = "badge/1".into();
    assert!(matches!(canonicalize(&c), Err(CanonError::RelativeId(_))));
    // Deeply nested.
    let mut deep = json!("x");
    for _ in 0..100 {
        deep = json!({ "narrative": deep });
    }
    let mut c = credential();
    c["credentialSubject"]["achievement"]["criteria"] = deep;
    assert_eq!(canonicalize(&c), Err(CanonError::TooDeep));
    // Huge.
    let mut c = credential();
    c["name"] = "x".repeat(300 * 1024).into();
    assert_eq!(canonicalize(&c), Err(CanonError::TooLarge));
    // Many statements.
    let mut c = credential();
    c["credentialSubject"]["achievement"]["tag"] =
        (0..6_000).map(|i| Value::String(format!("t{i}"))).collect();
    assert_eq!(canonicalize(&c), Err(CanonError::TooComplex));
    // Not JSON-LD at all.
    assert_eq!(
        verify(&json!([1, 2, 3]), &did_key),
        Err(ProofError::NotAnObject)
    );
    assert!(matches!(
        canonicalize(&json!({"@context": 5})),
        Err(CanonError::Invalid(_))
    ));
    assert!(matches!(
        verify(&json!("text"), &did_key),
        Err(ProofError::NotAnObject)
    ));
    eprintln!("bad input refused in {:?}", started.elapsed());
}

#[test]
fn the_keyring_is_private_rotates_and_keeps_old_keys_verifying() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secrets/issuer-keys.json");
    let ring = Keyring::open_or_create(&path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "owner only");
    let (id, key) = ring.current();
    assert_eq!(id, "key-1");
    let first = key.public_multibase();
    drop(ring);
    let mut ring = Keyring::open_or_create(&path).unwrap();
    assert_eq!(
        ring.current().1.public_multibase(),
        first,
        "kept across restarts"
    );

    // A badge signed with key-1 under the site's did:web.
    let did = did_web("https://polku.example/");
    let mut old = credential();
    old["issuer"]["id"] = did.clone().into();
    let created = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let (id, key) = ring.current();
    sign(&mut old, key, &format!("{did}#{id}"), created).unwrap();

    // Rotation: key-2 signs from now on; key-1 stays published.
    assert_eq!(ring.rotate().unwrap(), "key-2");
    assert_eq!(ring.current().0, "key-2");
    assert_ne!(ring.current().1.public_multibase(), first);
    let keys = ring.public_keys();
    assert_eq!(keys.len(), 2);
    assert!(keys[0].retired.is_some() && keys[1].retired.is_none());
    let document = did_document(&did, &keys);
    assert_eq!(document["assertionMethod"].as_array().unwrap().len(), 2);
    assert_eq!(
        document["verificationMethod"][0]["publicKeyMultibase"],
        first
    );
    let ring = Keyring::open_or_create(&path).unwrap();
    let resolve = |method: &str| {
        method
            .strip_prefix(&format!("{did}#"))
            .and_then(|id| ring.find(id))
    };
    verify(&old, &resolve).unwrap();

    // For the independent verifier: the site's DID document and a badge
    // signed through it (e2e/badges-conformance.test.mjs).
    if let Ok(out) = std::env::var("POLKU_CONFORMANCE_DIR") {
        let out = Path::new(&out);
        std::fs::create_dir_all(out).unwrap();
        std::fs::write(out.join("did.json"), document.to_string()).unwrap();
        std::fs::write(out.join("polku-did-web.json"), old.to_string()).unwrap();
    }

    // Others may read the file: refused, saying how to fix it.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = Keyring::open_or_create(&path).unwrap_err();
    assert!(matches!(err, KeyringError::Exposed { .. }));
    assert!(err.to_string().contains("chmod 600"), "{err}");
    // Not a keyring.
    std::fs::write(&path, "{}").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(matches!(
        Keyring::open_or_create(&path),
        Err(KeyringError::Invalid { .. })
    ));
}

#[test]
fn the_verdict_names_what_is_wrong_in_words_a_person_can_act_on() {
    let dir = tempfile::tempdir().unwrap();
    let site =
        Arc::new(Issuer::open("https://polku.example", &dir.path().join("keys.json")).unwrap());
    let known = Known::site(site.clone(), SITE_NAME, "https://polku.example");
    let issue = |issuer_id: &str, key: &IssuerKey, method: &str| {
        let mut c = credential();
        c["issuer"]["id"] = issuer_id.into();
        c["credentialSubject"]["identifier"]
            .as_array_mut()
            .unwrap()
            .push(json!({"type": "IdentityObject", "identityType": "name", "hashed": false, "identityHash": "Maija Meikäläinen"}));
        let created = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        sign(&mut c, key, method, created).unwrap();
        c.to_string()
    };
    let now = Utc.with_ymd_and_hms(2027, 6, 1, 0, 0, 0).unwrap();
    let (id, key) = site.keyring.current();
    let ours = issue(&site.did, key, &format!("{}#{id}", site.did));

    let valid = check_badge(&ours, &known, now);
    assert_eq!(valid.outcome, Outcome::Valid, "{valid:#?}");
    assert_eq!(valid.claims.recipient.as_deref(), Some("Maija Meikäläinen"));
    assert_eq!(
        valid.claims.issuer_name.as_deref(),
        Some("Polku, Kuopion työllisyyspalvelut")
    );
    assert_eq!(
        valid.claims.achievement.as_deref(),
        Some("Sähköpostin turvallinen käyttö")
    );
    assert_eq!(valid.claims.issued.as_deref(), Some("2026-01-01T00:00:00Z"));
    assert!(valid.claims.criteria.is_some());
    let result = |v: &polku_core::badges::Verdict, kind: CheckKind| {
        v.checks.iter().find(|c| c.kind == kind).map(|c| c.result)
    };
    assert_eq!(
        result(&valid, CheckKind::Signature),
        Some(CheckResult::Passed)
    );
    assert_eq!(
        result(&valid, CheckKind::IssuerKey),
        Some(CheckResult::Passed)
    );
    assert_eq!(result(&valid, CheckKind::Dates), Some(CheckResult::Passed));
    assert_eq!(
        result(&valid, CheckKind::Status),
        Some(CheckResult::NotChecked)
    );
    // Named as this site knows itself, signed by its did:web.
    assert_eq!(valid.issuer_verified.as_deref(), Some(SITE_NAME));
    assert_eq!(valid.signer.as_deref(), Some(site.did.as_str()));

    // One character changed.
    let tampered = ours.replace("Sähköpostin turvallinen", "Sähköpostin turvallineN");
    assert_eq!(
        check_badge(&tampered, &known, now).outcome,
        Outcome::Tampered
    );
    // Dates.
    let later = Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0).unwrap();
    assert_eq!(check_badge(&ours, &known, later).outcome, Outcome::Expired);
    let earlier = Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap();
    assert_eq!(
        check_badge(&ours, &known, earlier).outcome,
        Outcome::NotYetValid
    );
    // Signed with a key that is not the site's, claiming to be the site's.
    let stranger = IssuerKey::generate().unwrap();
    let forged = issue(&site.did, &stranger, &format!("{}#{id}", site.did));
    assert_eq!(check_badge(&forged, &known, now).outcome, Outcome::Tampered);
    // A did:key that is not the issuer named in the badge.
    let mismatch = issue(&site.did, &stranger, &stranger.did_key_method());
    let verdict = check_badge(&mismatch, &known, now);
    assert_eq!(verdict.outcome, Outcome::IssuerNotVerified);
    assert_eq!(verdict.issuer_verified, None);
    assert_eq!(
        result(&verdict, CheckKind::IssuerKey),
        Some(CheckResult::Failed)
    );
    // A self-signed badge: a did:key the forger made, this site's name in
    // `issuer.name`, and this site's revocation list in credentialStatus.
    // The signature is real; the issuer is nobody this site knows: not
    // valid, its name only a claim, its status not read from our list.
    let self_signed = {
        let mut c: Value = serde_json::from_str(&issue(
            &stranger.did_key(),
            &stranger,
            &stranger.did_key_method(),
        ))
        .unwrap();
        c.as_object_mut().unwrap().remove("proof");
        c["credentialStatus"] = json!({
            "id": "https://polku.example/badges/status/1#7",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "7",
            "statusListCredential": "https://polku.example/badges/status/1",
        });
        let created = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        sign(&mut c, &stranger, &stranger.did_key_method(), created).unwrap();
        c.to_string()
    };
    let verdict = check_badge(&self_signed, &known, now);
    assert_eq!(verdict.outcome, Outcome::IssuerNotVerified, "{verdict:#?}");
    assert_eq!(verdict.issuer_verified, None);
    assert_eq!(verdict.signer.as_deref(), Some(stranger.did_key().as_str()));
    assert_eq!(
        verdict.claims.issuer_name.as_deref(),
        Some("Polku, Kuopion työllisyyspalvelut"),
        "the claim is shown as the badge's claim"
    );
    assert_eq!(
        result(&verdict, CheckKind::Status),
        Some(CheckResult::NotChecked),
        "our list does not vouch for someone else's badge"
    );
    // The same key on this site's trust list: valid, under the name the
    // list gives (never the badge's), its revocation still not read from
    // a list it did not sign.
    let mut trusting = known.clone();
    trusting
        .trusted
        .insert(&stranger.did_key(), "Testikunnan työllisyyspalvelut")
        .unwrap();
    let verdict = check_badge(&self_signed, &trusting, now);
    assert_eq!(verdict.outcome, Outcome::ValidTrusted, "{verdict:#?}");
    assert_eq!(
        verdict.issuer_verified.as_deref(),
        Some("Testikunnan työllisyyspalvelut")
    );
    assert_eq!(
        result(&verdict, CheckKind::Status),
        Some(CheckResult::NotChecked)
    );
    let mut revoked_here = trusting.clone();
    revoked_here.own_revoked.insert(7);
    assert_eq!(
        check_badge(&self_signed, &revoked_here, now).outcome,
        Outcome::ValidTrusted,
        "another issuer's badge is not revoked by this site's list"
    );
    // For the employer's view of a self-signed badge (e2e/verify.test.mjs):
    // its key is in no trust file.
    if let Ok(out) = std::env::var("POLKU_CONFORMANCE_DIR") {
        let out = Path::new(&out);
        std::fs::create_dir_all(out).unwrap();
        std::fs::write(out.join("polku-self-signed.json"), &self_signed).unwrap();
    }
    // Trusted but expired is expired.
    assert_eq!(
        check_badge(&self_signed, &trusting, later).outcome,
        Outcome::Expired
    );
    // Another site's key cannot be confirmed offline.
    let elsewhere = issue(
        "did:web:other.example",
        &stranger,
        "did:web:other.example#key-1",
    );
    assert_eq!(
        check_badge(&elsewhere, &known, now).outcome,
        Outcome::IssuerNotVerified
    );
    let vector = std::fs::read_to_string(
        samples().join("1edtech-spec_linked-data-proof-ob_testvector.json"),
    )
    .unwrap();
    assert_eq!(
        check_badge(&vector, &known, now).outcome,
        Outcome::IssuerNotVerified
    );

    // Not badges.
    for text in [
        "",
        "not json",
        "{}",
        "[1, 2]",
        r#"{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiableCredential"}"#,
        &"[".repeat(10_000),
        &format!("{{\"x\": \"{}\"}}", "y".repeat(300 * 1024)),
    ] {
        let verdict = check_badge(text, &known, now);
        assert_eq!(
            verdict.outcome,
            Outcome::NotABadge,
            "{}",
            &text[..text.len().min(40)]
        );
        assert!(!verdict.checks[0].detail.is_empty());
    }
    let mut unknown_context: Value = serde_json::from_str(&ours).unwrap();
    unknown_context["@context"]
        .as_array_mut()
        .unwrap()
        .push("https://evil.example/ctx.json".into());
    let verdict = check_badge(&unknown_context.to_string(), &known, now);
    assert_eq!(verdict.outcome, Outcome::NotABadge);
    assert!(
        verdict.checks[0].detail.contains("evil.example"),
        "{verdict:?}"
    );
}

/// A small RGBA PNG.
fn png_image() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, 8, 8);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        let pixels: Vec<u8> = (0..8 * 8 * 4).map(|i| (i * 7 % 256) as u8).collect();
        writer.write_image_data(&pixels).unwrap();
        writer.finish().unwrap();
    }
    out
}

const SVG: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><circle cx="32" cy="32" r="30" fill="#0a58a8"/></svg>
"##;

#[test]
fn baked_png_and_svg_badges_carry_a_credential_that_verifies() {
    let key = IssuerKey::generate().unwrap();
    let signed = signed(&key);
    let text = signed.to_string();
    let dir = tempfile::tempdir().unwrap();
    let site =
        Arc::new(Issuer::open("https://polku.example", &dir.path().join("keys.json")).unwrap());
    // Signed with a did:key this site trusts.
    let mut known = Known::site(site.clone(), SITE_NAME, "https://polku.example");
    known.trusted.insert(&key.did_key(), "Testikunta").unwrap();
    let now = Utc.with_ymd_and_hms(2027, 6, 1, 0, 0, 0).unwrap();

    let png = bake_png(&png_image(), &text).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    assert_eq!(credential_in(&png).unwrap(), text);
    assert_eq!(check_file(&png, &known, now).outcome, Outcome::ValidTrusted);
    // Baking again replaces the credential (one per image).
    let again = bake_png(&png, &text).unwrap();
    assert_eq!(credential_in(&again).unwrap(), text);
    eprintln!(
        "baked PNG: {} bytes (image {} bytes, credential {} bytes)",
        png.len(),
        png_image().len(),
        text.len()
    );

    let svg = bake_svg(SVG, &text).unwrap();
    assert!(svg.contains("xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\""));
    assert_eq!(credential_in(svg.as_bytes()).unwrap(), text);
    assert_eq!(
        check_file(svg.as_bytes(), &known, now).outcome,
        Outcome::ValidTrusted
    );
    assert!(
        matches!(bake_svg(&svg, &text), Err(BakeError::Svg(_))),
        "only one per image"
    );
    // "]]>" inside a JSON string cannot end the CDATA section.
    let tricky = json!({"name": "a ]]> b"}).to_string();
    let baked = bake_svg(SVG, &tricky).unwrap();
    let back: Value = serde_json::from_str(&credential_in(baked.as_bytes()).unwrap()).unwrap();
    assert_eq!(back["name"], "a ]]> b");

    // A changed baked credential fails; files without a badge are named.
    let changed = bake_png(&png_image(), &text.replace("turvallinen", "turvalline")).unwrap();
    assert_eq!(check_file(&changed, &known, now).outcome, Outcome::Tampered);
    assert_eq!(credential_in(&png_image()), Err(BakeError::NotBaked));
    assert_eq!(credential_in(SVG.as_bytes()), Err(BakeError::NotBaked));
    assert_eq!(credential_in(b"GIF89a...."), Err(BakeError::UnknownFormat));
    assert!(matches!(credential_in(&png[..60]), Err(BakeError::Png(_))));
    assert!(matches!(credential_in(b"<svg"), Err(BakeError::Svg(_))));
    let verdict = check_file(b"\x00\x01binary", &known, now);
    assert_eq!(verdict.outcome, Outcome::NotABadge);
    assert!(
        verdict.checks[0].detail.contains("not a PNG image"),
        "{verdict:?}"
    );
    // A decompression bomb is refused within the decoder's memory limit.
    let mut huge = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut huge, 20_000, 20_000);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        let mut writer = encoder.write_header().unwrap();
        writer
            .write_image_data(&vec![0u8; 20_000 / 8 * 20_000])
            .unwrap();
        writer.finish().unwrap();
    }
    assert!(huge.len() < 1_000_000, "{} bytes compressed", huge.len());
    assert!(matches!(
        credential_in(&huge),
        Err(BakeError::Png(_)) | Err(BakeError::NotBaked)
    ));

    if let Ok(out) = std::env::var("POLKU_CONFORMANCE_DIR") {
        let out = Path::new(&out);
        std::fs::create_dir_all(out).unwrap();
        std::fs::write(out.join("polku-badge.png"), &png).unwrap();
        std::fs::write(out.join("trust-baked.toml"), trust_entry(&key)).unwrap();
        std::fs::write(out.join("polku-badge.svg"), &svg).unwrap();
        std::fs::write(out.join("not-a-badge.png"), png_image()).unwrap();
    }
}

#[test]
fn a_badge_names_its_place_in_a_signed_status_list() {
    use polku_core::badges::status::{StatusList, entry, list_credential};
    let key = IssuerKey::generate().unwrap();
    let created = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let url = "https://polku.example/badges/status/1";
    let mut badge = credential();
    badge["issuer"]["id"] = key.did_key().into();
    badge["credentialStatus"] = entry(url, 42);
    sign(&mut badge, &key, &key.did_key_method(), created).unwrap();
    verify(&badge, &did_key).unwrap();

    let mut list = StatusList::new(0);
    let mut open = list_credential(url, &key.did_key(), "2026-01-01T00:00:00Z", &list);
    sign(&mut open, &key, &key.did_key_method(), created).unwrap();
    verify(&open, &did_key).unwrap();
    list.set(42, true);
    let mut revoked = list_credential(url, &key.did_key(), "2026-01-01T00:00:00Z", &list);
    sign(&mut revoked, &key, &key.did_key_method(), created).unwrap();
    let encoded = revoked["credentialSubject"]["encodedList"]
        .as_str()
        .unwrap();
    assert!(StatusList::decode(encoded).unwrap().get(42));

    // For the independent status check (e2e/badges-conformance.test.mjs).
    if let Ok(out) = std::env::var("POLKU_CONFORMANCE_DIR") {
        let out = Path::new(&out);
        std::fs::create_dir_all(out).unwrap();
        std::fs::write(out.join("status-badge.json"), badge.to_string()).unwrap();
        std::fs::write(out.join("status-list-open.json"), open.to_string()).unwrap();
        std::fs::write(out.join("status-list-revoked.json"), revoked.to_string()).unwrap();
    }
}

#[tokio::test]
async fn a_badge_is_issued_once_the_rule_is_met_and_verifies() {
    use polku_core::accounts::Role;
    use polku_core::badges::award::award_due;
    use polku_core::badges::issue::{IssueContext, status_list_url};
    for t in common::fresh_databases().await {
        let db = polku_core::db::open(&t.url).await.unwrap();
        common::import(&db, &common::fixture("valid")).await;
        let maija = account(&db, "maija", Some("Maija Meikäläinen"), Role::Learner).await;
        let dir = tempfile::tempdir().unwrap();
        let site =
            Arc::new(Issuer::open("https://polku.example", &dir.path().join("keys.json")).unwrap());
        let known = Known::site(site.clone(), SITE_NAME, "https://polku.example");
        let ctx = IssueContext {
            issuer: &site,
            public_url: "https://polku.example",
            issuer_name: "Polku, Testikunta",
        };
        let course_id = common::first_course_id(&db).await;
        // Nothing done yet: nothing issued.
        assert!(
            award_due(&db, &ctx, &maija, course_id)
                .await
                .unwrap()
                .is_empty()
        );
        polku_core::progress::set_done(&db, &maija, "first-course", "welcome", true)
            .await
            .unwrap();
        let issued = award_due(&db, &ctx, &maija, course_id).await.unwrap();
        // "first-steps" (the welcome lesson, no quizzes in it); not
        // "checked-work", which needs a coach's approval.
        assert_eq!(issued.len(), 1, "{}", t.backend);
        let award = &issued[0];
        assert_eq!(award.badge_slug, "first-steps");
        assert!(award.valid_until.is_some());
        // Issued once.
        assert!(
            award_due(&db, &ctx, &maija, course_id)
                .await
                .unwrap()
                .is_empty()
        );
        // Two requests earning it at the same moment (two tabs, two
        // instances): both answer, one badge is held.
        let pekka = account(&db, "pekka", None, Role::Learner).await;
        polku_core::progress::set_done(&db, &pekka, "first-course", "welcome", true)
            .await
            .unwrap();
        let (one, two) = tokio::join!(
            award_due(&db, &ctx, &pekka, course_id),
            award_due(&db, &ctx, &pekka, course_id)
        );
        assert_eq!(
            one.unwrap().len() + two.unwrap().len(),
            1,
            "{}: exactly one of the two issues it",
            t.backend
        );

        let now = Utc::now();
        let verdict = check_badge(&award.credential, &known, now);
        assert_eq!(verdict.outcome, Outcome::Valid, "{verdict:#?}");
        assert_eq!(
            verdict.claims.recipient.as_deref(),
            Some("Maija Meikäläinen")
        );
        assert_eq!(verdict.claims.achievement.as_deref(), Some("Ensiaskeleet"));
        assert!(
            verdict.claims.alignment[0].starts_with("DigComp 2.2"),
            "{:?}",
            verdict.claims.alignment
        );
        assert_eq!(
            verdict.claims.issuer_name.as_deref(),
            Some("Polku, Testikunta")
        );
        let credential: Value = serde_json::from_str(&award.credential).unwrap();
        assert_eq!(
            credential["credentialStatus"]["statusListIndex"],
            award.id.to_string()
        );
        assert_eq!(
            credential["credentialStatus"]["statusListCredential"],
            status_list_url("https://polku.example")
        );
        assert_eq!(
            credential["credentialSubject"]["achievement"]["alignment"][0]["targetFramework"],
            "DigComp 2.2"
        );
        assert_eq!(
            credential["issuer"]["image"]["id"],
            "https://polku.example/pkg/favicon.svg"
        );
        // Complete: what the 1EdTech spec recommends and Polku knows.
        let achievement = &credential["credentialSubject"]["achievement"];
        assert_eq!(achievement["achievementType"], "Badge");
        assert_eq!(achievement["inLanguage"], "fi");
        assert_eq!(achievement["creator"]["id"], credential["issuer"]["id"]);
        assert!(
            achievement["image"]["id"]
                .as_str()
                .is_some_and(|i| i.starts_with("https://polku.example/")),
            "{achievement}"
        );
        assert_eq!(credential["awardedDate"], credential["validFrom"]);
        assert!(credential["description"].is_string());
        let hashed = credential["credentialSubject"]["identifier"][1]["identityHash"]
            .as_str()
            .unwrap();
        assert!(hashed.starts_with("sha256$") && !hashed.contains("maija"));

        if let (Ok(out), "sqlite") = (std::env::var("POLKU_CONFORMANCE_DIR"), t.backend) {
            let out = Path::new(&out);
            std::fs::create_dir_all(out).unwrap();
            std::fs::write(out.join("issued.json"), &award.credential).unwrap();
            std::fs::write(out.join("issued-did.json"), site.did_document().to_string()).unwrap();
        }
    }
}

#[tokio::test]
async fn a_coach_revokes_with_a_reason_and_approves_evidence() {
    use common::act::{allow_reissue, decide, group_badges, group_requests, revoke};
    use polku_core::accounts::Role;
    use polku_core::badges::award::award_due;
    use polku_core::badges::issue::IssueContext;
    use polku_core::badges::requests::{Decision, RequestState, my_requests, submit};
    use polku_core::badges::revoke::signed_list;
    use polku_core::badges::status::StatusList;
    use polku_core::badges::wallet::my_badges;
    use polku_core::{CoreError, Language, coaching};
    for t in common::fresh_databases().await {
        let db = polku_core::db::open(&t.url).await.unwrap();
        common::import(&db, &common::fixture("valid")).await;
        let maija = &account(&db, "maija", None, Role::Learner).await;
        let kaisa = &account(&db, "kaisa", None, Role::Coach).await;
        let olli = &account(&db, "olli", None, Role::Coach).await;
        let group = coaching::create_group(&db, kaisa, "Tiistairyhmä")
            .await
            .unwrap();
        common::act::invite_accepted(&db, kaisa, group.id, maija).await;
        let dir = tempfile::tempdir().unwrap();
        let site =
            Arc::new(Issuer::open("https://polku.example", &dir.path().join("keys.json")).unwrap());
        let ctx = IssueContext {
            issuer: &site,
            public_url: "https://polku.example",
            issuer_name: "Polku, Testikunta",
        };
        // Marking the lesson done issues the badge it earns, in one step.
        let earned =
            polku_core::progress::mark_done(&db, &ctx, maija, "first-course", "welcome", true)
                .await
                .unwrap();
        assert_eq!(earned.len(), 1, "{}", t.backend);
        let course_id = common::first_course_id(&db).await;
        let award = earned[0].clone();
        let now = Utc::now();
        let known = known_now(&db, &site).await;
        assert_eq!(
            check_badge(&award.credential, &known, now).outcome,
            Outcome::Valid
        );

        // Only her coach revokes, and only with a reason; never herself.
        assert!(matches!(
            revoke(&db, olli, award.id, "syy").await,
            Err(CoreError::NotFound)
        ));
        assert!(matches!(
            revoke(&db, maija, award.id, "syy").await,
            Err(CoreError::Rejected("not_on_self"))
        ));
        assert!(matches!(
            revoke(&db, kaisa, award.id, "  ").await,
            Err(CoreError::Rejected("revoke_reason_missing"))
        ));
        assert!(matches!(
            revoke(&db, kaisa, 999_999, "syy").await,
            Err(CoreError::NotFound)
        ));
        revoke(&db, kaisa, award.id, "Tehtävät teki joku muu")
            .await
            .unwrap();
        // The checker reads the list as it is now.
        let known = known_now(&db, &site).await;
        let verdict = check_badge(&award.credential, &known, now);
        assert_eq!(verdict.outcome, Outcome::Revoked, "{verdict:#?}");
        let status = verdict
            .checks
            .iter()
            .find(|c| c.kind == CheckKind::Status)
            .unwrap();
        assert_eq!(status.result, CheckResult::Failed);
        // A badge of another site's list is not judged by ours.
        let mut foreign: Value = serde_json::from_str(&award.credential).unwrap();
        foreign["credentialStatus"]["statusListCredential"] = "https://other.example/s/1".into();
        let verdict = check_badge(&foreign.to_string(), &known, now);
        assert_eq!(verdict.outcome, Outcome::Tampered, "the list URL is signed");
        // The published list is signed by the site and has the bit set.
        let published = signed_list(&db, &ctx).await.unwrap();
        verify(&published, &|m: &str| {
            m.strip_prefix(&format!("{}#", site.did))
                .and_then(|id| site.keyring.find(id))
        })
        .unwrap();
        let encoded = published["credentialSubject"]["encodedList"]
            .as_str()
            .unwrap();
        let bits = StatusList::decode(encoded).unwrap();
        assert!(bits.get(award.id as usize));
        assert!(!bits.get(award.id as usize + 1));
        // The holder and the coach see when and why.
        let held = my_badges(&db, maija).await.unwrap();
        assert_eq!(
            held[0].revoked.as_ref().unwrap().1,
            "Tehtävät teki joku muu"
        );
        let seen = group_badges(&db, kaisa, group.id).await.unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(
            seen[0].revoked.as_ref().unwrap().1,
            "Tehtävät teki joku muu"
        );
        assert!(matches!(
            group_badges(&db, olli, group.id).await,
            Err(CoreError::NotFound)
        ));
        // Revoking again keeps the first reason.
        revoke(&db, kaisa, award.id, "toinen syy").await.unwrap();
        let held = my_badges(&db, maija).await.unwrap();
        assert_eq!(
            held[0].revoked.as_ref().unwrap().1,
            "Tehtävät teki joku muu"
        );

        // Revocation sticks: meeting the rule again issues nothing (the
        // lesson marked done once more, or any progress).
        polku_core::progress::set_done(&db, maija, "first-course", "welcome", false)
            .await
            .unwrap();
        assert_eq!(
            polku_core::progress::mark_done(&db, &ctx, maija, "first-course", "welcome", true)
                .await
                .unwrap(),
            []
        );
        assert!(
            award_due(&db, &ctx, maija, course_id)
                .await
                .unwrap()
                .is_empty(),
            "{}: a revoked badge is not issued again by its rule",
            t.backend
        );
        // Only her coach (or an admin) lets her earn it again, with a
        // reason; never she herself, never another coach.
        assert!(matches!(
            allow_reissue(&db, olli, award.id, "syy").await,
            Err(CoreError::NotFound)
        ));
        assert!(matches!(
            allow_reissue(&db, maija, award.id, "syy").await,
            Err(CoreError::Rejected("not_on_self"))
        ));
        assert!(matches!(
            allow_reissue(&db, kaisa, award.id, " ").await,
            Err(CoreError::Rejected("reissue_reason_missing"))
        ));
        assert!(
            award_due(&db, &ctx, maija, course_id)
                .await
                .unwrap()
                .is_empty()
        );
        allow_reissue(&db, kaisa, award.id, "Teki tehtävät itse uudelleen")
            .await
            .unwrap();
        let seen = group_badges(&db, kaisa, group.id).await.unwrap();
        assert!(seen[0].revoked.is_some() && seen[0].reissue_allowed);
        let log = polku_core::audit::about_me(&db, maija).await.unwrap();
        assert!(
            log.iter().any(|e| e.action == "badge_reissue_allowed"
                && e.actor_id == Some(kaisa.id())
                && e.detail.as_deref().is_some_and(|d| d.contains("uudelleen"))),
            "{log:?}"
        );
        // Allowed, it is earned again: a new badge, with its own entry.
        let again = award_due(&db, &ctx, maija, course_id).await.unwrap();
        assert_eq!(again.len(), 1, "{}", t.backend);
        assert_ne!(again[0].id, award.id);
        let known = known_now(&db, &site).await;
        assert_eq!(
            check_badge(&again[0].credential, &known, Utc::now()).outcome,
            Outcome::Valid
        );
        assert_eq!(
            check_badge(&award.credential, &known, Utc::now()).outcome,
            Outcome::Revoked
        );
        assert!(
            award_due(&db, &ctx, maija, course_id)
                .await
                .unwrap()
                .is_empty(),
            "once held, not again"
        );
        assert!(matches!(
            allow_reissue(&db, kaisa, again[0].id, "syy").await,
            Err(CoreError::Rejected("badge_not_revoked"))
        ));
        // The database refuses a second badge held at once (two tabs racing).
        {
            use polku_core::db::entities::badge_awards;
            use sea_orm::{ActiveModelTrait, Set};
            let twin = badge_awards::ActiveModel {
                user_id: Set(maija.id()),
                course_id: Set(Some(course_id)),
                badge_slug: Set(again[0].badge_slug.clone()),
                credential: Set("{}".into()),
                issued_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&db)
            .await;
            assert!(twin.is_err(), "{}: {twin:?}", t.backend);
        }
        // Revoked a second time, it sticks again: the first permission was
        // for the first badge only.
        revoke(&db, kaisa, again[0].id, "Taas joku muu")
            .await
            .unwrap();
        assert!(
            award_due(&db, &ctx, maija, course_id)
                .await
                .unwrap()
                .is_empty()
        );

        // Evidence for a badge a coach approves.
        let send = |text: &'static str, link: &'static str| {
            submit(&db, maija, "first-course", "checked-work", text, link)
        };
        assert!(matches!(
            submit(&db, maija, "first-course", "first-steps", "x", "").await,
            Err(CoreError::NotFound)
        ));
        assert!(matches!(
            send(" ", "").await,
            Err(CoreError::Rejected("evidence_missing"))
        ));
        for bad in ["javascript:alert(1)", "kuva.png", "ftp://x.example/a"] {
            assert!(matches!(
                submit(&db, maija, "first-course", "checked-work", "tein", bad).await,
                Err(CoreError::Rejected("evidence_link_invalid"))
            ));
        }
        send("Tein ansioluettelon", "").await.unwrap();
        assert!(matches!(
            send("uudestaan", "").await,
            Err(CoreError::Rejected("evidence_pending"))
        ));
        let waiting = group_requests(&db, kaisa, group.id, Language::Fi)
            .await
            .unwrap();
        assert_eq!(waiting.len(), 1);
        let counts = polku_core::badges::requests::waiting_by_group(&db, &[group.id])
            .await
            .unwrap();
        assert_eq!(counts.get(&group.id), Some(&1));
        assert_eq!(waiting[0].learner, "maija");
        assert_eq!(waiting[0].badge_name, "Tarkistettu työ");
        assert!(matches!(
            decide(&db, &ctx, olli, waiting[0].id, Decision::Approve, "").await,
            Err(CoreError::NotFound)
        ));
        assert!(matches!(
            decide(&db, &ctx, kaisa, waiting[0].id, Decision::Decline, "").await,
            Err(CoreError::Rejected("decline_note_missing"))
        ));
        let none = decide(
            &db,
            &ctx,
            kaisa,
            waiting[0].id,
            Decision::Decline,
            "Lisää linkki valmiiseen työhön",
        )
        .await
        .unwrap();
        assert!(none.is_none());
        assert!(
            polku_core::badges::requests::waiting_by_group(&db, &[group.id])
                .await
                .unwrap()
                .is_empty()
        );
        let mine = my_requests(&db, maija, "first-course", Language::Fi)
            .await
            .unwrap();
        assert_eq!(mine[0].state, RequestState::Declined);
        assert_eq!(
            mine[0].coach_note.as_deref(),
            Some("Lisää linkki valmiiseen työhön")
        );
        send("Tein ansioluettelon", "https://example.org/cv työ")
            .await
            .unwrap();
        let waiting = group_requests(&db, kaisa, group.id, Language::Fi)
            .await
            .unwrap();
        // Two tabs (or two coaches) decide at once: both were allowed while
        // it was pending; the first issues, the second is told it was
        // decided and issues nothing.
        let (first, second) = {
            use polku_core::authz::{Act, EvidenceId, authorize};
            let grant = || authorize(&db, kaisa, Act::DecideEvidence, EvidenceId(waiting[0].id));
            (grant().await.unwrap(), grant().await.unwrap())
        };
        let approved =
            polku_core::badges::requests::decide(&db, &ctx, first, Decision::Approve, "")
                .await
                .unwrap()
                .unwrap();
        assert!(matches!(
            polku_core::badges::requests::decide(&db, &ctx, second, Decision::Decline, "Ei").await,
            Err(CoreError::Rejected("evidence_decided"))
        ));
        assert_eq!(
            my_requests(&db, maija, "first-course", Language::Fi)
                .await
                .unwrap()[0]
                .state,
            RequestState::Approved,
            "{}",
            t.backend
        );
        assert!(matches!(
            decide(&db, &ctx, kaisa, waiting[0].id, Decision::Approve, "").await,
            Err(CoreError::Rejected("evidence_decided"))
        ));
        assert!(matches!(
            send("vielä", "").await,
            Err(CoreError::Rejected("badge_held"))
        ));
        let known = known_now(&db, &site).await;
        let verdict = check_badge(&approved.credential, &known, Utc::now());
        assert_eq!(verdict.outcome, Outcome::Valid, "{verdict:#?}");
        assert_eq!(
            verdict.claims.evidence,
            vec![(
                "Tein ansioluettelon".to_owned(),
                Some("https://example.org/cv%20ty%C3%B6".to_owned())
            )]
        );
        let credential: Value = serde_json::from_str(&approved.credential).unwrap();
        assert_eq!(
            credential["evidence"][0]["narrative"],
            "Tein ansioluettelon"
        );
        assert_eq!(
            credential["evidence"][0]["id"],
            "https://example.org/cv%20ty%C3%B6"
        );

        // She erases her account: her badges go from the database, but the
        // revoked one stays revoked for whoever holds its file, and the
        // other keeps verifying.
        polku_core::privacy::delete_account(&db, maija, maija.id())
            .await
            .unwrap();
        assert!(my_badges(&db, maija).await.unwrap().is_empty());
        let known = known_now(&db, &site).await;
        assert_eq!(
            check_badge(&award.credential, &known, now).outcome,
            Outcome::Revoked
        );
        assert_eq!(
            check_badge(&approved.credential, &known, Utc::now()).outcome,
            Outcome::Valid
        );

        // For the independent verifier: the revoked badge, the list as
        // served, and a badge with evidence.
        if let (Ok(out), "sqlite") = (std::env::var("POLKU_CONFORMANCE_DIR"), t.backend) {
            let out = Path::new(&out);
            std::fs::create_dir_all(out).unwrap();
            std::fs::write(out.join("revoked.json"), &award.credential).unwrap();
            std::fs::write(out.join("revoked-list.json"), published.to_string()).unwrap();
            std::fs::write(out.join("evidence.json"), &approved.credential).unwrap();
            std::fs::write(
                out.join("revoked-did.json"),
                site.did_document().to_string(),
            )
            .unwrap();
        }
    }
}

#[tokio::test]
async fn an_author_edits_a_badge_and_the_new_rule_applies() {
    use polku_core::accounts::Role;
    use polku_core::authoring::{AdminToken, AuthorGrant};
    use polku_core::badges::approval;
    use polku_core::badges::award::award_due;
    use polku_core::badges::edit::{BadgeEdit, editor, save};
    use polku_core::badges::issue::IssueContext;
    use polku_core::{CoreError, Language};
    for t in common::fresh_databases().await {
        let db = polku_core::db::open(&t.url).await.unwrap();
        common::import(&db, &common::fixture("valid")).await;
        let token = AdminToken::new("a-long-enough-admin-token");
        let grant = token.grant(Some(&token.cookie_value())).unwrap();
        // Nothing passes unchecked, and every problem is named.
        let bad = BadgeEdit {
            slug: "Bad Slug".into(),
            lessons: vec!["no-such-lesson".into()],
            min_quiz_score: Some(120),
            valid_days: Some(0),
            ..Default::default()
        };
        match save(&db, &grant, "first-course", bad).await {
            Err(CoreError::Invalid(problems)) => {
                let all = problems.join("\n");
                for field in ["slug:", "name:", "lessons:", "quiz score:", "valid days:"] {
                    assert!(all.contains(field), "{field} in {all}");
                }
            }
            other => panic!("{other:?}"),
        }
        // A new badge for the welcome lesson with every quiz right.
        let mut edit = BadgeEdit {
            slug: "welcome-done".into(),
            lessons: vec!["welcome".into()],
            min_quiz_score: Some(100),
            valid_days: Some(30),
            ..Default::default()
        };
        edit.name.insert(Language::Fi, "Tervetuloa tehty".into());
        edit.criteria
            .insert(Language::Fi, " Tervetulo-oppitunti. ".into());
        save(&db, &grant, "first-course", edit.clone())
            .await
            .unwrap();
        let seen = editor(&db, &grant, "first-course", "welcome-done", Language::Fi)
            .await
            .unwrap();
        assert!(
            seen.badges
                .contains(&("welcome-done".to_owned(), "Tervetuloa tehty".to_owned()))
        );
        let draft = seen.draft;
        assert_eq!(draft.slug, "welcome-done");
        assert_eq!(draft.texts[0].language, Language::Fi);
        assert_eq!(draft.texts[0].criteria, "Tervetulo-oppitunti.");
        let required: Vec<&str> = draft
            .lessons
            .iter()
            .filter(|(_, _, on)| *on)
            .map(|(slug, _, _)| slug.as_str())
            .collect();
        assert_eq!(required, ["welcome"]);
        assert_eq!(draft.valid_days, "30");
        assert_eq!(draft.min_quiz_score, "100");
        // An unknown badge opens an empty one.
        let new = editor(&db, &grant, "first-course", "nope", Language::Fi)
            .await
            .unwrap();
        assert_eq!(new.draft.slug, "");
        assert!(new.draft.texts.iter().all(|t| t.name.is_empty()));
        // An instructor who does not author the course is refused.
        let ville = account(&db, "ville", None, Role::Instructor).await;
        let stranger = AuthorGrant::for_actor(&db, &ville).await.unwrap();
        assert!(matches!(
            save(&db, &stranger, "first-course", edit.clone()).await,
            Err(CoreError::Forbidden)
        ));
        // The new definition waits for an admin; only admins see and
        // approve it.
        let boss = account(&db, "boss", None, Role::Admin).await;
        let pending = approval::pending(&db, &boss, Language::Fi).await.unwrap();
        let waiting = pending
            .iter()
            .find(|p| p.slug == "welcome-done")
            .unwrap()
            .clone();
        assert!(!waiting.replaces);
        assert_eq!(waiting.name, "Tervetuloa tehty");
        assert!(matches!(
            approval::pending(&db, &ville, Language::Fi).await,
            Err(CoreError::Forbidden)
        ));
        // The new rule applies to a learner who meets it, once approved.
        let maija = account(&db, "maija", None, Role::Learner).await;
        polku_core::progress::set_done(&db, &maija, "first-course", "welcome", true)
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let site =
            Arc::new(Issuer::open("https://polku.example", &dir.path().join("keys.json")).unwrap());
        let ctx = IssueContext {
            issuer: &site,
            public_url: "https://polku.example",
            issuer_name: "Polku",
        };
        let course_id = common::first_course_id(&db).await;
        let earned = |who: polku_core::accounts::Actor| {
            let (db, ctx) = (&db, &ctx);
            async move {
                award_due(db, ctx, &who, course_id)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|a| {
                        (
                            a.badge_slug,
                            a.valid_until.map(|u| (u - a.issued_at).num_days()),
                        )
                    })
                    .collect::<Vec<_>>()
            }
        };
        let issued = earned(maija.clone()).await;
        assert!(
            !issued.iter().any(|(slug, _)| slug == "welcome-done"),
            "not before an admin approves it: {issued:?}"
        );
        assert!(matches!(
            approval::approve(&db, &boss, "first-course", "welcome-done", "0123abcd").await,
            Err(CoreError::Rejected("badge_changed"))
        ));
        assert!(matches!(
            approval::approve(
                &db,
                &ville,
                "first-course",
                "welcome-done",
                &waiting.version
            )
            .await,
            Err(CoreError::Forbidden)
        ));
        approval::approve(&db, &boss, "first-course", "welcome-done", &waiting.version)
            .await
            .unwrap();
        let log = polku_core::audit::list(&db, &boss, Some(boss.id()), 0)
            .await
            .unwrap();
        assert!(
            log.entries
                .iter()
                .any(|e| e.action == "badge_definition_approved")
        );
        let issued = earned(maija).await;
        assert!(
            issued.contains(&("welcome-done".to_owned(), Some(30))),
            "{issued:?}"
        );

        // An edit waits while the approved version keeps issuing.
        let mut longer = edit.clone();
        longer.valid_days = Some(60);
        save(&db, &grant, "first-course", longer).await.unwrap();
        let pending = approval::pending(&db, &boss, Language::Fi).await.unwrap();
        assert!(
            pending
                .iter()
                .any(|p| p.slug == "welcome-done" && p.replaces && p.valid_days == Some(60))
        );
        let aino = account(&db, "aino", None, Role::Learner).await;
        polku_core::progress::set_done(&db, &aino, "first-course", "welcome", true)
            .await
            .unwrap();
        let issued = earned(aino).await;
        assert!(
            issued.contains(&("welcome-done".to_owned(), Some(30))),
            "the approved version, not the waiting one: {issued:?}"
        );

        // The course's author earns none of its badges.
        {
            use polku_core::db::entities::course_authors;
            use sea_orm::{ActiveModelTrait, Set};
            course_authors::ActiveModel {
                course_id: Set(course_id),
                user_id: Set(ville.id()),
                ..Default::default()
            }
            .insert(&db)
            .await
            .unwrap();
        }
        polku_core::progress::set_done(&db, &ville, "first-course", "welcome", true)
            .await
            .unwrap();
        assert_eq!(
            earned(ville).await,
            [],
            "authors cannot mint their own badges"
        );
    }
}

/// A new account `username` (signed in), as an actor.
async fn account(
    db: &sea_orm::DatabaseConnection,
    username: &str,
    display_name: Option<&str>,
    role: polku_core::accounts::Role,
) -> polku_core::accounts::Actor {
    use polku_core::accounts::NewAccount;
    let new = NewAccount {
        username: username.into(),
        password: "long enough secret".into(),
        display_name: display_name.map(str::to_owned),
        email: None,
    };
    common::signed_in(db, new, role).await
}

#[tokio::test]
async fn the_status_list_is_signed_when_it_changes_and_served_as_signed() {
    use polku_core::accounts::Role;
    use polku_core::badges::award::award_due;
    use polku_core::badges::issue::IssueContext;
    use polku_core::badges::revoke::published_list;
    use polku_core::badges::status::StatusList;
    use polku_core::db::entities::badge_revocations;
    use sea_orm::EntityTrait;
    for t in common::fresh_databases().await {
        let db = polku_core::db::open(&t.url).await.unwrap();
        common::import(&db, &common::fixture("valid")).await;
        let maija = &account(&db, "maija", None, Role::Learner).await;
        let kaisa = &account(&db, "kaisa", None, Role::Coach).await;
        let group = polku_core::coaching::create_group(&db, kaisa, "Ryhmä")
            .await
            .unwrap();
        common::act::invite_accepted(&db, kaisa, group.id, maija).await;
        let dir = tempfile::tempdir().unwrap();
        let site = Issuer::open("https://polku.example", &dir.path().join("keys.json")).unwrap();
        let ctx = IssueContext {
            issuer: &site,
            public_url: "https://polku.example",
            issuer_name: "Polku, Testikunta",
        };
        polku_core::progress::set_done(&db, maija, "first-course", "welcome", true)
            .await
            .unwrap();
        let course_id = common::first_course_id(&db).await;
        let award = award_due(&db, &ctx, maija, course_id).await.unwrap()[0].clone();
        let site_key = |m: &str| {
            m.strip_prefix(&format!("{}#", site.did))
                .and_then(|id| site.keyring.find(id))
        };

        // Asked for twice, more than a second apart: the very same signed
        // document (signing per request would date it, and sign it, anew).
        let first = published_list(&db, &ctx).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let again = published_list(&db, &ctx).await.unwrap();
        assert_eq!(first, again, "{}", t.backend);
        let list: Value = serde_json::from_str(&first).unwrap();
        verify(&list, &site_key).unwrap();
        // Nothing revoked yet: dated when the signing key was made.
        let key_made = site.keyring.public_keys().last().unwrap().created;
        assert_eq!(
            list["validFrom"],
            key_made.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );

        // A revocation changes it: signed again, dated the revocation,
        // and it verifies.
        common::act::revoke(&db, kaisa, award.id, "Tehtävät teki joku muu")
            .await
            .unwrap();
        let revoked = published_list(&db, &ctx).await.unwrap();
        assert_ne!(revoked, first);
        let list: Value = serde_json::from_str(&revoked).unwrap();
        verify(&list, &site_key).unwrap();
        let bits =
            StatusList::decode(list["credentialSubject"]["encodedList"].as_str().unwrap()).unwrap();
        assert!(bits.get(award.id as usize));
        let row = badge_revocations::Entity::find_by_id(award.id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let when = row
            .revoked_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        assert_eq!(list["validFrom"], when.as_str());
        assert_eq!(list["proof"][0]["created"], when.as_str());
        // …and is then served as signed again.
        assert_eq!(published_list(&db, &ctx).await.unwrap(), revoked);
    }
}

/// A badge takes its number (its id and revocation-list index) from the
/// `badge` counter before it is signed; the migration that brought the
/// counter starts it above every number a badge ever had: revoked entries
/// kept after their holder left, and the table's own high-water mark (a
/// badge erased with its holder's account, still held as a file).
#[tokio::test]
async fn badge_numbers_start_above_every_number_ever_used() {
    use migration::{Migrator, MigratorTrait};
    use polku_core::accounts::Role;
    use polku_core::badges::award::award_due;
    use polku_core::badges::issue::IssueContext;
    use polku_core::db::entities::badge_revocations;
    use sea_orm::{ActiveModelTrait, ConnectionTrait, Database, Set};
    for t in common::fresh_databases().await {
        let url = match t.backend {
            "sqlite" => format!("{}?mode=rwc", t.url),
            _ => t.url.clone(),
        };
        let early = Database::connect(url.as_str()).await.unwrap();
        // Every migration before the one that creates the counters.
        let before_counters = Migrator::migrations()
            .iter()
            .position(|m| m.name() == "m20261205_110000_create_counters")
            .unwrap();
        Migrator::up(&early, Some(u32::try_from(before_counters).unwrap()))
            .await
            .unwrap();
        badge_revocations::ActiveModel {
            id: Set(57),
            revoked_at: Set(Utc::now()),
        }
        .insert(&early)
        .await
        .unwrap();
        early
            .execute_unprepared(match t.backend {
                "sqlite" => "INSERT INTO sqlite_sequence (name, seq) VALUES ('badge_awards', 70)",
                _ => "SELECT setval('badge_awards_id_seq', 70)",
            })
            .await
            .unwrap();
        early.close().await.unwrap();

        let db = polku_core::db::open(&t.url).await.unwrap();
        common::import(&db, &common::fixture("valid")).await;
        let dir = tempfile::tempdir().unwrap();
        let site =
            Arc::new(Issuer::open("https://polku.example", &dir.path().join("keys.json")).unwrap());
        let ctx = IssueContext {
            issuer: &site,
            public_url: "https://polku.example",
            issuer_name: SITE_NAME,
        };
        let course_id = common::first_course_id(&db).await;
        for (name, expected) in [("maija", 71), ("pekka", 72)] {
            let learner = account(&db, name, None, Role::Learner).await;
            polku_core::progress::set_done(&db, &learner, "first-course", "welcome", true)
                .await
                .unwrap();
            let issued = award_due(&db, &ctx, &learner, course_id).await.unwrap();
            assert_eq!(issued.len(), 1, "{}", t.backend);
            assert_eq!(issued[0].id, expected, "{}", t.backend);
            let credential: Value = serde_json::from_str(&issued[0].credential).unwrap();
            assert_eq!(
                credential["credentialStatus"]["statusListIndex"],
                expected.to_string(),
                "{}",
                t.backend
            );
            assert_eq!(
                credential["id"],
                format!("https://polku.example/badges/{expected}")
            );
        }
    }
}
