//! Search: relevance on a fixed corpus in three languages
//! (`tests/fixtures/search`), drafts, keeping current, rebuilding,
//! concurrency and bad input. SQLite always, PostgreSQL when
//! `POLKU_TEST_POSTGRES_URL` is set (always in CI).
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::time::{Duration, Instant};

use common::{fixture, fresh_databases, import, person};
use polku_core::accounts::Role;
use polku_core::authoring::{AdminToken, AuthorGrant};
use polku_core::db::{self, DatabaseConnection};
use polku_core::search::{Hit, Scope, SearchIndex, SearchRequest, SearchResults};
use polku_core::{Language, authoring};

struct Fixture {
    db: DatabaseConnection,
    index: SearchIndex,
    _dir: tempfile::TempDir,
}

async fn setup(url: &str) -> Fixture {
    let db = db::open(url).await.unwrap();
    import(&db, &fixture("search")).await;
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(&dir.path().join("index")).unwrap();
    let report = index.sync(&db).await.unwrap();
    assert_eq!(report.courses, 2);
    Fixture {
        db,
        index,
        _dir: dir,
    }
}

fn request(text: &str) -> SearchRequest {
    SearchRequest {
        text: text.to_owned(),
        per_page: 10,
        ..SearchRequest::default()
    }
}

fn find(index: &SearchIndex, request: &SearchRequest) -> SearchResults {
    index.search(request, &Scope::Reader).unwrap()
}

/// "course/lesson.language" of each hit, best first.
fn keys(results: &SearchResults) -> Vec<String> {
    results.hits.iter().map(key).collect()
}

fn key(hit: &Hit) -> String {
    format!("{}/{}.{}", hit.course, hit.lesson, hit.language)
}

fn top(index: &SearchIndex, text: &str) -> String {
    keys(&find(index, &request(text)))
        .into_iter()
        .next()
        .unwrap_or_else(|| format!("nothing for {text:?}"))
}

#[tokio::test]
async fn finds_lessons_by_stems_typos_compounds_and_phrases() {
    for t in fresh_databases().await {
        let f = setup(&t.url).await;
        let ix = &f.index;
        let salasanat = "turvallisuus/salasanat.fi";
        // Finnish inflections: genitive, plural partitive, plural.
        for word in ["salasana", "salasanan", "salasanoja", "salasanat"] {
            assert_eq!(top(ix, word), salasanat, "{word} ({})", t.backend);
        }
        // Swedish and English stems.
        assert_eq!(top(ix, "lösenordet"), "turvallisuus/salasanat.sv");
        assert_eq!(top(ix, "lösenorden"), "turvallisuus/salasanat.sv");
        assert_eq!(top(ix, "passwords"), "turvallisuus/salasanat.en");
        assert_eq!(top(ix, "scammer"), "turvallisuus/salasanat.en");
        // Typos.
        assert_eq!(top(ix, "pasword"), "turvallisuus/salasanat.en");
        assert_eq!(top(ix, "salsana"), salasanat);
        assert_eq!(top(ix, "phihsing"), "turvallisuus/salasanat.en");
        // A Finnish compound by its parts, and typed without ä/ö.
        let turva = "turvallisuus/tyottomyysturva.fi";
        assert_eq!(top(ix, "turva"), turva);
        assert_eq!(top(ix, "työttömyys"), turva);
        assert_eq!(top(ix, "tyottomyysturva"), turva);
        assert_eq!(top(ix, "kalastelu"), salasanat, "tietojenkalastelu");
        // The first part as written, which Snowball cuts differently
        // alone ("taulukko" → "tauluko") than in the compound.
        assert_eq!(top(ix, "taulukko"), "ohjelmointi/muuttujat.fi");
        // "miten teen CV:n" lands on the CV lesson, in Finnish when asked.
        let results = find(
            ix,
            &SearchRequest {
                prefer: Some(Language::Fi),
                ..request("miten teen CV:n")
            },
        );
        assert_eq!(keys(&results)[0], "turvallisuus/cv.fi");
        assert_eq!(results.hits[0].anchor.as_deref(), Some("h-miten-teen-cv-n"));
        // Phrases: words in this order.
        let phrase = find(ix, &request("\"strong passwords\""));
        assert_eq!(keys(&phrase), ["turvallisuus/salasanat.en"]);
        assert!(find(ix, &request("\"passwords strong\"")).hits.is_empty());
        assert_eq!(keys(&find(ix, &request("\"eri salasanaa\""))), [salasanat]);
        // Unrelated words find nothing.
        assert!(find(ix, &request("xylofoni")).hits.is_empty());
    }
}

