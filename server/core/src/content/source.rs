//! Reading course folders from disk into [`CourseSource`]s.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

use super::{CourseSource, CourseText, LessonSource, LessonVariant, Level, Problem, markdown};
use crate::Language;

/// `course.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    slug: Option<Spanned<String>>,
    default_language: Spanned<String>,
    languages: Option<Spanned<Vec<String>>>,
    level: Level,
    hours: u32,
    title: Spanned<BTreeMap<String, String>>,
    #[serde(default)]
    summary: BTreeMap<String, String>,
}

/// A lesson's front matter, between `+++` lines.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: Option<String>,
    minutes: Option<u32>,
    #[serde(default)]
    objectives: Vec<String>,
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).unwrap_or(text).matches('\n').count() + 1
}

fn toml_problem(path: &Path, text: &str, first_line: usize, err: &toml::de::Error) -> Problem {
    let line = err
        .span()
        .map(|s| line_of(text, s.start) + first_line - 1)
        .unwrap_or(first_line);
    Problem::new(path, Some(line), err.message().trim().to_string())
}

fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Loads every course folder directly under `root`. Folders that fail
/// entirely are reported and skipped; so are single broken lessons.
pub fn load_dir(root: &Path) -> (Vec<CourseSource>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut courses = Vec::new();
    let mut dirs: Vec<_> = match std::fs::read_dir(root) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_dir() && !is_hidden(p))
            .collect(),
        Err(err) => {
            problems.push(Problem::new(
                root,
                None,
                format!("cannot read the content folder: {err}"),
            ));
            return (courses, problems);
        }
    };
    dirs.sort();
    for dir in dirs {
        if let Some(course) = load_course(root, &dir, &mut problems) {
            if courses.iter().any(|c: &CourseSource| c.slug == course.slug) {
                problems.push(Problem::new(
                    &dir.join("course.toml"),
                    Some(1),
                    format!(
                        "another course already uses the slug \"{}\"; this one is skipped",
                        course.slug
                    ),
                ));
            } else {
                courses.push(course);
            }
        }
    }
    (courses, problems)
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') || n.starts_with('_'))
}

fn read_text(path: &Path, problems: &mut Vec<Problem>) -> Option<String> {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(
                text.strip_prefix('\u{feff}')
                    .map(str::to_owned)
                    .unwrap_or(text),
            ),
            Err(err) => {
                let line = line_of(
                    &String::from_utf8_lossy(err.as_bytes()),
                    err.utf8_error().valid_up_to(),
                );
                problems.push(Problem::new(
                    path,
                    Some(line),
                    "the file is not UTF-8 text; save it as UTF-8",
                ));
                None
            }
        },
        Err(err) => {
            problems.push(Problem::new(
                path,
                None,
                format!("cannot read the file: {err}"),
            ));
            None
        }
    }
}

fn parse_language(
    path: &Path,
    text: &str,
    value: &Spanned<String>,
    problems: &mut Vec<Problem>,
) -> Option<Language> {
    match value.get_ref().parse::<Language>() {
        Ok(lang) => Some(lang),
        Err(message) => {
            problems.push(Problem::new(
                path,
                Some(line_of(text, value.span().start)),
                message,
            ));
            None
        }
    }
}

