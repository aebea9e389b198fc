//! Reading course folders from disk into [`CourseSource`]s: `course.toml`
//! courses with optional module folders and media, and plain folders of
//! Markdown files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

use super::files::{Kind, entries, read_file, refuse};
use super::lessons::{
    lesson_from_text, line_of, numbered, parse_file_name, toml_problem, valid_slug,
};
use super::markdown::RenderContext;
use super::plain::{MAX_DEPTH, Overrides, is_markdown, load_plain_course};
use super::provenance::{Provenance, account};
use super::{
    BadgeSource, CourseSource, CourseText, LessonSource, LessonVariant, Level, MediaFile,
    ModuleSource, Problem,
};
use crate::Language;

/// The largest media file imported.
pub const MAX_MEDIA_BYTES: usize = 5 * 1024 * 1024;
/// The most media files one course may have.
const MAX_MEDIA_FILES: usize = 500;
/// The largest lesson file read.
const MAX_LESSON_BYTES: u64 = 1024 * 1024;

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
    #[serde(default)]
    badges: Vec<Spanned<BadgeToml>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BadgeToml {
    slug: String,
    name: BTreeMap<String, String>,
    #[serde(default)]
    description: BTreeMap<String, String>,
    #[serde(default)]
    criteria: BTreeMap<String, String>,
    #[serde(default)]
    lessons: Option<Vec<String>>,
    #[serde(default)]
    min_quiz_score: Option<u8>,
    #[serde(default)]
    approval: bool,
    #[serde(default)]
    valid_days: Option<u32>,
    #[serde(default)]
    image: Option<String>,
    #[serde(default)]
    alignment: Vec<AlignmentToml>,
}

/// An `[[badges.alignment]]` (also a pathway milestone's).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AlignmentToml {
    framework: String,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

/// A badge's alignments as read, or the problem with the first one that
/// cannot be kept. An alignment to a bundled framework (see
/// [`crate::frameworks`]) must name one of its entries, and takes its name
/// and address from it when the file leaves them out; another framework's
/// needs a name.
pub(crate) fn alignments(raw: &[AlignmentToml]) -> Result<Vec<super::BadgeAlignment>, String> {
    raw.iter()
        .map(|a| {
            if let Some(url) = &a.url
                && !(url.starts_with("https://") || url.starts_with("http://"))
            {
                return Err(format!(
                    "the alignment \"{}\" has a url that is not a web address (https://…)",
                    a.name.as_deref().unwrap_or(&a.framework)
                ));
            }
            let code = a.code.as_deref();
            match crate::frameworks::framework(&a.framework) {
                Some(framework) => {
                    let (framework, entry) =
                        crate::frameworks::resolve(&framework.name, code, a.url.as_deref())
                            .ok_or_else(|| {
                                format!(
                                    "{} has no competence \"{}\": use a code such as \"2.1\" (DigComp) or an ESCO skill URI from the bundled list (see content/README.md)",
                                    framework.name,
                                    code.or(a.url.as_deref()).unwrap_or("")
                                )
                            })?;
                    // The file's own name and address win over the data's.
                    let mut alignment = entry.alignment(framework);
                    if let Some(name) = &a.name {
                        alignment.name = name.clone();
                    }
                    if a.url.is_some() {
                        alignment.url = a.url.clone();
                    }
                    Ok(alignment)
                }
                None => Ok(super::BadgeAlignment {
                    framework: a.framework.clone(),
                    code: a.code.clone(),
                    name: a.name.clone().ok_or_else(|| {
                        format!(
                            "the alignment to \"{}\" needs a name (it is not a framework Polku bundles)",
                            a.framework
                        )
                    })?,
                    url: a.url.clone(),
                }),
            }
        })
        .collect()
}

/// `module.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModuleManifest {
    title: BTreeMap<String, String>,
}