#[tokio::test]
async fn snippets_mark_words_and_link_to_their_section() {
    for t in fresh_databases().await {
        let f = setup(&t.url).await;
        let results = find(
            &f.index,
            &SearchRequest {
                prefer: Some(Language::En),
                ..request("phishing")
            },
        );
        let hit = &results.hits[0];
        assert_eq!(key(hit), "turvallisuus/salasanat.en");
        assert_eq!(hit.anchor.as_deref(), Some("h-phishing"));
        assert_eq!(hit.section.as_deref(), Some("Phishing"));
        assert_eq!(hit.course_title, "Safe online");
        assert_eq!(hit.title, "Strong passwords");
        let marked: Vec<&str> = hit
            .snippet
            .parts
            .iter()
            .filter(|(_, m)| *m)
            .map(|(s, _)| s.as_str())
            .collect();
        assert!(
            marked.iter().all(|m| m.eq_ignore_ascii_case("phishing")) && !marked.is_empty(),
            "{:?}",
            hit.snippet
        );
        // Inflected forms are marked too.
        let results = find(&f.index, &request("hakemus"));
        let hit = &results.hits[0];
        assert_eq!(key(hit), "turvallisuus/tyottomyysturva.fi");
        assert!(
            hit.snippet
                .parts
                .iter()
                .any(|(s, m)| *m && s == "hakemuksen"),
            "{:?}",
            hit.snippet
        );
    }
}

#[tokio::test]
async fn filters_paging_and_language_preference() {
    for t in fresh_databases().await {
        let f = setup(&t.url).await;
        let all = find(&f.index, &request("salasana password lösenord"));
        assert_eq!(all.total, 5, "{:?}", keys(&all));
        let course = find(
            &f.index,
            &SearchRequest {
                course: Some("ohjelmointi".into()),
                ..request("salasana password")
            },
        );
        assert_eq!(course.total, 2);
        assert!(course.hits.iter().all(|h| h.course == "ohjelmointi"));
        let swedish = find(
            &f.index,
            &SearchRequest {
                language: Some(Language::Sv),
                ..request("salasana password lösenord")
            },
        );
        assert_eq!(keys(&swedish), ["turvallisuus/salasanat.sv"]);
        // Two per page: three pages, all different, same total.
        let mut seen = Vec::new();
        for page in 0..3 {
            let results = find(
                &f.index,
                &SearchRequest {
                    page,
                    per_page: 2,
                    ..request("salasana password lösenord")
                },
            );
            assert_eq!(results.total, 5);
            seen.extend(keys(&results));
        }
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 5);
        // The reader's language first.
        let en = find(
            &f.index,
            &SearchRequest {
                prefer: Some(Language::En),
                ..request("cv")
            },
        );
        assert_eq!(keys(&en)[0], "turvallisuus/cv.en");
        let fi = find(
            &f.index,
            &SearchRequest {
                prefer: Some(Language::Fi),
                ..request("cv")
            },
        );
        assert_eq!(keys(&fi)[0], "turvallisuus/cv.fi");
        // Suggestions: the word being typed is a prefix.
        let typed = find(
            &f.index,
            &SearchRequest {
                suggest: true,
                ..request("työttömyystu")
            },
        );
        assert_eq!(keys(&typed)[0], "turvallisuus/tyottomyysturva.fi");
    }
}

