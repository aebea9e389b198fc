//! Coaching, discussion, roles, reset codes and privacy on a fresh
//! database per test: SQLite always, PostgreSQL when
//! `POLKU_TEST_POSTGRES_URL` is set (always in CI).
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod common;

use chrono::{Duration, Utc};
use common::{act, bundled_content, fresh_databases, import};
use polku_core::accounts::{self, Actor, NewAccount, Role, admin};
use polku_core::authoring::AuthorGrant;
use polku_core::coaching::{self, StuckReason, StuckRule};
use polku_core::content::quiz::Answer;
use polku_core::db::{self, DatabaseConnection};
use polku_core::{CoreError, Language, discussion, privacy, progress};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

async fn person(db: &DatabaseConnection, name: &str, role: Role) -> Actor {
    let account = NewAccount {
        username: name.to_owned(),
        password: "long enough secret".to_owned(),
        display_name: Some(format!("{name} display")),
        email: Some(format!("{name}@example.fi")),
    };
    common::signed_in(db, account, role).await
}

async fn setup(url: &str) -> DatabaseConnection {
    let db = db::open(url).await.unwrap();
    import(&db, &bundled_content()).await;
    db
}

#[tokio::test]
async fn coaches_see_their_groups_and_who_is_stuck() {
    for t in fresh_databases().await {
        let db = setup(&t.url).await;
        let coach = person(&db, "coach", Role::Coach).await;
        let other_coach = person(&db, "othercoach", Role::Coach).await;
        let maija = person(&db, "maija", Role::Learner).await;
        let matti = person(&db, "matti", Role::Learner).await;
        let outsider = person(&db, "outsider", Role::Learner).await;

        // Only staff make groups; names are checked.
        assert!(matches!(
            coaching::create_group(&db, &maija, "x").await,
            Err(CoreError::Forbidden)
        ));
        assert!(matches!(
            coaching::create_group(&db, &coach, "  ").await,
            Err(CoreError::Rejected("group_name_invalid"))
        ));
        let group = coaching::create_group(&db, &coach, "Kevät 2027")
            .await
            .unwrap();
        // Invite by username (she accepts), or join with the code (any
        // case, spaces).
        act::invite(&db, &coach, group.id, "MAIJA").await.unwrap();
        coaching::accept(&db, &maija, group.id).await.unwrap();
        assert!(matches!(
            act::invite(&db, &coach, group.id, "nobody").await,
            Err(CoreError::Rejected("no_such_user"))
        ));
        let name = coaching::join(
            &db,
            &matti,
            &format!(" {} ", group.join_code.to_lowercase()),
        )
        .await
        .unwrap();
        assert_eq!(name, "Kevät 2027");
        assert!(matches!(
            coaching::join(&db, &matti, "NOPE").await,
            Err(CoreError::Rejected("join_code_unknown"))
        ));

        // Maija progresses; Matti fails a quiz three times.
        progress::set_done(&db, &maija, "digital-basics", "devices", true)
            .await
            .unwrap();
        progress::enrol(&db, &matti, "digital-basics")
            .await
            .unwrap();
        for _ in 0..3 {
            progress::answer_quiz(
                &db,
                &matti,
                "digital-basics",
                "browser",
                Language::Fi,
                0,
                &Answer::Choices(vec![0]),
            )
            .await
            .unwrap();
        }
        let table = act::group_table(
            &db,
            &coach,
            group.id,
            StuckRule::default(),
            Language::Fi,
            Utc::now(),
        )
        .await
        .unwrap();
        assert_eq!(table.group.members, 2, "{}", t.backend);
        assert_eq!(
            table.courses,
            [("digital-basics".to_owned(), "Digitaidot alusta".to_owned())]
        );
        let names: Vec<&str> = table.rows.iter().map(|r| r.username.as_str()).collect();
        assert_eq!(names, ["maija", "matti"]);
        assert_eq!(table.rows[0].progress, [Some(25)]);
        assert_eq!(table.rows[0].stuck, None);
        assert_eq!(
            (table.rows[1].quiz_right, table.rows[1].quiz_attempts),
            (0, 3)
        );
        assert_eq!(table.rows[1].stuck, Some(StuckReason::FailingQuiz(3)));
        // Eight days later Maija is idle (her course is not finished).
        let later = Utc::now() + Duration::days(8);
        let table = act::group_table(
            &db,
            &coach,
            group.id,
            StuckRule::default(),
            Language::Fi,
            later,
        )
        .await
        .unwrap();
        assert!(
            matches!(table.rows[0].stuck, Some(StuckReason::Idle(7 | 8))),
            "{:?}",
            table.rows[0].stuck
        );
        // N is configurable.
        let patient = StuckRule {
            idle_days: 30,
            failed_attempts: 5,
        };
        let table = act::group_table(&db, &coach, group.id, patient, Language::Fi, later)
            .await
            .unwrap();
        assert!(table.rows.iter().all(|r| r.stuck.is_none()));

        // CSV: BOM, header, one line per learner.
        let csv = coaching::table_csv(
            &table,
            ["Name", "User", "Last", "Quiz", "Stuck"],
            |_| "stuck".into(),
            |p| format!("{:?}", p.level),
        )
        .unwrap();
        let text = String::from_utf8(csv).unwrap();
        assert!(
            text.starts_with("\u{feff}Name,User,Digitaidot alusta,Last,Quiz,Stuck\n"),
            "{text}"
        );
        assert!(text.contains("maija display,maija,25 %,"), "{text}");
        assert!(text.contains("matti display,matti,0 %,"), "{text}");
        // Progress over time: the last point counts Maija's lesson.
        let points = act::progress_over_time(&db, &coach, group.id, 4, Utc::now())
            .await
            .unwrap();
        assert_eq!(points.len(), 5);
        assert!((points[4].1 - 0.5).abs() < 1e-9, "{points:?}");
        assert!(points[0].1.abs() < 1e-9);

        // Nobody else sees the group.
        for who in [&other_coach, &maija, &outsider] {
            assert!(matches!(
                act::group_table(
                    &db,
                    who,
                    group.id,
                    StuckRule::default(),
                    Language::Fi,
                    Utc::now()
                )
                .await,
                Err(CoreError::NotFound)
            ));
            assert!(act::invite(&db, who, group.id, "outsider").await.is_err());
        }
        assert!(
            coaching::my_groups(&db, &other_coach)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(coaching::my_groups(&db, &coach).await.unwrap().len(), 1);
        // Admins see every group.
        let boss = person(&db, "boss", Role::Admin).await;
        assert_eq!(coaching::my_groups(&db, &boss).await.unwrap().len(), 1);
        act::remove_member(&db, &coach, group.id, matti.id())
            .await
            .unwrap();
        assert_eq!(
            coaching::my_groups(&db, &coach).await.unwrap()[0].members,
            1
        );
    }
}

#[tokio::test]
async fn discussion_feedback_roles_and_reset_codes() {
    for t in fresh_databases().await {
        let db = setup(&t.url).await;
        let maija = person(&db, "maija", Role::Learner).await;
        let matti = person(&db, "matti", Role::Learner).await;
        let teacher = person(&db, "teacher", Role::Instructor).await;
        let other_teacher = person(&db, "otherteacher", Role::Instructor).await;
        let coach = person(&db, "coach", Role::Coach).await;
        let other_coach = person(&db, "othercoach", Role::Coach).await;
        let boss = person(&db, "boss", Role::Admin).await;
        let (course, lesson) = ("digital-basics", "email");

        // Comments: plain text, bounded; hidden ones only for staff.
        discussion::post_comment(&db, &maija, course, lesson, "  Miten liitän kuvan?  ")
            .await
            .unwrap();
        discussion::post_comment(&db, &matti, course, lesson, "Mainos: osta!")
            .await
            .unwrap();
        assert!(matches!(
            discussion::post_comment(&db, &maija, course, lesson, " ").await,
            Err(CoreError::Rejected("message_empty"))
        ));
        assert!(matches!(
            discussion::post_comment(&db, &maija, course, lesson, &"x".repeat(2001)).await,
            Err(CoreError::Rejected("message_long"))
        ));
        let seen = discussion::comments(&db, &maija, course, lesson)
            .await
            .unwrap();
        assert_eq!(seen.len(), 2, "{}", t.backend);
        assert_eq!(seen[0].body, "Miten liitän kuvan?");
        assert_eq!(seen[0].author, "maija display");
        assert!(seen[0].own && !seen[1].own);
        let spam = seen[1].id;
        assert!(matches!(
            discussion::set_hidden(&db, &maija, spam, true).await,
            Err(CoreError::Forbidden)
        ));
        discussion::set_hidden(&db, &coach, spam, true)
            .await
            .unwrap();
        assert_eq!(
            discussion::comments(&db, &maija, course, lesson)
                .await
                .unwrap()
                .len(),
            1
        );
        let staff_view = discussion::comments(&db, &teacher, course, lesson)
            .await
            .unwrap();
        assert_eq!(staff_view.len(), 2);
        assert!(staff_view[1].hidden);

        // Feedback reaches the course's authors and admins, nobody else.
        discussion::send_feedback(&db, &maija, course, lesson, "Kuva puuttuu")
            .await
            .unwrap();
        let stranger = person(&db, "x-admin-made", Role::Learner).await;
        act::set_course_author(&db, &boss, teacher.id(), course, true)
            .await
            .unwrap();
        assert!(matches!(
            act::set_course_author(&db, &teacher, teacher.id(), course, true).await,
            Err(CoreError::Rejected("not_on_self"))
        ));
        assert!(matches!(
            act::set_course_author(&db, &teacher, other_teacher.id(), course, true).await,
            Err(CoreError::NotFound)
        ));
        let grant = AuthorGrant::for_actor(&db, &teacher).await.unwrap();
        let notes = discussion::course_feedback(&db, &grant, course, Language::Fi)
            .await
            .unwrap();
        assert_eq!(notes.len(), 1);
        assert_eq!(
            (notes[0].lesson.as_str(), notes[0].body.as_str()),
            ("email", "Kuva puuttuu")
        );
        let other = AuthorGrant::for_actor(&db, &other_teacher).await.unwrap();
        assert!(matches!(
            discussion::course_feedback(&db, &other, course, Language::Fi).await,
            Err(CoreError::Forbidden)
        ));
        assert!(matches!(
            AuthorGrant::for_actor(&db, &stranger).await,
            Err(CoreError::Forbidden)
        ));
        assert!(matches!(
            AuthorGrant::for_actor(&db, &coach).await,
            Err(CoreError::Forbidden)
        ));
        let all = AuthorGrant::for_actor(&db, &boss).await.unwrap();
        assert_eq!(
            discussion::course_feedback(&db, &all, course, Language::Fi)
                .await
                .unwrap()
                .len(),
            1
        );

        // Roles: admins only; nobody changes their own, not even to more.
        assert!(matches!(
            act::set_role(&db, &coach, maija.id(), Role::Coach).await,
            Err(CoreError::NotFound)
        ));
        for (who, role) in [
            (&boss, Role::Learner),
            (&boss, Role::Admin),
            (&coach, Role::Admin),
            (&maija, Role::Admin),
        ] {
            assert!(matches!(
                act::set_role(&db, who, who.id(), role).await,
                Err(CoreError::Rejected("not_on_self"))
            ));
        }
        act::set_role(&db, &boss, matti.id(), Role::Coach)
            .await
            .unwrap();
        let users = admin::list_users(&db, &boss).await.unwrap();
        let m = users.iter().find(|u| u.username == "matti").unwrap();
        assert_eq!(m.role, Role::Coach);
        assert_eq!(
            users
                .iter()
                .find(|u| u.username == "teacher")
                .unwrap()
                .authors,
            ["digital-basics"]
        );
        assert!(matches!(
            admin::list_users(&db, &coach).await,
            Err(CoreError::Forbidden)
        ));

        // Reset codes: a coach for learners who joined their groups (an
        // invitation is not enough), an admin for anyone, nobody for
        // themselves, staff only by an admin.
        assert!(matches!(
            act::reset_code(&db, &coach, "maija").await,
            Err(CoreError::NotFound)
        ));
        let group = coaching::create_group(&db, &coach, "Ryhmä").await.unwrap();
        act::invite(&db, &coach, group.id, "maija").await.unwrap();
        assert!(matches!(
            act::reset_code(&db, &coach, "maija").await,
            Err(CoreError::NotFound)
        ));
        coaching::accept(&db, &maija, group.id).await.unwrap();
        let code = act::reset_code(&db, &coach, "maija").await.unwrap();
        assert_eq!(code.len(), 14, "{code}");
        assert!(matches!(
            act::reset_code(&db, &other_coach, "maija").await,
            Err(CoreError::NotFound)
        ));
        for who in [&maija, &coach, &boss] {
            assert!(matches!(
                act::reset_code(&db, who, who.username()).await,
                Err(CoreError::Rejected("not_on_self"))
            ));
        }
        assert!(matches!(
            act::reset_code(&db, &coach, "teacher").await,
            Err(CoreError::NotFound)
        ));
        assert!(matches!(
            act::reset_code(&db, &coach, "nobody-here").await,
            Err(CoreError::NotFound)
        ));
        assert!(matches!(
            admin::reset_password(
                &db,
                "maija",
                "AAAA-BBBB-CCCC",
                "new long secret",
                accounts::UNKNOWN_CLIENT
            )
            .await,
            Err(CoreError::Rejected("reset_code_wrong"))
        ));
        let session = admin::reset_password(
            &db,
            "Maija",
            &code.to_lowercase(),
            "new long secret",
            accounts::UNKNOWN_CLIENT,
        )
        .await
        .unwrap();
        assert_eq!(session.actor.id(), maija.id());
        assert!(
            admin::reset_password(
                &db,
                "maija",
                &code,
                "another secret",
                accounts::UNKNOWN_CLIENT
            )
            .await
            .is_err(),
            "one time only"
        );
        assert!(
            accounts::log_in(
                &db,
                "maija",
                "new long secret",
                None,
                accounts::UNKNOWN_CLIENT
            )
            .await
            .is_ok()
        );
        let admin_code = act::reset_code(&db, &boss, "teacher").await.unwrap();
        assert!(
            admin::reset_password(
                &db,
                "teacher",
                &admin_code,
                "teacher secret 2",
                accounts::UNKNOWN_CLIENT
            )
            .await
            .is_ok()
        );
    }
}

/// Every value in `table`, as text (both backends).
async fn table_texts(db: &DatabaseConnection, table: &str) -> Vec<String> {
    let backend = db.get_database_backend();
    let columns_sql = match backend {
        DbBackend::Sqlite => format!("SELECT name AS c FROM pragma_table_info('{table}')"),
        _ => format!(
            "SELECT column_name::text AS c FROM information_schema.columns WHERE table_name = '{table}'"
        ),
    };
    let columns: Vec<String> = db
        .query_all_raw(Statement::from_string(backend, columns_sql))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String>("", "c").unwrap())
        .collect();
    assert!(!columns.is_empty(), "no columns found for {table}");
    let mut values = Vec::new();
    for column in columns {
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                format!("SELECT CAST(\"{column}\" AS TEXT) AS v FROM \"{table}\""),
            ))
            .await
            .unwrap();
        values.extend(
            rows.iter()
                .filter_map(|r| r.try_get::<Option<String>>("", "v").unwrap()),
        );
    }
    values
}

