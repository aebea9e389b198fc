//! What readers see, kept in memory (`ReaderCache`), as two server
//! instances on one database see it: what changes a reader's unread
//! counts, her standing in a lesson or a lesson's comments, made by any
//! code (here the core's own functions and a plain `UPDATE`, as a `polku`
//! command would), moves the `readers` counter (database triggers), and
//! each instance reads again once it has read the counter (its watch does
//! that every 250 ms; here the tests call the same `check`). Noting a view
//! moves nothing. SQLite always, PostgreSQL when `POLKU_TEST_POSTGRES_URL`
//! is set (always in CI).
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod common;

use common::{bundled_content, fresh_databases, import, person};
use polku_core::accounts::Role;
use polku_core::courses::cache::ContentCache;
use polku_core::db::entities::users;
use polku_core::db::{self, DatabaseConnection};
use polku_core::notifications::{self, Note, NotificationKind};
use polku_core::readers::ReaderCache;
use polku_core::{discussion, progress};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

async fn readers_counter(db: &DatabaseConnection) -> i64 {
    db::counter(db, "readers").await.unwrap()
}

/// Both instances read the counter, as their watches do; whether it moved.
async fn both_check(here: &ReaderCache, there: &ReaderCache, db: &DatabaseConnection) -> bool {
    let moved = here.check(db).await.unwrap();
    assert_eq!(there.check(db).await.unwrap(), moved);
    moved
}

#[tokio::test]
async fn kept_reader_parts_follow_every_change_on_either_instance_and_a_view_moves_nothing() {
    for t in fresh_databases().await {
        let db = db::open(&t.url).await.unwrap();
        import(&db, &bundled_content()).await;
        let (here, there) = (ReaderCache::default(), ReaderCache::default());
        both_check(&here, &there, &db).await;
        let maija = person(&db, "maija", Role::Learner).await;
        let matti = person(&db, "matti", Role::Learner).await;
        let coach = person(&db, "valmentaja", Role::Coach).await;
        for who in [&maija, &matti] {
            progress::enrol(&db, who, "digital-basics").await.unwrap();
        }
        let (course, lesson) = ContentCache::default()
            .locate(&db, "digital-basics", "devices")
            .await
            .unwrap();
        assert!(
            both_check(&here, &there, &db).await,
            "{}: enrolments count",
            t.backend
        );

        // Views, first and again, on both: noted, and nothing counted.
        let before = readers_counter(&db).await;
        for cache in [&here, &there, &here] {
            for who in [&maija, &matti] {
                let state = cache.record_view(&db, who, course, lesson).await.unwrap();
                assert!(state.enrolled && !state.done, "{}", t.backend);
                assert_eq!(state.who, who.id());
            }
        }
        assert_eq!(readers_counter(&db).await, before, "{}: views", t.backend);
        assert!(!both_check(&here, &there, &db).await);
        // The coach is not enrolled: nothing to note.
        let coach_state = here.record_view(&db, &coach, course, lesson).await.unwrap();
        assert!(!coach_state.enrolled);

        // Maija marks it done (as a request to `there` would): both see
        // it once they have checked; Matti's stays his.
        progress::set_done(&db, &maija, "digital-basics", "devices", true)
            .await
            .unwrap();
        assert!(both_check(&here, &there, &db).await, "{}: done", t.backend);
        for cache in [&here, &there] {
            assert!(
                cache
                    .record_view(&db, &maija, course, lesson)
                    .await
                    .unwrap()
                    .done
            );
            assert!(
                !cache
                    .record_view(&db, &matti, course, lesson)
                    .await
                    .unwrap()
                    .done
            );
        }

        // Comments: Matti's shows to Maija; hidden by the coach, it
        // shows to the coach only.
        assert!(here.comments(&db, &maija, lesson).await.unwrap().is_empty());
        discussion::post_comment(&db, &matti, "digital-basics", "devices", "Hyvä tunti")
            .await
            .unwrap();
        assert!(
            both_check(&here, &there, &db).await,
            "{}: a comment",
            t.backend
        );
        let seen = there.comments(&db, &maija, lesson).await.unwrap();
        assert_eq!(seen.len(), 1);
        assert!(!seen[0].own);
        assert!(here.comments(&db, &matti, lesson).await.unwrap()[0].own);
        discussion::set_hidden(&db, &coach, seen[0].id, true)
            .await
            .unwrap();
        assert!(
            both_check(&here, &there, &db).await,
            "{}: hidden",
            t.backend
        );
        assert!(here.comments(&db, &maija, lesson).await.unwrap().is_empty());
        assert_eq!(there.comments(&db, &coach, lesson).await.unwrap().len(), 1);

        // His new name (a plain UPDATE, as a command would make it) is
        // the comment's on both; his last activity counts for nothing.
        users::Entity::update_many()
            .col_expr(users::Column::DisplayName, Expr::value("Matti Meikäläinen"))
            .filter(users::Column::Id.eq(matti.id()))
            .exec(&db)
            .await
            .unwrap();
        assert!(
            both_check(&here, &there, &db).await,
            "{}: a name",
            t.backend
        );
        assert_eq!(
            there.comments(&db, &coach, lesson).await.unwrap()[0].author,
            "Matti Meikäläinen"
        );
        users::Entity::update_many()
            .col_expr(users::Column::LastActiveAt, Expr::value(chrono::Utc::now()))
            .exec(&db)
            .await
            .unwrap();
        assert!(
            !both_check(&here, &there, &db).await,
            "{}: activity",
            t.backend
        );

        // A notification for Maija: her count on both, not Matti's.
        assert_eq!(here.header_counts(&db, maija.id()).await.unwrap(), (0, 0));
        assert_eq!(there.header_counts(&db, maija.id()).await.unwrap(), (0, 0));
        notifications::notify(
            &db,
            Note {
                user: maija.id(),
                kind: NotificationKind::Invitation,
                actor: Some(coach.id()),
                link: "/dashboard".to_owned(),
                names: Default::default(),
                detail: Default::default(),
            },
        )
        .await
        .unwrap();
        assert!(
            both_check(&here, &there, &db).await,
            "{}: a notification",
            t.backend
        );
        for cache in [&here, &there] {
            assert_eq!(cache.header_counts(&db, maija.id()).await.unwrap(), (0, 1));
            assert_eq!(cache.header_counts(&db, matti.id()).await.unwrap(), (0, 0));
        }
        // Read: counted again.
        notifications::seen(&db, maija.id(), "/dashboard")
            .await
            .unwrap();
        assert!(both_check(&here, &there, &db).await, "{}: read", t.backend);
        assert_eq!(here.header_counts(&db, maija.id()).await.unwrap(), (0, 0));
    }
}

