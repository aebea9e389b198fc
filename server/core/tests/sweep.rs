//! The periodic sweep and idle session expiry, on a fresh database per
//! test: SQLite always, PostgreSQL when `POLKU_TEST_POSTGRES_URL` is set
//! (always in CI).
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod common;

use chrono::{DateTime, Duration, Utc};
use common::fresh_databases;
use polku_core::accounts::{self, NewAccount, Role, SessionIdle, Swept};
use polku_core::db::entities::{login_throttles, reset_codes, sessions};
use polku_core::db::{self, DatabaseConnection};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

const PASSWORD: &str = "long enough secret";
const IDLE: SessionIdle = SessionIdle { days: 14 };

/// A new account `name` signed in once: its id and session token.
async fn signed_in(db: &DatabaseConnection, name: &str) -> (i32, String) {
    let new = NewAccount {
        username: name.to_owned(),
        password: PASSWORD.to_owned(),
        ..Default::default()
    };
    let id = accounts::create_account(db, new, Role::Learner)
        .await
        .unwrap();
    let session = accounts::log_in(db, name, PASSWORD, None, accounts::UNKNOWN_CLIENT)
        .await
        .unwrap();
    (id, session.token)
}

/// The only session of account `user_id`.
async fn session_of(db: &DatabaseConnection, user_id: i32) -> Option<sessions::Model> {
    sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user_id))
        .one(db)
        .await
        .unwrap()
}

/// Rewrites the times of account `user_id`'s session.
async fn set_times(
    db: &DatabaseConnection,
    user_id: i32,
    created: DateTime<Utc>,
    last_seen: Option<DateTime<Utc>>,
    expires: DateTime<Utc>,
) {
    let mut row: sessions::ActiveModel = session_of(db, user_id).await.unwrap().into();
    row.created_at = Set(created);
    row.last_seen_at = Set(last_seen);
    row.expires_at = Set(expires);
    row.update(db).await.unwrap();
}

