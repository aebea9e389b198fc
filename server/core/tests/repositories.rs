//! Course repositories imported as plain folders, as they are published:
//! lessons in sub-folders become modules (nothing is skipped silently),
//! generic folder names (`data`, `episodes`) do not become slugs, the
//! language is detected from the text, and a different course whose slug
//! is taken is refused instead of overwriting the first.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::path::Path;

use common::{copy_dir, fixture, fresh_databases};
use polku_core::Language;
use polku_core::content::{
    LanguageChoice, Overrides, Taken, load_course_dir, load_course_dir_with,
};
use polku_core::courses::import_courses;
use polku_core::db::entities::{course_texts, courses, lesson_texts, lessons};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

fn repo(path: &str) -> std::path::PathBuf {
    fixture("repos").join(path)
}

/// Every file under `dir`, hidden folders counted as one entry.
fn files_under(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            let hidden = e.file_name().to_string_lossy().starts_with('.');
            if e.file_type().unwrap().is_dir() && !hidden {
                files_under(&e.path())
            } else {
                1
            }
        })
        .sum()
}

#[test]
fn lessons_in_sub_folders_become_modules_in_natural_order() {
    let dir = repo("python-mooc/data");
    let (course, problems) = load_course_dir(&dir);
    assert_eq!(problems, vec![]);
    let course = course.unwrap();
    // "data" says nothing: the slug comes from the title of index.md.
    assert_eq!(course.slug, "introduction-to-programming");
    assert_eq!(course.texts[0].title, "Introduction to Programming");
    // English, detected from the prose (the code blocks left out).
    assert_eq!(course.default_language, Language::En);
    assert!(matches!(
        course.language_choice,
        Some(LanguageChoice::Detected {
            language: Language::En,
            ..
        })
    ));

    let modules: Vec<(&str, &str)> = course
        .modules
        .iter()
        .map(|m| (m.slug.as_str(), m.titles[&Language::En].as_str()))
        .collect();
    // part-2 before part-10; a module without an index.md is named by
    // its first lesson.
    assert_eq!(
        modules,
        [
            ("part-1", "Part 1"),
            ("part-2", "Part 2"),
            ("part-10", "Objects and classes")
        ]
    );
    let lessons: Vec<(&str, Option<&str>, u32, &str)> = course
        .lessons
        .iter()
        .map(|l| {
            (
                l.slug.as_str(),
                l.module.as_deref(),
                l.number,
                l.variants[0].title.as_str(),
            )
        })
        .collect();
    assert_eq!(
        lessons,
        [
            ("index", None, 1, "Introduction to Programming"),
            ("faq", None, 2, "Frequently asked questions"),
            ("part-1", Some("part-1"), 1, "Part 1"),
            ("1-getting-started", Some("part-1"), 2, "Getting started"),
            (
                "2-information-from-the-user",
                Some("part-1"),
                3,
                "Information from the user"
            ),
            // A deeper folder is flattened into its module, in order.
            ("deep-dive", Some("part-1"), 4, "More about printing"),
            ("part-2", Some("part-2"), 1, "Part 2"),
            (
                "1-programming-terminology",
                Some("part-2"),
                2,
                "Programming terminology"
            ),
            (
                "1-objects-and-classes",
                Some("part-10"),
                1,
                "Objects and classes"
            ),
        ]
    );
    // A picture next to the lesson, in a sub-folder of its module.
    let getting_started = &course.lessons[3].variants[0];
    assert!(
        getting_started.body_html.contains(
            "src=\"/media/introduction-to-programming/part-1/img/hello.png\" alt=\"The output of the first program\""
        ),
        "{}",
        getting_started.body_html
    );

    // Every file is accounted for: taken as what, or left out and why.
    assert_eq!(course.files.len(), files_under(&dir), "{:#?}", course.files);
    let fate = |path: &str| {
        course
            .files
            .iter()
            .find(|f| f.path == format!("data/{path}"))
            .map(|f| f.taken.clone())
            .unwrap_or_else(|| panic!("{path} not accounted for: {:#?}", course.files))
    };
    assert_eq!(
        fate("part-1/extra/deep-dive.md"),
        Taken::Lesson("deep-dive".into())
    );
    assert_eq!(fate("part-1/img/hello.png"), Taken::Media);
    // A picture no lesson shows is not imported.
    assert!(
        matches!(fate("part-2/unused.png"), Taken::LeftOut(why) if why.contains("no lesson shows it"))
    );
    assert_eq!(course.media.len(), 1);
    assert!(
        matches!(fate("config.yml"), Taken::LeftOut(why) if why.contains("not a lesson (.md) or a media file"))
    );
    assert!(matches!(fate(".github"), Taken::LeftOut(why) if why.contains("hidden")));
}

