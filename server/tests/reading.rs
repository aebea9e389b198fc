//! Reading settings over HTTP: the form keeps them in a cookie and goes
//! back; every page is rendered with them from its first byte (also the
//! pages kept for anonymous readers, which a reader with settings never
//! gets in another reader's colours); a garbled cookie is the defaults.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use common::{ONE_AT_A_TIME, app, get, post_form};
use http::{StatusCode, header};

#[tokio::test]
async fn settings_are_kept_in_a_cookie_and_applied_to_every_page() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, _dir) = app().await;
    let lesson = "/courses/digital-basics/devices";

    // The defaults: as the device prefers.
    let (status, _, html) = get(&app, lesson, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"data-theme="auto""#) && html.contains(r#"data-size="normal""#));
    assert!(html.contains(r#"<meta name="color-scheme" content="light dark""#));
    // Kept for the next anonymous reader.
    let _ = get(&app, lesson, None).await;

    let (status, headers, _) = post_form(
        &app,
        "/reading",
        &format!("size=larger&spacing=wide&theme=dark&font=readable&next={lesson}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], lesson);
    let set = headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        set.starts_with("polku_reading=larger.wide.dark.readable;")
            && set.contains("Max-Age=31536000")
            && set.contains("HttpOnly")
            && set.contains("SameSite=Lax"),
        "{set}"
    );
    let cookie = "polku_reading=larger.wide.dark.readable";
    for page in [lesson, "/", "/search?q=salasana", "/verify"] {
        let (status, _, html) = get(&app, page, Some(cookie)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for attribute in [
            r#"data-size="larger""#,
            r#"data-spacing="wide""#,
            r#"data-theme="dark""#,
            r#"data-font="readable""#,
            r#"<meta name="color-scheme" content="dark""#,
        ] {
            assert!(html.contains(attribute), "{page}: {attribute}");
        }
        // The chosen font is asked for with the page (both weights).
        for weight in ["400", "700"] {
            let font = format!("atkinson-hyperlegible-latin-{weight}-normal.woff2");
            assert!(
                html.contains(r#"rel="preload""#) && html.contains(&font),
                "{page}: {font}"
            );
        }
        // The form shows the choice.
        assert!(
            html.contains(r#"id="reading-theme-dark" name="theme" value="dark" checked"#),
            "{page}"
        );
    }
    // The anonymous reader without settings still gets the defaults.
    let (_, _, html) = get(&app, lesson, None).await;
    assert!(html.contains(r#"data-theme="auto""#));
    assert!(
        !html.contains(".woff2"),
        "no font is asked for unless chosen"
    );

    // Garbage and unknown names are the defaults; the way back stays on
    // the site.
    let (_, _, html) = get(&app, lesson, Some("polku_reading=\"><script>")).await;
    assert!(html.contains(r#"data-theme="auto""#) && !html.contains("<script>alert"));
    let (status, headers, _) = post_form(
        &app,
        "/reading",
        "size=huge&theme=neon&next=//evil.example",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/");
    assert!(
        headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .starts_with("polku_reading=normal.normal.auto.normal;")
    );
}

#[tokio::test]
async fn the_reading_font_is_served_by_the_site_itself() {
    let _turn = ONE_AT_A_TIME.lock().await;
    // The site the test command built (scripts/build.sh) before the tests.
    let site = std::path::PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_default())
        .join("site");
    if !site.join("pkg/polku.css").exists() {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "the test command builds the site before the tests"
        );
        eprintln!("no built site at {}: font check SKIPPED", site.display());
        return;
    }
    let (app, _dir) = common::app_with(&["--site-dir", site.to_str().unwrap()]).await;
    let (_, _, html) = get(&app, "/", None).await;
    let css_at = html.find("/polku.css").unwrap();
    let start = html[..css_at].rfind("href=\"").unwrap() + 6;
    let css_path = &html[start..css_at + "/polku.css".len()];
    let (status, _, css) = get(&app, css_path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(css.contains("font-family: \"Atkinson Hyperlegible\""));
    let font = css_path.replace("polku.css", "atkinson-hyperlegible-latin-400-normal.woff2");
    let (status, headers, _) = get(&app, &font, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "font/woff2");
    assert!(
        headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
}
