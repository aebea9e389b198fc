//! Lesson media over HTTP: a video player seeking asks for byte ranges and
//! gets exactly those bytes (206), a range outside the file 416, several
//! ranges or a changed file the whole of it; video is never recompressed.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use axum::body::Body;
use common::{ONE_AT_A_TIME, app_on, send};
use http::{Request, StatusCode, header};

fn fixture(path: &str) -> std::path::PathBuf {
    std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap())
        .join("core/tests/fixtures")
        .join(path)
}

async fn get(
    app: &axum::Router,
    headers: &[(&str, &str)],
) -> (StatusCode, http::HeaderMap, Vec<u8>) {
    let mut request = Request::get("/media/first-course/media/clip.mp4")
        .header(header::ACCEPT_ENCODING, "gzip, br");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    use tower::ServiceExt as _;
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, headers, bytes.to_vec())
}

#[tokio::test]
async fn a_player_seeks_in_a_lesson_video() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("polku.db").display());
    let db = polku_core::db::open(&url).await.unwrap();
    let (sources, _) = polku_core::content::load_dir(&fixture("valid"));
    polku_core::courses::import_courses(&db, &sources)
        .await
        .unwrap();
    let app = app_on(&url, dir.path(), &[]).await;
    let file = std::fs::read(fixture("valid/first-course/media/clip.mp4")).unwrap();
    let size = file.len();

    let (status, headers, body) = get(&app, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, file);
    assert_eq!(headers[header::ACCEPT_RANGES], "bytes");
    assert!(
        !headers.contains_key(header::CONTENT_ENCODING),
        "video is sent as stored"
    );
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();

    let (status, headers, body) = get(&app, &[("range", "bytes=0-3")]).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(body, &file[..4]);
    assert_eq!(headers[header::CONTENT_RANGE], format!("bytes 0-3/{size}"));

    let (status, headers, body) = get(&app, &[("range", "bytes=10-")]).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(body, &file[10..]);
    assert_eq!(
        headers[header::CONTENT_RANGE],
        format!("bytes 10-{}/{size}", size - 1)
    );

    let (status, _, body) = get(&app, &[("range", "bytes=-5")]).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(body, &file[size - 5..]);

    // The same version: the range; a changed one: the whole file.
    let (status, _, _) = get(&app, &[("range", "bytes=0-3"), ("if-range", &etag)]).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    let (status, _, body) = get(&app, &[("range", "bytes=0-3"), ("if-range", "\"old\"")]).await;
    assert_eq!((status, body.len()), (StatusCode::OK, size));

    // Past the end: 416 with the size.
    let past = format!("bytes={size}-");
    let (status, headers, body) = get(&app, &[("range", &past)]).await;
    assert_eq!(status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(headers[header::CONTENT_RANGE], format!("bytes */{size}"));
    assert!(body.is_empty());

    // Several ranges, or not a byte range: the whole file.
    for range in ["bytes=0-1,5-6", "lines=1-2", "bytes=abc"] {
        let (status, _, body) = get(&app, &[("range", range)]).await;
        assert_eq!((status, body.len()), (StatusCode::OK, size), "{range}");
    }

    // Not found stays not found, with or without a range.
    let (status, _, _) = send(
        &app,
        Request::get("/media/first-course/media/none.mp4")
            .header(header::RANGE, "bytes=0-1")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_lesson_read_aloud_is_played_and_seeked() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("polku.db").display());
    let db = polku_core::db::open(&url).await.unwrap();
    let (sources, _) = polku_core::content::load_dir(&fixture("speech"));
    polku_core::courses::import_courses(&db, &sources)
        .await
        .unwrap();
    let app = app_on(&url, dir.path(), &[]).await;
    let page = |app: axum::Router| async move {
        let (status, _, html) = send(
            &app,
            Request::get("/courses/kuuntele/posti")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        html
    };
    // Before its audio is made: the lesson, without a player.
    let html = page(app.clone()).await;
    assert!(html.contains("Sähköposti") && !html.contains("<audio"));
    let (status, _, _) = send(
        &app,
        Request::get("/courses/kuuntele/posti/audio/fi")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let engine = polku_core::speech::Engine::new(polku_core::speech::DEFAULT_COMMAND)
        .unwrap()
        .unwrap();
    let report = polku_core::speech::render_course(&db, &engine, "kuuntele")
        .await
        .unwrap();
    assert_eq!(report.made, 3, "{report:?}");

    // The page shows the player as soon as the cache sees the change.
    let mut html = String::new();
    for _ in 0..40 {
        html = page(app.clone()).await;
        if html.contains("<audio") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // The player's <source> (the address is in the island's props too).
    let start = html
        .find(r#"src="/courses/kuuntele/posti/audio/fi?v="#)
        .map(|at| at + r#"src=""#.len())
        .unwrap_or_else(|| panic!("{html}"));
    let src: String = html[start..].chars().take_while(|c| *c != '"').collect();
    assert!(html.contains(r#"preload="none""#));
    assert!(html.contains(r#"type="audio/ogg; codecs=opus""#));
    // Every readable part of the page is marked for highlighting.
    assert!(html.contains(r#"data-say="block""#) && html.contains(r#"data-say="flow""#));

    let audio = |headers: &[(&'static str, String)], path: String| {
        let mut request = Request::get(path).header(header::ACCEPT_ENCODING, "gzip, br");
        for (name, value) in headers {
            request = request.header(*name, value.as_str());
        }
        let app = app.clone();
        async move {
            use tower::ServiceExt as _;
            let response = app
                .oneshot(request.body(Body::empty()).unwrap())
                .await
                .unwrap();
            let (status, headers) = (response.status(), response.headers().clone());
            let bytes = axum::body::to_bytes(response.into_body(), 8 << 20)
                .await
                .unwrap();
            (status, headers, bytes.to_vec())
        }
    };
    let (status, headers, whole) = audio(&[], src.replace("&amp;", "&")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(whole.starts_with(b"OggS"));
    assert_eq!(headers[header::CONTENT_TYPE], "audio/ogg; codecs=opus");
    assert!(!headers.contains_key(header::CONTENT_ENCODING));
    assert!(
        headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let (status, headers, part) =
        audio(&[("range", "bytes=100-199".to_owned())], src.clone()).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(part, &whole[100..200]);
    assert_eq!(
        headers[header::CONTENT_RANGE],
        format!("bytes 100-199/{}", whole.len())
    );
    // Without its version it is not kept long (the text may change).
    let (status, headers, _) = audio(&[], "/courses/kuuntele/posti/audio/sv".to_owned()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=60");
    for missing in [
        "/courses/kuuntele/posti/audio/de",
        "/courses/kuuntele/none/audio/fi",
        "/courses/none/posti/audio/fi",
    ] {
        let (status, _, _) = audio(&[], missing.to_owned()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    }
}
