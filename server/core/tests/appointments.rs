//! Appointments seen from every side: two coaches with a group each, a
//! learner who joined, a learner only invited, a learner of the other
//! group, an admin with no group, and a coach acting on her own times.
//! Only a coach's learners book her times; a taken time cannot be booked
//! (also by two at once); only the learner who booked cancels, only the
//! coach changes or calls off; every change tells the other side and its
//! calendar entry follows (REQUEST, then CANCEL with the same UID);
//! reminders go once; erasure cancels. SQLite always, PostgreSQL when
//! `POLKU_TEST_POSTGRES_URL` is set.
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod common;

use common::{not_found, person, rejected};

use chrono::{Duration, Utc};
use polku_core::accounts::{Actor, Role};
use polku_core::appointments::ics::{self, Method};
use polku_core::appointments::{self, AppointmentState, Offer};
use polku_core::coaching;
use polku_core::db::DatabaseConnection;
use polku_core::notifications::{self, NotificationKind};
use polku_core::{CoreError, privacy};

struct Site {
    db: DatabaseConnection,
    kaisa: Actor,
    olli: Actor,
    boss: Actor,
    /// Joined Kaisa's group.
    maija: Actor,
    /// Joined Kaisa's group too.
    pekka: Actor,
    /// Only invited to Kaisa's group.
    matti: Actor,
    /// Joined Olli's group.
    liisa: Actor,
}

async fn site(url: &str) -> Site {
    let db = polku_core::db::open(url).await.unwrap();
    let kaisa = person(&db, "kaisa", Role::Coach).await;
    let olli = person(&db, "olli", Role::Coach).await;
    let boss = person(&db, "boss", Role::Admin).await;
    let maija = person(&db, "maija", Role::Learner).await;
    let pekka = person(&db, "pekka", Role::Learner).await;
    let matti = person(&db, "matti", Role::Learner).await;
    let liisa = person(&db, "liisa", Role::Learner).await;
    let tuesday = coaching::create_group(&db, &kaisa, "Tiistai")
        .await
        .unwrap();
    let friday = coaching::create_group(&db, &olli, "Perjantai")
        .await
        .unwrap();
    for learner in [&maija, &pekka] {
        coaching::join(&db, learner, &tuesday.join_code)
            .await
            .unwrap();
    }
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
        pekka,
        matti,
        liisa,
    }
}

/// A time `days` from now at `time` (site time), `minutes` long.
fn at(days: i64, time: &str, minutes: i32, count: i32) -> Offer {
    let date = (Utc::now() + Duration::days(days))
        .with_timezone(&polku_core::dates::zone())
        .format("%Y-%m-%d")
        .to_string();
    Offer {
        date,
        time: time.to_owned(),
        minutes,
        count,
        place: "video".to_owned(),
        where_: "https://video.example.fi/room/42".to_owned(),
        note: "Ota tunnukset mukaan; kysy, jos jokin mietityttää.".to_owned(),
    }
}

async fn kinds(db: &DatabaseConnection, who: &Actor) -> Vec<NotificationKind> {
    notifications::list(db, who)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.kind)
        .collect()
}