/// Loads every course folder directly under `root`. Folders that fail
/// entirely are reported and skipped; so are single broken lessons.
pub fn load_dir(root: &Path) -> (Vec<CourseSource>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut courses = Vec::new();
    if let Err(err) = std::fs::read_dir(root) {
        problems.push(Problem::new(
            root,
            None,
            format!("cannot read the content folder: {err}"),
        ));
        return (courses, problems);
    }
    for (dir, kind) in entries(root, &mut problems) {
        // A linked course folder is refused; loose files are not courses.
        if kind != Kind::Dir {
            if kind == Kind::Link {
                refuse(&dir, kind, &mut problems);
            }
            continue;
        }
        if let Some(course) = load_course(root, &dir, &Overrides::default(), &mut problems) {
            if courses.iter().any(|c: &CourseSource| c.slug == course.slug) {
                problems.push(Problem::new(
                    &dir,
                    None,
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

/// Loads one course folder (with or without `course.toml`). Paths in the
/// result are relative to the folder's parent.
pub fn load_course_dir(dir: &Path) -> (Option<CourseSource>, Vec<Problem>) {
    load_course_dir_with(dir, &Overrides::default())
}

/// As [`load_course_dir`], with the slug or language chosen by the person
/// importing.
pub fn load_course_dir_with(
    dir: &Path,
    overrides: &Overrides,
) -> (Option<CourseSource>, Vec<Problem>) {
    let mut problems = Vec::new();
    let root = dir.parent().unwrap_or(Path::new(""));
    let course = match Kind::of(dir) {
        Some(Kind::Dir) => load_course(root, dir, overrides, &mut problems),
        Some(kind) if refuse(dir, kind, &mut problems) => None,
        _ => {
            problems.push(Problem::new(dir, None, "this is not a folder"));
            None
        }
    };
    (course, problems)
}

/// The text of a regular file (a lesson or a `.toml`), without a byte-order mark.
pub(super) fn read_text(path: &Path, problems: &mut Vec<Problem>) -> Option<String> {
    let bytes = read_file(
        path,
        MAX_LESSON_BYTES,
        "the file is larger than 1 MiB; split it into several lessons",
        problems,
    )?;
    match String::from_utf8(bytes) {
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
    }
}

/// A per-language table of `course.toml` (title, summary, badge texts).
pub(crate) fn language_map(
    path: &Path,
    line: usize,
    what: &str,
    table: &BTreeMap<String, String>,
    problems: &mut Vec<Problem>,
) -> BTreeMap<Language, String> {
    let mut out = BTreeMap::new();
    for (code, value) in table {
        match code.parse::<Language>() {
            Ok(language) => {
                out.insert(language, value.trim().to_owned());
            }
            Err(_) => problems.push(Problem::new(
                path,
                Some(line),
                format!("unknown language \"{code}\" in {what} (use fi, sv or en)"),
            )),
        }
    }
    out
}

pub(crate) fn media_type(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "vtt" => "text/vtt",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => return None,
    })
}

fn valid_media_path(path: &str) -> bool {
    path.split('/').all(|part| {
        !part.is_empty()
            && !part.starts_with('.')
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    })
}

/// A media file found under a course folder, not read yet.
pub(super) struct MediaCandidate {
    /// Relative to the course folder, with `/`.
    pub(super) relative: String,
    path: std::path::PathBuf,
    content_type: &'static str,
}

/// Every media file under `dir` (up to [`MAX_DEPTH`] folders deep), by
/// extension, not read yet. This walk covers every folder lessons are
/// read from, so it is the one that reports links and special files
/// (once).
pub(super) fn find_media(dir: &Path, problems: &mut Vec<Problem>) -> Vec<MediaCandidate> {
    let mut found = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), 0)];
    while let Some((folder, level)) = stack.pop() {
        for (path, kind) in entries(&folder, problems) {
            if refuse(&path, kind, problems) {
                continue;
            }
            if kind == Kind::Dir {
                if level < MAX_DEPTH {
                    stack.push((path, level + 1));
                }
                continue;
            }
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let Some(content_type) = media_type(name) else {
                continue;
            };
            let relative = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            if !valid_media_path(&relative) {
                problems.push(Problem::new(&path, None, "media file names may only use letters a-z, digits, '-', '_' and '.'; rename the file"));
                continue;
            }
            found.push(MediaCandidate {
                relative,
                path,
                content_type,
            });
        }
    }
    found.sort_by(|a, b| a.relative.cmp(&b.relative));
    found
}

/// Reads the media files `keep` says to (at most [`MAX_MEDIA_FILES`], each
/// at most [`MAX_MEDIA_BYTES`]).
pub(super) fn read_media(
    candidates: Vec<MediaCandidate>,
    keep: impl Fn(&str) -> bool,
    problems: &mut Vec<Problem>,
) -> Vec<MediaFile> {
    let mut found = Vec::new();
    for candidate in candidates {
        if !keep(&candidate.relative) {
            continue;
        }
        if found.len() >= MAX_MEDIA_FILES {
            problems.push(Problem::new(
                &candidate.path,
                None,
                format!("a course may have at most {MAX_MEDIA_FILES} media files; skipped"),
            ));
            continue;
        }
        if let Some(bytes) = read_file(
            &candidate.path,
            MAX_MEDIA_BYTES as u64,
            "the file is larger than 5 MiB; make it smaller (learners may be on slow connections)",
            problems,
        ) {
            found.push(MediaFile {
                path: candidate.relative,
                content_type: candidate.content_type,
                sha256: format!("{:x}", Sha256::digest(&bytes)),
                bytes,
            });
        }
    }
    found
}

/// Whether `dir` holds a Markdown file (up to [`MAX_DEPTH`] folders deep,
/// hidden ones left out), before anything is read.
fn has_markdown(dir: &Path) -> bool {
    fn under(dir: &Path, depth: usize) -> bool {
        entries(dir, &mut Vec::new())
            .into_iter()
            .any(|(path, kind)| match kind {
                Kind::File => is_markdown(&path),
                Kind::Dir => depth < MAX_DEPTH && under(&path, depth + 1),
                _ => false,
            })
    }
    under(dir, 0)
}

fn load_course(
    root: &Path,
    dir: &Path,
    overrides: &Overrides,
    problems: &mut Vec<Problem>,
) -> Option<CourseSource> {
    let declared = match Kind::of(&dir.join("course.toml")) {
        Some(Kind::File) => true,
        // A linked or special course.toml: refused below, with the media walk.
        Some(_) => false,
        None if !has_markdown(dir) => {
            problems.push(Problem::new(dir, None, "no course.toml and no Markdown (.md) files in this folder, so it is not imported as a course"));
            return None;
        }
        None => false,
    };
    let candidates = find_media(dir, problems);
    let manifest_path = dir.join("course.toml");
    if !declared && Kind::of(&manifest_path).is_some() {
        // A linked or special course.toml was reported with the media walk.
        return None;
    }
    let mut hasher = Sha256::new();
    let mut course = if declared {
        if overrides.language.is_some() {
            problems.push(Problem::new(&manifest_path, None, "course.toml declares the course's languages; --language is only for folders without one, and is ignored"));
        }
        // A course.toml course's media are all its media files.
        let media = read_media(candidates, |_| true, problems);
        let mut course = load_manifest_course(
            root,
            dir,
            &manifest_path,
            &media,
            overrides.slug.as_deref(),
            &mut hasher,
            problems,
        )?;
        course.media = media;
        course
    } else {
        // A plain folder's media are the files its lessons show: a
        // repository's other pictures (site assets, slides) stay out.
        let paths: BTreeSet<String> = candidates.iter().map(|c| c.relative.clone()).collect();
        let mut course = load_plain_course(root, dir, &paths, &mut hasher, overrides, problems)?;
        let prefix = format!("/media/{}/", course.slug);
        let used: BTreeSet<&str> = course
            .lessons
            .iter()
            .flat_map(|l| &l.variants)
            .flat_map(|v| v.body_html.split(prefix.as_str()).skip(1))
            .filter_map(|rest| rest.split(['"', '\'', ' ', ')']).next())
            .collect();
        course.media = read_media(candidates, |path| used.contains(path), problems);
        course
    };
    for file in &course.media {
        hasher.update(file.path.as_bytes());
        hasher.update(file.sha256.as_bytes());
    }
    course.source_hash = format!("{:x}", hasher.finalize());
    course.origin = Provenance::of(dir, declared);
    course.files = account(root, dir, &course, declared, problems);
    Some(course)
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

pub(super) fn folder_name(dir: &Path) -> String {
    dir.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned()
}

fn load_manifest_course(
    root: &Path,
    dir: &Path,
    manifest_path: &Path,
    media: &[MediaFile],
    slug_given: Option<&str>,
    hasher: &mut Sha256,
    problems: &mut Vec<Problem>,
) -> Option<CourseSource> {
    let text = read_text(manifest_path, problems)?;
    hasher.update(text.as_bytes());
    let manifest: Manifest = match toml::from_str(&text) {
        Ok(m) => m,
        Err(err) => {
            problems.push(toml_problem(manifest_path, &text, 1, &err));
            return None;
        }
    };
    let folder = folder_name(dir);
    let slug = match (slug_given, &manifest.slug) {
        (Some(given), _) => given.to_owned(),
        (None, Some(s)) if valid_slug(s.get_ref()) => s.get_ref().clone(),
        (None, Some(s)) => {
            problems.push(Problem::new(
                manifest_path,
                Some(line_of(&text, s.span().start)),
                "slug may only use lowercase letters a-z, digits and hyphens",
            ));
            return None;
        }
        (None, None) if valid_slug(&folder) => folder,
        (None, None) => {
            problems.push(Problem::new(
                manifest_path,
                Some(1),
                "the folder name cannot be a slug; add slug = \"my-course\" (lowercase letters, digits, hyphens)",
            ));
            return None;
        }
    };
    let default_language =
        parse_language(manifest_path, &text, &manifest.default_language, problems)?;
    let mut languages = vec![default_language];
    if let Some(list) = &manifest.languages {
        let line = line_of(&text, list.span().start);
        for code in list.get_ref() {
            match code.parse::<Language>() {
                Ok(lang) if !languages.contains(&lang) => languages.push(lang),
                Ok(_) => {}
                Err(message) => problems.push(Problem::new(manifest_path, Some(line), message)),
            }
        }
    }
    let title_line = line_of(&text, manifest.title.span().start);
    let titles = language_map(
        manifest_path,
        title_line,
        "title",
        manifest.title.get_ref(),
        problems,
    );
    let summaries = language_map(
        manifest_path,
        title_line,
        "summary",
        &manifest.summary,
        problems,
    );
    if titles.get(&default_language).is_none_or(String::is_empty) {
        problems.push(Problem::new(
            manifest_path,
            Some(title_line),
            format!("the course needs a title in its default language: add {default_language} = \"…\" under [title]"),
        ));
        return None;
    }
    let texts = titles
        .into_iter()
        .map(|(language, title)| CourseText {
            language,
            title,
            summary: summaries.get(&language).cloned().unwrap_or_default(),
        })
        .collect();

    let mut badges: Vec<BadgeSource> = Vec::new();
    let mut badge_lines: Vec<usize> = Vec::new();
    for badge in &manifest.badges {
        let line = line_of(&text, badge.span().start);
        let raw = badge.get_ref();
        let name = language_map(manifest_path, line, "the badge name", &raw.name, problems);
        let alignment = alignments(&raw.alignment);
        let problem = if !valid_slug(&raw.slug) {
            Some("a badge slug may only use lowercase letters a-z, digits and hyphens".to_owned())
        } else if raw.min_quiz_score.is_some_and(|s| s > 100) {
            Some("min_quiz_score is a percentage: 0 to 100".to_owned())
        } else if raw.valid_days == Some(0) {
            Some("valid_days must be at least 1 (leave it out for no end)".to_owned())
        } else if let Err(message) = &alignment {
            Some(message.clone())
        } else if badges.iter().any(|b| b.slug == raw.slug) {
            Some(format!("two badges use the slug \"{}\"", raw.slug))
        } else if name.get(&default_language).is_none_or(String::is_empty) {
            Some(format!(
                "the badge needs a name in the default language: add {default_language} = \"…\" under [badges.name]"
            ))
        } else {
            None
        };
        if let Some(message) = problem {
            problems.push(Problem::new(
                manifest_path,
                Some(line),
                format!("{message}; the badge is skipped"),
            ));
            continue;
        }
        badges.push(BadgeSource {
            slug: raw.slug.clone(),
            name,
            description: language_map(
                manifest_path,
                line,
                "the badge description",
                &raw.description,
                problems,
            ),
            criteria: language_map(
                manifest_path,
                line,
                "the badge criteria",
                &raw.criteria,
                problems,
            ),
            rule: crate::content::BadgeRule {
                lessons: raw.lessons.clone(),
                min_quiz_score: raw.min_quiz_score,
                approval: raw.approval,
            },
            valid_days: raw.valid_days,
            image: raw.image.clone(),
            alignment: alignment.unwrap_or_default(),
        });
        badge_lines.push(line);
    }

    let media_paths: BTreeSet<String> = media.iter().map(|m| m.path.clone()).collect();
    let layout = Layout {
        root,
        course_dir: dir,
        slug: &slug,
        default_language,
        languages: &languages,
        media: &media_paths,
    };
    let (lessons, modules) = layout.load_lessons(hasher, problems);
    // What badges refer to must exist: lessons and the picture.
    let mut kept = Vec::new();
    for (badge, line) in badges.into_iter().zip(badge_lines) {
        let missing_lesson = badge
            .rule
            .lessons
            .iter()
            .flatten()
            .find(|slug| !lessons.iter().any(|l| &l.slug == *slug));
        let image_problem = badge.image.as_deref().and_then(|image| {
            let lower = image.to_lowercase();
            if !(lower.ends_with(".png") || lower.ends_with(".svg")) {
                Some(format!("the badge image {image} must be a PNG or SVG file"))
            } else if !media_paths.contains(image) {
                Some(format!(
                    "the badge image {image} is not in the course's media folder"
                ))
            } else {
                None
            }
        });
        let problem = match (missing_lesson, image_problem) {
            (Some(slug), _) => Some(format!(
                "the badge \"{}\" needs the lesson \"{slug}\", which the course does not have",
                badge.slug
            )),
            (None, Some(message)) => Some(message),
            (None, None) => None,
        };
        match problem {
            Some(message) => problems.push(Problem::new(
                manifest_path,
                Some(line),
                format!("{message}; the badge is skipped"),
            )),
            None => kept.push(badge),
        }
    }
    let badges = kept;
    Some(CourseSource {
        slug,
        default_language,
        level: manifest.level,
        hours: manifest.hours,
        texts,
        lessons,
        modules,
        media: Vec::new(),
        badges,
        source_hash: String::new(),
        origin: Provenance::default(),
        language_choice: None,
        files: Vec::new(),
    })
}

/// What lesson loading needs to know about the course.
struct Layout<'a> {
    root: &'a Path,
    course_dir: &'a Path,
    slug: &'a str,
    default_language: Language,
    languages: &'a [Language],
    media: &'a BTreeSet<String>,
}

/// (top number, number within the module, slug) → variants.
type LessonMap = BTreeMap<(u32, u32, String), (Option<String>, Vec<LessonVariant>)>;

impl Layout<'_> {
    fn relative(&self, path: &Path) -> String {
        path.strip_prefix(self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }

    fn load_lessons(
        &self,
        hasher: &mut Sha256,
        problems: &mut Vec<Problem>,
    ) -> (Vec<LessonSource>, Vec<ModuleSource>) {
        let mut lessons: LessonMap = BTreeMap::new();
        let mut modules: BTreeMap<u32, ModuleSource> = BTreeMap::new();
        // Links and special files are skipped here: the media walk has
        // reported them.
        for (path, kind) in entries(self.course_dir, problems) {
            let name = folder_name(&path);
            if kind == Kind::Dir {
                let Some((number, slug)) = numbered(&name) else {
                    continue;
                };
                if let Some(module) = self.load_module(&path, slug, hasher, problems) {
                    modules.insert(number, module);
                    for (file, kind) in entries(&path, problems) {
                        if kind == Kind::File {
                            self.load_file(
                                &file,
                                number,
                                Some(slug),
                                &mut lessons,
                                hasher,
                                problems,
                            );
                        }
                    }
                }
            } else if kind == Kind::File {
                self.load_file(&path, 0, None, &mut lessons, hasher, problems);
            }
        }
        // A loose lesson and a module must not share a number: the order would be unclear.
        let mut result = Vec::new();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for ((top, inner, slug), (module, mut variants)) in lessons {
            let number = if module.is_some() { inner } else { top };
            let first_path = self.root.join(&variants[0].source_path);
            if module.is_none() && modules.contains_key(&top) {
                problems.push(Problem::new(&first_path, None, format!("number {top} is also used by a module folder; renumber one of them; skipped")));
                continue;
            }
            if let Some(other) = seen.get(&slug) {
                problems.push(Problem::new(&first_path, None, format!("the lesson slug \"{slug}\" is already used by {other}; lesson slugs must be unique in a course; skipped")));
                continue;
            }
            variants.sort_by_key(|v| v.language != self.default_language);
            if variants[0].language != self.default_language {
                for v in &variants {
                    problems.push(Problem::new(
                        &self.root.join(&v.source_path),
                        None,
                        format!("lesson \"{slug}\" has no {} version (the course's default language); skipped", self.default_language),
                    ));
                }
                continue;
            }
            seen.insert(slug.clone(), variants[0].source_path.clone());
            result.push(LessonSource {
                slug,
                number,
                module,
                variants,
            });
        }
        (result, modules.into_values().collect())
    }

    fn load_module(
        &self,
        dir: &Path,
        slug: &str,
        hasher: &mut Sha256,
        problems: &mut Vec<Problem>,
    ) -> Option<ModuleSource> {
        let manifest = dir.join("module.toml");
        let mut titles = BTreeMap::new();
        if let Some(kind) = Kind::of(&manifest) {
            if kind != Kind::File {
                return None;
            }
            let text = read_text(&manifest, problems)?;
            hasher.update(text.as_bytes());
            match toml::from_str::<ModuleManifest>(&text) {
                Ok(m) => titles = language_map(&manifest, 1, "title", &m.title, problems),
                Err(err) => {
                    problems.push(toml_problem(&manifest, &text, 1, &err));
                    return None;
                }
            }
        }
        if titles
            .get(&self.default_language)
            .is_none_or(String::is_empty)
        {
            let mut title = slug.replace('-', " ");
            if let Some(first) = title.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            titles.insert(self.default_language, title);
        }
        Some(ModuleSource {
            slug: slug.to_owned(),
            titles,
        })
    }

    fn load_file(
        &self,
        path: &Path,
        top: u32,
        module: Option<&str>,
        lessons: &mut LessonMap,
        hasher: &mut Sha256,
        problems: &mut Vec<Problem>,
    ) {
        let name = folder_name(path);
        if !name.ends_with(".md") || name.eq_ignore_ascii_case("README.md") {
            return;
        }
        let Some((number, slug, lang)) = parse_file_name(&name) else {
            problems.push(Problem::new(
                path,
                None,
                "a lesson file name must look like 01-lesson-name.md (or 01-lesson-name.en.md for another language); skipped",
            ));
            return;
        };
        let language = match lang {
            None => self.default_language,
            Some(code) => match code.parse::<Language>() {
                Ok(l) if self.languages.contains(&l) => l,
                Ok(l) => {
                    problems.push(Problem::new(
                        path,
                        None,
                        format!(
                            "language \"{l}\" is not listed in the course's languages; skipped"
                        ),
                    ));
                    return;
                }
                Err(message) => {
                    problems.push(Problem::new(path, None, format!("{message}; skipped")));
                    return;
                }
            },
        };
        let Some(text) = read_text(path, problems) else {
            return;
        };
        let relative = self.relative(path);
        hasher.update(relative.as_bytes());
        hasher.update(text.as_bytes());
        let key = if module.is_some() {
            (top, number, slug.to_owned())
        } else {
            (number, 0, slug.to_owned())
        };
        if let Some(existing) = lessons
            .keys()
            .find(|(t, n, s)| (*t, *n) == (key.0, key.1) && *s != key.2)
        {
            problems.push(Problem::new(
                path,
                None,
                format!(
                    "number {number} is already used by lesson \"{}\"; skipped",
                    existing.2
                ),
            ));
            return;
        }
        let lesson_dir = if module.is_some() {
            folder_name(path.parent().unwrap_or(path))
        } else {
            String::new()
        };
        let ctx = RenderContext {
            language,
            course_slug: self.slug,
            lesson_dir: &lesson_dir,
            media: self.media,
            first_line: 1,
        };
        let (variant, found) = lesson_from_text(path, relative, &text, &ctx, None);
        problems.extend(found);
        if let Some(variant) = variant {
            problems.extend(variant.advice_warnings(path));
            lessons
                .entry(key)
                .or_insert_with(|| (module.map(str::to_owned), Vec::new()))
                .1
                .push(variant);
        }
    }
}

/// A slug from any file or folder name: ASCII letters and digits kept
/// (ä → a, ö → o, å → a), the rest joined by hyphens.
pub(crate) fn slug_from_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'ä' | 'å' | 'á' | 'à' => 'a',
            'ö' | 'ó' => 'o',
            'é' | 'è' => 'e',
            'ü' => 'u',
            other => other,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-')
        .chars()
        .take(100)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_names() {
        assert_eq!(slug_from_name("Työnhaku verkossa"), "tyonhaku-verkossa");
        assert_eq!(slug_from_name("01_Intro.md"), "01-intro-md");
        assert_eq!(slug_from_name("!!!"), "");
    }

    #[test]
    fn media_names() {
        assert!(valid_media_path("media/inbox-1.png"));
        assert!(!valid_media_path("media/my picture.png"));
        assert!(!valid_media_path("media/.secret.png"));
        assert_eq!(media_type("x.JPG"), Some("image/jpeg"));
        assert_eq!(media_type("x.exe"), None);
    }
}
