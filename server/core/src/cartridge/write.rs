//! A course as a Common Cartridge 1.3 package (`polku export SLUG
//! out.imscc`).
//!
//! ```text
//! imsmanifest.xml          the outline: modules, lessons, their quizzes
//! lessons/<lesson>.html    each lesson, a web page in one language
//! quizzes/<lesson>.xml     its quizzes, QTI 1.2 (CC profile)
//! web_resources/media/…    the pictures and videos the pages show
//! polku/…                  the course in Polku's folder form
//! ```

use std::collections::BTreeSet;
use std::fmt::Write as _;

use sea_orm::ConnectionTrait;

use super::POLKU_FOLDER;
use super::qti;
use crate::content::blocks::esc;
use crate::content::label;
use crate::content::markdown::{BodyPart, split_body};
use crate::content::quiz::Quiz;
use crate::courses::ExportFile;
use crate::courses::export::{Stored, folder_files, stored};
use crate::{CoreError, Language};

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportReport {
    /// The language of the pages and quizzes.
    pub language: Option<Language>,
    /// Lessons written as pages.
    pub lessons: usize,
    /// Quizzes written as QTI questions.
    pub quizzes: usize,
    /// What the standard part of the cartridge lacks (each kept in
    /// `polku/`): exercises without a CC question type, lessons without a
    /// text in the language.
    pub not_in_cc: Vec<String>,
}

const MANIFEST_OPEN: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
    "<manifest identifier=\"{id}\" ",
    "xmlns=\"http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1\" ",
    "xmlns:lomimscc=\"http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest\" ",
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ",
    "xsi:schemaLocation=\"http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1 ",
    "http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd ",
    "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest ",
    "http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lommanifest_v1p0.xsd\">\n"
);

/// A lesson page: the stored HTML of one text, without quiz markers and
/// with media referred to where the cartridge keeps it.
fn page(title: &str, language: Language, course_slug: &str, body_html: &str) -> String {
    let body: String = split_body(body_html)
        .into_iter()
        .filter_map(|part| match part {
            BodyPart::Html(html) => Some(html),
            BodyPart::Quiz(_) => None,
        })
        .collect();
    let body = body
        .replace(&format!("=\"/media/{course_slug}/"), "=\"../web_resources/")
        .replace(&format!("='/media/{course_slug}/"), "='../web_resources/");
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n<body>\n<h1>{}</h1>\n{body}\n</body>\n</html>\n",
        language.code(),
        esc(title),
        esc(title)
    )
}

/// The course description: its summary and, for each badge, its name
/// and criteria.
fn description(stored: &Stored, language: Language) -> String {
    let summary = stored
        .texts
        .iter()
        .find(|t| t.language == language.code())
        .or_else(|| stored.texts.first())
        .map(|t| t.summary.clone())
        .unwrap_or_default();
    let mut out = summary;
    for badge in &stored.badges {
        let pick = |map: &std::collections::BTreeMap<Language, String>| {
            map.get(&language)
                .or_else(|| map.get(&stored.default_language))
                .cloned()
                .unwrap_or_default()
        };
        let _ = write!(
            out,
            "\n\n{} \"{}\": {}. {}: {}",
            label(language, "badge"),
            pick(&badge.name),
            pick(&badge.description).trim_end_matches('.'),
            label(language, "criteria"),
            pick(&badge.criteria)
        );
    }
    out.trim().to_owned()
}

