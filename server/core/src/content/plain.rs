//! Plain folders of Markdown (no `course.toml`), as course repositories
//! publish them: every Markdown file is a lesson.
//!
//! * **Modules.** Each sub-folder that holds Markdown becomes a module, in
//!   natural name order ("part-2" before "part-10"); deeper folders are
//!   flattened into their module in order. A module is named by its
//!   `README.md`/`index.md` title, else by its first lesson's title.
//! * **Identity.** The course slug is the folder's name, unless that name
//!   is generic (`data`, `docs`, `episodes`…): then the title's, else the
//!   parent folder's. `--slug` chooses one.
//! * **Language.** Detected from the lessons' prose (code blocks left
//!   out), among Finnish, Swedish and English; `--language` sets it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::files::{Kind, entries};
use super::lessons::{lesson_from_text, numbered, valid_slug};
use super::markdown::RenderContext;
use super::source::{folder_name, read_text, slug_from_name};
use super::{CourseSource, CourseText, LanguageChoice, LessonSource, Level, ModuleSource, Problem};
use crate::Language;

/// Folder names that say nothing about the course: its slug comes from
/// its title or its parent folder instead.
pub(crate) const GENERIC_NAMES: &[&str] = &[
    "data",
    "docs",
    "doc",
    "content",
    "contents",
    "src",
    "episodes",
    "lessons",
    "material",
    "materials",
    "pages",
    "site",
    "book",
    "course",
];

/// Whether a folder's name says nothing about the course.
fn is_generic(name: &str) -> bool {
    GENERIC_NAMES.contains(&name.trim_start_matches('_').to_lowercase().as_str())
}

/// How deep folders are read (the course folder is 0).
pub(crate) const MAX_DEPTH: usize = 8;
/// How much prose the language is detected from.
const DETECT_BYTES: usize = 64 * 1024;

/// What the person importing chose instead of what the folder says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// The course's slug.
    pub slug: Option<String>,
    /// The language of a plain folder's lessons.
    pub language: Option<Language>,
}

/// A Markdown file to read, with the module it belongs to.
struct LessonFile {
    path: PathBuf,
    /// Index into the modules, `None` at the top level.
    module: Option<usize>,
    text: String,
    /// The same lesson in other languages (from language folders).
    translations: Vec<(Language, PathBuf, String)>,
}

/// The Polku language a folder's name names (`fi`, `sv`, `en`).
fn language_folder(path: &Path) -> Option<Language> {
    folder_name(path).to_ascii_lowercase().parse().ok()
}

/// Whether a folder's name looks like a language code (`es`, `ptbr`,
/// `zh-cn`): next to a `fi`, `sv` or `en` folder, such a folder holds a
/// translation, not a module.
pub(crate) fn looks_like_language(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let letters: String = name.chars().filter(|c| *c != '-' && *c != '_').collect();
    (letters.len() == 2 || letters.len() == 4)
        && letters.chars().all(|c| c.is_ascii_lowercase())
        && name.len() - letters.len() <= 1
}

/// The Markdown files of a folder, split by language folder: `None` for
/// files outside any language folder, else the language.
type ByLanguage = Vec<(Option<Language>, Vec<PathBuf>)>;

/// Splits a folder's `entries` (at `depth`): its own Markdown files, the
/// files of each `fi`, `sv` or `en` folder, and its other sub-folders
/// (returned as they are). Folders that look like languages Polku does
/// not offer are left out when a `fi`, `sv` or `en` folder stands next to
/// them.
fn split_languages(
    entries: &[(PathBuf, Kind)],
    depth: usize,
    problems: &mut Vec<Problem>,
) -> (ByLanguage, Vec<PathBuf>) {
    let has_languages = entries
        .iter()
        .any(|(p, k)| *k == Kind::Dir && language_folder(p).is_some());
    let mut split: ByLanguage = vec![(None, Vec::new())];
    let mut others = Vec::new();
    for (path, kind) in entries {
        match kind {
            Kind::File if is_markdown(path) => split[0].1.push(path.clone()),
            Kind::Dir => match language_folder(path) {
                Some(language) if has_languages => {
                    split.push((Some(language), markdown_under(path, depth + 1, problems)));
                }
                _ if has_languages && looks_like_language(&folder_name(path)) => {}
                _ => others.push(path.clone()),
            },
            _ => {}
        }
    }
    (split, others)
}