fn admin_grant() -> AuthorGrant {
    let token = AdminToken::new("search-test-token");
    token.grant(Some(&token.cookie_value())).unwrap()
}

const DRAFT: &str = "+++\ntitle = \"Kela ja työttömyysturva\"\n+++\n\nUusi luonnos: seepraraita ja seeprakuvio.\n\n## Karenssi\n\nKarenssi tarkoittaa odotusaikaa.\n";

#[tokio::test]
async fn drafts_are_for_their_authors_and_the_index_stays_current() {
    for t in fresh_databases().await {
        let f = setup(&t.url).await;
        let boss = person(&f.db, "boss", Role::Admin).await;
        let teacher = person(&f.db, "teacher", Role::Instructor).await;
        let other = person(&f.db, "other", Role::Instructor).await;
        common::act::set_course_author(&f.db, &boss, teacher.id(), "turvallisuus", true)
            .await
            .unwrap();
        common::act::set_course_author(&f.db, &boss, other.id(), "ohjelmointi", true)
            .await
            .unwrap();
        let teacher_grant = AuthorGrant::for_actor(&f.db, &teacher).await.unwrap();
        let other_grant = AuthorGrant::for_actor(&f.db, &other).await.unwrap();

        authoring::save(
            &f.db,
            &admin_grant(),
            "turvallisuus",
            "tyottomyysturva",
            Language::Fi,
            DRAFT,
            false,
        )
        .await
        .unwrap();
        let report = f.index.sync(&f.db).await.unwrap();
        assert_eq!(report.courses, 1, "only the changed course is re-read");
        let search = |grant: Option<&AuthorGrant>, text: &str| {
            let scope = grant.map_or(Scope::Reader, Scope::Author);
            f.index.search(&request(text), &scope).unwrap()
        };
        // Readers and authors of other courses never see the draft…
        assert!(search(None, "seepraraita").hits.is_empty());
        assert!(search(Some(&other_grant), "seepraraita").hits.is_empty());
        // …nor its compound by its last part ("seepra|kuvio"), which the
        // course's authors find as soon as the index has the draft.
        assert!(search(None, "kuvio").hits.is_empty());
        assert_eq!(search(Some(&teacher_grant), "kuvio").hits.len(), 1);
        // …and still find the published text.
        assert_eq!(search(None, "hakemus").total, 1);
        assert_eq!(search(Some(&other_grant), "hakemus").total, 1);
        // The course's authors see the draft instead of the published text.
        for grant in [&teacher_grant, &admin_grant()] {
            let found = search(Some(grant), "seepraraita");
            assert_eq!(found.hits.len(), 1);
            assert!(found.hits[0].draft);
            assert_eq!(found.hits[0].anchor, None);
            let karenssi = search(Some(grant), "karenssi");
            assert_eq!(karenssi.hits[0].anchor.as_deref(), Some("h-karenssi"));
            assert!(search(Some(grant), "hakemus").hits.is_empty());
        }

        // Kept current: a background sync picks up a publish.
        let task = polku_core::search::spawn_sync(f.index.clone(), f.db.clone());
        let saved_at = Instant::now();
        authoring::save(
            &f.db,
            &admin_grant(),
            "turvallisuus",
            "tyottomyysturva",
            Language::Fi,
            DRAFT,
            true,
        )
        .await
        .unwrap();
        let mut visible = false;
        while saved_at.elapsed() < Duration::from_secs(20) {
            if !search(None, "seepraraita").hits.is_empty() {
                visible = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(visible, "published text never reached the index");
        eprintln!(
            "search ({}): published text searchable after {} ms",
            t.backend,
            saved_at.elapsed().as_millis()
        );
        assert!(search(None, "hakemus").hits.is_empty(), "old text is gone");
        // The new text's compounds are found by their parts, also by
        // readers: the long words are listed again for the new commit.
        assert_eq!(search(None, "kuvio").hits.len(), 1);
        // Moving a lesson is a change too (no error, nothing lost).
        authoring::move_lesson(&f.db, &admin_grant(), "turvallisuus", "cv", true)
            .await
            .unwrap();
        task.abort();
        let report = f.index.sync(&f.db).await.unwrap();
        assert_eq!(report.courses, 1);
        assert_eq!(search(None, "ansioluettelo").hits.len(), 1);
    }
}

#[tokio::test]
async fn the_index_reads_the_text_kept_at_import_and_renders_older_texts() {
    use polku_core::db::entities::lesson_texts;
    use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
    for t in fresh_databases().await {
        let f = setup(&t.url).await;
        let texts = lesson_texts::Entity::find().all(&f.db).await.unwrap();
        assert_eq!(texts.len(), 8, "{}", t.backend);
        assert!(
            texts.iter().all(|text| text.sections.is_some()),
            "import keeps every text's sections ({})",
            t.backend
        );
        // Texts as the index would find them: one whose kept sections say
        // something its Markdown does not (so the index must read them),
        // one from before sections were kept (so it must render it).
        let muuttujat = texts
            .iter()
            .find(|text| text.source_path.ends_with("01-muuttujat.md"))
            .unwrap()
            .clone();
        let kept: serde_json::Value =
            serde_json::from_str(muuttujat.sections.as_deref().unwrap()).unwrap();
        assert_eq!(
            kept[1]["anchor"], "h-salasana-muuttujassa",
            "sections keep their anchors ({})",
            t.backend
        );
        let mut changed = kept.clone();
        changed[1]["text"] = "Kiwikakadu istuu muuttujassa.".into();
        let mut row = muuttujat.into_active_model();
        row.sections = Set(Some(changed.to_string()));
        row.update(&f.db).await.unwrap();
        let salasanat = texts
            .iter()
            .find(|text| text.source_path.ends_with("01-salasanat.md"))
            .unwrap()
            .clone();
        let mut row = salasanat.into_active_model();
        row.sections = Set(None);
        row.update(&f.db).await.unwrap();

        let dir = tempfile::tempdir().unwrap();
        let index = SearchIndex::open(&dir.path().join("index")).unwrap();
        assert_eq!(index.sync(&f.db).await.unwrap().courses, 2);
        assert_eq!(index.documents(), 8, "{}", t.backend);
        let hits = find(&index, &request("kiwikakadu"));
        assert_eq!(keys(&hits), ["ohjelmointi/muuttujat.fi"], "{}", t.backend);
        assert_eq!(
            hits.hits[0].anchor.as_deref(),
            Some("h-salasana-muuttujassa"),
            "{}",
            t.backend
        );
        // Words only in the rendered body of the text without sections.
        let hits = find(&index, &request("huijari pankin"));
        assert_eq!(keys(&hits), ["turvallisuus/salasanat.fi"], "{}", t.backend);
        assert_eq!(
            hits.hits[0].anchor.as_deref(),
            Some("h-tietojenkalastelu"),
            "{}",
            t.backend
        );
    }
}

#[tokio::test]
async fn the_index_is_rebuilt_when_missing_or_unreadable() {
    for t in fresh_databases().await {
        let f = setup(&t.url).await;
        let dir = f.index.dir().to_owned();
        let documents = f.index.documents();
        assert_eq!(documents, 8, "8 lesson texts");
        drop(f.index);
        // Reopened as is: nothing to do.
        let index = SearchIndex::open(&dir).unwrap();
        assert_eq!(index.sync(&f.db).await.unwrap().courses, 0);
        assert_eq!(index.documents(), documents);
        drop(index);
        // Written by an older version (another schema number with the last
        // commit): started over and filled from the database.
        {
            let old = tantivy::Index::open_in_dir(&dir).unwrap();
            let mut writer: tantivy::IndexWriter = old.writer(15_000_000).unwrap();
            let mut commit = writer.prepare_commit().unwrap();
            commit.set_payload(r#"{"schema":0,"courses":{}}"#);
            commit.commit().unwrap();
        }
        let index = SearchIndex::open(&dir).unwrap();
        assert_eq!(index.documents(), 0);
        assert_eq!(index.sync(&f.db).await.unwrap().courses, 2);
        assert_eq!(index.documents(), documents);
        drop(index);
        // Unreadable metadata: the same.
        std::fs::write(dir.join("meta.json"), "{ not json").unwrap();
        let index = SearchIndex::open(&dir).unwrap();
        assert_eq!(index.documents(), 0);
        assert_eq!(index.sync(&f.db).await.unwrap().courses, 2);
        assert_eq!(index.documents(), documents);
        drop(index);
        // Deleted: the same.
        std::fs::remove_dir_all(&dir).unwrap();
        let index = SearchIndex::open(&dir).unwrap();
        index.sync(&f.db).await.unwrap();
        assert_eq!(top(&index, "salasanan"), "turvallisuus/salasanat.fi");
        // A second writer on the same folder is refused with a clear message.
        let busy = SearchIndex::open(&dir).unwrap_err().to_string();
        assert!(busy.contains("in use by another Polku process"), "{busy}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_during_a_rebuild_always_answer() {
    let t = fresh_databases().await.remove(0);
    let f = setup(&t.url).await;
    let index = f.index.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let queries = {
        let stop = stop.clone();
        tokio::task::spawn_blocking(move || {
            let mut answered = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let results = index.search(&request("salasanan"), &Scope::Reader).unwrap();
                assert!(results.total >= 1, "a query during a rebuild found nothing");
                answered += 1;
            }
            answered
        })
    };
    for _ in 0..5 {
        let report = f.index.rebuild(&f.db, &mut |_, _| {}).await.unwrap();
        assert_eq!(report.courses, 2);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let answered = queries.await.unwrap();
    assert!(answered > 0);
    eprintln!("search: {answered} queries answered during 5 rebuilds");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_queries_at_once_than_may_run_each_get_their_answer() {
    let t = fresh_databases().await.remove(0);
    let f = setup(&t.url).await;
    // Far more than the queries that run at once (two per core): the
    // rest wait their turn and none is lost or answered with another's.
    let words = ["salasanan", "lösenordet", "passwords", "xylofoni"];
    let asked: Vec<_> = (0..64)
        .map(|n| {
            let index = f.index.clone();
            let word = words[n % words.len()];
            tokio::spawn(async move { (word, index.query(request(word), None).await.unwrap()) })
        })
        .collect();
    for one in asked {
        let (word, results) = one.await.unwrap();
        let expected = find(&f.index, &request(word));
        assert_eq!(keys(&results), keys(&expected), "{word}");
        assert_eq!(results.total == 0, word == "xylofoni", "{word}");
    }
}

#[tokio::test]
async fn bad_input_gets_results_or_nothing_never_an_error() {
    let t = fresh_databases().await.remove(0);
    let f = setup(&t.url).await;
    let long = "salasana ".repeat(1_200);
    let cases = [
        "",
        "   ",
        "\"",
        "\"salasana",
        "salasana\"",
        "\"\"\"",
        "title_fi:salasana",
        "salasana AND OR NOT ~2 ^3 * ? [a TO b] {x} (y) -z +w \\ /",
        "*",
        ":::",
        "🙂🔐",
        long.as_str(),
        &"x".repeat(10_000),
        &"ö".repeat(10_000),
    ];
    for text in cases {
        let results = f.index.search(&request(text), &Scope::Reader).unwrap();
        assert!(results.hits.len() <= 10);
        for suggest in [true, false] {
            f.index
                .search(
                    &SearchRequest {
                        suggest,
                        page: 10_000,
                        ..request(text)
                    },
                    &Scope::Reader,
                )
                .unwrap();
        }
    }
    assert!(find(&f.index, &request("")).empty);
    assert!(find(&f.index, &request("\"salasana")).total >= 1);
    let cut = find(&f.index, &request(&long));
    assert!(cut.truncated && cut.total >= 1);
}
