//! A quiz or interactive exercise inside a lesson (choice, text, order,
//! match, spot, form): a form that works without JavaScript (a GET to the
//! lesson page, which shows the server's feedback; signed in, a POST that
//! records the attempt first). Every kind is answered with
//! native controls (radios, checkboxes, selects, text fields), so each
//! works by keyboard and screen reader and at any width; nothing is
//! dragged.

use leptos::prelude::*;

use crate::api::{
    ChoiceFeedback, FieldCheck, FieldProblem, FormField, MOST_TYPED, Medium, MessagePart,
    NOT_CHOSEN, PartRole, QuizAnswer, QuizFeedback, QuizKind, QuizView,
};
use crate::i18n::{Key, t, tf};

/// One quiz, with the learner's last answer to it and the server's
/// verdict, if there is one (the answer stays filled in).
#[component]
pub fn Quiz(
    /// The quiz's number in the lesson.
    index: usize,
    /// The question and options.
    quiz: QuizView,
    /// The lesson page's path (the form's target).
    action: String,
    /// The last answer and the verdict on it.
    verdict: Option<(QuizAnswer, QuizFeedback)>,
    /// A learner is signed in: the answer is recorded (the form posts).
    #[prop(optional)]
    record: bool,
    /// The signed-in learner's account, named in the form (an answer kept
    /// offline is recorded only for her).
    #[prop(default = None)]
    who: Option<i32>,
) -> impl IntoView {
    let (answered, feedback) = match verdict {
        Some((answer, feedback)) => (Some(answer), Some(feedback)),
        None => (None, None),
    };
    let id = crate::api::quiz_id(index);
    let question_id = format!("{id}-question");
    let labelled_by = question_id.clone();
    let (label, instruction) = match quiz.kind {
        QuizKind::Single => (Key::QuizLabel, Key::QuizChooseOne),
        QuizKind::Multiple => (Key::QuizLabel, Key::QuizChooseAll),
        QuizKind::Text => (Key::QuizLabel, Key::QuizTypeAnswer),
        QuizKind::Order => (Key::ExerciseLabel, Key::QuizOrderInstruction),
        QuizKind::Match => (Key::ExerciseLabel, Key::QuizMatchInstruction),
        QuizKind::Spot => (Key::ExerciseLabel, Key::QuizSpotInstruction),
        QuizKind::Form => (Key::ExerciseLabel, Key::QuizFormInstruction),
        // Shown by `code_exercise::CodeExercise`, never here.
        QuizKind::Python => (Key::CodeLabel, Key::CodeYourProgram),
    };
    let fields = answer_fields(
        &id,
        &quiz,
        answered.unwrap_or(QuizAnswer {
            index,
            choices: Vec::new(),
            text: None,
            texts: Vec::new(),
        }),
        feedback.as_ref(),
    );
    // Signed in, the form posts (the attempt is recorded, then the server
    // redirects to the verdict); signed out, it is a GET that stores nothing.
    let (method, full_action) = if record {
        ("post", format!("{action}/answer"))
    } else {
        ("get", format!("{action}#{}", crate::api::verdict_id(index)))
    };
    let kind_class = format!("quiz quiz--{}", kind_name(quiz.kind));
    view! {
        <section class=kind_class id=id.clone() aria-labelledby=labelled_by>
            <form method=method action=full_action data-offline-queue=record.then_some("") novalidate>
                <input type="hidden" name="quiz" value=index.to_string() />
                {who.map(|who| view! { <crate::components::hole::WhoField who /> })}
                <fieldset>
                    <legend id=question_id>
                        <span class="quiz-label">{t(label)}</span>
                        " "
                        <span class="quiz-question" data-say="block">{quiz.question.clone()}</span>
                    </legend>
                    <p class="quiz-instruction">{t(instruction)}</p>
                    {quiz.hint.clone().map(|hint| view! { <p class="quiz-hint" data-say="block">{hint}</p> })}
                    {fields}
                </fieldset>
                <button type="submit">{t(Key::QuizCheck)}</button>
            </form>
            <div class="quiz-result" id=crate::api::verdict_id(index) role="status" aria-live="polite" tabindex="-1">
                {feedback.map(|f| view! { <Verdict feedback=f quiz=quiz.clone() id=id.clone() /> })}
            </div>
        </section>
    }
}

/// The kind's name, as in course files.
fn kind_name(kind: QuizKind) -> &'static str {
    match kind {
        QuizKind::Single => "single",
        QuizKind::Multiple => "multiple",
        QuizKind::Text => "text",
        QuizKind::Order => "order",
        QuizKind::Match => "match",
        QuizKind::Spot => "spot",
        QuizKind::Form => "form",
        QuizKind::Python => "python",
    }
}