/// Whether `name` is a folder's introduction (`README.md`, `index.md`).
fn is_intro(name: &str) -> bool {
    name.eq_ignore_ascii_case("readme.md") || name.eq_ignore_ascii_case("index.md")
}

pub(super) fn is_markdown(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md"))
}

/// `entries` in reading order: the introduction first, then natural order
/// of names (files and folders interleaved).
fn in_order(dir: &Path, problems: &mut Vec<Problem>) -> Vec<(PathBuf, Kind)> {
    let mut found = entries(dir, problems);
    found.sort_by(|(a, _), (b, _)| {
        let (a, b) = (folder_name(a), folder_name(b));
        is_intro(&b)
            .cmp(&is_intro(&a))
            .then_with(|| natord::compare_ignore_case(&a, &b))
    });
    found
}

/// The Markdown files under `dir` (depth `depth`), in reading order.
fn markdown_under(dir: &Path, depth: usize, problems: &mut Vec<Problem>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for (path, kind) in in_order(dir, problems) {
        match kind {
            Kind::File if is_markdown(&path) => out.push(path),
            Kind::Dir if depth < MAX_DEPTH => {
                out.extend(markdown_under(&path, depth + 1, problems))
            }
            _ => {}
        }
    }
    out
}

/// The prose of a Markdown text (no code, no markup), for detection.
fn prose(markdown: &str, out: &mut String) {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut in_code = false;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(text) if !in_code => {
                out.push_str(&text);
                out.push(' ');
            }
            _ => {}
        }
        if out.len() >= DETECT_BYTES {
            return;
        }
    }
}

/// The language of `texts`: detected among Finnish, Swedish and English.
pub(crate) fn detect<'a>(texts: impl Iterator<Item = &'a str>) -> LanguageChoice {
    let mut sample = String::new();
    for text in texts {
        prose(text, &mut sample);
        if sample.len() >= DETECT_BYTES {
            break;
        }
    }
    let detector = whatlang::Detector::with_allowlist(vec![
        whatlang::Lang::Fin,
        whatlang::Lang::Swe,
        whatlang::Lang::Eng,
    ]);
    match detector.detect(&sample) {
        Some(info) => LanguageChoice::Detected {
            language: match info.lang() {
                whatlang::Lang::Swe => Language::Sv,
                whatlang::Lang::Eng => Language::En,
                _ => Language::Fi,
            },
            confidence: info.confidence(),
            reliable: info.is_reliable(),
        },
        None => LanguageChoice::NoText,
    }
}

/// A unique slug from `base` among `taken`.
pub(crate) fn unique(base: String, taken: &[&str]) -> String {
    let mut slug = base.clone();
    let mut n = 2;
    while taken.contains(&slug.as_str()) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    slug
}

/// Site configurations that name a course: (file, key).
const SITE_FILES: &[(&str, &str)] = &[
    ("config.yaml", "title"),
    ("config.yml", "title"),
    ("_config.yml", "title"),
    ("_config.yaml", "title"),
    ("mkdocs.yml", "site_name"),
];

/// The title a site configuration gives, in `dir` or, for a generic
/// folder, in the folders above it up to the first that is not generic
/// (The Carpentries' `episodes/` → the lesson's `config.yaml`).
fn site_title(dir: &Path, generic: bool) -> Option<String> {
    let absolute = dir.canonicalize().ok()?;
    let mut folders = vec![absolute.as_path()];
    if generic {
        for folder in absolute.ancestors().skip(1) {
            folders.push(folder);
            if !is_generic(&folder_name(folder)) {
                break;
            }
        }
    }
    folders.into_iter().find_map(|folder| {
        SITE_FILES.iter().find_map(|(file, key)| {
            let path = folder.join(file);
            if Kind::of(&path) != Some(Kind::File) {
                return None;
            }
            let text = read_text(&path, &mut Vec::new())?;
            super::lessons::yaml_value(&text, key)
        })
    })
}

