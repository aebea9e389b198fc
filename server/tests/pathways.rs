//! Learning paths: the bundled `pathways.toml` imports; a learner's
//! dashboard shows where she is, her next step and what each step gives;
//! her position follows her courses and badges (a revoked badge is not
//! held); a broken file changes nothing on the site.
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod common;

use common::{ONE_AT_A_TIME, app, app_db, get, person, post_form};
use polku_core::accounts::Role;
use polku_core::db::entities::badge_awards;
use polku_core::pathways::{self, Level, Pathway, Step};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

fn en(text: &str) -> std::collections::BTreeMap<polku_core::Language, String> {
    [(polku_core::Language::En, text.to_owned())].into()
}

#[tokio::test]
async fn the_dashboard_shows_the_learners_place_and_next_step_on_each_path() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, dir) = app().await;
    let maija = person(&dir, "maija", Role::Learner).await;
    let olli = person(&dir, "olli", Role::Learner).await;
    let cookie = |c: &str| format!("{c}; polku_lang=en");

    // The bundled path, at its start.
    let (status, _, page) = get(&app, "/dashboard", Some(&cookie(&maija))).await;
    assert_eq!(status, 200);
    assert!(page.contains("Digital skills for work"), "{page}");
    assert!(page.contains(r#"id="pathway-digital-skills-for-work""#));
    assert!(page.contains("Level 1 of 5: The basics"), "{page}");
    assert!(page.contains("Next step:"));
    let next = &page[page.find("Next step:").unwrap()..];
    let next = &next[..next.find("</p>").unwrap()];
    assert!(
        next.contains(r#"href="/courses/phone-first-steps""#),
        "{next}"
    );
    assert!(next.contains("Getting started with your phone"), "{next}");
    // What the course step gives: its badge.
    assert!(page.contains("Gives the badge: Digital basics"), "{page}");

    // She chooses English (remembered with her account: her milestone
    // badges are worded in it).
    let (status, _, _) = post_form(&app, "/lang", "lang=en&next=/dashboard", Some(&maija)).await;
    assert!(status.is_redirection(), "{status}");
    // Every lesson of level 1's two courses done: level 2, its course next.
    let level_one = [
        ("phone-first-steps", "touchscreen"),
        ("phone-first-steps", "settings"),
        ("phone-first-steps", "apps"),
        ("phone-first-steps", "calls-and-messages"),
        ("phone-first-steps", "camera"),
        ("phone-first-steps", "when-stuck"),
        ("digital-basics", "devices"),
        ("digital-basics", "browser"),
        ("digital-basics", "email"),
        ("digital-basics", "passwords-and-phishing"),
    ];
    for (i, (course, lesson)) in level_one.iter().enumerate() {
        let body = format!("course={course}&lesson={lesson}&done=true");
        let (status, _, _) = post_form(&app, "/api/mark_done", &body, Some(&maija)).await;
        assert!(status.is_redirection(), "{status}");
        if i == 5 {
            // One course of two: still level 1, the next course next.
            let (_, _, page) = get(&app, "/dashboard", Some(&cookie(&maija))).await;
            assert!(page.contains("Level 1 of 5: The basics"), "{page}");
        }
    }
    let (_, _, page) = get(&app, "/dashboard", Some(&cookie(&maija))).await;
    assert!(page.contains("Level 2 of 5: Safe online"), "{page}");
    assert!(page.contains("Level done"));
    // Level 1's milestone badge was issued with the last lesson: the
    // dashboard links it, the wallet holds it; level 2's is still ahead.
    let milestone = badge_awards::Entity::find()
        .filter(badge_awards::Column::PathwaySlug.eq("digital-skills-for-work"))
        .all(&app_db(&dir).await)
        .await
        .unwrap();
    assert_eq!(milestone.len(), 1, "{milestone:?}");
    assert_eq!(milestone[0].badge_slug, "basics");
    assert!(
        page.contains("The level&#x27;s skill badge: Digital skills for work: the basics")
            || page.contains("The level's skill badge: Digital skills for work: the basics"),
        "{page}"
    );
    let link = format!(r#"href="/badges#badge-{}""#, milestone[0].id);
    assert!(page.contains(&link), "{page}");
    assert!(page.contains("You get it when every step of the level is done."));
    let (_, _, wallet) = get(&app, "/badges", Some(&cookie(&maija))).await;
    assert!(
        wallet.contains("Digital skills for work: the basics"),
        "{wallet}"
    );
    // Another learner's place is her own.
    let (_, _, other) = get(&app, "/dashboard", Some(&cookie(&olli))).await;
    assert!(other.contains("Level 1 of 5: The basics"));
    // Signed out: no dashboard.
    let (status, _, _) = get(&app, "/dashboard", None).await;
    assert!(status.is_redirection() || status == 401, "{status}");

    // A path whose step is the badge the course just earned: done while
    // she holds it, not once it is revoked. The path is new, so its
    // milestone is issued when she next opens her dashboard.
    let db = app_db(&dir).await;
    let path = Pathway {
        slug: "badge-path".into(),
        title: en("Badge path"),
        summary: Default::default(),
        levels: vec![Level {
            title: en("Only level"),
            steps: vec![Step::Badge {
                course: "digital-basics".into(),
                badge: "digital-basics".into(),
            }],
            milestone: Some(polku_core::content::BadgeSource {
                slug: "only".into(),
                name: en("Only level done"),
                description: en("Holds the badge."),
                criteria: en("Held the course's badge."),
                rule: Default::default(),
                valid_days: None,
                image: None,
                alignment: Vec::new(),
            }),
        }],
    };
    let report = pathways::import(&db, &[path]).await.unwrap();
    assert_eq!((report.created, report.removed), (1, 1));
    let (_, _, page) = get(&app, "/dashboard", Some(&cookie(&maija))).await;
    assert!(
        !page.contains(r#"id="pathway-digital-skills-for-work""#),
        "the file is the list"
    );
    assert!(
        page.contains("You have taken every step of this path."),
        "{page}"
    );
    let only = badge_awards::Entity::find()
        .filter(badge_awards::Column::PathwaySlug.eq("badge-path"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(only.len(), 1, "issued at the dashboard, once");
    assert!(page.contains(&format!(r#"href="/badges#badge-{}""#, only[0].id)));
    assert!(page.contains("Only level done"), "listed with her badges");
    let (_, _, _) = get(&app, "/dashboard", Some(&cookie(&maija))).await;
    let again = badge_awards::Entity::find()
        .filter(badge_awards::Column::PathwaySlug.eq("badge-path"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    let award = badge_awards::Entity::find()
        .filter(badge_awards::Column::BadgeSlug.eq("digital-basics"))
        .one(&db)
        .await
        .unwrap()
        .expect("the course's badge was issued");
    let mut revoked: badge_awards::ActiveModel = award.into();
    revoked.revoked_at = Set(Some(chrono::Utc::now()));
    revoked.update(&db).await.unwrap();
    let (_, _, page) = get(&app, "/dashboard", Some(&cookie(&maija))).await;
    assert!(page.contains("Level 1 of 1: Only level"), "{page}");
    assert!(page.contains("Not yet"));
}

#[tokio::test]
async fn a_broken_pathways_file_is_reported_and_changes_nothing() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (_app, dir) = app().await;
    let db = app_db(&dir).await;
    let before = pathways::all(&db).await.unwrap();
    assert_eq!(before.len(), 1);

    // The bundled courses with a pathways file naming a course the site
    // does not have.
    let content = tempfile::tempdir().unwrap();
    let bundled = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    std::fs::write(
        content.path().join("pathways.toml"),
        "[[pathway]]\nslug = \"p\"\ntitle = { en = \"P\" }\n[[pathway.level]]\ntitle = { en = \"L\" }\nsteps = [{ course = \"no-such-course\" }]\n",
    )
    .unwrap();
    let problems = server::import_content(&db, content.path()).await.unwrap();
    assert_eq!(problems, 1);
    assert_eq!(pathways::all(&db).await.unwrap(), before);

    // The bundled file imports again unchanged.
    let problems = server::import_content(&db, &bundled).await.unwrap();
    assert_eq!(problems, 0);
    assert_eq!(pathways::all(&db).await.unwrap(), before);
}