fn load_course(root: &Path, dir: &Path, problems: &mut Vec<Problem>) -> Option<CourseSource> {
    let manifest_path = dir.join("course.toml");
    if !manifest_path.is_file() {
        problems.push(Problem::new(
            dir,
            None,
            "no course.toml in this folder, so it is not imported as a course",
        ));
        return None;
    }
    let text = read_text(&manifest_path, problems)?;
    let mut hasher = Sha256::new();
    hasher.update(text.as_bytes());
    let manifest: Manifest = match toml::from_str(&text) {
        Ok(m) => m,
        Err(err) => {
            problems.push(toml_problem(&manifest_path, &text, 1, &err));
            return None;
        }
    };
    let folder_name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned();
    let slug = match &manifest.slug {
        Some(s) if valid_slug(s.get_ref()) => s.get_ref().clone(),
        Some(s) => {
            problems.push(Problem::new(
                &manifest_path,
                Some(line_of(&text, s.span().start)),
                "slug may only use lowercase letters a-z, digits and hyphens",
            ));
            return None;
        }
        None if valid_slug(&folder_name) => folder_name,
        None => {
            problems.push(Problem::new(
                &manifest_path,
                Some(1),
                "the folder name cannot be a slug; add slug = \"my-course\" (lowercase letters, digits, hyphens)",
            ));
            return None;
        }
    };
    let default_language =
        parse_language(&manifest_path, &text, &manifest.default_language, problems)?;
    let mut languages = vec![default_language];
    if let Some(list) = &manifest.languages {
        let line = line_of(&text, list.span().start);
        for code in list.get_ref() {
            match code.parse::<Language>() {
                Ok(lang) if !languages.contains(&lang) => languages.push(lang),
                Ok(_) => {}
                Err(message) => problems.push(Problem::new(&manifest_path, Some(line), message)),
            }
        }
    }
    let title_line = line_of(&text, manifest.title.span().start);
    let mut texts = Vec::new();
    for (code, title) in manifest.title.get_ref() {
        let Ok(language) = code.parse::<Language>() else {
            problems.push(Problem::new(
                &manifest_path,
                Some(title_line),
                format!("unknown language \"{code}\" in title (use fi, sv or en)"),
            ));
            continue;
        };
        let summary = manifest.summary.get(code).cloned().unwrap_or_default();
        texts.push(CourseText {
            language,
            title: title.trim().to_owned(),
            summary: summary.trim().to_owned(),
        });
    }
    if !texts
        .iter()
        .any(|t| t.language == default_language && !t.title.is_empty())
    {
        problems.push(Problem::new(
            &manifest_path,
            Some(title_line),
            format!("the course needs a title in its default language: add {default_language} = \"…\" under [title]"),
        ));
        return None;
    }
    texts.sort_by_key(|t| t.language);

    let lessons = load_lessons(
        root,
        dir,
        default_language,
        &languages,
        &mut hasher,
        problems,
    );
    Some(CourseSource {
        slug,
        default_language,
        level: manifest.level,
        hours: manifest.hours,
        texts,
        lessons,
        source_hash: format!("{:x}", hasher.finalize()),
    })
}

/// `01-slug.md` or `01-slug.en.md` → (number, slug, language suffix).
fn parse_file_name(name: &str) -> Option<(u32, &str, Option<&str>)> {
    let stem = name.strip_suffix(".md")?;
    let (stem, lang) = match stem.rsplit_once('.') {
        Some((s, l)) => (s, Some(l)),
        None => (stem, None),
    };
    let (number, slug) = stem.split_once('-')?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) || !valid_slug(slug) {
        return None;
    }
    Some((number.parse().ok()?, slug, lang))
}

fn load_lessons(
    root: &Path,
    dir: &Path,
    default_language: Language,
    languages: &[Language],
    hasher: &mut Sha256,
    problems: &mut Vec<Problem>,
) -> Vec<LessonSource> {
    let mut files: Vec<_> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect(),
        Err(err) => {
            problems.push(Problem::new(
                dir,
                None,
                format!("cannot read the folder: {err}"),
            ));
            return Vec::new();
        }
    };
    files.sort();
    let mut lessons: BTreeMap<(u32, String), Vec<LessonVariant>> = BTreeMap::new();
    for path in files {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !name.ends_with(".md") || name.eq_ignore_ascii_case("README.md") {
            continue;
        }
        let Some((number, slug, lang)) = parse_file_name(name) else {
            problems.push(Problem::new(
                &path,
                None,
                "a lesson file name must look like 01-lesson-name.md (or 01-lesson-name.en.md for another language); skipped",
            ));
            continue;
        };
        let language = match lang {
            None => default_language,
            Some(code) => match code.parse::<Language>() {
                Ok(l) if languages.contains(&l) => l,
                Ok(l) => {
                    problems.push(Problem::new(
                        &path,
                        None,
                        format!(
                            "language \"{l}\" is not listed in the course's languages; skipped"
                        ),
                    ));
                    continue;
                }
                Err(message) => {
                    problems.push(Problem::new(&path, None, format!("{message}; skipped")));
                    continue;
                }
            },
        };
        let Some(text) = read_text(&path, problems) else {
            continue;
        };
        hasher.update(name.as_bytes());
        hasher.update(text.as_bytes());
        let relative = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if let Some(variant) = parse_lesson(&path, &text, language, relative, problems) {
            if let Some(existing) = lessons.keys().find(|(n, s)| *n == number && s != slug) {
                problems.push(Problem::new(
                    &path,
                    None,
                    format!(
                        "number {number} is already used by lesson \"{}\"; skipped",
                        existing.1
                    ),
                ));
                continue;
            }
            lessons
                .entry((number, slug.to_owned()))
                .or_default()
                .push(variant);
        }
    }
    let mut result = Vec::new();
    for ((number, slug), mut variants) in lessons {
        variants.sort_by_key(|v| v.language != default_language);
        if variants
            .first()
            .is_none_or(|v| v.language != default_language)
        {
            for v in &variants {
                problems.push(Problem::new(
                    &root.join(&v.source_path),
                    None,
                    format!("lesson \"{slug}\" has no {default_language} version (the course's default language); skipped"),
                ));
            }
            continue;
        }
        result.push(LessonSource {
            slug,
            number,
            variants,
        });
    }
    result
}

