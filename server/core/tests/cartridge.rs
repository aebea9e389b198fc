//! IMS Common Cartridge out and in: a course exported as a cartridge that
//! the 1EdTech CC 1.3 schema accepts, read back whole (Polku's own copy)
//! and through its standard part alone (as any LMS sees it); real
//! cartridges Canvas exported; hostile archives refused with nothing
//! written.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use common::{bundled_content, fixture, fresh_databases, import};
use polku_core::Language;
use polku_core::cartridge;
use polku_core::content::quiz::QuizKind;
use polku_core::content::{
    CourseSource, LanguageChoice, Overrides, Problem, Taken, load_course_dir,
};
use polku_core::courses::import_courses;

fn cartridges() -> PathBuf {
    fixture("cartridges")
}

/// A zip of `files` (name, bytes) written to a new file in `dir`.
fn write_zip(dir: &Path, name: &str, files: &[(String, Vec<u8>)]) -> PathBuf {
    let path = dir.join(name);
    let mut out = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap();
    path
}

/// Every file under `dir` as (path relative to it, bytes).
fn files_of(dir: &Path, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.file_type().unwrap().is_dir() {
            files_of(&entry.path(), &format!("{name}/"), out);
        } else {
            out.push((name, std::fs::read(entry.path()).unwrap()));
        }
    }
}

/// The files of a zip archive.
fn unzip(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.name().unwrap().to_string(), bytes)
        })
        .collect()
}

fn loaded(path: &Path) -> (CourseSource, Vec<Problem>) {
    let (course, problems) = cartridge::load(path, &Overrides::default());
    let problems: Vec<Problem> = problems.into_iter().filter(|p| !p.advice).collect();
    (course.unwrap_or_else(|| panic!("{problems:?}")), problems)
}

