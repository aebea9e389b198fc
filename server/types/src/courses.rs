//! Courses and lessons: the catalog, one course, one lesson and its quizzes.

use serde::{Deserialize, Serialize};

use crate::Language;

/// A course in the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourseCard {
    /// The course's key (URL part).
    pub slug: String,
    /// Title in the language shown.
    pub title: String,
    /// Summary in the language shown.
    pub summary: String,
    /// The language of title and summary.
    pub language: Language,
    /// `beginner`, `intermediate` or `advanced`.
    pub level: String,
    /// Estimated hours.
    pub hours: i32,
    /// Number of lessons.
    pub lesson_count: usize,
}

/// A lesson as listed in a course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonLink {
    /// The lesson's key within the course.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Estimated minutes.
    pub minutes: i32,
    /// The module it is in, if any.
    pub module_title: Option<String>,
}

/// A badge a course awards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BadgeCard {
    /// Its key within the course.
    pub slug: String,
    /// Earned with a coach's approval of evidence the learner sends.
    pub approval: bool,
    /// Its name.
    pub name: String,
    /// What the holder can do.
    pub description: String,
    /// How it is earned.
    pub criteria: String,
}

/// A course with its lessons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourseDetail {
    /// The course.
    pub course: CourseCard,
    /// Its lessons in order.
    pub lessons: Vec<LessonLink>,
    /// The badges it awards.
    pub badges: Vec<BadgeCard>,
}

/// One lesson, ready to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonPage {
    /// The course's key.
    pub course_slug: String,
    /// The course's title.
    pub course_title: String,
    /// The lesson's key.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Estimated minutes.
    pub minutes: i32,
    /// Learning objectives.
    pub objectives: Vec<String>,
    /// The body: sanitised HTML (rendered at import) and quiz places.
    pub body: Vec<BodyPart>,
    /// The quizzes, without their answers.
    pub quizzes: Vec<QuizView>,
    /// The module it is in, if any.
    pub module_title: Option<String>,
    /// The answer the learner gave to one quiz and the server's verdict.
    pub verdict: Option<(QuizAnswer, QuizFeedback)>,
    /// The signed-in learner's state in this lesson (`None`: signed out).
    pub learner: Option<LessonLearner>,
    /// The language it is shown in.
    pub language: Language,
    /// 1-based position.
    pub position: usize,
    /// Lessons in the course.
    pub total: usize,
    /// The lesson before.
    pub previous: Option<LessonLink>,
    /// The lesson after.
    pub next: Option<LessonLink>,
    /// The lesson read aloud in its language, when the audio is made.
    #[serde(default)]
    pub audio: Option<LessonAudio>,
    /// The signed-in learner's last program for each Python exercise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<CodeSubmission>,
}

/// A lesson read aloud.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonAudio {
    /// Where the audio is (`/courses/{course}/{lesson}/audio/{language}`;
    /// `?v=` names the version, so it can be kept for good).
    pub url: String,
    /// Its MIME type.
    pub content_type: String,
    /// Its length in milliseconds.
    pub duration_ms: u32,
}

/// Where one sentence of a lesson is heard in its audio: the `block`-th
/// readable element of the lesson page (see `polku_core::speech`) and
/// the sentence's place in that element's text, in UTF-16 code units as
/// the browser counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cue {
    /// The readable element.
    pub block: u32,
    /// Where the sentence starts in its text.
    pub from: u32,
    /// Where it ends.
    pub to: u32,
    /// When it starts to be heard (ms).
    pub start_ms: u32,
    /// When it ends.
    pub end_ms: u32,
}

/// A signed-in learner's state in a lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonLearner {
    /// Her account: the lesson's forms name it, so an answer kept offline
    /// on a shared device is sent only while she is the one signed in.
    pub who: i32,
    /// Enrolled in the course.
    pub enrolled: bool,
    /// Marked as done.
    pub done: bool,
}

/// A piece of a lesson body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum BodyPart {
    /// Sanitised HTML.
    Html(String),
    /// The place of quiz n.
    Quiz(usize),
}

