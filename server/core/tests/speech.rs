//! Read aloud with the real speech engine (Debian's espeak-ng) and encoder
//! (opusenc), both installed by the test command: each language of a
//! lesson gets audio as long as its text, made once per spoken text; a
//! failing or missing engine leaves the lesson readable and says so in
//! the log. SQLite always, PostgreSQL when `POLKU_TEST_POSTGRES_URL` is
//! set (always in CI).
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{copy_dir, fixture, fresh_databases, import};
use polku_core::db::{self, DatabaseConnection};
use polku_core::speech::{self, Engine, SpeechReport};
use polku_core::{Language, courses};

fn espeak() -> Engine {
    Engine::new(speech::DEFAULT_COMMAND).unwrap().unwrap()
}

/// The playing time of an Ogg Opus file, read from the file itself: the
/// last page's granule position (48 kHz samples) less the pre-skip of the
/// `OpusHead` header (RFC 7845).
fn ogg_opus_ms(bytes: &[u8]) -> u64 {
    assert!(bytes.starts_with(b"OggS"), "not an Ogg stream");
    let head = bytes
        .windows(8)
        .position(|w| w == b"OpusHead")
        .expect("no OpusHead");
    let pre_skip = u64::from(u16::from_le_bytes([bytes[head + 10], bytes[head + 11]]));
    let last = bytes
        .windows(4)
        .rposition(|w| w == b"OggS")
        .expect("no Ogg page");
    let granule = u64::from_le_bytes(bytes[last + 6..last + 14].try_into().unwrap());
    (granule - pre_skip) * 1000 / 48_000
}

const LANGUAGES: [Language; 3] = [Language::Fi, Language::Sv, Language::En];

/// The words spoken of the fixture lesson in `language`: title, the
/// objective, the body (not its code block) and the quiz.
fn spoken_words(language: Language) -> usize {
    let text = match language {
        Language::Fi => {
            "Sähköposti. Osaat avata viestin. Sähköposti on kirje, joka tulee puhelimeen. Avaa viesti koskettamalla sitä. Mistä viesti avataan? Koskettamalla viestiä. Sammuttamalla puhelimen."
        }
        Language::Sv => {
            "E-post. Du kan öppna ett meddelande. E-post är ett brev som kommer till telefonen. Öppna meddelandet genom att trycka på det. Hur öppnar du ett meddelande? Genom att trycka på det. Genom att stänga av telefonen."
        }
        Language::En => {
            "E-mail. You can open a message. E-mail is a letter that comes to your phone. Open the message by touching it. How do you open a message? By touching it. By turning the phone off."
        }
    };
    text.split_whitespace().count()
}

async fn setup(url: &str) -> (DatabaseConnection, tempfile::TempDir) {
    let db = db::open(url).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("speech"), dir.path());
    import(&db, dir.path()).await;
    (db, dir)
}

#[tokio::test]
async fn each_language_gets_audio_as_long_as_its_text_with_a_cue_per_sentence() {
    for test_db in fresh_databases().await {
        let (db, _dir) = setup(&test_db.url).await;
        let report = speech::render_pending(&db, &espeak()).await.unwrap();
        assert_eq!(
            (report.made, report.failed),
            (3, 0),
            "{}: {report:?}",
            test_db.backend
        );
        for language in LANGUAGES {
            let audio = speech::audio(&db, "kuuntele", "posti", language)
                .await
                .unwrap();
            assert_eq!(audio.content_type, "audio/ogg; codecs=opus");
            let ms = ogg_opus_ms(&audio.bytes);
            let words = spoken_words(language) as u64;
            // espeak-ng at 150 words a minute with pauses between
            // sentences: between 1 and 4 words a second (Finnish words
            // are long).
            assert!(
                ms >= words * 250 && ms <= words * 1000,
                "{language:?}: {words} words in {ms} ms"
            );
            // Opus at 16 kbit/s: about 2 kB a second.
            let per_second = audio.bytes.len() as u64 * 1000 / ms;
            assert!(
                (1000..=4000).contains(&per_second),
                "{language:?}: {per_second} bytes/s"
            );
            // The page shows the player, with the length measured.
            let page = courses::lesson(&db, "kuuntele", "posti", language)
                .await
                .unwrap();
            let shown = page.audio.expect("a player on the page");
            assert!(
                shown.url.starts_with(&format!(
                    "/courses/kuuntele/posti/audio/{}?v=",
                    language.code()
                )),
                "{}",
                shown.url
            );
            assert!(u64::from(shown.duration_ms).abs_diff(ms) < 100);
            // A cue per sentence, in order, inside the audio: title,
            // objective, two sentences, the question, two options (the
            // code block is not read).
            let cues = speech::cues(&db, "kuuntele", "posti", language)
                .await
                .unwrap();
            let blocks: Vec<u32> = cues.iter().map(|c| c.block).collect();
            assert_eq!(blocks, vec![0, 1, 2, 2, 3, 4, 5], "{language:?}");
            assert!(cues.windows(2).all(|w| w[0].end_ms <= w[1].start_ms));
            assert!(cues.iter().all(|c| c.start_ms < c.end_ms));
            assert!(u64::from(cues.last().unwrap().end_ms) <= ms);
            // The second sentence of the body starts after the first.
            assert!(cues[3].from > cues[2].to);
        }
    }
}

