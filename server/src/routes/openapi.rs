//! `GET /api/openapi.json`: the OpenAPI 3.1 description of Polku's public
//! and integration endpoints, made from the handlers' annotations and the
//! types they answer with (utoipa), so it cannot drift from them unseen
//! (`tests/openapi.rs` compares it with the router).

use axum::Json;
use axum::response::IntoResponse;
use utoipa::OpenApi;

/// A baked badge image, PNG or SVG, as its bytes.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(
    dead_code,
    reason = "describes a request body; the handler reads bytes"
)]
pub struct BadgeImage(Vec<u8>);

/// The learner's session cookie, for the endpoints of her own data.
struct SessionCookie;

impl utoipa::Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                polku_web::cookies::SESSION_COOKIE,
                "The session of a person signed in to Polku (set at sign-in).",
            ))),
        );
    }
}

/// The description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Polku",
        description = "The public and integration endpoints of a Polku site: checking Open Badges 3.0 credentials, the issuer's DID document and revocation list, search, and a person's own data. Pages and the browser's own server functions are not part of this API.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    paths(
        super::badges::verify,
        super::badges::did_json,
        super::badges::status_list,
        search,
        suggest,
        super::people::export_own,
        super::health::healthz,
        super::observe::readyz,
        openapi_json,
    ),
    modifiers(&SessionCookie),
    tags(
        (name = "badges", description = "Checking badges, and what verifiers read from this issuer"),
        (name = "search", description = "Search across the published course material"),
        (name = "people", description = "A person's own data"),
        (name = "operations", description = "Health and readiness for load balancers and monitoring"),
    )
)]
pub struct ApiDoc;

/// Search published lessons.
///
/// One page of results (10 per page) for `q` in Finnish, Swedish and
/// English with stemming; the reader's `locale` ranks first. Signed-in
/// instructors also find their courses' drafts. The answer's `hits`
/// link to the lessons (`href`) with snippets: `[text, matched]` pairs.
#[utoipa::path(
    get,
    path = "/api/search",
    tag = "search",
    params(
        ("q" = String, Query, description = "What to search for (the first 500 characters count)"),
        ("course" = Option<String>, Query, description = "Only in this course (its slug)"),
        ("lang" = Option<polku_types::Language>, Query, description = "Only lessons in this language"),
        ("page" = Option<usize>, Query, description = "The page, from 0"),
        ("locale" = polku_types::Language, Query, description = "The reader's language, ranked first"),
    ),
    responses(
        (status = 200, description = "A page of results", body = polku_types::search::SearchPage),
    )
)]
#[allow(
    dead_code,
    reason = "describes the server function app::api::search::search"
)]
fn search() {}

/// Suggest lessons while typing.
///
/// Up to six lessons for what is being typed (the last word may be
/// unfinished).
#[utoipa::path(
    get,
    path = "/api/suggest",
    tag = "search",
    params(
        ("q" = String, Query, description = "What has been typed"),
        ("locale" = polku_types::Language, Query, description = "The reader's language, ranked first"),
    ),
    responses(
        (status = 200, description = "Suggestions", body = Vec<polku_types::search::Suggestion>),
    )
)]
#[allow(
    dead_code,
    reason = "describes the server function app::api::search::suggest"
)]
fn suggest() {}

/// This description.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")),
)]
pub async fn openapi_json() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}
