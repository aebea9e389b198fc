//! Messages between a learner and her coaches, seen from every side: two
//! coaches with a group each, a learner who joined, a learner only
//! invited, a learner of the other group, an admin with no group. Only a
//! consenting learner can be written to, a learner writes only to her
//! coaches, a coach sees only her own conversations; hiding, deleting,
//! the rate limit, leaving the group, announcements and erasure. SQLite
//! always, PostgreSQL when `POLKU_TEST_POSTGRES_URL` is set.
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod common;

use common::{not_found, person, rejected};

use polku_core::accounts::{Actor, Role};
use polku_core::coaching;
use polku_core::db::DatabaseConnection;
use polku_core::messages::{self, RATE_LIMIT, TextPart, ThreadRef};
use polku_core::privacy;

struct Site {
    db: DatabaseConnection,
    kaisa: Actor,
    olli: Actor,
    boss: Actor,
    /// Joined Kaisa's group.
    maija: Actor,
    /// Only invited to Kaisa's group.
    matti: Actor,
    /// Joined Olli's group.
    liisa: Actor,
    tuesday: i32,
    friday: i32,
}

async fn site(url: &str) -> Site {
    let db = polku_core::db::open(url).await.unwrap();
    let kaisa = person(&db, "kaisa", Role::Coach).await;
    let olli = person(&db, "olli", Role::Coach).await;
    let boss = person(&db, "boss", Role::Admin).await;
    let maija = person(&db, "maija", Role::Learner).await;
    let matti = person(&db, "matti", Role::Learner).await;
    let liisa = person(&db, "liisa", Role::Learner).await;
    let tuesday = coaching::create_group(&db, &kaisa, "Tiistai")
        .await
        .unwrap();
    let friday = coaching::create_group(&db, &olli, "Perjantai")
        .await
        .unwrap();
    coaching::join(&db, &maija, &tuesday.join_code)
        .await
        .unwrap();
    common::act::invite(&db, &kaisa, tuesday.id, "matti")
        .await
        .unwrap();
    coaching::join(&db, &liisa, &friday.join_code)
        .await
        .unwrap();
    Site {
        db,
        kaisa,
        olli,
        boss,
        maija,
        matti,
        liisa,
        tuesday: tuesday.id,
        friday: friday.id,
    }
}