fn parse_lesson(
    path: &Path,
    text: &str,
    language: Language,
    source_path: String,
    problems: &mut Vec<Problem>,
) -> Option<LessonVariant> {
    let (front, body) = match split_front_matter(text) {
        Ok(Some((fm, body))) => match toml::from_str::<FrontMatter>(fm) {
            Ok(front) => (front, body),
            Err(err) => {
                problems.push(toml_problem(path, fm, 2, &err));
                return None;
            }
        },
        Ok(None) => (FrontMatter::default(), text),
        Err(message) => {
            problems.push(Problem::new(path, Some(1), message));
            return None;
        }
    };
    let title = match front
        .title
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
    {
        Some(title) => title,
        None => match body.lines().find_map(|l| l.strip_prefix("# ")) {
            Some(heading) => heading.trim().to_owned(),
            None => {
                problems.push(Problem::new(
                    path,
                    Some(1),
                    "the lesson has no title: add title = \"…\" to the front matter between +++ lines",
                ));
                return None;
            }
        },
    };
    let words = body.split_whitespace().count();
    let minutes = front
        .minutes
        .unwrap_or_else(|| u32::try_from(words / 150).unwrap_or(u32::MAX).max(1));
    Some(LessonVariant {
        language,
        title,
        minutes,
        source_path,
        body_html: markdown::render(body),
        body_markdown: body.to_owned(),
        objectives: front.objectives,
    })
}

/// Splits `+++` TOML front matter from the body:
/// `Ok(Some((front_matter, body)))`, `Ok(None)` when the
/// file has none, `Err` when it is opened but never closed.
fn split_front_matter(text: &str) -> Result<Option<(&str, &str)>, &'static str> {
    let Some(rest) = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
    else {
        return Ok(None);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Ok(Some((&rest[..offset], &rest[offset + line.len()..])));
        }
        offset += line.len();
    }
    Err("the front matter starts with +++ but has no closing +++ line")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert_eq!(parse_file_name("01-email.md"), Some((1, "email", None)));
        assert_eq!(
            parse_file_name("12-strong-passwords.en.md"),
            Some((12, "strong-passwords", Some("en")))
        );
        assert_eq!(parse_file_name("email.md"), None);
        assert_eq!(parse_file_name("01-Email.md"), None);
        assert_eq!(parse_file_name("01-.md"), None);
    }

    #[test]
    fn front_matter_split() {
        let (fm, body) = split_front_matter("+++\ntitle = \"A\"\n+++\nBody\n")
            .unwrap()
            .unwrap();
        assert_eq!(fm, "title = \"A\"\n");
        assert_eq!(body, "Body\n");
        assert!(split_front_matter("No front matter").unwrap().is_none());
        assert!(split_front_matter("+++\ntitle = \"A\"\n").is_err());
    }
}