/// After a signed-in form post the web layer reads the sessions' and the
/// readers' counters in one statement (`db::check_all`): each cache moves
/// when its own counter moved, and only then, as with a check of each.
#[tokio::test]
async fn counters_read_together_move_each_cache_alone() {
    for t in fresh_databases().await {
        let db = db::open(&t.url).await.unwrap();
        let (readers, sessions) = (
            ReaderCache::default(),
            polku_core::accounts::sessions::SessionCache::default(),
        );
        let both = [sessions.changes(), readers.changes()];
        let generations = || {
            (
                sessions.changes().generation(),
                readers.changes().generation(),
            )
        };
        db::check_all(&db, &both).await.unwrap();
        let start = generations();
        db::check_all(&db, &both).await.unwrap();
        assert_eq!(generations(), start, "{}: nothing moved", t.backend);

        db::next_number(&db, "readers").await.unwrap();
        db::check_all(&db, &both).await.unwrap();
        assert_eq!(generations(), (start.0, start.1 + 1), "{}", t.backend);

        db::next_number(&db, "accounts").await.unwrap();
        db::check_all(&db, &both).await.unwrap();
        assert_eq!(generations(), (start.0 + 1, start.1 + 1), "{}", t.backend);

        db::next_number(&db, "accounts").await.unwrap();
        db::next_number(&db, "readers").await.unwrap();
        db::check_all(&db, &both).await.unwrap();
        assert_eq!(generations(), (start.0 + 2, start.1 + 2), "{}", t.backend);

        // One alone, or none, as the middleware asks on a read.
        db::next_number(&db, "readers").await.unwrap();
        db::check_all(&db, &[]).await.unwrap();
        assert_eq!(generations(), (start.0 + 2, start.1 + 2), "{}", t.backend);
        db::check_all(&db, &[readers.changes()]).await.unwrap();
        assert_eq!(generations(), (start.0 + 2, start.1 + 3), "{}", t.backend);
    }
}
