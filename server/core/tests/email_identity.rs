//! A learner confirms her e-mail address by a link sent to it; a site that
//! names holders by e-mail then puts a salted hash of the confirmed address
//! in the badges she earns, and an employer's check compares the address
//! an applicant gives with it. Unconfirmed, changed or other people's
//! addresses never get there.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test loudly"
)]

mod common;

use std::path::Path;
use std::sync::Arc;

use chrono::{Duration, Utc};
use polku_core::accounts::Role;
use polku_core::accounts::email::{confirm, request_confirmation};
use polku_core::badges::award::award_due;
use polku_core::badges::issue::{IssueContext, email_hash};
use polku_core::badges::{Issuer, Known, Outcome, check_badge};
use polku_core::db::entities::{email_confirmations, notifications, users};
use polku_core::notifications::{email_settings, set_email_settings};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;

const PUBLIC: &str = "https://polku.example";

/// The code in the confirmation link the learner was sent.
async fn code_sent_to(db: &sea_orm::DatabaseConnection, user: i32) -> String {
    let note = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user))
        .filter(notifications::Column::Kind.eq("email_confirmation"))
        .all(db)
        .await
        .unwrap()
        .pop()
        .expect("a confirmation notification");
    // She wants no kind by e-mail, but this one goes anyway.
    assert_eq!(note.email_state.as_deref(), Some("pending"));
    note.link.split("code=").nth(1).unwrap().to_owned()
}

fn email_identities(credential: &str) -> Vec<Value> {
    let value: Value = serde_json::from_str(credential).unwrap();
    value["credentialSubject"]["identifier"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["identityType"] == "emailAddress")
        .cloned()
        .collect()
}

#[tokio::test]
async fn a_confirmed_address_names_the_holder_of_her_badges() {
    for t in common::fresh_databases().await {
        let db = polku_core::db::open(&t.url).await.unwrap();
        common::import(&db, &common::fixture("valid")).await;
        let maija = common::person(&db, "maija", Role::Learner).await;
        let pekka = common::person(&db, "pekka", Role::Learner).await;
        let course_id = common::first_course_id(&db).await;

        // No address: nothing to confirm.
        common::rejected(request_confirmation(&db, &maija).await, "email_missing");
        set_email_settings(&db, &maija, Some("Maija@Example.org".into()), &[], false)
            .await
            .unwrap();
        request_confirmation(&db, &maija).await.unwrap();
        let code = code_sent_to(&db, maija.id()).await;
        // The e-mail goes out, though she wants no kind by e-mail.
        let due = polku_core::notifications::claim_due(&db, Utc::now(), 10)
            .await
            .unwrap();
        let mail = due
            .iter()
            .find(|m| m.kind == polku_core::notifications::NotificationKind::EmailConfirmation)
            .expect("the confirmation e-mail is sent");
        assert_eq!(mail.to, "Maija@Example.org");
        assert!(mail.link.ends_with(&code), "{}", mail.link);
        // Not again at once; a wrong code confirms nothing.
        common::rejected(
            request_confirmation(&db, &maija).await,
            "confirmation_sent_recently",
        );
        common::rejected(confirm(&db, "not-the-code").await, "confirmation_invalid");
        assert!(
            !email_settings(&db, &maija, true)
                .await
                .unwrap()
                .email_confirmed
        );
        assert_eq!(confirm(&db, &code).await.unwrap(), "Maija@Example.org");
        assert!(
            email_settings(&db, &maija, true)
                .await
                .unwrap()
                .email_confirmed
        );
        // A link works once.
        common::rejected(confirm(&db, &code).await, "confirmation_invalid");
        common::rejected(request_confirmation(&db, &maija).await, "email_confirmed");

        // Pekka's link stops working when he changes his address, and an
        // ended link confirms nothing.
        set_email_settings(&db, &pekka, Some("pekka@example.org".into()), &[], false)
            .await
            .unwrap();
        request_confirmation(&db, &pekka).await.unwrap();
        let old = code_sent_to(&db, pekka.id()).await;
        set_email_settings(&db, &pekka, Some("pekka@other.example".into()), &[], false)
            .await
            .unwrap();
        common::rejected(confirm(&db, &old).await, "confirmation_invalid");
        email_confirmations::Entity::delete_many()
            .exec(&db)
            .await
            .unwrap();
        request_confirmation(&db, &pekka).await.unwrap();
        let late = code_sent_to(&db, pekka.id()).await;
        let mut waiting: email_confirmations::ActiveModel =
            email_confirmations::Entity::find_by_id(pekka.id())
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .into();
        waiting.expires_at = Set(Utc::now() - Duration::minutes(1));
        waiting.update(&db).await.unwrap();
        common::rejected(confirm(&db, &late).await, "confirmation_invalid");
        let pekka_row = users::Entity::find_by_id(pekka.id())
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert!(pekka_row.email_confirmed_at.is_none());

        // A site that names holders by e-mail: Maija's badge carries a
        // salted hash of her confirmed address, and a check compares an
        // address with it.
        let dir = tempfile::tempdir().unwrap();
        let mut issuer = Issuer::open(PUBLIC, &dir.path().join("keys.json")).unwrap();
        issuer.email_recipients = true;
        let site = Arc::new(issuer);
        let ctx = IssueContext {
            issuer: &site,
            public_url: PUBLIC,
            issuer_name: "Polku",
        };
        for who in [&maija, &pekka] {
            polku_core::progress::set_done(&db, who, "first-course", "welcome", true)
                .await
                .unwrap();
        }
        let badge = award_due(&db, &ctx, &maija, course_id)
            .await
            .unwrap()
            .remove(0);
        let identities = email_identities(&badge.credential);
        assert_eq!(identities.len(), 1, "{}", t.backend);
        let salt = identities[0]["salt"].as_str().unwrap();
        assert_eq!(identities[0]["hashed"], true);
        assert_eq!(
            identities[0]["identityHash"],
            email_hash("maija@example.org", salt)
        );
        assert!(
            !badge
                .credential
                .to_lowercase()
                .contains("maija@example.org")
        );
        let known = Known::site(site.clone(), "Polku", PUBLIC);
        let verdict = check_badge(&badge.credential, &known, Utc::now());
        assert_eq!(verdict.outcome, Outcome::Valid, "{verdict:#?}");
        assert_eq!(
            verdict.claims.issued_to_email(" MAIJA@example.org "),
            Some(true)
        );
        assert_eq!(
            verdict.claims.issued_to_email("pekka@example.org"),
            Some(false)
        );
        // Pekka's address is not confirmed: his badge names no address.
        let his = award_due(&db, &ctx, &pekka, course_id)
            .await
            .unwrap()
            .remove(0);
        assert!(email_identities(&his.credential).is_empty());
        let verdict = check_badge(&his.credential, &known, Utc::now());
        assert_eq!(verdict.claims.issued_to_email("pekka@other.example"), None);

        if let (Ok(out), "sqlite") = (std::env::var("POLKU_CONFORMANCE_DIR"), t.backend) {
            let out = Path::new(&out);
            std::fs::create_dir_all(out).unwrap();
            std::fs::write(out.join("email-recipient.json"), &badge.credential).unwrap();
            std::fs::write(
                out.join("email-recipient-did.json"),
                site.did_document().to_string(),
            )
            .unwrap();
        }
    }
}
