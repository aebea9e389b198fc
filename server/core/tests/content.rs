//! Content loading against fixtures and the bundled courses: valid content
//! loads without a problem, broken files are reported as `path:line: message`
//! and never stop the rest.

use std::path::{Path, PathBuf};

use polku_core::Language;
use polku_core::content::load_dir;

fn fixtures(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn every_bundled_course_loads_without_a_problem() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let (courses, problems) = load_dir(&root);
    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
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

#[test]
fn valid_fixture_loads_with_variants_and_titles() {
    let (courses, problems) = load_dir(&fixtures("valid"));
    assert!(problems.is_empty(), "{problems:?}");
    let [course] = courses.as_slice() else {
        panic!("expected one course, got {}", courses.len())
    };
    assert_eq!(course.slug, "first-course");
    assert_eq!(course.default_language, Language::Fi);
    assert_eq!(course.texts.len(), 2);
    let slugs: Vec<&str> = course.lessons.iter().map(|l| l.slug.as_str()).collect();
    assert_eq!(slugs, ["welcome", "no-front-matter"]);
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
    assert_eq!(course.lessons[1].variants[0].title, "Otsikko tiedostosta");
    assert_eq!(course.lessons[1].variants[0].minutes, 1);
}

#[test]
fn invalid_fixtures_report_file_and_line_and_keep_the_rest() {
    let root = fixtures("invalid");
    let (courses, problems) = load_dir(&root);
    let shown: Vec<String> = problems
        .iter()
        .map(|p| p.to_string().replace(&format!("{}/", root.display()), ""))
        .collect();
    let has = |prefix: &str, needle: &str| {
        assert!(
            shown
                .iter()
                .any(|p| p.starts_with(prefix) && p.contains(needle)),
            "no problem starting {prefix:?} containing {needle:?} in:\n{}",
            shown.join("\n")
        );
    };
    has("bad-manifest/course.toml:4: ", "unknown field `colour`");
    has("bad-level/course.toml:2: ", "unknown variant `expert`");
    has("no-manifest: ", "no course.toml");
    has("mixed/02-bad-minutes.md:3: ", "invalid type");
    has("mixed/03-unclosed.md:1: ", "no closing +++");
    has("mixed/04-unknown-key.md:4: ", "unknown field `colour`");
    has(
        "mixed/05-english-only.en.md: ",
        "not listed in the course's languages",
    );
    has("mixed/notes.md: ", "must look like 01-lesson-name.md");
    assert_eq!(shown.len(), 8, "{}", shown.join("\n"));

    // The broken files are skipped; the good lessons of the same course load.
    let [mixed] = courses.as_slice() else {
        panic!("expected only the mixed course, got {}", courses.len())
    };
    let slugs: Vec<&str> = mixed.lessons.iter().map(|l| l.slug.as_str()).collect();
    assert_eq!(slugs, ["good", "script"]);
    let html = &mixed.lessons[1].variants[0].body_html;
    assert!(
        !html.contains("<script") && !html.contains("javascript:"),
        "{html}"
    );
}
