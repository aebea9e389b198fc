//! The authorisation policy seen from the attacker's side: a coach has no
//! power over a learner until she consents (joins or accepts), loses it
//! when she leaves, and nobody approves, revokes or resets for themselves.
//! Two groups, two coaches, an admin, learners who joined and learners
//! only invited. Every decision leaves an audit entry. SQLite always,
//! PostgreSQL when `POLKU_TEST_POSTGRES_URL` is set (always in CI).
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod common;

use common::{not_found, person};

use chrono::{Duration, Utc};
use common::act;
use polku_core::accounts::{Actor, Role};
use polku_core::audit;
use polku_core::authz::{Act, PersonId, authorize};
use polku_core::badges::Issuer;
use polku_core::badges::award::award_due;
use polku_core::badges::issue::IssueContext;
use polku_core::badges::requests::{Decision, submit};
use polku_core::coaching::{self, StuckRule};
use polku_core::db::DatabaseConnection;
use polku_core::{CoreError, Language, privacy, progress};

fn on_self<T: std::fmt::Debug>(result: Result<T, CoreError>) {
    assert!(
        matches!(result, Err(CoreError::Rejected("not_on_self"))),
        "expected not_on_self, got {result:?}"
    );
}

async fn table_names(db: &DatabaseConnection, who: &Actor, group: i32) -> Vec<String> {
    act::group_table(
        db,
        who,
        group,
        StuckRule::default(),
        Language::Fi,
        Utc::now(),
    )
    .await
    .unwrap()
    .rows
    .into_iter()
    .map(|r| r.username)
    .collect()
}

/// A fresh database with the fixture courses, two coaches and an admin
/// (kaisa, olli, boss).
async fn staffed(url: &str) -> (DatabaseConnection, [Actor; 3]) {
    let db = polku_core::db::open(url).await.unwrap();
    common::import(&db, &common::fixture("valid")).await;
    let staff = [
        person(&db, "kaisa", Role::Coach).await,
        person(&db, "olli", Role::Coach).await,
        person(&db, "boss", Role::Admin).await,
    ];
    (db, staff)
}

/// The site as an issuer, its keys in a folder of their own.
fn site() -> (tempfile::TempDir, Issuer) {
    let dir = tempfile::tempdir().unwrap();
    let site = Issuer::open("https://polku.example", &dir.path().join("keys.json")).unwrap();
    (dir, site)
}

fn context(site: &Issuer) -> IssueContext<'_> {
    IssueContext {
        issuer: site,
        public_url: "https://polku.example",
        issuer_name: "Polku",
    }
}

