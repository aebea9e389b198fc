//! Course content on disk: folders of `course.toml` + numbered Markdown
//! lessons, loaded into a validated model. Every problem is reported as
//! `path:line: message`; a broken file never stops the rest from loading.
//!
//! The format is documented for authors in `content/README.md`.

pub(crate) mod blocks;
mod divs;
mod files;
mod highlight;
mod labels;
mod lessons;
pub mod markdown;
pub(crate) mod plain;
mod provenance;
pub mod quiz;
pub mod readability;
pub(crate) mod source;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Language;

pub(crate) use labels::label;
pub use lessons::{lesson_from_text, source_dir, text_for_export, valid_slug};
pub(crate) use lessons::{line_of, toml_problem};
pub use markdown::{Heading, RenderContext, Section, rebase_media};
pub use plain::Overrides;
pub use provenance::{FileNote, Provenance, Taken};
pub use quiz::Quiz;
pub(crate) use source::{AlignmentToml, alignments, language_map};
pub use source::{load_course_dir, load_course_dir_with, load_dir};

/// A problem found in a content file, pointing at the line to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file (or folder) with the problem.
    pub path: PathBuf,
    /// The 1-based line, when the problem has one.
    pub line: Option<usize>,
    /// What is wrong, in plain words.
    pub message: String,
    /// Only a warning: the file imports as it is, and the author fixes it
    /// later (an image without alt text).
    pub warning: bool,
    /// Plain-language advice on the text (a warning too): for the author,
    /// not the operator (see [`readability`]).
    pub advice: bool,
}

impl Problem {
    pub(crate) fn new(path: &Path, line: Option<usize>, message: impl Into<String>) -> Self {
        Problem {
            path: path.to_path_buf(),
            line,
            message: message.into(),
            warning: false,
            advice: false,
        }
    }

    pub(crate) fn warning(path: &Path, line: Option<usize>, message: impl Into<String>) -> Self {
        Problem {
            warning: true,
            ..Problem::new(path, line, message)
        }
    }

    pub(crate) fn advice(path: &Path, line: Option<usize>, message: impl Into<String>) -> Self {
        Problem {
            advice: true,
            ..Problem::warning(path, line, message)
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let warning = if self.warning { "warning: " } else { "" };
        match self.line {
            Some(line) => write!(
                f,
                "{}:{}: {warning}{}",
                self.path.display(),
                line,
                self.message
            ),
            None => write!(f, "{}: {warning}{}", self.path.display(), self.message),
        }
    }
}

/// How demanding a course is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// No earlier knowledge needed.
    Beginner,
    /// Builds on the basics.
    Intermediate,
    /// For confident users.
    Advanced,
}

impl Level {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Beginner => "beginner",
            Level::Intermediate => "intermediate",
            Level::Advanced => "advanced",
        }
    }
}

/// A course loaded from its folder, valid and ready to import.
#[derive(Debug, Clone)]
pub struct CourseSource {
    /// Unique key across imports.
    pub slug: String,
    /// The language every lesson has.
    pub default_language: Language,
    /// How demanding the course is.
    pub level: Level,
    /// Estimated hours of study.
    pub hours: u32,
    /// Title and summary per language.
    pub texts: Vec<CourseText>,
    /// Lessons in order.
    pub lessons: Vec<LessonSource>,
    /// Module folders, in order.
    pub modules: Vec<ModuleSource>,
    /// Media files (images, captions, videos) the lessons refer to.
    pub media: Vec<MediaFile>,
    /// Badges the course awards.
    pub badges: Vec<BadgeSource>,
    /// SHA-256 over every source file, to skip unchanged courses.
    pub source_hash: String,
    /// Where the course was read from (to tell two courses with one slug
    /// apart).
    pub origin: Provenance,
    /// How a plain folder's language was chosen (`None` with `course.toml`,
    /// which declares its languages).
    pub language_choice: Option<LanguageChoice>,
    /// Every file of the folder: taken (as what) or left out (and why).
    pub files: Vec<FileNote>,
}

/// How the language of a plain folder was chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LanguageChoice {
    /// Given by the person importing (`--language`).
    Given(Language),
    /// Detected from the lessons' prose.
    Detected {
        /// The language found.
        language: Language,
        /// How sure the detection is, 0 to 1.
        confidence: f64,
        /// Whether the detection counts itself reliable.
        reliable: bool,
    },
    /// From language folders (`fi/`, `sv/`, `en/`): the one with the most
    /// lesson files.
    Folders(Language),
    /// No prose to detect from: Finnish, the site's first language.
    NoText,
    /// As an imported package's metadata says (a cartridge's LOM
    /// language), where the text says too little to tell.
    Declared(Language),
}

impl LanguageChoice {
    /// The language chosen.
    pub fn language(self) -> Language {
        match self {
            LanguageChoice::Given(language)
            | LanguageChoice::Folders(language)
            | LanguageChoice::Declared(language)
            | LanguageChoice::Detected { language, .. } => language,
            LanguageChoice::NoText => Language::Fi,
        }
    }
}