/// The controls a learner answers with, filled in with her last answer.
/// The elements marked `data-say` are [`QuizView::spoken`], in order.
fn answer_fields(
    id: &str,
    quiz: &QuizView,
    answer: QuizAnswer,
    feedback: Option<&QuizFeedback>,
) -> AnyView {
    let choices = answer.choices;
    match quiz.kind {
        QuizKind::Python => ().into_any(),
        QuizKind::Text => {
            let input_id = format!("{id}-text");
            view! {
                <label for=input_id.clone()>{t(Key::QuizYourAnswer)}</label>
                <input type="text" id=input_id name="text" value=answer.text.unwrap_or_default() autocomplete="off" maxlength=MOST_TYPED.to_string() />
            }
            .into_any()
        }
        QuizKind::Single | QuizKind::Multiple => {
            let input_type = if quiz.kind == QuizKind::Single {
                "radio"
            } else {
                "checkbox"
            };
            quiz.options
                .iter()
                .enumerate()
                .map(|(i, text)| {
                    let option_id = format!("{id}-option-{i}");
                    view! {
                        <div class="quiz-option">
                            <input type=input_type id=option_id.clone() name="a" value=i.to_string() checked=choices.contains(&i) />
                            <label for=option_id data-say="block">{text.clone()}</label>
                        </div>
                    }
                })
                .collect_view()
                .into_any()
        }
        QuizKind::Order | QuizKind::Match => {
            // Each step (item) has a select: its place (its pair).
            let (placeholder, values): (Key, Vec<String>) = if quiz.kind == QuizKind::Order {
                (
                    Key::QuizOrderChoose,
                    (1..=quiz.options.len()).map(|n| n.to_string()).collect(),
                )
            } else {
                (Key::QuizMatchChoose, quiz.choices.clone())
            };
            let rows = quiz
                .options
                .iter()
                .enumerate()
                .map(|(i, text)| {
                    let select_id = format!("{id}-item-{i}");
                    let picked = choices.get(i).copied().unwrap_or(NOT_CHOSEN);
                    let options = values
                        .iter()
                        .enumerate()
                        .map(|(j, value)| view! { <option value=j.to_string() selected=picked == j>{value.clone()}</option> })
                        .collect_view();
                    view! {
                        <li class="pick-row">
                            <label for=select_id.clone() data-say="block">{text.clone()}</label>
                            <select id=select_id name="a">
                                <option value="" selected=picked == NOT_CHOSEN>{t(placeholder)}</option>
                                {options}
                            </select>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="pick-rows">{rows}</ul> }.into_any()
        }
        QuizKind::Spot => {
            let (medium_class, medium_label) = match quiz.medium.unwrap_or(Medium::Email) {
                Medium::Email => ("message message--email", Key::QuizSpotEmail),
                Medium::Sms => ("message message--sms", Key::QuizSpotSms),
            };
            let parts = quiz
                .parts
                .iter()
                .enumerate()
                .map(|(i, part)| spot_part(id, i, part, choices.contains(&i)))
                .collect_view();
            view! {
                <p class="message-kind">{t(medium_label)}</p>
                <div class=medium_class>{parts}</div>
            }
            .into_any()
        }
        QuizKind::Form => {
            let problems: Vec<Option<&ChoiceFeedback>> = (0..quiz.fields.len())
                .map(|i| {
                    feedback.and_then(|f| f.choices.iter().find(|c| c.option == i && !c.correct))
                })
                .collect();
            quiz.fields
                .iter()
                .enumerate()
                .map(|(i, field)| {
                    let entry = answer.texts.get(i).cloned().unwrap_or_default();
                    form_field(id, i, field, entry, problems[i].cloned())
                })
                .collect_view()
                .into_any()
        }
    }
}

/// One part of a spot exercise's message: a checkbox labelled with what
/// the part says. A link is shown with its address and never followed.
fn spot_part(id: &str, i: usize, part: &MessagePart, checked: bool) -> impl IntoView + use<> {
    let part_id = format!("{id}-part-{i}");
    let (class, role) = match part.role {
        PartRole::From => ("message-part message-part--from", Some(Key::QuizSpotFrom)),
        PartRole::Subject => (
            "message-part message-part--subject",
            Some(Key::QuizSpotSubject),
        ),
        PartRole::Text => ("message-part", None),
        PartRole::Link => ("message-part message-part--link", Some(Key::QuizSpotLink)),
    };
    let address = part
        .link
        .clone()
        .filter(|link| *link != part.text)
        .map(|link| view! { " " <span class="message-address">"<" {link} ">"</span> });
    view! {
        <div class=class>
            <input type="checkbox" id=part_id.clone() name="a" value=i.to_string() checked=checked />
            <label for=part_id>
                {role.map(|key| view! { <span class="message-role">{t(key)}</span> " " })}
                <span class="message-text" data-say="block">{part.text.clone()}</span>
                {address}
            </label>
        </div>
    }
}

/// The message for a form field's entry that was not accepted: the
/// author's, or the standard one for the field's check.
fn field_message(check: FieldCheck, verdict: &ChoiceFeedback) -> String {
    if let Some(text) = &verdict.feedback {
        return text.clone();
    }
    let key = match (verdict.problem, check) {
        (Some(FieldProblem::Missing), _) => Key::ExerciseFieldMissing,
        (Some(FieldProblem::Format), FieldCheck::Email) => Key::ExerciseFieldEmail,
        (Some(FieldProblem::Format), FieldCheck::Phone) => Key::ExerciseFieldPhone,
        (Some(FieldProblem::Format), FieldCheck::Postcode) => Key::ExerciseFieldPostcode,
        (Some(FieldProblem::Format), FieldCheck::Date) => Key::ExerciseFieldDate,
        (Some(FieldProblem::Format), FieldCheck::Number) => Key::ExerciseFieldNumber,
        _ => Key::ExerciseFieldAnswer,
    };
    t(key)().to_owned()
}

/// How the browser's keyboard suits a check (the page checks nothing
/// itself: `novalidate`, the server's messages are the real service's).
fn input_mode(check: FieldCheck) -> &'static str {
    match check {
        FieldCheck::Text => "text",
        FieldCheck::Email => "email",
        FieldCheck::Phone => "tel",
        FieldCheck::Postcode | FieldCheck::Number | FieldCheck::Date => "decimal",
    }
}

/// One field of a form exercise, with its message when its entry was not
/// accepted (tied to the field, as real services do).
fn form_field(
    id: &str,
    i: usize,
    field: &FormField,
    entry: String,
    problem: Option<ChoiceFeedback>,
) -> impl IntoView + use<> {
    let field_id = format!("{id}-field-{i}");
    let hint_id = format!("{field_id}-hint");
    let error_id = format!("{field_id}-error");
    let message = problem.map(|p| field_message(field.check, &p));
    let described: Vec<&str> = [
        field.hint.as_ref().map(|_| hint_id.as_str()),
        message.as_ref().map(|_| error_id.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let described = (!described.is_empty()).then(|| described.join(" "));
    view! {
        <div class=if message.is_some() { "form-row form-row--invalid" } else { "form-row" }>
            <label for=field_id.clone()>
                <span data-say="block">{field.label.clone()}</span>
                {(!field.required).then(|| view! { " " <span class="form-optional">{t(Key::QuizFormOptional)}</span> })}
            </label>
            {field.hint.clone().map(|hint| view! { <p class="form-hint" id=hint_id.clone()>{hint}</p> })}
            {message.clone().map(|m| view! { <p class="form-error" id=error_id.clone()>{m}</p> })}
            <input
                type="text"
                id=field_id
                name="t"
                value=entry
                inputmode=input_mode(field.check)
                autocomplete="off"
                maxlength=MOST_TYPED.to_string()
                aria-describedby=described
                aria-invalid=message.is_some().then_some("true")
            />
        </div>
    }
}

#[component]
fn Verdict(feedback: QuizFeedback, quiz: QuizView, id: String) -> impl IntoView {
    let class = if feedback.correct {
        "verdict verdict--right"
    } else {
        "verdict verdict--wrong"
    };
    let missed = feedback.missed;
    let kind = quiz.kind;
    let checks: Vec<FieldCheck> = quiz.fields.iter().map(|f| f.check).collect();
    // What each verdict is about: an option, step, item, part or field.
    let subject = move |i: usize| -> String {
        match kind {
            QuizKind::Spot => quiz.parts.get(i).map(|p| p.text.clone()),
            QuizKind::Form => quiz.fields.get(i).map(|f| f.label.clone()),
            _ => quiz.options.get(i).cloned(),
        }
        .unwrap_or_default()
    };
    let items = feedback
        .choices
        .into_iter()
        .filter(|c| kind != QuizKind::Form || !c.correct)
        .map(|c| {
            let about = subject(c.option);
            if kind == QuizKind::Form {
                let message = field_message(checks.get(c.option).copied().unwrap_or_default(), &c);
                let href = format!("#{id}-field-{}", c.option);
                return view! { <li><a href=href>{about}</a> ": " {message}</li> }.into_any();
            }
            let mark = match (kind, c.correct) {
                (QuizKind::Order, true) => t(Key::QuizOrderRight),
                (QuizKind::Order, false) => t(Key::QuizOrderWrong),
                (_, true) => t(Key::QuizOptionRight),
                (_, false) => t(Key::QuizOptionWrong),
            };
            view! {
                <li>
                    <strong>{about}</strong>
                    ": "
                    {mark}
                    {c.feedback.map(|f| view! { " " {f} })}
                </li>
            }
            .into_any()
        })
        .collect::<Vec<_>>();
    let has_items = !items.is_empty();
    view! {
        <div class=class>
            <p class="verdict-title">
                {if feedback.correct { t(Key::QuizRight)() } else { t(Key::QuizWrong)() }}
            </p>
            {(missed > 0 && has_items).then(|| view! {
                <p>{tf(Key::QuizMissed, vec![("count", missed.to_string())])}</p>
            })}
            {feedback.feedback.map(|text| view! { <p>{text}</p> })}
            {(kind == QuizKind::Form && has_items).then(|| view! { <p>{t(Key::QuizFormErrors)}</p> })}
            {has_items.then(|| view! { <ul class="verdict-choices">{items}</ul> })}
        </div>
    }
}
