//! Quizzes: the model stored with a lesson, what the learner's browser may
//! see (no right answers), and grading, which only ever runs on the server.

use serde::{Deserialize, Serialize};

pub use polku_types::courses::{ChoiceFeedback, QuizAnswer, QuizFeedback, QuizKind, QuizView};

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

/// A quiz as declared in a lesson, with its answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quiz {
    /// How it is answered.
    pub kind: QuizKind,
    /// The question.
    pub question: String,
    /// An optional hint shown with the question.
    pub hint: Option<String>,
    /// Options of a choice quiz.
    pub options: Vec<QuizOption>,
    /// Accepted answers of a text quiz.
    pub answers: Vec<String>,
    /// Text quiz: shown after a right answer.
    pub correct_feedback: Option<String>,
    /// Text quiz: shown after a wrong answer.
    pub wrong_feedback: Option<String>,
}

/// A learner's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    /// Indexes of the chosen options.
    Choices(Vec<usize>),
    /// A typed answer.
    Text(String),
}

impl Answer {
    /// A learner's answer as sent from a page, bounded in size (at most
    /// 500 characters typed, 20 options chosen).
    pub fn from_wire(answer: &QuizAnswer) -> Answer {
        match &answer.text {
            Some(text) => Answer::Text(text.chars().take(500).collect()),
            None => Answer::Choices(answer.choices.iter().copied().take(20).collect()),
        }
    }
}

/// Lowercase, trimmed, inner whitespace collapsed, a final full stop dropped.
fn normalise(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    joined.trim_end_matches('.').to_lowercase()
}

impl Quiz {
    /// What the browser may see.
    pub fn question(&self) -> QuizView {
        QuizView {
            kind: self.kind,
            question: self.question.clone(),
            hint: self.hint.clone(),
            options: self.options.iter().map(|o| o.text.clone()).collect(),
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
                let mut chosen: Vec<usize> = chosen
                    .iter()
                    .copied()
                    .filter(|&i| i < self.options.len())
                    .collect();
                chosen.sort_unstable();
                chosen.dedup();
                if self.kind == QuizKind::Single {
                    chosen.truncate(1);
                }
                let choices: Vec<ChoiceFeedback> = chosen
                    .iter()
                    .map(|&i| ChoiceFeedback {
                        option: i,
                        correct: self.options[i].correct,
                        feedback: self.options[i].feedback.clone(),
                    })
                    .collect();
                let missed = self
                    .options
                    .iter()
                    .enumerate()
                    .filter(|(i, o)| o.correct && !chosen.contains(i))
                    .count();
                let correct =
                    !choices.is_empty() && missed == 0 && choices.iter().all(|c| c.correct);
                QuizFeedback {
                    correct,
                    choices,
                    missed,
                    feedback: None,
                    earned: None,
                }
            }
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
            kind,
            question: "Q".into(),
            hint: None,
            options: vec![option("a", false), option("b", true), option("c", true)],
            answers: vec![],
            correct_feedback: None,
            wrong_feedback: None,
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
            kind: QuizKind::Text,
            question: "Q".into(),
            hint: None,
            options: vec![],
            answers: vec!["Työmarkkinatori".into()],
            correct_feedback: Some("yes".into()),
            wrong_feedback: Some("no".into()),
        };
        let right = quiz.grade(&Answer::Text("  työmarkkinatori. ".into()));
        assert!(right.correct);
        assert_eq!(right.feedback.as_deref(), Some("yes"));
        let wrong = quiz.grade(&Answer::Text("Duunitori".into()));
        assert!(!wrong.correct);
        assert_eq!(wrong.feedback.as_deref(), Some("no"));
        assert!(!quiz.grade(&Answer::Text("   ".into())).correct);
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