/// A slug for a folder or file name: `01-intro` → `intro`, else the name
/// made into a slug.
fn name_slug(name: &str, fallback: &str) -> String {
    if let Some((_, slug)) = numbered(name) {
        return slug.to_owned();
    }
    match slug_from_name(name) {
        s if valid_slug(&s) => s,
        _ => fallback.to_owned(),
    }
}

/// The lessons of `groups` in `language` (files outside language folders
/// and in its folder), each with its files in the other languages: the
/// one with the same file name, else the one in the same place when both
/// folders hold as many files.
fn read_lessons(
    groups: &[(Option<usize>, ByLanguage)],
    language: Language,
    problems: &mut Vec<Problem>,
) -> Vec<LessonFile> {
    let mut read = Vec::new();
    for (module, split) in groups {
        // The group's lessons: files outside language folders, then the
        // default language's folder.
        let own: Vec<&PathBuf> = split
            .iter()
            .filter(|(l, _)| l.is_none() || *l == Some(language))
            .flat_map(|(_, files)| files)
            .collect();
        let in_folder: Vec<&PathBuf> = split
            .iter()
            .filter(|(l, _)| *l == Some(language))
            .flat_map(|(_, files)| files)
            .collect();
        let first = read.len();
        for path in own {
            if let Some(text) = read_text(path, problems) {
                read.push(LessonFile {
                    path: path.clone(),
                    module: *module,
                    text,
                    translations: Vec::new(),
                });
            }
        }
        // Each other language's file joins the lesson with the same
        // file name, else the one in the same place when both
        // folders hold as many files.
        for (other, files) in split {
            let Some(other) = *other else { continue };
            if other == language {
                continue;
            }
            for (index, path) in files.iter().enumerate() {
                let name = folder_name(path);
                let lesson = read[first..]
                    .iter()
                    .position(|f: &LessonFile| folder_name(&f.path) == name)
                    .or_else(|| {
                        (files.len() == in_folder.len())
                            .then(|| {
                                read[first..]
                                    .iter()
                                    .position(|f| &f.path == in_folder[index])
                            })
                            .flatten()
                    });
                let Some(lesson) = lesson else {
                    problems.push(Problem::new(path, None, format!("no {language} lesson matches it (the same file name in the {language} folder, or as many files in the same order); skipped")));
                    continue;
                };
                if let Some(text) = read_text(path, problems) {
                    read[first + lesson]
                        .translations
                        .push((other, path.clone(), text));
                }
            }
        }
    }
    read
}

