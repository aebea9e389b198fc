//! The HTTP router: Leptos pages and server functions, static files, and the
//! few plain routes (`/healthz`, `/lang`), wrapped in the security layers.

mod author;
mod badges;
pub mod client;
mod health;
mod language;
mod media;
mod people;
mod progress;
mod security;

use std::net::SocketAddr;
use std::time::Duration;

use app::api::cookies::SecureCookies;
use app::{App, shell};
use axum::Router;
use axum::extract::FromRef;
use axum::routing::{get, post};
use http::header::{self, HeaderValue};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list, render_app_async_with_context};
use polku_core::authoring::AdminToken;
use polku_core::coaching::StuckRule;
use polku_core::db::DatabaseConnection;
use polku_core::search::SearchIndex;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;

/// Shared state of every handler.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Leptos' site settings.
    pub leptos_options: LeptosOptions,
    /// The database.
    pub db: DatabaseConnection,
    /// The admin token, when authoring is on.
    pub admin_token: Option<AdminToken>,
    /// When a learner counts as stuck.
    pub stuck_rule: StuckRule,
    /// The search index.
    pub search: SearchIndex,
    /// The deployment as a badge issuer (its identity and keys), and what
    /// issuing after progress needs.
    pub issuing: polku_core::badges::award::Issuing,
    /// Whether cookies are `Secure` (the site is served over HTTPS).
    pub secure_cookies: SecureCookies,
    /// After how many unused days a session ends.
    pub session_idle: polku_core::accounts::SessionIdle,
}

/// The interface language of a request: cookie, else `Accept-Language`.
pub(crate) fn request_locale(headers: &http::HeaderMap) -> app::i18n::Locale {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    app::i18n::Locale::negotiate(header(header::COOKIE), header(header::ACCEPT_LANGUAGE))
}

/// The person signed in on this request, if any (the plain routes' twin of
/// the server functions' `session::actor`).
pub(crate) async fn request_actor(
    state: &AppState,
    headers: &http::HeaderMap,
) -> Result<Option<polku_core::accounts::Actor>, polku_core::CoreError> {
    match app::api::cookies::session_token(headers) {
        Some(token) => {
            polku_core::accounts::authenticate(&state.db, &token, state.session_idle).await
        }
        None => Ok(None),
    }
}

/// Request bodies larger than this are refused (413).
const BODY_LIMIT: usize = 256 * 1024;

/// Builds the whole application router.
pub fn router(
    config: &Config,
    db: DatabaseConnection,
    search: SearchIndex,
    issuer: std::sync::Arc<polku_core::badges::Issuer>,
) -> Router {
    let leptos_options = LeptosOptions::builder()
        .output_name("polku")
        .site_root(config.site_dir.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(SocketAddr::new(config.host, config.port))
        .build();
    let admin_token = config.admin_token.as_deref().map(AdminToken::new);
    let stuck_rule = StuckRule {
        idle_days: config.stuck_days,
        failed_attempts: config.stuck_failures,
    };
    let issuing = polku_core::badges::award::Issuing {
        issuer,
        public_url: config.public_url(),
        issuer_name: config.issuer_name.clone(),
    };
    let state = AppState {
        leptos_options: leptos_options.clone(),
        db: db.clone(),
        admin_token: admin_token.clone(),
        stuck_rule,
        search: search.clone(),
        issuing: issuing.clone(),
        secure_cookies: SecureCookies(config.https()),
        session_idle: config.session_idle(),
    };
    let secure_cookies = state.secure_cookies;
    let session_idle = state.session_idle;
    let context = move || {
        provide_context(db.clone());
        provide_context(secure_cookies);
        provide_context(stuck_rule);
        provide_context(session_idle);
        provide_context(search.clone());
        provide_context(issuing.clone());
        if let Some(token) = &admin_token {
            provide_context(token.clone());
        }
        leptos::nonce::provide_nonce();
    };
    let app_shell = {
        let options = leptos_options.clone();
        move || shell(options.clone())
    };
    let not_found = render_app_async_with_context(context.clone(), app_shell.clone());
    let verify_form = {
        let (context, app_shell, state) = (context.clone(), app_shell.clone(), state.clone());
        move |request: axum::extract::Request| {
            let (context, app_shell, state) = (context.clone(), app_shell.clone(), state.clone());
            async move {
                let render = move |submitted: app::api::badges::Submitted, request| {
                    let page = render_app_async_with_context(
                        move || {
                            context();
                            provide_context(submitted.clone());
                        },
                        app_shell,
                    );
                    async move { axum::response::IntoResponse::into_response(page(request).await) }
                };
                badges::verify_form(state, render, request).await
            }
        }
    };
    let pkg = ServeDir::new(config.site_dir.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/.well-known/did.json", get(badges::did_json))
        .route("/api/verify", post(badges::verify))
        .route("/badges/status/1", get(badges::status_list))
        .route("/badges/shared/{token}/qr.svg", get(badges::share_qr))
        .route("/badges/{id}/{file}", get(badges::download))
        .route("/verify", post(verify_form))
        .route("/lang", post(language::set_language))
        .route("/media/{course}/{*path}", get(media::media))
        .route("/courses/{course}/{lesson}/answer", post(progress::answer))
        .route("/account/export.json", get(people::export_own))
        .route("/admin/users/{id}/export.json", get(people::export_user))
        .route("/coach/groups/{id}/table.csv", get(people::group_csv))
        .route("/author/login", post(author::login))
        .route("/author/logout", post(author::logout))
        .route(
            "/author/courses/{course}/export.zip",
            get(author::export_zip),
        )
        .leptos_routes_with_context(&state, generate_route_list(App), context, app_shell)
        .nest_service(
            "/pkg",
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=3600"),
                ))
                .service(pkg),
        )
        .fallback(not_found)
        .layer(axum::middleware::from_fn(security::cross_origin_protection))
        .layer(axum::middleware::from_fn(security::no_store_when_signed_in))
        .layer(axum::middleware::from_fn_with_state(
            client::TrustedProxy(config.trusted_proxy),
            client::resolve,
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CompressionLayer::new())
        .layer(security::headers())
        .layer(security::hsts(config.https()))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
