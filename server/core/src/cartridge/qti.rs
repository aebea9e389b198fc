//! Quizzes as QTI 1.2 assessments, the Common Cartridge profile
//! (`cc.multiple_choice.v0p1`, `cc.multiple_response.v0p1`,
//! `cc.true_false.v0p1`, `cc.fib.v0p1`), read and written. Canvas'
//! `question_type` metadata is read as well; a question without either is
//! recognised by its response (one or several choices, a typed answer).
//!
//! Polku's single, multiple and text quizzes map to the profile's
//! multiple choice, multiple response and fill in the blank; its other
//! exercises (order, match, spot, form, Python) have no CC question type.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use roxmltree::Node;

use super::CartridgeError;
use super::manifest::{first, named, parse, text_of};
use crate::content::blocks::{OptionToml, QuizToml, esc};
use crate::content::quiz::{Quiz, QuizKind};

/// An assessment read from a cartridge.
#[derive(Debug, Clone, Default)]
pub struct Assessment {
    /// Its title.
    pub title: String,
    /// What it says before its questions (HTML), if anything.
    pub rubric: Option<String>,
    /// Its questions in order.
    pub questions: Vec<Question>,
}

/// A question: one Polku can take, or why it was left out.
#[derive(Debug, Clone)]
pub enum Question {
    /// A quiz block for a lesson.
    Quiz(QuizToml),
    /// Not taken.
    LeftOut {
        /// The question's title or text.
        title: String,
        /// Why.
        reason: String,
    },
}

fn descendants<'a, 'i>(
    node: Node<'a, 'i>,
    name: &'static str,
) -> impl Iterator<Item = Node<'a, 'i>> {
    node.descendants()
        .filter(move |n| n.is_element() && n.tag_name().name() == name)
}

/// The text of the first `mattext` (or `mat_extension`) under `node`, as
/// plain text (HTML read as a browser shows it).
fn material_text(node: Node<'_, '_>) -> String {
    let raw: String = descendants(node, "mattext")
        .next()
        .map(|m| {
            m.descendants()
                .filter(|t| t.is_text())
                .filter_map(|t| t.text())
                .collect()
        })
        .unwrap_or_default();
    plain(&raw)
}

