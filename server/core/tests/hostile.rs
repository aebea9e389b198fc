//! Hostile badges: what an attacker can post to `/verify` or `/api/verify`
//! without signing in. Each gets a clear verdict quickly, and the heap it
//! costs is measured with a counting global allocator (this binary's only
//! allocator) and held to a bound: a compressed `iTXt` chunk is never
//! inflated, an image is never decoded, a document with hundreds of proofs
//! is not canonicalised hundreds of times.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::io::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use peak_alloc::PeakAlloc;
use polku_core::badges::proof::MAX_PROOFS;
use polku_core::badges::{
    BakeError, Issuer, IssuerKey, Known, Outcome, Verdict, bake_png, check_badge, check_file,
    credential_in, sign,
};
use serde_json::{Value, json};

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

/// The peak is process-wide: one measured test at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Any answer within this (debug build, busy machine) is "quick".
const QUICK: Duration = Duration::from_secs(1);

/// Runs `work` and returns its result, how long it took, and the most heap
/// it held above what was allocated when it started.
fn measured<T>(work: impl FnOnce() -> T) -> (T, Duration, usize) {
    let before = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let started = Instant::now();
    let out = work();
    let took = started.elapsed();
    (out, took, HEAP.peak_usage().saturating_sub(before))
}

const MIB: usize = 1024 * 1024;

fn credential() -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": "urn:uuid:0b6f4f2a-5d6e-4f0b-9d39-2f3f3b0a1c11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://polku.example/issuer", "type": ["Profile"], "name": "Polku"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Sähköpostin turvallinen käyttö",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://polku.example/courses/digital-basics/badges/email",
                "type": ["Achievement"],
                "name": "Sähköpostin turvallinen käyttö",
                "description": "Osaa lähettää ja vastaanottaa sähköpostia.",
                "criteria": {"narrative": "Kaikki kurssin oppitunnit tehty."}
            }
        }
    })
}

/// The issuer of the test badges: a `did:key`.
fn issuer_key() -> IssuerKey {
    IssuerKey::from_seed([42; 32])
}

/// `c` signed by [`issuer_key`], which is also its issuer.
fn signed(mut c: Value) -> Value {
    let key = issuer_key();
    c["issuer"]["id"] = key.did_key().into();
    let created = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    sign(&mut c, &key, &key.did_key_method(), created).unwrap();
    c
}

/// What the checking site knows: itself, and that it trusts the test
/// badges' issuer (so an intact one is "valid, trusted issuer").
fn site() -> (Known, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let site = Issuer::open("https://polku.example", &dir.path().join("keys.json")).unwrap();
    let mut known = Known::site(std::sync::Arc::new(site), "Polku", "https://polku.example");
    known
        .trusted
        .insert(&issuer_key().did_key(), "Testikunta")
        .unwrap();
    (known, dir)
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 6, 1, 0, 0, 0).unwrap()
}

/// A PNG chunk: length, type, data, CRC.
fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(&out[4..]);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    out
}

/// A PNG of `width` × `height` RGBA pixels with `extra` chunks after the
/// header. Its image data is real (all transparent) when `real`, else a
/// few bytes standing for pixels nobody may decode.
fn png(width: u32, height: u32, real: bool, extra: &[Vec<u8>]) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &ihdr));
    for c in extra {
        out.extend_from_slice(c);
    }
    let rows = if real {
        height as usize * (1 + 4 * width as usize)
    } else {
        0
    };
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&vec![0; rows]).unwrap();
    out.extend(chunk(b"IDAT", &z.finish().unwrap()));
    out.extend(chunk(b"IEND", &[]));
    out
}

fn assert_not_a_badge(verdict: &Verdict, says: &str) {
    assert_eq!(verdict.outcome, Outcome::NotABadge, "{verdict:#?}");
    assert!(
        verdict.checks[0].detail.contains(says),
        "the verdict should say {says:?}: {verdict:#?}"
    );
}

#[test]
fn a_compressed_itxt_chunk_is_refused_without_inflating_it() {
    // 240 MB of JSON-looking text compress to a few hundred KB.
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(b"{\"a\":\"").unwrap();
    let block = vec![b' '; MIB];
    for _ in 0..240 {
        z.write_all(&block).unwrap();
    }
    z.write_all(b"\"}").unwrap();
    let compressed = z.finish().unwrap();
    let mut data = b"openbadgecredential\0\x01\0\0\0".to_vec();
    data.extend_from_slice(&compressed);
    let bomb = png(64, 64, true, &[chunk(b"iTXt", &data)]);
    assert!(bomb.len() < 300 * 1024, "{} bytes", bomb.len());
    eprintln!(
        "compressed-iTXt PNG: {} bytes, inflates to 240 MiB",
        bomb.len()
    );

    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (site, _dir) = site();
    let (verdict, took, heap) = measured(|| check_file(&bomb, &site, now()));
    eprintln!("compressed iTXt: {took:?}, {} KiB of heap", heap / 1024);
    assert_not_a_badge(&verdict, "compressed");
    assert_eq!(credential_in(&bomb), Err(BakeError::Compressed));
    assert!(took < QUICK, "{took:?}");
    assert!(
        heap < 2 * MIB,
        "{heap} bytes of heap for a {} byte file",
        bomb.len()
    );
}

