//! Downloads about people, each checked against the session: a person's
//! own data (`GET /account/export.json`), any person's data for an admin
//! (`GET /admin/users/{id}/export.json`), and a group table as CSV for its
//! coach (`GET /coach/groups/{id}/table.csv`).

use app::i18n::{Key, fill};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use http::{HeaderMap, StatusCode};
use polku_core::accounts::Actor;
use polku_core::authz::{Act, GroupId, authorize};
use polku_core::coaching::{self, Stuck};
use polku_core::{CoreError, privacy};

use super::AppState;

async fn actor(state: &AppState, headers: &HeaderMap) -> Result<Actor, Response> {
    match super::request_actor(state, headers).await {
        Ok(Some(actor)) => Ok(actor),
        Ok(None) => Err(StatusCode::UNAUTHORIZED.into_response()),
        Err(err) => Err(failure(err)),
    }
}

/// A refused or failed request as its HTTP status (details logged).
pub(super) fn failure(err: CoreError) -> Response {
    match err {
        CoreError::NotFound => StatusCode::NOT_FOUND.into_response(),
        CoreError::Forbidden => StatusCode::FORBIDDEN.into_response(),
        CoreError::Unauthenticated => StatusCode::UNAUTHORIZED.into_response(),
        other => {
            tracing::error!(error = %other, "request failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
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

async fn export(state: &AppState, actor: &Actor, user_id: i32) -> Response {
    match privacy::export(&state.db, actor, user_id).await {
        Ok(data) => match serde_json::to_vec_pretty(&data) {
            Ok(bytes) => download("application/json", "polku-my-data.json", bytes),
            Err(err) => failure(CoreError::Internal(err.to_string())),
        },
        Err(err) => failure(err),
    }
}

/// `GET /account/export.json`: everything Polku holds about the signed-in
/// person.
pub async fn export_own(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match actor(&state, &headers).await {
        Ok(actor) => export(&state, &actor, actor.id()).await,
        Err(response) => response,
    }
}

/// `GET /admin/users/{id}/export.json`: an admin exports a person's data
/// on their request.
pub async fn export_user(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    headers: HeaderMap,
) -> Response {
    match actor(&state, &headers).await {
        Ok(actor) => export(&state, &actor, id).await,
        Err(response) => response,
    }
}

/// `GET /coach/groups/{id}/table.csv`: the group table for its coach.
pub async fn group_csv(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    headers: HeaderMap,
) -> Response {
    let actor = match actor(&state, &headers).await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let locale = super::request_locale(&headers);
    let language = app::api::courses::convert::language(locale);
    let grant = match authorize(&state.db, &actor, Act::CoachGroup, GroupId(id)).await {
        Ok(grant) => grant,
        Err(err) => return failure(err),
    };
    let table = match coaching::group_table(
        &state.db,
        &grant,
        state.stuck_rule,
        language,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(table) => table,
        Err(err) => return failure(err),
    };
    let headers = [
        locale.text(Key::CoachColName),
        locale.text(Key::FieldUsername),
        locale.text(Key::CoachColLastActivity),
        locale.text(Key::CoachColQuiz),
        locale.text(Key::CoachColStuck),
    ];
    let stuck = |s: &Stuck| match s {
        Stuck::Idle { days } => fill(
            locale.text(Key::CoachStuckIdle),
            &[("days", days.to_string())],
        ),
        Stuck::FailingQuiz { attempts } => fill(
            locale.text(Key::CoachStuckQuiz),
            &[("count", attempts.to_string())],
        ),
    };
    match coaching::table_csv(&table, headers, stuck) {
        Ok(bytes) => download("text/csv; charset=utf-8", &format!("group-{id}.csv"), bytes),
        Err(err) => failure(err),
    }
}