/// A folder without `course.toml`: every Markdown file is a lesson, each
/// sub-folder with Markdown a module.
pub(super) fn load_plain_course(
    root: &Path,
    dir: &Path,
    media_paths: &BTreeSet<String>,
    hasher: &mut Sha256,
    overrides: &Overrides,
    problems: &mut Vec<Problem>,
) -> Option<CourseSource> {
    let folder = folder_name(dir);

    // The groups of files, in order: the top level's, then each module's
    // (its deeper folders flattened into it), each split by language
    // folder.
    let (top, sub_folders) = split_languages(&in_order(dir, problems), 0, problems);
    let mut module_dirs: Vec<PathBuf> = Vec::new();
    let mut groups: Vec<(Option<usize>, ByLanguage)> = vec![(None, top)];
    for path in sub_folders {
        let (mut inside, deeper) = split_languages(&in_order(&path, problems), 1, problems);
        for folder in deeper {
            inside[0].1.extend(markdown_under(&folder, 2, problems));
        }
        if inside.iter().any(|(_, files)| !files.is_empty()) {
            groups.push((Some(module_dirs.len()), inside));
            module_dirs.push(path);
        }
    }

    // The course's language: given, else the language folders' (the one
    // with the most files; ties Finnish, Swedish, English), else detected
    // from the text.
    let from_folders = [Language::Fi, Language::Sv, Language::En]
        .into_iter()
        .filter_map(|language| {
            let mut folders = groups
                .iter()
                .flat_map(|(_, split)| split)
                .filter(|(l, _)| *l == Some(language))
                .peekable();
            folders.peek()?;
            Some((
                language,
                folders.map(|(_, files)| files.len()).sum::<usize>(),
            ))
        })
        .max_by_key(|(l, n)| (*n, std::cmp::Reverse(*l as u8)))
        .map(|(l, _)| l);

    let choice = match (overrides.language, from_folders) {
        (Some(language), _) => LanguageChoice::Given(language),
        (None, Some(language)) => LanguageChoice::Folders(language),
        (None, None) => LanguageChoice::NoText,
    };
    let read = read_lessons(&groups, choice.language(), problems);
    if read.is_empty() {
        problems.push(Problem::new(
            dir,
            None,
            "none of the Markdown files in this folder could be read (see the problems above)",
        ));
        return None;
    }

    let choice = match choice {
        LanguageChoice::NoText => detect(read.iter().map(|f| f.text.as_str())),
        chosen => chosen,
    };
    let language = choice.language();

    // Module slugs first: lessons render with the course slug, and an
    // introduction lesson takes its module's slug.
    let mut module_slugs: Vec<String> = Vec::new();
    for path in &module_dirs {
        let taken: Vec<&str> = module_slugs.iter().map(String::as_str).collect();
        let slug = unique(name_slug(&folder_name(path), "module"), &taken);
        module_slugs.push(slug);
    }
    let intro_title = read
        .iter()
        .find(|f| f.module.is_none() && is_intro(&folder_name(&f.path)))
        .and_then(|f| super::lessons::title_of(&f.text));
    let generic = is_generic(&folder);
    // The nearest folder above whose name says something ("src/content"
    // in a repository → the repository's folder).
    let parent = dir
        .canonicalize()
        .ok()
        .and_then(|d| {
            d.ancestors()
                .skip(1)
                .map(folder_name)
                .find(|name| !name.is_empty() && !is_generic(name))
        })
        .unwrap_or_default();
    // The folder's own introduction titles the course, else the site's
    // configuration (a lesson site's config.yaml, a Jekyll _config.yml).
    let intro_title = intro_title.or_else(|| site_title(dir, generic));
    let slug = match &overrides.slug {
        Some(slug) => slug.clone(),
        None if !generic => slug_from_name(&folder),
        None => intro_title
            .as_deref()
            .map(slug_from_name)
            .filter(|s| valid_slug(s))
            .unwrap_or_else(|| slug_from_name(&parent)),
    };
    if !valid_slug(&slug) {
        problems.push(Problem::new(dir, None, "the folder name cannot be made into a course slug; rename the folder, give one with --slug, or add a course.toml with slug = \"…\""));
        return None;
    }
    let title = intro_title.clone().unwrap_or_else(|| {
        let name = if generic { &parent } else { &folder };
        name.replace(['-', '_'], " ").trim().to_owned()
    });

    let mut lessons: Vec<LessonSource> = Vec::new();
    let mut module_titles: Vec<Option<String>> = vec![None; module_dirs.len()];
    for file in read {
        let name = folder_name(&file.path);
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
        let fallback = stem
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_')
            .replace(['-', '_'], " ");
        // One language's file of the lesson, rendered (its media paths
        // read from its own folder).
        let mut render = |language: Language, path: &Path, text: &str| {
            let relative = path
                .strip_prefix(root)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/");
            hasher.update(relative.as_bytes());
            hasher.update(text.as_bytes());
            let lesson_dir = path
                .parent()
                .and_then(|p| p.strip_prefix(dir).ok())
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            let ctx = RenderContext {
                language,
                course_slug: &slug,
                lesson_dir: &lesson_dir,
                media: media_paths,
                first_line: 1,
            };
            let (variant, found) =
                lesson_from_text(path, relative, text, &ctx, Some(fallback.trim()));
            problems.extend(found);
            if let Some(variant) = &variant {
                problems.extend(variant.advice_warnings(path));
            }
            variant
        };
        let Some(variant) = render(language, &file.path, &file.text) else {
            continue;
        };
        let mut variants = vec![variant];
        for (other, path, text) in &file.translations {
            variants.extend(render(*other, path, text));
        }
        let variant = &variants[0];
        let intro = is_intro(&name);
        let folder_of_file = file.path.parent().unwrap_or(dir);
        // The module folder's own introduction (`part-1/index.md`).
        let module_intro = file
            .module
            .filter(|&index| intro && folder_of_file == module_dirs[index].as_path());
        if let Some(index) = file.module {
            // The module's own introduction names it, else its first
            // lesson.
            let slot = &mut module_titles[index];
            if module_intro.is_some() || slot.is_none() {
                *slot = Some(variant.title.clone());
            }
        }
        // An introduction is named after its folder (the module's own, its
        // module's slug), other lessons after their file.
        let base = match (module_intro, file.module) {
            (Some(index), _) => module_slugs[index].clone(),
            (None, Some(_)) if intro => name_slug(&folder_name(folder_of_file), "lesson"),
            // As plain folders always named their lessons: the whole stem
            // ("01-selain"), so a re-import keeps each lesson's progress.
            _ => match slug_from_name(stem) {
                s if valid_slug(&s) => s,
                _ => "lesson".to_owned(),
            },
        };
        let taken: Vec<&str> = lessons.iter().map(|l| l.slug.as_str()).collect();
        let lesson_slug = unique(base, &taken);
        let module = file.module.map(|index| module_slugs[index].clone());
        let number = lessons.iter().filter(|l| l.module == module).count() + 1;
        lessons.push(LessonSource {
            slug: lesson_slug,
            number: u32::try_from(number).unwrap_or(u32::MAX),
            module,
            variants,
        });
    }
    if lessons.is_empty() {
        problems.push(Problem::new(
            dir,
            None,
            "none of the Markdown files in this folder could be read as a lesson (see the problems above)",
        ));
        return None;
    }
    let modules = module_dirs
        .iter()
        .zip(module_slugs)
        .zip(module_titles)
        .filter(|((_, slug), _)| lessons.iter().any(|l| l.module.as_ref() == Some(slug)))
        .map(|((path, slug), title)| {
            let title = title
                .unwrap_or_else(|| folder_name(path).replace(['-', '_'], " ").trim().to_owned());
            ModuleSource {
                slug,
                titles: [(language, title)].into_iter().collect(),
            }
        })
        .collect();
    let minutes: u32 = lessons.iter().map(|l| l.variants[0].minutes).sum();
    Some(CourseSource {
        slug,
        default_language: language,
        level: Level::Beginner,
        hours: minutes.div_ceil(60).max(1),
        texts: vec![CourseText {
            language,
            title,
            summary: String::new(),
        }],
        lessons,
        modules,
        media: Vec::new(),
        badges: Vec::new(),
        source_hash: String::new(),
        origin: super::Provenance::default(),
        language_choice: Some(choice),
        files: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_told_apart_by_their_prose() {
        let fi = "Sähköposti on tapa lähettää viestejä toiselle ihmiselle. Älä koskaan kerro salasanaasi kenellekään, vaikka viesti näyttäisi tulevan pankista.";
        let sv = "E-post är ett sätt att skicka meddelanden till en annan människa. Berätta aldrig ditt lösenord för någon, även om meddelandet ser ut att komma från banken.";
        let en = "E-mail is a way to send messages to another person. Never tell anyone your password, even if the message seems to come from your bank.";
        for (text, expected) in [(fi, Language::Fi), (sv, Language::Sv), (en, Language::En)] {
            // Code is left out: an English program does not make a Finnish text English.
            let markdown = format!(
                "# Otsikko\n\n{text}\n\n```python\nprint(\"Hello world, this is the code of the program\")\nfor item in items:\n    print(item)\n```\n"
            );
            assert_eq!(
                detect(std::iter::once(markdown.as_str())).language(),
                expected,
                "{text}"
            );
        }
        assert_eq!(
            detect(std::iter::once("```\ncode only\n```")),
            LanguageChoice::NoText
        );
    }

    #[test]
    fn names_become_slugs() {
        assert_eq!(name_slug("01-intro", "x"), "intro");
        assert_eq!(name_slug("part-10", "x"), "part-10");
        assert_eq!(name_slug("!!!", "x"), "x");
        assert_eq!(unique("a".into(), &["a", "a-2"]), "a-3");
    }
}
