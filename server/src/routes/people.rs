//! Downloads about people, each checked against the session: a person's
//! own data (`GET /account/export.json`), any person's data for an admin
//! (`GET /admin/users/{id}/export.json`), and a group table as CSV for its
//! coach (`GET /coach/groups/{id}/table.csv`), and an appointment's
//! calendar entry for its two people
//! (`GET /appointments/{id}/calendar.ics`).

use app::i18n::{Key, Texts, fill};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::HeaderMap;
use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use polku_core::accounts::Actor;
use polku_core::authz::{Act, GroupId, authorize};
use polku_core::coaching::{self, StuckReason};
use polku_core::{CoreError, privacy};

use polku_web::WebError;
use polku_web::session::Signed;

use super::AppState;

/// A refused or failed request as its HTTP status (details logged).
pub(super) fn failure(err: CoreError) -> Response {
    WebError::from(err).into_response()
}

/// A file to save (never cached).
pub(super) fn download(content_type: &str, name: &str, body: Vec<u8>) -> Response {
    (
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

async fn export(state: &AppState, actor: &Actor, user_id: i32) -> Result<Response, WebError> {
    let data = privacy::export(&state.db, actor, user_id).await?;
    let bytes = serde_json::to_vec_pretty(&data).map_err(|e| CoreError::Internal(e.to_string()))?;
    Ok(download("application/json", "polku-my-data.json", bytes))
}

/// `GET /account/export.json`: everything Polku holds about the signed-in
/// person.
#[utoipa::path(
    get,
    path = "/account/export.json",
    tag = "people",
    security(("session" = [])),
    responses(
        (status = 200, description = "Everything Polku holds about the signed-in person (account, progress, answers, badges, messages, consents), as a download", content_type = "application/json", body = Object),
        (status = 401, description = "Not signed in"),
    ),
)]
pub async fn export_own(
    State(state): State<AppState>,
    Signed(actor): Signed,
) -> Result<Response, WebError> {
    export(&state, &actor, actor.id()).await
}

/// `GET /admin/users/{id}/export.json`: an admin exports a person's data
/// on their request.
pub async fn export_user(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Signed(actor): Signed,
) -> Result<Response, WebError> {
    export(&state, &actor, id).await
}

/// `GET /coach/groups/{id}/table.csv`: the group table for its coach.
pub async fn group_csv(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Signed(actor): Signed,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let locale = super::request_locale(&headers);
    let grant = authorize(&state.db, &actor, Act::CoachGroup, GroupId(id)).await?;
    let table = coaching::group_table(
        &state.db,
        &grant,
        state.stuck_rule,
        locale,
        chrono::Utc::now(),
    )
    .await?;
    let headers = [
        locale.text(Key::CoachColName),
        locale.text(Key::FieldUsername),
        locale.text(Key::CoachColLastActivity),
        locale.text(Key::CoachColQuiz),
        locale.text(Key::CoachColStuck),
    ];
    let stuck = |s: &StuckReason| match s {
        StuckReason::Idle(days) => fill(
            locale.text(Key::CoachStuckIdle),
            &[("days", days.to_string())],
        ),
        StuckReason::FailingQuiz(attempts) => fill(
            locale.text(Key::CoachStuckQuiz),
            &[("count", attempts.to_string())],
        ),
    };
    let place = |p: &polku_core::pathways::PathwayPlace| {
        let milestones = ("milestones", p.milestones.to_string());
        match p.level {
            Some(level) => fill(
                locale.text(Key::CoachPathwayLevel),
                &[
                    ("level", level.to_string()),
                    ("levels", p.levels.to_string()),
                    milestones,
                ],
            ),
            None => fill(locale.text(Key::CoachPathwayDone), &[milestones]),
        }
    };
    let bytes = coaching::table_csv(&table, headers, stuck, place)?;
    Ok(download(
        "text/csv; charset=utf-8",
        &format!("group-{id}.csv"),
        bytes,
    ))
}

/// `GET /appointments/{id}/calendar.ics`: an appointment's calendar entry,
/// for its coach or the learner who booked it.
pub async fn appointment_ics(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Signed(actor): Signed,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    use polku_core::appointments::ics;
    let locale = super::request_locale(&headers);
    let entry = ics::for_party(&state.db, &actor, id).await?;
    let summary = crate::mailer::appointment_summary(locale, &entry, actor.id(), None);
    let text = ics::write(
        &entry,
        &summary,
        &state.issuing.public_url,
        chrono::Utc::now(),
    );
    let method = entry.method.code();
    Ok(download(
        &format!("text/calendar; charset=utf-8; method={method}"),
        &format!("appointment-{id}.ics"),
        text.into_bytes(),
    ))
}