#[test]
fn a_huge_image_is_read_without_decoding_its_pixels() {
    let text = signed(credential()).to_string();
    let mut itxt = b"openbadgecredential\0\0\0\0\0".to_vec();
    itxt.extend_from_slice(text.as_bytes());
    // 20 000 × 20 000 RGBA: 1.6 GB of pixels, if anyone decoded them.
    let huge = png(20_000, 20_000, false, &[chunk(b"iTXt", &itxt)]);
    assert!(huge.len() < 8 * 1024, "{} bytes", huge.len());

    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (site, _dir) = site();
    let (verdict, took, heap) = measured(|| check_file(&huge, &site, now()));
    eprintln!("20 000 × 20 000 PNG: {took:?}, {} KiB of heap", heap / 1024);
    assert_eq!(verdict.outcome, Outcome::ValidTrusted, "{verdict:#?}");
    assert!(took < QUICK, "{took:?}");
    assert!(heap < 4 * MIB, "{heap} bytes of heap");
    // Baking into it copies its chunks; the pixels are not touched either.
    let (baked, _, heap) = measured(|| bake_png(&huge, &text));
    assert_eq!(credential_in(&baked.unwrap()).unwrap(), text);
    assert!(heap < MIB, "{heap} bytes of heap to bake");
}

#[test]
fn hundreds_of_proofs_are_not_a_badge_and_are_not_each_checked() {
    let one = signed(credential());
    let proof = one["proof"][0].clone();
    let mut many = one.clone();
    many["proof"] = Value::Array(vec![proof.clone(); 300]);
    let text = many.to_string();

    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (site, _dir) = site();
    let (verdict, took, heap) = measured(|| check_badge(&text, &site, now()));
    eprintln!("300 proofs: {took:?}, {} KiB of heap", heap / 1024);
    assert_not_a_badge(&verdict, &format!("more than {MAX_PROOFS} proofs"));
    assert!(took < QUICK, "{took:?}");
    assert!(heap < 4 * MIB, "{heap} bytes of heap");
    // Up to the limit, every proof is checked and must hold.
    let mut two = one.clone();
    two["proof"] = Value::Array(vec![proof.clone(); MAX_PROOFS]);
    assert_eq!(
        check_badge(&two.to_string(), &site, now()).outcome,
        Outcome::ValidTrusted
    );
}

#[test]
fn a_hundred_thousand_alignments_are_refused_quickly() {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (site, _dir) = site();
    // As a real badge would write them: megabytes of JSON.
    let mut full = signed(credential());
    full["credentialSubject"]["achievement"]["alignment"] = Value::Array(
        (0..100_000)
            .map(|i| {
                json!({"type": ["Alignment"], "targetName": format!("skill {i}"),
                       "targetUrl": format!("https://esco.example/{i}")})
            })
            .collect(),
    );
    let text = full.to_string();
    let (verdict, took, heap) = measured(|| check_badge(&text, &site, now()));
    eprintln!(
        "100 000 alignments ({} bytes): {took:?}, {} KiB of heap",
        text.len(),
        heap / 1024
    );
    assert_not_a_badge(&verdict, "too large");
    assert!(took < QUICK && heap < MIB, "{took:?}, {heap} bytes");
    // As small as they can be written (fits the size limit): refused by
    // the number of values, before JSON-LD processing (which would hold
    // some 100 MB for these).
    let mut compact = signed(credential());
    compact["credentialSubject"]["achievement"]["alignment"] =
        Value::Array(vec![json!({}); 80_000]);
    let text = compact.to_string();
    let (verdict, took, heap) = measured(|| check_badge(&text, &site, now()));
    eprintln!(
        "80 000 empty alignments ({} bytes): {took:?}, {} KiB of heap",
        text.len(),
        heap / 1024
    );
    assert_not_a_badge(&verdict, "too complex");
    assert!(took < QUICK, "{took:?}");
    assert!(heap < 16 * MIB, "{heap} bytes of heap");
}

#[test]
fn deep_json_ld_is_refused_quickly() {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (site, _dir) = site();
    for levels in [40, 100_000] {
        let mut c = signed(credential());
        let text = if levels < 100 {
            // Nested achievements, within what JSON parsers follow.
            let mut deep = json!("leaf");
            for _ in 0..levels {
                deep = json!({ "type": ["Achievement"], "name": "x", "related": [deep] });
            }
            c["credentialSubject"]["achievement"]["related"] = deep;
            c.to_string()
        } else {
            // Deeper than any JSON parser should follow: written as text.
            let mut text = c.to_string();
            text.truncate(text.len() - 1);
            format!(
                "{text},\"x\":{}{}}}",
                "[".repeat(levels),
                "]".repeat(levels)
            )
        };
        let (verdict, took, heap) = measured(|| check_badge(&text, &site, now()));
        eprintln!("{levels} levels: {took:?}, {} KiB of heap", heap / 1024);
        assert_eq!(verdict.outcome, Outcome::NotABadge, "{verdict:#?}");
        assert!(took < QUICK, "{took:?}");
        assert!(heap < 4 * MIB, "{heap} bytes of heap");
    }
}

#[test]
fn an_unknown_context_is_refused_without_fetching_it() {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (site, _dir) = site();
    // Signed first (Polku's signer would refuse the context too).
    let mut c = signed(credential());
    c["@context"]
        .as_array_mut()
        .unwrap()
        .push("https://attacker.example/context.jsonld".into());
    let text = c.to_string();
    let (verdict, took, _) = measured(|| check_badge(&text, &site, now()));
    assert_not_a_badge(
        &verdict,
        "unknown JSON-LD context: https://attacker.example/context.jsonld",
    );
    assert!(took < QUICK, "{took:?}");
}
