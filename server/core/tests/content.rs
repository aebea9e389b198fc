//! Content loading against fixtures and the bundled courses: valid content
//! loads without a problem, broken files are reported as `path:line: message`
//! and never stop the rest.

use std::path::{Path, PathBuf};

use polku_core::Language;
use polku_core::content::load_dir;

fn fixtures(name: &str) -> PathBuf {
    Path::new(&manifest_dir()).join("tests/fixtures").join(name)
}

#[test]
fn the_bundled_courses_pass_the_plain_language_check() {
    let root = Path::new(&manifest_dir()).join("../../content");
    let (_, problems) = load_dir(&root);
    let advice: Vec<String> = problems
        .iter()
        .filter(|p| p.advice)
        .map(ToString::to_string)
        .collect();
    // None left (136 when the check came in): the official names a
    // learner needs to recognise (työturvallisuuskortti,
    // sysselsättningstjänster…) are the lessons' `terms`.
    assert!(
        advice.is_empty(),
        "{} plain-language notes: revise the new text (or name a term the learner must recognise in the lesson's `terms`)\n{}",
        advice.len(),
        advice.join("\n")
    );
}

#[test]
fn every_bundled_course_loads_without_a_problem() {
    let root = Path::new(&manifest_dir()).join("../../content");
    let (courses, problems) = load_dir(&root);
    let problems: Vec<String> = problems
        .iter()
        .filter(|p| !p.advice)
        .map(ToString::to_string)
        .collect();
    assert_eq!(problems, Vec::<String>::new());
    assert!(!courses.is_empty(), "content/ has no course");
    for course in &courses {
        assert!(
            course.lessons.len() >= 3,
            "{} has only {} lessons",
            course.slug,
            course.lessons.len()
        );
        for lesson in &course.lessons {
            let languages: Vec<Language> = lesson.variants.iter().map(|v| v.language).collect();
            assert!(
                languages.contains(&Language::Fi) && languages.contains(&Language::En),
                "{}/{}: {languages:?}",
                course.slug,
                lesson.slug
            );
        }
    }
}

/// The bundled curriculum as a whole: every lesson in Finnish, Swedish and
/// English, the pathways file clean against the courses, and every
/// competence a bundled badge or milestone stands for an entry of a
/// bundled framework (DigComp 2.2 or ESCO) with its official identifier.
#[test]
fn the_bundled_curriculum_is_whole_and_every_alignment_resolves() {
    use polku_core::frameworks;
    use polku_core::pathways;
    let root = Path::new(&manifest_dir()).join("../../content");
    let (courses, _) = load_dir(&root);
    let mut alignments = Vec::new();
    let mut lessons = 0;
    for course in &courses {
        for lesson in &course.lessons {
            lessons += 1;
            let languages: Vec<Language> = lesson.variants.iter().map(|v| v.language).collect();
            for language in Language::ALL {
                assert!(
                    languages.contains(&language),
                    "{}/{} has no {language:?} text",
                    course.slug,
                    lesson.slug
                );
            }
        }
        assert!(!course.badges.is_empty(), "{} has no badge", course.slug);
        for badge in &course.badges {
            alignments.extend(
                badge
                    .alignment
                    .iter()
                    .map(|a| (badge.slug.clone(), a.clone())),
            );
        }
    }
    assert!(lessons >= 40, "{lessons} lessons in the curriculum");
    let (sources, problems) = pathways::load(&root).expect("content/pathways.toml");
    assert!(problems.is_empty(), "{problems:?}");
    let known: pathways::Known = courses
        .iter()
        .map(|c| {
            (
                c.slug.clone(),
                c.badges.iter().map(|b| b.slug.clone()).collect(),
            )
        })
        .collect();
    let (kept, problems) = pathways::check(sources, &known);
    assert!(problems.is_empty(), "{problems:?}");
    for source in &kept {
        for level in &source.pathway.levels {
            let milestone = level
                .milestone
                .as_ref()
                .expect("every level has a milestone");
            alignments.extend(
                milestone
                    .alignment
                    .iter()
                    .map(|a| (milestone.slug.clone(), a.clone())),
            );
        }
    }
    assert!(!alignments.is_empty());
    let mut used = std::collections::BTreeSet::new();
    for (badge, a) in &alignments {
        let resolved = frameworks::resolve(&a.framework, a.code.as_deref(), a.url.as_deref());
        let (framework, entry) =
            resolved.unwrap_or_else(|| panic!("{badge}: {a:?} is no bundled framework's entry"));
        used.insert(framework.name.clone());
        assert_eq!(a.url.as_deref(), Some(entry.url.as_str()), "{badge}: {a:?}");
    }
    assert!(used.contains("DigComp 2.2"), "{used:?}");
    assert!(used.contains("ESCO"), "{used:?}");
}

