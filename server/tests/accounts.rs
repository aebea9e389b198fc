//! Accounts and progress over HTTP: sign-up keeps what was typed (never
//! the password), session cookies, no session fixation, throttled sign-in,
//! cross-site posts refused, enrolment, "mark as done", recorded quiz
//! answers, sign-out, password change, and no password in the logs; after
//! sign-in only a path on this site is followed. Each test builds its own
//! router, so they take turns (see `common::ONE_AT_A_TIME`).
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod common;

use axum::body::Body;
use common::{Logs, ONE_AT_A_TIME, app, app_with, get, post_form, send};
use http::header::{COOKIE, LOCATION, SET_COOKIE};
use http::{Request, StatusCode};
use polku_core::db::entities::quiz_attempts;
use sea_orm::EntityTrait;

const PASSWORD: &str = "Kahvia-ja-pullaa-2026";
const NEW_PASSWORD: &str = "Teetä-ja-keksejä-2027";

fn session_cookie(headers: &http::HeaderMap) -> String {
    let set = headers
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("polku_session="))
        .unwrap_or_else(|| panic!("no session cookie in {headers:?}"));
    set.split(';').next().unwrap().to_owned()
}

fn location(headers: &http::HeaderMap) -> &str {
    headers[LOCATION].to_str().unwrap()
}

async fn cross_site_post(
    app: &axum::Router,
    path: &str,
    body: &str,
    cookie: Option<&str>,
) -> StatusCode {
    let mut request = Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://evil.example");
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    send(app, request.body(Body::from(body.to_owned())).unwrap())
        .await
        .0
}

