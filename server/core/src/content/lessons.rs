//! Lesson files: names, front matter, and the body rendered through
//! [`markdown::render_lesson`].

use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::markdown::{self, RenderContext};
use super::{LessonVariant, Problem};

/// A lesson's front matter, between `+++` lines.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: Option<String>,
    minutes: Option<u32>,
    #[serde(default)]
    objectives: Vec<String>,
    /// Words the learner must recognise as they are (the name of a card,
    /// a service or an office she meets): not pointed out as long words
    /// or jargon by the plain-language check. Any inflected form counts.
    #[serde(default)]
    terms: Vec<String>,
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).unwrap_or(text).matches('\n').count() + 1
}

pub(crate) fn toml_problem(
    path: &Path,
    text: &str,
    first_line: usize,
    err: &toml::de::Error,
) -> Problem {
    let line = err
        .span()
        .map(|s| line_of(text, s.start) + first_line - 1)
        .unwrap_or(first_line);
    Problem::new(path, Some(line), err.message().trim().to_string())
}

/// Whether `s` is a valid slug: lowercase letters a-z, digits, inner hyphens.
pub fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// `01-email` → (1, "email"): the `NN-slug` of lesson files and module folders.
pub(crate) fn numbered(stem: &str) -> Option<(u32, &str)> {
    let (number, slug) = stem.split_once('-')?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) || !valid_slug(slug) {
        return None;
    }
    Some((number.parse().ok()?, slug))
}

/// `01-slug.md` or `01-slug.en.md` → (number, slug, language suffix).
pub(crate) fn parse_file_name(name: &str) -> Option<(u32, &str, Option<&str>)> {
    let stem = name.strip_suffix(".md")?;
    let (stem, lang) = match stem.rsplit_once('.') {
        Some((s, l)) => (s, Some(l)),
        None => (stem, None),
    };
    let (number, slug) = numbered(stem)?;
    Some((number, slug, lang))
}

/// Splits front matter between `fence` lines from the body:
/// `Ok(Some((front_matter, body)))`, `Ok(None)` when the
/// file has none, `Err` when it is opened but never closed.
fn split_fenced<'t>(text: &'t str, fence: &str) -> Result<Option<(&'t str, &'t str)>, ()> {
    let Some(rest) = text
        .strip_prefix(fence)
        .and_then(|r| r.strip_prefix('\n').or_else(|| r.strip_prefix("\r\n")))
    else {
        return Ok(None);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == fence {
            return Ok(Some((&rest[..offset], &rest[offset + line.len()..])));
        }
        offset += line.len();
    }
    Err(())
}

/// Splits `+++` TOML front matter from the body (see [`split_fenced`]).
fn split_front_matter(text: &str) -> Result<Option<(&str, &str)>, &'static str> {
    split_fenced(text, "+++")
        .map_err(|()| "the front matter starts with +++ but has no closing +++ line")
}

/// YAML front matter (`---`) as other tools (Jekyll, Hugo, Obsidian) write
/// it, for plain folders: only a `title:` line is read, the rest ignored.
fn yaml_front_matter(text: &str) -> Option<(Option<String>, &str)> {
    let (yaml, body) = split_fenced(text, "---").ok()??;
    Some((yaml_value(yaml, "title"), body))
}

/// The value of the top-level `key:` line of a YAML text, unquoted (the
/// only thing Polku reads from YAML: a front matter's or a site
/// configuration's title).
pub(crate) fn yaml_value(yaml: &str, key: &str) -> Option<String> {
    yaml.lines().find_map(|line| {
        let value = line.strip_prefix(key)?.strip_prefix(':')?.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(value);
        Some(value.trim().to_owned()).filter(|v| !v.is_empty())
    })
}

/// The first `# ` heading of a body, and the body without it.
fn take_title(body: &str) -> Option<(String, String)> {
    let mut offset = 0;
    let mut in_fence = false;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        }
        if !in_fence && let Some(title) = line.strip_prefix("# ") {
            let title = title.trim().trim_end_matches('#').trim().to_owned();
            if !title.is_empty() {
                let rest = format!("{}{}", &body[..offset], &body[offset + line.len()..]);
                return Some((title, rest));
            }
        }
        offset += line.len();
    }
    None
}

/// The folder, inside its course folder, of the lesson file `source_path`
/// (which starts with the course folder's name): what the lesson's
/// relative media paths are read from. `course/03-more/01-x.md` →
/// `03-more`; `course/01-x.md` → empty.
pub fn source_dir(source_path: &str) -> String {
    let parts: Vec<&str> = source_path.split('/').collect();
    match parts.len() {
        0..=2 => String::new(),
        n => parts[1..n - 1].join("/"),
    }
}

/// The title a lesson text gives itself (front matter, else its first
/// `# ` heading), without rendering it; `None` if it gives none.
pub(crate) fn title_of(text: &str) -> Option<String> {
    let (front, body, _) = front_matter(Path::new(""), text).ok()?;
    front
        .title
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .or_else(|| take_title(body).map(|(title, _)| title))
}

