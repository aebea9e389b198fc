//! Badge speed: signing (issuing) and checking Open Badges 3.0 credentials
//! with the eddsa-rdfc-2022 proof, one at a time on one thread, and the
//! size of a baked PNG. Prints operations per second and p50/p99 per
//! operation, then where one signature's time goes: the two documents it
//! canonicalises (the credential and the proof options) and, as a floor
//! for any document, a document with only the credential's contexts. `POLKU_BENCH_BADGES` sets the number of operations (default
//! 500).
//!
//! Run: `cargo bench -p polku-core --bench badges`
#![expect(clippy::expect_used, reason = "a bench fails loudly")]

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use polku_core::badges::{
    Issuer, Known, Outcome, bake_png, canonicalize, check_badge, check_file, sign,
};
use serde_json::json;

/// The server's allocator (server/src/main.rs): JSON-LD processing is
/// mostly allocation, and glibc's malloc is several times slower at it.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn credential(n: usize, issuer: &str) -> serde_json::Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": format!("urn:uuid:00000000-0000-4000-8000-{n:012}"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": { "id": issuer, "type": ["Profile"], "name": "Polku", "url": "https://polku.example/" },
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2099-12-31T00:00:00Z",
        "name": "Sähköpostin turvallinen käyttö",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {"type": "IdentityObject", "identityType": "name", "hashed": false, "identityHash": format!("Oppija {n}")},
                {"type": "IdentityObject", "identityType": "identifier", "hashed": true, "identityHash": format!("sha256${n:064}"), "salt": "c0ffee"}
            ],
            "achievement": {
                "id": "https://polku.example/courses/digital-basics/badges/email",
                "type": ["Achievement"],
                "name": "Sähköpostin turvallinen käyttö",
                "description": "Osaa lähettää ja vastaanottaa sähköpostia ja tunnistaa huijausviestit.",
                "criteria": { "narrative": "Kaikki kurssin oppitunnit tehty ja tietovisat oikein." },
                "alignment": [{
                    "type": ["Alignment"],
                    "targetName": "DigComp 2.2: 4.1 Protecting devices",
                    "targetUrl": "https://joint-research-centre.ec.europa.eu/digcomp_en",
                    "targetFramework": "DigComp 2.2",
                    "targetCode": "4.1"
                }]
            }
        }
    })
}

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let total: Duration = times.iter().sum();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "{name}: {} ops, {:.0} ops/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times.len(),
        times.len() as f64 / total.as_secs_f64(),
        at(0.50).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
}

fn main() {
    let n: usize = std::env::var("POLKU_BENCH_BADGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let dir = tempfile::tempdir().expect("temp dir");
    let site = std::sync::Arc::new(
        Issuer::open("https://polku.example", &dir.path().join("keys.json")).expect("keys"),
    );
    let known = Known::site(site.clone(), "Polku", "https://polku.example");
    let (id, key) = site.keyring.current();
    let method = format!("{}#{id}", site.did);
    let created = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("date");
    let now = Utc
        .with_ymd_and_hms(2027, 1, 1, 0, 0, 0)
        .single()
        .expect("date");

    let mut signed = Vec::with_capacity(n);
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let mut c = credential(i, &site.did);
        let started = Instant::now();
        sign(&mut c, key, &method, created).expect("sign");
        times.push(started.elapsed());
        signed.push(c.to_string());
    }
    report("issue (canonicalise + sign)", times);

    let mut times = Vec::with_capacity(n);
    for text in &signed {
        let started = Instant::now();
        let verdict = check_badge(text, &known, now);
        times.push(started.elapsed());
        assert_eq!(verdict.outcome, Outcome::Valid);
    }
    report("verify (parse + canonicalise + check)", times);

    // The picture learners get when their course gives none.
    let image = polku_core::badges::picture::default_png().to_vec();
    let baked = bake_png(&image, &signed[0]).expect("bake");
    println!(
        "baked PNG: {} bytes (picture {} bytes + credential {} bytes)",
        baked.len(),
        image.len(),
        signed[0].len()
    );
    let mut times = Vec::with_capacity(n.min(200));
    for _ in 0..n.min(200) {
        let started = Instant::now();
        let verdict = check_file(&baked, &known, now);
        times.push(started.elapsed());
        assert_eq!(verdict.outcome, Outcome::Valid);
    }
    report("verify a dropped baked PNG (extract + verify)", times);

    // Stages: each document is turned into RDF (JSON-LD, contexts processed
    // for that document) and canonicalised (RDFC-1.0). The contexts alone
    // show the part every document pays before its own statements.
    let unsecured = |i: usize| {
        let mut c = credential(i, &site.did);
        c.as_object_mut().map(|m| m.remove("proof"));
        c
    };
    let contexts = json!({ "@context": unsecured(0)["@context"].clone() });
    let options = json!({
        "@context": contexts["@context"].clone(),
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-01-01T00:00:00Z",
        "verificationMethod": method,
        "proofPurpose": "assertionMethod",
    });
    let stages: [(&str, &dyn Fn(usize) -> serde_json::Value); 3] = [
        ("stage: canonicalise the credential", &unsecured),
        ("stage: canonicalise the proof options", &|_| {
            options.clone()
        }),
        ("stage: canonicalise only the contexts", &|_| {
            contexts.clone()
        }),
    ];
    for (name, doc) in stages {
        let mut times = Vec::with_capacity(n.min(200));
        for i in 0..n.min(200) {
            let doc = doc(i);
            let started = Instant::now();
            canonicalize(&doc).expect("canonical");
            times.push(started.elapsed());
        }
        report(name, times);
    }
}
