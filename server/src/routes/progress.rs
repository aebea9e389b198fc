//! `POST /courses/{course}/{lesson}/answer`: a signed-in learner's answer
//! to a quiz or exercise sent without JavaScript. The attempt is recorded, then the
//! browser goes to the lesson with the answer in the query, where the
//! verdict is shown (a GET that records nothing, so reloading it is safe).

use app::api::{QuizAnswer, quiz_id, verdict_id};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::HeaderMap;
use polku_core::{CoreError, progress};
use polku_types::courses::{MOST_CHOICES, MOST_CODE, MOST_TYPED, NOT_CHOSEN, choice_value};

use super::AppState;
use polku_web::session::MaybeSigned;

/// Who sent an answer kept offline: its key (recorded once) and the
/// account the page named (`who`).
#[derive(Default)]
struct Sender {
    key: Option<String>,
    who: Option<i32>,
}

/// The answer in a form body: `quiz=N`, `a=i` (repeated; left empty by a
/// select not chosen), `text=…`, `t=…` (a form exercise's fields, in
/// order), and `key=…`, `who=…` when the browser kept it offline and sends
/// it now.
fn parse(body: &[u8]) -> Option<(QuizAnswer, Sender)> {
    let mut index = None;
    let mut choices = Vec::new();
    let mut text = None;
    let mut texts = Vec::new();
    let mut sender = Sender::default();
    for (key, value) in form_urlencoded::parse(body) {
        match key.as_ref() {
            "quiz" => index = value.parse().ok(),
            "a" if choices.len() < MOST_CHOICES => choices.push(choice_value(&value)),
            "text" => text = Some(value.chars().take(MOST_TYPED).collect::<String>()),
            "t" if texts.len() < MOST_CHOICES => {
                texts.push(value.chars().take(MOST_TYPED).collect::<String>());
            }
            "key" => sender.key = Some(value.chars().take(64).collect::<String>()),
            "who" => sender.who = value.parse().ok(),
            _ => {}
        }
    }
    Some((
        QuizAnswer {
            index: index?,
            choices,
            text,
            texts,
        },
        sender,
    ))
}

fn verdict_url(course: &str, lesson: &str, answer: &QuizAnswer, earned: Option<i32>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("quiz", &answer.index.to_string());
    for &choice in &answer.choices {
        let value = if choice == NOT_CHOSEN {
            String::new()
        } else {
            choice.to_string()
        };
        query.append_pair("a", &value);
    }
    if let Some(text) = &answer.text {
        query.append_pair("text", text);
    }
    for text in &answer.texts {
        query.append_pair("t", text);
    }
    if let Some(badge) = earned {
        query.append_pair("earned", &badge.to_string());
    }
    format!(
        "/courses/{course}/{lesson}?{}#{}",
        query.finish(),
        verdict_id(answer.index)
    )
}

/// `POST /courses/{course}/{lesson}/answer`
pub async fn answer(
    State(state): State<AppState>,
    Path((course, lesson)): Path<(String, String)>,
    MaybeSigned(actor): MaybeSigned,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some((answer, sender)) = parse(&body) else {
        return Redirect::to(&format!("/courses/{course}/{lesson}")).into_response();
    };
    let language = super::request_locale(&headers);
    // A badge the answer earned, announced on the lesson page.
    let mut earned = None;
    let recorded = match actor {
        // A form of a signed-in learner's page, sent signed out (kept
        // offline, or the session ended): refused, so a browser that kept
        // it offline keeps it until she signs in again.
        None if sender.who.is_some() => {
            return http::StatusCode::UNAUTHORIZED.into_response();
        }
        // Signed out: shown, not recorded.
        None => Ok(()),
        // Kept offline for another learner on a shared device: not hers.
        Some(actor) if sender.who.is_some_and(|who| who != actor.id()) => {
            return http::StatusCode::FORBIDDEN.into_response();
        }
        Some(actor) => {
            let given = polku_core::content::quiz::Answer::from_wire(&answer);
            progress::answer(
                &state.db,
                &state.issuing.context(),
                &actor,
                &course,
                &lesson,
                language,
                answer.index,
                &given,
                sender.key.as_deref(),
            )
            .await
            .map(|feedback| earned = feedback.earned)
        }
    };
    match recorded {
        Ok(()) => Redirect::to(&verdict_url(&course, &lesson, &answer, earned)).into_response(),
        Err(CoreError::NotFound) => {
            Redirect::to(&format!("/courses/{course}/{lesson}")).into_response()
        }
        Err(err) => {
            tracing::error!(error = %err, "recording a quiz answer failed");
            http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `POST /courses/{course}/{lesson}/code` (form `quiz=N`, `code=…`,
/// `who=…`): a signed-in learner sends her program for a Python exercise.
/// The server runs it against the exercise's tests in its sandbox,
/// records the attempt and keeps the program with its verdict, then the
/// browser goes back to the exercise, where both are shown. Signed out
/// (the page offers no button then: her session ended): 401, nothing is
/// run for someone unknown.
pub async fn code(
    State(state): State<AppState>,
    Path((course, lesson)): Path<(String, String)>,
    MaybeSigned(actor): MaybeSigned,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lesson_url = format!("/courses/{course}/{lesson}");
    let mut index = None;
    let mut program = String::new();
    let mut who = None;
    for (key, value) in form_urlencoded::parse(&body) {
        match key.as_ref() {
            "quiz" => index = value.parse::<usize>().ok(),
            "code" => program = value.chars().take(MOST_CODE).collect(),
            "who" => who = value.parse::<i32>().ok(),
            _ => {}
        }
    }
    let Some(index) = index else {
        return Redirect::to(&lesson_url).into_response();
    };
    let Some(actor) = actor else {
        return http::StatusCode::UNAUTHORIZED.into_response();
    };
    if who.is_some_and(|who| who != actor.id()) {
        return http::StatusCode::FORBIDDEN.into_response();
    }
    let language = super::request_locale(&headers);
    let exercise = match polku_core::courses::code_exercise(
        &state.db, &course, &lesson, language, index,
    )
    .await
    {
        Ok(exercise) => exercise,
        Err(CoreError::NotFound) => return Redirect::to(&lesson_url).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "finding a Python exercise failed");
            return http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let verdict = match state.code.check(actor.id(), &exercise, &program).await {
        Ok(verdict) => verdict,
        Err(polku_web::code::CheckError::Busy) => {
            return Redirect::to(&format!("{lesson_url}?checking={index}#{}", quiz_id(index)))
                .into_response();
        }
        Err(polku_web::code::CheckError::Off) => {
            return Redirect::to(&format!(
                "{lesson_url}?unchecked={index}#{}",
                quiz_id(index)
            ))
            .into_response();
        }
    };
    let recorded = progress::record_code(
        &state.db,
        &state.issuing.context(),
        &actor,
        &course,
        &lesson,
        index,
        &program,
        verdict,
    )
    .await;
    match recorded {
        Ok(verdict) => {
            let earned = verdict
                .earned
                .map(|id| format!("?earned={id}"))
                .unwrap_or_default();
            Redirect::to(&format!("{lesson_url}{earned}#{}", verdict_id(index))).into_response()
        }
        Err(err) => {
            tracing::error!(error = %err, "recording a program's verdict failed");
            http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
