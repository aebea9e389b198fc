//! The fenced blocks authors use for interactive parts of a lesson —
//! ```` ```quiz ````, the graded exercises ```` ```order ````,
//! ```` ```match ````, ```` ```spot ```` and ```` ```form ````, the
//! self-check ```` ```exercise ```` and ```` ```video ```` — each a small
//! TOML document. Parsing checks them strictly (unknown keys are
//! errors); rendering writes trusted HTML in which every author string is
//! escaped, so these parts need not pass the sanitiser.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use pulldown_cmark_escape::{escape_href, escape_html};
use serde::{Deserialize, Serialize};

use super::labels::label;
use super::lessons::line_of;
use super::quiz::{
    CodeExercise, CodeTask, CodeTest, Field, FieldCheck, FormField, MOST_CODE, Medium, MessagePart,
    Pair, Part, PartRole, Quiz, QuizKind, QuizOption, well_formed,
};
use crate::Language;

/// A problem inside a block: the line within the block (1-based) and what
/// is wrong.
pub(crate) type BlockError = (usize, String);

fn parse<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, BlockError> {
    toml::from_str(text).map_err(|err| {
        let line = err.span().map_or(1, |s| line_of(text, s.start));
        (line, err.message().trim().to_owned())
    })
}

/// `text` with HTML special characters escaped.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing to a String cannot fail.
    let _ = escape_html(&mut out, text);
    out
}

fn esc_href(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let _ = escape_href(&mut out, url);
    out
}

/// A ```` ```quiz ```` block as written (also written by the cartridge
/// import, from QTI questions).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct QuizToml {
    pub(crate) question: String,
    #[serde(rename = "type")]
    pub(crate) kind: QuizKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) hint: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) options: Vec<OptionToml>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) answers: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) correct_feedback: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) wrong_feedback: Option<String>,
}

/// An option of a ```` ```quiz ```` block.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OptionToml {
    pub(crate) text: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) correct: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) feedback: Option<String>,
}

