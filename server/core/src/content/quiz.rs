//! Quizzes and interactive exercises (order, match, spot, form): the model
//! stored with a lesson, what the learner's browser may see (no right
//! answers, steps never in their right order), and grading, which only
//! ever runs on the server.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use polku_types::courses::{
    ChoiceFeedback, CodeTask, CodeTest, FieldCheck, FieldProblem, FormField, MOST_CHOICES,
    MOST_CODE, MOST_TYPED, Medium, MessagePart, NOT_CHOSEN, PartRole, QuizAnswer, QuizFeedback,
    QuizKind, QuizView,
};

/// One option of a choice quiz.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizOption {
    /// What the learner sees.
    pub text: String,
    /// Whether it is (one of) the right answer(s).
    pub correct: bool,
    /// Shown after the learner picked this option.
    pub feedback: Option<String>,
}

/// A quiz or exercise as declared in a lesson, with its answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quiz {
    /// How it is answered.
    pub kind: QuizKind,
    /// The question.
    pub question: String,
    /// An optional hint shown with the question.
    pub hint: Option<String>,
    /// Options of a choice quiz; an order exercise's steps, in their
    /// right order.
    pub options: Vec<QuizOption>,
    /// Accepted answers of a text quiz.
    pub answers: Vec<String>,
    /// Text quiz: shown after a right answer.
    pub correct_feedback: Option<String>,
    /// Text quiz: shown after a wrong answer.
    pub wrong_feedback: Option<String>,
    /// A match exercise's pairs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pairs: Vec<Pair>,
    /// A match exercise's choices that match no item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub distractors: Vec<String>,
    /// A spot exercise's kind of message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium: Option<Medium>,
    /// A spot exercise's message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
    /// A form exercise's fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// A Python exercise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<CodeExercise>,
}

/// A Python exercise: what the learner sees, and the author's model
/// solution (never sent to the browser; the tests check that it passes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeExercise {
    /// The task, the starting code and the tests.
    pub shown: CodeTask,
    /// A program that passes every test.
    pub solution: Option<String>,
}

/// An item of a match exercise and what it matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pair {
    /// The item.
    pub item: String,
    /// Its match (several items may share one).
    pub matches: String,
    /// Shown after the learner matched this item.
    pub feedback: Option<String>,
}

/// A part of a spot exercise's message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// What the learner sees.
    pub shown: MessagePart,
    /// Whether it gives the scam away.
    pub sign: bool,
    /// Shown after the learner marked it.
    pub feedback: Option<String>,
}

/// A field of a form exercise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    /// What the learner sees.
    pub shown: FormField,
    /// Accepted entries (none: any well-formed entry).
    pub answers: Vec<String>,
    /// The author's message for an entry not accepted (else the page's
    /// standard message for the field's check).
    pub message: Option<String>,
}

/// A learner's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    /// Indexes of the chosen options; an order exercise's place of each
    /// step, a match exercise's choice for each item (as shown;
    /// [`NOT_CHOSEN`] where none was chosen).
    Choices(Vec<usize>),
    /// A typed answer.
    Text(String),
    /// The entry of each field of a form.
    Texts(Vec<String>),
}

impl Answer {
    /// A learner's answer as sent from a page, bounded in size (at most
    /// 500 characters typed per field, 20 options chosen or fields).
    pub fn from_wire(answer: &QuizAnswer) -> Answer {
        let bounded = |text: &String| text.chars().take(MOST_TYPED).collect::<String>();
        if !answer.texts.is_empty() {
            return Answer::Texts(
                answer
                    .texts
                    .iter()
                    .take(MOST_CHOICES)
                    .map(bounded)
                    .collect(),
            );
        }
        match &answer.text {
            Some(text) => Answer::Text(bounded(text)),
            None => Answer::Choices(answer.choices.iter().copied().take(MOST_CHOICES).collect()),
        }
    }
}

/// The order in which `texts` are shown: by a hash of each text (the same
/// every time, whoever asks), and never their own order when there are
/// two or more, so an order exercise never shows its answer.
fn shown_order(texts: &[&str]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..texts.len()).collect();
    order.sort_by_cached_key(|&i| Sha256::digest(format!("{i}\u{0}{}", texts[i])));
    if order.len() > 1 && order.iter().enumerate().all(|(at, &i)| at == i) {
        order.rotate_left(1);
    }
    order
}

