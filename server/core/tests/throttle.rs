//! Throttled password checks, per name and client address, on a fresh
//! database per test: SQLite always, PostgreSQL when
//! `POLKU_TEST_POSTGRES_URL` is set (always in CI).
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod common;

use std::net::IpAddr;

use chrono::{Duration, Utc};
use common::fresh_databases;
use polku_core::accounts::{self, NewAccount, Role, admin};
use polku_core::db::entities::login_throttles;
use polku_core::db::{self, DatabaseConnection};
use polku_core::{CoreError, privacy};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

const PASSWORD: &str = "long enough secret";

fn address(last: u8) -> IpAddr {
    IpAddr::from([198, 51, 100, last])
}

const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 10));
const ATTACKER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 66));

async fn account(db: &DatabaseConnection, name: &str, role: Role) {
    let new = NewAccount {
        username: name.to_owned(),
        password: PASSWORD.to_owned(),
        ..Default::default()
    };
    accounts::create_account(db, new, role).await.unwrap();
}

fn rejected(result: Result<impl std::fmt::Debug, CoreError>) -> &'static str {
    match result {
        Err(CoreError::Rejected(code)) => code,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

async fn log_in(
    db: &DatabaseConnection,
    name: &str,
    password: &str,
    from: IpAddr,
) -> Result<accounts::NewSession, CoreError> {
    accounts::log_in(db, name, password, None, from).await
}

/// The row counting one name from every address (its key has no `:`).
async fn name_row(db: &DatabaseConnection) -> login_throttles::Model {
    let rows = login_throttles::Entity::find().all(db).await.unwrap();
    let mut names: Vec<_> = rows.into_iter().filter(|r| !r.key.contains(':')).collect();
    assert_eq!(names.len(), 1, "{names:?}");
    names.remove(0)
}

#[tokio::test]
async fn an_attacker_slows_down_only_their_own_address() {
    for t in fresh_databases().await {
        let db = db::open(&t.url).await.unwrap();
        account(&db, "maija", Role::Learner).await;
        for _ in 0..accounts::FREE_ATTEMPTS {
            assert_eq!(
                rejected(log_in(&db, "maija", "guess guess", ATTACKER).await),
                "wrong_credentials"
            );
        }
        // More tries from that address wait, even with the right password,
        // in any spelling of the name, and are not checked.
        for _ in 0..3 {
            assert_eq!(
                rejected(log_in(&db, "Maija", "guess again", ATTACKER).await),
                "throttled",
                "{}",
                t.backend
            );
        }
        assert_eq!(
            rejected(log_in(&db, " MAIJA", PASSWORD, ATTACKER).await),
            "throttled"
        );
        // Maija herself, from her own address, signs in at once.
        let session = log_in(&db, "maija", PASSWORD, HOME).await.unwrap();
        assert_eq!(session.actor.username(), "maija");
        // Only the attacker's failures were counted, once each; the waits
        // were not.
        assert_eq!(name_row(&db).await.failures, accounts::FREE_ATTEMPTS);
        let rows = login_throttles::Entity::find().all(&db).await.unwrap();
        assert_eq!(rows.len(), 2, "the name and the attacker's address");
        for row in &rows {
            assert!(!row.key.contains("maija"), "the key is a hash");
            assert!(row.key.len() <= 64);
        }
        // Another name is not affected from the attacker's address.
        account(&db, "liisa", Role::Learner).await;
        assert!(log_in(&db, "liisa", PASSWORD, ATTACKER).await.is_ok());
        // When the wait has passed, the right password works there too and
        // clears that address's failures.
        let waiting = rows.iter().find(|r| r.key.contains(':')).unwrap();
        let mut row: login_throttles::ActiveModel = waiting.clone().into();
        row.locked_until = Set(Some(Utc::now() - Duration::seconds(1)));
        row.update(&db).await.unwrap();
        assert!(log_in(&db, "maija", PASSWORD, ATTACKER).await.is_ok());
        assert!(
            login_throttles::Entity::find_by_id(waiting.id)
                .one(&db)
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn waits_grow_for_one_address() {
    for t in fresh_databases().await {
        let db = db::open(&t.url).await.unwrap();
        account(&db, "matti", Role::Learner).await;
        let mut waits = Vec::new();
        for _ in 0..accounts::FREE_ATTEMPTS + 2 {
            // Each time, let the last wait pass first.
            for row in login_throttles::Entity::find().all(&db).await.unwrap() {
                if row.key.contains(':') && row.locked_until.is_some() {
                    let mut row: login_throttles::ActiveModel = row.into();
                    row.locked_until = Set(Some(Utc::now() - Duration::seconds(1)));
                    row.update(&db).await.unwrap();
                }
            }
            let before = Utc::now();
            assert_eq!(
                rejected(log_in(&db, "matti", "guess guess", ATTACKER).await),
                "wrong_credentials",
                "{}",
                t.backend
            );
            let pair = login_throttles::Entity::find()
                .filter(login_throttles::Column::Key.contains(":"))
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            waits.push(
                pair.locked_until
                    .map(|until| (until - before).num_seconds()),
            );
        }
        let free = usize::try_from(accounts::FREE_ATTEMPTS).unwrap();
        assert!(waits[..free - 1].iter().all(Option::is_none), "{waits:?}");
        let grown: Vec<i64> = waits[free - 1..].iter().map(|w| w.unwrap()).collect();
        assert!((30..=40).contains(&grown[0]), "{waits:?}");
        assert!((60..=70).contains(&grown[1]), "{waits:?}");
        assert!((120..=130).contains(&grown[2]), "{waits:?}");
    }
}

#[tokio::test]
async fn many_addresses_reach_the_ceiling_of_the_name() {
    for t in fresh_databases().await {
        let db = db::open(&t.url).await.unwrap();
        account(&db, "maija", Role::Learner).await;
        // A crowd of addresses, each using its free attempts: every
        // failure counts for the name too.
        for n in 0..3 {
            for _ in 0..accounts::FREE_ATTEMPTS {
                let _ = log_in(&db, "maija", "guess guess", address(n)).await;
            }
        }
        assert_eq!(name_row(&db).await.failures, 3 * accounts::FREE_ATTEMPTS);
        // Stand in for the rest of the crowd (each failure costs a password
        // hash): the count just below the ceiling.
        let mut row: login_throttles::ActiveModel = name_row(&db).await.into();
        row.failures = Set(accounts::CEILING - 2);
        row.update(&db).await.unwrap();
        // Below the ceiling the right password still works anywhere.
        assert_eq!(
            rejected(log_in(&db, "maija", "guess guess", address(50)).await),
            "wrong_credentials"
        );
        assert!(log_in(&db, "maija", PASSWORD, HOME).await.is_ok());
        // The hundredth failure closes the name for the rest of the hour,
        // from every address.
        assert_eq!(
            rejected(log_in(&db, "maija", "guess guess", address(51)).await),
            "wrong_credentials"
        );
        let closed = name_row(&db).await;
        assert_eq!(closed.failures, accounts::CEILING);
        assert_eq!(
            closed.locked_until,
            Some(closed.window_started_at + Duration::hours(1))
        );
        for from in [HOME, address(52)] {
            assert_eq!(
                rejected(log_in(&db, "maija", PASSWORD, from).await),
                "throttled",
                "{}",
                t.backend
            );
        }
        // Other names are open.
        account(&db, "liisa", Role::Learner).await;
        assert!(log_in(&db, "liisa", PASSWORD, address(51)).await.is_ok());
        // When the hour is over, the name opens again.
        let mut row: login_throttles::ActiveModel = closed.into();
        row.locked_until = Set(Some(Utc::now() - Duration::seconds(1)));
        row.update(&db).await.unwrap();
        assert!(log_in(&db, "maija", PASSWORD, HOME).await.is_ok());
    }
}

#[tokio::test]
async fn password_change_deletion_and_reset_codes_are_throttled() {
    for t in fresh_databases().await {
        let db = db::open(&t.url).await.unwrap();
        account(&db, "maija", Role::Learner).await;
        account(&db, "boss", Role::Admin).await;
        // Someone at a borrowed computer where Maija stayed signed in.
        let maija = log_in(&db, "maija", PASSWORD, HOME).await.unwrap().actor;
        for n in 0..accounts::FREE_ATTEMPTS {
            let guess = format!("guess number {n}");
            let result = if n % 2 == 0 {
                accounts::confirm_password(&db, &maija, &guess, ATTACKER)
                    .await
                    .map(|()| None)
            } else {
                accounts::change_password(&db, &maija, &guess, "new long secret", ATTACKER)
                    .await
                    .map(Some)
            };
            assert_eq!(rejected(result), "wrong_password", "{}", t.backend);
        }
        assert_eq!(
            rejected(accounts::confirm_password(&db, &maija, PASSWORD, ATTACKER).await),
            "throttled"
        );
        assert_eq!(
            rejected(
                accounts::change_password(&db, &maija, PASSWORD, "new long secret", ATTACKER).await
            ),
            "throttled"
        );
        // The same counts as signing in from there.
        assert_eq!(
            rejected(log_in(&db, "maija", PASSWORD, ATTACKER).await),
            "throttled"
        );
        // From her own address the right password works.
        accounts::confirm_password(&db, &maija, PASSWORD, HOME)
            .await
            .unwrap();

        // Reset codes: wrong ones from one address wait there; the right
        // one from another address works.
        let boss = accounts::Actor::for_cli(&db, "boss").await.unwrap();
        let code = common::act::reset_code(&db, &boss, "maija").await.unwrap();
        for _ in 0..accounts::FREE_ATTEMPTS {
            assert_eq!(
                rejected(
                    admin::reset_password(&db, "liisa", "AAAA-BBBB-CCCC", "new long secret", HOME)
                        .await
                ),
                "reset_code_wrong"
            );
        }
        assert_eq!(
            rejected(admin::reset_password(&db, "liisa", "AAAA", "new long secret", HOME).await),
            "throttled"
        );
        for _ in 0..accounts::FREE_ATTEMPTS {
            let _ = admin::reset_password(
                &db,
                "maija",
                "AAAA-BBBB-CCCC",
                "new long secret",
                address(7),
            )
            .await;
        }
        assert_eq!(
            rejected(
                admin::reset_password(&db, "maija", &code, "new long secret", address(7)).await
            ),
            "throttled"
        );
        assert!(
            admin::reset_password(&db, "maija", &code, "new long secret", HOME)
                .await
                .is_ok()
        );

        // Erasure takes every row of her name, from every address.
        let maija = log_in(&db, "maija", "new long secret", HOME)
            .await
            .unwrap()
            .actor;
        let data = privacy::export(&db, &maija, maija.id()).await.unwrap();
        assert!(
            data["login_throttles"].as_array().unwrap().len() >= 2,
            "{data:#}"
        );
        privacy::delete_account(&db, &maija, maija.id())
            .await
            .unwrap();
        let left = login_throttles::Entity::find().all(&db).await.unwrap();
        assert_eq!(left.len(), 2, "only liisa's rows stay: {left:?}");
    }
}
