//! HTTP tests through the real router, on a real SQLite file with the
//! bundled courses imported.
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod common;

use axum::body::Body;
use common::{
    ONE_AT_A_TIME, app, app_db, approved_badge, get, person, picks, post_form, send, shown_order,
};
use http::{Request, StatusCode, header};
use tower::ServiceExt;

#[tokio::test]
async fn healthz_answers_ok() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, _dir) = app().await;
    let (status, _, body) = get(&app, "/healthz", None).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
}

#[tokio::test]
async fn catalog_course_and_lesson_render_on_the_server() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, _dir) = app().await;
    let (status, headers, body) = get(&app, "/", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<html lang=\"fi\""), "{body}");
    assert!(
        body.contains("Digitaidot alusta") && body.contains("href=\"/courses/digital-basics\""),
        "{body}"
    );
    let csp = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        csp.contains("script-src 'self' 'nonce-")
            && csp.contains("style-src 'self' 'nonce-")
            && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(
        headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
        "nosniff"
    );

    let (status, _, body) = get(&app, "/courses/digital-basics", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("href=\"/courses/digital-basics/devices\""),
        "{body}"
    );

    let (status, _, body) = get(&app, "/courses/digital-basics/browser", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Verkkoselain"), "{body}");
    assert!(
        body.contains("rel=\"prev\" href=\"/courses/digital-basics/devices\""),
        "{body}"
    );
    assert!(
        body.contains("rel=\"next\" href=\"/courses/digital-basics/email\""),
        "{body}"
    );
}

#[tokio::test]
async fn language_comes_from_the_cookie() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, _dir) = app().await;
    let (_, _, body) = get(
        &app,
        "/courses/digital-basics/browser",
        Some("polku_lang=en"),
    )
    .await;
    assert!(
        body.contains("<html lang=\"en\"") && body.contains("The web browser"),
        "{body}"
    );
    let (_, _, body) = get(&app, "/", Some("polku_lang=sv")).await;
    assert!(
        body.contains("<html lang=\"sv\"") && body.contains("Digitala grunder"),
        "{body}"
    );
}

#[tokio::test]
async fn unknown_pages_are_404() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, _dir) = app().await;
    for path in [
        "/no-such-page",
        "/courses/nope",
        "/courses/digital-basics/nope",
    ] {
        let (status, _, body) = get(&app, path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(body.contains("Sivua ei löytynyt"), "{path}: {body}");
    }
}

#[tokio::test]
async fn language_form_sets_the_cookie_and_redirects_back() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, _dir) = app().await;
    let request = Request::post("/lang")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from("lang=sv&next=%2Fcourses%2Fdigital-basics"))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers().get(header::LOCATION).unwrap(),
        "/courses/digital-basics"
    );
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        cookie.starts_with("polku_lang=sv;")
            && cookie.contains("SameSite=Lax")
            && cookie.contains("HttpOnly"),
        "{cookie}"
    );

    // An open redirect is refused.
    let request = Request::post("/lang")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("lang=en&next=%2F%2Fevil.example"))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.headers().get(header::LOCATION).unwrap(), "/");
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, _dir) = app().await;
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ] {
        let request = Request::post("/lang")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(name, value)
            .body(Body::from("lang=sv&next=%2F"))
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{name}: {value}");
        assert!(response.headers().get(header::SET_COOKIE).is_none());
    }
}

#[tokio::test]
async fn search_works_as_a_plain_get_form() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, _dir) = app().await;
    // The search box is in the header of every page.
    let (_, _, home) = get(&app, "/", None).await;
    assert!(
        home.contains("action=\"/search\"") && home.contains("for=\"site-search-q\""),
        "{home}"
    );
    // An inflected Finnish word finds the passwords lesson, links to the
    // section in the lesson's language and marks the word.
    let (status, _, body) = get(&app, "/search?q=salasanan", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("href=\"/courses/digital-basics/passwords-and-phishing?lang=fi#h-"),
        "{body}"
    );
    assert!(body.contains("<mark>"), "{body}");
    assert!(body.contains("role=\"status\""), "{body}");
    // The heading naming both words is where the first result lands.
    let (_, _, body) = get(&app, "/search?q=vahva+salasana", None).await;
    let first = body.split("href=\"/courses/").nth(1).unwrap_or_default();
    assert!(
        first.starts_with("digital-basics/passwords-and-phishing?lang=fi#h-vahva-salasana\""),
        "{first}"
    );
    // Filters: only Swedish.
    let (_, _, swedish) = get(&app, "/search?q=l%C3%B6senord&lang=sv", None).await;
    assert!(swedish.contains("?lang=sv"), "{swedish}");
    assert!(!swedish.contains("?lang=fi#"), "{swedish}");
    // Bad input: a friendly page, never an error.
    let long = "a".repeat(10_000);
    for q in [
        "",
        "%22",
        "%22salasana",
        "***%20AND%20(",
        &long,
        "title_fi%3Ax",
    ] {
        let (status, _, body) = get(&app, &format!("/search?q={q}&page=99999"), None).await;
        assert_eq!(status, StatusCode::OK, "{q}: {body}");
    }
    let (_, _, nothing) = get(&app, "/search?q=xylofonisti", None).await;
    assert!(nothing.contains("Ei tuloksia"), "{nothing}");
    // The same as JSON, and suggestions for a word being typed.
    let (status, _, json) = get(&app, "/api/search?q=passwords&locale=en", None).await;
    assert_eq!(status, StatusCode::OK);
    let page: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(page["total"].as_u64().unwrap() >= 1, "{json}");
    assert!(
        page["hits"][0]["href"]
            .as_str()
            .unwrap()
            .contains("lang=en"),
        "{json}"
    );
    let (status, _, json) = get(&app, "/api/suggest?q=salas&locale=fi", None).await;
    assert_eq!(status, StatusCode::OK);
    let list: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(!list.as_array().unwrap().is_empty(), "{json}");
}