#[tokio::test]
async fn a_coach_acts_only_for_learners_who_consented() {
    for t in common::fresh_databases().await {
        let (db, [kaisa, olli, boss]) = staffed(&t.url).await;
        let maija = person(&db, "maija", Role::Learner).await;
        let matti = person(&db, "matti", Role::Learner).await;
        let tuesday = coaching::create_group(&db, &kaisa, "Tiistai")
            .await
            .unwrap();
        let friday = coaching::create_group(&db, &olli, "Perjantai")
            .await
            .unwrap();
        let (_keys, site) = site();
        let ctx = context(&site);
        // Maija is only invited; she has a badge and evidence waiting.
        act::invite(&db, &kaisa, tuesday.id, "maija").await.unwrap();
        progress::set_done(&db, &maija, "first-course", "welcome", true)
            .await
            .unwrap();
        let course_id = common::first_course_id(&db).await;
        let badge = award_due(&db, &ctx, &maija, course_id).await.unwrap()[0].clone();
        submit(&db, &maija, "first-course", "checked-work", "Tein työn", "")
            .await
            .unwrap();
        let request = {
            use polku_core::db::entities::badge_requests;
            use sea_orm::EntityTrait;
            badge_requests::Entity::find()
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .id
        };

        // Invited, not joined: the coach sees her name as invited, and
        // nothing else; no progress, reset code, revocation or decision.
        let table = act::group_table(
            &db,
            &kaisa,
            tuesday.id,
            StuckRule::default(),
            Language::Fi,
            Utc::now(),
        )
        .await
        .unwrap();
        assert!(table.rows.is_empty(), "{}: {:?}", t.backend, table.rows);
        assert_eq!(
            table.invited,
            [coaching::InvitedView {
                user_id: maija.id(),
                name: "maija".to_owned()
            }]
        );
        assert_eq!(table.group.members, 0);
        not_found(authorize(&db, &kaisa, Act::ViewProgress, PersonId(maija.id())).await);
        not_found(act::reset_code(&db, &kaisa, "maija").await);
        not_found(act::revoke(&db, &kaisa, badge.id, "syy").await);
        not_found(act::decide(&db, &ctx, &kaisa, request, Decision::Approve, "").await);
        assert!(
            act::group_requests(&db, &kaisa, tuesday.id, Language::Fi)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            act::group_badges(&db, &kaisa, tuesday.id)
                .await
                .unwrap()
                .is_empty()
        );

        // She sees the invitation and accepts: now her coach follows her.
        let mine = coaching::memberships(&db, &maija).await.unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!((mine[0].group.as_str(), mine[0].joined), ("Tiistai", false));
        assert_eq!(mine[0].coach, "kaisa");
        coaching::accept(&db, &maija, tuesday.id).await.unwrap();
        assert!(coaching::memberships(&db, &maija).await.unwrap()[0].joined);
        assert_eq!(table_names(&db, &kaisa, tuesday.id).await, ["maija"]);
        authorize(&db, &kaisa, Act::ViewProgress, PersonId(maija.id()))
            .await
            .unwrap();
        // The other coach still has no power over her, nor over the group.
        not_found(authorize(&db, &olli, Act::ViewProgress, PersonId(maija.id())).await);
        not_found(act::reset_code(&db, &olli, "maija").await);
        not_found(act::revoke(&db, &olli, badge.id, "syy").await);
        not_found(act::decide(&db, &ctx, &olli, request, Decision::Approve, "").await);
        not_found(act::group_badges(&db, &olli, tuesday.id).await);
        not_found(act::invite(&db, &olli, tuesday.id, "matti").await);
        not_found(act::remove_member(&db, &olli, tuesday.id, maija.id()).await);
        // A learner cannot accept an invitation she does not have.
        not_found(coaching::accept(&db, &matti, tuesday.id).await);
        not_found(coaching::accept(&db, &matti, friday.id).await);

        // Her coach can act now.
        act::reset_code(&db, &kaisa, "maija").await.unwrap();
        assert_eq!(
            act::group_requests(&db, &kaisa, tuesday.id, Language::Fi)
                .await
                .unwrap()
                .len(),
            1
        );

        // She leaves: the coach no longer sees or acts.
        coaching::leave(&db, &maija, tuesday.id).await.unwrap();
        assert!(table_names(&db, &kaisa, tuesday.id).await.is_empty());
        assert!(
            act::group_table(
                &db,
                &kaisa,
                tuesday.id,
                StuckRule::default(),
                Language::Fi,
                Utc::now()
            )
            .await
            .unwrap()
            .invited
            .is_empty()
        );
        not_found(act::reset_code(&db, &kaisa, "maija").await);
        not_found(act::revoke(&db, &kaisa, badge.id, "syy").await);
        not_found(act::decide(&db, &ctx, &kaisa, request, Decision::Approve, "").await);
        assert!(coaching::memberships(&db, &maija).await.unwrap().is_empty());
        not_found(coaching::leave(&db, &maija, tuesday.id).await);

        // Joining by code is consent too; an admin needs no group.
        coaching::join(&db, &maija, &friday.join_code)
            .await
            .unwrap();
        act::revoke(&db, &olli, badge.id, "Väärä tekijä")
            .await
            .unwrap();
        act::decide(&db, &ctx, &boss, request, Decision::Decline, "Lisää linkki")
            .await
            .unwrap();

        // The audit log has every step, and she sees what was done to her.
        let about_her = audit::about_me(&db, &maija).await.unwrap();
        let actions: Vec<&str> = about_her.iter().map(|e| e.action.as_str()).collect();
        for expected in [
            "group_invited",
            "group_joined",
            "reset_code_made",
            "group_left",
            "badge_revoked",
            "evidence_declined",
        ] {
            assert!(actions.contains(&expected), "{expected} in {actions:?}");
        }
        let revoked = about_her
            .iter()
            .find(|e| e.action == "badge_revoked")
            .unwrap();
        assert_eq!(revoked.actor.as_deref(), Some("olli"));
        assert_eq!(revoked.subject.as_deref(), Some("maija"));
        let log = audit::list(&db, &boss, Some(olli.id()), 0).await.unwrap();
        assert!(
            log.entries
                .iter()
                .all(|e| e.actor_id == Some(olli.id()) || e.subject_id == Some(olli.id()))
        );
        assert!(!log.entries.is_empty());
        assert!(matches!(
            audit::list(&db, &kaisa, None, 0).await,
            Err(CoreError::Forbidden)
        ));
        // No secret reaches the log: the reset code made is not in it.
        let code = act::reset_code(&db, &olli, "maija").await.unwrap();
        let everything = audit::list(&db, &boss, None, 0).await.unwrap();
        let text = format!("{everything:?}");
        assert!(!text.contains(&code), "the code is not logged");
        assert!(!text.contains("long enough secret"));

        // Erased, she is a number in the log; the export held her entries.
        let export = privacy::export(&db, &maija, maija.id()).await.unwrap();
        assert!(
            export["audit_events"]
                .as_array()
                .is_some_and(|a| a.len() >= 6),
            "{:#}",
            export["audit_events"]
        );
        privacy::delete_account(&db, &boss, maija.id())
            .await
            .unwrap();
        let after = audit::list(&db, &boss, Some(maija.id()), 0).await.unwrap();
        assert!(after.entries.iter().any(|e| e.action == "account_erased"));
        assert!(
            after
                .entries
                .iter()
                .all(|e| e.subject_id != Some(maija.id())
                    || e.subject.as_deref() == Some(format!("#{}", maija.id()).as_str())),
            "her name is gone: she is a number"
        );
        // Kept N days: the sweep deletes older entries only.
        let count = audit::count(&db).await.unwrap();
        assert_eq!(audit::sweep(&db, 30, Utc::now()).await.unwrap(), 0);
        assert_eq!(
            audit::sweep(&db, 30, Utc::now() + Duration::days(31))
                .await
                .unwrap(),
            count
        );
    }
}