/// Tables with a column that points at a person.
async fn personal_tables(db: &DatabaseConnection) -> Vec<String> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' ORDER BY m.name",
        ))
        .await
        .unwrap();
    let mut tables: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            let table: String = r.try_get("", "t").ok()?;
            let column: String = r.try_get("", "c").ok()?;
            (table == "users"
                || [
                    "user_id",
                    "coach_id",
                    "learner_id",
                    "author_id",
                    "key",
                    "subject_id",
                ]
                .contains(&column.as_str()))
            .then_some(table)
        })
        .collect();
    tables.dedup();
    tables
}

#[tokio::test]
async fn export_covers_every_table_and_erasure_leaves_nothing() {
    for t in fresh_databases().await {
        let db = setup(&t.url).await;
        let maija = person(&db, "maija", Role::Learner).await;
        let coach = person(&db, "coach", Role::Coach).await;
        let boss = person(&db, "boss", Role::Admin).await;
        // Something in every table about Maija.
        progress::set_done(&db, &maija, "digital-basics", "devices", true)
            .await
            .unwrap();
        progress::answer_quiz(
            &db,
            &maija,
            "digital-basics",
            "browser",
            Language::Fi,
            0,
            &Answer::Choices(vec![1]),
        )
        .await
        .unwrap();
        discussion::post_comment(&db, &maija, "digital-basics", "email", "Kysymys")
            .await
            .unwrap();
        discussion::send_feedback(&db, &maija, "digital-basics", "email", "Palaute")
            .await
            .unwrap();
        let group = coaching::create_group(&db, &coach, "Ryhmä").await.unwrap();
        coaching::join(&db, &maija, &group.join_code).await.unwrap();
        {
            use polku_core::messages::{self, ThreadRef};
            messages::send(&db, &coach, ThreadRef::Person(maija.id()), "Miten menee?")
                .await
                .unwrap();
            messages::send(&db, &maija, ThreadRef::Person(coach.id()), "Hyvin, kiitos")
                .await
                .unwrap();
        }
        {
            // A time with her coach she booked.
            use polku_core::appointments::{self, Offer};
            let date = (chrono::Utc::now() + chrono::Duration::days(3))
                .format("%Y-%m-%d")
                .to_string();
            let offer = Offer {
                date,
                time: "10:00".into(),
                minutes: 30,
                count: 1,
                place: "phone".into(),
                ..Default::default()
            };
            let ids = appointments::offer(&db, &coach, &offer).await.unwrap();
            appointments::book(&db, &maija, ids[0]).await.unwrap();
        }
        act::reset_code(&db, &coach, "maija").await.unwrap();
        act::set_role(&db, &boss, maija.id(), Role::Instructor)
            .await
            .unwrap();
        act::set_course_author(&db, &boss, maija.id(), "digital-basics", true)
            .await
            .unwrap();
        let maija = common::sign_in_again(&db, "maija").await;
        act::set_role(&db, &boss, maija.id(), Role::Coach)
            .await
            .unwrap();
        let maija = common::sign_in_again(&db, "maija").await;
        coaching::create_group(&db, &maija, "Maijan ryhmä")
            .await
            .unwrap();
        let _ = accounts::log_in(
            &db,
            "maija",
            "wrong password",
            None,
            accounts::UNKNOWN_CLIENT,
        )
        .await;
        // A badge she holds (issuing itself is tested in badges.rs).
        {
            use polku_core::db::entities::{badge_awards, courses};
            use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
            let course = courses::Entity::find()
                .filter(courses::Column::Slug.eq("digital-basics"))
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            badge_awards::ActiveModel {
                user_id: Set(maija.id()),
                course_id: Set(Some(course.id)),
                badge_slug: Set("basics".into()),
                credential: Set(
                    r#"{"credentialSubject": {"identifier": [{"identityHash": "maija display"}]}}"#
                        .into(),
                ),
                issued_at: Set(chrono::Utc::now()),
                ..Default::default()
            }
            .insert(&db)
            .await
            .unwrap();
            // And evidence she sent for one.
            polku_core::db::entities::badge_requests::ActiveModel {
                user_id: Set(maija.id()),
                course_id: Set(course.id),
                badge_slug: Set("checked".into()),
                evidence_text: Set("maija's work".into()),
                state: Set("pending".into()),
                submitted_at: Set(chrono::Utc::now()),
                ..Default::default()
            }
            .insert(&db)
            .await
            .unwrap();
            // And a program she sent for a Python exercise.
            let lesson = polku_core::db::entities::lessons::Entity::find()
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            polku_core::db::entities::code_submissions::ActiveModel {
                user_id: Set(maija.id()),
                lesson_id: Set(lesson.id),
                course_id: Set(lesson.course_id),
                quiz_index: Set(0),
                code: Set("print('maija')".into()),
                verdict: Set(r#"{"passed":true,"tests":[]}"#.into()),
                passed: Set(true),
                created_at: Set(chrono::Utc::now()),
                ..Default::default()
            }
            .insert(&db)
            .await
            .unwrap();
        }

        // A link waiting to confirm her address.
        polku_core::accounts::email::request_confirmation(&db, &maija)
            .await
            .unwrap();
        // Every table with personal data is covered by the export.
        if t.backend == "sqlite" {
            let mut found = personal_tables(&db).await;
            found.sort();
            let mut covered: Vec<String> = privacy::TABLES.iter().map(|s| s.to_string()).collect();
            covered.sort();
            assert_eq!(
                found, covered,
                "a table holds personal data but privacy::TABLES does not cover it"
            );
        }
        let data = privacy::export(&db, &maija, maija.id()).await.unwrap();
        for table in privacy::TABLES {
            let section = &data[*table];
            let filled = match section {
                serde_json::Value::Array(items) => !items.is_empty(),
                serde_json::Value::Object(_) => true,
                _ => false,
            };
            assert!(filled, "the export has nothing under {table}: {data:#}");
        }
        assert_eq!(data["users"]["email"], "maija@example.fi");
        assert_eq!(data["comments"][0]["text"], "Kysymys");
        assert!(!data.to_string().contains("$argon2"), "no password hash");
        // Only her own, or an admin's request.
        assert!(matches!(
            privacy::export(&db, &coach, maija.id()).await,
            Err(CoreError::NotFound)
        ));
        assert!(privacy::export(&db, &boss, maija.id()).await.is_ok());
        assert!(matches!(
            privacy::delete_account(&db, &coach, maija.id()).await,
            Err(CoreError::NotFound)
        ));
        assert!(matches!(
            privacy::delete_account(&db, &boss, boss.id()).await,
            Err(CoreError::Rejected("last_admin"))
        ));

        // Erasure: no row anywhere names her or points at her. (Before it,
        // the same scan finds her: the check can fail.)
        let mut before = 0;
        for table in privacy::TABLES {
            before += table_texts(&db, table)
                .await
                .iter()
                .filter(|v| v.contains("maija"))
                .count();
        }
        assert!(before >= 3, "the scan finds her before erasure ({before})");
        privacy::delete_account(&db, &maija, maija.id())
            .await
            .unwrap();
        let mut checked = 0;
        for table in privacy::TABLES {
            for value in table_texts(&db, table).await {
                checked += 1;
                assert!(!value.contains("maija"), "{table} still names her: {value}");
            }
        }
        assert!(checked > 10, "the scan read the tables ({checked} values)");
        let id = maija.id();
        for (table, column) in [
            ("sessions", "user_id"),
            ("enrolments", "user_id"),
            ("lesson_progress", "user_id"),
            ("quiz_attempts", "user_id"),
            ("comments", "user_id"),
            ("feedback", "user_id"),
            ("group_members", "user_id"),
            ("groups", "coach_id"),
            ("course_authors", "user_id"),
            ("reset_codes", "user_id"),
            ("messages", "author_id"),
            ("conversations", "learner_id"),
            ("conversation_reads", "user_id"),
            ("users", "id"),
        ] {
            let rows = db
                .query_all_raw(Statement::from_string(
                    db.get_database_backend(),
                    format!("SELECT 1 FROM \"{table}\" WHERE \"{column}\" = {id}"),
                ))
                .await
                .unwrap();
            assert!(
                rows.is_empty(),
                "{table} still points at her ({})",
                t.backend
            );
        }
        assert!(
            accounts::log_in(
                &db,
                "maija",
                "long enough secret",
                None,
                accounts::UNKNOWN_CLIENT
            )
            .await
            .is_err()
        );
        // The coach's group and the course stay.
        assert_eq!(coaching::my_groups(&db, &coach).await.unwrap().len(), 1);
    }
}