#[tokio::test]
async fn the_issuer_publishes_its_did_document() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, dir) = app().await;
    let (status, headers, body) = get(&app, "/.well-known/did.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/did+json");
    let document: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(document["id"], "did:web:127.0.0.1%3A3000");
    assert_eq!(
        document["assertionMethod"][0],
        "did:web:127.0.0.1%3A3000#key-1"
    );
    let key = document["verificationMethod"][0]["publicKeyMultibase"]
        .as_str()
        .unwrap();
    assert!(key.starts_with("z6Mk"), "{body}");
    // The private half never leaves the keyring file.
    let keyring = std::fs::read_to_string(dir.path().join("polku.issuer-keys.json")).unwrap();
    let secret: serde_json::Value = serde_json::from_str(&keyring).unwrap();
    let secret = secret["keys"][0]["secret"].as_str().unwrap();
    assert!(!body.contains(secret));
}

#[tokio::test]
async fn anyone_can_check_a_badge_through_the_json_api() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, _dir) = app().await;
    let vector = std::fs::read_to_string(format!(
        "{}/core/tests/fixtures/ob3/1edtech-spec_linked-data-proof-ob_testvector.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let verdict = api_verdict(&app, vector).await;
    // Another issuer's https key cannot be confirmed offline.
    assert_eq!(verdict["outcome"], "issuer_not_verified", "{verdict}");
    assert_eq!(
        verdict["claims"]["issuer_id"],
        "https://example.edu/issuers/565049"
    );
    for body in ["not json", "{}"] {
        assert_eq!(api_verdict(&app, body).await["outcome"], "not_a_badge");
    }
    let post = |body: String| Request::post("/api/verify").body(Body::from(body)).unwrap();
    let huge = app
        .clone()
        .oneshot(post("x".repeat(1024 * 1024)))
        .await
        .unwrap();
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_verify_page_answers_a_posted_badge_without_javascript() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, _dir) = app().await;
    let (status, _, page) = get(&app, "/verify", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("name=\"credential\"") && page.contains("action=\"/verify\""),
        "{page}"
    );
    assert!(!page.contains("verdict-heading"));

    let vector = std::fs::read_to_string(format!(
        "{}/core/tests/fixtures/ob3/1edtech-spec_linked-data-proof-ob_testvector.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("credential", &vector)
        .append_pair("email", "someone@example.org")
        .finish();
    let (status, _, page) = post_form(&app, "/verify", &body, None).await;
    assert_eq!(status, StatusCode::OK);
    // An address typed is kept in the form, but an unverified issuer's
    // badge says nothing about whose it is.
    assert!(page.contains(r#"value="someone@example.org""#), "{page}");
    assert!(!page.contains("verdict__email"), "{page}");
    // Another issuer's key, never looked up: not verified, its name only
    // the badge's claim.
    assert!(page.contains("Myöntäjää ei ole varmistettu"), "{page}");
    assert!(
        page.contains("Merkin mukaan myöntäjä on Example Corp, 1.1.2010. Tätä ei voi varmistaa."),
        "{page}"
    );
    assert!(page.contains("Mitä se osoittaa: Teamwork."), "{page}");
    // What was pasted stays in the form.
    let form = page.split("<textarea").nth(1).unwrap_or_default();
    assert!(form.contains("Teamwork Badge"), "{page}");

    let (status, _, page) = post_form(&app, "/verify", "credential=not+a+badge", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Tämä ei ole luettava osaamismerkki"),
        "{page}"
    );
    assert!(page.contains(">not a badge</textarea>"), "{page}");
}

/// The JSON verdict of `POST /api/verify` with `body`.
async fn api_verdict(app: &axum::Router, body: impl Into<Body>) -> serde_json::Value {
    let request = Request::post("/api/verify").body(body.into()).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// A badge signed with its issuer's own did:key, baked into Polku's icon.
fn baked_svg_badge() -> String {
    use polku_core::badges::{IssuerKey, bake_svg, sign};
    let key = IssuerKey::generate().unwrap();
    let mut credential = serde_json::json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": "urn:uuid:5a0b0c39-1c1e-4a53-9d2f-6f1f0e6d2b7a",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": { "id": key.did_key(), "type": ["Profile"], "name": "Testikunta" },
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Selaimen käyttö",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://polku.example/achievements/browser",
                "type": ["Achievement"],
                "name": "Selaimen käyttö",
                "description": "Käyttää selainta.",
                "criteria": { "narrative": "Kurssi tehty." }
            }
        }
    });
    let created = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .unwrap()
        .to_utc();
    sign(&mut credential, &key, &key.did_key_method(), created).unwrap();
    let icon = std::fs::read_to_string(format!(
        "{}/../style/favicon.svg",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    bake_svg(&icon, &credential.to_string()).unwrap()
}

#[tokio::test]
async fn a_dropped_baked_image_is_checked_on_the_page_and_by_the_api() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, _dir) = app().await;
    let svg = baked_svg_badge();
    let boundary = "polku-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"badge\"; filename=\"badge.svg\"\r\nContent-Type: image/svg+xml\r\n\r\n{svg}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"credential\"\r\n\r\n\r\n--{boundary}--\r\n"
    );
    let request = Request::post("/verify")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = String::from_utf8(
        axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec(),
    )
    .unwrap();
    // Self-signed (its issuer's own did:key, "Testikunta" in it): the
    // signature is intact, the issuer is nobody this site knows.
    assert!(
        page.contains("Myöntäjää ei ole varmistettu: allekirjoitus on ehjä"),
        "{page}"
    );
    assert!(!page.contains("Voimassa."), "{page}");
    assert!(
        page.contains("Merkin mukaan myöntäjä on Testikunta, 1.1.2026. Tätä ei voi varmistaa."),
        "{page}"
    );

    let verdict = api_verdict(&app, svg).await;
    assert_eq!(verdict["outcome"], "issuer_not_verified", "{verdict}");
    assert_eq!(verdict["issuer_verified"], serde_json::Value::Null);
    assert!(
        verdict["signer"]
            .as_str()
            .is_some_and(|s| s.starts_with("did:key:z6Mk")),
        "{verdict}"
    );
    // An image without a badge: said so.
    let icon = std::fs::read(format!(
        "{}/../style/favicon.svg",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let verdict = api_verdict(&app, icon).await;
    assert_eq!(verdict["outcome"], "not_a_badge");
    assert!(
        verdict["checks"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("no badge in it"),
        "{verdict}"
    );
}

/// A group of coach `coach` that learner `learner` joined (invited, and
/// she accepted); its id.
async fn coached_group(db: &polku_core::db::DatabaseConnection, coach: &str, learner: &str) -> i32 {
    use polku_core::authz::{Act, GroupId, authorize};
    let coach = polku_core::accounts::Actor::for_cli(db, coach)
        .await
        .unwrap();
    let group = polku_core::coaching::create_group(db, &coach, "Ryhmä")
        .await
        .unwrap();
    let grant = authorize(db, &coach, Act::CoachGroup, GroupId(group.id))
        .await
        .unwrap();
    polku_core::coaching::invite(db, &grant, learner)
        .await
        .unwrap();
    let learner = polku_core::accounts::Actor::for_cli(db, learner)
        .await
        .unwrap();
    polku_core::coaching::accept(db, &learner, group.id)
        .await
        .unwrap();
    group.id
}

/// The bit for `index` in the list served at `/badges/status/1`.
async fn listed_as_revoked(app: &axum::Router, index: i32) -> bool {
    let (status, headers, body) = get(app, "/badges/status/1", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/ld+json");
    let list: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(list["type"][1], "BitstringStatusListCredential");
    assert_eq!(list["proof"][0]["cryptosuite"], "eddsa-rdfc-2022");
    let encoded = list["credentialSubject"]["encodedList"].as_str().unwrap();
    polku_core::badges::status::StatusList::decode(encoded)
        .unwrap()
        .get(index as usize)
}

#[tokio::test]
async fn a_badge_goes_from_the_learner_to_an_employer_and_its_coach_revokes_it() {
    use polku_core::accounts::Role;
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, dir) = app().await;
    let maija = person(&dir, "maija", Role::Learner).await;
    let other = person(&dir, "olli", Role::Learner).await;
    let coach = person(&dir, "kaisa", Role::Coach).await;
    let db = app_db(&dir).await;
    let group = coached_group(&db, "kaisa", "maija").await;

    // Every lesson done: the last one earns the badge, and says so.
    let mut location = String::new();
    for lesson in ["devices", "browser", "email", "passwords-and-phishing"] {
        let body = format!("course=digital-basics&lesson={lesson}&done=true");
        let (status, headers, _) = post_form(&app, "/api/mark_done", &body, Some(&maija)).await;
        assert!(status.is_redirection(), "{status}");
        location = headers[header::LOCATION].to_str().unwrap().to_owned();
    }
    let id: i32 = location
        .split("earned=")
        .nth(1)
        .and_then(|rest| rest.split(['&', '#']).next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no earned badge in {location}"));
    let (_, _, lesson) = get(&app, &location, Some(&maija)).await;
    assert!(lesson.contains("Sait osaamismerkin!"), "{lesson}");
    assert!(lesson.contains(&format!("/badges#badge-{id}")));

    // The wallet lists it; the files are the holder's only.
    let (status, _, wallet) = get(&app, "/badges", Some(&maija)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(wallet.contains("Digitaidot alusta"), "{wallet}");
    assert!(wallet.contains(&format!("/badges/{id}/badge.png")));
    let png_path = format!("/badges/{id}/badge.png");
    let (status, headers, _) = get(&app, &png_path, Some(&maija)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("polku-digital-basics.png")
    );
    assert_eq!(get(&app, &png_path, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        get(&app, &png_path, Some(&other)).await.0,
        StatusCode::NOT_FOUND
    );
    let png = {
        let request = Request::get(&png_path)
            .header(header::COOKIE, &maija)
            .body(Body::empty())
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
    };
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    for file in ["badge.svg", "badge.json"] {
        let (status, _, body) = get(&app, &format!("/badges/{id}/{file}"), Some(&maija)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("OpenBadgeCredential"), "{file}");
    }

    // An employer checks the downloaded picture: valid, not revoked.
    let verdict = api_verdict(&app, png.clone()).await;
    assert_eq!(verdict["outcome"], "valid", "{verdict:#}");
    let status_check = verdict["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "status")
        .unwrap();
    assert_eq!(status_check["result"], "passed", "{status_check:#}");
    assert!(!listed_as_revoked(&app, id).await);
    // The list is served as signed at its last change: the very same
    // document (same date, same proof) a second later.
    let (_, _, list_before) = get(&app, "/badges/status/1", None).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(get(&app, "/badges/status/1", None).await.2, list_before);

    // Shared by link: the page checks it, the QR code holds the link.
    let (status, headers, _) = post_form(
        &app,
        "/api/share_badge",
        &format!("id={id}&share=true"),
        Some(&maija),
    )
    .await;
    assert!(status.is_redirection());
    assert!(
        headers[header::LOCATION]
            .to_str()
            .unwrap()
            .contains("shared=true")
    );
    let token = {
        use polku_core::db::entities::badge_awards;
        use sea_orm::EntityTrait;
        badge_awards::Entity::find_by_id(id)
            .one(&db)
            .await
            .unwrap()
            .unwrap()
            .share_token
            .unwrap()
    };
    assert!(token.len() >= 26);
    let (_, _, wallet) = get(&app, "/badges", Some(&maija)).await;
    assert!(wallet.contains(&format!("/verify?badge={token}")));
    assert!(wallet.contains("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME"));
    let shared = format!("/verify?badge={token}");
    let (status, _, page) = get(&app, &shared, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Voimassa."), "{page}");
    assert!(page.contains("maija Testinen"));
    assert!(page.contains("Myöntäjä ei ole perunut merkkiä."));
    // The competence in the reader's language (the bundled DigComp names).
    assert!(
        page.contains("Osaamisalue: DigComp 2.2 4.1 Laitteiden suojaaminen"),
        "{page}"
    );
    let (_, _, page) = get(&app, &shared, Some("polku_lang=sv")).await;
    assert!(page.contains("Kompetensområde: DigComp 2.2 4.1 Skydda enheter"));
    let (_, _, page) = get(&app, &shared, Some("polku_lang=en")).await;
    assert!(page.contains("Competences: DigComp 2.2 4.1 Protecting devices"));
    // An employer compares the address an applicant gave: this site names
    // holders by account only (no --badge-recipient-email), so the page
    // says the badge names no address.
    let (_, _, json) = get(&app, &format!("/badges/{id}/badge.json"), Some(&maija)).await;
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("credential", &json)
        .append_pair("email", "maija@example.fi")
        .finish();
    let (status, _, page) = post_form(&app, "/verify", &body, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Merkissä ei ole sähköpostiosoitetta, joten osoitetta maija@example.fi ei voi verrata siihen."),
        "{page}"
    );
    let qr = format!("/badges/shared/{token}/qr.svg");
    let (status, headers, svg) = get(&app, &qr, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/svg+xml");
    assert!(svg.contains("<svg"));
    let (status, _, certificate) =
        get(&app, &format!("/badges/{id}/certificate"), Some(&maija)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(certificate.contains("Osaamistodistus") && certificate.contains(&qr));

    // Her coach revokes it, with a reason: everyone sees "revoked" at once.
    let (status, headers, _) = post_form(
        &app,
        "/api/revoke_badge",
        &format!("group={}&badge={id}&reason=Tehty+toisen+puolesta", group),
        Some(&coach),
    )
    .await;
    assert!(status.is_redirection());
    assert!(
        headers[header::LOCATION]
            .to_str()
            .unwrap()
            .contains("revoked=")
    );
    assert_eq!(api_verdict(&app, png).await["outcome"], "revoked");
    let (_, _, page) = get(&app, &shared, None).await;
    assert!(page.contains("myöntäjä on perunut tämän merkin"), "{page}");
    assert!(listed_as_revoked(&app, id).await);
    assert_ne!(
        get(&app, "/badges/status/1", None).await.2,
        list_before,
        "signed anew after the revocation"
    );
    let (_, _, wallet) = get(&app, "/badges", Some(&maija)).await;
    assert!(wallet.contains("Tehty toisen puolesta"));

    // Sharing stopped: the link and its QR code are dead.
    post_form(
        &app,
        "/api/share_badge",
        &format!("id={id}&share=false"),
        Some(&maija),
    )
    .await;
    let (_, _, page) = get(&app, &shared, None).await;
    assert!(page.contains("Tällä linkillä ei ole jaettua osaamismerkkiä"));
    assert_eq!(get(&app, &qr, None).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_right_quiz_answer_that_earns_a_badge_says_so_without_javascript() {
    use polku_core::accounts::Role;
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, dir) = app().await;
    let maija = person(&dir, "maija", Role::Learner).await;
    person(&dir, "anna", Role::Admin).await;
    let db = app_db(&dir).await;
    // A badge for the browser lesson with its quiz and exercise answered right.
    approved_badge(&db, "anna", "digital-basics", "browser", "browser-quiz").await;

    let (_, headers, _) = post_form(
        &app,
        "/api/mark_done",
        "course=digital-basics&lesson=browser&done=true",
        Some(&maija),
    )
    .await;
    let marked = headers[header::LOCATION].to_str().unwrap();
    assert!(!marked.contains("earned="), "not yet: {marked}");
    // Its match exercise (each address to its domain) answered right
    // earns nothing yet: the quiz is a graded part too.
    let answer = "/courses/digital-basics/browser/answer";
    let (_, _, page) = get(&app, "/courses/digital-basics/browser", Some(&maija)).await;
    let domains = [
        ">kela.fi<",
        ">fi-asiointi.com<",
        ">suomi.fi<",
        ">kirjaudu.net<",
        ">tyomarkkinatori.fi<",
    ];
    let shown = shown_order(&page, 1, &domains);
    let right: Vec<String> = domains[..4]
        .iter()
        .map(|d| shown.iter().position(|s| s == d).unwrap().to_string())
        .collect();
    let (_, headers, _) = post_form(&app, answer, &picks(1, &right), Some(&maija)).await;
    let location = headers[header::LOCATION].to_str().unwrap().to_owned();
    assert!(!location.contains("earned="), "{location}");
    let (_, _, verdict) = get(&app, &location, Some(&maija)).await;
    assert!(verdict.contains("Oikein!"), "{verdict}");
    // A wrong answer to the quiz earns nothing; the right one earns the badge.
    let (_, headers, _) = post_form(&app, answer, "quiz=0&a=0", Some(&maija)).await;
    assert!(
        !headers[header::LOCATION]
            .to_str()
            .unwrap()
            .contains("earned=")
    );
    let (status, headers, _) = post_form(&app, answer, "quiz=0&a=1", Some(&maija)).await;
    assert!(status.is_redirection());
    let location = headers[header::LOCATION].to_str().unwrap().to_owned();
    assert!(location.contains("earned="), "{location}");
    let (_, _, page) = get(&app, &location, Some(&maija)).await;
    assert!(page.contains("Sait osaamismerkin!"), "{page}");
}

#[tokio::test]
async fn evidence_approved_then_revoked_can_be_sent_again() {
    use polku_core::accounts::Role;
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, dir) = app().await;
    let maija = person(&dir, "maija", Role::Learner).await;
    let coach = person(&dir, "kaisa", Role::Coach).await;
    let db = app_db(&dir).await;
    let group = coached_group(&db, "kaisa", "maija").await;
    let form_marker = "action=\"/api/send_evidence\"";
    let (_, _, course) = get(&app, "/courses/digital-basics", Some(&maija)).await;
    assert!(course.contains(form_marker));

    let send = "course=digital-basics&badge=job-email&text=Kirjoitin+hakemuksen&link=";
    let (status, _, _) = post_form(&app, "/api/send_evidence", send, Some(&maija)).await;
    assert!(status.is_redirection());
    let (_, _, course) = get(&app, "/courses/digital-basics", Some(&maija)).await;
    assert!(course.contains("Näyttösi odottaa valmentajan hyväksyntää"));
    assert!(!course.contains(form_marker), "one request waits at a time");

    let request = {
        use polku_core::db::entities::badge_requests;
        use sea_orm::EntityTrait;
        badge_requests::Entity::find()
            .one(&db)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let decide = format!("group={}&request={request}&decision=approve&note=", group);
    let (status, _, _) = post_form(&app, "/api/decide_evidence", &decide, Some(&coach)).await;
    assert!(status.is_redirection());
    let (_, _, course) = get(&app, "/courses/digital-basics", Some(&maija)).await;
    assert!(course.contains("Valmentaja hyväksyi näyttösi"), "{course}");
    assert!(!course.contains(form_marker));

    let badge = {
        use polku_core::db::entities::badge_awards;
        use sea_orm::EntityTrait;
        badge_awards::Entity::find()
            .one(&db)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let revoke = format!("group={}&badge={badge}&reason=Tarkistetaan", group);
    post_form(&app, "/api/revoke_badge", &revoke, Some(&coach)).await;
    let (_, _, course) = get(&app, "/courses/digital-basics", Some(&maija)).await;
    assert!(course.contains(form_marker), "revoked: she can send again");
    assert!(!course.contains("Valmentaja hyväksyi näyttösi"));
    let (status, headers, _) = post_form(&app, "/api/send_evidence", send, Some(&maija)).await;
    assert!(status.is_redirection());
    assert!(
        !headers[header::LOCATION]
            .to_str()
            .unwrap()
            .contains("error="),
        "accepted again"
    );
}

/// A server function's refusal is answered with its own status (404, 401,
/// 400), never 500, and still carries the error for the page.
#[tokio::test]
async fn server_function_refusals_are_not_500() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, dir) = app().await;
    let coach = person(&dir, "kaisa", polku_core::accounts::Role::Coach).await;
    let call = |path: &'static str, body: &'static str, cookie: Option<String>| {
        let app = app.clone();
        async move {
            let mut request = Request::post(path)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin");
            if let Some(cookie) = cookie {
                request = request.header("cookie", cookie);
            }
            let (status, _, body) = send(&app, request.body(Body::from(body)).unwrap()).await;
            (status, body)
        }
    };
    // Someone else's (or no) group: not found.
    let (status, body) = call("/api/get_group", "id=424242&locale=fi", Some(coach.clone())).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(body.contains("NotFound"), "{body}");
    // Signed out: 401.
    let (status, body) = call("/api/get_dashboard", "locale=fi", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    // A learner's own page is refused to nobody signed in; a coach's
    // page to a learner is forbidden or not found, never a failure.
    let learner = person(&dir, "maija", polku_core::accounts::Role::Learner).await;
    let (status, body) = call("/api/get_coach_home", "", Some(learner)).await;
    assert!(status.is_client_error(), "{status} {body}");
    // Something that works is still 200.
    let (status, _) = call("/api/get_dashboard", "locale=fi", Some(coach)).await;
    assert_eq!(status, StatusCode::OK);
}

/// `POST /api/verify` with `body` from `client` (behind a trusted proxy).
fn verify_from(client: &str, body: &str) -> Request<Body> {
    Request::post("/api/verify")
        .header("x-forwarded-for", client)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

#[tokio::test]
async fn badge_checks_are_rate_limited_per_client_address() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, _dir) = common::app_with(&[
        "--trusted-proxy",
        "--verify-burst",
        "3",
        "--verify-per-minute",
        "2",
    ])
    .await;
    let badge = baked_svg_badge();
    let (a, b) = ("198.51.100.7", "203.0.113.9");
    for _ in 0..3 {
        let (status, _, body) = send(&app, verify_from(a, &badge)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // The burst is spent: 429, and when to come back (one more every 30 s).
    let (status, headers, body) = send(&app, verify_from(a, &badge)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    let wait: u64 = headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&wait), "Retry-After: {wait}");
    let refusal: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(refusal["error"], "too_many_requests");
    // Another address is not affected.
    let (status, _, body) = send(&app, verify_from(b, &badge)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Checked (a self-made did:key: intact, issuer not verified).
    assert!(
        body.contains("\"outcome\":\"issuer_not_verified\""),
        "{body}"
    );

    // The page's form counts against the same limit and says so in the
    // reader's language, with the form still there.
    let form = |client: &str| {
        Request::post("/verify")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html")
            .header(header::ACCEPT_LANGUAGE, "en")
            .header("sec-fetch-site", "same-origin")
            .header("x-forwarded-for", client)
            .body(Body::from("credential=not+a+badge"))
            .unwrap()
    };
    let (status, headers, page) = send(&app, form(a)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(headers.contains_key(header::RETRY_AFTER), "{headers:?}");
    assert!(
        page.contains("You have checked many badges in a short time"),
        "{page}"
    );
    assert!(page.contains("action=\"/verify\""), "{page}");
    assert!(!page.contains("verdict-heading"), "no verdict: {page}");
    let (status, _, page) = send(&app, form(b)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("verdict-heading"), "{page}");
}

/// The browser half's files are linked under a version made from their
/// content: cached for a year there, revalidated at the plain address,
/// another version's address not found; a changed file is a new version.
#[tokio::test]
async fn browser_files_are_versioned_by_their_content_and_cached_for_good() {
    // It builds and renders with a router of its own: in turn with the
    // others (see `common::ONE_AT_A_TIME`; a render at the same time as
    // another router's stalled now and then into a 408).
    let _turn = ONE_AT_A_TIME.lock().await;
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("polku.css"), "body { color: black }").unwrap();
    std::fs::write(pkg.join("polku.js"), "export default () => {}").unwrap();
    let site_dir = site.path().to_string_lossy().into_owned();
    let version_in = |html: &str| {
        let at = html.find("/pkg/").expect("a /pkg/ link") + "/pkg/".len();
        html[at..at + 16].to_owned()
    };

    let (app, _dir) = common::app_with(&["--site-dir", &site_dir]).await;
    let (status, _, html) = get(&app, "/", None).await;
    assert_eq!(status, StatusCode::OK);
    let version = version_in(&html);
    assert!(version.bytes().all(|b| b.is_ascii_hexdigit()), "{version}");
    assert!(
        html.contains(&format!("href=\"/pkg/{version}/polku.css\"")),
        "{html}"
    );
    assert!(
        html.contains(&format!("import(\"/pkg/{version}/polku.js\")")),
        "{html}"
    );
    assert!(
        !html.contains("rel=\"preload\""),
        "the wasm is not preloaded: {html}"
    );

    let (status, headers, body) = get(&app, &format!("/pkg/{version}/polku.css"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "body { color: black }");
    assert_eq!(
        headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let (status, headers, _) = get(&app, "/pkg/polku.css", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    let (status, _, _) = get(&app, "/pkg/0123456789abcdef/polku.css", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another version's address");
    let (status, _, _) = get(&app, &format!("/pkg/{version}/missing.js"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A new build: a new version, and the old address is gone.
    std::fs::write(pkg.join("polku.css"), "body { color: navy }").unwrap();
    let (app, _dir) = common::app_with(&["--site-dir", &site_dir]).await;
    let (_, _, html) = get(&app, "/", None).await;
    let new_version = version_in(&html);
    assert_ne!(new_version, version);
    let (status, _, body) = get(&app, &format!("/pkg/{new_version}/polku.css"), None).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "body { color: navy }")
    );
    let (status, _, _) = get(&app, &format!("/pkg/{version}/polku.css"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn messages_work_as_plain_forms_and_show_text_as_text() {
    use polku_core::accounts::Role;
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, dir) = app().await;
    let coach = person(&dir, "kaisa", Role::Coach).await;
    let learner = person(&dir, "maija", Role::Learner).await;
    let db = app_db(&dir).await;
    coached_group(&db, "kaisa", "maija").await;
    let id = |name: &'static str| {
        let db = db.clone();
        async move {
            polku_core::accounts::Actor::for_cli(&db, name)
                .await
                .unwrap()
                .id()
        }
    };
    let (kaisa, maija) = (id("kaisa").await, id("maija").await);

    // An empty message goes back to the form with the reason.
    let (status, headers, _) = post_form(
        &app,
        "/api/send_message",
        &format!("person={maija}&body=+"),
        Some(&coach),
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    let back = headers[header::LOCATION].to_str().unwrap();
    assert!(
        back.starts_with(&format!("/messages/people/{maija}?error=message_empty")),
        "{back}"
    );

    // A message with markup and an address: the markup stays text, the
    // address becomes a link that does not pass on who sent the reader.
    let (status, headers, _) = post_form(
        &app,
        "/api/send_message",
        &format!(
            "person={maija}&body={}",
            "%3Cimg+src%3Dx+onerror%3Dalert(1)%3E+katso+https%3A%2F%2Fexample.fi%2Fa"
        ),
        Some(&coach),
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    assert!(
        headers[header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with(&format!("/messages/people/{maija}#message-"))
    );
    // Her header counts it; her page shows it.
    // The header's "Messages" link (and not "Notifications": her
    // invitation is counted there).
    let messages_link = |page: &str| {
        let start = page.find(r#"href="/messages""#).expect("the link");
        let end = start + page[start..].find("</a>").expect("its end");
        page[start..end].to_owned()
    };
    let (_, _, page) = get(&app, "/dashboard", Some(&learner)).await;
    assert!(
        messages_link(&page).contains(r#"class="count">1<"#),
        "unread count"
    );
    let (status, _, page) = get(&app, &format!("/messages/people/{kaisa}"), Some(&learner)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt; katso "),
        "markup shown as text"
    );
    assert!(!page.contains("<img src=x"), "no markup");
    let link = page.find(r#"href="https://example.fi/a""#).expect("a link");
    let tag = &page[page[..link].rfind('<').unwrap()..link + page[link..].find('>').unwrap()];
    assert!(tag.starts_with("<a "), "{tag}");
    assert!(
        tag.contains(r#"rel="nofollow noopener noreferrer ugc""#),
        "{tag}"
    );
    let (_, _, page) = get(&app, "/dashboard", Some(&learner)).await;
    assert!(
        !messages_link(&page).contains(r#"class="count""#),
        "read now"
    );
    // Nobody else opens it, signed in or not.
    let (status, _, _) = get(&app, &format!("/messages/people/{kaisa}"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let other = person(&dir, "olli", Role::Coach).await;
    let (status, _, _) = get(&app, &format!("/messages/people/{maija}"), Some(&other)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn appointments_work_as_plain_forms_and_a_taken_time_is_refused() {
    use polku_core::accounts::Role;
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, dir) = app().await;
    let coach = person(&dir, "kaisa", Role::Coach).await;
    let maija = person(&dir, "maija", Role::Learner).await;
    let pekka = person(&dir, "pekka", Role::Learner).await;
    let db = app_db(&dir).await;
    let group = coached_group(&db, "kaisa", "maija").await;
    {
        let kaisa = polku_core::accounts::Actor::for_cli(&db, "kaisa")
            .await
            .unwrap();
        let grant = polku_core::authz::authorize(
            &db,
            &kaisa,
            polku_core::authz::Act::CoachGroup,
            polku_core::authz::GroupId(group),
        )
        .await
        .unwrap();
        polku_core::coaching::invite(&db, &grant, "pekka")
            .await
            .unwrap();
        let pekka = polku_core::accounts::Actor::for_cli(&db, "pekka")
            .await
            .unwrap();
        polku_core::coaching::accept(&db, &pekka, group)
            .await
            .unwrap();
    }
    let day = (chrono::Utc::now() + chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    // A refused offer goes back to the form with what was typed.
    let (status, headers, _) = post_form(
        &app,
        "/api/offer_times",
        &format!("date={day}&time=09:00&minutes=500&count=2&place=address&location=Kirjasto&note=Tervetuloa"),
        Some(&coach),
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    let back = headers[header::LOCATION].to_str().unwrap();
    assert!(
        back.starts_with("/appointments?error=appointment_length"),
        "{back}"
    );
    for kept in [
        "minutes=500",
        "count=2",
        "place=address",
        "location=Kirjasto",
        "note=Tervetuloa",
    ] {
        assert!(back.contains(kept), "{kept} kept: {back}");
    }
    let (status, _, page) = get(&app, back, Some(&coach)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"value="Kirjasto""#), "the form keeps it");
    assert!(
        page.contains("Keston pitää olla 5–240 minuuttia."),
        "the reason"
    );
    // Offered; Maija books it with a plain form; Pekka finds it taken.
    let (status, headers, _) = post_form(
        &app,
        "/api/offer_times",
        &format!("date={day}&time=09:00&minutes=30&count=1&place=address&location=Kirjasto&note="),
        Some(&coach),
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(headers[header::LOCATION], "/appointments?offered=1");
    let (_, _, page) = get(&app, "/appointments", Some(&pekka)).await;
    let at = page
        .find(r#"action="/api/book_time""#)
        .expect("a time to book");
    let value = &page[at..][page[at..].find(r#"name="id" value=""#).unwrap() + 17..];
    let id: i32 = value[..value.find('"').unwrap()].parse().unwrap();
    let (_, headers, _) =
        post_form(&app, "/api/book_time", &format!("id={id}"), Some(&maija)).await;
    assert_eq!(
        headers[header::LOCATION],
        format!("/appointments/{id}?booked=1").as_str()
    );
    let (_, headers, _) =
        post_form(&app, "/api/book_time", &format!("id={id}"), Some(&pekka)).await;
    assert_eq!(
        headers[header::LOCATION],
        "/appointments?error=appointment_taken"
    );
    let (_, _, page) = get(&app, "/dashboard", Some(&maija)).await;
    assert!(
        page.contains("Tapaaminen: kaisa Testinen"),
        "on her dashboard"
    );
    // She asks for another time: the message goes to her coach, naming
    // the appointment.
    let (_, headers, _) = post_form(
        &app,
        "/api/ask_other_time",
        &format!("id={id}&body=Sopisiko+iltap%C3%A4iv%C3%A4%3F"),
        Some(&maija),
    )
    .await;
    let kaisa = polku_core::accounts::Actor::for_cli(&db, "kaisa")
        .await
        .unwrap();
    let to_coach = format!("/messages/people/{}#message-", kaisa.id());
    assert!(
        headers[header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with(&to_coach),
        "{headers:?}"
    );
    let (_, _, page) = get(&app, &to_coach[..to_coach.len() - 9], Some(&maija)).await;
    assert!(page.contains("Tapaamisesta "), "names the appointment");
    assert!(
        page.contains("klo 9.00–9.30:\nSopisiko iltapäivä?"),
        "{page}"
    );
    // The calendar file is hers and the coach's, nobody else's.
    let ics = format!("/appointments/{id}/calendar.ics");
    let (status, headers, body) = get(&app, &ics, Some(&maija)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "text/calendar; charset=utf-8; method=REQUEST"
    );
    assert!(body.contains("METHOD:REQUEST\r\n"), "{body}");
    assert!(body.contains("LOCATION:Kirjasto\r\n"), "{body}");
    let (status, _, _) = get(&app, &ics, Some(&pekka)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = get(&app, &ics, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // She cancels: the time is open again, and the coach's file only
    // publishes it (the CANCEL goes with her notification: see mail.rs).
    let (_, headers, _) = post_form(
        &app,
        "/api/cancel_booking",
        &format!("id={id}"),
        Some(&maija),
    )
    .await;
    assert_eq!(headers[header::LOCATION], "/appointments?cancelled=1");
    let (status, headers, body) = get(&app, &ics, Some(&coach)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "text/calendar; charset=utf-8; method=PUBLISH"
    );
    assert!(body.contains("STATUS:TENTATIVE"), "{body}");
}
