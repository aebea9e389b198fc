//! Milestone badges of pathways: issued the moment every step of a level
//! is held, once (also under concurrent requests), never standing on a
//! revoked badge, revoked with a badge they stand on; and signed like a
//! course's badge (the independent check reads what this test writes).
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::Utc;
use polku_core::Language;
use polku_core::accounts::{Actor, Role};
use polku_core::badges::award::award_due;
use polku_core::badges::issue::IssueContext;
use polku_core::badges::{Issuer, Known, Outcome, check_badge};
use polku_core::content::{BadgeAlignment, BadgeSource};
use polku_core::db::DatabaseConnection;
use polku_core::db::entities::{badge_awards, lessons};
use polku_core::pathways::{self, Level, Pathway, Step, award_milestones, for_learner};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

const PUBLIC: &str = "https://polku.example";

fn text(fi: &str, en: &str) -> BTreeMap<Language, String> {
    BTreeMap::from([(Language::Fi, fi.to_owned()), (Language::En, en.to_owned())])
}

fn milestone(slug: &str, fi: &str) -> BadgeSource {
    BadgeSource {
        slug: slug.to_owned(),
        name: text(fi, slug),
        description: text("Osaa asioita.", "Can do things."),
        criteria: text("Tason askeleet otettu.", "Took the level's steps."),
        rule: Default::default(),
        valid_days: None,
        image: None,
        alignment: vec![BadgeAlignment {
            framework: "DigComp 2.2".into(),
            code: Some("2.1".into()),
            name: "Interacting through digital technologies".into(),
            url: Some("https://joint-research-centre.ec.europa.eu/digcomp_en".into()),
        }],
    }
}

/// Level 1: hold the fixture course's "first-steps" badge. Level 2: that
/// badge again and the whole course.
fn path() -> Pathway {
    let badge = Step::Badge {
        course: "first-course".into(),
        badge: "first-steps".into(),
    };
    Pathway {
        slug: "test-path".into(),
        title: text("Testipolku", "Test path"),
        summary: Default::default(),
        levels: vec![
            Level {
                title: text("Alku", "Start"),
                steps: vec![badge.clone()],
                milestone: Some(milestone("start", "Alku tehty")),
            },
            Level {
                title: text("Koko kurssi", "The whole course"),
                steps: vec![
                    badge,
                    Step::Course {
                        course: "first-course".into(),
                    },
                ],
                milestone: Some(milestone("whole", "Koko kurssi tehty")),
            },
        ],
    }
}

async fn account(db: &DatabaseConnection, name: &str, role: Role) -> Actor {
    common::person(db, name, role).await
}

/// Every active lesson of the fixture course done (nothing issued).
async fn finish_course(db: &DatabaseConnection, who: &Actor) {
    let course = common::first_course_id(db).await;
    for lesson in lessons::Entity::find()
        .filter(lessons::Column::CourseId.eq(course))
        .filter(lessons::Column::Archived.eq(false))
        .all(db)
        .await
        .unwrap()
    {
        polku_core::progress::set_done(db, who, "first-course", &lesson.slug, true)
            .await
            .unwrap();
    }
}