/// xmllint with the bundled 1EdTech schemas, offline.
fn validate(schema: &str, file: &Path) -> Result<(), String> {
    let schemas = cartridges().join("cc13-schemas");
    let output = std::process::Command::new("xmllint")
        .env("XML_CATALOG_FILES", schemas.join("catalog.xml"))
        .arg("--nonet")
        .arg("--noout")
        .arg("--schema")
        .arg(schemas.join("imsglobal.org/profile/cc/ccv1p3").join(schema))
        .arg(file)
        .output()
        .expect("xmllint runs (scripts/setup.sh --test installs libxml2-utils)");
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// (lesson slug, module, [(language, title, html, quizzes)]) of a course.
type Shape = Vec<(
    String,
    Option<String>,
    Vec<(Language, String, String, String)>,
)>;

fn shape(course: &CourseSource) -> Shape {
    course
        .lessons
        .iter()
        .map(|l| {
            (
                l.slug.clone(),
                l.module.clone(),
                l.variants
                    .iter()
                    .map(|v| {
                        (
                            v.language,
                            v.title.clone(),
                            v.body_html.clone(),
                            serde_json::to_string(&v.quizzes).unwrap(),
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_course_goes_out_as_a_valid_cartridge_and_comes_back_whole() {
    let work = tempfile::tempdir().unwrap();
    let programming = bundled_content().join("first-steps-in-programming");
    for test in fresh_databases().await {
        let db = polku_core::db::open(&test.url).await.unwrap();
        import(&db, &fixture("valid")).await;
        let (bundled, _) = load_course_dir(&programming);
        import_courses(&db, &[bundled.unwrap()]).await.unwrap();

        for (slug, original) in [
            ("first-course", fixture("valid/first-course")),
            ("first-steps-in-programming", programming.clone()),
        ] {
            let (bytes, report) = cartridge::export(&db, slug, None).await.unwrap();
            let file = work.path().join(format!("{}-{slug}.imscc", test.backend));
            std::fs::write(&file, bytes).unwrap();
            let files = unzip(&file);

            // The 1EdTech CC 1.3 schema accepts the manifest.
            let manifest = work.path().join(format!("{}-{slug}.xml", test.backend));
            let text = &files
                .iter()
                .find(|(n, _)| n == "imsmanifest.xml")
                .unwrap()
                .1;
            std::fs::write(&manifest, text).unwrap();
            validate("ccv1p3_imscp_v1p2_v1p0.xsd", &manifest).unwrap();
            // Every file the manifest names is in the archive.
            let text = String::from_utf8(text.clone()).unwrap();
            for href in text.split("<file href=\"").skip(1) {
                let href = href.split('"').next().unwrap();
                assert!(files.iter().any(|(n, _)| n == href), "{href}");
            }

            // Read back: the same course, every language, exercise and
            // picture.
            let (back, problems) = loaded(&file);
            assert_eq!(problems, vec![], "{slug}");
            let (original, _) = load_course_dir(&original);
            let original = original.unwrap();
            assert_eq!(back.slug, original.slug);
            let texts = |c: &CourseSource| {
                c.texts
                    .iter()
                    .map(|t| (t.language, t.title.clone(), t.summary.clone()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(texts(&back), texts(&original));
            assert_eq!(back.modules, original.modules);
            assert_eq!(back.badges, original.badges);
            assert_eq!(shape(&back), shape(&original));
            assert_eq!(back.media, original.media);
            assert!(back.origin.declared);

            // What every LMS reads: the pages and the quizzes Common
            // Cartridge has (choice and typed answers; the others named).
            let lessons = original.lessons.len();
            assert_eq!(report.lessons, lessons);
            let cc_quizzes: Vec<_> = original
                .lessons
                .iter()
                .flat_map(|l| l.variants[0].quizzes.iter())
                .filter(|q| {
                    matches!(
                        q.kind,
                        QuizKind::Single | QuizKind::Multiple | QuizKind::Text
                    )
                })
                .collect();
            assert_eq!(report.quizzes, cc_quizzes.len(), "{slug}");
            let others = original
                .lessons
                .iter()
                .flat_map(|l| l.variants[0].quizzes.iter())
                .count()
                - cc_quizzes.len();
            assert_eq!(
                report
                    .not_in_cc
                    .iter()
                    .filter(|n| n.contains("no Common Cartridge question type"))
                    .count(),
                others
            );

            // The standard part alone, as Moodle or Canvas reads it.
            let standard: Vec<(String, Vec<u8>)> = files
                .into_iter()
                .filter(|(n, _)| !n.starts_with("polku/"))
                .collect();
            let only_cc = write_zip(
                work.path(),
                &format!("{}-{slug}-cc.imscc", test.backend),
                &standard,
            );
            let (cc, problems) = loaded(&only_cc);
            assert_eq!(problems, vec![], "{slug}");
            assert!(!cc.origin.declared);
            assert_eq!(cc.default_language, original.default_language);
            assert_eq!(cc.texts[0].title, original.texts[0].title);
            // Each lesson in order, followed by its quiz when it has one.
            let titles: Vec<&str> = cc
                .lessons
                .iter()
                .map(|l| l.variants[0].title.as_str())
                .collect();
            let mut expected = Vec::new();
            for lesson in &original.lessons {
                let variant = &lesson.variants[0];
                expected.push(variant.title.clone());
                if variant.quizzes.iter().any(|q| {
                    matches!(
                        q.kind,
                        QuizKind::Single | QuizKind::Multiple | QuizKind::Text
                    )
                }) {
                    expected.push(format!(
                        "{}: {}",
                        variant.title,
                        match original.default_language {
                            Language::Fi => "Tarkista itse",
                            Language::Sv => "Kontrollera själv",
                            Language::En => "Check your work",
                        }
                    ));
                }
            }
            assert_eq!(titles, expected);
            assert_eq!(
                cc.modules
                    .iter()
                    .map(|m| m.titles[&original.default_language].clone())
                    .collect::<Vec<_>>(),
                original
                    .modules
                    .iter()
                    .map(|m| m.titles[&original.default_language].clone())
                    .collect::<Vec<_>>()
            );
            // The quizzes, question for question.
            let read_back: Vec<_> = cc
                .lessons
                .iter()
                .flat_map(|l| l.variants[0].quizzes.iter())
                .collect();
            assert_eq!(read_back.len(), cc_quizzes.len());
            for (got, want) in read_back.iter().zip(&cc_quizzes) {
                assert_eq!(got.kind, want.kind);
                assert_eq!(got.question, want.question);
                assert_eq!(got.answers, want.answers);
                assert_eq!(got.correct_feedback, want.correct_feedback);
                assert_eq!(got.wrong_feedback, want.wrong_feedback);
                assert_eq!(got.options, want.options, "{}", want.question);
            }
            // The pictures the pages show, byte for byte.
            for media in &original.media {
                if media.path.ends_with(".png") {
                    assert!(
                        cc.media.iter().any(|m| m.bytes == media.bytes),
                        "{}",
                        media.path
                    );
                }
            }
        }
    }
}