#[tokio::test]
async fn accounts_sessions_and_progress_over_http() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let logs = Logs::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .init();
    let (app, dir) = app().await;

    // The forms are there.
    let (status, _, body) = get(&app, "/signup", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("action=\"/api/sign_up\""), "{body}");
    let (status, _, body) = get(&app, "/login", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("autocomplete=\"current-password\""), "{body}");

    // A refused sign-up goes back with the reason and what was typed, but
    // never the password.
    let (status, headers, _) = post_form(
        &app,
        "/api/sign_up",
        "username=Maija&password=tiny7&display_name=Maija+K&email=",
        None,
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    let back = location(&headers);
    assert!(back.starts_with("/signup?error=password_short"), "{back}");
    assert!(
        back.contains("username=Maija") && back.contains("display_name=Maija+K"),
        "{back}"
    );
    assert!(
        !back.contains("tiny7") && !back.contains("password="),
        "{back}"
    );
    assert!(headers.get(SET_COOKIE).is_none());
    let (_, _, form) = get(&app, back, None).await;
    assert!(form.contains("value=\"Maija\""), "the username is kept");
    assert!(form.contains("role=\"alert\""), "the reason is announced");

    // Sign-up signs in: HttpOnly, SameSite=Lax, not Secure on plain HTTP.
    let signup = format!("username=Maija&password={PASSWORD}&display_name=Maija+K");
    let (status, headers, _) = post_form(&app, "/api/sign_up", &signup, None).await;
    assert!(status.is_redirection());
    assert_eq!(location(&headers), "/dashboard");
    let set = headers[SET_COOKIE].to_str().unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "{set}");
    let maija = session_cookie(&headers);
    let (status, _, body) = get(&app, "/dashboard", Some(&maija)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Maija K"), "{body}");
    // The same name again (any case) is taken.
    let (_, headers, _) = post_form(
        &app,
        "/api/sign_up",
        &signup.replace("Maija", "MAIJA"),
        None,
    )
    .await;
    assert!(location(&headers).contains("error=username_taken"));

    // Signed out, the dashboard asks to sign in (401).
    let (status, _, body) = get(&app, "/dashboard", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("/login?next=/dashboard"), "{body}");
    let (status, _, _) = get(&app, "/dashboard", Some("polku_session=forged")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Cross-site posts are refused and change nothing (CSRF): sign-in,
    // enrolment.
    let login = format!("username=maija&password={PASSWORD}");
    assert_eq!(
        cross_site_post(&app, "/api/log_in", &login, None).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        cross_site_post(&app, "/api/enrol", "course=digital-basics", Some(&maija)).await,
        StatusCode::FORBIDDEN
    );
    let (_, _, course) = get(&app, "/courses/digital-basics", Some(&maija)).await;
    assert!(
        course.contains("action=\"/api/enrol\""),
        "still not enrolled"
    );

    // Enrol, read, mark done, answer a quiz wrong then right.
    let (status, headers, _) =
        post_form(&app, "/api/enrol", "course=digital-basics", Some(&maija)).await;
    assert!(status.is_redirection());
    assert_eq!(
        location(&headers),
        "/courses/digital-basics?enrolled=1#progress"
    );
    let (_, _, lesson) = get(&app, "/courses/digital-basics/devices", Some(&maija)).await;
    assert!(lesson.contains("action=\"/api/mark_done\""), "{lesson}");
    let (_, headers, _) = post_form(
        &app,
        "/api/mark_done",
        "course=digital-basics&lesson=devices&done=true",
        Some(&maija),
    )
    .await;
    assert_eq!(
        location(&headers),
        "/courses/digital-basics/devices?marked=done#progress"
    );
    let (_, _, course) = get(&app, "/courses/digital-basics", Some(&maija)).await;
    assert!(
        course.contains("1/4") && course.contains("25 %"),
        "{course}"
    );
    let (_, _, lesson) = get(&app, "/courses/digital-basics/browser", Some(&maija)).await;
    assert!(lesson.contains("method=\"post\" action=\"/courses/digital-basics/browser/answer\""));
    let (status, headers, _) = post_form(
        &app,
        "/courses/digital-basics/browser/answer",
        "quiz=0&a=0",
        Some(&maija),
    )
    .await;
    assert!(status.is_redirection());
    assert_eq!(
        location(&headers),
        "/courses/digital-basics/browser?quiz=0&a=0#quiz-0-verdict"
    );
    post_form(
        &app,
        "/courses/digital-basics/browser/answer",
        "quiz=0&a=1",
        Some(&maija),
    )
    .await;
    // An answer kept offline arrives twice (its reply was lost): recorded
    // once, by its key.
    for _ in 0..2 {
        let (status, _, _) = post_form(
            &app,
            "/courses/digital-basics/browser/answer",
            "quiz=0&a=1&key=0b7e2c4a-offline-answer",
            Some(&maija),
        )
        .await;
        assert!(status.is_redirection());
    }
    // Kept offline on a shared device for another account, or sent signed
    // out: refused (the browser keeps it for her) and not recorded.
    let (status, _, _) = post_form(
        &app,
        "/courses/digital-basics/browser/answer",
        "quiz=0&a=1&key=another-learners-answer&who=0",
        Some(&maija),
    )
    .await;
    assert_eq!(status, http::StatusCode::FORBIDDEN);
    let (status, _, _) = post_form(
        &app,
        "/courses/digital-basics/browser/answer",
        "quiz=0&a=1&key=signed-out-answer&who=1",
        None,
    )
    .await;
    assert_eq!(status, http::StatusCode::UNAUTHORIZED);
    // A "done" mark the same way, as offline.js sends it (asking for JSON,
    // so a refusal is its status, not a redirect back to a form).
    let (status, _, _) = common::send(
        &app,
        Request::post("/api/mark_done")
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(http::header::ACCEPT, "application/json")
            .header("sec-fetch-site", "same-origin")
            .header(COOKIE, &maija)
            .body(axum::body::Body::from(
                "course=digital-basics&lesson=browser&done=true&who=0",
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(status, http::StatusCode::FORBIDDEN);
    // Signed out, an answer is graded but not recorded.
    post_form(
        &app,
        "/courses/digital-basics/browser/answer",
        "quiz=0&a=1",
        None,
    )
    .await;
    let db = polku_core::db::open(&format!(
        "sqlite://{}",
        dir.path().join("polku.db").display()
    ))
    .await
    .unwrap();
    let mut attempts: Vec<bool> = quiz_attempts::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .iter()
        .map(|a| a.correct)
        .collect();
    attempts.sort_unstable();
    assert_eq!(attempts, [false, true, true]);
    // The dashboard offers to continue with the lesson she was reading.
    let (_, _, dash) = get(&app, "/dashboard", Some(&maija)).await;
    assert!(
        dash.contains("href=\"/courses/digital-basics/browser\""),
        "{dash}"
    );

    // Session fixation: a session id planted before sign-in is replaced,
    // and signing in again ends the session the browser had.
    let (status, headers, _) =
        post_form(&app, "/api/log_in", &login, Some("polku_session=planted")).await;
    assert!(status.is_redirection());
    let second = session_cookie(&headers);
    assert_ne!(second, "polku_session=planted");
    let (_, headers, _) = post_form(&app, "/api/log_in", &login, Some(&maija)).await;
    let third = session_cookie(&headers);
    assert_ne!(third, maija);
    let (status, _, _) = get(&app, "/dashboard", Some(&maija)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old session ended");
    let (status, _, _) = get(&app, "/dashboard", Some(&second)).await;
    assert_eq!(status, StatusCode::OK, "another browser stays signed in");

    // Password change: needs the current one, ends the other sessions.
    let (_, headers, _) = post_form(
        &app,
        "/api/change_password",
        &format!("current=wrong-password&new={NEW_PASSWORD}"),
        Some(&third),
    )
    .await;
    assert_eq!(location(&headers), "/account?error=wrong_password");
    let (_, headers, _) = post_form(
        &app,
        "/api/change_password",
        &format!("current={PASSWORD}&new={NEW_PASSWORD}"),
        Some(&third),
    )
    .await;
    assert_eq!(location(&headers), "/account?saved=password");
    let renewed = session_cookie(&headers);
    let (status, _, _) = get(&app, "/dashboard", Some(&second)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = get(&app, "/account", Some(&renewed)).await;
    assert_eq!(status, StatusCode::OK);

    // Sign-out clears the cookie and ends the session.
    let (_, headers, _) = post_form(&app, "/api/log_out", "", Some(&renewed)).await;
    assert!(headers[SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    let (status, _, _) = get(&app, "/dashboard", Some(&renewed)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Throttling: after five wrong passwords even the right one waits.
    for _ in 0..polku_core::accounts::FREE_ATTEMPTS {
        let (_, headers, _) = post_form(
            &app,
            "/api/log_in",
            "username=maija&password=guess-guess",
            None,
        )
        .await;
        assert!(location(&headers).contains("error=wrong_credentials"));
    }
    let (_, headers, _) = post_form(
        &app,
        "/api/log_in",
        &format!("username=maija&password={NEW_PASSWORD}"),
        None,
    )
    .await;
    assert!(
        location(&headers).contains("error=throttled"),
        "{headers:?}"
    );
    assert!(headers.get(SET_COOKIE).is_none());

    // No password, and no session token, ever reached the logs.
    let logs = logs.text();
    assert!(logs.contains("sign-in refused"), "the log capture works");
    for secret in [PASSWORD, NEW_PASSWORD, "guess-guess", "wrong-password"] {
        assert!(!logs.contains(secret), "{secret} was logged");
    }
    for token in [&maija, &second, &third, &renewed] {
        let value = token.split_once('=').unwrap().1;
        assert!(!logs.contains(value), "a session token was logged");
    }
}

/// `POST /api/log_in` with a hostile `next` still lands on a path of this
/// site. The values are as the form body carries them: the server decodes
/// them once (`/%09/x` arrives as `/\t/x`, `/%252F` as `/%2F`).
#[tokio::test]
async fn sign_in_never_redirects_to_another_site() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, _dir) = app().await;
    let signup = format!("username=Ville&password={PASSWORD}");
    let (status, _, _) = post_form(&app, "/api/sign_up", &signup, None).await;
    assert!(status.is_redirection(), "{status}");
    for (next, expected) in [
        ("/courses/x%3Fy%3D1", "/courses/x?y=1"),
        ("/%09/evil.example", "/dashboard"),
        ("/%0A/evil.example", "/dashboard"),
        ("%09//evil.example", "/dashboard"),
        ("//evil.example", "/dashboard"),
        ("/%5Cevil.example", "/dashboard"),
        ("/%5C/evil.example", "/dashboard"),
        ("https://evil.example/", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
        ("/%2509/evil.example", "/dashboard"),
        ("/%252F%252Fevil.example", "/dashboard"),
        ("/%255Cevil.example", "/dashboard"),
    ] {
        let body = format!("username=Ville&password={PASSWORD}&next={next}");
        let (status, headers, _) = post_form(&app, "/api/log_in", &body, None).await;
        assert!(status.is_redirection(), "{next:?}: {status}");
        let to = location(&headers);
        assert!(
            to.starts_with('/')
                && !to.starts_with("//")
                && !to.starts_with("/\\")
                && !to.chars().any(char::is_control),
            "{next:?} led to {to:?}"
        );
        assert_eq!(to, expected, "{next:?}");
    }
}

/// Served over HTTPS (an `https://` public URL), the session cookie is
/// `Secure` with the `__Host-` prefix and responses carry HSTS; on plain
/// HTTP neither. A signed-in page is never stored by caches.
#[tokio::test]
async fn cookies_and_headers_follow_https() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let signup = format!("username=Aino&password={PASSWORD}");
    let hsts = http::header::STRICT_TRANSPORT_SECURITY;

    let (app, _dir) = app_with(&["--public-url", "https://polku.example"]).await;
    let (status, headers, _) = post_form(&app, "/api/sign_up", &signup, None).await;
    assert!(status.is_redirection(), "{status}");
    let set = headers[SET_COOKIE].to_str().unwrap();
    assert!(set.starts_with("__Host-polku_session="), "{set}");
    for part in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set.contains(part), "{set}");
    }
    assert!(!set.contains("Domain"), "{set}");
    assert_eq!(headers[&hsts], "max-age=31536000; includeSubDomains");
    let cookie = set.split(';').next().unwrap().to_owned();
    let (status, headers, body) = get(&app, "/dashboard", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Hei, aino"), "signed in: {body}");
    assert_eq!(headers[http::header::CACHE_CONTROL], "no-store");
    // Signing out removes the cookie under both names.
    let (_, headers, _) = post_form(&app, "/api/log_out", "", Some(&cookie)).await;
    let removed: Vec<&str> = headers
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        removed
            .iter()
            .any(|c| c.starts_with("__Host-polku_session=;"))
            && removed.iter().any(|c| c.starts_with("polku_session=;")),
        "{removed:?}"
    );
    drop(app);

    let (app, _dir) = common::app().await;
    let (_, headers, _) = post_form(&app, "/api/sign_up", &signup, None).await;
    let set = headers[SET_COOKIE].to_str().unwrap();
    assert!(set.starts_with("polku_session="), "{set}");
    assert!(!set.contains("Secure"), "{set}");
    assert!(headers.get(&hsts).is_none(), "{headers:?}");
    // Anonymous pages keep their own caching; signed in, no-store.
    let (_, headers, _) = get(&app, "/", None).await;
    assert_ne!(
        headers
            .get(http::header::CACHE_CONTROL)
            .map(|v| v.to_str().unwrap()),
        Some("no-store")
    );
    let cookie = session_cookie_of(set);
    let (_, headers, _) = get(&app, "/", Some(&cookie)).await;
    assert_eq!(headers[http::header::CACHE_CONTROL], "no-store");
}

fn session_cookie_of(set: &str) -> String {
    set.split(';').next().unwrap().to_owned()
}

/// A form POST from `client`, as a trusted proxy forwards it.
async fn post_from(
    app: &axum::Router,
    path: &str,
    body: &str,
    client: &str,
) -> (StatusCode, http::HeaderMap, String) {
    let request = Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .header("sec-fetch-site", "same-origin")
        .header("x-forwarded-for", format!("10.1.1.1, {client}"))
        .body(Body::from(body.to_owned()))
        .unwrap();
    send(app, request).await
}

#[tokio::test]
async fn wrong_passwords_from_one_address_do_not_lock_out_another() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, _dir) = app_with(&["--trusted-proxy"]).await;
    let signup = format!("username=liisa&password={PASSWORD}");
    let (status, _, _) = post_from(&app, "/api/sign_up", &signup, "192.0.2.10").await;
    assert!(status.is_redirection(), "{status}");

    // An attacker behind the proxy uses up the free attempts and waits.
    let guess = "username=liisa&password=guess-guess";
    for _ in 0..polku_core::accounts::FREE_ATTEMPTS {
        let (_, headers, _) = post_from(&app, "/api/log_in", guess, "203.0.113.66").await;
        assert!(location(&headers).contains("error=wrong_credentials"));
    }
    let right = format!("username=liisa&password={PASSWORD}");
    let (_, headers, _) = post_from(&app, "/api/log_in", &right, "203.0.113.66").await;
    assert!(
        location(&headers).contains("error=throttled"),
        "{headers:?}"
    );
    // The first entry of the header is what the client wrote: faking it
    // does not help.
    let request = Request::post("/api/log_in")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .header("sec-fetch-site", "same-origin")
        .header("x-forwarded-for", "192.0.2.10, 203.0.113.66")
        .body(Body::from(right.clone()))
        .unwrap();
    let (_, headers, _) = send(&app, request).await;
    assert!(
        location(&headers).contains("error=throttled"),
        "{headers:?}"
    );

    // Liisa, from her own address, signs in.
    let (_, headers, _) = post_from(&app, "/api/log_in", &right, "192.0.2.10").await;
    assert_eq!(location(&headers), "/dashboard");
    let liisa = session_cookie(&headers);
    let (status, _, _) = get(&app, "/dashboard", Some(&liisa)).await;
    assert_eq!(status, StatusCode::OK);
}