async fn milestones_of(db: &DatabaseConnection, who: &Actor) -> Vec<badge_awards::Model> {
    badge_awards::Entity::find()
        .filter(badge_awards::Column::UserId.eq(who.id()))
        .filter(badge_awards::Column::PathwaySlug.is_not_null())
        .all(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_milestone_is_issued_once_when_the_level_is_held_and_never_on_a_revoked_step() {
    use common::act::{allow_reissue, invite_accepted, revoke};
    for t in common::fresh_databases().await {
        let db = polku_core::db::open(&t.url).await.unwrap();
        common::import(&db, &common::fixture("valid")).await;
        pathways::import(&db, &[path()]).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let site = Arc::new(Issuer::open(PUBLIC, &dir.path().join("keys.json")).unwrap());
        let ctx = IssueContext {
            issuer: &site,
            public_url: PUBLIC,
            issuer_name: "Polku, Testikunta",
        };
        let course_id = common::first_course_id(&db).await;
        let kaisa = account(&db, "kaisa", Role::Coach).await;
        let group = polku_core::coaching::create_group(&db, &kaisa, "Ryhmä")
            .await
            .unwrap();

        // Maija: the first lesson earns the course's badge and, in the
        // same moment, level 1's milestone standing on it.
        let maija = account(&db, "maija", Role::Learner).await;
        invite_accepted(&db, &kaisa, group.id, &maija).await;
        polku_core::progress::set_done(&db, &maija, "first-course", "welcome", true)
            .await
            .unwrap();
        let issued = award_due(&db, &ctx, &maija, course_id).await.unwrap();
        let slugs: Vec<_> = issued.iter().map(|b| b.badge_slug.as_str()).collect();
        assert_eq!(slugs, ["first-steps", "start"], "{}", t.backend);
        let (step, start) = (&issued[0], &issued[1]);
        assert_eq!(start.pathway_slug.as_deref(), Some("test-path"));
        assert_eq!(start.course_id, None);
        // Signed like any badge of the site, its evidence the step.
        let mut known = Known::site(site.clone(), "Polku", PUBLIC);
        known.own_revoked = polku_core::badges::revoke::revoked_ids(&db).await.unwrap();
        let verdict = check_badge(&start.credential, &known, Utc::now());
        assert_eq!(verdict.outcome, Outcome::Valid, "{verdict:#?}");
        assert_eq!(verdict.claims.achievement.as_deref(), Some("Alku tehty"));
        let credential: Value = serde_json::from_str(&start.credential).unwrap();
        assert_eq!(
            credential["credentialSubject"]["achievement"]["id"],
            format!("{PUBLIC}/pathways/test-path/milestones/start")
        );
        let evidence = credential["evidence"].as_array().unwrap();
        assert_eq!(evidence.len(), 1, "{evidence:?}");
        assert_eq!(evidence[0]["id"], format!("{PUBLIC}/badges/{}", step.id));
        assert_eq!(evidence[0]["name"], "Ensiaskeleet");
        assert_eq!(evidence[0]["genre"], "Badge");
        // Once: nothing more until level 2 is held.
        assert!(
            award_milestones(&db, &ctx, maija.id(), None)
                .await
                .unwrap()
                .is_empty()
        );
        // The dashboard: level 1's milestone held, level 2's not yet.
        let view = &for_learner(&db, &maija, Language::Fi).await.unwrap()[0];
        assert_eq!(
            view.levels[0].milestone.as_ref().unwrap().held,
            Some(start.id)
        );
        assert_eq!(view.levels[1].milestone.as_ref().unwrap().held, None);
        assert_eq!(view.next, Some((1, 1)));

        // Level 2 at once when the course's last lesson is done; its
        // evidence is the badge and the course (the badge once).
        finish_course(&db, &maija).await;
        let issued =
            polku_core::progress::mark_done(&db, &ctx, &maija, "first-course", "welcome", true)
                .await
                .unwrap();
        let whole: Vec<_> = issued.iter().filter(|b| b.badge_slug == "whole").collect();
        assert_eq!(whole.len(), 1, "{}: {issued:?}", t.backend);
        let credential: Value = serde_json::from_str(&whole[0].credential).unwrap();
        let ids: Vec<&str> = credential["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect();
        let step_url = format!("{PUBLIC}/badges/{}", step.id);
        assert_eq!(
            ids,
            [
                step_url.as_str(),
                format!("{PUBLIC}/courses/first-course").as_str()
            ],
            "the level's steps in order: the badge, then the course (its badge not twice)"
        );

        // Revoking the step revokes both milestones standing on it, with
        // a reason naming the step.
        revoke(&db, &kaisa, step.id, "Kopioitu vastaus")
            .await
            .unwrap();
        let held = milestones_of(&db, &maija).await;
        assert_eq!(held.len(), 2);
        for m in &held {
            assert!(m.revoked_at.is_some(), "{}: {m:?}", t.backend);
            assert_eq!(
                m.revoked_reason.as_deref(),
                Some("Ensiaskeleet: Kopioitu vastaus")
            );
        }
        // Nothing is issued again: the step is revoked (and sticks), so
        // the level is not held; the milestones' revocation sticks too.
        assert!(
            award_due(&db, &ctx, &maija, course_id)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            award_milestones(&db, &ctx, maija.id(), None)
                .await
                .unwrap()
                .is_empty()
        );
        let view = &for_learner(&db, &maija, Language::Fi).await.unwrap()[0];
        assert!(!view.levels[0].done);
        assert_eq!(view.levels[0].milestone.as_ref().unwrap().held, None);
        // A coach allows the step again: the rule issues a new badge, and
        // the milestones are still revoked (not allowed again)…
        allow_reissue(&db, &kaisa, step.id, "Tehty uudelleen")
            .await
            .unwrap();
        let issued = award_due(&db, &ctx, &maija, course_id).await.unwrap();
        let slugs: Vec<_> = issued.iter().map(|b| b.badge_slug.as_str()).collect();
        assert_eq!(slugs, ["first-steps"], "{}", t.backend);
        // …until a coach allows one again.
        allow_reissue(&db, &kaisa, start.id, "Taso kunnossa")
            .await
            .unwrap();
        let issued = award_milestones(&db, &ctx, maija.id(), None).await.unwrap();
        let slugs: Vec<_> = issued.iter().map(|b| b.badge_slug.as_str()).collect();
        assert_eq!(slugs, ["start"], "{}", t.backend);

        // Pekka: the step revoked before the rest of the level is done,
        // so the level is never held and no milestone is issued.
        let pekka = account(&db, "pekka", Role::Learner).await;
        invite_accepted(&db, &kaisa, group.id, &pekka).await;
        polku_core::progress::set_done(&db, &pekka, "first-course", "welcome", true)
            .await
            .unwrap();
        polku_core::db::entities::pathways::Entity::delete_many()
            .exec(&db)
            .await
            .unwrap();
        let issued = award_due(&db, &ctx, &pekka, course_id).await.unwrap();
        assert_eq!(issued.len(), 1, "no pathway: the course's badge only");
        revoke(&db, &kaisa, issued[0].id, "Ei oma työ")
            .await
            .unwrap();
        pathways::import(&db, &[path()]).await.unwrap();
        finish_course(&db, &pekka).await;
        assert!(
            award_milestones(&db, &ctx, pekka.id(), None)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(milestones_of(&db, &pekka).await.is_empty());

        // Liisa: every step held without a progress event (the path came
        // later); two requests find it at once, one milestone of each
        // level is held.
        let liisa = account(&db, "liisa", Role::Learner).await;
        polku_core::db::entities::pathways::Entity::delete_many()
            .exec(&db)
            .await
            .unwrap();
        finish_course(&db, &liisa).await;
        award_due(&db, &ctx, &liisa, course_id).await.unwrap();
        pathways::import(&db, &[path()]).await.unwrap();
        let (one, two) = tokio::join!(
            award_milestones(&db, &ctx, liisa.id(), None),
            award_milestones(&db, &ctx, liisa.id(), None)
        );
        assert_eq!(
            one.unwrap().len() + two.unwrap().len(),
            2,
            "{}: each level's milestone issued by exactly one",
            t.backend
        );
        let held: Vec<String> = milestones_of(&db, &liisa)
            .await
            .into_iter()
            .map(|m| m.badge_slug)
            .collect();
        assert_eq!(held.len(), 2, "{}: {held:?}", t.backend);

        // An author of the course takes no step by it.
        let admin = account(&db, "admin", Role::Admin).await;
        let olli = account(&db, "olli", Role::Instructor).await;
        common::act::set_course_author(&db, &admin, olli.id(), "first-course", true)
            .await
            .unwrap();
        finish_course(&db, &olli).await;
        let view = &for_learner(&db, &olli, Language::Fi).await.unwrap()[0];
        assert!(!view.levels[1].steps[1].done, "{}", t.backend);
        assert!(
            award_milestones(&db, &ctx, olli.id(), None)
                .await
                .unwrap()
                .is_empty()
        );

        if let (Ok(out), "sqlite") = (std::env::var("POLKU_CONFORMANCE_DIR"), t.backend) {
            let out = Path::new(&out);
            std::fs::create_dir_all(out).unwrap();
            std::fs::write(out.join("milestone.json"), &whole[0].credential).unwrap();
            std::fs::write(
                out.join("milestone-did.json"),
                site.did_document().to_string(),
            )
            .unwrap();
        }
    }
}

/// The migration that lets a badge be a milestone keeps every badge
/// issued before it (SQLite rebuilds the table) and both keys that hold
/// a badge once.
#[tokio::test]
async fn badges_issued_before_milestones_existed_are_kept() {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::{ActiveModelTrait, ConnectionTrait, Database, Set};
    for t in common::fresh_databases().await {
        let url = match t.backend {
            "sqlite" => format!("{}?mode=rwc", t.url),
            _ => t.url.clone(),
        };
        let early = Database::connect(url.as_str()).await.unwrap();
        let before = Migrator::migrations()
            .iter()
            .position(|m| m.name() == "m20261211_090000_add_milestone_badges")
            .unwrap();
        Migrator::up(&early, Some(u32::try_from(before).unwrap()))
            .await
            .unwrap();
        common::import(&early, &common::fixture("valid")).await;
        // Her account written as that schema has it (the entity knows later
        // columns).
        early
            .execute_unprepared(
                "INSERT INTO users (username, password_hash, role, created_at, email_bodies) \
                 VALUES ('maija', 'not-a-hash', 'learner', '2026-11-30 10:00:00+00:00', false)",
            )
            .await
            .unwrap();
        let me: i32 = early
            .query_one_raw(sea_orm::Statement::from_string(
                early.get_database_backend(),
                "SELECT id FROM users WHERE username = 'maija'",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get("", "id")
            .unwrap();
        let course = common::first_course_id(&early).await;
        let at = "2026-11-30 10:00:00+00:00";
        early
            .execute_unprepared(&format!(
                "INSERT INTO badge_awards (id, user_id, course_id, badge_slug, credential, issued_at, \
                 revoked_at, revoked_reason, share_token, evidence, reissue_allowed_at) VALUES \
                 (7, {me}, {course}, 'first-steps', '{{\"a\":1}}', '{at}', '{at}', 'Kopio', NULL, NULL, '{at}'), \
                 (9, {me}, {course}, 'first-steps', '{{\"b\":2}}', '{at}', NULL, NULL, 'jaettu', '[]', NULL)"
            ))
            .await
            .unwrap();
        early.close().await.unwrap();

        let db = polku_core::db::open(&t.url).await.unwrap();
        let rows = badge_awards::Entity::find().all(&db).await.unwrap();
        assert_eq!(rows.len(), 2, "{}", t.backend);
        let (old, held) = (&rows[0], &rows[1]);
        assert_eq!((old.id, held.id), (7, 9));
        assert_eq!(old.course_id, Some(course));
        assert_eq!(old.pathway_slug, None);
        assert_eq!(old.revoked_reason.as_deref(), Some("Kopio"));
        assert!(old.reissue_allowed_at.is_some());
        assert_eq!(held.share_token.as_deref(), Some("jaettu"));
        assert_eq!(held.evidence.as_deref(), Some("[]"));
        assert_eq!(held.credential, "{\"b\":2}");
        // Still one held badge per course badge, and one held milestone.
        let again = |course_id: Option<i32>, pathway: Option<&str>| badge_awards::ActiveModel {
            user_id: Set(me),
            course_id: Set(course_id),
            pathway_slug: Set(pathway.map(str::to_owned)),
            badge_slug: Set("first-steps".into()),
            credential: Set("{}".into()),
            issued_at: Set(Utc::now()),
            ..Default::default()
        };
        assert!(
            again(Some(course), None).insert(&db).await.is_err(),
            "{}",
            t.backend
        );
        again(None, Some("path")).insert(&db).await.unwrap();
        assert!(
            again(None, Some("path")).insert(&db).await.is_err(),
            "{}",
            t.backend
        );
        // A badge is of a course or a milestone of a path: never both or neither.
        assert!(
            again(Some(course), Some("other"))
                .insert(&db)
                .await
                .is_err()
        );
        assert!(again(None, None).insert(&db).await.is_err());
    }
}

/// A coach's group table has a column per pathway: where each of her
/// learners stands (level, milestones held), also in the CSV; a learner
/// of another coach's group is in neither.
#[tokio::test]
async fn the_group_table_shows_each_learners_place_on_each_pathway() {
    use common::act::{group_table, invite_accepted};
    use polku_core::coaching::{self, StuckRule};
    for t in common::fresh_databases().await {
        let db = polku_core::db::open(&t.url).await.unwrap();
        common::import(&db, &common::fixture("valid")).await;
        pathways::import(&db, &[path()]).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let site = Arc::new(Issuer::open(PUBLIC, &dir.path().join("keys.json")).unwrap());
        let ctx = IssueContext {
            issuer: &site,
            public_url: PUBLIC,
            issuer_name: "Polku",
        };
        let course_id = common::first_course_id(&db).await;
        let kaisa = account(&db, "kaisa", Role::Coach).await;
        let olli = account(&db, "olli", Role::Coach).await;
        let ours = coaching::create_group(&db, &kaisa, "Tiistai")
            .await
            .unwrap();
        let theirs = coaching::create_group(&db, &olli, "Torstai").await.unwrap();
        let maija = account(&db, "maija", Role::Learner).await;
        let pekka = account(&db, "pekka", Role::Learner).await;
        let liisa = account(&db, "liisa", Role::Learner).await;
        invite_accepted(&db, &kaisa, ours.id, &maija).await;
        invite_accepted(&db, &kaisa, ours.id, &pekka).await;
        invite_accepted(&db, &olli, theirs.id, &liisa).await;
        // Maija: level 1 held (its milestone too), on level 2. Liisa: every
        // level. Pekka: nothing yet.
        polku_core::progress::mark_done(&db, &ctx, &maija, "first-course", "welcome", true)
            .await
            .unwrap();
        finish_course(&db, &liisa).await;
        award_due(&db, &ctx, &liisa, course_id).await.unwrap();

        let now = Utc::now();
        let table = group_table(
            &db,
            &kaisa,
            ours.id,
            StuckRule::default(),
            Language::Fi,
            now,
        )
        .await
        .unwrap();
        assert_eq!(
            table.pathways,
            [("test-path".to_owned(), "Testipolku".to_owned())]
        );
        let place = |name: &str| {
            let row = table.rows.iter().find(|r| r.username == name).unwrap();
            row.pathways[0]
        };
        assert_eq!(place("maija").level, Some(2), "{}", t.backend);
        assert_eq!((place("maija").levels, place("maija").milestones), (2, 1));
        assert_eq!(
            (place("pekka").level, place("pekka").milestones),
            (Some(1), 0)
        );
        assert!(table.rows.iter().all(|r| r.username != "liisa"));
        let csv = coaching::table_csv(
            &table,
            ["Nimi", "Tunnus", "Viimeksi", "Visat", "Jumissa"],
            |_| String::new(),
            |p| format!("taso {:?}, merkkejä {}", p.level, p.milestones),
        )
        .unwrap();
        let text = String::from_utf8(csv).unwrap();
        assert!(text.contains(",Testipolku,Viimeksi,"), "{text}");
        assert!(text.contains("taso Some(2), merkkejä 1"), "{text}");
        assert!(text.contains("taso Some(1), merkkejä 0"), "{text}");

        let table = group_table(
            &db,
            &olli,
            theirs.id,
            StuckRule::default(),
            Language::En,
            now,
        )
        .await
        .unwrap();
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.pathways[0].1, "Test path");
        let liisa_place = table.rows[0].pathways[0];
        assert_eq!(
            (liisa_place.level, liisa_place.milestones),
            (None, 2),
            "{}",
            t.backend
        );
        // Olli cannot read Kaisa's group.
        common::not_found(
            group_table(&db, &olli, ours.id, StuckRule::default(), Language::Fi, now).await,
        );
    }
}
