//! Database tests: the real migrations on a fresh database per test, on
//! SQLite always and on PostgreSQL when `POLKU_TEST_POSTGRES_URL` is set
//! (`scripts/test.sh` starts a server for it under `CI=true`).
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod common;

use common::{bundled_content, copy_dir, fixture, fresh_databases, import};

use migration::{Migrator, MigratorTrait};
use polku_core::content::load_dir;
use polku_core::courses::{self, ImportReport, import_courses};
use polku_core::db::entities::lesson_revisions;
use polku_core::db::{self, DatabaseConnection};
use polku_core::{CoreError, Language};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

async fn lesson_ids(db: &DatabaseConnection) -> Vec<i32> {
    let lessons = polku_core::db::entities::lessons::Entity::find()
        .all(db)
        .await
        .unwrap();
    let mut ids: Vec<i32> = lessons.iter().map(|l| l.id).collect();
    // PostgreSQL returns rows in no particular order.
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn migrations_apply_roll_back_and_apply_again() {
    for t in fresh_databases().await {
        let db = db::open(&t.url).await.unwrap();
        assert_eq!(
            Migrator::get_pending_migrations(&db).await.unwrap().len(),
            0,
            "{}",
            t.backend
        );
        assert!(
            courses::catalog(&db, Language::Fi)
                .await
                .unwrap()
                .is_empty(),
            "{}",
            t.backend
        );
        Migrator::down(&db, None).await.unwrap();
        assert!(
            courses::catalog(&db, Language::Fi).await.is_err(),
            "{}: tables must be gone",
            t.backend
        );
        Migrator::up(&db, None).await.unwrap();
        assert!(
            courses::catalog(&db, Language::Fi)
                .await
                .unwrap()
                .is_empty(),
            "{}",
            t.backend
        );
    }
}

#[tokio::test]
async fn import_is_idempotent_and_keeps_lesson_ids() {
    for t in fresh_databases().await {
        let db = db::open(&t.url).await.unwrap();
        let work = tempfile::tempdir().unwrap();
        copy_dir(&fixture("valid"), work.path());

        let first = import(&db, work.path()).await;
        assert_eq!(
            first,
            ImportReport {
                created: 2,
                updated: 0,
                unchanged: 0,
                revisions: 7,
                refused: vec![]
            },
            "{}",
            t.backend
        );
        let ids = lesson_ids(&db).await;
        assert_eq!(ids.len(), 6, "{}", t.backend);

        let again = import(&db, work.path()).await;
        assert_eq!(
            again,
            ImportReport {
                created: 0,
                updated: 0,
                unchanged: 2,
                revisions: 0,
                refused: vec![]
            },
            "{}",
            t.backend
        );

        // Edit a lesson: the course is updated in place, lesson ids stay.
        let lesson = work.path().join("first-course/01-welcome.md");
        let text = std::fs::read_to_string(&lesson)
            .unwrap()
            .replace("ensimmäinen", "päivitetty");
        std::fs::write(&lesson, text).unwrap();
        let changed = import(&db, work.path()).await;
        assert_eq!(
            changed,
            ImportReport {
                created: 0,
                updated: 1,
                unchanged: 1,
                revisions: 1,
                refused: vec![]
            },
            "{}",
            t.backend
        );
        let after = lesson_ids(&db).await;
        assert_eq!(after, ids, "{}", t.backend);
        let view = courses::lesson(&db, "first-course", "welcome", Language::Fi)
            .await
            .unwrap();
        let html = polku_types::courses::html_of(&view.body);
        assert!(html.contains("päivitetty"), "{}: {html}", t.backend);

        // The change is a new revision; the old one stays in the history.
        let revisions: Vec<(i32, String)> = lesson_revisions::Entity::find()
            .select_only()
            .columns([
                lesson_revisions::Column::Number,
                lesson_revisions::Column::Status,
            ])
            .filter(lesson_revisions::Column::LessonId.eq(ids[0]))
            .filter(lesson_revisions::Column::Language.eq("fi"))
            .order_by_asc(lesson_revisions::Column::Number)
            .into_tuple()
            .all(&db)
            .await
            .unwrap();
        assert_eq!(
            revisions,
            [(1, "published".to_owned()), (2, "published".to_owned())],
            "{}",
            t.backend
        );

        // Remove a lesson file: the lesson is hidden, not deleted...
        let removed = work.path().join("first-course/02-no-front-matter.md");
        let kept = std::fs::read(&removed).unwrap();
        std::fs::remove_file(&removed).unwrap();
        import(&db, work.path()).await;
        let course = courses::course(&db, "first-course", Language::Fi)
            .await
            .unwrap();
        assert_eq!(course.lessons.len(), 2, "{}", t.backend);
        assert!(matches!(
            courses::lesson(&db, "first-course", "no-front-matter", Language::Fi).await,
            Err(CoreError::NotFound)
        ));
        // ...so when it comes back it has the same id (progress is kept).
        std::fs::write(&removed, kept).unwrap();
        import(&db, work.path()).await;
        assert_eq!(lesson_ids(&db).await, ids, "{}", t.backend);
        assert!(
            courses::lesson(&db, "first-course", "no-front-matter", Language::Fi)
                .await
                .is_ok()
        );
    }
}

#[tokio::test]
async fn pages_read_in_the_readers_language_with_fallback() {
    for t in fresh_databases().await {
        let db = db::open(&t.url).await.unwrap();
        import(&db, &bundled_content()).await;
        import(&db, &fixture("valid")).await;

        let fi = courses::catalog(&db, Language::Fi).await.unwrap();
        assert!(
            fi.iter().any(|c| c.slug == "digital-basics"
                && c.title == "Digitaidot alusta"
                && c.lesson_count == 4),
            "{}: {fi:?}",
            t.backend
        );
        let sv = courses::catalog(&db, Language::Sv).await.unwrap();
        let first = sv.iter().find(|c| c.slug == "first-course").unwrap();
        assert_eq!(
            (first.title.as_str(), first.language),
            ("Ensimmäinen kurssi", Language::Fi),
            "{}: no Swedish text, Finnish shown",
            t.backend
        );

        let lesson = courses::lesson(&db, "digital-basics", "devices", Language::En)
            .await
            .unwrap();
        assert_eq!(lesson.title, "Phone, tablet and computer", "{}", t.backend);
        assert_eq!((lesson.position, lesson.total), (1, 4));
        assert!(lesson.previous.is_none());
        assert_eq!(
            lesson.next.as_ref().map(|l| l.slug.as_str()),
            Some("browser")
        );
        assert_eq!(
            lesson.next.as_ref().map(|l| l.title.as_str()),
            Some("The web browser")
        );
        assert!(!lesson.objectives.is_empty());

        let last = courses::lesson(
            &db,
            "digital-basics",
            "passwords-and-phishing",
            Language::Sv,
        )
        .await
        .unwrap();
        assert!(
            last.next.is_none() && last.previous.is_some(),
            "{}",
            t.backend
        );

        let fallback = courses::lesson(&db, "first-course", "no-front-matter", Language::En)
            .await
            .unwrap();
        assert_eq!(
            (fallback.title.as_str(), fallback.language),
            ("Otsikko tiedostosta", Language::Fi),
            "{}",
            t.backend
        );

        assert!(matches!(
            courses::course(&db, "no-such-course", Language::Fi).await,
            Err(CoreError::NotFound)
        ));
        assert!(matches!(
            courses::lesson(&db, "digital-basics", "nope", Language::Fi).await,
            Err(CoreError::NotFound)
        ));
    }
}

#[tokio::test]
async fn export_gives_back_folders_that_import_to_the_same_lessons() {
    for t in fresh_databases().await {
        let db = db::open(&t.url).await.unwrap();
        let (sources, _) = load_dir(&fixture("valid"));
        import_courses(&db, &sources).await.unwrap();
        let out = tempfile::tempdir().unwrap();
        for source in &sources {
            let files = courses::export_course(&db, &source.slug).await.unwrap();
            courses::write_folder(&out.path().join(&source.slug), &files).unwrap();
        }
        let (again, problems) = load_dir(out.path());
        let problems: Vec<_> = problems.iter().filter(|p| !p.advice).collect();
        assert!(problems.is_empty(), "{}: {problems:?}", t.backend);
        assert_eq!(again.len(), sources.len());
        for (a, b) in sources.iter().zip(&again) {
            assert_eq!(a.slug, b.slug);
            assert_eq!(a.modules, b.modules, "{}", a.slug);
            assert_eq!(a.media.len(), b.media.len(), "{}", a.slug);
            assert_eq!(a.lessons.len(), b.lessons.len(), "{}", a.slug);
            assert_eq!(a.badges, b.badges, "{}: badges survive export", a.slug);
            for (x, y) in a.lessons.iter().zip(&b.lessons) {
                assert_eq!((&x.slug, &x.module), (&y.slug, &y.module));
                for (v, w) in x.variants.iter().zip(&y.variants) {
                    assert_eq!(v.title, w.title, "{}/{}", a.slug, x.slug);
                    assert_eq!(v.body_html, w.body_html, "{}/{}", a.slug, x.slug);
                    assert_eq!(v.quizzes, w.quizzes, "{}/{}", a.slug, x.slug);
                }
            }
        }
        let zip = courses::zip(
            "first-course",
            &courses::export_course(&db, "first-course").await.unwrap(),
        )
        .unwrap();
        assert!(zip.starts_with(b"PK"), "{}", t.backend);
    }
}

#[tokio::test]
async fn authoring_drafts_publish_history_restore_create_and_move() {
    use polku_core::authoring::{self, AdminToken};
    for t in fresh_databases().await {
        let db = db::open(&t.url).await.unwrap();
        let work = tempfile::tempdir().unwrap();
        copy_dir(&fixture("valid"), work.path());
        import(&db, work.path()).await;

        let token = AdminToken::new("a-long-enough-admin-token");
        assert!(token.grant(Some("wrong")).is_none());
        assert!(token.grant(None).is_none());
        assert!(token.matches("a-long-enough-admin-token") && !token.matches("a-long-enough"));
        let grant = token.grant(Some(&token.cookie_value())).unwrap();
        let learner_sees = |db: DatabaseConnection| async move {
            let body = courses::lesson(&db, "first-course", "welcome", Language::Fi)
                .await
                .unwrap()
                .body;
            polku_types::courses::html_of(&body)
        };

        // A draft is invisible to learners.
        let editing = authoring::editing(&db, &grant, "first-course", "welcome", Language::Fi)
            .await
            .unwrap();
        assert!(editing.text.contains("ensimmäinen"), "{}", t.backend);
        let draft = editing.text.replace("ensimmäinen", "luonnos");
        let saved = authoring::save(
            &db,
            &grant,
            "first-course",
            "welcome",
            Language::Fi,
            &draft,
            false,
        )
        .await
        .unwrap();
        assert_eq!((saved.number, saved.published), (2, false), "{}", t.backend);
        assert!(
            learner_sees(db.clone()).await.contains("ensimmäinen"),
            "{}",
            t.backend
        );

        // A text with problems is kept as a draft, not published.
        let broken = format!("{draft}\n```quiz\nquestion = \"Q\"\ntype = \"single\"\n```\n");
        let saved = authoring::save(
            &db,
            &grant,
            "first-course",
            "welcome",
            Language::Fi,
            &broken,
            true,
        )
        .await
        .unwrap();
        assert!(
            !saved.published && saved.problems[0].starts_with("line 1"),
            "{}: {:?}",
            t.backend,
            saved.problems
        );

        // Publishing shows it at once.
        let saved = authoring::save(
            &db,
            &grant,
            "first-course",
            "welcome",
            Language::Fi,
            &draft,
            true,
        )
        .await
        .unwrap();
        assert!(
            saved.published && saved.problems.is_empty(),
            "{}",
            t.backend
        );
        assert!(
            learner_sees(db.clone()).await.contains("luonnos"),
            "{}",
            t.backend
        );

        // History, newest first; restore makes the old text a new draft.
        let editing = authoring::editing(&db, &grant, "first-course", "welcome", Language::Fi)
            .await
            .unwrap();
        let numbers: Vec<(i32, bool)> = editing
            .history
            .iter()
            .map(|r| (r.number, r.current))
            .collect();
        assert_eq!(
            numbers,
            [(4, true), (3, false), (2, false), (1, false)],
            "{}",
            t.backend
        );
        let restored = authoring::restore(&db, &grant, "first-course", "welcome", Language::Fi, 1)
            .await
            .unwrap();
        assert_eq!(restored, 5);
        let editing = authoring::editing(&db, &grant, "first-course", "welcome", Language::Fi)
            .await
            .unwrap();
        assert!(editing.text.contains("ensimmäinen"));
        assert!(editing.is_draft);
        assert_eq!(editing.history[0].number, 5);
        assert!(!editing.history[0].published && !editing.history[0].imported);
        assert!(!editing.preview.body.is_empty() && editing.preview.problems.is_empty());

        // Preview uses the import pipeline.
        let preview = authoring::preview(
            &db,
            &grant,
            "first-course",
            "welcome",
            Language::Fi,
            "+++\ntitle = \"T\"\n+++\n## Otsikko\n\n<script>x</script>",
        )
        .await
        .unwrap();
        let html = polku_types::courses::html_of(&preview.body);
        assert!(html.contains("<h2 id=\"h-otsikko\">") && !html.contains("<script"));

        // Plain-language advice is shown with its line and never blocks
        // publishing: a passive sentence on line 5 of the text.
        let hard =
            "+++\ntitle = \"Hakemus\"\n+++\n\nHakemus lähetetään verkossa esim. torstaina.\n";
        let preview =
            authoring::preview(&db, &grant, "first-course", "welcome", Language::Fi, hard)
                .await
                .unwrap();
        assert!(preview.problems.is_empty(), "{:?}", preview.problems);
        assert!(
            preview
                .advice
                .iter()
                .any(|a| a.starts_with("line 5: ") && a.contains("lähetetään")),
            "{:?}",
            preview.advice
        );
        assert!(preview.advice.iter().any(|a| a.contains("esim.")));
        assert!(preview.readability.is_some_and(|lix| lix > 0));
        let saved = authoring::save(
            &db,
            &grant,
            "first-course",
            "welcome",
            Language::Fi,
            hard,
            true,
        )
        .await
        .unwrap();
        assert!(saved.published, "advice does not keep a lesson a draft");
        // The text the rest of this test reads, published again.
        authoring::save(
            &db,
            &grant,
            "first-course",
            "welcome",
            Language::Fi,
            &draft,
            true,
        )
        .await
        .unwrap();

        // A new lesson appears to learners only once published; it can move.
        let bad = authoring::create_lesson(&db, &grant, "first-course", "Bad Slug", "").await;
        assert!(
            matches!(bad, Err(CoreError::Invalid(ref p)) if p.len() == 2),
            "{bad:?}"
        );
        authoring::create_lesson(&db, &grant, "first-course", "extra", "Lisätunti")
            .await
            .unwrap();
        let count = || async {
            courses::course(&db, "first-course", Language::Fi)
                .await
                .unwrap()
                .lessons
                .len()
        };
        assert_eq!(count().await, 3, "{}", t.backend);
        let editing = authoring::editing(&db, &grant, "first-course", "extra", Language::Fi)
            .await
            .unwrap();
        authoring::save(
            &db,
            &grant,
            "first-course",
            "extra",
            Language::Fi,
            &format!("{}Uusi teksti.\n", editing.text),
            true,
        )
        .await
        .unwrap();
        assert_eq!(count().await, 4, "{}", t.backend);
        authoring::move_lesson(&db, &grant, "first-course", "extra", true)
            .await
            .unwrap();
        let outline = authoring::outline(&db, &grant, "first-course", Language::Fi)
            .await
            .unwrap();
        assert_eq!(outline.title, "Ensimmäinen kurssi", "{}", t.backend);
        let order: Vec<&str> = outline.lessons.iter().map(|l| l.slug.as_str()).collect();
        assert_eq!(
            order,
            ["welcome", "no-front-matter", "extra", "rich"],
            "{}",
            t.backend
        );

        // Re-importing unchanged files keeps browser edits and browser-made lessons.
        std::fs::write(
            work.path().join("first-course/course.toml"),
            std::fs::read_to_string(work.path().join("first-course/course.toml")).unwrap() + "\n",
        )
        .unwrap();
        import(&db, work.path()).await;
        assert!(
            learner_sees(db.clone()).await.contains("luonnos"),
            "{}",
            t.backend
        );
        assert_eq!(count().await, 4, "{}", t.backend);
    }
}

/// A transaction that reads first and writes later, while another
/// connection wants to write in between, commits; the other write waits
/// for it and then commits too. On SQLite the transaction holds the write
/// lock from its start (a deferred one would let the other write through
/// and then fail at its own first write, at once: "database is locked").
#[tokio::test]
async fn a_write_transaction_that_reads_first_outlasts_another_writer() {
    use polku_core::db::entities::site_drafts;
    use sea_orm::{ActiveModelTrait, Set};
    let draft = |name: &str| site_drafts::ActiveModel {
        name: Set(name.to_owned()),
        text: Set(String::new()),
        updated_by: Set(None),
        updated_at: Set(chrono::Utc::now()),
    };
    for test in fresh_databases().await {
        let db = db::open(&test.url).await.unwrap();
        let txn = db::begin_write(&db).await.unwrap();
        let seen = site_drafts::Entity::find().all(&txn).await.unwrap();
        assert!(seen.is_empty(), "{}", test.backend);
        let other = {
            let db = db.clone();
            let row = draft("other");
            tokio::spawn(async move { row.insert(&db).await.map(|_| ()) })
        };
        let mut other = std::pin::pin!(other);
        if test.backend == "sqlite" {
            // It waits for the transaction's write lock (a deferred
            // transaction has none yet: the insert would be done by now).
            let waited =
                tokio::time::timeout(std::time::Duration::from_millis(300), &mut other).await;
            assert!(
                waited.is_err(),
                "another write went through a write transaction"
            );
        }
        draft("mine")
            .insert(&txn)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", test.backend));
        txn.commit().await.unwrap();
        other
            .await
            .unwrap()
            .unwrap_or_else(|e| panic!("{}: {e}", test.backend));
        let mut names: Vec<String> = site_drafts::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|d| d.name)
            .collect();
        names.sort();
        assert_eq!(names, ["mine", "other"], "{}", test.backend);
    }
}
