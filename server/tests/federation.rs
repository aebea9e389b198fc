//! Verification between sites, over real HTTP on loopback: site A trusts
//! site B (its trust file names B's `did:web` "Kemin kaupunki"); B's badge
//! verifies at A as valid under that name, with B's revocation list read;
//! once B revokes it, A says revoked. A's own badge checked at B (which
//! trusts nobody) says "issuer not verified". A trusted issuer whose DID
//! document is slow, huge or redirects gets a clear verdict within a
//! second, and nothing is fetched for an issuer not on the list.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use polku_core::accounts::{self, Actor, NewAccount, Role};
use polku_core::authz::{Act, BadgeId, authorize};
use polku_core::badges::Issuer;
use polku_core::badges::award::award_due;
use polku_core::badges::issue::IssueContext;
use polku_core::db::DatabaseConnection;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

/// A Polku server listening on loopback: its address, database and keys.
struct Site {
    base: String,
    db: DatabaseConnection,
    issuer: Issuer,
    _dir: tempfile::TempDir,
}

/// Binds a loopback port and serves `router` on it.
async fn serve(listener: tokio::net::TcpListener, router: Router) {
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
}

/// A whole Polku site on a free loopback port, started with `extra`
/// arguments (`{dir}` in them stands for its folder).
async fn site(extra: &[&str], trust: Option<&str>) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let url = format!("sqlite://{}", dir.path().join("polku.db").display());
    let trust_path = dir.path().join("trust.toml");
    let mut args: Vec<String> = vec!["--public-url".into(), base.clone()];
    if let Some(trust) = trust {
        std::fs::write(&trust_path, trust).unwrap();
        args.extend(["--trust-file".into(), trust_path.display().to_string()]);
    }
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let router = common::app_on(&url, dir.path(), &args).await;
    serve(listener, router).await;
    let db = polku_core::db::open(&url).await.unwrap();
    let issuer = Issuer::open(&base, &dir.path().join("polku.issuer-keys.json")).unwrap();
    Site {
        base,
        db,
        issuer,
        _dir: dir,
    }
}