#[tokio::test]
async fn only_a_coachs_learners_see_and_book_her_times() {
    for t in common::fresh_databases().await {
        let s = site(&t.url).await;
        let db = &s.db;
        let ids = appointments::offer(db, &s.kaisa, &at(3, "10:00", 30, 3))
            .await
            .unwrap();
        assert_eq!(ids.len(), 3);
        let first = ids[0];
        // Kaisa's learners see her three free times; nobody else does.
        let page = appointments::page(db, &s.maija).await.unwrap();
        assert_eq!(page.free.len(), 3);
        assert!(!page.offers);
        let ends: Vec<_> = page.free.iter().map(|a| a.ends.clone()).collect();
        assert_eq!(page.free[1].starts, ends[0], "one after another");
        for outsider in [&s.liisa, &s.matti, &s.olli, &s.boss] {
            assert!(
                appointments::page(db, outsider)
                    .await
                    .unwrap()
                    .free
                    .is_empty()
            );
            not_found(appointments::one(db, outsider, first).await);
            not_found(appointments::book(db, outsider, first).await);
        }
        rejected(appointments::book(db, &s.kaisa, first).await, "not_on_self");
        // Maija books; Kaisa is told; Pekka finds it taken.
        appointments::book(db, &s.maija, first).await.unwrap();
        assert_eq!(
            kinds(db, &s.kaisa).await,
            vec![NotificationKind::AppointmentBooked]
        );
        rejected(
            appointments::book(db, &s.pekka, first).await,
            "appointment_taken",
        );
        rejected(
            appointments::book(db, &s.maija, first).await,
            "appointment_taken",
        );
        let pekka = appointments::page(db, &s.pekka).await.unwrap();
        assert_eq!(pekka.free.len(), 2, "a booked time is no longer free");
        not_found(appointments::one(db, &s.pekka, first).await);
        // Both see it coming: Maija hers, Kaisa every time she offers
        // (her dashboard: the booked one only).
        let mine = appointments::upcoming(db, &s.maija).await.unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].state, AppointmentState::Booked);
        assert_eq!(mine[0].coach.1, "kaisa");
        let coach = appointments::page(db, &s.kaisa).await.unwrap();
        assert!(coach.offers);
        assert_eq!(coach.upcoming.len(), 3);
        let dashboard = appointments::upcoming(db, &s.kaisa).await.unwrap();
        assert_eq!(dashboard.len(), 1);
        assert_eq!(
            dashboard[0].learner.as_ref().map(|l| l.1.as_str()),
            Some("maija")
        );
        // A coach who coaches no group offers nothing.
        let lone = person(db, "lone", Role::Coach).await;
        assert!(matches!(
            appointments::offer(db, &lone, &at(3, "12:00", 30, 1)).await,
            Err(CoreError::Forbidden)
        ));
    }
}