#[tokio::test]
async fn an_unchanged_text_is_not_spoken_again() {
    for test_db in fresh_databases().await {
        let (db, dir) = setup(&test_db.url).await;
        let engine = espeak();
        assert_eq!(speech::render_pending(&db, &engine).await.unwrap().made, 3);
        let before = speech::changes(&db).await.unwrap();
        let made_at = |db: DatabaseConnection| async move {
            speech::audio(&db, "kuuntele", "posti", Language::Sv)
                .await
                .unwrap()
                .script_hash
        };
        let sv_hash = made_at(db.clone()).await;
        // Nothing changed: nothing is made, and no page needs making again.
        assert_eq!(
            speech::render_pending(&db, &engine).await.unwrap(),
            SpeechReport::default()
        );
        assert_eq!(speech::changes(&db).await.unwrap(), before);
        // Imported again as it is: still nothing.
        import(&db, dir.path()).await;
        assert_eq!(
            speech::render_pending(&db, &engine).await.unwrap(),
            SpeechReport::default()
        );
        // The Finnish text changes where it is read; the English only in
        // its minutes (nothing read): one is made, one kept.
        let fi = dir.path().join("kuuntele/01-posti.md");
        let text = std::fs::read_to_string(&fi).unwrap();
        std::fs::write(
            &fi,
            text.replace("Avaa viesti koskettamalla sitä.", "Avaa viesti sormella."),
        )
        .unwrap();
        let en = dir.path().join("kuuntele/01-posti.en.md");
        let text = std::fs::read_to_string(&en).unwrap();
        std::fs::write(
            &en,
            text.replace("title = \"E-mail\"", "title = \"E-mail\"\nminutes = 9"),
        )
        .unwrap();
        import(&db, dir.path()).await;
        let report = speech::render_pending(&db, &engine).await.unwrap();
        assert_eq!(
            (report.made, report.kept, report.failed),
            (1, 1, 0),
            "{report:?}"
        );
        assert!(speech::changes(&db).await.unwrap() > before);
        assert_eq!(made_at(db.clone()).await, sv_hash);
        // The kept English audio is the page's again.
        let page = courses::lesson(&db, "kuuntele", "posti", Language::En)
            .await
            .unwrap();
        assert!(page.audio.is_some());
    }
}

/// Collects what is logged while it lives.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Log {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test]
async fn a_failing_or_missing_engine_leaves_the_lesson_readable_and_says_so() {
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let (db, _content) = setup(&url).await;

    // An engine that fails on every text.
    let failing = Engine::new("sh -c 'echo the voice is broken >&2; exit 3'")
        .unwrap()
        .unwrap();
    let report = speech::render_pending(&db, &failing).await.unwrap();
    assert_eq!((report.made, report.failed), (0, 3), "{report:?}");
    let logged = log.text();
    assert!(
        logged.contains("no audio for")
            && logged.contains("01-posti.md")
            && logged.contains("the voice is broken"),
        "{logged}"
    );

    // One that writes something other than audio.
    let chatty = Engine::new("cat").unwrap().unwrap();
    let report = speech::render_pending(&db, &chatty).await.unwrap();
    assert_eq!(report.failed, 3);
    assert!(log.text().contains("no WAV audio"), "{}", log.text());

    // One that is not installed: said once, the pass stops.
    let missing = Engine::new("/nonexistent/polku-tts --voice {lang}")
        .unwrap()
        .unwrap();
    let report = speech::render_pending(&db, &missing).await.unwrap();
    assert!(report.engine_missing);
    assert_eq!(report.failed, 1);
    assert!(
        log.text()
            .contains("the speech engine `/nonexistent/polku-tts` was not found"),
        "{}",
        log.text()
    );

    // The lessons are read as before, without a player.
    for language in LANGUAGES {
        let page = courses::lesson(&db, "kuuntele", "posti", language)
            .await
            .unwrap();
        assert!(page.audio.is_none());
        assert!(page.title.len() > 3);
    }
    assert!(matches!(
        speech::audio(&db, "kuuntele", "posti", Language::Fi).await,
        Err(polku_core::CoreError::NotFound)
    ));
    // No cues to highlight either.
    assert!(
        speech::cues(&db, "kuuntele", "posti", Language::Fi)
            .await
            .unwrap()
            .is_empty()
    );
}
