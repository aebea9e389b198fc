//! A quiz inside a lesson: a form that works without JavaScript (a GET to
//! the lesson page, which shows the server's feedback) and, hydrated,
//! checks the answer in place without a reload.

use leptos::prelude::*;

use crate::api::{QuizAnswer, QuizFeedback, QuizKind, QuizView};
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
    let choices = answered
        .as_ref()
        .map(|a| a.choices.clone())
        .unwrap_or_default();
    let typed = answered.and_then(|a| a.text).unwrap_or_default();
    let id = format!("quiz-{index}");
    let question_id = format!("{id}-question");
    let labelled_by = question_id.clone();
    let input_type = match quiz.kind {
        QuizKind::Single => "radio",
        _ => "checkbox",
    };
    let instruction = match quiz.kind {
        QuizKind::Single => Key::QuizChooseOne,
        QuizKind::Multiple => Key::QuizChooseAll,
        QuizKind::Text => Key::QuizTypeAnswer,
    };
    let options = quiz.options.clone();
    let fields = match quiz.kind {
        QuizKind::Text => {
            let input_id = format!("{id}-text");
            view! {
                <label for=input_id.clone()>{t(Key::QuizYourAnswer)}</label>
                <input type="text" id=input_id name="text" value=typed autocomplete="off" maxlength="500" />
            }
            .into_any()
        }
        _ => options
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
            .into_any(),
    };
    // Signed in, the form posts (the attempt is recorded, then the server
    // redirects to the verdict); signed out, it is a GET that stores nothing.
    let (method, full_action) = if record {
        ("post", format!("{action}/answer"))
    } else {
        ("get", format!("{action}#{id}"))
    };
    #[cfg(feature = "hydrate")]
    let on_submit = {
        let navigate = leptos_router::hooks::use_navigate();
        let action = action.clone();
        let id = id.clone();
        let locale = crate::i18n::use_locale();
        move |ev: leptos::ev::SubmitEvent| {
            submit_in_place(
                &ev,
                navigate.clone(),
                &action,
                &id,
                record,
                locale.get_untracked(),
            )
        }
    };
    #[cfg(not(feature = "hydrate"))]
    let on_submit = |_: leptos::ev::SubmitEvent| {};
    // Hydrated, the verdict takes the focus so that it is read out at once.
    let verdict_ref = NodeRef::<leptos::html::Div>::new();
    let has_feedback = feedback.is_some();
    Effect::new(move |_| {
        if has_feedback && let Some(el) = verdict_ref.get() {
            let _ = el.focus();
        }
    });
    view! {
        <section class="quiz" id=id.clone() aria-labelledby=labelled_by>
            <form method=method action=full_action on:submit=on_submit data-offline-queue=record.then_some("")>
                <input type="hidden" name="quiz" value=index.to_string() />
                {who.map(|who| view! { <input type="hidden" name="who" value=who.to_string() /> })}
                <fieldset>
                    <legend id=question_id>
                        <span class="quiz-label">{t(Key::QuizLabel)}</span>
                        " "
                        <span class="quiz-question" data-say="block">{quiz.question.clone()}</span>
                    </legend>
                    <p class="quiz-instruction">{t(instruction)}</p>
                    {quiz.hint.clone().map(|hint| view! { <p class="quiz-hint" data-say="block">{hint}</p> })}
                    {fields}
                </fieldset>
                <button type="submit">{t(Key::QuizCheck)}</button>
            </form>
            <div class="quiz-result" role="status" aria-live="polite" tabindex="-1" node_ref=verdict_ref>
                {feedback.map(|f| view! { <Verdict feedback=f options=options.clone() /> })}
            </div>
        </section>
    }
}

#[component]
fn Verdict(feedback: QuizFeedback, options: Vec<String>) -> impl IntoView {
    let class = if feedback.correct {
        "verdict verdict--right"
    } else {
        "verdict verdict--wrong"
    };
    let missed = feedback.missed;
    view! {
        <div class=class>
            <p class="verdict-title">
                {if feedback.correct { t(Key::QuizRight)() } else { t(Key::QuizWrong)() }}
            </p>
            {(missed > 0 && !feedback.choices.is_empty()).then(|| view! {
                <p>{tf(Key::QuizMissed, vec![("count", missed.to_string())])}</p>
            })}
            {feedback.feedback.map(|text| view! { <p>{text}</p> })}
            {(!feedback.choices.is_empty()).then(|| view! {
                <ul class="verdict-choices">
                    {feedback.choices.into_iter().map(|c| {
                        let option = options.get(c.option).cloned().unwrap_or_default();
                        let mark = if c.correct { t(Key::QuizOptionRight) } else { t(Key::QuizOptionWrong) };
                        view! {
                            <li>
                                <strong>{option}</strong>
                                ": "
                                {mark}
                                {c.feedback.map(|f| view! { " " {f} })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
        </div>
    }
}

/// Hydrated: record the answer (signed in), then navigate to
/// `action?answers#id` inside the app (no reload); the lesson page asks the
/// server for the verdict.
#[cfg(feature = "hydrate")]
fn submit_in_place(
    ev: &leptos::ev::SubmitEvent,
    navigate: impl Fn(&str, leptos_router::NavigateOptions) + 'static,
    action: &str,
    id: &str,
    record: bool,
    locale: crate::i18n::Locale,
) {
    use wasm_bindgen::JsCast;
    let Some(form) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
    else {
        return;
    };
    let Ok(data) = web_sys::FormData::new_with_form(&form) else {
        return;
    };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data) else {
        return;
    };
    ev.prevent_default();
    let query: String = params.to_string().into();
    let target = format!("{action}?{query}");
    let id = id.to_owned();
    // `earned`: a badge the answer just earned, announced on the page.
    let go = move |earned: Option<i32>| {
        let earned = earned.map(|e| format!("&earned={e}")).unwrap_or_default();
        navigate(
            &format!("{target}{earned}#{id}"),
            leptos_router::NavigateOptions {
                scroll: false,
                replace: true,
                ..Default::default()
            },
        )
    };
    if !record {
        go(None);
        return;
    }
    let answer = QuizAnswer {
        index: params
            .get("quiz")
            .and_then(|v| v.parse().ok())
            .unwrap_or_default(),
        choices: params
            .get_all("a")
            .iter()
            .filter_map(|v| v.as_string()?.parse().ok())
            .collect(),
        text: params.get("text"),
    };
    let mut parts = action.trim_start_matches("/courses/").splitn(2, '/');
    let course = parts.next().unwrap_or_default().to_owned();
    let lesson = parts.next().unwrap_or_default().to_owned();
    leptos::task::spawn_local(async move {
        let feedback = crate::api::progress::answer_quiz(course, lesson, locale, answer).await;
        go(feedback.ok().and_then(|f| f.earned));
    });
}