#[test]
fn a_generic_folder_takes_the_title_of_its_lesson_sites_configuration() {
    // episodes/ has no README or index.md: the lesson's config.yaml above
    // it names the course.
    let (course, problems) = load_course_dir(&repo("shell-novice/episodes"));
    assert!(problems.iter().all(|p| p.warning), "{problems:?}");
    let course = course.unwrap();
    assert_eq!(course.slug, "the-unix-shell");
    assert_eq!(course.texts[0].title, "The Unix Shell");
    assert_eq!(course.default_language, Language::En);
    let titles: Vec<&str> = course
        .lessons
        .iter()
        .map(|l| l.variants[0].title.as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "Introducing the Shell",
            "Navigating Files and Directories",
            "Pipes and Filters"
        ]
    );
}

#[test]
fn pandoc_divs_attributes_and_custom_elements_render_as_a_learner_needs() {
    let (course, problems) = load_course_dir(&repo("shell-novice/episodes"));
    let course = course.unwrap();
    let html = &course.lessons[2].variants[0].body_html;
    // Divs become callouts, a solution an answer shown when asked for;
    // a fence inside code stays code.
    for expected in [
        "<aside class=\"callout callout-note\"><p class=\"callout-label\">Questions</p>",
        "<aside class=\"callout callout-tip\"><p class=\"callout-label\">Try it yourself</p>",
        "<details class=\"callout callout-note\"><summary class=\"callout-label\">Model answer</summary>",
        "<code>wc -l *.pdb | sort -n</code>: the pipe sorts the counts.</p>\n</details>",
        "</span> this fence is code, not a div",
        // Code is highlighted at import: classes, not scripts.
        "<pre><code><span class=\"hl-function\">wc</span> -l",
        "<aside class=\"callout callout-important\"><p class=\"callout-label\">Key points</p>",
        // Pandoc's alt attribute, an explicitly decorative picture, and a
        // picture without a description named by its file (with a warning).
        "alt=\"Two commands joined by a pipe: the output of the first flows into the second\"",
        "rule.svg\" alt=\"\"",
        "alt=\"Picture: pipe\"",
        // An unknown element keeps its text.
        "Write a command that prints the number of lines in every text file.",
    ] {
        assert!(html.contains(expected), "{expected:?} not in:\n{html}");
    }
    assert!(
        !html.contains("{alt=")
            && !html.contains(":::::")
            && !html.contains("programming-exercise"),
        "{html}"
    );
    let warnings: Vec<String> = problems
        .iter()
        .filter(|p| p.path.ends_with("03-pipes.md"))
        .map(ToString::to_string)
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("03-pipes.md:17: warning: the image fig/pipe.svg has no alt text"),
        "{warnings:?}"
    );
}

#[test]
fn generic_folders_are_passed_over_up_to_a_name_that_says_something() {
    // src/content of a course site without a title anywhere: neither
    // name says anything, the repository's does.
    let (course, problems) = load_course_dir(&repo("open-course/src/content"));
    assert_eq!(problems, vec![]);
    let course = course.unwrap();
    assert_eq!(course.slug, "open-course");
    assert_eq!(course.texts[0].title, "open course");
    assert_eq!(course.modules[0].slug, "part-1");
}