#[test]
fn valid_fixture_loads_with_variants_and_titles() {
    let (courses, problems) = load_dir(&fixtures("valid"));
    let problems: Vec<_> = problems.iter().filter(|p| !p.advice).collect();
    assert!(problems.is_empty(), "{problems:?}");
    let [course, plain] = courses.as_slice() else {
        panic!("expected two courses, got {}", courses.len())
    };
    assert_eq!(course.slug, "first-course");
    assert_eq!(course.default_language, Language::Fi);
    assert_eq!(course.texts.len(), 2);
    let slugs: Vec<&str> = course.lessons.iter().map(|l| l.slug.as_str()).collect();
    assert_eq!(slugs, ["welcome", "no-front-matter", "rich"]);
    let welcome = &course.lessons[0];
    assert_eq!(welcome.variants[0].language, Language::Fi);
    assert_eq!(welcome.variants[0].title, "Tervetuloa");
    assert_eq!(
        welcome.variants[0].objectives,
        ["Tiedät, miten kurssi etenee"]
    );
    assert_eq!(welcome.variants[1].language, Language::En);
    assert!(
        welcome.variants[1]
            .body_html
            .contains("<strong>first</strong>")
    );
    assert_eq!(
        welcome.variants[1].source_path,
        "first-course/01-welcome.en.md"
    );
    // A title from the first heading is taken out of the body (no second H1).
    let untitled = &course.lessons[1].variants[0];
    assert_eq!(untitled.title, "Otsikko tiedostosta");
    assert!(
        !untitled.body_html.contains("<h1"),
        "{}",
        untitled.body_html
    );
    assert_eq!(untitled.minutes, 1);

    // The module folder: its lesson, its title, media and every block kind.
    let rich = &course.lessons[2];
    assert_eq!(rich.module.as_deref(), Some("more"));
    assert_eq!(course.modules.len(), 1);
    assert_eq!(course.modules[0].titles[&Language::En], "More");
    let paths: Vec<&str> = course.media.iter().map(|m| m.path.as_str()).collect();
    assert_eq!(
        paths,
        ["media/clip.fi.vtt", "media/clip.mp4", "media/pic.png"]
    );
    let variant = &rich.variants[0];
    assert_eq!(variant.quizzes.len(), 3);
    let anchors: Vec<&str> = variant.headings.iter().map(|h| h.anchor.as_str()).collect();
    assert_eq!(
        anchors,
        ["h-kuva-ja-video", "h-tietovisa", "h-tehtävä", "h-tehtävä-2"]
    );

    // A plain folder: README first and its heading as the course title,
    // titles from YAML front matter or the first heading, images found.
    assert_eq!(plain.slug, "plain-notes");
    assert_eq!(plain.texts[0].title, "Omat muistiinpanot");
    let titles: Vec<&str> = plain
        .lessons
        .iter()
        .map(|l| l.variants[0].title.as_str())
        .collect();
    assert_eq!(
        titles,
        ["Omat muistiinpanot", "Selaimen käyttö", "Yksinäinen"]
    );
    let slugs: Vec<&str> = plain.lessons.iter().map(|l| l.slug.as_str()).collect();
    assert_eq!(slugs, ["readme", "01-selain", "02-turvallinen-sahkoposti"]);
    assert!(
        plain.lessons[1].variants[0].body_html.contains(
            "<img src=\"/media/plain-notes/img/address-bar.png\" alt=\"Selaimen osoiterivi\""
        ),
        "{}",
        plain.lessons[1].variants[0].body_html
    );
}

#[test]
fn rendered_lessons_match_their_snapshots() {
    let (courses, _) = load_dir(&fixtures("valid"));
    for lesson in &courses[0].lessons {
        for variant in &lesson.variants {
            let name = variant.source_path.replace(['/', '.'], "_");
            insta::assert_snapshot!(name, variant.body_html);
        }
    }
    let root = Path::new(&manifest_dir()).join("../../content");
    let (bundled, _) = load_dir(&root);
    let course = bundled.iter().find(|c| c.slug == "digital-basics").unwrap();
    let variant = &course.lessons[3].variants[0];
    insta::assert_snapshot!("bundled_passwords_and_phishing_fi", variant.body_html);
}

