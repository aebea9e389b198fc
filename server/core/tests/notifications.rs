//! Notifications: who is told what (two coaches, two groups, a learner
//! who joined, one only invited), what is seen when, who gets e-mail, and
//! the durable outbox: two instances never hold one e-mail at once, a
//! crashed instance's claim runs out, failures wait longer each time and
//! end. SQLite always, PostgreSQL when `POLKU_TEST_POSTGRES_URL` is set.

mod common;

use chrono::{Duration, Utc};
use polku_core::accounts::{Actor, NewAccount, Role};
use polku_core::db::DatabaseConnection;
use polku_core::messages::{self, ThreadRef};
use polku_core::notifications::{self, CLAIM, MAX_AGE, MAX_ATTEMPTS, NotificationKind};
use polku_core::{coaching, privacy};

async fn person(db: &DatabaseConnection, name: &str, role: Role, email: bool) -> Actor {
    let account = NewAccount {
        username: name.to_owned(),
        password: "long enough secret".to_owned(),
        email: email.then(|| format!("{name}@example.fi")),
        ..Default::default()
    };
    common::signed_in(db, account, role).await
}

fn kinds(list: &[notifications::NotificationView]) -> Vec<NotificationKind> {
    list.iter().map(|n| n.kind).collect()
}

#[tokio::test]
async fn each_is_told_what_concerns_her_and_sees_it_once() {
    for t in common::fresh_databases().await {
        let db = polku_core::db::open(&t.url).await.unwrap();
        let kaisa = person(&db, "kaisa", Role::Coach, false).await;
        let olli = person(&db, "olli", Role::Coach, false).await;
        let maija = person(&db, "maija", Role::Learner, true).await;
        let matti = person(&db, "matti", Role::Learner, false).await;
        let liisa = person(&db, "liisa", Role::Learner, false).await;
        let tuesday = coaching::create_group(&db, &kaisa, "Tiistai")
            .await
            .unwrap();
        let friday = coaching::create_group(&db, &olli, "Perjantai")
            .await
            .unwrap();
        common::act::invite(&db, &kaisa, tuesday.id, "maija")
            .await
            .unwrap();
        common::act::invite(&db, &kaisa, tuesday.id, "matti")
            .await
            .unwrap();
        coaching::accept(&db, &maija, tuesday.id).await.unwrap();
        coaching::join(&db, &liisa, &friday.join_code)
            .await
            .unwrap();

        // Invitations: to the invited, from the coach, naming the group.
        let seen = notifications::list(&db, &matti).await.unwrap();
        assert_eq!(
            kinds(&seen),
            [NotificationKind::Invitation],
            "{}",
            t.backend
        );
        assert_eq!(seen[0].who.as_deref(), Some("kaisa"));
        assert_eq!(seen[0].what.as_deref(), Some("Tiistai"));
        assert!(seen[0].unread);
        // Seen once: the list marks them, the next shows them as seen.
        assert!(!notifications::list(&db, &matti).await.unwrap()[0].unread);
        assert_eq!(
            notifications::unread_count(&db, matti.id()).await.unwrap(),
            0
        );

        // A message: its reader only (not its writer); it is not counted
        // with the others (the inbox counts it) and opening the
        // conversation sees it.
        messages::send(&db, &kaisa, ThreadRef::Person(maija.id()), "Hei")
            .await
            .unwrap();
        assert!(notifications::list(&db, &kaisa).await.unwrap().is_empty());
        assert_eq!(
            notifications::unread_count(&db, maija.id()).await.unwrap(),
            1,
            "the invitation"
        );
        messages::thread(&db, &maija, ThreadRef::Person(kaisa.id()))
            .await
            .unwrap();
        let hers = notifications::list(&db, &maija).await.unwrap();
        assert_eq!(
            kinds(&hers),
            [NotificationKind::Message, NotificationKind::Invitation]
        );
        assert!(!hers[0].unread, "seen in the conversation");
        assert_eq!(hers[0].link, format!("/messages/people/{}", kaisa.id()));

        // An announcement: the group's members who joined, nobody else.
        messages::send(
            &db,
            &kaisa,
            ThreadRef::Group(tuesday.id),
            "Huomenna ei tapaamista",
        )
        .await
        .unwrap();
        let hers = notifications::list(&db, &maija).await.unwrap();
        assert_eq!(hers[0].kind, NotificationKind::Message);
        assert_eq!(hers[0].what.as_deref(), Some("Tiistai"));
        assert_eq!(hers[0].link, format!("/messages/groups/{}", tuesday.id));
        assert_eq!(
            notifications::list(&db, &matti).await.unwrap().len(),
            1,
            "invited only"
        );
        assert!(notifications::list(&db, &liisa).await.unwrap().is_empty());
        assert!(notifications::list(&db, &olli).await.unwrap().is_empty());

        // E-mail: only for Maija (she gave an address), for every kind
        // until she chooses; nothing for the others.
        let email_states = |db: DatabaseConnection| async move {
            use polku_core::db::entities::notifications as rows;
            use sea_orm::{EntityTrait, QueryOrder};
            rows::Entity::find()
                .order_by_asc(rows::Column::Id)
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|r| (r.user_id, r.email_state))
                .collect::<Vec<_>>()
        };
        for (user, state) in email_states(db.clone()).await {
            assert_eq!(state.is_some(), user == maija.id(), "{user}: {state:?}");
        }
        notifications::set_email_settings(
            &db,
            &maija,
            Some("maija@example.fi".into()),
            &[NotificationKind::BadgeEarned],
            false,
        )
        .await
        .unwrap();
        messages::send(&db, &kaisa, ThreadRef::Person(maija.id()), "Toinen")
            .await
            .unwrap();
        assert_eq!(email_states(db.clone()).await.last().unwrap().1, None);
        let settings = notifications::email_settings(&db, &maija, true)
            .await
            .unwrap();
        assert_eq!(settings.email.as_deref(), Some("maija@example.fi"));
        assert!(
            settings
                .kinds
                .iter()
                .all(|(k, on)| *on == (*k == NotificationKind::BadgeEarned))
        );
        assert!(matches!(
            notifications::set_email_settings(&db, &maija, Some("ei osoite".into()), &[], false)
                .await,
            Err(polku_core::CoreError::Rejected("email_invalid"))
        ));

        // In her data export; gone with her account.
        let data = privacy::export(&db, &maija, maija.id()).await.unwrap();
        assert!(data["notifications"].as_array().unwrap().len() >= 3);
        privacy::delete_account(&db, &maija, maija.id())
            .await
            .unwrap();
        assert!(
            email_states(db.clone())
                .await
                .iter()
                .all(|(u, _)| *u != maija.id())
        );
    }
}