/// Course `slug` as a cartridge, its pages and quizzes in `language` (the
/// course's own by default; a lesson without that text is written in the
/// course's).
pub async fn export<C: ConnectionTrait>(
    db: &C,
    slug: &str,
    language: Option<Language>,
) -> Result<(Vec<u8>, ExportReport), CoreError> {
    let stored = stored(db, slug).await?;
    let folder = folder_files(&stored)?;
    let language = language.unwrap_or(stored.default_language);
    let mut report = ExportReport {
        language: Some(language),
        ..ExportReport::default()
    };
    let mut files: Vec<ExportFile> = Vec::new();
    let mut items = String::new();
    let mut resources = String::new();
    let media_dependency = if stored.media.is_empty() {
        String::new()
    } else {
        "<dependency identifierref=\"r_media\"/>".to_owned()
    };
    let mut open_module: Option<String> = None;
    let mut modules = 0usize;
    for (n, lesson) in stored.rows.iter().enumerate() {
        if lesson.module != open_module {
            if open_module.is_some() {
                items.push_str("</item>\n");
            }
            if let Some(module) = &lesson.module {
                modules += 1;
                let title = stored
                    .modules
                    .iter()
                    .find(|m| &m.slug == module)
                    .and_then(|m| {
                        m.titles
                            .get(&language)
                            .or_else(|| m.titles.get(&stored.default_language))
                    })
                    .cloned()
                    .unwrap_or_else(|| module.clone());
                let _ = writeln!(
                    items,
                    "<item identifier=\"m{modules}\"><title>{}</title>",
                    esc(&title)
                );
            }
            open_module.clone_from(&lesson.module);
        }
        let texts: Vec<_> = stored
            .lesson_texts
            .iter()
            .filter(|t| t.lesson_id == lesson.id)
            .collect();
        let Some(text) = texts
            .iter()
            .find(|t| t.language == language.code())
            .or_else(|| {
                texts
                    .iter()
                    .find(|t| t.language == stored.default_language.code())
            })
            .or_else(|| texts.first())
        else {
            continue;
        };
        if text.language != language.code() {
            report.not_in_cc.push(format!(
                "{}: no {} text; written in {}",
                lesson.slug,
                language.code(),
                text.language
            ));
        }
        let text_language: Language = text.language.parse().unwrap_or(language);
        let n = n + 1;
        let href = format!("lessons/{}.html", lesson.slug);
        files.push(ExportFile {
            path: href.clone(),
            bytes: page(
                &text.title,
                text_language,
                &stored.course.slug,
                &text.body_html,
            )
            .into_bytes(),
        });
        report.lessons += 1;
        let _ = writeln!(
            items,
            "<item identifier=\"l{n}\" identifierref=\"r_l{n}\"><title>{}</title></item>",
            esc(&text.title)
        );
        let _ = writeln!(
            resources,
            "<resource identifier=\"r_l{n}\" type=\"webcontent\" href=\"{href}\"><file href=\"{href}\"/>{media_dependency}</resource>\n"
        );
        let quizzes: Vec<Quiz> = serde_json::from_str(&text.quizzes).unwrap_or_default();
        let exportable: Vec<&Quiz> = quizzes
            .iter()
            .filter(|q| qti::profile(q.kind).is_some())
            .collect();
        for quiz in quizzes.iter().filter(|q| qti::profile(q.kind).is_none()) {
            report.not_in_cc.push(format!(
                "{}: a {:?} exercise has no Common Cartridge question type",
                lesson.slug, quiz.kind
            ));
        }
        if !exportable.is_empty() {
            let title = format!("{}: {}", text.title, label(text_language, "self_check"));
            let quiz_file = format!("quizzes/{}.xml", lesson.slug);
            files.push(ExportFile {
                path: quiz_file.clone(),
                bytes: qti::write(&format!("q{n}"), &title, &exportable).into_bytes(),
            });
            report.quizzes += exportable.len();
            let _ = write!(
                items,
                "<item identifier=\"q{n}\" identifierref=\"r_q{n}\"><title>{}</title></item>",
                esc(&title)
            );
            let _ = writeln!(
                resources,
                "<resource identifier=\"r_q{n}\" type=\"imsqti_xmlv1p2/imscc_xmlv1p3/assessment\"><file href=\"{quiz_file}\"/></resource>\n"
            );
        }
    }
    if open_module.is_some() {
        items.push_str("</item>\n");
    }
    if !stored.media.is_empty() {
        resources.push_str("<resource identifier=\"r_media\" type=\"webcontent\">");
        for media in &stored.media {
            let path = format!("web_resources/{}", media.path);
            let _ = write!(resources, "<file href=\"{}\"/>", esc(&path));
            files.push(ExportFile {
                path,
                bytes: media.bytes.clone(),
            });
        }
        resources.push_str("</resource>\n");
    }
    let polku_files: BTreeSet<String> = folder
        .iter()
        .map(|f| format!("{POLKU_FOLDER}/{}", f.path))
        .collect();
    let _ = write!(
        resources,
        "<resource identifier=\"r_polku\" type=\"associatedcontent/imscc_xmlv1p3/learning-application-resource\" href=\"{POLKU_FOLDER}/course.toml\">"
    );
    for path in &polku_files {
        let _ = write!(resources, "<file href=\"{}\"/>", esc(path));
    }
    resources.push_str("</resource>\n");
    files.extend(folder.into_iter().map(|f| ExportFile {
        path: format!("{POLKU_FOLDER}/{}", f.path),
        bytes: f.bytes,
    }));

    let title = stored
        .texts
        .iter()
        .find(|t| t.language == language.code())
        .or_else(|| stored.texts.first())
        .map(|t| t.title.clone())
        .unwrap_or_else(|| stored.course.slug.clone());
    let mut manifest = MANIFEST_OPEN.replace("{id}", &format!("polku-{}", stored.course.slug));
    let _ = write!(
        manifest,
        "<metadata><schema>IMS Common Cartridge</schema><schemaversion>1.3.0</schemaversion>\
<lomimscc:lom><lomimscc:general><lomimscc:title><lomimscc:string language=\"{code}\">{}</lomimscc:string></lomimscc:title>\
<lomimscc:language>{code}</lomimscc:language>\
<lomimscc:description><lomimscc:string language=\"{code}\">{}</lomimscc:string></lomimscc:description>\
</lomimscc:general></lomimscc:lom></metadata>",
        esc(&title),
        esc(&description(&stored, language)),
        code = language.code()
    );
    let _ = write!(
        manifest,
        "<organizations><organization identifier=\"org\" structure=\"rooted-hierarchy\"><item identifier=\"root\">\n{items}</item></organization></organizations>\n<resources>\n{resources}</resources>\n</manifest>\n"
    );
    files.insert(
        0,
        ExportFile {
            path: "imsmanifest.xml".into(),
            bytes: manifest.into_bytes(),
        },
    );
    Ok((crate::courses::zip("", &files)?, report))
}