/// Whether `entry` (trimmed, not empty) is what `check` asks for.
pub(crate) fn well_formed(check: FieldCheck, entry: &str) -> bool {
    match check {
        FieldCheck::Text => true,
        FieldCheck::Email => {
            let Some((local, domain)) = entry.split_once('@') else {
                return false;
            };
            let labels: Vec<&str> = domain.split('.').collect();
            !local.is_empty()
                && !entry.chars().any(char::is_whitespace)
                && !domain.contains('@')
                && labels.len() >= 2
                && labels.iter().all(|l| !l.is_empty())
                && labels.last().is_some_and(|tld| tld.len() >= 2)
        }
        FieldCheck::Phone => {
            let digits = entry.chars().filter(char::is_ascii_digit).count();
            let rest_ok = entry
                .char_indices()
                .all(|(i, c)| c.is_ascii_digit() || matches!(c, ' ' | '-') || (c == '+' && i == 0));
            rest_ok && (6..=15).contains(&digits)
        }
        FieldCheck::Postcode => entry.len() == 5 && entry.chars().all(|c| c.is_ascii_digit()),
        FieldCheck::Date => date_of(entry).is_some(),
        FieldCheck::Number => number_of(entry).is_some(),
    }
}

/// A date written day.month.year (as in Finland), with or without a final
/// full stop or leading zeros.
fn date_of(entry: &str) -> Option<chrono::NaiveDate> {
    let mut parts = entry.trim_end_matches('.').split('.').map(str::trim);
    let day = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let year_text = parts.next()?;
    if parts.next().is_some() || year_text.len() != 4 {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(year_text.parse().ok()?, month, day)
}

/// A number written with a decimal comma or point, spaces between
/// thousands allowed.
fn number_of(entry: &str) -> Option<f64> {
    let plain: String = entry
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    plain.parse::<f64>().ok().filter(|n| n.is_finite())
}

impl Field {
    /// Checks one entry: `None` when it is accepted.
    fn problem(&self, entry: &str) -> Option<FieldProblem> {
        let entry = entry.trim();
        if entry.is_empty() {
            return self.shown.required.then_some(FieldProblem::Missing);
        }
        if !well_formed(self.shown.check, entry) {
            return Some(FieldProblem::Format);
        }
        let accepted = self.answers.is_empty()
            || self.answers.iter().any(|a| match self.shown.check {
                FieldCheck::Date => date_of(a) == date_of(entry),
                FieldCheck::Number => number_of(a) == number_of(entry),
                FieldCheck::Phone | FieldCheck::Postcode => {
                    let digits =
                        |t: &str| t.chars().filter(char::is_ascii_digit).collect::<String>();
                    digits(a) == digits(entry)
                }
                _ => normalise(a) == normalise(entry),
            });
        (!accepted).then_some(FieldProblem::Answer)
    }
}

/// Lowercase, trimmed, inner whitespace collapsed, a final full stop dropped.
fn normalise(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    joined.trim_end_matches('.').to_lowercase()
}

impl Quiz {
    /// A quiz of `kind` with its question and nothing else, to be filled
    /// in by the block that declares it.
    pub fn new(kind: QuizKind, question: String, hint: Option<String>) -> Quiz {
        Quiz {
            kind,
            question,
            hint,
            options: Vec::new(),
            answers: Vec::new(),
            correct_feedback: None,
            wrong_feedback: None,
            pairs: Vec::new(),
            distractors: Vec::new(),
            medium: None,
            parts: Vec::new(),
            fields: Vec::new(),
            code: None,
        }
    }

    /// An order exercise's steps as shown: indexes into `options`.
    fn shown_steps(&self) -> Vec<usize> {
        shown_order(
            &self
                .options
                .iter()
                .map(|o| o.text.as_str())
                .collect::<Vec<_>>(),
        )
    }

    /// A match exercise's choices as shown: each match once, then the
    /// distractors, in a shuffled order.
    fn shown_choices(&self) -> Vec<String> {
        let mut choices: Vec<&str> = Vec::new();
        for text in self
            .pairs
            .iter()
            .map(|p| p.matches.as_str())
            .chain(self.distractors.iter().map(String::as_str))
        {
            if !choices.contains(&text) {
                choices.push(text);
            }
        }
        shown_order(&choices)
            .into_iter()
            .map(|i| choices[i].to_owned())
            .collect()
    }

    /// What the browser may see.
    pub fn question(&self) -> QuizView {
        let options = match self.kind {
            QuizKind::Order => self
                .shown_steps()
                .into_iter()
                .map(|i| self.options[i].text.clone())
                .collect(),
            QuizKind::Match => self.pairs.iter().map(|p| p.item.clone()).collect(),
            _ => self.options.iter().map(|o| o.text.clone()).collect(),
        };
        QuizView {
            kind: self.kind,
            question: self.question.clone(),
            hint: self.hint.clone(),
            options,
            choices: if self.kind == QuizKind::Match {
                self.shown_choices()
            } else {
                Vec::new()
            },
            medium: self.medium,
            parts: self.parts.iter().map(|p| p.shown.clone()).collect(),
            fields: self.fields.iter().map(|f| f.shown.clone()).collect(),
            code: self.code.as_ref().map(|c| c.shown.clone()),
        }
    }

    /// Grades marked options (a choice quiz's, a spot exercise's parts):
    /// right when every right one is marked and no other.
    fn grade_marks(
        chosen: &[usize],
        single: bool,
        marks: &[(bool, Option<String>)],
    ) -> QuizFeedback {
        let mut chosen: Vec<usize> = chosen
            .iter()
            .copied()
            .filter(|&i| i < marks.len())
            .collect();
        chosen.sort_unstable();
        chosen.dedup();
        if single {
            chosen.truncate(1);
        }
        let choices: Vec<ChoiceFeedback> = chosen
            .iter()
            .map(|&i| ChoiceFeedback {
                option: i,
                correct: marks[i].0,
                feedback: marks[i].1.clone(),
                problem: None,
            })
            .collect();
        let missed = marks
            .iter()
            .enumerate()
            .filter(|(i, (right, _))| *right && !chosen.contains(i))
            .count();
        let correct = !choices.is_empty() && missed == 0 && choices.iter().all(|c| c.correct);
        QuizFeedback {
            correct,
            choices,
            missed,
            feedback: None,
            earned: None,
        }
    }

    /// Grades positional answers (an order exercise's places, a match
    /// exercise's choices): one verdict per step or item, right when all
    /// are.
    fn grade_each(verdicts: Vec<(bool, Option<String>)>) -> QuizFeedback {
        let correct = !verdicts.is_empty() && verdicts.iter().all(|(right, _)| *right);
        QuizFeedback {
            correct,
            choices: verdicts
                .into_iter()
                .enumerate()
                .map(|(option, (correct, feedback))| ChoiceFeedback {
                    option,
                    correct,
                    feedback,
                    problem: None,
                })
                .collect(),
            missed: 0,
            feedback: None,
            earned: None,
        }
    }

    /// Grades an order exercise: `places[i]` is where the learner put the
    /// i-th step as shown.
    fn grade_order(&self, places: &[usize]) -> QuizFeedback {
        let verdicts = self
            .shown_steps()
            .into_iter()
            .enumerate()
            .map(|(shown, step)| (places.get(shown) == Some(&step), None))
            .collect();
        Self::grade_each(verdicts)
    }

    /// Grades a match exercise: `picked[i]` is the choice (as shown) for
    /// item i.
    fn grade_match(&self, picked: &[usize]) -> QuizFeedback {
        let choices = self.shown_choices();
        let verdicts = self
            .pairs
            .iter()
            .enumerate()
            .map(|(i, pair)| {
                let chosen = picked.get(i).and_then(|&c| choices.get(c));
                let right = chosen.is_some_and(|c| *c == pair.matches);
                (right, chosen.and(pair.feedback.clone()))
            })
            .collect();
        Self::grade_each(verdicts)
    }

    /// Grades a form: every field's entry checked.
    fn grade_form(&self, entries: &[String]) -> QuizFeedback {
        let choices: Vec<ChoiceFeedback> = self
            .fields
            .iter()
            .enumerate()
            .map(|(i, field)| {
                let problem = field.problem(entries.get(i).map_or("", String::as_str));
                ChoiceFeedback {
                    option: i,
                    correct: problem.is_none(),
                    feedback: match problem {
                        Some(FieldProblem::Format | FieldProblem::Answer) => field.message.clone(),
                        _ => None,
                    },
                    problem,
                }
            })
            .collect();
        QuizFeedback {
            correct: choices.iter().all(|c| c.correct),
            choices,
            missed: 0,
            feedback: None,
            earned: None,
        }
    }

    /// Grades `answer`. Out-of-range options are ignored; an answer of the
    /// wrong shape is simply wrong.
    pub fn grade(&self, answer: &Answer) -> QuizFeedback {
        match (self.kind, answer) {
            (QuizKind::Text, Answer::Text(text)) => {
                let given = normalise(text);
                let correct =
                    !given.is_empty() && self.answers.iter().any(|a| normalise(a) == given);
                QuizFeedback {
                    correct,
                    choices: Vec::new(),
                    missed: 0,
                    feedback: if correct {
                        self.correct_feedback.clone()
                    } else {
                        self.wrong_feedback.clone()
                    },
                    earned: None,
                }
            }
            (QuizKind::Single | QuizKind::Multiple, Answer::Choices(chosen)) => {
                let marks: Vec<(bool, Option<String>)> = self
                    .options
                    .iter()
                    .map(|o| (o.correct, o.feedback.clone()))
                    .collect();
                Self::grade_marks(chosen, self.kind == QuizKind::Single, &marks)
            }
            (QuizKind::Spot, Answer::Choices(chosen)) => {
                let marks: Vec<(bool, Option<String>)> = self
                    .parts
                    .iter()
                    .map(|p| (p.sign, p.feedback.clone()))
                    .collect();
                Self::grade_marks(chosen, false, &marks)
            }
            (QuizKind::Order, Answer::Choices(places)) => self.grade_order(places),
            (QuizKind::Match, Answer::Choices(picked)) => self.grade_match(picked),
            (QuizKind::Form, Answer::Texts(entries)) => self.grade_form(entries),
            _ => QuizFeedback {
                correct: false,
                choices: Vec::new(),
                missed: 0,
                feedback: None,
                earned: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn option(text: &str, correct: bool) -> QuizOption {
        QuizOption {
            text: text.into(),
            correct,
            feedback: Some(format!("about {text}")),
        }
    }

    fn choice(kind: QuizKind) -> Quiz {
        Quiz {
            options: vec![option("a", false), option("b", true), option("c", true)],
            ..Quiz::new(kind, "Q".into(), None)
        }
    }

    #[test]
    fn single_choice() {
        let mut quiz = choice(QuizKind::Single);
        quiz.options[2].correct = false;
        let right = quiz.grade(&Answer::Choices(vec![1]));
        assert!(right.correct);
        assert_eq!(right.choices[0].feedback.as_deref(), Some("about b"));
        let wrong = quiz.grade(&Answer::Choices(vec![0]));
        assert!(!wrong.correct);
        assert_eq!(wrong.choices[0].feedback.as_deref(), Some("about a"));
        assert!(!quiz.grade(&Answer::Choices(vec![])).correct);
        assert!(!quiz.grade(&Answer::Choices(vec![99])).correct);
        assert!(!quiz.grade(&Answer::Text("b".into())).correct);
    }

    #[test]
    fn multiple_choice_needs_all_right_and_no_wrong() {
        let quiz = choice(QuizKind::Multiple);
        assert!(quiz.grade(&Answer::Choices(vec![2, 1])).correct);
        let partial = quiz.grade(&Answer::Choices(vec![1]));
        assert!(!partial.correct);
        assert_eq!(partial.missed, 1);
        assert!(!quiz.grade(&Answer::Choices(vec![0, 1, 2])).correct);
        assert!(quiz.grade(&Answer::Choices(vec![1, 2, 2, 7])).correct);
    }

    #[test]
    fn text_answers_ignore_case_spaces_and_full_stop() {
        let quiz = Quiz {
            answers: vec!["Työmarkkinatori".into()],
            correct_feedback: Some("yes".into()),
            wrong_feedback: Some("no".into()),
            ..Quiz::new(QuizKind::Text, "Q".into(), None)
        };
        let right = quiz.grade(&Answer::Text("  työmarkkinatori. ".into()));
        assert!(right.correct);
        assert_eq!(right.feedback.as_deref(), Some("yes"));
        let wrong = quiz.grade(&Answer::Text("Duunitori".into()));
        assert!(!wrong.correct);
        assert_eq!(wrong.feedback.as_deref(), Some("no"));
        assert!(!quiz.grade(&Answer::Text("   ".into())).correct);
    }

    fn steps(texts: &[&str]) -> Quiz {
        Quiz {
            options: texts.iter().map(|t| option(t, true)).collect(),
            ..Quiz::new(QuizKind::Order, "Q".into(), None)
        }
    }

    #[test]
    fn order_is_never_shown_right_and_graded_by_place() {
        for n in 2..=10 {
            let texts: Vec<String> = (0..n).map(|i| format!("step {i}")).collect();
            let quiz = steps(&texts.iter().map(String::as_str).collect::<Vec<_>>());
            let view = quiz.question();
            assert_ne!(view.options, texts, "shown in the right order");
            let mut sorted = view.options.clone();
            sorted.sort();
            assert_eq!(sorted, texts);
            // The place of each shown step is its number in the text.
            let places: Vec<usize> = view
                .options
                .iter()
                .map(|t| t.trim_start_matches("step ").parse().unwrap())
                .collect();
            let right = quiz.grade(&Answer::Choices(places.clone()));
            assert!(right.correct && right.choices.iter().all(|c| c.correct));
            let mut swapped = places.clone();
            swapped.swap(0, 1);
            let wrong = quiz.grade(&Answer::Choices(swapped));
            assert!(!wrong.correct);
            assert_eq!(wrong.choices.iter().filter(|c| !c.correct).count(), 2);
            let mut unchosen = places;
            unchosen[0] = NOT_CHOSEN;
            assert!(!quiz.grade(&Answer::Choices(unchosen)).correct);
        }
        assert!(!steps(&["a", "b"]).grade(&Answer::Choices(vec![])).correct);
        assert!(!steps(&["a", "b"]).grade(&Answer::Texts(vec![])).correct);
    }

    #[test]
    fn match_grades_each_item_against_shared_matches() {
        let pair = |item: &str, matches: &str| Pair {
            item: item.into(),
            matches: matches.into(),
            feedback: Some(format!("{item} opens in {matches}")),
        };
        let quiz = Quiz {
            pairs: vec![
                pair("a.jpg", "viewer"),
                pair("b.png", "viewer"),
                pair("c.mp3", "player"),
            ],
            distractors: vec!["calculator".into()],
            ..Quiz::new(QuizKind::Match, "Q".into(), None)
        };
        let view = quiz.question();
        assert_eq!(view.options, ["a.jpg", "b.png", "c.mp3"]);
        assert_eq!(view.choices.len(), 3, "{:?}", view.choices);
        let at = |text: &str| view.choices.iter().position(|c| c == text).unwrap();
        let right = quiz.grade(&Answer::Choices(vec![
            at("viewer"),
            at("viewer"),
            at("player"),
        ]));
        assert!(right.correct);
        assert_eq!(
            right.choices[2].feedback.as_deref(),
            Some("c.mp3 opens in player")
        );
        let wrong = quiz.grade(&Answer::Choices(vec![
            at("viewer"),
            at("calculator"),
            at("player"),
        ]));
        assert!(!wrong.correct);
        assert!(!wrong.choices[1].correct && wrong.choices[0].correct);
        let short = quiz.grade(&Answer::Choices(vec![at("viewer"), NOT_CHOSEN]));
        assert!(!short.correct);
        assert_eq!(short.choices[1].feedback, None);
        assert!(!short.choices[2].correct);
    }

    #[test]
    fn spot_needs_every_sign_and_nothing_else() {
        let part = |role: PartRole, text: &str, sign: bool| Part {
            shown: MessagePart {
                role,
                text: text.into(),
                link: None,
            },
            sign,
            feedback: Some(format!("about {text}")),
        };
        let quiz = Quiz {
            medium: Some(Medium::Sms),
            parts: vec![
                part(PartRole::From, "+44 7000", true),
                part(PartRole::Text, "Hello", false),
                part(PartRole::Text, "Pay in 1 hour", true),
            ],
            ..Quiz::new(QuizKind::Spot, "Q".into(), None)
        };
        assert!(quiz.grade(&Answer::Choices(vec![2, 0])).correct);
        let partial = quiz.grade(&Answer::Choices(vec![0]));
        assert!(!partial.correct);
        assert_eq!(partial.missed, 1);
        let extra = quiz.grade(&Answer::Choices(vec![0, 1, 2]));
        assert!(!extra.correct);
        assert_eq!(extra.choices[1].feedback.as_deref(), Some("about Hello"));
        let view = serde_json::to_string(&quiz.question()).unwrap();
        assert!(!view.contains("sign") && !view.contains("about"), "{view}");
    }

    #[test]
    fn form_fields_are_checked_like_real_services_do() {
        let field = |label: &str, check: FieldCheck, required: bool, answers: &[&str]| Field {
            shown: FormField {
                label: label.into(),
                check,
                hint: None,
                required,
            },
            answers: answers.iter().map(|a| (*a).to_owned()).collect(),
            message: Some(format!("{label}?")),
        };
        let quiz = Quiz {
            fields: vec![
                field("name", FieldCheck::Text, true, &["Aino Virtanen"]),
                field("email", FieldCheck::Email, true, &[]),
                field("phone", FieldCheck::Phone, true, &[]),
                field("postcode", FieldCheck::Postcode, true, &["90100"]),
                field("born", FieldCheck::Date, true, &["1.2.1990"]),
                field("hours", FieldCheck::Number, false, &[]),
            ],
            ..Quiz::new(QuizKind::Form, "Q".into(), None)
        };
        let entries = |e: &[&str]| Answer::Texts(e.iter().map(|t| (*t).to_owned()).collect());
        let right = quiz.grade(&entries(&[
            " aino  virtanen ",
            "aino@example.fi",
            "+358 40 123 4567",
            "90100",
            "01.02.1990",
            "",
        ]));
        assert!(right.correct, "{right:?}");
        let wrong = quiz.grade(&entries(&[
            "Aino",
            "aino@example",
            "040-12a",
            "9010",
            "30.2.1990",
            "ten",
        ]));
        assert!(!wrong.correct);
        let problems: Vec<Option<FieldProblem>> = wrong.choices.iter().map(|c| c.problem).collect();
        assert_eq!(
            problems,
            [
                Some(FieldProblem::Answer),
                Some(FieldProblem::Format),
                Some(FieldProblem::Format),
                Some(FieldProblem::Format),
                Some(FieldProblem::Format),
                Some(FieldProblem::Format),
            ]
        );
        assert_eq!(wrong.choices[0].feedback.as_deref(), Some("name?"));
        let empty = quiz.grade(&entries(&[]));
        assert_eq!(empty.choices[0].problem, Some(FieldProblem::Missing));
        assert_eq!(empty.choices[0].feedback, None);
        assert!(empty.choices[5].correct, "an optional field may stay empty");
        for good in ["a.b@c.fi", "x+y@mail.example.com"] {
            assert!(well_formed(FieldCheck::Email, good), "{good}");
        }
        for bad in ["a@b", "@b.fi", "a b@c.fi", "a@@b.fi", "a@b.f", "a@.fi"] {
            assert!(!well_formed(FieldCheck::Email, bad), "{bad}");
        }
    }

    #[test]
    fn the_browser_view_hides_answers() {
        let view = serde_json::to_string(&choice(QuizKind::Single).question()).unwrap();
        assert!(
            !view.contains("correct") && !view.contains("about"),
            "{view}"
        );
    }
}