#[test]
fn the_language_is_detected_and_can_be_given() {
    let (fi, _) = load_course_dir(&repo("a/kurssi"));
    assert_eq!(fi.unwrap().default_language, Language::Fi);
    let (sv, _) = load_course_dir(&repo("b/kurssi"));
    let sv = sv.unwrap();
    assert_eq!(sv.default_language, Language::Sv);
    assert_eq!(sv.lessons[0].variants[0].language, Language::Sv);

    let given = Overrides {
        language: Some(Language::En),
        slug: Some("my-course".into()),
    };
    let (course, problems) = load_course_dir_with(&repo("b/kurssi"), &given);
    assert_eq!(problems, vec![]);
    let course = course.unwrap();
    assert_eq!(
        course.language_choice,
        Some(LanguageChoice::Given(Language::En))
    );
    assert_eq!(course.default_language, Language::En);
    assert_eq!(course.slug, "my-course");

    // course.toml declares its languages: --language is refused with a
    // problem and ignored; --slug applies.
    let (course, problems) = load_course_dir_with(&fixture("valid/first-course"), &given);
    let course = course.unwrap();
    assert_eq!(course.slug, "my-course");
    assert_eq!(course.default_language, Language::Fi);
    assert!(
        problems.iter().any(|p| p
            .message
            .contains("--language is only for folders without one")),
        "{problems:?}"
    );
}

#[tokio::test]
async fn a_different_course_with_a_taken_slug_is_refused_and_the_same_one_updates() {
    for test in fresh_databases().await {
        let db = polku_core::db::open(&test.url).await.unwrap();
        let work = tempfile::tempdir().unwrap();
        let first = work.path().join("one/kurssi");
        let second = work.path().join("two/kurssi");
        copy_dir(&repo("a/kurssi"), &first);
        copy_dir(&repo("b/kurssi"), &second);

        let (one, _) = load_course_dir(&first);
        let report = import_courses(&db, &[one.unwrap()]).await.unwrap();
        assert_eq!((report.created, report.refused.len()), (1, 0));

        // Another folder with the same name: another course, refused.
        let (two, _) = load_course_dir(&second);
        let two = two.unwrap();
        assert_eq!(two.slug, "kurssi");
        let report = import_courses(&db, &[two]).await.unwrap();
        assert_eq!((report.created, report.updated), (0, 0), "{}", test.backend);
        assert_eq!(report.refused.len(), 1);
        let message = report.refused[0].to_string();
        assert!(
            message.contains(&first.canonicalize().unwrap().display().to_string())
                && message.contains(&second.canonicalize().unwrap().display().to_string())
                && message.contains("--slug"),
            "{message}"
        );
        // Nothing of the first course was touched.
        let course = courses::Entity::find().one(&db).await.unwrap().unwrap();
        assert_eq!(course.default_language, "fi");
        let titles: Vec<String> = lesson_texts::Entity::find()
            .inner_join(lessons::Entity)
            .filter(lessons::Column::CourseId.eq(course.id))
            .filter(lessons::Column::Archived.eq(false))
            .order_by_asc(lessons::Column::Position)
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.title)
            .collect();
        assert_eq!(titles, ["Sähköposti", "Selain"], "{}", test.backend);

        // Under a slug of its own, it imports.
        let given = Overrides {
            slug: Some("kurssi-sv".into()),
            language: None,
        };
        let (two, _) = load_course_dir_with(&second, &given);
        let report = import_courses(&db, &[two.unwrap()]).await.unwrap();
        assert_eq!((report.created, report.refused.len()), (1, 0));
        let texts = course_texts::Entity::find().all(&db).await.unwrap();
        assert_eq!(texts.len(), 2);

        // The same folder, changed, updates its course as before.
        std::fs::write(
            first.join("03-uusi.md"),
            "# Uusi oppitunti\n\nTämä on uusi oppitunti kurssissa.\n",
        )
        .unwrap();
        let (one, _) = load_course_dir(&first);
        let report = import_courses(&db, &[one.unwrap()]).await.unwrap();
        assert_eq!((report.updated, report.refused.len()), (1, 0));

        // A course.toml course is its slug, wherever its folder now is (a
        // release unpacked in a new place): moved, it updates.
        for place in ["old", "new"] {
            let folder = work.path().join(place).join("first-course");
            copy_dir(&fixture("valid/first-course"), &folder);
            let (course, _) = load_course_dir(&folder);
            let report = import_courses(&db, &[course.unwrap()]).await.unwrap();
            assert_eq!(report.refused, vec![], "{place}");
        }
        // But a plain folder may not take a course.toml course's slug.
        let plain = work.path().join("three/first-course");
        copy_dir(&repo("a/kurssi"), &plain);
        let (course, _) = load_course_dir(&plain);
        let report = import_courses(&db, &[course.unwrap()]).await.unwrap();
        assert_eq!(report.refused.len(), 1, "{}", test.backend);
    }
}