/// The exact problems of the invalid fixtures, one per line, in
/// `fixtures/invalid/expected-problems.txt`.
#[test]
fn invalid_fixtures_report_exact_problems_and_keep_the_rest() {
    let root = fixtures("invalid");
    let (courses, problems) = load_dir(&root);
    let shown: Vec<String> = problems
        .iter()
        .map(|p| p.to_string().replace(&format!("{}/", root.display()), ""))
        .collect();
    let expected = std::fs::read_to_string(root.join("expected-problems.txt")).unwrap();
    let expected: Vec<&str> = expected.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(shown, expected, "actual:\n{}", shown.join("\n"));

    // The broken files are skipped; the good lessons of the same course load.
    let slugs: Vec<(&str, Vec<&str>)> = courses
        .iter()
        .map(|c| {
            (
                c.slug.as_str(),
                c.lessons.iter().map(|l| l.slug.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        slugs,
        [
            ("blocks", vec!["quizzes"]),
            ("mixed", vec!["good", "script"])
        ]
    );
    // A lesson with broken blocks still shows its text and its good parts.
    let blocks = &courses[0].lessons[0].variants[0];
    assert!(
        blocks
            .body_html
            .contains("The lesson still shows this text.")
    );
    assert!(
        blocks
            .body_html
            .contains("src=\"/media/blocks/media/ok.png\"")
    );
    assert!(blocks.quizzes.is_empty(), "{:?}", blocks.quizzes);
    let html = &courses[1].lessons[1].variants[0].body_html;
    assert!(
        !html.contains("<script") && !html.contains("javascript:"),
        "{html}"
    );
}

/// This package's folder, read when the test runs (cargo sets it): a test
/// binary built in another clone sharing the target directory must still
/// read this clone's files.
#[expect(clippy::unwrap_used, reason = "cargo always sets it for tests")]
fn manifest_dir() -> String {
    std::env::var("CARGO_MANIFEST_DIR").unwrap()
}

#[test]
fn badges_declare_rules_validity_picture_and_alignment() {
    use polku_core::content::{BadgeAlignment, BadgeRule};
    let (courses, problems) = load_dir(&fixtures("valid"));
    let problems: Vec<_> = problems.iter().filter(|p| !p.advice).collect();
    assert!(problems.is_empty(), "{problems:?}");
    let course = courses.iter().find(|c| c.slug == "first-course").unwrap();
    let [first, checked] = course.badges.as_slice() else {
        panic!("two badges: {:?}", course.badges);
    };
    assert_eq!(first.slug, "first-steps");
    assert_eq!(
        first.rule,
        BadgeRule {
            lessons: Some(vec!["welcome".into()]),
            min_quiz_score: Some(80),
            approval: false,
        }
    );
    assert_eq!(first.valid_days, Some(1095));
    assert_eq!(first.image.as_deref(), Some("media/pic.png"));
    assert_eq!(
        first.alignment,
        [BadgeAlignment {
            framework: "DigComp 2.2".into(),
            code: Some("1.1".into()),
            name: "Browsing, searching and filtering data, information and digital content".into(),
            url: Some("https://joint-research-centre.ec.europa.eu/digcomp_en".into()),
        }]
    );
    // The defaults: every lesson, no score, no end, no picture.
    assert_eq!(
        checked.rule,
        BadgeRule {
            lessons: None,
            min_quiz_score: None,
            approval: true,
        }
    );
    assert_eq!((checked.valid_days, &checked.image), (None, &None));
}

/// A course folder whose files are symbolic links (to a secret outside the
/// folder, to /dev/zero) or special files: each is refused with a problem,
/// nothing of the targets is imported, and the import does not hang.
#[test]
fn links_and_special_files_are_not_imported() {
    use std::os::unix::fs::symlink;
    const MARKER: &str = "SECRET-MARKER-7f3a";
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let secret = outside.join("issuer-key.md");
    std::fs::write(&secret, format!("# Secret\n\n{MARKER}\n")).unwrap();
    std::fs::write(
        outside.join("01-lesson.md"),
        format!("# Linked\n\n{MARKER}\n"),
    )
    .unwrap();

    let root = tmp.path().join("content");
    let course = root.join("linked");
    std::fs::create_dir_all(course.join("media")).unwrap();
    std::fs::write(course.join("01-intro.md"), "# Intro\n\nPlain text.\n").unwrap();
    symlink(&secret, course.join("02-secret.md")).unwrap();
    symlink(&secret, course.join("media/key.png")).unwrap();
    symlink("/dev/zero", course.join("media/zero.png")).unwrap();
    symlink(&outside, course.join("media/more")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(course.join("media/socket.png")).unwrap();
    // A linked course folder is not followed either.
    symlink(&outside, root.join("other")).unwrap();

    let (sender, receiver) = std::sync::mpsc::channel();
    let load_root = root.clone();
    std::thread::spawn(move || sender.send(load_dir(&load_root)));
    let (courses, problems) = receiver
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("loading a folder with a link to /dev/zero hung");

    let shown: Vec<String> = problems
        .iter()
        .map(|p| p.to_string().replace(&format!("{}/", root.display()), ""))
        .collect();
    assert_eq!(
        shown,
        [
            "linked/02-secret.md: symbolic links are not imported",
            "linked/media/key.png: symbolic links are not imported",
            "linked/media/more: symbolic links are not imported",
            "linked/media/socket.png: only regular files are imported",
            "linked/media/zero.png: symbolic links are not imported",
            "other: symbolic links are not imported",
        ],
        "actual:\n{}",
        shown.join("\n")
    );
    let [course] = courses.as_slice() else {
        panic!("expected one course, got {}", courses.len())
    };
    let slugs: Vec<&str> = course.lessons.iter().map(|l| l.slug.as_str()).collect();
    assert_eq!(slugs, ["01-intro"]);
    assert!(course.media.is_empty(), "{:?}", course.media);
    for variant in course.lessons.iter().flat_map(|l| &l.variants) {
        assert!(!variant.body_markdown.contains(MARKER));
        assert!(!variant.body_html.contains(MARKER));
    }
}
