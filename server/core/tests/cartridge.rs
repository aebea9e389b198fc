//! IMS Common Cartridge out and in: a course exported as a cartridge that
//! the 1EdTech CC 1.3 schema accepts, read back whole (Polku's own copy)
//! and through its standard part alone (as any LMS sees it); real
//! cartridges Canvas exported; hostile archives refused with nothing
//! written.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

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

/// xmllint with a bundled 1EdTech schema (a path under the cartridge
/// fixtures), offline.
fn validate(schema: &str, file: &Path) -> Result<(), String> {
    let schemas = cartridges().join("cc13-schemas");
    let output = std::process::Command::new("xmllint")
        .env("XML_CATALOG_FILES", schemas.join("catalog.xml"))
        .arg("--nonet")
        .arg("--noout")
        .arg("--schema")
        .arg(cartridges().join(schema))
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
            validate(
                "cc13-schemas/imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd",
                &manifest,
            )
            .unwrap();
            // Each quiz file, against the CC QTI profile (1.1's: the same
            // namespace and rules; 1.3's has no public copy).
            let mut quizzes = 0;
            for (name, bytes) in files.iter().filter(|(n, _)| n.starts_with("quizzes/")) {
                let path = work.path().join(name.replace('/', "-"));
                std::fs::write(&path, bytes).unwrap();
                validate("cc11-qti-schema/ccv1p1_qtiasiv1p2p1_v1p0.xsd", &path)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                quizzes += 1;
            }
            assert!(quizzes > 0);
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

/// A cartridge of the fixtures: an unpacked folder zipped as Canvas
/// exports it, or the file itself.
fn canvas(name: &str, work: &Path) -> PathBuf {
    let path = cartridges().join("canvas").join(name);
    if path.is_dir() {
        let mut files = Vec::new();
        files_of(&path, "", &mut files);
        write_zip(work, &format!("{name}.imscc"), &files)
    } else {
        path
    }
}

/// The lessons of a course: (title, module, quiz kinds).
fn lessons(course: &CourseSource) -> Vec<(String, Option<String>, Vec<QuizKind>)> {
    course
        .lessons
        .iter()
        .map(|l| {
            let v = &l.variants[0];
            (
                v.title.clone(),
                l.module.clone(),
                v.quizzes.iter().map(|q| q.kind).collect(),
            )
        })
        .collect()
}

/// The reasons given for what was left out, by file.
fn left_out(course: &CourseSource) -> Vec<(String, String)> {
    course
        .files
        .iter()
        .filter_map(|n| match &n.taken {
            Taken::LeftOut(reason) => Some((n.path.clone(), reason.clone())),
            _ => None,
        })
        .collect()
}

fn left_out_for(course: &CourseSource, needle: &str) -> usize {
    left_out(course)
        .iter()
        .filter(|(path, reason)| path.contains(needle) || reason.contains(needle))
        .count()
}

#[test]
fn a_canvas_course_imports_with_its_modules_pages_links_and_quizzes() {
    let work = tempfile::tempdir().unwrap();
    let (course, problems) = loaded(&canvas("course-1", work.path()));
    assert_eq!(problems, vec![]);
    assert_eq!(course.slug, "course-for-modules-testing");
    assert_eq!(course.texts[0].title, "COURSE-for-modules-testing");
    assert!(matches!(
        course.language_choice,
        Some(LanguageChoice::Detected {
            language: Language::En,
            ..
        })
    ));
    assert_eq!(course.modules.len(), 1);
    assert_eq!(course.modules[0].titles[&Language::En], "First Module");
    let module = Some("first-module".to_owned());
    assert_eq!(
        lessons(&course),
        vec![
            (
                "First Module Quiz 1".into(),
                module.clone(),
                vec![QuizKind::Single]
            ),
            ("First Module Wiki Page 1".into(), module.clone(), vec![]),
            ("First Module External URL 1".into(), module.clone(), vec![]),
            ("photo.jpg".into(), module.clone(), vec![]),
            (
                "The First Measured Century: 1930-1960 (60:00)".into(),
                module.clone(),
                vec![]
            ),
        ]
    );
    let quiz = &course.lessons[0].variants[0].quizzes[0];
    assert_eq!(quiz.question, "The correct answer is D");
    let options: Vec<(&str, bool)> = quiz
        .options
        .iter()
        .map(|o| (o.text.as_str(), o.correct))
        .collect();
    assert_eq!(
        options,
        [("A", false), ("B", false), ("C", false), ("D", true)]
    );
    assert!(
        course.lessons[1].variants[0]
            .body_html
            .contains("<strong>This is RCE content for a Wiki Page</strong>")
    );
    assert!(
        course.lessons[2].variants[0]
            .body_html
            .contains("href=\"http://google.com\"")
    );
    // The picture, byte for byte, shown by its lesson.
    let photo =
        std::fs::read(cartridges().join("canvas/course-1/web_resources/photo.jpg")).unwrap();
    assert_eq!(course.media.len(), 1);
    assert_eq!(course.media[0].bytes, photo);
    assert!(course.lessons[3].variants[0].body_html.contains("<img"));
    // Everything else is named with the reason.
    assert_eq!(left_out_for(&course, "an assignment"), 2);
    assert_eq!(left_out_for(&course, "a discussion topic"), 1);
    assert_eq!(left_out_for(&course, "sample-document.pdf"), 1);
    assert_eq!(left_out_for(&course, "First Module Text Header 1"), 1);
    assert_eq!(left_out_for(&course, "AnalyTics Beta External Tool"), 1);
    assert_eq!(left_out_for(&course, "course_settings/"), 7);
    let taken = course
        .files
        .iter()
        .filter(|n| matches!(n.taken, Taken::Lesson(_) | Taken::Media))
        .count();
    assert_eq!(taken, 6);
}

#[test]
fn canvas_quizzes_keep_the_question_types_polku_has_and_name_the_others() {
    let work = tempfile::tempdir().unwrap();
    let (course, problems) = loaded(&canvas("all-question-types", work.path()));
    assert_eq!(problems, vec![]);
    // A quiz outside every module comes after them, titled as in Canvas.
    assert_eq!(
        lessons(&course),
        vec![(
            "ALL QUESTION TYPES QUIZ".into(),
            None,
            vec![QuizKind::Single, QuizKind::Single, QuizKind::Multiple]
        )]
    );
    let quizzes = &course.lessons[0].variants[0].quizzes;
    let right = |n: usize| {
        quizzes[n]
            .options
            .iter()
            .filter(|o| o.correct)
            .map(|o| o.text.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(quizzes[0].options.len(), 4);
    assert_eq!(right(0).len(), 1);
    // True or false: the two options, one right.
    let texts: Vec<&str> = quizzes[1].options.iter().map(|o| o.text.as_str()).collect();
    assert_eq!(texts, ["True", "False"]);
    assert_eq!(right(1).len(), 1);
    assert!(right(2).len() >= 2, "{:?}", quizzes[2]);
    assert_eq!(left_out_for(&course, "cc.essay.v0p1"), 1);

    let (course, problems) = loaded(&canvas("grouptest.zip", work.path()));
    assert_eq!(problems, vec![]);
    let module = Some("md-1".to_owned());
    assert_eq!(
        lessons(&course),
        vec![
            (
                "Grouped questions".into(),
                module.clone(),
                vec![QuizKind::Single]
            ),
            ("Mixed Quiz".into(), module.clone(), vec![QuizKind::Single]),
            (
                "Ungrouped Quiz".into(),
                module.clone(),
                vec![QuizKind::Text]
            ),
        ]
    );
    assert_eq!(course.lessons[2].variants[0].quizzes[0].answers, ["C", "D"]);
    assert_eq!(left_out_for(&course, "cc.essay.v0p1"), 3);
}

#[test]
fn a_cartridge_with_nothing_to_show_is_refused_with_the_reason() {
    let (course, problems) = cartridge::load(
        &cartridges().join("canvas/single-page.imscc"),
        &Overrides::default(),
    );
    assert!(course.is_none());
    assert_eq!(problems.len(), 1);
    let message = problems[0].to_string();
    assert!(
        message.contains("nothing in the cartridge")
            && message.contains("wiki_content/our-purpose.html: an empty page"),
        "{message}"
    );
}

#[tokio::test]
async fn the_same_cartridge_updates_its_course_and_another_with_the_slug_is_refused() {
    let work = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    files_of(&cartridges().join("canvas/course-1"), "", &mut files);
    let first = write_zip(work.path(), "one.imscc", &files);
    // The same course exported again (another file name, a page changed).
    let again: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(name, bytes)| {
            let bytes = if name == "wiki_content/first-module-wiki-page-1.html" {
                String::from_utf8_lossy(bytes)
                    .replace("This is RCE content", "This is new content")
                    .into_bytes()
            } else {
                bytes.clone()
            };
            (name.clone(), bytes)
        })
        .collect();
    let again = write_zip(work.path(), "again.imscc", &again);
    // Another course with the same title.
    let other: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(name, bytes)| {
            let bytes = if name == "imsmanifest.xml" {
                String::from_utf8_lossy(bytes)
                    .replace("ife6c3152cbc3f055b596a033fad66b4c", "another-course")
                    .into_bytes()
            } else {
                bytes.clone()
            };
            (name.clone(), bytes)
        })
        .collect();
    let other = write_zip(work.path(), "other.imscc", &other);
    for test in fresh_databases().await {
        let db = polku_core::db::open(&test.url).await.unwrap();
        let report = import_courses(&db, &[loaded(&first).0]).await.unwrap();
        assert_eq!((report.created, report.refused.len()), (1, 0));
        let report = import_courses(&db, &[loaded(&again).0]).await.unwrap();
        assert_eq!(
            (report.updated, report.refused.len()),
            (1, 0),
            "{}",
            test.backend
        );
        let report = import_courses(&db, &[loaded(&other).0]).await.unwrap();
        assert_eq!((report.created, report.updated), (0, 0));
        assert_eq!(report.refused.len(), 1);
        let message = report.refused[0].to_string();
        assert!(
            message.contains("cartridge ife6c3152cbc3f055b596a033fad66b4c")
                && message.contains("cartridge another-course")
                && message.contains("--slug"),
            "{message}"
        );
        // --slug takes it in under a name of its own.
        let (course, _) = cartridge::load(
            &other,
            &Overrides {
                slug: Some("canvas-copy".into()),
                language: Some(Language::Sv),
            },
        );
        let course = course.unwrap();
        assert_eq!(
            (course.slug.as_str(), course.default_language),
            ("canvas-copy", Language::Sv)
        );
        let report = import_courses(&db, &[course]).await.unwrap();
        assert_eq!((report.created, report.refused.len()), (1, 0));
    }
}

/// A manifest with one page, and the page.
fn one_page() -> Vec<(String, Vec<u8>)> {
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1">
<metadata><schema>IMS Common Cartridge</schema><schemaversion>1.3.0</schemaversion></metadata>
<organizations><organization identifier="o" structure="rooted-hierarchy"><item identifier="root">
<item identifier="i1" identifierref="r1"><title>Page</title></item>
</item></organization></organizations>
<resources><resource identifier="r1" type="webcontent" href="page.html"><file href="page.html"/></resource></resources>
</manifest>"#;
    vec![
        ("imsmanifest.xml".into(), manifest.as_bytes().to_vec()),
        (
            "page.html".into(),
            b"<html><body><p>An honest page about e-mail and phones.</p></body></html>".to_vec(),
        ),
    ]
}

/// Loads `path`, which must be refused with one problem containing
/// `expected`.
fn refused(path: &Path, expected: &str) {
    let (course, problems) = cartridge::load(path, &Overrides::default());
    assert!(course.is_none(), "{path:?} was not refused");
    assert_eq!(problems.len(), 1, "{problems:?}");
    let message = problems[0].to_string();
    assert!(message.contains(expected), "{message}");
    assert!(message.contains(&path.display().to_string()), "{message}");
}

#[test]
fn hostile_archives_are_refused_and_nothing_is_written() {
    let work = tempfile::tempdir().unwrap();
    let inside = work.path().join("a/b");
    std::fs::create_dir_all(&inside).unwrap();
    // The honest cartridge the others are made from imports.
    let honest = write_zip(&inside, "honest.imscc", &one_page());
    assert_eq!(loaded(&honest).0.lessons.len(), 1);

    // Names that lead outside the archive.
    for name in ["../../evil.txt", "/tmp/polku-evil.txt", "a/../../evil.txt"] {
        let mut files = one_page();
        files.push((name.into(), b"owned".to_vec()));
        let path = write_zip(&inside, "traversal.imscc", &files);
        refused(&path, "outside itself");
    }
    // A link.
    let path = inside.join("link.imscc");
    {
        let mut out = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let options = zip::write::SimpleFileOptions::default();
        for (name, bytes) in one_page() {
            out.start_file(name.as_str(), options).unwrap();
            out.write_all(&bytes).unwrap();
        }
        out.add_symlink("web_resources/passwd", "/etc/passwd", options)
            .unwrap();
        out.finish().unwrap();
    }
    refused(&path, "a link");
    assert!(!work.path().join("evil.txt").exists());
    assert!(!Path::new("/tmp/polku-evil.txt").exists());

    // A zip bomb's member: 16 MiB of zeros in a few kilobytes.
    let mut files = one_page();
    files.push(("web_resources/big.png".into(), vec![0u8; 16 << 20]));
    let path = write_zip(&inside, "bomb.imscc", &files);
    assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20);
    refused(&path, "zip bomb");

    // Too many files.
    let mut files = one_page();
    files.extend((0..20_001).map(|n| (format!("f/{n}.txt"), Vec::new())));
    let path = write_zip(&inside, "many.imscc", &files);
    refused(&path, "more than a course has");

    // XML external entities and entity expansion, in the manifest and in
    // a quiz.
    let xxe = r#"<?xml version="1.0"?>
<!DOCTYPE manifest [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<manifest identifier="m"><metadata><schema>&xxe;</schema></metadata></manifest>"#;
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<manifest identifier="m"><metadata><schema>&lol3;</schema></metadata></manifest>"#;
    for manifest in [xxe, laughs] {
        let files = vec![("imsmanifest.xml".to_owned(), manifest.as_bytes().to_vec())];
        let path = write_zip(&inside, "dtd.imscc", &files);
        refused(&path, "document type (DTD)");
    }
    let mut files = one_page();
    files[0].1 = String::from_utf8(files[0].1.clone())
        .unwrap()
        .replace(
            "</resources>",
            r#"<resource identifier="q" type="imsqti_xmlv1p2/imscc_xmlv1p3/assessment"><file href="q.xml"/></resource></resources>"#,
        )
        .replace(
            "</item>\n</item>",
            "</item>\n<item identifier=\"i2\" identifierref=\"q\"><title>Quiz</title></item>\n</item>",
        )
        .into_bytes();
    files.push((
        "q.xml".into(),
        xxe.replace("manifest", "questestinterop").into_bytes(),
    ));
    let path = write_zip(&inside, "quiz-xxe.imscc", &files);
    refused(&path, "q.xml declares a document type");

    // Huge manifests: too large a file, too many items.
    let mut files = one_page();
    files[0].1 = format!(
        "<manifest identifier=\"m\"><!-- {} --></manifest>",
        "x".repeat(5 << 20)
    )
    .into_bytes();
    refused(
        &write_zip(&inside, "huge.imscc", &files),
        "imsmanifest.xml expands to more",
    );
    let items: String = (0..25_000)
        .map(|n| format!("<item identifier=\"i{n}\"/>"))
        .collect();
    files[0].1 = format!(
        "<manifest identifier=\"m\"><organizations><organization identifier=\"o\"><item identifier=\"root\">{items}</item></organization></organizations></manifest>"
    )
    .into_bytes();
    refused(
        &write_zip(&inside, "items.imscc", &files),
        "imsmanifest.xml is too large",
    );

    // Not a cartridge at all.
    let path = inside.join("not.imscc");
    std::fs::write(&path, b"just text").unwrap();
    refused(&path, "not a zip archive");
    let path = write_zip(
        &inside,
        "empty.imscc",
        &[("readme.txt".into(), b"hi".to_vec())],
    );
    refused(&path, "no imsmanifest.xml");

    // Only the cartridges themselves were ever written.
    let mut written = Vec::new();
    files_of(work.path(), "", &mut written);
    assert!(
        written
            .iter()
            .all(|(name, _)| name.starts_with("a/b/") && name.ends_with(".imscc")),
        "{:?}",
        written.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
}

#[test]
fn a_cartridge_of_links_takes_the_language_it_declares() {
    // A thin cartridge (Brightspace writes these): web links only, too
    // little text to tell the language, which the title declares.
    let manifest = r#"<?xml version="1.0" encoding="utf-8"?>
<manifest identifier="thin" xmlns="http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1" xmlns:lomm="http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest">
<metadata><schema>IMS Thin Common Cartridge</schema><schemaversion>1.3.0</schemaversion>
<lomm:lom><lomm:general><lomm:title><lomm:string language="sv-FI">Länkar</lomm:string></lomm:title></lomm:general></lomm:lom></metadata>
<organizations><organization identifier="o" structure="rooted-hierarchy"><item identifier="root">
<item identifier="u1"><title>Unit 1</title><item identifier="l1"><title>Lesson 1</title>
<item identifier="i1" identifierref="w1"><title>Kela</title></item></item></item>
</item></organization></organizations>
<resources><resource identifier="w1" type="imswl_xmlv1p3"><file href="w1.xml"/></resource></resources>
</manifest>"#;
    let link = r#"<?xml version="1.0" encoding="utf-8"?>
<webLink xmlns="http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3"><title>Kela</title><url href="https://www.kela.fi/web/sv"/></webLink>"#;
    let work = tempfile::tempdir().unwrap();
    let path = write_zip(
        work.path(),
        "thin.imscc",
        &[
            ("imsmanifest.xml".into(), manifest.as_bytes().to_vec()),
            ("w1.xml".into(), link.as_bytes().to_vec()),
        ],
    );
    let (course, problems) = loaded(&path);
    assert_eq!(problems, vec![]);
    assert_eq!(
        course.language_choice,
        Some(LanguageChoice::Declared(Language::Sv))
    );
    assert_eq!(course.default_language, Language::Sv);
    // The unit is the module; the lesson level inside it is flattened.
    assert_eq!(
        lessons(&course),
        vec![("Kela".into(), Some("unit-1".into()), vec![])]
    );
    assert!(
        course.lessons[0].variants[0]
            .body_html
            .contains("href=\"https://www.kela.fi/web/sv\"")
    );
}
