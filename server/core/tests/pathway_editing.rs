//! Admins edit the site's pathways in the browser as the content file's
//! text: only admins; a text with problems is kept as a draft with its
//! lines, never published; what an admin published stays through imports
//! of an unchanged file (as a lesson edited in the browser does) and the
//! file wins again once the file's pathway changes.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use polku_core::CoreError;
use polku_core::Language;
use polku_core::accounts::Role;
use polku_core::db::entities::audit_events;
use polku_core::pathways::{
    self, Level, Pathway, Step, discard_draft, editor, parse, save_text, to_toml,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

fn en(text: &str) -> BTreeMap<Language, String> {
    BTreeMap::from([(Language::En, text.to_owned())])
}

fn file_path(title: &str) -> Pathway {
    Pathway {
        slug: "file-path".into(),
        title: en(title),
        summary: en("From the file."),
        levels: vec![Level {
            title: en("One"),
            steps: vec![
                Step::Course {
                    course: "first-course".into(),
                },
                Step::Badge {
                    course: "first-course".into(),
                    badge: "first-steps".into(),
                },
            ],
            milestone: None,
        }],
    }
}

fn titles(pathways: &[Pathway]) -> Vec<String> {
    pathways
        .iter()
        .map(|p| p.title[&Language::En].clone())
        .collect()
}

#[tokio::test]
async fn admins_edit_pathways_in_the_browser_and_imports_respect_it() {
    for t in common::fresh_databases().await {
        let db = polku_core::db::open(&t.url).await.unwrap();
        common::import(&db, &common::fixture("valid")).await;
        pathways::import(&db, &[file_path("From the file")])
            .await
            .unwrap();
        let admin = common::person(&db, "admin", Role::Admin).await;
        let coach = common::person(&db, "kaisa", Role::Coach).await;
        let learner = common::person(&db, "maija", Role::Learner).await;

        // Only an admin reads or writes them (the coach and the learner,
        // also on themselves, are refused).
        for who in [&coach, &learner] {
            assert!(matches!(editor(&db, who).await, Err(CoreError::Forbidden)));
            assert!(matches!(
                save_text(&db, who, "", true).await,
                Err(CoreError::Forbidden)
            ));
            assert!(matches!(
                discard_draft(&db, who).await,
                Err(CoreError::Forbidden)
            ));
        }

        // The editor shows the site's pathways as the file's text, which
        // reads back the same.
        let shown = editor(&db, &admin).await.unwrap();
        assert!(!shown.draft);
        let (read, problems) = parse(Path::new("x.toml"), &shown.text);
        assert!(problems.is_empty(), "{problems:?}\n{}", shown.text);
        assert_eq!(read[0].pathway, file_path("From the file"));

        // A text with a problem is not published: kept as her draft, the
        // problem with its line; learners still see the file's pathway.
        let broken = shown
            .text
            .replace("first-course/first-steps", "first-course/no-such-badge");
        let saved = save_text(&db, &admin, &broken, true).await.unwrap();
        assert!(!saved.published);
        let line = broken
            .lines()
            .position(|l| l.contains("no-such-badge"))
            .unwrap()
            + 1;
        assert_eq!(saved.problems[0].line, Some(line), "{:?}", saved.problems);
        assert!(
            saved.problems[0]
                .message
                .contains("no badge \"no-such-badge\"")
        );
        let again = editor(&db, &admin).await.unwrap();
        assert!(again.draft);
        assert_eq!(again.text, broken, "what she typed is kept");
        assert_eq!(again.problems, saved.problems);
        assert_eq!(
            titles(&pathways::all(&db).await.unwrap()),
            ["From the file"]
        );
        discard_draft(&db, &admin).await.unwrap();
        assert!(!editor(&db, &admin).await.unwrap().draft);

        // Published: the file's pathway renamed, and one of her own added.
        let mut own = file_path("Her own path");
        own.slug = "own-path".into();
        let text = to_toml(&[file_path("Renamed in the browser"), own]);
        let saved = save_text(&db, &admin, &text, true).await.unwrap();
        assert!(saved.published, "{:?}", saved.problems);
        assert_eq!(
            titles(&pathways::all(&db).await.unwrap()),
            ["Renamed in the browser", "Her own path"]
        );
        let audited = audit_events::Entity::find()
            .filter(audit_events::Column::Action.eq("pathways_edited"))
            .filter(audit_events::Column::ActorId.eq(admin.id()))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(audited.len(), 1, "{}", t.backend);

        // The server starts again with the same file: nothing of hers is lost.
        let report = pathways::import(&db, &[file_path("From the file")])
            .await
            .unwrap();
        assert_eq!(
            (report.kept_from_browser, report.removed),
            (1, 0),
            "{report:?}"
        );
        assert_eq!(
            titles(&pathways::all(&db).await.unwrap()),
            ["Renamed in the browser", "Her own path"]
        );

        // She takes the file's pathway off the site: it stays off through
        // an import of the unchanged file.
        let mut own = file_path("Her own path");
        own.slug = "own-path".into();
        save_text(&db, &admin, &to_toml(&[own]), true)
            .await
            .unwrap();
        assert_eq!(titles(&pathways::all(&db).await.unwrap()), ["Her own path"]);
        pathways::import(&db, &[file_path("From the file")])
            .await
            .unwrap();
        assert_eq!(titles(&pathways::all(&db).await.unwrap()), ["Her own path"]);

        // The file's pathway changes: the file wins again; hers stays.
        pathways::import(&db, &[file_path("A new version in the file")])
            .await
            .unwrap();
        let mut shown = titles(&pathways::all(&db).await.unwrap());
        shown.sort();
        assert_eq!(
            shown,
            ["A new version in the file", "Her own path"],
            "{}",
            t.backend
        );
    }
}
