//! Pages and content kept in memory stay current: two server instances on
//! one database (two app states, as two processes behind a load balancer
//! would be) each keep what they read, and a publish, a save or an import
//! through either (or beside both) shows on both. Anonymous pages kept
//! whole get a fresh nonce each time; a signed-in reader's lesson page is
//! kept with holes, and each reader gets her own parts in them.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::time::Duration;

use axum::Router;
use common::{ONE_AT_A_TIME, app_on, get, post_form};
use http::StatusCode;
use http::header::{CONTENT_SECURITY_POLICY, SET_COOKIE};

const TOKEN: &str = "an-admin-token-long-enough-to-pass";
const LESSON: &str = "/courses/digital-basics/devices";

/// Form-encodes a lesson text with `title` and one paragraph `body`.
fn lesson_text(title: &str, body: &str) -> String {
    let text = format!("+++\ntitle = \"{title}\"\n+++\n\n{body}\n");
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Waits until `path` on `app` (anonymous) contains `needle`: an instance
/// learns of another's change by its version watch, within moments.
async fn eventually_shows(app: &Router, path: &str, needle: &str) -> String {
    let mut body = String::new();
    for _ in 0..100 {
        body = get(app, path, None).await.2;
        if body.contains(needle) {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{path} never showed {needle:?}: {body}");
}

async fn author_cookie(app: &Router) -> String {
    let (status, headers, _) =
        post_form(app, "/author/login", &format!("token={TOKEN}"), None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let set = headers[SET_COOKIE].to_str().unwrap();
    set.split(';').next().unwrap().to_owned()
}

async fn publish(app: &Router, cookie: &str, title: &str, body: &str) {
    let (status, _, _) = post_form(
        app,
        "/api/save_lesson",
        &format!(
            "course=digital-basics&lesson=devices&lang=fi&text={}&intent=publish",
            lesson_text(title, body)
        ),
        Some(cookie),
    )
    .await;
    assert!(status.is_redirection(), "{status}");
}

/// The nonce a page's policy names, and whether the page's scripts carry it.
fn nonce(headers: &http::HeaderMap, body: &str) -> String {
    let policy = headers[CONTENT_SECURITY_POLICY].to_str().unwrap();
    let start = policy.find("'nonce-").unwrap() + "'nonce-".len();
    let end = start + policy[start..].find('\'').unwrap();
    let nonce = policy[start..end].to_owned();
    assert!(
        body.contains(&format!("nonce=\"{nonce}\"")),
        "the page's scripts carry the policy's nonce {nonce}"
    );
    nonce
}

/// Two instances on one SQLite file in `dir` (each with its own search
/// index, both taking the admin token): the database's address, A and B.
async fn two_instances(dir: &std::path::Path) -> (String, Router, Router) {
    let url = format!("sqlite://{}", dir.join("polku.db").display());
    let search_b = dir.join("search-b");
    let a = app_on(&url, dir, &["--admin-token", TOKEN]).await;
    let b = app_on(
        &url,
        dir,
        &[
            "--admin-token",
            TOKEN,
            "--search-index",
            search_b.to_str().unwrap(),
        ],
    )
    .await;
    (url, a, b)
}

#[tokio::test]
async fn kept_pages_follow_publish_save_and_import_on_both_instances() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let (url, a, b) = two_instances(dir.path()).await;

    // Both read the lesson (and keep it); a kept page comes with a new
    // nonce each time, named by its policy.
    let mut nonces = Vec::new();
    for app in [&a, &b, &a, &b] {
        let (status, headers, body) = get(app, LESSON, None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("Puhelin, tabletti ja tietokone"), "{body}");
        nonces.push(nonce(&headers, &body));
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 4, "a nonce is never sent twice");
    let (_, _, course_page) = get(&b, "/courses/digital-basics", None).await;
    let (_, _, catalog) = get(&b, "/", None).await;

    // A publish through A: A shows it at once, B within moments.
    let cookie_a = author_cookie(&a).await;
    publish(&a, &cookie_a, "Laitteet A:lta", "Julkaistu A:ssa.").await;
    let (_, _, now_a) = get(&a, LESSON, None).await;
    assert!(now_a.contains("Julkaistu A:ssa."), "{now_a}");
    eventually_shows(&b, LESSON, "Julkaistu A:ssa.").await;
    // The course page lists the new title on both.
    eventually_shows(&b, "/courses/digital-basics", "Laitteet A:lta").await;
    assert!(!course_page.contains("Laitteet A:lta"));

    // A publish through B: the other way round.
    let cookie_b = author_cookie(&b).await;
    publish(&b, &cookie_b, "Laitteet B:ltä", "Julkaistu B:ssä.").await;
    let (_, _, now_b) = get(&b, LESSON, None).await;
    assert!(now_b.contains("Julkaistu B:ssä."), "{now_b}");
    eventually_shows(&a, LESSON, "Julkaistu B:ssä.").await;

    // A badge saved in B's editor: its new name on A's course page.
    let (status, _, _) = post_form(
        &b,
        "/api/save_badge",
        "course=digital-basics&slug=digital-basics\
         &texts[0][language]=fi&texts[0][name]=Perustaidot+uudella+nimell%C3%A4\
         &texts[0][description]=Kuvaus&texts[0][criteria]=Kriteerit\
         &min_quiz_score=&valid_days=1095",
        Some(&cookie_b),
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    eventually_shows(&a, "/courses/digital-basics", "Perustaidot uudella nimellä").await;

    // An import beside both (as `polku import` would run): both follow.
    let work = tempfile::tempdir().unwrap();
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    copy_dir(&content, work.path());
    let catalog_title = "Digitaidot arkeen, tuotu uudelleen";
    rename_course(work.path(), catalog_title);
    let db = polku_core::db::open(&url).await.unwrap();
    server::import_content(&db, work.path()).await.unwrap();
    eventually_shows(&a, "/", catalog_title).await;
    eventually_shows(&b, "/", catalog_title).await;
    assert!(!catalog.contains(catalog_title));
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Gives the `digital-basics` course a new Finnish title in `dir`.
fn rename_course(dir: &std::path::Path, title: &str) {
    let path = dir.join("digital-basics/course.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let old = "[title]\nfi = \"Digitaidot alusta\"";
    assert!(text.contains(old), "course.toml names its Finnish title");
    std::fs::write(
        &path,
        text.replacen(old, &format!("[title]\nfi = \"{title}\""), 1),
    )
    .unwrap();
}

/// Whether `cookie` is signed in on `app` (the catalog names the reader's
/// own pages, or offers to sign in).
async fn signed_in_on(app: &Router, cookie: &str) -> bool {
    let (status, _, body) = get(app, "/", Some(cookie)).await;
    assert_eq!(status, StatusCode::OK);
    let signed_in = body.contains("href=\"/dashboard\"");
    assert_ne!(signed_in, body.contains("href=\"/login\""), "{body}");
    signed_in
}

/// Whether the page `cookie` gets on `app` links the coach's pages.
async fn coach_on(app: &Router, cookie: &str) -> bool {
    get(app, "/", Some(cookie))
        .await
        .2
        .contains("href=\"/coach\"")
}

/// Waits until `check` holds: an instance learns of a change made through
/// another by its watch of the change counter, within moments.
async fn eventually<F: std::future::Future<Output = bool>>(what: &str, check: impl Fn() -> F) {
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never: {what}");
}

#[tokio::test]
async fn kept_sessions_end_and_change_on_both_instances() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let (url, a, b) = two_instances(dir.path()).await;
    let db = polku_core::db::open(&url).await.unwrap();
    let admin = common::signed_up(&db, "paakayttaja", polku_core::accounts::Role::Admin).await;
    let maija = common::signed_up(&db, "maija", polku_core::accounts::Role::Learner).await;
    let matti = common::signed_up(&db, "matti", polku_core::accounts::Role::Learner).await;
    let maija_id = {
        use polku_core::db::entities::users;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let found = users::Entity::find().filter(users::Column::Username.eq("maija"));
        found.one(&db).await.unwrap().unwrap().id
    };

    // Both instances read (and keep) both sessions.
    for app in [&a, &b, &a, &b] {
        assert!(signed_in_on(app, &maija).await);
        assert!(signed_in_on(app, &matti).await);
        assert!(!coach_on(app, &maija).await);
    }

    // Signing out through B: B refuses the cookie at once, A within moments.
    let (status, _, _) = post_form(&b, "/api/log_out", "", Some(&maija)).await;
    assert!(status.is_redirection() || status.is_success(), "{status}");
    assert!(!signed_in_on(&b, &maija).await);
    eventually("A sees Maija signed out", || async {
        !signed_in_on(&a, &maija).await
    })
    .await;
    // Matti's session, kept on both, holds.
    assert!(signed_in_on(&a, &matti).await);
    assert!(signed_in_on(&b, &matti).await);

    // Signing out through A: the very next request to A is signed out.
    let (status, _, _) = post_form(&a, "/api/log_out", "", Some(&matti)).await;
    assert!(status.is_redirection() || status.is_success(), "{status}");
    assert!(!signed_in_on(&a, &matti).await);

    // A role given through A: the next request to A has it, B within moments.
    let again = polku_core::accounts::log_in(
        &db,
        "maija",
        "long enough secret",
        None,
        polku_core::accounts::UNKNOWN_CLIENT,
    )
    .await
    .unwrap();
    let maija = format!("polku_session={}", again.token);
    assert!(!coach_on(&a, &maija).await);
    assert!(!coach_on(&b, &maija).await);
    let (status, _, body) = post_form(
        &a,
        "/api/set_role",
        &format!("user={maija_id}&role=coach"),
        Some(&admin),
    )
    .await;
    assert!(
        status.is_redirection() || status.is_success(),
        "{status} {body}"
    );
    assert!(coach_on(&a, &maija).await);
    eventually("B sees Maija a coach", || async {
        coach_on(&b, &maija).await
    })
    .await;
}

/// A page with what differs between two renders of the same content taken
/// out: the nonce, Leptos' hydration marks (comments) and `query`, which a
/// whole render was asked with.
fn normalized(page: &str, query: &str) -> String {
    let mut out = String::with_capacity(page.len());
    let mut rest = page;
    while let Some(start) = rest.find("<!") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        if let Some(comment) = after.strip_prefix("<!--") {
            rest = &comment[comment.find("-->").unwrap() + 3..];
        } else if let Some(mark) = after.strip_prefix("<!>") {
            rest = mark;
        } else {
            out.push_str("<!");
            rest = &after[2..];
        }
    }
    out.push_str(rest);
    let out = out.replace(query, "");
    let Some(start) = out.find("nonce=\"") else {
        return out;
    };
    let nonce = &out[start + 7..start + 7 + out[start + 7..].find('"').unwrap()];
    out.replace(nonce, "NONCE")
}

/// The account a lesson page's forms name (`who`).
fn who(page: &str) -> String {
    let start = page.find("name=\"who\" value=\"").unwrap() + 18;
    page[start..start + page[start..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn signed_in_lesson_pages_are_kept_with_each_readers_own_parts() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let (url, a, b) = two_instances(dir.path()).await;
    let db = polku_core::db::open(&url).await.unwrap();
    use polku_core::accounts::Role;
    let maija = common::signed_up(&db, "maija", Role::Learner).await;
    let matti = common::signed_up(&db, "matti", Role::Learner).await;
    let coach = common::signed_up(&db, "valmentaja", Role::Coach).await;
    const WHOLE: &str = "?whole=1";

    // Each reader, twice on each instance (the first render keeps the page
    // with holes, the rest fill it): her own page, the same as a whole
    // render of it (a query the kept pages do not take), hers alone.
    let mut whos = Vec::new();
    for (cookie, name) in [(&maija, "maija"), (&matti, "matti"), (&coach, "valmentaja")] {
        for app in [&a, &b, &a, &b] {
            let (status, headers, page) = get(app, LESSON, Some(cookie)).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(headers["cache-control"], "no-store");
            nonce(&headers, &page);
            assert!(!page.contains("data-hole"), "a hole left unfilled: {page}");
            let (_, _, whole) = get(app, &format!("{LESSON}{WHOLE}"), Some(cookie)).await;
            assert_eq!(
                normalized(&page, WHOLE),
                normalized(&whole, WHOLE),
                "{name}"
            );
            assert!(page.contains("/api/log_out"), "{page}");
            assert_eq!(
                page.contains("href=\"/coach\""),
                name == "valmentaja",
                "{name}"
            );
        }
        let (_, _, page) = get(&a, LESSON, Some(cookie)).await;
        whos.push(who(&page));
    }
    let mut distinct = whos.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 3, "each reader's forms name her: {whos:?}");
    // Anonymous: the whole page as before, no reader's parts.
    let (_, _, anonymous) = get(&a, LESSON, None).await;
    assert!(!anonymous.contains("/api/log_out") && !anonymous.contains("name=\"who\""));

    // Maija marks the lesson done through B: she sees it at once on B
    // and within moments on A (its watch of the readers' changes); Matti
    // does not.
    let done = "Olet merkinnyt tämän oppitunnin tehdyksi.";
    let (status, _, _) = post_form(
        &b,
        "/api/mark_done",
        &format!(
            "course=digital-basics&lesson=devices&done=true&who={}",
            whos[0]
        ),
        Some(&maija),
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    assert!(get(&b, LESSON, Some(&maija)).await.2.contains(done));
    eventually_for(&a, &maija, done).await;
    for app in [&a, &b] {
        assert!(!get(app, LESSON, Some(&matti)).await.2.contains(done));
    }

    // Matti comments through A: Maija reads it at once on A, within
    // moments on B; the coach may hide it (she alone gets the form).
    let (status, _, _) = post_form(
        &a,
        "/api/post_comment",
        "course=digital-basics&lesson=devices&body=Kiitos+hyv%C3%A4st%C3%A4+oppitunnista",
        Some(&matti),
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    let comment = "Kiitos hyvästä oppitunnista";
    assert!(get(&a, LESSON, Some(&maija)).await.2.contains(comment));
    eventually_for(&b, &maija, comment).await;
    for app in [&a, &b] {
        let mine = get(app, LESSON, Some(&maija)).await.2;
        assert!(!mine.contains("/api/hide_comment"));
        let coach_sees = get(app, LESSON, Some(&coach)).await.2;
        assert!(coach_sees.contains("/api/hide_comment"));
    }

    // A notification for Maija made beside both (as a `polku` command
    // would): her header counts it on both within moments.
    polku_core::notifications::notify(
        &db,
        polku_core::notifications::Note {
            user: whos[0].parse().unwrap(),
            kind: polku_core::notifications::NotificationKind::Invitation,
            actor: None,
            link: "/dashboard".to_owned(),
            names: Default::default(),
            detail: Default::default(),
        },
    )
    .await
    .unwrap();
    let counted = "1 lukematonta"; // (her one unread, said to a screen reader)
    for app in [&a, &b] {
        eventually_for(app, &maija, counted).await;
    }

    // A publish through A: the signed-in page shows it on A at once, on B
    // within moments, with the reader's own parts still hers.
    let cookie = author_cookie(&a).await;
    publish(&a, &cookie, "Laitteet uudelleen", "Julkaistu lukijoille.").await;
    let (_, _, now_a) = get(&a, LESSON, Some(&maija)).await;
    assert!(now_a.contains("Julkaistu lukijoille."), "{now_a}");
    let now_b = eventually_for(&b, &maija, "Julkaistu lukijoille.").await;
    assert!(now_b.contains(done), "{now_b}");
    assert_eq!(who(&now_b), whos[0]);
}

/// Waits until the lesson page on `app` for the reader of `cookie`
/// contains `needle`: an instance learns of another's change by its
/// watches, within moments.
async fn eventually_for(app: &Router, cookie: &str, needle: &str) -> String {
    let mut page = String::new();
    for _ in 0..100 {
        page = get(app, LESSON, Some(cookie)).await.2;
        if page.contains(needle) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{LESSON} never showed {needle:?}: {page}");
}