/// Issues this site's "Digitaidot alusta" badge to a new learner the way
/// the rule does (every lesson done); the badge's row id and credential.
async fn earn(site: &Site, name: &str, issuer_name: &str) -> (i32, String) {
    let account = NewAccount {
        username: name.into(),
        password: "long enough secret".into(),
        ..Default::default()
    };
    accounts::create_account(&site.db, account, Role::Learner)
        .await
        .unwrap();
    let learner = Actor::for_cli(&site.db, name).await.unwrap();
    let course = polku_core::courses::course(&site.db, "digital-basics", polku_core::Language::Fi)
        .await
        .unwrap();
    for lesson in &course.lessons {
        polku_core::progress::set_done(&site.db, &learner, "digital-basics", &lesson.slug, true)
            .await
            .unwrap();
    }
    let ctx = IssueContext {
        issuer: &site.issuer,
        public_url: &site.base,
        issuer_name,
    };
    let course_id = polku_core::db::entities::courses::Entity::find()
        .filter(polku_core::db::entities::courses::Column::Slug.eq("digital-basics"))
        .one(&site.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let issued = award_due(&site.db, &ctx, &learner, course_id)
        .await
        .unwrap();
    let badge = issued
        .into_iter()
        .find(|b| b.badge_slug == "digital-basics")
        .unwrap();
    (badge.id, badge.credential)
}

/// `POST /api/verify` at `site` with `body`: the verdict, and how long it
/// took.
async fn verify(base: &str, body: &str) -> (Value, Duration) {
    let started = Instant::now();
    let response = reqwest::Client::new()
        .post(format!("{base}/api/verify"))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let verdict: Value = response.json().await.unwrap();
    (verdict, started.elapsed())
}

fn check<'a>(verdict: &'a Value, kind: &str) -> &'a Value {
    verdict["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == kind)
        .unwrap_or(&Value::Null)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trusted_sites_badge_verifies_and_its_revocation_is_read_across_sites() {
    let _turn = common::ONE_AT_A_TIME.lock().await;
    // B trusts nobody; A trusts B under the name A's admin gave it.
    let b = site(&[], None).await;
    let b_did = b.issuer.did.clone();
    let trust = format!("[[issuer]]\ndid = \"{b_did}\"\nname = \"Kemin kaupunki\"\n");
    let a = site(&["--status-cache-seconds", "0"], Some(&trust)).await;
    let (badge, credential) = earn(&b, "maija", "Polku, Kemi").await;

    let (verdict, _) = verify(&a.base, &credential).await;
    assert_eq!(verdict["outcome"], "valid_trusted", "{verdict:#}");
    assert_eq!(
        verdict["issuer_verified"], "Kemin kaupunki",
        "the list's name"
    );
    assert_eq!(
        verdict["claims"]["issuer_name"], "Polku, Kemi",
        "the badge's claim"
    );
    assert_eq!(verdict["signer"], b_did.as_str());
    assert_eq!(check(&verdict, "status")["result"], "passed", "{verdict:#}");
    assert!(verdict["status_checked_at"].is_string(), "{verdict:#}");
    // At B itself it is simply valid (its own).
    let (at_home, _) = verify(&b.base, &credential).await;
    assert_eq!(at_home["outcome"], "valid", "{at_home:#}");
    // For digitalbazaar's verifier and the 1EdTech schema (e2e): B's badge
    // that A accepted, with B's DID document as B serves it.
    if let Ok(out) = std::env::var("POLKU_CONFORMANCE_DIR") {
        let document = reqwest::get(format!("{}/.well-known/did.json", b.base))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let out = std::path::Path::new(&out);
        std::fs::create_dir_all(out).unwrap();
        std::fs::write(out.join("site-b-badge.json"), &credential).unwrap();
        std::fs::write(out.join("site-b-did.json"), document).unwrap();
    }

    // B revokes it; A reads B's list again (its cache allows no reuse
    // here) and says revoked.
    accounts::ensure_admin(&b.db, "boss", "long enough secret")
        .await
        .unwrap();
    let boss = Actor::for_cli(&b.db, "boss").await.unwrap();
    let grant = authorize(&b.db, &boss, Act::RevokeBadge, BadgeId(badge))
        .await
        .unwrap();
    polku_core::badges::revoke::revoke(&b.db, grant, "Väärä henkilö")
        .await
        .unwrap();
    let (verdict, _) = verify(&a.base, &credential).await;
    assert_eq!(verdict["outcome"], "revoked", "{verdict:#}");
    assert_eq!(verdict["issuer_verified"], "Kemin kaupunki");

    // A's own badge at B, which does not trust A: not verified, and B
    // never looked A's key up.
    let (_, a_credential) = earn(&a, "aino", "Polku, Oulu").await;
    let (verdict, _) = verify(&b.base, &a_credential).await;
    assert_eq!(verdict["outcome"], "issuer_not_verified", "{verdict:#}");
    assert_eq!(verdict["issuer_verified"], Value::Null);
    assert_eq!(check(&verdict, "signature")["result"], "not_checked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_huge_or_redirecting_issuer_gets_a_clear_verdict_within_a_second() {
    let _turn = common::ONE_AT_A_TIME.lock().await;
    // A hostile "issuer" on loopback: its DID documents (path-based
    // did:web) are slow, huge or redirect elsewhere.
    let hits = Arc::new(AtomicUsize::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let counted = hits.clone();
    let hostile = Router::new()
        .route(
            "/slow/did.json",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(10)).await;
                "{}"
            }),
        )
        .route(
            "/huge/did.json",
            get(|| async { format!("{{\"id\": \"{}\"}}", "x".repeat(5 * 1024 * 1024)) }),
        )
        .route(
            "/redirect/did.json",
            get(|| async { axum::response::Redirect::temporary("http://127.0.0.1:9/did.json") }),
        )
        .route(
            "/.well-known/did.json",
            get(move || {
                counted.fetch_add(1, Ordering::SeqCst);
                async { "{}" }
            }),
        );
    serve(listener, hostile).await;
    let did = |path: &str| format!("did:web:127.0.0.1%3A{port}:{path}");
    let trust: String = ["slow", "huge", "redirect"]
        .iter()
        .map(|p| format!("[[issuer]]\ndid = \"{}\"\nname = \"{p}\"\n\n", did(p)))
        .collect();
    let a = site(&["--fetch-timeout-ms", "500"], Some(&trust)).await;
    let (_, ours) = earn(&a, "maija", "Polku").await;

    for path in ["slow", "huge", "redirect"] {
        // The badge names that issuer and a key of its (the signature
        // cannot be checked without the document).
        let mut forged: Value = serde_json::from_str(&ours).unwrap();
        forged["issuer"]["id"] = did(path).into();
        forged["proof"][0]["verificationMethod"] = format!("{}#key-1", did(path)).into();
        let (verdict, took) = verify(&a.base, &forged.to_string()).await;
        assert_eq!(
            verdict["outcome"], "issuer_not_verified",
            "{path}: {verdict:#}"
        );
        assert!(took < Duration::from_secs(1), "{path}: {took:?}");
    }
    // An issuer not on the list: nothing is fetched from its host.
    let mut unlisted: Value = serde_json::from_str(&ours).unwrap();
    let stranger = format!("did:web:127.0.0.1%3A{port}");
    unlisted["issuer"]["id"] = stranger.clone().into();
    unlisted["proof"][0]["verificationMethod"] = format!("{stranger}#key-1").into();
    let (verdict, _) = verify(&a.base, &unlisted.to_string()).await;
    assert_eq!(verdict["outcome"], "issuer_not_verified", "{verdict:#}");
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "no request to an unlisted host"
    );
}
