//! A course back to its folder form: `course.toml`, numbered lesson files
//! (in module folders where it has modules), and its media. The files are
//! the published texts, numbered by the current order, so a course edited
//! and reordered in the browser exports as it is now, and imports again to
//! the same course.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::Path;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::content::{ModuleSource, rebase_media, source_dir, text_for_export};
use crate::db::entities::{course_media, course_texts, courses, lesson_texts};
use crate::{CoreError, Language};

/// One exported file: a path relative to the course folder, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    /// `course.toml`, `01-intro.md`, `02-module/01-x.en.md`, `media/a.png`.
    pub path: String,
    /// The contents.
    pub bytes: Vec<u8>,
}

#[derive(Serialize)]
struct ManifestOut {
    slug: String,
    default_language: String,
    languages: Vec<String>,
    level: String,
    hours: i32,
    title: BTreeMap<String, String>,
    summary: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    badges: Vec<BadgeOut>,
}

#[derive(Serialize)]
struct BadgeOut {
    slug: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    lessons: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_quiz_score: Option<u8>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    approval: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    valid_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    name: BTreeMap<String, String>,
    description: BTreeMap<String, String>,
    criteria: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    alignment: Vec<AlignmentOut>,
}

#[derive(Serialize)]
struct AlignmentOut {
    framework: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct ModuleOut {
    title: BTreeMap<String, String>,
}

fn codes(map: &BTreeMap<Language, String>) -> BTreeMap<String, String> {
    map.iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.code().to_owned(), v.clone()))
        .collect()
}

fn toml_text<T: Serialize>(value: &T) -> Result<String, CoreError> {
    toml::to_string(value).map_err(|e| CoreError::Internal(format!("cannot write TOML: {e}")))
}

/// What an export reads of a course: its row, texts, published lessons
/// (in order) and their texts, modules, badges and media.
pub(crate) struct Stored {
    pub(crate) course: courses::Model,
    pub(crate) default_language: Language,
    pub(crate) texts: Vec<course_texts::Model>,
    pub(crate) rows: Vec<crate::db::entities::lessons::Model>,
    pub(crate) lesson_texts: Vec<lesson_texts::Model>,
    pub(crate) modules: Vec<ModuleSource>,
    pub(crate) badges: Vec<crate::content::BadgeSource>,
    pub(crate) media: Vec<course_media::Model>,
}

