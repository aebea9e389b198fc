//! Authoring: outline, lesson editor, history, badge editor.

use serde::{Deserialize, Serialize};

use crate::Language;
use crate::courses::{BodyPart, CourseCard, QuizView};

/// The authoring start page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthorHome {
    /// An admin token is configured.
    pub enabled: bool,
    /// This browser is signed in.
    pub signed_in: bool,
    /// Courses (when signed in).
    pub courses: Vec<CourseCard>,
}

/// A lesson in the outline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutlineLesson {
    /// Key.
    pub slug: String,
    /// Title.
    pub title: String,
    /// The module (folder) it is in, if any.
    pub module: Option<String>,
    /// Learners see it.
    pub published: bool,
    /// Has an unpublished draft.
    pub has_draft: bool,
}

/// A course for its author.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outline {
    /// Key.
    pub slug: String,
    /// Title in the viewer's language.
    pub title: String,
    /// Default language code.
    pub default_language: Language,
    /// Lessons in order.
    pub lessons: Vec<OutlineLesson>,
}

/// One revision in the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revision {
    /// Number.
    pub number: i32,
    /// Published (else a draft).
    pub published: bool,
    /// From an import (else the editor).
    pub imported: bool,
    /// Title then.
    pub title: String,
    /// When (UTC).
    pub created_at: String,
    /// What learners see now.
    pub current: bool,
}

/// The editor's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Editing {
    /// The newest text.
    pub text: String,
    /// The newest revision is an unpublished draft.
    pub is_draft: bool,
    /// History, newest first.
    pub history: Vec<Revision>,
    /// The newest text rendered.
    pub preview: PreviewResult,
}

/// A preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewResult {
    /// The title found.
    pub title: String,
    /// Body parts (quizzes as places).
    pub body: Vec<BodyPart>,
    /// The quizzes and exercises the places stand for, as a learner sees
    /// them (no answers).
    #[serde(default)]
    pub quizzes: Vec<QuizView>,
    /// Problems, `line N: message`.
    pub problems: Vec<String>,
    /// Plain-language advice (never blocks publishing), `line N: message`.
    pub advice: Vec<String>,
    /// The text's readability figure (LIX, lower is easier), when it has
    /// prose.
    pub readability: Option<u32>,
}

/// One language's texts of a badge being edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeTexts {
    pub language: Language,
    pub name: String,
    pub description: String,
    pub criteria: String,
}

/// A badge in the editor (new: empty texts and no slug yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeDraft {
    /// Empty for a new badge.
    pub slug: String,
    /// Per language, the course's default language first.
    pub texts: Vec<BadgeTexts>,
    /// The course's lessons: (slug, title, required by the rule).
    pub lessons: Vec<(String, String, bool)>,
    /// Percent, or empty.
    pub min_quiz_score: String,
    pub approval: bool,
    /// Days, or empty for no end.
    pub valid_days: String,
    /// Its competences: (form key, as the author reads it, kept).
    #[serde(default)]
    pub alignments: Vec<(String, String, bool)>,
    /// A competence to add, as typed.
    #[serde(default)]
    pub add_competence: String,
}

/// The badge editor's page: the course's badges (slug, name) and the one
/// being edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeEditorView {
    pub course: String,
    pub course_title: String,
    pub badges: Vec<(String, String)>,
    /// The badge asked for (`badge`), or a new one.
    pub draft: BadgeDraft,
    /// The bundled frameworks' competences an author can add, as the
    /// field's list offers them.
    #[serde(default)]
    pub competences: Vec<String>,
}