#[tokio::test]
async fn nobody_acts_for_themselves() {
    for t in common::fresh_databases().await {
        let (db, [kaisa, olli, boss]) = staffed(&t.url).await;
        let (_keys, site) = site();
        let ctx = context(&site);
        let own = coaching::create_group(&db, &kaisa, "Oma").await.unwrap();
        // Staff cannot be members of the groups they coach: not by code,
        // not by invitation.
        on_self(coaching::join(&db, &kaisa, &own.join_code).await);
        on_self(act::invite(&db, &kaisa, own.id, "kaisa").await);
        assert!(coaching::memberships(&db, &kaisa).await.unwrap().is_empty());
        // Staff are not invited into groups at all.
        assert!(matches!(
            act::invite(&db, &kaisa, own.id, "olli").await,
            Err(CoreError::Rejected("no_such_user"))
        ));

        // A coach who joins another coach's group by code and sends
        // evidence cannot approve it himself; neither can an admin who
        // sends evidence. Their own badges they cannot revoke.
        let olli_group = coaching::create_group(&db, &olli, "Ollin").await.unwrap();
        coaching::join(&db, &kaisa, &olli_group.join_code)
            .await
            .unwrap();
        for who in [&kaisa, &boss] {
            submit(&db, who, "first-course", "checked-work", "Tein itse", "")
                .await
                .unwrap();
        }
        let requests: Vec<(i32, i32)> = {
            use polku_core::db::entities::badge_requests;
            use sea_orm::EntityTrait;
            badge_requests::Entity::find()
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|r| (r.id, r.user_id))
                .collect()
        };
        let of = |who: &Actor| requests.iter().find(|(_, u)| *u == who.id()).unwrap().0;
        on_self(act::decide(&db, &ctx, &kaisa, of(&kaisa), Decision::Approve, "").await);
        on_self(act::decide(&db, &ctx, &boss, of(&boss), Decision::Approve, "").await);
        // The group's coach may decide for a coach who joined by code.
        let issued = act::decide(&db, &ctx, &olli, of(&kaisa), Decision::Approve, "")
            .await
            .unwrap()
            .unwrap();
        on_self(act::revoke(&db, &kaisa, issued.id, "oma").await);
        let boss_badge = act::decide(&db, &ctx, &kaisa, of(&boss), Decision::Approve, "").await;
        not_found(boss_badge);
        // Reset codes and roles: never for oneself, whoever asks.
        for who in [&kaisa, &olli, &boss] {
            on_self(act::reset_code(&db, who, who.username()).await);
            on_self(act::set_role(&db, who, who.id(), Role::Admin).await);
        }
        // Staff reset codes only by an admin.
        not_found(act::reset_code(&db, &olli, "kaisa").await);
        act::reset_code(&db, &boss, "kaisa").await.unwrap();
    }
}