/// How a graded exercise is answered: the quiz types (`single`,
/// `multiple`, `text` in a ```` ```quiz ```` block) and the interactive
/// exercises, each its own block (```` ```order ````, ```` ```match ````,
/// ```` ```spot ````, ```` ```form ````).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuizKind {
    /// One option.
    Single,
    /// Every right option.
    Multiple,
    /// A typed answer.
    Text,
    /// Steps put in the right order: [`QuizView::options`] are the steps
    /// as shown (never in the right order); the answer gives each step's
    /// place.
    Order,
    /// Items paired with their match: [`QuizView::options`] are the items,
    /// [`QuizView::choices`] what they are matched with; the answer gives
    /// each item's choice.
    Match,
    /// The parts of a message that give a scam away:
    /// [`QuizView::parts`]; the answer lists the parts marked.
    Spot,
    /// A form filled in: [`QuizView::fields`]; the answer is the text of
    /// each field.
    Form,
    /// A program in Python: [`QuizView::code`]; checked by running it on
    /// the server (not through the quiz answer).
    Python,
}

/// A quiz or exercise as the learner sees it (no answers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizView {
    /// How it is answered.
    pub kind: QuizKind,
    /// The question.
    pub question: String,
    /// An optional hint.
    pub hint: Option<String>,
    /// Option texts; an order exercise's steps, a match exercise's items.
    pub options: Vec<String>,
    /// A match exercise's choices, as shown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// A spot exercise's message: an e-mail or a text message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium: Option<Medium>,
    /// A spot exercise's message, part by part.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<MessagePart>,
    /// A form exercise's fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FormField>,
    /// A Python exercise's task, starting code and tests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<CodeTask>,
}

/// A Python exercise as the learner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeTask {
    /// The task: sanitised HTML rendered from the author's Markdown.
    pub task_html: String,
    /// The code the editor starts with.
    pub starter: String,
    /// The tests the program must pass.
    pub tests: Vec<CodeTest>,
}

/// One test of a Python exercise: with `input` as its input, the program
/// prints `output`; or, after the program, `code` (assertions) runs
/// without an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeTest {
    /// What the program reads (`input()`), line by line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// What it must print.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// Python run after the program (e.g. `assert double(2) == 4`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// How one run of a program ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunEnd {
    /// It ran to its end.
    Finished,
    /// It stopped with an error (a traceback).
    Error,
    /// It ran out of time (an endless loop?).
    TimedOut,
    /// It wanted too much memory.
    OutOfMemory,
    /// It printed too much.
    TooMuchOutput,
    /// It went too deep (a function that calls itself without end).
    TooDeep,
    /// The server could not run it.
    NotRun,
}

/// The server's verdict on one test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestVerdict {
    /// It passed.
    pub passed: bool,
    /// How the run ended.
    pub end: RunEnd,
    /// What the program printed (cut short when long).
    pub printed: String,
    /// The error's last line, when it stopped with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The server's verdict on a program sent for a Python exercise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeVerdict {
    /// Every test passed.
    pub passed: bool,
    /// Per test, in the exercise's order.
    pub tests: Vec<TestVerdict>,
    /// A badge this just earned (its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earned: Option<i32>,
}

/// A learner's last program for a Python exercise, with its verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSubmission {
    /// Which graded part of the lesson.
    pub index: usize,
    /// The program.
    pub code: String,
    /// The server's verdict.
    pub verdict: CodeVerdict,
}

impl QuizView {
    /// What is read aloud after the question and the hint, in page order:
    /// the options, steps or items; a message's parts; a form's labels.
    /// The page marks exactly these elements as read (`data-say`).
    pub fn spoken(&self) -> Vec<&str> {
        match self.kind {
            QuizKind::Text | QuizKind::Python => Vec::new(),
            QuizKind::Single | QuizKind::Multiple | QuizKind::Order | QuizKind::Match => {
                self.options.iter().map(String::as_str).collect()
            }
            QuizKind::Spot => self.parts.iter().map(|p| p.text.as_str()).collect(),
            QuizKind::Form => self.fields.iter().map(|f| f.label.as_str()).collect(),
        }
    }
}