/// HTML (or plain text) as the plain text a browser shows.
pub fn plain(html: &str) -> String {
    if !html.contains('<') && !html.contains('&') {
        return html.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    crate::speech::script::blocks_of(&format!("<p>{html}</p>"))
        .iter()
        .map(|b| b.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|b| !b.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The item's metadata field `label` (`cc_profile`, `question_type`).
fn field(item: Node<'_, '_>, label: &str) -> Option<String> {
    descendants(item, "qtimetadatafield").find_map(|f| {
        let name = first(f, "fieldlabel").map(text_of)?;
        (name == label).then(|| first(f, "fieldentry").map(text_of).unwrap_or_default())
    })
}

/// Reads an assessment (or a question bank) file.
pub fn read(file: &str, text: &str) -> Result<Assessment, CartridgeError> {
    let document = parse(file, text)?;
    let root = document.root_element();
    let top = first(root, "assessment").or_else(|| first(root, "objectbank"));
    let mut assessment = Assessment {
        title: top
            .and_then(|a| a.attribute("title"))
            .unwrap_or_default()
            .trim()
            .to_owned(),
        ..Assessment::default()
    };
    if let Some(top) = top {
        assessment.rubric = first(top, "rubric")
            .or_else(|| first(top, "presentation_material"))
            .and_then(|r| descendants(r, "mattext").next())
            .map(|m| {
                m.descendants()
                    .filter(|t| t.is_text())
                    .filter_map(|t| t.text())
                    .collect::<String>()
            })
            .filter(|t| !plain(t).is_empty());
        assessment.questions = descendants(top, "item").map(question).collect();
    }
    Ok(assessment)
}

/// What kind of question the item says it is: a Polku kind, or the
/// reason it is left out.
fn kind_of(item: Node<'_, '_>) -> Result<QuizKind, String> {
    let declared = field(item, "cc_profile")
        .or_else(|| field(item, "question_type"))
        .unwrap_or_default();
    match declared.as_str() {
        "cc.multiple_choice.v0p1"
        | "cc.true_false.v0p1"
        | "multiple_choice_question"
        | "true_false_question" => Ok(QuizKind::Single),
        "cc.multiple_response.v0p1" | "multiple_answers_question" => Ok(QuizKind::Multiple),
        "cc.fib.v0p1" | "short_answer_question" => Ok(QuizKind::Text),
        "" => {
            let presentation = first(item, "presentation");
            let choice = presentation.and_then(|p| descendants(p, "response_lid").next());
            let typed = presentation.and_then(|p| descendants(p, "response_str").next());
            match (choice, typed) {
                (Some(lid), None) => Ok(if lid.attribute("rcardinality") == Some("Multiple") {
                    QuizKind::Multiple
                } else {
                    QuizKind::Single
                }),
                (None, Some(_)) => Ok(QuizKind::Text),
                _ => Err("a question Polku cannot read (no choices and no typed answer)".into()),
            }
        }
        other => Err(format!(
            "a question of the type {other}: Polku's quizzes are single or multiple choice or a typed answer"
        )),
    }
}

/// A response condition: the values it requires (`varequal`, not under
/// `<not>`), whether it scores, whether it is the `<other/>` case, and the
/// feedback it shows.
struct Condition {
    wanted: Vec<String>,
    scores: bool,
    other: bool,
    shown: Option<String>,
}

fn condition(node: Node<'_, '_>, feedback: &BTreeMap<String, String>) -> Condition {
    let var = first(node, "conditionvar");
    let wanted = var
        .map(|var| {
            descendants(var, "varequal")
                .filter(|value| {
                    !value
                        .ancestors()
                        .take_while(|a| a.id() != var.id())
                        .any(|a| a.tag_name().name() == "not")
                })
                .map(|value| value.text().unwrap_or_default().trim().to_owned())
                .collect()
        })
        .unwrap_or_default();
    Condition {
        wanted,
        scores: named(node, "setvar").any(|s| {
            s.text()
                .and_then(|t| t.trim().parse::<f64>().ok())
                .is_some_and(|v| v > 0.0)
        }),
        other: var.is_some_and(|v| descendants(v, "other").next().is_some()),
        shown: named(node, "displayfeedback")
            .filter_map(|d| d.attribute("linkrefid"))
            .find_map(|id| feedback.get(id).cloned()),
    }
}

fn question(item: Node<'_, '_>) -> Question {
    let title = item.attribute("title").unwrap_or_default().to_owned();
    let question = first(item, "presentation")
        .map(material_text)
        .unwrap_or_default();
    let named_as = if question.is_empty() {
        title.clone()
    } else {
        question.chars().take(80).collect()
    };
    let left_out = |reason: String| Question::LeftOut {
        title: named_as.clone(),
        reason,
    };
    let kind = match kind_of(item) {
        Ok(kind) => kind,
        Err(reason) => return left_out(reason),
    };
    let feedback: BTreeMap<String, String> = named(item, "itemfeedback")
        .filter_map(|f| Some((f.attribute("ident")?.to_owned(), material_text(f))))
        .filter(|(_, text)| !text.is_empty())
        .collect();
    let conditions: Vec<Condition> = descendants(item, "respcondition")
        .map(|c| condition(c, &feedback))
        .collect();
    let mut quiz = QuizToml {
        question: question.clone(),
        kind,
        hint: None,
        answers: Vec::new(),
        correct_feedback: None,
        wrong_feedback: None,
        options: Vec::new(),
    };
    if kind == QuizKind::Text {
        for condition in &conditions {
            if condition.scores {
                for answer in &condition.wanted {
                    if !answer.is_empty() && !quiz.answers.contains(answer) {
                        quiz.answers.push(answer.clone());
                    }
                }
                quiz.correct_feedback = quiz.correct_feedback.take().or(condition.shown.clone());
            } else if condition.shown.is_some() {
                quiz.wrong_feedback = quiz.wrong_feedback.take().or(condition.shown.clone());
            }
        }
    } else {
        let Some(choices) =
            first(item, "presentation").and_then(|p| descendants(p, "response_lid").next())
        else {
            return left_out("a choice question without choices".into());
        };
        let right: Vec<&String> = conditions
            .iter()
            .filter(|c| c.scores)
            .flat_map(|c| c.wanted.iter())
            .collect();
        for label in descendants(choices, "response_label") {
            let ident = label.attribute("ident").unwrap_or_default().to_owned();
            let option_feedback = conditions
                .iter()
                .find(|c| c.wanted == [ident.as_str()] && !c.other)
                .and_then(|c| c.shown.clone());
            quiz.options.push(OptionToml {
                text: material_text(label),
                correct: right.contains(&&ident),
                feedback: option_feedback,
            });
        }
    }
    if question.is_empty() {
        return left_out("a question without text".into());
    }
    // The same rules as a quiz written in a lesson.
    let block = match toml::to_string(&quiz) {
        Ok(block) => block,
        Err(e) => return left_out(format!("cannot be written as a quiz: {e}")),
    };
    match crate::content::blocks::quiz(&block) {
        Ok(_) => Question::Quiz(quiz),
        Err((_, message)) => left_out(message),
    }
}

/// The CC question type of a Polku quiz; `None` for the kinds CC lacks.
pub fn profile(kind: QuizKind) -> Option<&'static str> {
    match kind {
        QuizKind::Single => Some("cc.multiple_choice.v0p1"),
        QuizKind::Multiple => Some("cc.multiple_response.v0p1"),
        QuizKind::Text => Some("cc.fib.v0p1"),
        QuizKind::Order | QuizKind::Match | QuizKind::Spot | QuizKind::Form | QuizKind::Python => {
            None
        }
    }
}

fn metadata(out: &mut String, fields: &[(&str, &str)]) {
    out.push_str("<qtimetadata>");
    for (label, entry) in fields {
        let _ = write!(
            out,
            "<qtimetadatafield><fieldlabel>{}</fieldlabel><fieldentry>{}</fieldentry></qtimetadatafield>",
            esc(label),
            esc(entry)
        );
    }
    out.push_str("</qtimetadata>");
}

fn material(out: &mut String, text: &str) {
    let _ = write!(
        out,
        "<material><mattext texttype=\"text/plain\">{}</mattext></material>",
        esc(text)
    );
}

fn item_feedback(out: &mut String, ident: &str, text: &str) {
    let _ = write!(out, "<itemfeedback ident=\"{ident}\"><flow_mat>");
    material(out, text);
    out.push_str("</flow_mat></itemfeedback>");
}

/// An assessment of `quizzes` (single, multiple and text ones: see
/// [`profile`]) as a QTI file of the CC 1.3 profile.
pub fn write(ident: &str, title: &str, quizzes: &[&Quiz]) -> String {
    let mut out = String::from(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<questestinterop xmlns=\"http://www.imsglobal.org/xsd/ims_qtiasiv1p2\" ",
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ",
        "xsi:schemaLocation=\"http://www.imsglobal.org/xsd/ims_qtiasiv1p2 ",
        "http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_qtiasiv1p2p1_v1p0.xsd\">"
    ));
    let _ = write!(
        out,
        "<assessment ident=\"{}\" title=\"{}\">",
        esc(ident),
        esc(title)
    );
    metadata(
        &mut out,
        &[
            ("cc_profile", "cc.exam.v0p1"),
            ("qmd_assessmenttype", "Examination"),
            ("cc_maxattempts", "unlimited"),
        ],
    );
    out.push_str("<section ident=\"root_section\">");
    for (n, quiz) in quizzes.iter().enumerate() {
        let Some(profile) = profile(quiz.kind) else {
            continue;
        };
        let item = format!("{ident}_q{}", n + 1);
        let _ = write!(
            out,
            "<item ident=\"{item}\" title=\"{}\"><itemmetadata>",
            esc(&quiz.question.chars().take(80).collect::<String>())
        );
        metadata(&mut out, &[("cc_profile", profile)]);
        out.push_str("</itemmetadata><presentation>");
        material(&mut out, &quiz.question);
        if quiz.kind == QuizKind::Text {
            out.push_str(
                "<response_str ident=\"response1\" rcardinality=\"Single\"><render_fib><response_label ident=\"answer1\"/></render_fib></response_str>",
            );
        } else {
            let cardinality = if quiz.kind == QuizKind::Multiple {
                "Multiple"
            } else {
                "Single"
            };
            let _ = write!(
                out,
                "<response_lid ident=\"response1\" rcardinality=\"{cardinality}\"><render_choice>"
            );
            for (i, option) in quiz.options.iter().enumerate() {
                let _ = write!(out, "<response_label ident=\"{item}_o{}\">", i + 1);
                material(&mut out, &option.text);
                out.push_str("</response_label>");
            }
            out.push_str("</render_choice></response_lid>");
        }
        out.push_str("</presentation><resprocessing><outcomes><decvar varname=\"SCORE\" vartype=\"Decimal\" minvalue=\"0\" maxvalue=\"100\"/></outcomes>");
        let mut feedbacks: Vec<(String, String)> = Vec::new();
        match quiz.kind {
            QuizKind::Text => {
                // The CC profile has no <or>: a condition per accepted
                // answer, the first that matches ends the processing.
                if let Some(text) = &quiz.correct_feedback {
                    feedbacks.push((format!("{item}_right"), text.clone()));
                }
                for answer in &quiz.answers {
                    let _ = write!(
                        out,
                        "<respcondition continue=\"No\"><conditionvar><varequal respident=\"response1\" case=\"No\">{}</varequal></conditionvar><setvar varname=\"SCORE\" action=\"Set\">100</setvar>",
                        esc(answer)
                    );
                    if quiz.correct_feedback.is_some() {
                        let _ = write!(
                            out,
                            "<displayfeedback feedbacktype=\"Response\" linkrefid=\"{item}_right\"/>"
                        );
                    }
                    out.push_str("</respcondition>");
                }
                if let Some(text) = &quiz.wrong_feedback {
                    let _ = write!(
                        out,
                        "<respcondition continue=\"No\"><conditionvar><other/></conditionvar><displayfeedback feedbacktype=\"Response\" linkrefid=\"{item}_wrong\"/></respcondition>"
                    );
                    feedbacks.push((format!("{item}_wrong"), text.clone()));
                }
            }
            _ => {
                for (i, option) in quiz.options.iter().enumerate() {
                    if let Some(text) = &option.feedback {
                        let id = format!("{item}_o{}", i + 1);
                        let _ = write!(
                            out,
                            "<respcondition continue=\"Yes\"><conditionvar><varequal respident=\"response1\">{id}</varequal></conditionvar><displayfeedback feedbacktype=\"Response\" linkrefid=\"{id}_fb\"/></respcondition>"
                        );
                        feedbacks.push((format!("{id}_fb"), text.clone()));
                    }
                }
                out.push_str("<respcondition continue=\"No\"><conditionvar>");
                let multiple = quiz.kind == QuizKind::Multiple;
                if multiple {
                    out.push_str("<and>");
                }
                for (i, option) in quiz.options.iter().enumerate() {
                    let value = format!(
                        "<varequal respident=\"response1\">{item}_o{}</varequal>",
                        i + 1
                    );
                    if option.correct {
                        out.push_str(&value);
                    } else if multiple {
                        let _ = write!(out, "<not>{value}</not>");
                    }
                }
                if multiple {
                    out.push_str("</and>");
                }
                out.push_str("</conditionvar><setvar varname=\"SCORE\" action=\"Set\">100</setvar></respcondition>");
            }
        }
        out.push_str("</resprocessing>");
        for (id, text) in &feedbacks {
            item_feedback(&mut out, id, text);
        }
        out.push_str("</item>");
    }
    out.push_str("</section></assessment></questestinterop>\n");
    out
}
