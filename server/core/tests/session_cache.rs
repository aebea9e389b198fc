//! Sessions kept in memory (`SessionCache`), as two server instances on
//! one database see them: each instance has its own cache, and what ends a
//! session or changes who holds it through one is seen by the other once
//! it reads the change counter (its watch does that every 250 ms; here the
//! tests call the same `check`). SQLite always, PostgreSQL when
//! `POLKU_TEST_POSTGRES_URL` is set (always in CI).
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod common;

use common::{act, fresh_databases};
use polku_core::accounts::sessions::SessionCache;
use polku_core::accounts::{self, Actor, NewAccount, Role, SessionIdle};
use polku_core::db::entities::sessions;
use polku_core::db::{self, DatabaseConnection};
use polku_core::privacy;
use sea_orm::sea_query::Expr;
use sea_orm::{ConnectionTrait, EntityTrait};

const PASSWORD: &str = "long enough secret";
const IDLE: SessionIdle = SessionIdle { days: 14 };

/// A new account `name` with `role`, signed in: who and the cookie value.
async fn signed_in(db: &DatabaseConnection, name: &str, role: Role) -> (Actor, String) {
    let account = NewAccount {
        username: name.to_owned(),
        password: PASSWORD.to_owned(),
        ..Default::default()
    };
    accounts::create_account(db, account, role).await.unwrap();
    let session = accounts::log_in(db, name, PASSWORD, None, accounts::UNKNOWN_CLIENT)
        .await
        .unwrap();
    (session.actor, session.token)
}

/// Who cache `cache` says holds `token` now.
async fn who(cache: &SessionCache, db: &DatabaseConnection, token: &str) -> Option<(i32, Role)> {
    cache
        .authenticate(db, token, IDLE)
        .await
        .unwrap()
        .map(|a| (a.id(), a.role()))
}

/// Both instances read the change counter, as their watches do.
async fn both_check(here: &SessionCache, there: &SessionCache, db: &DatabaseConnection) {
    here.check(db).await.unwrap();
    there.check(db).await.unwrap();
}

#[tokio::test]
async fn a_kept_session_is_read_again_after_a_change_on_either_instance() {
    for t in fresh_databases().await {
        let db = db::open(&t.url).await.unwrap();
        let (here, there) = (SessionCache::default(), SessionCache::default());
        both_check(&here, &there, &db).await;
        let (boss, _) = signed_in(&db, "boss", Role::Admin).await;
        let (maija, maija_token) = signed_in(&db, "maija", Role::Learner).await;
        let (matti, matti_token) = signed_in(&db, "matti", Role::Learner).await;
        let maija_is = |role| Some((maija.id(), role));

        // Read once, then kept: the row gone behind the cache's back (no
        // change counted) is not noticed until the cache forgets.
        assert_eq!(who(&here, &db, &maija_token).await, maija_is(Role::Learner));
        assert_eq!(here.len(), 1, "{}", t.backend);
        let copy = "CREATE TABLE sessions_aside AS SELECT * FROM sessions";
        db.execute_unprepared(copy).await.unwrap();
        db.execute_unprepared("DELETE FROM sessions").await.unwrap();
        assert_eq!(who(&here, &db, &maija_token).await, maija_is(Role::Learner));
        here.forget();
        assert_eq!(who(&here, &db, &maija_token).await, None, "{}", t.backend);
        let back = "INSERT INTO sessions SELECT * FROM sessions_aside";
        db.execute_unprepared(back).await.unwrap();
        assert_eq!(who(&here, &db, &maija_token).await, maija_is(Role::Learner));

        // A role changed through the other instance.
        assert_eq!(
            who(&there, &db, &maija_token).await,
            maija_is(Role::Learner)
        );
        act::set_role(&db, &boss, maija.id(), Role::Coach)
            .await
            .unwrap();
        both_check(&here, &there, &db).await;
        assert_eq!(who(&here, &db, &maija_token).await, maija_is(Role::Coach));
        assert_eq!(who(&there, &db, &maija_token).await, maija_is(Role::Coach));

        // Signing out there ends the session here; Matti's, kept here,
        // holds (read again, still live).
        assert_eq!(
            who(&here, &db, &matti_token).await,
            Some((matti.id(), Role::Learner))
        );
        accounts::log_out(&db, &maija_token).await.unwrap();
        assert!(here.check(&db).await.unwrap(), "{}", t.backend);
        assert_eq!(who(&here, &db, &maija_token).await, None, "{}", t.backend);
        assert_eq!(
            who(&here, &db, &matti_token).await,
            Some((matti.id(), Role::Learner))
        );
        // Nothing changed since: the counter read again changes nothing.
        assert!(!here.check(&db).await.unwrap());

        // A password changed there ends the old session here; the new one
        // holds.
        let changed = accounts::change_password(
            &db,
            &matti,
            PASSWORD,
            "another long secret",
            accounts::UNKNOWN_CLIENT,
        )
        .await
        .unwrap();
        both_check(&here, &there, &db).await;
        assert_eq!(who(&here, &db, &matti_token).await, None, "{}", t.backend);
        assert_eq!(
            who(&here, &db, &changed.token).await,
            Some((matti.id(), Role::Learner))
        );

        // An account erased there: its session ends here.
        privacy::delete_account(&db, &matti, matti.id())
            .await
            .unwrap();
        both_check(&here, &there, &db).await;
        assert_eq!(who(&here, &db, &changed.token).await, None, "{}", t.backend);

        // A made-up or malformed cookie is never kept.
        assert_eq!(who(&here, &db, "not-a-session").await, None);
        assert_eq!(who(&here, &db, &"x".repeat(65)).await, None);
        assert_eq!(who(&here, &db, "").await, None);
        assert!(here.len() <= 3, "{}", t.backend);
        drop(boss);
    }
}

#[tokio::test]
async fn a_kept_session_still_goes_idle() {
    for t in fresh_databases().await {
        let db = db::open(&t.url).await.unwrap();
        let cache = SessionCache::default();
        let (maija, token) = signed_in(&db, "maija", Role::Learner).await;
        let maija_is = Some((maija.id(), Role::Learner));
        assert_eq!(who(&cache, &db, &token).await, maija_is);
        // Kept, but a limit of no idle time at all refuses it.
        let none = SessionIdle { days: 0 };
        let refused = cache.authenticate(&db, &token, none).await.unwrap();
        assert!(refused.is_none(), "{}", t.backend);

        // Last used three days ago: idle past a two-day limit, read again
        // or not; within 14 days it holds and is marked used now, after
        // which two days hold as well.
        let three_days_ago = chrono::Utc::now() - chrono::Duration::days(3);
        sessions::Entity::update_many()
            .col_expr(sessions::Column::CreatedAt, Expr::value(three_days_ago))
            .col_expr(sessions::Column::LastSeenAt, Expr::value(three_days_ago))
            .exec(&db)
            .await
            .unwrap();
        cache.forget();
        let two = SessionIdle { days: 2 };
        let refused = cache.authenticate(&db, &token, two).await.unwrap();
        assert!(refused.is_none(), "{}", t.backend);
        assert_eq!(who(&cache, &db, &token).await, maija_is);
        let held = cache.authenticate(&db, &token, two).await.unwrap();
        assert_eq!(held.map(|a| a.id()), Some(maija.id()), "{}", t.backend);
    }
}