/// A lesson text's front matter (TOML between `+++` lines, or only the
/// title of YAML between `---` lines), its body and the body's first line;
/// or the problem with the front matter (named by `path`).
fn front_matter<'a>(path: &Path, text: &'a str) -> Result<(FrontMatter, &'a str, usize), Problem> {
    match split_front_matter(text) {
        Ok(Some((fm, body))) => match toml::from_str::<FrontMatter>(fm) {
            Ok(front) => Ok((front, body, line_of(text, text.len() - body.len()))),
            Err(err) => Err(toml_problem(path, fm, 2, &err)),
        },
        Ok(None) => Ok(match yaml_front_matter(text) {
            Some((title, body)) => (
                FrontMatter {
                    title,
                    ..FrontMatter::default()
                },
                body,
                line_of(text, text.len() - body.len()),
            ),
            None => (FrontMatter::default(), text, 1),
        }),
        Err(message) => Err(Problem::new(path, Some(1), message)),
    }
}

/// A lesson text made self-describing for export: a file whose title came
/// from outside it (a plain folder's file name, or YAML front matter) gets
/// TOML front matter with that title, so that it imports the same again.
pub fn text_for_export(text: &str, title: &str) -> String {
    if text.starts_with("+++\n") || text.starts_with("+++\r\n") {
        return text.to_owned();
    }
    let body = yaml_front_matter(text).map_or(text, |(_, body)| body);
    if take_title(body).is_some_and(|(heading, _)| heading == title) {
        return body.to_owned();
    }
    let mut front = toml::Table::new();
    front.insert("title".into(), toml::Value::String(title.to_owned()));
    format!(
        "+++\n{}+++\n{body}",
        toml::to_string(&front).unwrap_or_default()
    )
}

/// The plain-language advice and readability of a lesson file's `text`
/// (its body after the front matter; the title heading is not prose).
pub(super) fn plain_language(
    text: &str,
    language: crate::Language,
) -> (
    Vec<super::readability::Advice>,
    super::readability::Readability,
) {
    match front_matter(Path::new(""), text) {
        Ok((front, body, first_line)) => {
            super::readability::check(body, first_line, language, &front.terms)
        }
        // A lesson whose front matter is broken has that problem to fix first.
        Err(_) => (Vec::new(), super::readability::Readability::default()),
    }
}

/// Reads one lesson file's text: front matter, title, body rendered and
/// sanitised. `path` names the file in problems; `fallback_title` is used
/// when neither the front matter nor a `# ` heading gives one (plain
/// folders), else a missing title is a problem. Returns `None` when the
/// lesson cannot be used at all; problems in single blocks (a quiz, an
/// image) are reported and the rest of the lesson still loads.
pub fn lesson_from_text(
    path: &Path,
    source_path: String,
    text: &str,
    ctx: &RenderContext<'_>,
    fallback_title: Option<&str>,
) -> (Option<LessonVariant>, Vec<Problem>) {
    let mut problems = Vec::new();
    let (front, body, body_line) = match front_matter(path, text) {
        Ok(read) => read,
        Err(problem) => {
            problems.push(problem);
            return (None, problems);
        }
    };
    let front_title = front
        .title
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    let (title, body) = match (front_title, take_title(body)) {
        (Some(title), _) => (title, body.to_owned()),
        (None, Some((title, rest))) => (title, rest),
        (None, None) => match fallback_title {
            Some(title) => (title.to_owned(), body.to_owned()),
            None => {
                problems.push(Problem::new(
                    path,
                    Some(1),
                    "the lesson has no title: add title = \"…\" to the front matter between +++ lines",
                ));
                return (None, problems);
            }
        },
    };
    let ctx = RenderContext {
        first_line: body_line,
        ..*ctx
    };
    let rendered = markdown::render_lesson(&body, &ctx);
    // Problems and warnings in the order of their lines.
    let mut found: Vec<Problem> = rendered
        .problems
        .into_iter()
        .map(|(line, message)| Problem::new(path, Some(line), message))
        .chain(
            rendered
                .warnings
                .into_iter()
                .map(|(line, message)| Problem::warning(path, Some(line), message)),
        )
        .collect();
    found.sort_by_key(|p| p.line);
    problems.extend(found);
    let words = body.split_whitespace().count();
    let minutes = front
        .minutes
        .unwrap_or_else(|| u32::try_from(words / 150).unwrap_or(u32::MAX).max(1));
    let variant = LessonVariant {
        language: ctx.language,
        title,
        minutes,
        source_path,
        body_html: rendered.html,
        body_markdown: text.to_owned(),
        objectives: front.objectives,
        quizzes: rendered.quizzes,
        headings: rendered.headings,
        sections: rendered.sections,
        source_hash: format!("{:x}", Sha256::digest(text.as_bytes())),
    };
    (Some(variant), problems)
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

    #[test]
    fn yaml_front_matter_gives_only_a_title() {
        let (title, body) =
            yaml_front_matter("---\nlayout: post\ntitle: \"Hei\"\n---\nBody\n").unwrap();
        assert_eq!(title.as_deref(), Some("Hei"));
        assert_eq!(body, "Body\n");
        assert!(yaml_front_matter("No front matter").is_none());
    }

    #[test]
    fn title_from_first_heading_is_taken_out_of_the_body() {
        let (title, rest) = take_title("```\n# not this\n```\n# Real title\n\nText\n").unwrap();
        assert_eq!(title, "Real title");
        assert_eq!(rest, "```\n# not this\n```\n\nText\n");
    }
}