#[tokio::test]
async fn the_outbox_sends_each_once_across_instances_crashes_and_failures() {
    for t in common::fresh_databases().await {
        let db = polku_core::db::open(&t.url).await.unwrap();
        let kaisa = person(&db, "kaisa", Role::Coach, false).await;
        let maija = person(&db, "maija", Role::Learner, true).await;
        let tuesday = coaching::create_group(&db, &kaisa, "Tiistai")
            .await
            .unwrap();
        coaching::join(&db, &maija, &tuesday.join_code)
            .await
            .unwrap();
        for n in 0..3 {
            messages::send(
                &db,
                &kaisa,
                ThreadRef::Person(maija.id()),
                &format!("Viesti {n}"),
            )
            .await
            .unwrap();
        }
        let now = Utc::now();
        // Two instances at once: each e-mail is claimed by one of them.
        let (a, b) = tokio::join!(
            notifications::claim_due(&db, now, 10),
            notifications::claim_due(&db, now, 10)
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        let mut ids: Vec<i32> = a.iter().chain(&b).map(|m| m.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(a.len() + b.len(), 3, "{}: claimed once each", t.backend);
        assert_eq!(ids.len(), 3);
        let mail = a.first().or(b.first()).unwrap().clone();
        assert_eq!(mail.to, "maija@example.fi");
        assert_eq!(mail.kind, NotificationKind::Message);
        assert_eq!(mail.who.as_deref(), Some("kaisa"));
        assert_eq!(mail.text, None, "no message text unless she chose it");

        // Nobody sends them (the instances "crashed"): nothing is claimable
        // until the claims run out, then every one is, again.
        assert!(
            notifications::claim_due(&db, now + Duration::seconds(1), 10)
                .await
                .unwrap()
                .is_empty()
        );
        let again = notifications::claim_due(&db, now + CLAIM + Duration::seconds(1), 10)
            .await
            .unwrap();
        assert_eq!(again.len(), 3);

        // One is sent; one fails and waits, longer each time, then ends.
        let later = now + CLAIM + Duration::seconds(1);
        notifications::sent(&db, again[0].id, later).await.unwrap();
        notifications::failed(&db, &again[1], "connection refused", later)
            .await
            .unwrap();
        notifications::failed(&db, &again[2], "connection refused", later)
            .await
            .unwrap();
        assert!(
            notifications::claim_due(&db, later, 10)
                .await
                .unwrap()
                .is_empty(),
            "waiting"
        );
        let retry = notifications::claim_due(&db, later + notifications::backoff(1), 10)
            .await
            .unwrap();
        assert_eq!(retry.len(), 2, "tried again after the wait");
        assert_eq!(retry[0].attempts, 1);
        assert!(notifications::backoff(2) > notifications::backoff(1));
        let mut last = retry[0].clone();
        last.attempts = MAX_ATTEMPTS - 1;
        notifications::failed(&db, &last, "mailbox unavailable", later)
            .await
            .unwrap();
        notifications::sent(&db, retry[1].id, later).await.unwrap();
        let far = later + Duration::days(1);
        assert!(
            notifications::claim_due(&db, far, 10)
                .await
                .unwrap()
                .is_empty(),
            "given up"
        );
        assert_eq!(notifications::waiting(&db).await.unwrap(), 0);

        // Too old to send: given up, not sent days late.
        messages::send(&db, &kaisa, ThreadRef::Person(maija.id()), "Myöhässä")
            .await
            .unwrap();
        assert_eq!(notifications::waiting(&db).await.unwrap(), 1);
        assert!(
            notifications::claim_due(&db, Utc::now() + MAX_AGE + Duration::minutes(1), 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(notifications::waiting(&db).await.unwrap(), 0);

        // She chose message texts in e-mails: the text comes along; she
        // turned messages off after one was queued: it is not sent.
        notifications::set_email_settings(
            &db,
            &maija,
            Some("maija@example.fi".into()),
            &[NotificationKind::Message],
            true,
        )
        .await
        .unwrap();
        messages::send(&db, &kaisa, ThreadRef::Person(maija.id()), "Tule tiistaina")
            .await
            .unwrap();
        let with_text = notifications::claim_due(&db, Utc::now(), 10).await.unwrap();
        assert_eq!(with_text[0].text.as_deref(), Some("Tule tiistaina"));
        messages::send(&db, &kaisa, ThreadRef::Person(maija.id()), "Ei lähde")
            .await
            .unwrap();
        notifications::set_email_settings(&db, &maija, Some("maija@example.fi".into()), &[], true)
            .await
            .unwrap();
        assert!(
            notifications::claim_due(&db, Utc::now(), 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
}