fn clean(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// Parses and checks a ```` ```quiz ```` block.
pub(crate) fn quiz(text: &str) -> Result<Quiz, BlockError> {
    let raw: QuizToml = parse(text)?;
    let question = raw.question.trim().to_owned();
    if question.is_empty() {
        return Err((1, "the quiz has an empty question".into()));
    }
    let options: Vec<QuizOption> = raw
        .options
        .into_iter()
        .map(|o| QuizOption {
            text: o.text.trim().to_owned(),
            correct: o.correct,
            feedback: clean(o.feedback),
        })
        .collect();
    let right = options.iter().filter(|o| o.correct).count();
    let answers: Vec<String> = raw
        .answers
        .iter()
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .collect();
    let problem = match raw.kind {
        QuizKind::Order | QuizKind::Match | QuizKind::Spot | QuizKind::Form | QuizKind::Python => {
            Some(
                "a quiz's type is single, multiple or text; order, match, spot and form exercises are blocks of their own (```order …)",
            )
        }
        QuizKind::Single | QuizKind::Multiple if !answers.is_empty() => Some(
            "answers = [...] is only for type = \"text\"; choice quizzes mark options with correct = true",
        ),
        QuizKind::Single | QuizKind::Multiple if !(2..=10).contains(&options.len()) => {
            Some("a choice quiz needs 2 to 10 [[options]]")
        }
        _ if options.iter().any(|o| o.text.is_empty()) => Some("an option has no text"),
        QuizKind::Single if right != 1 => {
            Some("a single-choice quiz needs exactly one option with correct = true")
        }
        QuizKind::Multiple if right == 0 => {
            Some("a multiple-choice quiz needs at least one option with correct = true")
        }
        QuizKind::Text if !options.is_empty() => {
            Some("a text quiz has no [[options]]; list the accepted answers in answers = [...]")
        }
        QuizKind::Text if answers.is_empty() => {
            Some("a text quiz needs at least one accepted answer in answers = [...]")
        }
        _ => None,
    };
    if let Some(message) = problem {
        return Err((1, message.into()));
    }
    Ok(Quiz {
        options,
        answers,
        correct_feedback: clean(raw.correct_feedback),
        wrong_feedback: clean(raw.wrong_feedback),
        ..Quiz::new(raw.kind, question, clean(raw.hint))
    })
}

/// The question and hint every graded exercise has.
fn question_of(question: &str, hint: Option<String>, kind: QuizKind) -> Result<Quiz, BlockError> {
    let question = question.trim();
    if question.is_empty() {
        return Err((1, "the exercise has an empty question".into()));
    }
    Ok(Quiz::new(kind, question.to_owned(), clean(hint)))
}

/// `texts` trimmed: an error when one is empty, or they are not between
/// `min` and `max`.
fn texts(
    texts: Vec<String>,
    what: &str,
    min: usize,
    max: usize,
) -> Result<Vec<String>, BlockError> {
    let texts: Vec<String> = texts.into_iter().map(|t| t.trim().to_owned()).collect();
    if texts.iter().any(String::is_empty) {
        return Err((1, format!("one of the {what} is empty")));
    }
    if !(min..=max).contains(&texts.len()) {
        return Err((1, format!("give {min} to {max} {what}")));
    }
    Ok(texts)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderToml {
    question: String,
    hint: Option<String>,
    steps: Vec<String>,
}

/// Parses an ```` ```order ```` block: `steps` in their right order.
pub(crate) fn order(text: &str) -> Result<Quiz, BlockError> {
    let raw: OrderToml = parse(text)?;
    let mut quiz = question_of(&raw.question, raw.hint, QuizKind::Order)?;
    let steps = texts(raw.steps, "steps = [...]", 2, 10)?;
    if (1..steps.len()).any(|i| steps[..i].contains(&steps[i])) {
        return Err((1, "two steps have the same text".into()));
    }
    quiz.options = steps
        .into_iter()
        .map(|text| QuizOption {
            text,
            correct: true,
            feedback: None,
        })
        .collect();
    Ok(quiz)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MatchToml {
    question: String,
    hint: Option<String>,
    pairs: Vec<PairToml>,
    #[serde(default)]
    distractors: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PairToml {
    item: String,
    #[serde(rename = "match")]
    matches: String,
    feedback: Option<String>,
}

/// Parses a ```` ```match ```` block: `[[pairs]]` of an item and its
/// match, and `distractors` that match nothing.
pub(crate) fn matching(text: &str) -> Result<Quiz, BlockError> {
    let raw: MatchToml = parse(text)?;
    let mut quiz = question_of(&raw.question, raw.hint, QuizKind::Match)?;
    if !(2..=10).contains(&raw.pairs.len()) {
        return Err((1, "a match exercise needs 2 to 10 [[pairs]]".into()));
    }
    quiz.pairs = raw
        .pairs
        .into_iter()
        .map(|p| Pair {
            item: p.item.trim().to_owned(),
            matches: p.matches.trim().to_owned(),
            feedback: clean(p.feedback),
        })
        .collect();
    if quiz
        .pairs
        .iter()
        .any(|p| p.item.is_empty() || p.matches.is_empty())
    {
        return Err((1, "every pair needs an item and a match".into()));
    }
    let items: Vec<&str> = quiz.pairs.iter().map(|p| p.item.as_str()).collect();
    if (1..items.len()).any(|i| items[..i].contains(&items[i])) {
        return Err((1, "two pairs have the same item".into()));
    }
    quiz.distractors = texts(raw.distractors, "distractors = [...]", 0, 6)?;
    if let Some(d) = quiz
        .distractors
        .iter()
        .find(|d| quiz.pairs.iter().any(|p| &p.matches == *d))
    {
        return Err((1, format!("the distractor \"{d}\" is also a pair's match")));
    }
    Ok(quiz)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpotToml {
    question: String,
    hint: Option<String>,
    #[serde(default = "email")]
    medium: Medium,
    parts: Vec<PartToml>,
}

fn email() -> Medium {
    Medium::Email
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartToml {
    from: Option<String>,
    subject: Option<String>,
    text: Option<String>,
    link: Option<String>,
    #[serde(default)]
    sign: bool,
    feedback: Option<String>,
}

/// Parses a ```` ```spot ```` block: a message (`medium` = `email` or
/// `sms`) in `[[parts]]`, each a `from`, a `subject`, a `text` or a `link`
/// (with the link's words in `text`), the ones that give a scam away
/// marked `sign = true`.
pub(crate) fn spot(text: &str) -> Result<Quiz, BlockError> {
    let raw: SpotToml = parse(text)?;
    let mut quiz = question_of(&raw.question, raw.hint, QuizKind::Spot)?;
    quiz.medium = Some(raw.medium);
    if !(2..=20).contains(&raw.parts.len()) {
        return Err((1, "a spot exercise needs 2 to 20 [[parts]]".into()));
    }
    for (n, part) in raw.parts.into_iter().enumerate() {
        let n = n + 1;
        let (role, words, link) = match (part.from, part.subject, part.text, part.link) {
            (Some(from), None, None, None) => (PartRole::From, from, None),
            (None, Some(subject), None, None) if raw.medium == Medium::Email => {
                (PartRole::Subject, subject, None)
            }
            (None, Some(_), None, None) => {
                return Err((1, format!("part {n}: a text message has no subject")));
            }
            (None, None, Some(text), None) => (PartRole::Text, text, None),
            (None, None, words, Some(link)) => {
                let link = link.trim().to_owned();
                (
                    PartRole::Link,
                    words.unwrap_or_else(|| link.clone()),
                    Some(link),
                )
            }
            _ => {
                return Err((
                    1,
                    format!(
                        "part {n} needs one of from, subject, text or link (a link may have text)"
                    ),
                ));
            }
        };
        let words = words.trim().to_owned();
        if words.is_empty() || link.as_ref().is_some_and(String::is_empty) {
            return Err((1, format!("part {n} is empty")));
        }
        quiz.parts.push(Part {
            shown: MessagePart {
                role,
                text: words,
                link,
            },
            sign: part.sign,
            feedback: clean(part.feedback),
        });
    }
    if !quiz.parts.iter().any(|p| p.sign) {
        return Err((1, "mark at least one part with sign = true".into()));
    }
    Ok(quiz)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormToml {
    question: String,
    hint: Option<String>,
    fields: Vec<FieldToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldToml {
    label: String,
    #[serde(default)]
    check: FieldCheck,
    hint: Option<String>,
    #[serde(default = "yes")]
    required: bool,
    #[serde(default)]
    answers: Vec<String>,
    message: Option<String>,
}

fn yes() -> bool {
    true
}

/// Parses a ```` ```form ```` block: `[[fields]]`, each with a `label`,
/// what it asks for (`check`), whether it is `required`, the accepted
/// `answers` and the `message` shown for an entry not accepted.
pub(crate) fn form(text: &str) -> Result<Quiz, BlockError> {
    let raw: FormToml = parse(text)?;
    let mut quiz = question_of(&raw.question, raw.hint, QuizKind::Form)?;
    if !(1..=10).contains(&raw.fields.len()) {
        return Err((1, "a form exercise needs 1 to 10 [[fields]]".into()));
    }
    for (n, field) in raw.fields.into_iter().enumerate() {
        let n = n + 1;
        let label = field.label.trim().to_owned();
        if label.is_empty() {
            return Err((1, format!("field {n} has no label")));
        }
        if quiz.fields.iter().any(|f| f.shown.label == label) {
            return Err((1, format!("two fields are labelled \"{label}\"")));
        }
        let answers = texts(field.answers, "answers = [...]", 0, 20)?;
        if let Some(bad) = answers.iter().find(|a| !well_formed(field.check, a)) {
            return Err((
                1,
                format!("field {n}: the answer \"{bad}\" is not what its check asks for"),
            ));
        }
        quiz.fields.push(Field {
            shown: FormField {
                label,
                check: field.check,
                hint: clean(field.hint),
                required: field.required,
            },
            answers,
            message: clean(field.message),
        });
    }
    Ok(quiz)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PythonToml {
    title: String,
    task: String,
    hint: Option<String>,
    #[serde(default)]
    starter: String,
    solution: Option<String>,
    tests: Vec<CodeTestToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeTestToml {
    input: Option<String>,
    output: Option<String>,
    code: Option<String>,
}

/// Parses a ```` ```python-exercise ```` block: a `title`, a `task` in
/// Markdown (`render_task` makes it sanitised HTML), the `starter` code,
/// an optional model `solution` and 1 to 10 `[[tests]]`, each an `output`
/// the program must print (with an optional `input` it reads) or `code`
/// that must run without an error after it (assertions).
pub(crate) fn python_exercise(
    text: &str,
    render_task: impl Fn(&str) -> String,
) -> Result<Quiz, BlockError> {
    let raw: PythonToml = parse(text)?;
    let mut quiz = question_of(&raw.title, raw.hint, QuizKind::Python)?;
    if raw.task.trim().is_empty() {
        return Err((1, "the exercise has an empty task".into()));
    }
    if !(1..=10).contains(&raw.tests.len()) {
        return Err((1, "a Python exercise needs 1 to 10 [[tests]]".into()));
    }
    let too_long = [Some(&raw.starter), raw.solution.as_ref()]
        .into_iter()
        .flatten()
        .any(|code| code.chars().count() > MOST_CODE);
    if too_long {
        return Err((
            1,
            format!("starter and solution may have at most {MOST_CODE} characters"),
        ));
    }
    let mut tests = Vec::new();
    for (n, test) in raw.tests.into_iter().enumerate() {
        let n = n + 1;
        if test.output.is_none() && test.code.as_deref().is_none_or(|c| c.trim().is_empty()) {
            return Err((
                1,
                format!("test {n} needs the output the program prints, or code to run after it"),
            ));
        }
        tests.push(CodeTest {
            input: test.input,
            output: test.output,
            code: test.code.filter(|c| !c.trim().is_empty()),
        });
    }
    quiz.code = Some(CodeExercise {
        shown: CodeTask {
            task_html: render_task(&raw.task),
            starter: raw.starter.trim_end().to_owned(),
            tests,
        },
        solution: raw.solution,
    });
    Ok(quiz)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExerciseToml {
    title: Option<String>,
    task: String,
    #[serde(default)]
    check: Vec<String>,
}

/// Parses a ```` ```exercise ```` block into HTML; `render_task` turns the
/// task's Markdown into sanitised HTML; `number` makes ids unique.
pub(crate) fn exercise(
    text: &str,
    language: Language,
    number: usize,
    render_task: impl Fn(&str) -> String,
) -> Result<String, BlockError> {
    let raw: ExerciseToml = parse(text)?;
    if raw.task.trim().is_empty() {
        return Err((1, "the exercise has an empty task".into()));
    }
    let checks: Vec<&str> = raw
        .check
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    if checks.is_empty() {
        return Err((
            1,
            "the exercise needs at least one self-check item in check = [...]".into(),
        ));
    }
    let title = clean(raw.title).unwrap_or_else(|| label(language, "exercise").to_owned());
    let mut html = String::new();
    let _ = write!(
        html,
        "<section class=\"exercise\" aria-labelledby=\"exercise-{number}\"><h2 id=\"exercise-{number}\">{}</h2>{}<fieldset class=\"self-check\"><legend>{}</legend>",
        esc(&title),
        render_task(&raw.task),
        esc(label(language, "self_check")),
    );
    for (i, item) in checks.iter().enumerate() {
        let _ = write!(
            html,
            "<div class=\"check-item\"><input type=\"checkbox\" id=\"exercise-{number}-{i}\"><label for=\"exercise-{number}-{i}\">{}</label></div>",
            esc(item)
        );
    }
    html.push_str("</fieldset></section>");
    Ok(html)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VideoToml {
    title: String,
    src: String,
    #[serde(default)]
    captions: BTreeMap<String, String>,
    transcript: Option<String>,
    poster: Option<String>,
}

/// Parses a ```` ```video ```` block into HTML. `media` resolves a path
/// relative to the lesson into its public URL, or says why it cannot.
pub(crate) fn video(
    text: &str,
    language: Language,
    media: impl Fn(&str) -> Result<String, String>,
) -> Result<String, BlockError> {
    let raw: VideoToml = parse(text)?;
    if raw.title.trim().is_empty() {
        return Err((1, "the video needs a title".into()));
    }
    let transcript = clean(raw.transcript);
    if raw.captions.is_empty() && transcript.is_none() {
        return Err((
            1,
            "the video needs captions = { fi = \"media/….vtt\" } or a transcript = \"https://…\" link".into(),
        ));
    }
    let src = media(&raw.src).map_err(|m| (1, m))?;
    let mut html = String::new();
    let _ = write!(
        html,
        "<figure class=\"video\"><video controls preload=\"none\" src=\"{}\"",
        esc_href(&src)
    );
    if let Some(poster) = clean(raw.poster) {
        let _ = write!(
            html,
            " poster=\"{}\"",
            esc_href(&media(&poster).map_err(|m| (1, m))?)
        );
    }
    html.push('>');
    for (code, path) in &raw.captions {
        let lang: Language = code.parse().map_err(|m: String| (1, m))?;
        let url = media(path).map_err(|m| (1, m))?;
        let _ = write!(
            html,
            "<track kind=\"captions\" src=\"{}\" srclang=\"{code}\" label=\"{}\"{}>",
            esc_href(&url),
            esc(label(language, &format!("language_{code}"))),
            if lang == language { " default" } else { "" },
        );
    }
    let _ = write!(
        html,
        "</video><figcaption>{} <span class=\"video-title\">{}</span>",
        esc(label(language, "video")),
        esc(raw.title.trim())
    );
    if let Some(url) = transcript {
        if !url.starts_with("https://") && !url.starts_with("http://") {
            return Err((
                1,
                "transcript must be a web address starting with https://".into(),
            ));
        }
        let _ = write!(
            html,
            " <a href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
            esc_href(&url),
            esc(label(language, "transcript"))
        );
    }
    html.push_str("</figcaption></figure>");
    Ok(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiz_errors_point_at_the_line() {
        let err = quiz("question = \"Q\"\ntype = \"single\"\nfoo = 1\n").unwrap_err();
        assert_eq!(err.0, 3);
        assert!(err.1.contains("unknown field `foo`"), "{}", err.1);
        let err = quiz("question = \"Q\"\ntype = \"pick\"\n").unwrap_err();
        assert_eq!(err.0, 2);
    }

    #[test]
    fn quiz_rules() {
        let two = "[[options]]\ntext = \"a\"\n[[options]]\ntext = \"b\"\n";
        let single = format!("question = \"Q\"\ntype = \"single\"\n{two}");
        assert!(quiz(&single).unwrap_err().1.contains("exactly one"));
        let text = "question = \"Q\"\ntype = \"text\"\n";
        assert!(quiz(text).unwrap_err().1.contains("accepted answer"));
        let ok = quiz("question = \"Q\"\ntype = \"text\"\nanswers = [\" x \"]\n").unwrap();
        assert_eq!(ok.answers, ["x"]);
    }

    #[test]
    fn order_blocks() {
        let parsed = order("question = \"Q\"\nsteps = [\"a\", \" b \", \"c\"]\n").unwrap();
        assert_eq!(parsed.kind, QuizKind::Order);
        assert_eq!(parsed.options[1].text, "b");
        assert!(
            order("question = \"Q\"\nsteps = [\"a\"]\n")
                .unwrap_err()
                .1
                .contains("2 to 10")
        );
        assert!(
            order("question = \"Q\"\nsteps = [\"a\", \"a\"]\n")
                .unwrap_err()
                .1
                .contains("same text")
        );
        assert!(
            order("question = \" \"\nsteps = [\"a\", \"b\"]\n")
                .unwrap_err()
                .1
                .contains("empty question")
        );
        let err = order("question = \"Q\"\nsteps = [\"a\", \"b\"]\norder = 1\n").unwrap_err();
        assert_eq!(err.0, 3);
        assert!(
            quiz("question = \"Q\"\ntype = \"order\"\n")
                .unwrap_err()
                .1
                .contains("blocks of their own")
        );
    }

    #[test]
    fn match_blocks() {
        let pairs = "[[pairs]]\nitem = \"a.jpg\"\nmatch = \"viewer\"\n[[pairs]]\nitem = \"b.png\"\nmatch = \"viewer\"\n";
        let quiz = matching(&format!(
            "question = \"Q\"\ndistractors = [\"player\"]\n{pairs}"
        ))
        .unwrap();
        assert_eq!(quiz.pairs.len(), 2);
        assert_eq!(quiz.distractors, ["player"]);
        assert!(
            matching(&format!(
                "question = \"Q\"\ndistractors = [\"viewer\"]\n{pairs}"
            ))
            .unwrap_err()
            .1
            .contains("also a pair's match")
        );
        let one = "question = \"Q\"\n[[pairs]]\nitem = \"a\"\nmatch = \"b\"\n";
        assert!(matching(one).unwrap_err().1.contains("2 to 10"));
        let twice = format!("question = \"Q\"\n{pairs}").replace("b.png", "a.jpg");
        assert!(matching(&twice).unwrap_err().1.contains("same item"));
    }

    #[test]
    fn spot_blocks() {
        let quiz = spot(
            "question = \"Q\"\n[[parts]]\nfrom = \"x@posti-tulli.biz\"\nsign = true\nfeedback = \"f\"\n[[parts]]\nsubject = \"S\"\n[[parts]]\nlink = \"https://x.biz/pay\"\ntext = \"Pay\"\nsign = true\n[[parts]]\nlink = \"https://y.biz\"\n",
        )
        .unwrap();
        assert_eq!(quiz.medium, Some(Medium::Email));
        let roles: Vec<PartRole> = quiz.parts.iter().map(|p| p.shown.role).collect();
        assert_eq!(
            roles,
            [
                PartRole::From,
                PartRole::Subject,
                PartRole::Link,
                PartRole::Link
            ]
        );
        assert_eq!(quiz.parts[2].shown.text, "Pay");
        assert_eq!(quiz.parts[3].shown.text, "https://y.biz");
        let no_sign = "question = \"Q\"\n[[parts]]\nfrom = \"a\"\n[[parts]]\ntext = \"b\"\n";
        assert!(spot(no_sign).unwrap_err().1.contains("sign = true"));
        let both = "question = \"Q\"\n[[parts]]\nfrom = \"a\"\ntext = \"b\"\nsign = true\n[[parts]]\ntext = \"c\"\n";
        assert!(spot(both).unwrap_err().1.contains("part 1 needs one of"));
        let sms = "question = \"Q\"\nmedium = \"sms\"\n[[parts]]\nsubject = \"a\"\nsign = true\n[[parts]]\ntext = \"c\"\n";
        assert!(spot(sms).unwrap_err().1.contains("no subject"));
    }

    #[test]
    fn form_blocks() {
        let quiz = form(
            "question = \"Q\"\n[[fields]]\nlabel = \"E-mail\"\ncheck = \"email\"\n[[fields]]\nlabel = \"Notes\"\nrequired = false\n",
        )
        .unwrap();
        assert_eq!(quiz.fields[0].shown.check, FieldCheck::Email);
        assert!(quiz.fields[0].shown.required && !quiz.fields[1].shown.required);
        let bad_answer = "question = \"Q\"\n[[fields]]\nlabel = \"Code\"\ncheck = \"postcode\"\nanswers = [\"9010\"]\n";
        assert!(
            form(bad_answer)
                .unwrap_err()
                .1
                .contains("not what its check asks for")
        );
        let twice = "question = \"Q\"\n[[fields]]\nlabel = \"A\"\n[[fields]]\nlabel = \"A\"\n";
        assert!(form(twice).unwrap_err().1.contains("two fields"));
        let err =
            form("question = \"Q\"\n[[fields]]\nlabel = \"A\"\ncheck = \"iban\"\n").unwrap_err();
        assert_eq!(err.0, 4);
    }

    #[test]
    fn exercise_escapes_author_text() {
        let html = exercise(
            "title = \"<b>x</b>\"\ntask = \"t\"\ncheck = [\"<img src=x onerror=alert(1)>\"]\n",
            Language::En,
            1,
            |_| "<p>t</p>".into(),
        )
        .unwrap();
        assert!(!html.contains("<b>") && !html.contains("<img"), "{html}");
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
    }

    #[test]
    fn video_needs_captions_or_transcript_and_local_media() {
        let media = |p: &str| {
            if p.starts_with("media/") {
                Ok(format!("/media/c/{p}"))
            } else {
                Err(format!("{p} is not under media/"))
            }
        };
        assert!(
            video(
                "title = \"T\"\nsrc = \"media/v.mp4\"\n",
                Language::Fi,
                media
            )
            .is_err()
        );
        let html = video(
            "title = \"T\"\nsrc = \"media/v.mp4\"\ncaptions = { fi = \"media/v.vtt\" }\n",
            Language::Fi,
            media,
        )
        .unwrap();
        assert!(
            html.contains("srclang=\"fi\" label=\"suomi\" default"),
            "{html}"
        );
        assert!(
            video(
                "title = \"T\"\nsrc = \"https://x.example/v.mp4\"\ntranscript = \"https://x\"\n",
                Language::Fi,
                media
            )
            .is_err()
        );
    }
}