fn texts(view: &messages::ThreadView) -> Vec<String> {
    view.messages
        .iter()
        .map(|m| {
            m.body
                .iter()
                .map(|p| match p {
                    TextPart::Text(t) | TextPart::Link(_, t) => t.as_str(),
                })
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn only_a_learner_and_her_coaches_write_to_each_other() {
    for t in common::fresh_databases().await {
        let s = site(&t.url).await;
        let db = &s.db;
        let to = |who: &Actor| ThreadRef::Person(who.id());
        // The coach and the learner who joined: both ways.
        messages::send(db, &s.kaisa, to(&s.maija), "Hei Maija!")
            .await
            .unwrap();
        messages::send(db, &s.maija, to(&s.kaisa), "Hei Kaisa")
            .await
            .unwrap();
        // Nobody else, either way: an invitation alone, another coach's
        // learner, another coach, an admin without a group, two learners.
        not_found(messages::send(db, &s.kaisa, to(&s.matti), "x").await);
        not_found(messages::send(db, &s.kaisa, to(&s.liisa), "x").await);
        not_found(messages::send(db, &s.olli, to(&s.maija), "x").await);
        not_found(messages::send(db, &s.boss, to(&s.maija), "x").await);
        not_found(messages::send(db, &s.matti, to(&s.kaisa), "x").await);
        not_found(messages::send(db, &s.maija, to(&s.olli), "x").await);
        not_found(messages::send(db, &s.maija, to(&s.liisa), "x").await);
        not_found(messages::send(db, &s.liisa, to(&s.kaisa), "x").await);
        rejected(
            messages::send(db, &s.kaisa, to(&s.kaisa), "x").await,
            "not_on_self",
        );
        // Two first messages at once (two tabs): both kept, in one
        // conversation.
        let (a, b) = tokio::join!(
            messages::send(db, &s.olli, to(&s.liisa), "Tervetuloa"),
            messages::send(db, &s.liisa, to(&s.olli), "Hei Olli")
        );
        assert!(a.is_ok() && b.is_ok(), "{}: {a:?} {b:?}", t.backend);
        let both = messages::thread(db, &s.liisa, to(&s.olli)).await.unwrap();
        assert_eq!(both.messages.len(), 2);
        // Reading: only the two of them.
        not_found(messages::thread(db, &s.olli, to(&s.maija)).await);
        not_found(messages::thread(db, &s.boss, to(&s.maija)).await);
        not_found(messages::thread(db, &s.matti, to(&s.kaisa)).await);
        let seen = messages::thread(db, &s.maija, to(&s.kaisa)).await.unwrap();
        assert_eq!(texts(&seen), ["Hei Maija!", "Hei Kaisa"], "{}", t.backend);
        assert!(seen.can_write && !seen.moderator);
        assert_eq!(seen.title, "kaisa");
        // Inboxes: each her own.
        let names = |inbox: messages::Inbox| -> Vec<Option<String>> {
            inbox.threads.into_iter().map(|c| c.title).collect()
        };
        assert_eq!(
            names(messages::inbox(db, &s.kaisa).await.unwrap()),
            [Some("maija".into()), Some("Tiistai".into())],
            "Kaisa: her learner (not the invitee), her group"
        );
        assert_eq!(
            names(messages::inbox(db, &s.olli).await.unwrap()),
            [Some("liisa".into()), Some("Perjantai".into())]
        );
        assert_eq!(
            names(messages::inbox(db, &s.maija).await.unwrap()),
            [Some("kaisa".into()), Some("Tiistai".into())]
        );
        assert_eq!(
            names(messages::inbox(db, &s.matti).await.unwrap()),
            Vec::<Option<String>>::new()
        );
        assert!(
            messages::inbox(db, &s.boss)
                .await
                .unwrap()
                .threads
                .is_empty()
        );
    }
}

#[tokio::test]
async fn unread_counts_hiding_deleting_and_the_rate_limit() {
    for t in common::fresh_databases().await {
        let s = site(&t.url).await;
        let db = &s.db;
        let (to_maija, to_kaisa) = (
            ThreadRef::Person(s.maija.id()),
            ThreadRef::Person(s.kaisa.id()),
        );
        messages::send(db, &s.kaisa, to_maija, "Yksi")
            .await
            .unwrap();
        messages::send(db, &s.kaisa, to_maija, "Kaksi")
            .await
            .unwrap();
        assert_eq!(messages::unread_count(db, s.maija.id()).await.unwrap(), 2);
        assert_eq!(messages::unread_count(db, s.kaisa.id()).await.unwrap(), 0);
        // The header asks both numbers in one statement: the same numbers
        // (Maija's invitation is an unread notification besides).
        assert_eq!(
            messages::header_counts(db, s.maija.id()).await.unwrap(),
            (
                2,
                polku_core::notifications::unread_count(db, s.maija.id())
                    .await
                    .unwrap()
            )
        );
        assert_eq!(
            messages::header_counts(db, s.kaisa.id()).await.unwrap(),
            (0, 0)
        );
        let inbox = messages::inbox(db, &s.maija).await.unwrap();
        assert_eq!(inbox.threads[0].unread, 2);
        assert_eq!(inbox.threads[0].last.as_deref(), Some("Kaksi"));
        messages::thread(db, &s.maija, to_kaisa).await.unwrap();
        assert_eq!(messages::unread_count(db, s.maija.id()).await.unwrap(), 0);
        assert_eq!(
            messages::header_counts(db, s.maija.id()).await.unwrap().0,
            0
        );
        let rude = messages::send(db, &s.maija, to_kaisa, "Tyhmä kurssi")
            .await
            .unwrap();
        assert_eq!(messages::unread_count(db, s.kaisa.id()).await.unwrap(), 1);

        // Hiding: the coach of the conversation only. The hidden message
        // no longer counts as unread; its author still sees it, marked.
        not_found(messages::set_hidden(db, &s.olli, rude, true).await);
        not_found(messages::set_hidden(db, &s.boss, rude, true).await);
        let first = messages::thread(db, &s.maija, to_kaisa)
            .await
            .unwrap()
            .messages[0]
            .id;
        not_found(messages::set_hidden(db, &s.maija, first, true).await);
        messages::set_hidden(db, &s.kaisa, rude, true)
            .await
            .unwrap();
        assert_eq!(messages::unread_count(db, s.kaisa.id()).await.unwrap(), 0);
        let hers = messages::thread(db, &s.maija, to_kaisa).await.unwrap();
        assert!(hers.messages.iter().any(|m| m.id == rude && m.hidden));

        // Deleting: her own, recent messages only.
        not_found(messages::delete(db, &s.maija, first).await);
        not_found(messages::delete(db, &s.olli, rude).await);
        let typo = messages::send(db, &s.maija, to_kaisa, "Kirjoitusvirhe")
            .await
            .unwrap();
        assert!(
            messages::thread(db, &s.maija, to_kaisa)
                .await
                .unwrap()
                .messages
                .iter()
                .any(|m| m.id == typo && m.deletable)
        );
        messages::delete(db, &s.maija, typo).await.unwrap();
        not_found(messages::delete(db, &s.maija, typo).await);
        {
            use polku_core::db::entities::messages as rows;
            use sea_orm::{ActiveModelTrait, EntityTrait, Set};
            let row = rows::Entity::find_by_id(rude)
                .one(db)
                .await
                .unwrap()
                .unwrap();
            let mut row: rows::ActiveModel = row.into();
            row.created_at = Set(chrono::Utc::now() - messages::DELETE_WINDOW);
            row.update(db).await.unwrap();
        }
        rejected(
            messages::delete(db, &s.maija, rude).await,
            "message_too_old",
        );
        let view = messages::thread(db, &s.maija, to_kaisa).await.unwrap();
        assert_eq!(
            texts(&view),
            ["Yksi", "Kaksi", "Tyhmä kurssi"],
            "{}",
            t.backend
        );

        // Empty and long messages are refused; so is the message past the
        // rate limit (counted over every conversation of the sender).
        rejected(
            messages::send(db, &s.olli, ThreadRef::Person(s.liisa.id()), "  ").await,
            "message_empty",
        );
        rejected(
            messages::send(
                db,
                &s.olli,
                ThreadRef::Person(s.liisa.id()),
                &"a".repeat(2001),
            )
            .await,
            "message_long",
        );
        for n in 0..RATE_LIMIT {
            let thread = if n % 2 == 0 {
                ThreadRef::Person(s.liisa.id())
            } else {
                ThreadRef::Group(s.friday)
            };
            messages::send(db, &s.olli, thread, &format!("Viesti {n}"))
                .await
                .unwrap();
        }
        rejected(
            messages::send(db, &s.olli, ThreadRef::Person(s.liisa.id()), "Liikaa").await,
            "message_rate",
        );
        // Others are not slowed down by Olli's messages.
        messages::send(db, &s.liisa, ThreadRef::Person(s.olli.id()), "Hei")
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn announcements_leaving_and_erasure() {
    for t in common::fresh_databases().await {
        let s = site(&t.url).await;
        let db = &s.db;
        let tuesday = ThreadRef::Group(s.tuesday);
        // The group's coach (and an admin) announce; its members read.
        messages::send(
            db,
            &s.kaisa,
            tuesday,
            "Tapaaminen tiistaina, katso www.te-palvelut.fi",
        )
        .await
        .unwrap();
        not_found(messages::send(db, &s.olli, tuesday, "x").await);
        rejected(
            messages::send(db, &s.maija, tuesday, "x").await,
            "message_closed",
        );
        not_found(messages::thread(db, &s.matti, tuesday).await);
        not_found(messages::thread(db, &s.liisa, tuesday).await);
        not_found(messages::thread(db, &s.olli, tuesday).await);
        assert_eq!(messages::unread_count(db, s.maija.id()).await.unwrap(), 1);
        assert_eq!(messages::unread_count(db, s.matti.id()).await.unwrap(), 0);
        let inbox = messages::inbox(db, &s.maija).await.unwrap();
        let card = inbox
            .threads
            .iter()
            .find(|c| c.thread == Some(tuesday))
            .unwrap();
        assert_eq!((card.unread, card.can_write), (1, false), "{card:?}");
        assert!(
            card.last
                .as_deref()
                .is_some_and(|l| l.starts_with("Tapaaminen tiistaina"))
        );
        let read = messages::thread(db, &s.maija, tuesday).await.unwrap();
        assert!(!read.can_write);
        assert_eq!(
            read.messages[0].body,
            [
                TextPart::Text("Tapaaminen tiistaina, katso ".into()),
                TextPart::Link(
                    "https://www.te-palvelut.fi".into(),
                    "www.te-palvelut.fi".into()
                ),
            ],
            "{}",
            t.backend
        );
        // Other coaches' learners and the invitee see the announcement
        // nowhere; the admin may announce (she runs the site).
        messages::send(db, &s.boss, tuesday, "Huoltokatko perjantaina")
            .await
            .unwrap();

        // Maija leaves: the conversation stays readable to both, and
        // neither can write in it; the group's announcements are gone.
        messages::send(
            db,
            &s.kaisa,
            ThreadRef::Person(s.maija.id()),
            "Muista tehtävä",
        )
        .await
        .unwrap();
        coaching::leave(db, &s.maija, s.tuesday).await.unwrap();
        rejected(
            messages::send(db, &s.kaisa, ThreadRef::Person(s.maija.id()), "x").await,
            "message_closed",
        );
        rejected(
            messages::send(db, &s.maija, ThreadRef::Person(s.kaisa.id()), "x").await,
            "message_closed",
        );
        let kept = messages::thread(db, &s.maija, ThreadRef::Person(s.kaisa.id()))
            .await
            .unwrap();
        assert_eq!(texts(&kept), ["Muista tehtävä"]);
        assert!(!kept.can_write);
        not_found(messages::thread(db, &s.maija, tuesday).await);
        let inbox = messages::inbox(db, &s.maija).await.unwrap();
        assert_eq!(inbox.threads.len(), 1, "{inbox:?}");
        assert!(!inbox.threads[0].can_write);

        // The last time Kaisa wrote to each learner, for her group table.
        let last = messages::last_written(db, s.kaisa.id(), &[s.maija.id(), s.matti.id()])
            .await
            .unwrap();
        assert!(last.contains_key(&s.maija.id()) && !last.contains_key(&s.matti.id()));

        // Her data export has the conversation; erasing Kaisa leaves
        // Maija her own side and "deleted account" for the other.
        messages::send(db, &s.liisa, ThreadRef::Person(s.olli.id()), "Kysymys")
            .await
            .unwrap();
        let data = privacy::export(db, &s.liisa, s.liisa.id()).await.unwrap();
        assert_eq!(data["messages"][0]["text"], "Kysymys");
        assert_eq!(data["conversations"][0]["with"]["person"], "olli");
        privacy::delete_account(db, &s.olli, s.olli.id())
            .await
            .unwrap();
        let inbox = messages::inbox(db, &s.liisa).await.unwrap();
        assert_eq!(inbox.threads.len(), 1, "{inbox:?}");
        assert_eq!(inbox.threads[0].title, None);
        assert_eq!(inbox.threads[0].thread, None);
        assert_eq!(inbox.threads[0].last.as_deref(), Some("Kysymys"));
    }
}

#[test]
fn web_addresses_become_links_and_nothing_else_does() {
    let parts =
        messages::parts("Katso https://example.fi/a?b=1, javascript:alert(1) tai <b>x</b>.");
    assert_eq!(
        parts,
        [
            TextPart::Text("Katso ".into()),
            TextPart::Link(
                "https://example.fi/a?b=1".into(),
                "https://example.fi/a?b=1".into()
            ),
            TextPart::Text(", javascript:alert(1) tai <b>x</b>.".into()),
        ]
    );
    assert_eq!(messages::parts(""), Vec::<TextPart>::new());
}

#[tokio::test]
async fn a_conversation_is_kept_for_the_retention_days_after_she_leaves() {
    for t in common::fresh_databases().await {
        let s = site(&t.url).await;
        let db = &s.db;
        let to_maija = ThreadRef::Person(s.maija.id());
        messages::send(db, &s.kaisa, to_maija, "Hei").await.unwrap();
        messages::send(db, &s.olli, ThreadRef::Person(s.liisa.id()), "Hei Liisa")
            .await
            .unwrap();
        let now = chrono::Utc::now();
        let day = chrono::Duration::days(1);
        // In touch: nothing happens.
        assert_eq!(
            messages::sweep(db, now, 30).await.unwrap(),
            messages::Swept::default()
        );
        // She leaves: closed now, kept for 30 days, open again if she
        // comes back in time.
        coaching::leave(db, &s.maija, s.tuesday).await.unwrap();
        let swept = messages::sweep(db, now, 30).await.unwrap();
        assert_eq!((swept.closed, swept.deleted), (1, 0), "{}", t.backend);
        assert_eq!(
            messages::sweep(db, now + day * 29, 30)
                .await
                .unwrap()
                .deleted,
            0
        );
        let code = {
            use polku_core::db::entities::groups;
            use sea_orm::EntityTrait;
            groups::Entity::find_by_id(s.tuesday)
                .one(db)
                .await
                .unwrap()
                .unwrap()
                .join_code
        };
        coaching::join(db, &s.maija, &code).await.unwrap();
        assert_eq!(
            messages::sweep(db, now + day * 29, 30)
                .await
                .unwrap()
                .reopened,
            1
        );
        assert_eq!(
            messages::sweep(db, now + day * 90, 30)
                .await
                .unwrap()
                .deleted,
            0
        );
        // She leaves again: deleted 30 days after, messages and all; the
        // other group's conversation stays.
        coaching::leave(db, &s.maija, s.tuesday).await.unwrap();
        messages::sweep(db, now + day * 90, 30).await.unwrap();
        assert_eq!(
            messages::sweep(db, now + day * 119, 30)
                .await
                .unwrap()
                .deleted,
            0
        );
        assert_eq!(
            messages::sweep(db, now + day * 120, 30)
                .await
                .unwrap()
                .deleted,
            1
        );
        not_found(messages::thread(db, &s.maija, ThreadRef::Person(s.kaisa.id())).await);
        assert!(
            messages::inbox(db, &s.maija)
                .await
                .unwrap()
                .threads
                .is_empty()
        );
        let kept = messages::thread(db, &s.liisa, ThreadRef::Person(s.olli.id()))
            .await
            .unwrap();
        assert_eq!(texts(&kept), ["Hei Liisa"]);
    }
}