/// Reads course `slug` for an export.
pub(crate) async fn stored<C: ConnectionTrait>(db: &C, slug: &str) -> Result<Stored, CoreError> {
    let course = courses::Entity::find()
        .filter(courses::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    let default_language = crate::courses::default_language(&course);
    let texts = course_texts::Entity::find()
        .filter(course_texts::Column::CourseId.eq(course.id))
        .all(db)
        .await?;
    let rows = super::active_lessons(db, course.id).await?;
    let ids: Vec<i32> = rows.iter().map(|l| l.id).collect();
    let lesson_texts = lesson_texts::Entity::find()
        .filter(lesson_texts::Column::LessonId.is_in(ids))
        .all(db)
        .await?;
    let modules: Vec<ModuleSource> = serde_json::from_str(&course.modules).unwrap_or_default();
    let badges = super::badge_sources(&course);
    let media = course_media::Entity::find()
        .filter(course_media::Column::CourseId.eq(course.id))
        .order_by_asc(course_media::Column::Path)
        .all(db)
        .await?;
    Ok(Stored {
        course,
        default_language,
        texts,
        rows,
        lesson_texts,
        modules,
        badges,
        media,
    })
}

/// The files of course `slug`, in folder form.
pub async fn export_course<C: ConnectionTrait>(
    db: &C,
    slug: &str,
) -> Result<Vec<ExportFile>, CoreError> {
    folder_files(&stored(db, slug).await?)
}

/// A stored course's files, in folder form.
pub(crate) fn folder_files(stored: &Stored) -> Result<Vec<ExportFile>, CoreError> {
    let Stored {
        course,
        default_language,
        texts,
        rows,
        lesson_texts,
        modules,
        badges,
        media,
    } = stored;

    let mut languages: Vec<String> = vec![default_language.code().to_owned()];
    for code in texts
        .iter()
        .map(|t| &t.language)
        .chain(lesson_texts.iter().map(|t| &t.language))
    {
        if !languages.contains(code) {
            languages.push(code.clone());
        }
    }
    let manifest = ManifestOut {
        slug: course.slug.clone(),
        default_language: default_language.code().to_owned(),
        languages,
        level: course.level.clone(),
        hours: course.hours,
        title: texts
            .iter()
            .map(|t| (t.language.clone(), t.title.clone()))
            .collect(),
        summary: texts
            .iter()
            .filter(|t| !t.summary.is_empty())
            .map(|t| (t.language.clone(), t.summary.clone()))
            .collect(),
        badges: badges
            .iter()
            .map(|b| BadgeOut {
                slug: b.slug.clone(),
                lessons: b.rule.lessons.clone(),
                min_quiz_score: b.rule.min_quiz_score,
                approval: b.rule.approval,
                valid_days: b.valid_days,
                image: b.image.clone(),
                name: codes(&b.name),
                description: codes(&b.description),
                criteria: codes(&b.criteria),
                alignment: b
                    .alignment
                    .iter()
                    .map(|a| AlignmentOut {
                        framework: a.framework.clone(),
                        code: a.code.clone(),
                        name: a.name.clone(),
                        url: a.url.clone(),
                    })
                    .collect(),
            })
            .collect(),
    };
    let mut files = vec![ExportFile {
        path: "course.toml".into(),
        bytes: toml_text(&manifest)?.into_bytes(),
    }];

    let media_paths: BTreeSet<String> = media.iter().map(|m| m.path.clone()).collect();

    // Number loose lessons and modules in order of appearance.
    let mut top = 0u32;
    let mut current_module: Option<(String, String)> = None; // (slug, folder)
    let mut inner = 0u32;
    for lesson in rows {
        let folder = match (&lesson.module, &current_module) {
            (Some(m), Some((slug, folder))) if m == slug => {
                inner += 1;
                format!("{folder}/")
            }
            (Some(m), _) => {
                top += 1;
                inner = 1;
                let folder = format!("{top:02}-{m}");
                if let Some(module) = modules.iter().find(|x| &x.slug == m) {
                    files.push(ExportFile {
                        path: format!("{folder}/module.toml"),
                        bytes: toml_text(&ModuleOut {
                            title: codes(&module.titles),
                        })?
                        .into_bytes(),
                    });
                }
                current_module = Some((m.clone(), folder.clone()));
                format!("{folder}/")
            }
            (None, _) => {
                top += 1;
                current_module = None;
                String::new()
            }
        };
        let number = if lesson.module.is_some() { inner } else { top };
        let mut own: Vec<&lesson_texts::Model> = lesson_texts
            .iter()
            .filter(|t| t.lesson_id == lesson.id)
            .collect();
        own.sort_by_key(|t| (t.language != default_language.code(), t.language.clone()));
        for text in own {
            let suffix = if text.language == default_language.code() {
                String::new()
            } else {
                format!(".{}", text.language)
            };
            // A lesson whose file moves (a plain folder's nested lesson
            // into its numbered module folder) keeps its pictures.
            let body = rebase_media(
                &text.body_markdown,
                &source_dir(&text.source_path),
                folder.trim_end_matches('/'),
                &media_paths,
            );
            files.push(ExportFile {
                path: format!("{folder}{number:02}-{}{suffix}.md", lesson.slug),
                bytes: text_for_export(&body, &text.title).into_bytes(),
            });
        }
    }
    files.extend(media.iter().map(|m| ExportFile {
        path: m.path.clone(),
        bytes: m.bytes.clone(),
    }));
    Ok(files)
}

/// Writes `files` under `dir` (created if missing).
pub fn write_folder(dir: &Path, files: &[ExportFile]) -> std::io::Result<()> {
    for file in files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, &file.bytes)?;
    }
    Ok(())
}

/// `files` as a zip archive with one top folder, `<slug>/` (none when
/// `slug` is empty).
pub fn zip(slug: &str, files: &[ExportFile]) -> Result<Vec<u8>, CoreError> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let fail = |e: &dyn std::fmt::Display| CoreError::Internal(format!("cannot write zip: {e}"));
    for file in files {
        let path = if slug.is_empty() {
            file.path.clone()
        } else {
            format!("{slug}/{}", file.path)
        };
        out.start_file(path, options).map_err(|e| fail(&e))?;
        out.write_all(&file.bytes).map_err(|e| fail(&e))?;
    }
    Ok(out.finish().map_err(|e| fail(&e))?.into_inner())
}