/// What kind of message a spot exercise shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Medium {
    /// An e-mail: sender, subject, body.
    Email,
    /// A text message: sender and body.
    Sms,
}

/// Where a part of a simulated message sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PartRole {
    /// The sender.
    From,
    /// The subject line.
    Subject,
    /// Text of the body.
    Text,
    /// A link in the body: shown with its address, never followed.
    Link,
}

/// One part of a simulated message, as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagePart {
    /// Where it sits.
    pub role: PartRole,
    /// What it says (a link's words).
    pub text: String,
    /// A link's address, shown as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// What a form field asks for, and so how an entry is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldCheck {
    /// Any text (or one of the accepted answers, when the author lists
    /// them).
    #[default]
    Text,
    /// An e-mail address.
    Email,
    /// A phone number.
    Phone,
    /// A Finnish postal code: five digits.
    Postcode,
    /// A date as day.month.year.
    Date,
    /// A number.
    Number,
}

/// A field of a simulated form, as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    /// Its label.
    pub label: String,
    /// What it asks for.
    pub check: FieldCheck,
    /// A hint shown under the label (what a right entry looks like).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Whether it must be filled in.
    pub required: bool,
}

/// Why a form field's entry was not accepted (the page says it in the
/// reader's language, unless the author wrote her own message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldProblem {
    /// A required field is empty.
    Missing,
    /// Not what the field asks for (see [`FieldCheck`]).
    Format,
    /// Well formed, but not what the task asked to enter.
    Answer,
}

/// The most options, places, parts or fields one answer carries (more
/// are ignored).
pub const MOST_CHOICES: usize = 20;

/// The most characters of one typed answer or form field.
pub const MOST_TYPED: usize = 500;

/// The most characters of a program: a learner's, a starting code, a
/// model solution.
pub const MOST_CODE: usize = 10_000;

/// A choice not made (a select left at "choose"): its value on the wire is
/// not a number, and it is kept in its place as this.
pub const NOT_CHOSEN: usize = usize::MAX;

/// A chosen option, place or match as sent by a form: a number, or
/// [`NOT_CHOSEN`].
pub fn choice_value(value: &str) -> usize {
    value.trim().parse().unwrap_or(NOT_CHOSEN)
}

/// Feedback on one chosen option (or one step, item, message part or
/// form field of an exercise).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChoiceFeedback {
    /// The option's index.
    pub option: usize,
    /// Whether it is right.
    pub correct: bool,
    /// The author's feedback.
    pub feedback: Option<String>,
    /// A form field: why its entry was not accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<FieldProblem>,
}

/// The server's verdict on an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizFeedback {
    /// All right.
    pub correct: bool,
    /// Per chosen option.
    pub choices: Vec<ChoiceFeedback>,
    /// Right options not chosen.
    pub missed: usize,
    /// Text quizzes: the feedback.
    pub feedback: Option<String>,
    /// A badge this answer just earned (its id), when recorded.
    #[serde(default)]
    pub earned: Option<i32>,
}

/// A learner's answer to quiz `index` of a lesson.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizAnswer {
    /// Which quiz.
    pub index: usize,
    /// Chosen options (choice quizzes; places or matches of order and
    /// match exercises; parts marked in a spot exercise). Absent when
    /// empty: a server function's form encoding leaves an empty list out.
    #[serde(default)]
    pub choices: Vec<usize>,
    /// The typed answer (text quizzes).
    pub text: Option<String>,
    /// The entry of each field (form exercises).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub texts: Vec<String>,
}

/// The HTML of a body without its quiz places.
pub fn html_of(body: &[BodyPart]) -> String {
    body.iter()
        .filter_map(|part| match part {
            BodyPart::Html(html) => Some(html.as_str()),
            BodyPart::Quiz(_) => None,
        })
        .collect()
}