impl fmt::Display for LanguageChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            LanguageChoice::Given(language) => write!(f, "{language} (given with --language)"),
            LanguageChoice::Detected {
                language,
                confidence,
                reliable,
            } => write!(
                f,
                "{language} (detected from the text, {:.0} % sure{})",
                confidence * 100.0,
                if reliable {
                    ""
                } else {
                    "; not reliable: check it, and set it with --language"
                }
            ),
            LanguageChoice::Folders(language) => write!(
                f,
                "{language} (the language folder with the most lessons; the other fi/sv/en folders are its translations)"
            ),
            LanguageChoice::NoText => write!(
                f,
                "fi (no text to detect the language from; set it with --language)"
            ),
            LanguageChoice::Declared(language) => write!(
                f,
                "{language} (as the cartridge says; its text is too short to tell; set it with --language)"
            ),
        }
    }
}

/// A module folder: a titled group of lessons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleSource {
    /// From the folder name `NN-slug`.
    pub slug: String,
    /// Titles per language (at least the default language).
    pub titles: BTreeMap<Language, String>,
}

/// A media file of a course.
#[derive(Clone, PartialEq, Eq)]
pub struct MediaFile {
    /// Relative to the course folder, `/`-separated (`media/inbox.png`).
    pub path: String,
    /// The MIME type.
    pub content_type: &'static str,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
}

impl fmt::Debug for MediaFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MediaFile({}, {} bytes)", self.path, self.bytes.len())
    }
}

/// A badge a course awards, as declared in `course.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeSource {
    /// Unique within the course.
    pub slug: String,
    /// Name per language.
    pub name: BTreeMap<Language, String>,
    /// What the holder can do, per language.
    pub description: BTreeMap<Language, String>,
    /// How it is earned, per language (the narrative shown to people).
    pub criteria: BTreeMap<Language, String>,
    /// What earns it (checked by Polku).
    #[serde(default)]
    pub rule: BadgeRule,
    /// Days it stays valid after it is issued (none: no end).
    #[serde(default)]
    pub valid_days: Option<u32>,
    /// The badge picture, a course media path (`media/x.png`, PNG or SVG).
    #[serde(default)]
    pub image: Option<String>,
    /// Competences of a framework it stands for (e.g. DigComp 2.2).
    #[serde(default)]
    pub alignment: Vec<BadgeAlignment>,
}

/// What earns a badge: all of it must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeRule {
    /// Lessons (slugs) to mark as done; none: every lesson of the course.
    pub lessons: Option<Vec<String>>,
    /// The least share (percent) of those lessons' quizzes answered right.
    pub min_quiz_score: Option<u8>,
    /// A coach approves evidence (a text or a link) the learner sends.
    pub approval: bool,
}

/// A competence a badge stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeAlignment {
    /// The framework, e.g. `DigComp 2.2`.
    pub framework: String,
    /// The competence's code in it, e.g. `2.1`.
    pub code: Option<String>,
    /// The competence's name.
    pub name: String,
    /// Where the competence is described.
    pub url: Option<String>,
}

/// A course's title and summary in one language.
#[derive(Debug, Clone)]
pub struct CourseText {
    /// The language.
    pub language: Language,
    /// The title.
    pub title: String,
    /// One or two sentences on what the course teaches.
    pub summary: String,
}

/// A lesson with its language variants (the default language first).
#[derive(Debug, Clone)]
pub struct LessonSource {
    /// Unique within the course.
    pub slug: String,
    /// The number from the file name, for ordering.
    pub number: u32,
    /// The module it belongs to, if any.
    pub module: Option<String>,
    /// One entry per language, the default language first.
    pub variants: Vec<LessonVariant>,
}

/// A lesson in one language.
#[derive(Debug, Clone)]
pub struct LessonVariant {
    /// The language.
    pub language: Language,
    /// The title from the front matter (or the first heading).
    pub title: String,
    /// Estimated minutes.
    pub minutes: u32,
    /// The file it came from, relative to the content root.
    pub source_path: String,
    /// The file's whole text (front matter and body): what the editor
    /// shows and what export writes back.
    pub body_markdown: String,
    /// The body rendered and sanitised.
    pub body_html: String,
    /// What the learner can do after the lesson.
    pub objectives: Vec<String>,
    /// Quizzes, in order (quiz n sits at its marker in `body_html`).
    pub quizzes: Vec<Quiz>,
    /// Headings, for anchors and search.
    pub headings: Vec<Heading>,
    /// The body's text by heading, for search (not stored: the index
    /// renders stored Markdown again).
    pub sections: Vec<markdown::Section>,
    /// SHA-256 of the file, to tell whether it changed since the last import.
    pub source_hash: String,
}

impl LessonVariant {
    /// Plain-language advice on its text, (line in the file, what to do),
    /// and how easy it is to read. Read from the text when asked: import
    /// and the editor ask, the search index does not.
    pub fn plain_language(&self) -> (Vec<readability::Advice>, readability::Readability) {
        lessons::plain_language(&self.body_markdown, self.language)
    }

    /// Its plain-language advice as import warnings on `path`.
    pub(crate) fn advice_warnings(&self, path: &Path) -> impl Iterator<Item = Problem> {
        let path = path.to_owned();
        self.plain_language()
            .0
            .into_iter()
            .map(move |(line, message)| Problem::advice(&path, Some(line), message))
    }
}
