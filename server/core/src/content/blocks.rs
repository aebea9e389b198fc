//! The fenced blocks authors use for interactive parts of a lesson —
//! ```` ```quiz ````, ```` ```exercise ```` and ```` ```video ```` — each a
//! small TOML document. Parsing checks them strictly (unknown keys are
//! errors); rendering writes trusted HTML in which every author string is
//! escaped, so these parts need not pass the sanitiser.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use pulldown_cmark_escape::{escape_href, escape_html};
use serde::Deserialize;

use super::labels::label;
use super::lessons::line_of;
use super::quiz::{Quiz, QuizKind, QuizOption};
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuizToml {
    question: String,
    #[serde(rename = "type")]
    kind: QuizKind,
    hint: Option<String>,
    #[serde(default)]
    options: Vec<OptionToml>,
    #[serde(default)]
    answers: Vec<String>,
    correct_feedback: Option<String>,
    wrong_feedback: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OptionToml {
    text: String,
    #[serde(default)]
    correct: bool,
    feedback: Option<String>,
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
        kind: raw.kind,
        question,
        hint: clean(raw.hint),
        options,
        answers,
        correct_feedback: clean(raw.correct_feedback),
        wrong_feedback: clean(raw.wrong_feedback),
    })
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