#[tokio::test]
async fn two_learners_booking_one_time_at_once_one_gets_it() {
    for t in common::fresh_databases().await {
        let s = site(&t.url).await;
        let db = &s.db;
        for round in 0..5 {
            let time = format!("{:02}:00", 8 + round);
            let id = appointments::offer(db, &s.kaisa, &at(4, &time, 30, 1))
                .await
                .unwrap()[0];
            let (a, b) = tokio::join!(
                appointments::book(db, &s.maija, id),
                appointments::book(db, &s.pekka, id)
            );
            let won = [&a, &b].iter().filter(|r| r.is_ok()).count();
            assert_eq!(won, 1, "round {round}: {a:?} {b:?}");
            // The winner lets it go, so neither reaches the limit of
            // coming appointments.
            let winner = if a.is_ok() { &s.maija } else { &s.pekka };
            appointments::cancel(db, winner, id).await.unwrap();
            for result in [a, b] {
                if let Err(err) = result {
                    assert!(
                        matches!(err, CoreError::Rejected("appointment_taken")),
                        "{err:?}"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn cancelling_frees_the_time_and_its_calendar_entry_is_cancelled() {
    for t in common::fresh_databases().await {
        let s = site(&t.url).await;
        let db = &s.db;
        let id = appointments::offer(db, &s.kaisa, &at(5, "13:15", 45, 1))
            .await
            .unwrap()[0];
        // Not booked: the coach's copy only publishes it; the learner has
        // no calendar entry of it.
        let entry = ics::for_party(db, &s.kaisa, id).await.unwrap();
        assert_eq!(entry.method, Method::Publish);
        not_found(ics::for_party(db, &s.maija, id).await);
        appointments::book(db, &s.maija, id).await.unwrap();
        let entry = ics::for_party(db, &s.maija, id).await.unwrap();
        assert_eq!(entry.coach_id, s.kaisa.id());
        let booked = ics::write(
            &entry,
            "Tapaaminen: kaisa",
            "https://polku.example.fi",
            Utc::now(),
        );
        for line in [
            "METHOD:REQUEST",
            "BEGIN:VTIMEZONE",
            "TZID:Europe/Helsinki",
            "DTSTART;TZID=Europe/Helsinki:",
            "T131500",
            "T140000",
            &format!("UID:appointment-{id}-1@polku.example.fi"),
            "SEQUENCE:1",
            "STATUS:CONFIRMED",
            "URL:https://video.example.fi/room/42",
            "ORGANIZER;CN=\"kaisa\":mailto:no-reply@polku.example.fi",
            "SUMMARY:Tapaaminen: kaisa",
            "DESCRIPTION:Ota tunnukset mukaan\\; kysy\\, jos",
        ] {
            assert!(booked.contains(line), "{line} missing in\n{booked}");
        }
        assert!(booked.lines().all(|l| l.len() <= 75), "folded lines");
        // Someone else cannot cancel it, nor see its entry.
        for outsider in [&s.pekka, &s.liisa, &s.olli, &s.boss] {
            not_found(appointments::cancel(db, outsider, id).await);
            not_found(ics::for_party(db, outsider, id).await);
        }
        // Maija cancels: it is free again, Kaisa is told, and the entry
        // sent with her notification cancels the one she got.
        appointments::cancel(db, &s.maija, id).await.unwrap();
        let cancelled = kinds(db, &s.kaisa).await;
        assert_eq!(cancelled[0], NotificationKind::AppointmentCancelled);
        let entry = ics::for_notification(db, s.kaisa.id(), id, 1)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(entry.method, Method::Cancel);
        let text = ics::write(&entry, "x", "https://polku.example.fi", Utc::now());
        assert!(text.contains("METHOD:CANCEL"), "{text}");
        assert!(text.contains("STATUS:CANCELLED"));
        assert!(text.contains(&format!("UID:appointment-{id}-1@polku.example.fi")));
        assert!(text.contains("SEQUENCE:2"), "a higher sequence: {text}");
        not_found(appointments::cancel(db, &s.maija, id).await);
        assert_eq!(
            appointments::page(db, &s.pekka).await.unwrap().free.len(),
            1
        );
        // Pekka books it next: his entry is a new one; Maija's stays
        // cancelled.
        appointments::book(db, &s.pekka, id).await.unwrap();
        let entry = ics::for_party(db, &s.pekka, id).await.unwrap();
        assert_eq!((entry.booking, entry.method), (2, Method::Request));
        let old = ics::for_notification(db, s.kaisa.id(), id, 1)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((old.booking, old.method), (1, Method::Cancel));
    }
}

#[tokio::test]
async fn only_the_coach_changes_or_calls_off_her_time_and_the_learner_is_told() {
    for t in common::fresh_databases().await {
        let s = site(&t.url).await;
        let db = &s.db;
        let id = appointments::offer(db, &s.kaisa, &at(6, "09:00", 30, 1))
            .await
            .unwrap()[0];
        appointments::book(db, &s.maija, id).await.unwrap();
        let moved = Offer {
            place: "address".to_owned(),
            where_: "Kirjasto, Pudasjärventie 5".to_owned(),
            ..at(6, "11:30", 60, 1)
        };
        for other in [&s.olli, &s.maija, &s.pekka, &s.boss] {
            not_found(appointments::change(db, other, id, &moved).await);
            not_found(appointments::call_off(db, other, id, "").await);
        }
        appointments::change(db, &s.kaisa, id, &moved)
            .await
            .unwrap();
        assert_eq!(
            kinds(db, &s.maija).await,
            vec![NotificationKind::AppointmentChanged]
        );
        let seen = appointments::one(db, &s.maija, id).await.unwrap();
        assert!(seen.starts.ends_with("11:30"), "{}", seen.starts);
        assert_eq!(seen.minutes, 60);
        let entry = ics::for_party(db, &s.maija, id).await.unwrap();
        assert_eq!((entry.sequence, entry.method), (2, Method::Request));
        // Called off: Maija is told why; it stays, cancelled, for her.
        appointments::call_off(db, &s.kaisa, id, "Olen sairaana.")
            .await
            .unwrap();
        let notes = notifications::list(db, &s.maija).await.unwrap();
        assert_eq!(notes[0].kind, NotificationKind::AppointmentCancelled);
        assert_eq!(notes[0].note.as_deref(), Some("Olen sairaana."));
        let seen = appointments::upcoming(db, &s.maija).await.unwrap();
        assert_eq!(seen[0].state, AppointmentState::Cancelled);
        let entry = ics::for_party(db, &s.maija, id).await.unwrap();
        assert_eq!(entry.method, Method::Cancel);
        rejected(
            appointments::book(db, &s.pekka, id).await,
            "appointment_taken",
        );
        rejected(
            appointments::change(db, &s.kaisa, id, &moved).await,
            "appointment_cancelled",
        );
        // An open time called off simply goes.
        let open = appointments::offer(db, &s.kaisa, &at(7, "09:00", 30, 1))
            .await
            .unwrap()[0];
        appointments::call_off(db, &s.kaisa, open, "")
            .await
            .unwrap();
        not_found(appointments::one(db, &s.kaisa, open).await);
    }
}

#[tokio::test]
async fn a_bad_offer_is_refused_with_its_reason() {
    for t in common::fresh_databases().await {
        let s = site(&t.url).await;
        let db = &s.db;
        let offer = |o: Offer| {
            let db = db.clone();
            let kaisa = s.kaisa.clone();
            async move { appointments::offer(&db, &kaisa, &o).await }
        };
        rejected(offer(at(-1, "10:00", 30, 1)).await, "appointment_past");
        rejected(offer(at(400, "10:00", 30, 1)).await, "appointment_far");
        rejected(
            offer(Offer {
                date: "8.12.2026".into(),
                ..at(3, "10:00", 30, 1)
            })
            .await,
            "appointment_date",
        );
        rejected(offer(at(3, "25:00", 30, 1)).await, "appointment_date");
        rejected(offer(at(3, "10:00", 0, 1)).await, "appointment_length");
        rejected(offer(at(3, "10:00", 241, 1)).await, "appointment_length");
        rejected(offer(at(3, "10:00", 30, 13)).await, "appointment_count");
        rejected(
            offer(Offer {
                place: "moon".into(),
                ..at(3, "10:00", 30, 1)
            })
            .await,
            "appointment_place",
        );
        rejected(
            offer(Offer {
                place: "address".into(),
                where_: " ".into(),
                ..at(3, "10:00", 30, 1)
            })
            .await,
            "appointment_place",
        );
        for link in [
            "javascript:alert(1)",
            "http://video.example.fi/x",
            "https://a b",
        ] {
            rejected(
                offer(Offer {
                    where_: link.into(),
                    ..at(3, "10:00", 30, 1)
                })
                .await,
                "appointment_link",
            );
        }
        rejected(
            offer(Offer {
                note: "x".repeat(1001),
                ..at(3, "10:00", 30, 1)
            })
            .await,
            "appointment_note",
        );
        // A phone call needs no number (the coach calls).
        offer(Offer {
            place: "phone".into(),
            where_: String::new(),
            ..at(3, "10:00", 30, 2)
        })
        .await
        .unwrap();
        // Overlapping her own times is refused; right after them is not.
        rejected(offer(at(3, "10:45", 30, 1)).await, "appointment_overlap");
        rejected(offer(at(3, "09:45", 30, 1)).await, "appointment_overlap");
        offer(at(3, "11:00", 30, 1)).await.unwrap();
        // Another coach's times do not count.
        appointments::offer(db, &s.olli, &at(3, "10:00", 30, 1))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_learner_holds_a_few_coming_appointments_with_one_coach() {
    for t in common::fresh_databases().await {
        let s = site(&t.url).await;
        let db = &s.db;
        let ids = appointments::offer(db, &s.kaisa, &at(3, "08:00", 15, 5))
            .await
            .unwrap();
        for id in &ids[..3] {
            appointments::book(db, &s.maija, *id).await.unwrap();
        }
        rejected(
            appointments::book(db, &s.maija, ids[3]).await,
            "appointment_too_many",
        );
        appointments::book(db, &s.pekka, ids[3]).await.unwrap();
    }
}

#[tokio::test]
async fn the_day_before_both_are_reminded_once() {
    use polku_core::db::entities::appointments as rows;
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    for t in common::fresh_databases().await {
        let s = site(&t.url).await;
        let db = &s.db;
        let soon = appointments::offer(db, &s.kaisa, &at(1, "12:00", 30, 1))
            .await
            .unwrap()[0];
        let later = appointments::offer(db, &s.kaisa, &at(5, "12:00", 30, 1))
            .await
            .unwrap()[0];
        appointments::book(db, &s.maija, soon).await.unwrap();
        appointments::book(db, &s.pekka, later).await.unwrap();
        let booked_just_now = appointments::remind_due(db, Utc::now()).await.unwrap();
        assert_eq!(booked_just_now, 0, "booked within the day: no reminder");
        // Booked three days ago: a reminder the day before, once.
        let row = rows::Entity::find_by_id(soon)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let starts = row.starts_at;
        let mut row: rows::ActiveModel = row.into();
        row.booked_at = Set(Some(Utc::now() - Duration::days(3)));
        row.reminded_at = Set(None);
        row.update(db).await.unwrap();
        let before = starts - Duration::hours(20);
        assert_eq!(appointments::remind_due(db, before).await.unwrap(), 1);
        assert_eq!(appointments::remind_due(db, before).await.unwrap(), 0);
        assert!(
            kinds(db, &s.maija)
                .await
                .contains(&NotificationKind::AppointmentSoon)
        );
        assert!(
            kinds(db, &s.kaisa)
                .await
                .contains(&NotificationKind::AppointmentSoon)
        );
        assert!(
            !kinds(db, &s.pekka)
                .await
                .contains(&NotificationKind::AppointmentSoon)
        );
    }
}

#[tokio::test]
async fn appointments_are_exported_and_go_with_an_erased_account() {
    for t in common::fresh_databases().await {
        let s = site(&t.url).await;
        let db = &s.db;
        let ids = appointments::offer(db, &s.kaisa, &at(3, "10:00", 30, 2))
            .await
            .unwrap();
        appointments::book(db, &s.maija, ids[0]).await.unwrap();
        appointments::book(db, &s.pekka, ids[1]).await.unwrap();
        let data = privacy::export(db, &s.maija, s.maija.id()).await.unwrap();
        let list = data["appointments"].as_array().unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["coach"], "kaisa");
        assert_eq!(list[0]["where"], "https://video.example.fi/room/42");
        // Maija erases her account: her time is free again and Kaisa is
        // told (by a deleted account).
        privacy::delete_account(db, &s.maija, s.maija.id())
            .await
            .unwrap();
        let free = appointments::page(db, &s.pekka).await.unwrap().free;
        assert_eq!(free.iter().map(|a| a.id).collect::<Vec<_>>(), vec![ids[0]]);
        let notes = notifications::list(db, &s.kaisa).await.unwrap();
        assert_eq!(notes[0].kind, NotificationKind::AppointmentCancelled);
        assert_eq!(notes[0].who, None);
        // Kaisa erases hers: her times go, and Pekka is told.
        privacy::delete_account(db, &s.kaisa, s.kaisa.id())
            .await
            .unwrap();
        assert!(
            appointments::upcoming(db, &s.pekka)
                .await
                .unwrap()
                .is_empty()
        );
        let notes = notifications::list(db, &s.pekka).await.unwrap();
        assert_eq!(notes[0].kind, NotificationKind::AppointmentCancelled);
    }
}

#[test]
fn the_time_zone_rules_come_from_the_zone_database() {
    use chrono::TimeZone;
    let zone = chrono_tz::Europe::Helsinki;
    let december = Utc.with_ymd_and_hms(2026, 12, 8, 8, 0, 0).unwrap();
    let found = ics::observances(zone, december);
    let text: Vec<String> = found
        .iter()
        .map(|o| format!("{} {} {} {}", o.onset, o.from, o.to, o.daylight))
        .collect();
    assert!(
        text.contains(&"2026-03-29 03:00:00 7200 10800 true".to_owned()),
        "{text:?}"
    );
    assert!(
        text.contains(&"2026-10-25 04:00:00 10800 7200 false".to_owned()),
        "{text:?}"
    );
    // A zone without summer time: one standard observance.
    let fixed = ics::observances(chrono_tz::Asia::Tokyo, december);
    assert_eq!(fixed.len(), 1);
    assert_eq!((fixed[0].from, fixed[0].to), (32400, 32400));
}