async fn reset_code(db: &DatabaseConnection, user_id: i32, hash: &str, expires: DateTime<Utc>) {
    reset_codes::ActiveModel {
        user_id: Set(user_id),
        code_hash: Set(hash.to_owned()),
        expires_at: Set(expires),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
}

async fn throttle_row(
    db: &DatabaseConnection,
    key: &str,
    window_started: DateTime<Utc>,
    locked_until: Option<DateTime<Utc>>,
) {
    login_throttles::ActiveModel {
        key: Set(key.to_owned()),
        failures: Set(3),
        window_started_at: Set(window_started),
        locked_until: Set(locked_until),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_sweep_deletes_what_has_run_out_and_keeps_the_rest() {
    for t in fresh_databases().await {
        let db = db::open(&t.url).await.unwrap();
        let now = Utc::now();
        let days = Duration::days;
        let (live, _) = signed_in(&db, "live").await;
        let (expired, _) = signed_in(&db, "expired").await;
        let (idle, _) = signed_in(&db, "idle").await;
        let (old_unused, _) = signed_in(&db, "oldunused").await;
        let (old_recent, _) = signed_in(&db, "oldrecent").await;
        set_times(
            &db,
            live,
            now - days(20),
            Some(now - days(13)),
            now + days(10),
        )
        .await;
        set_times(
            &db,
            expired,
            now - days(31),
            Some(now - days(1)),
            now - days(1),
        )
        .await;
        set_times(
            &db,
            idle,
            now - days(20),
            Some(now - days(15)),
            now + days(10),
        )
        .await;
        // Sessions from before `last_seen_at` was kept: their start counts.
        set_times(&db, old_unused, now - days(15), None, now + days(15)).await;
        set_times(&db, old_recent, now - days(13), None, now + days(17)).await;

        reset_code(&db, live, "expired code", now - Duration::minutes(1)).await;
        reset_code(&db, live, "live code", now + Duration::hours(47)).await;

        let hours = Duration::hours;
        let minutes = Duration::minutes;
        throttle_row(&db, "spent", now - hours(2), None).await;
        throttle_row(&db, "wait over", now - hours(2), Some(now - minutes(30))).await;
        // The window is over but the address still waits.
        throttle_row(
            &db,
            "still waiting",
            now - minutes(61),
            Some(now + minutes(10)),
        )
        .await;
        throttle_row(&db, "counting", now - minutes(10), None).await;

        let swept = accounts::sweep(&db, now, IDLE).await.unwrap();
        assert_eq!(
            swept,
            Swept {
                sessions: 3,
                reset_codes: 1,
                throttles: 2,
            },
            "{}",
            t.backend
        );
        for (user, kept) in [
            (live, true),
            (expired, false),
            (idle, false),
            (old_unused, false),
            (old_recent, true),
        ] {
            assert_eq!(session_of(&db, user).await.is_some(), kept, "{user}");
        }
        let codes: Vec<String> = reset_codes::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.code_hash)
            .collect();
        assert_eq!(codes, ["live code"]);
        let mut keys: Vec<String> = login_throttles::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.key)
            .collect();
        keys.sort();
        assert_eq!(keys, ["counting", "still waiting"]);

        // Nothing more to do the second time.
        assert_eq!(
            accounts::sweep(&db, now, IDLE).await.unwrap(),
            Swept::default()
        );
    }
}

#[tokio::test]
async fn an_idle_session_stops_authenticating() {
    for t in fresh_databases().await {
        let db = db::open(&t.url).await.unwrap();
        let now = Utc::now();
        let (id, token) = signed_in(&db, "maija").await;
        let who = accounts::authenticate(&db, &token, IDLE).await.unwrap();
        assert_eq!(who.map(|a| a.id()), Some(id), "{}", t.backend);

        // Last used 15 days ago: idle for the default 14 days, not for 20.
        let expires = now + Duration::days(10);
        let created = now - Duration::days(20);
        set_times(&db, id, created, Some(now - Duration::days(15)), expires).await;
        assert!(
            accounts::authenticate(&db, &token, IDLE)
                .await
                .unwrap()
                .is_none(),
            "{}",
            t.backend
        );
        let longer = SessionIdle { days: 20 };
        let who = accounts::authenticate(&db, &token, longer).await.unwrap();
        assert_eq!(who.map(|a| a.id()), Some(id));

        // A session from before `last_seen_at` was kept counts its start.
        set_times(&db, id, now - Duration::days(15), None, expires).await;
        assert!(
            accounts::authenticate(&db, &token, IDLE)
                .await
                .unwrap()
                .is_none()
        );
        set_times(&db, id, now - Duration::days(13), None, expires).await;
        let who = accounts::authenticate(&db, &token, IDLE).await.unwrap();
        assert_eq!(who.map(|a| a.id()), Some(id));
    }
}

#[tokio::test]
async fn a_used_session_is_marked_seen_at_most_hourly() {
    for t in fresh_databases().await {
        let db = db::open(&t.url).await.unwrap();
        let (id, token) = signed_in(&db, "maija").await;
        // A new session has been seen when it started.
        let started = session_of(&db, id).await.unwrap();
        assert_eq!(started.last_seen_at, Some(started.created_at));

        // Used within the hour: no write.
        let recent = Utc::now() - Duration::minutes(30);
        let (created, expires) = (started.created_at, started.expires_at);
        set_times(&db, id, created, Some(recent), expires).await;
        assert!(
            accounts::authenticate(&db, &token, IDLE)
                .await
                .unwrap()
                .is_some()
        );
        let seen = session_of(&db, id).await.unwrap().last_seen_at.unwrap();
        assert!(seen < recent + Duration::seconds(1), "{} {seen}", t.backend);

        // Last used two days ago: using it moves `last_seen_at` to now.
        let before = Utc::now();
        set_times(&db, id, created, Some(before - Duration::days(2)), expires).await;
        assert!(
            accounts::authenticate(&db, &token, IDLE)
                .await
                .unwrap()
                .is_some()
        );
        let seen = session_of(&db, id).await.unwrap().last_seen_at.unwrap();
        assert!(
            seen >= before - Duration::seconds(1) && seen <= Utc::now(),
            "{} {seen} {before}",
            t.backend
        );

        // So does using one from before `last_seen_at` was kept.
        set_times(&db, id, created, None, expires).await;
        let before = Utc::now();
        assert!(
            accounts::authenticate(&db, &token, IDLE)
                .await
                .unwrap()
                .is_some()
        );
        let seen = session_of(&db, id).await.unwrap().last_seen_at.unwrap();
        assert!(seen >= before - Duration::seconds(1), "{}", t.backend);
    }
}
