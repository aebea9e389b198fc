//! Authoring over HTTP: off without a token, sign-in with the token, every
//! authoring page, form and download refused without the cookie, and a
//! lesson edited, published and seen by a learner; badges edited. Each
//! test builds its own router, so they take turns (see `common::ONE_AT_A_TIME`).
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod common;

use common::{ONE_AT_A_TIME, app_with, get, post_form};
use http::StatusCode;
use http::header::{LOCATION, SET_COOKIE};

const TOKEN: &str = "test-admin-token-0123456789";

#[tokio::test]
async fn authoring_needs_the_token_and_publishes_to_learners() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, _dir) = app_with(&["--admin-token", TOKEN]).await;

    // Signed out: the sign-in form; authoring pages, forms and export refused.
    let (status, _, body) = get(&app, "/author", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("name=\"token\""), "{body}");
    let (status, _, _) = get(&app, "/author/courses/digital-basics/devices?lang=fi", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = get(&app, "/author/courses/digital-basics/export.zip", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let save = "course=digital-basics&lesson=devices&lang=fi&text=%2B%2B%2B%0Atitle+%3D+%22Hacked%22%0A%2B%2B%2B%0AHacked&intent=publish";
    post_form(&app, "/api/save_lesson", save, None).await;
    post_form(&app, "/api/save_lesson", save, Some("polku_author=forged")).await;
    let (_, _, lesson) = get(&app, "/courses/digital-basics/devices", None).await;
    assert!(
        !lesson.contains("Hacked"),
        "a save without a grant must change nothing"
    );

    // A wrong token: back with an error, no cookie.
    let (status, headers, _) =
        post_form(&app, "/author/login", "token=wrong-token-wrong-token", None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[LOCATION], "/author?error=token");
    assert!(headers.get(SET_COOKIE).is_none());

    // The right token: an HttpOnly, SameSite=Strict cookie without the token in it.
    let (status, headers, _) =
        post_form(&app, "/author/login", &format!("token={TOKEN}"), None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let set = headers[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    assert!(!set.contains(TOKEN), "{set}");
    let cookie = set.split(';').next().unwrap().to_owned();
    let cookie = Some(cookie.as_str());

    let (status, _, body) = get(&app, "/author", cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("/author/courses/digital-basics"), "{body}");
    let (status, _, body) = get(
        &app,
        "/author/courses/digital-basics/devices?lang=fi",
        cookie,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("<textarea") && body.contains("Puhelin, tabletti ja tietokone"),
        "{body}"
    );

    // Publish: the learner sees it at once.
    let text = "%2B%2B%2B%0Atitle+%3D+%22Laitteet+uudelleen%22%0A%2B%2B%2B%0A%0A%23%23+Uusi+osio%0A%0AUusi+teksti.%0A";
    let (status, headers, _) = post_form(
        &app,
        "/api/save_lesson",
        &format!("course=digital-basics&lesson=devices&lang=fi&text={text}&intent=publish"),
        cookie,
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(
        headers[LOCATION],
        "/author/courses/digital-basics/devices?lang=fi&saved=published"
    );
    let (_, _, lesson) = get(&app, "/courses/digital-basics/devices", None).await;
    assert!(
        lesson.contains("Laitteet uudelleen") && lesson.contains("Uusi teksti."),
        "{lesson}"
    );

    // Search follows within a moment: the published text for everyone…
    let found = |body: &str| -> u64 {
        serde_json::from_str::<serde_json::Value>(body).unwrap()["total"]
            .as_u64()
            .unwrap()
    };
    let mut published = false;
    for _ in 0..200 {
        let (_, _, body) = get(&app, "/api/search?q=laitteet+uudelleen&locale=fi", None).await;
        published = body.contains("\"title\":\"Laitteet uudelleen\"");
        if published {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(published, "the published text is searchable");
    // …a draft only for its authors, leading to the editor.
    let draft = "%2B%2B%2B%0Atitle+%3D+%22Laitteet+uudelleen%22%0A%2B%2B%2B%0A%0ASeepraraita+luonnoksessa.%0A";
    post_form(
        &app,
        "/api/save_lesson",
        &format!("course=digital-basics&lesson=devices&lang=fi&text={draft}&intent=draft"),
        cookie,
    )
    .await;
    let mut author_view = String::new();
    for _ in 0..200 {
        author_view = get(&app, "/api/search?q=seepraraita&locale=fi", cookie)
            .await
            .2;
        if found(&author_view) > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        author_view.contains("/author/courses/digital-basics/devices?lang=fi")
            && author_view.contains("\"draft\":true"),
        "{author_view}"
    );
    let (_, _, reader_view) = get(&app, "/api/search?q=seepraraita&locale=fi", None).await;
    assert_eq!(found(&reader_view), 0, "{reader_view}");
    let (_, _, page) = get(&app, "/search?q=seepraraita", None).await;
    assert!(!page.contains("Seepraraita"), "{page}");

    // A new lesson with a bad slug goes back to the form with what was typed.
    let (_, headers, _) = post_form(
        &app,
        "/api/create_lesson",
        "course=digital-basics&slug=Bad+Slug&title=Oma+tunti",
        cookie,
    )
    .await;
    let location = headers[LOCATION].to_str().unwrap();
    assert!(
        location.starts_with("/author/courses/digital-basics?")
            && location.contains("title=Oma+tunti"),
        "{location}"
    );
    let (_, _, body) = get(&app, location, cookie).await;
    assert!(
        body.contains("value=\"Oma tunti\"") && body.contains("role=\"alert\""),
        "{body}"
    );

    // Export as zip.
    let (status, headers, _) = get(&app, "/author/courses/digital-basics/export.zip", cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/zip");
    // And as a Common Cartridge for Moodle or Canvas.
    let (status, headers, _) =
        get(&app, "/author/courses/digital-basics/export.imscc", cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/vnd.ims.imsccv1p3");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"digital-basics.imscc\""
    );
}

#[tokio::test]
async fn an_author_edits_a_badge_in_the_browser_and_a_refused_form_keeps_the_text() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, _dir) = app_with(&["--admin-token", TOKEN]).await;
    let (_, headers, _) = post_form(&app, "/author/login", &format!("token={TOKEN}"), None).await;
    let set = headers[http::header::SET_COOKIE].to_str().unwrap();
    let cookie = set.split(';').next().unwrap().to_owned();
    let cookie = Some(cookie.as_str());

    let (status, _, page) = get(&app, "/author/badges/digital-basics", cookie).await;
    assert_eq!(status, http::StatusCode::OK);
    assert!(page.contains("Digitaidot alusta") && page.contains("Työhakemus sähköpostilla"));
    assert_eq!(
        get(&app, "/author/badges/digital-basics", None).await.0,
        http::StatusCode::FORBIDDEN
    );

    // Refused: a bad slug and no name; everything typed comes back.
    let form = "course=digital-basics&slug=Huono+Nimi\
        &texts[0][language]=fi&texts[0][name]=&texts[0][description]=Kuvaus+jota+ei+saa+hukata&texts[0][criteria]=\
        &lessons[0]=devices&min_quiz_score=80&valid_days=365";
    let (status, headers, _) = post_form(&app, "/api/save_badge", form, cookie).await;
    assert!(status.is_redirection(), "{status}");
    let back = headers[http::header::LOCATION].to_str().unwrap().to_owned();
    let (_, _, page) = get(&app, &back, cookie).await;
    assert!(page.contains("Kuvaus jota ei saa hukata"), "{page}");
    assert!(page.contains("slug:") && page.contains("name:"));
    assert!(page.contains("value=\"80\"") && page.contains("value=\"365\""));

    // Saved: the course page shows the new badge to learners.
    let form = "course=digital-basics&slug=laitteet\
        &texts[0][language]=fi&texts[0][name]=Laitteet+hallussa&texts[0][description]=Osaa+k%C3%A4ytt%C3%A4%C3%A4+laitteita.&texts[0][criteria]=Laiteoppitunti+tehty.\
        &texts[1][language]=en&texts[1][name]=Devices&texts[1][description]=&texts[1][criteria]=\
        &lessons[0]=devices&min_quiz_score=&valid_days=";
    let (status, headers, _) = post_form(&app, "/api/save_badge", form, cookie).await;
    assert!(status.is_redirection(), "{status}");
    assert!(
        headers[http::header::LOCATION]
            .to_str()
            .unwrap()
            .contains("saved=1")
    );
    let (_, _, course) = get(&app, "/courses/digital-basics", None).await;
    assert!(course.contains("Laitteet hallussa") && course.contains("Laiteoppitunti tehty."));
}
