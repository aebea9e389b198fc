//! Accounts and learning progress on a fresh database per test: SQLite
//! always, PostgreSQL when `POLKU_TEST_POSTGRES_URL` is set (always in CI).

mod common;

use common::{bundled_content, copy_dir, fresh_databases, import};
use polku_core::accounts::{self, NewAccount, Role};
use polku_core::content::quiz::Answer;
use polku_core::db::entities::quiz_attempts;
use polku_core::db::{self, DatabaseConnection};
use polku_core::{CoreError, Language, progress};
use sea_orm::EntityTrait;

fn account(name: &str) -> NewAccount {
    NewAccount {
        username: name.to_owned(),
        password: "long enough secret".to_owned(),
        ..Default::default()
    }
}

async fn signed_in(db: &DatabaseConnection, name: &str) -> accounts::Actor {
    common::signed_in(db, account(name), accounts::Role::Learner).await
}

fn rejected(result: Result<impl std::fmt::Debug, CoreError>) -> &'static str {
    match result {
        Err(CoreError::Rejected(code)) => code,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[tokio::test]
async fn sign_up_sign_in_sessions_and_password_change() {
    for t in fresh_databases().await {
        let db = db::open(&t.url).await.unwrap();
        let id = accounts::sign_up(
            &db,
            NewAccount {
                username: " Maija.K ".into(),
                password: "long enough secret".into(),
                display_name: Some("Maija".into()),
                email: Some("  ".into()),
            },
        )
        .await
        .unwrap();
        // Names are unique regardless of case; bad input is refused.
        assert_eq!(
            rejected(accounts::sign_up(&db, account("MAIJA.k")).await),
            "username_taken"
        );
        assert_eq!(
            rejected(accounts::sign_up(&db, account("a b")).await),
            "username_invalid"
        );
        assert_eq!(
            rejected(accounts::sign_up(&db, account("ab")).await),
            "username_invalid"
        );
        let mut short = account("short");
        short.password = "1234567".into();
        assert_eq!(
            rejected(accounts::sign_up(&db, short).await),
            "password_short"
        );

        // Wrong password and unknown name give the same answer.
        assert_eq!(
            rejected(
                accounts::log_in(
                    &db,
                    "maija.k",
                    "wrong password",
                    None,
                    accounts::UNKNOWN_CLIENT
                )
                .await
            ),
            "wrong_credentials"
        );
        assert_eq!(
            rejected(
                accounts::log_in(
                    &db,
                    "nobody",
                    "long enough secret",
                    None,
                    accounts::UNKNOWN_CLIENT
                )
                .await
            ),
            "wrong_credentials"
        );
        let first = accounts::log_in(
            &db,
            "MAIJA.K",
            "long enough secret",
            None,
            accounts::UNKNOWN_CLIENT,
        )
        .await
        .unwrap();
        assert_eq!(first.actor.id(), id, "{}", t.backend);
        assert_eq!(first.actor.role(), Role::Learner);
        assert_eq!(first.actor.name(), "Maija");
        assert_eq!(first.actor.username(), "maija.k");
        let who = accounts::authenticate(&db, &first.token, accounts::SessionIdle::default())
            .await
            .unwrap();
        assert_eq!(who.as_ref().map(|a| a.id()), Some(id));
        assert_eq!(
            accounts::authenticate(&db, "forged", accounts::SessionIdle::default())
                .await
                .unwrap(),
            None
        );

        // Signing in again with the old cookie ends the old session (no
        // fixation) and gives a different token.
        let second = accounts::log_in(
            &db,
            "maija.k",
            "long enough secret",
            Some(&first.token),
            accounts::UNKNOWN_CLIENT,
        )
        .await
        .unwrap();
        assert_ne!(first.token, second.token);
        assert_eq!(
            accounts::authenticate(&db, &first.token, accounts::SessionIdle::default())
                .await
                .unwrap(),
            None
        );
        let other_browser = accounts::log_in(
            &db,
            "maija.k",
            "long enough secret",
            None,
            accounts::UNKNOWN_CLIENT,
        )
        .await
        .unwrap();

        // A password change needs the current password and ends every
        // other session.
        let actor = second.actor.clone();
        assert_eq!(
            rejected(
                accounts::change_password(
                    &db,
                    &actor,
                    "wrong",
                    "new long secret",
                    accounts::UNKNOWN_CLIENT
                )
                .await
            ),
            "wrong_password"
        );
        assert_eq!(
            rejected(
                accounts::change_password(
                    &db,
                    &actor,
                    "long enough secret",
                    "short",
                    accounts::UNKNOWN_CLIENT
                )
                .await
            ),
            "password_short"
        );
        let renewed = accounts::change_password(
            &db,
            &actor,
            "long enough secret",
            "new long secret",
            accounts::UNKNOWN_CLIENT,
        )
        .await
        .unwrap();
        assert_eq!(
            accounts::authenticate(&db, &second.token, accounts::SessionIdle::default())
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            accounts::authenticate(&db, &other_browser.token, accounts::SessionIdle::default())
                .await
                .unwrap(),
            None
        );
        assert!(
            accounts::authenticate(&db, &renewed.token, accounts::SessionIdle::default())
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            accounts::log_in(
                &db,
                "maija.k",
                "new long secret",
                None,
                accounts::UNKNOWN_CLIENT
            )
            .await
            .is_ok()
        );

        // Signing out ends the session.
        accounts::log_out(&db, &renewed.token).await.unwrap();
        assert_eq!(
            accounts::authenticate(&db, &renewed.token, accounts::SessionIdle::default())
                .await
                .unwrap(),
            None
        );

        // The first admin: created, or an existing account promoted.
        let admin = accounts::ensure_admin(&db, "Admin", "admin password 1")
            .await
            .unwrap();
        let again = accounts::ensure_admin(&db, "admin", "admin password 2")
            .await
            .unwrap();
        assert_eq!(admin, again);
        let session = accounts::log_in(
            &db,
            "admin",
            "admin password 2",
            None,
            accounts::UNKNOWN_CLIENT,
        )
        .await
        .unwrap();
        assert_eq!(session.actor.role(), Role::Admin, "{}", t.backend);
        assert!(session.actor.require(&[Role::Admin]).is_ok());
        assert!(matches!(
            first.actor.require(&[Role::Coach, Role::Admin]),
            Err(CoreError::Forbidden)
        ));
    }
}

#[tokio::test]
async fn progress_enrolment_resume_quizzes_and_revisions() {
    for t in fresh_databases().await {
        let db = db::open(&t.url).await.unwrap();
        let content = tempfile::tempdir().unwrap();
        copy_dir(
            &bundled_content().join("digital-basics"),
            &content.path().join("digital-basics"),
        );
        import(&db, content.path()).await;
        let maija = signed_in(&db, "maija").await;
        let matti = signed_in(&db, "matti").await;
        let course = "digital-basics";

        // Reading before enrolling records nothing.
        let state = progress::record_view(&db, &maija, course, "devices")
            .await
            .unwrap();
        assert!(!state.enrolled);
        let p = progress::course_progress(&db, &maija, course, Language::Fi)
            .await
            .unwrap();
        assert!(!p.enrolled);
        assert_eq!(p.resume.map(|l| l.slug).as_deref(), Some("devices"));

        progress::enrol(&db, &maija, course).await.unwrap();
        progress::enrol(&db, &maija, course).await.unwrap();
        progress::record_view(&db, &maija, course, "devices")
            .await
            .unwrap();
        progress::set_done(&db, &maija, course, "devices", true)
            .await
            .unwrap();
        // A view reads her own standing: done here, not in the next lesson;
        // Liisa, enrolled too, has none of hers.
        let state = progress::record_view(&db, &maija, course, "devices")
            .await
            .unwrap();
        assert!(state.enrolled && state.done, "{}", t.backend);
        let state = progress::lesson_state(&db, &maija, course, "email")
            .await
            .unwrap();
        assert!(state.enrolled && !state.done, "{}", t.backend);
        let liisa = signed_in(&db, "liisa").await;
        let state = progress::lesson_state(&db, &liisa, course, "devices")
            .await
            .unwrap();
        assert!(!state.enrolled && !state.done, "{}", t.backend);
        progress::enrol(&db, &liisa, course).await.unwrap();
        let state = progress::record_view(&db, &liisa, course, "devices")
            .await
            .unwrap();
        assert!(state.enrolled && !state.done, "{}", t.backend);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        progress::record_view(&db, &maija, course, "browser")
            .await
            .unwrap();
        let p = progress::course_progress(&db, &maija, course, Language::Fi)
            .await
            .unwrap();
        assert!(p.enrolled, "{}", t.backend);
        assert_eq!(p.done, ["devices"]);
        assert_eq!((p.total, p.percent), (4, 25));
        // Continue where she left off: the lesson she was reading.
        assert_eq!(p.resume.map(|l| l.slug).as_deref(), Some("browser"));

        // Done with the one she is reading: continue with the next open one.
        progress::set_done(&db, &maija, course, "browser", true)
            .await
            .unwrap();
        let p = progress::course_progress(&db, &maija, course, Language::En)
            .await
            .unwrap();
        assert_eq!(p.resume.map(|l| l.slug).as_deref(), Some("email"));
        assert_eq!(p.percent, 50);
        // Undo.
        progress::set_done(&db, &maija, course, "browser", false)
            .await
            .unwrap();
        let state = progress::lesson_state(&db, &maija, course, "browser")
            .await
            .unwrap();
        assert!(state.enrolled && !state.done);
        progress::set_done(&db, &maija, course, "browser", true)
            .await
            .unwrap();

        // Quizzes: graded on the server, every attempt kept (answer not).
        let wrong = progress::answer_quiz(
            &db,
            &maija,
            course,
            "browser",
            Language::Fi,
            0,
            &Answer::Choices(vec![0]),
        )
        .await
        .unwrap();
        assert!(!wrong.correct);
        let right = progress::answer_quiz(
            &db,
            &maija,
            course,
            "browser",
            Language::Fi,
            0,
            &Answer::Choices(vec![1]),
        )
        .await
        .unwrap();
        assert!(right.correct);
        let mut attempts: Vec<bool> = quiz_attempts::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.correct)
            .collect();
        attempts.sort_unstable();
        assert_eq!(attempts, [false, true]);
        assert!(matches!(
            progress::answer_quiz(
                &db,
                &maija,
                course,
                "browser",
                Language::Fi,
                9,
                &Answer::Choices(vec![0])
            )
            .await,
            Err(CoreError::NotFound)
        ));

        // Another learner's progress is their own.
        let p = progress::course_progress(&db, &matti, course, Language::Fi)
            .await
            .unwrap();
        assert!(!p.enrolled && p.done.is_empty());
        assert!(
            progress::dashboard(&db, &matti, Language::Fi)
                .await
                .unwrap()
                .is_empty()
        );

        // A new revision of a lesson keeps the progress; a removed lesson
        // leaves the count; it comes back done when its file returns.
        let lesson = content.path().join("digital-basics/01-devices.md");
        let text = std::fs::read_to_string(&lesson).unwrap();
        std::fs::write(&lesson, format!("{text}\nUusi kappale.\n")).unwrap();
        let removed = content.path().join("digital-basics/02-browser.md");
        let browser = std::fs::read_to_string(&removed).unwrap();
        std::fs::remove_file(&removed).unwrap();
        for lang in ["en", "sv"] {
            std::fs::remove_file(
                content
                    .path()
                    .join(format!("digital-basics/02-browser.{lang}.md")),
            )
            .unwrap();
        }
        import(&db, content.path()).await;
        let p = progress::course_progress(&db, &maija, course, Language::Fi)
            .await
            .unwrap();
        assert_eq!(p.done, ["devices"], "{}", t.backend);
        assert_eq!((p.total, p.percent), (3, 33));
        std::fs::write(&removed, browser).unwrap();
        import(&db, content.path()).await;
        let p = progress::course_progress(&db, &maija, course, Language::Fi)
            .await
            .unwrap();
        assert_eq!(p.done, ["devices", "browser"]);

        // Dashboard: her course with its progress.
        let dash = progress::dashboard(&db, &maija, Language::Fi)
            .await
            .unwrap();
        assert_eq!(dash.len(), 1);
        assert_eq!(dash[0].course.slug, course);
        assert_eq!(dash[0].progress.percent, 50);

        // Unknown lessons and courses.
        assert!(matches!(
            progress::enrol(&db, &maija, "nope").await,
            Err(CoreError::NotFound)
        ));
        assert!(matches!(
            progress::set_done(&db, &maija, course, "nope", true).await,
            Err(CoreError::NotFound)
        ));
    }
}