#[tokio::test]
async fn a_nested_lesson_keeps_its_pictures_when_edited_and_exported() {
    use polku_core::authoring::{self, AdminToken};
    use polku_core::courses::{export_course, write_folder};
    for test in fresh_databases().await {
        let db = polku_core::db::open(&test.url).await.unwrap();
        let (course, _) = load_course_dir(&repo("python-mooc/data"));
        import_courses(&db, &[course.unwrap()]).await.unwrap();

        // In the browser editor, the pictures of a lesson from a deeper
        // folder (part-1/extra/) are found where its file was, and it
        // publishes.
        let token = AdminToken::new("a-long-enough-admin-token");
        let grant = token.grant(Some(&token.cookie_value())).unwrap();
        let slug = "introduction-to-programming";
        let editing = authoring::editing(&db, &grant, slug, "deep-dive", Language::En)
            .await
            .unwrap();
        let text = editing.text.replace("several values", "many values");
        let saved = authoring::save(&db, &grant, slug, "deep-dive", Language::En, &text, true)
            .await
            .unwrap();
        assert!(saved.published, "{:?} ({})", saved.problems, test.backend);

        // Exported in course.toml form, the lesson moves into 03-part-1/:
        // its picture reference follows, and the export imports cleanly.
        let files = export_course(&db, slug).await.unwrap();
        let out = tempfile::tempdir().unwrap();
        write_folder(&out.path().join(slug), &files).unwrap();
        let exported =
            std::fs::read_to_string(out.path().join(slug).join("03-part-1/04-deep-dive.md"))
                .unwrap();
        assert!(
            exported.contains("(../part-1/img/hello.png)") && exported.contains("many values"),
            "{exported}"
        );
        let (again, problems) = load_course_dir(&out.path().join(slug));
        assert_eq!(problems, vec![], "{}", test.backend);
        let again = again.unwrap();
        let html = &again
            .lessons
            .iter()
            .find(|l| l.slug == "deep-dive")
            .unwrap()
            .variants[0]
            .body_html;
        assert!(
            html.contains("src=\"/media/introduction-to-programming/part-1/img/hello.png\""),
            "{html}"
        );
    }
}

#[test]
fn language_folders_become_the_languages_of_each_lesson() {
    // A course site's parts, each with a folder per language (as the
    // University of Helsinki's full stack course has them).
    let (course, problems) = load_course_dir(&repo("multilingual/site/src/content"));
    let course = course.unwrap();
    assert_eq!(course.slug, "multilingual");
    // fi and en have as many lessons: Finnish wins the tie.
    assert_eq!(course.default_language, Language::Fi);
    assert_eq!(
        course.language_choice,
        Some(LanguageChoice::Folders(Language::Fi))
    );
    type Lesson<'a> = (&'a str, Option<&'a str>, Vec<(Language, &'a str)>);
    let lessons: Vec<Lesson<'_>> = course
        .lessons
        .iter()
        .map(|l| {
            (
                l.slug.as_str(),
                l.module.as_deref(),
                l.variants
                    .iter()
                    .map(|v| (v.language, v.title.as_str()))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        lessons,
        [
            (
                "osa1a",
                Some("1"),
                vec![
                    (Language::Fi, "Verkkosivun osoite"),
                    (Language::En, "The address of a web page")
                ]
            ),
            (
                "osa1b",
                Some("1"),
                vec![
                    (Language::Fi, "Selaimen välilehdet"),
                    (Language::En, "Browser tabs")
                ]
            ),
            (
                "osa2a",
                Some("2"),
                vec![
                    (Language::Fi, "Hakukone"),
                    (Language::En, "The search engine"),
                    (Language::Sv, "Sökmotorn")
                ]
            ),
        ]
    );
    assert_eq!(problems, vec![]);
    // Spanish is not a language of Polku: left out, and said so.
    let spanish = course
        .files
        .iter()
        .find(|f| f.path.ends_with("es/parte1a.md"))
        .unwrap();
    assert!(
        matches!(&spanish.taken, Taken::LeftOut(why) if why.contains("a language Polku does not offer")),
        "{spanish:?}"
    );
}
