//! The HTTP router: Leptos pages and server functions, static files, and the
//! few plain routes (`/healthz`, `/lang`), wrapped in the security layers.

mod assets;
mod author;
mod badges;
mod health;
mod language;
mod media;
pub mod observe;
pub mod openapi;
mod people;
mod progress;
mod refusals;
mod security;

use std::net::SocketAddr;
use std::time::Duration;

use app::{App, shell};
use axum::Router;
use axum::extract::State;
use axum::routing::{MethodRouter, get, post};
use http::header::{self, HeaderValue};
use leptos::config::LeptosOptions;
use leptos::prelude::{AnyView, IntoAny, provide_context};
use leptos_axum::{LeptosRoutes, generate_route_list, render_app_async_with_context};
use polku_core::authoring::AdminToken;
use polku_core::coaching::StuckRule;
use polku_core::db::DatabaseConnection;
use polku_core::search::SearchIndex;
use polku_web::cookies::SecureCookies;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;

pub use polku_web::AppState;

/// The interface language of a request: cookie, else `Accept-Language`.
pub(crate) fn request_locale(headers: &http::HeaderMap) -> app::i18n::Locale {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    app::i18n::Locale::negotiate(header(header::COOKIE), header(header::ACCEPT_LANGUAGE))
}

/// A plain (non-Leptos) route: its path, its one method and its handler.
/// The router is built from [`plain_routes`], and the authorisation test
/// enumerates the same list.
pub struct PlainRoute {
    /// The path pattern, as axum matches it.
    pub path: &'static str,
    /// The method it answers.
    pub method: http::Method,
    /// The handler (made from `method`, so the two cannot disagree).
    pub handler: MethodRouter<AppState>,
}

fn get_route<H, T>(path: &'static str, handler: H) -> PlainRoute
where
    H: axum::handler::Handler<T, AppState>,
    T: 'static,
{
    PlainRoute {
        path,
        method: http::Method::GET,
        handler: get(handler),
    }
}

fn post_route<H, T>(path: &'static str, handler: H) -> PlainRoute
where
    H: axum::handler::Handler<T, AppState>,
    T: 'static,
{
    PlainRoute {
        path,
        method: http::Method::POST,
        handler: post(handler),
    }
}

/// A route of the public API: readable from any origin (CORS, no
/// credentials; preflights answered).
fn public(route: PlainRoute) -> PlainRoute {
    PlainRoute {
        handler: route.handler.layer(security::public_cors()),
        ..route
    }
}

/// Every plain route, declared once: the router registers exactly these
/// (before the Leptos routes), and tests read the same list.
pub fn plain_routes() -> Vec<PlainRoute> {
    vec![
        get_route("/healthz", health::healthz),
        get_route("/readyz", observe::readyz),
        get_route("/metrics", observe::metrics),
        get_route("/.well-known/did.json", badges::did_json),
        public(post_route("/api/verify", badges::verify)),
        public(get_route("/api/openapi.json", openapi::openapi_json)),
        get_route("/badges/status/1", badges::status_list),
        get_route("/badges/default.png", badges::default_picture),
        get_route("/badges/shared/{token}/qr.svg", badges::share_qr),
        get_route("/badges/{id}/{file}", badges::download),
        post_route("/verify", verify_form_page),
        post_route("/lang", language::set_language),
        post_route("/reading", language::set_reading),
        get_route("/media/{course}/{*path}", media::media),
        get_route(
            "/courses/{course}/{lesson}/audio/{language}",
            media::lesson_audio,
        ),
        get_route("/courses/{course}/offline.json", media::offline_list),
        get_route("/sw.js", media::service_worker),
        post_route("/courses/{course}/{lesson}/answer", progress::answer),
        post_route("/courses/{course}/{lesson}/code", progress::code),
        get_route("/account/export.json", people::export_own),
        get_route("/admin/users/{id}/export.json", people::export_user),
        get_route("/coach/groups/{id}/table.csv", people::group_csv),
        get_route("/appointments/{id}/calendar.ics", people::appointment_ics),
        post_route("/author/login", author::login),
        post_route("/author/logout", author::logout),
        get_route("/author/courses/{course}/export.zip", author::export_zip),
        get_route(
            "/author/courses/{course}/export.imscc",
            author::export_cartridge,
        ),
    ]
}

/// What every Leptos render and server function gets in its context: the
/// one shared state, and the page's nonce.
fn leptos_context(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let state = state.clone();
    move || {
        provide_context(state.clone());
        leptos::nonce::provide_nonce();
    }
}

/// The page shell as Leptos' routes take it. The closure holds the shared
/// state (one reference count), not Leptos' options themselves: axum
/// clones every route's handler for each request, kept pages too, and
/// copying the options' dozen strings there and back cost a tenth of
/// serving a kept page (`perf`, 2026-12-06).
fn shell_of(state: &AppState) -> impl Fn() -> AnyView + Clone + Send + 'static {
    let state = state.clone();
    move || shell(state.leptos_options.clone()).into_any()
}

/// `POST /verify`: the `/verify` form without JavaScript; the page is
/// rendered with the verdict in its context.
async fn verify_form_page(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let context = leptos_context(&state);
    let app_shell = shell_of(&state);
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

/// Request bodies larger than this are refused (413).
const BODY_LIMIT: usize = 256 * 1024;

/// Pages and server functions at work at once. Rendering is CPU work (the
/// database answers in well under a millisecond), so more at once than a
/// few per core only adds memory: under 300 learners at once every
/// render in flight held its page's state (about 200 KiB) while it waited
/// for a core. The others wait in turn before they start.
const RENDERS_AT_ONCE: usize = 32;

/// Builds the whole application router.
pub fn router(
    config: &Config,
    db: DatabaseConnection,
    search: SearchIndex,
    issuer: std::sync::Arc<polku_core::badges::Issuer>,
    federation: polku_web::federation::Federation,
) -> Router {
    router_and_state(config, db, search, issuer, federation).0
}

/// The router of `--metrics-addr`: `/metrics` with no token, nothing else.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(observe::open_metrics))
        .with_state(state)
}

/// As [`router`], with the state its handlers share.
pub fn router_and_state(
    config: &Config,
    db: DatabaseConnection,
    search: SearchIndex,
    issuer: std::sync::Arc<polku_core::badges::Issuer>,
    federation: polku_web::federation::Federation,
) -> (Router, AppState) {
    let pkg_dir = config.site_dir.join("pkg");
    let pkg_version: std::sync::Arc<str> = assets::version(&pkg_dir).into();
    let leptos_options = LeptosOptions::builder()
        .output_name("polku")
        .site_root(config.site_dir.to_string_lossy().into_owned())
        .site_pkg_dir(format!("pkg/{pkg_version}"))
        .site_addr(SocketAddr::new(config.host, config.port))
        .build();
    let admin_token = config.admin_token.as_deref().map(AdminToken::new);
    let stuck_rule = StuckRule {
        idle_days: config.stuck_days,
        failed_attempts: config.stuck_failures,
    };
    let issuing = polku_core::badges::issue::Issuing {
        issuer,
        public_url: config.public_url(),
        issuer_name: config.issuer_name.clone(),
    };
    // Published content and anonymous pages kept in memory; the watch
    // notices changes made by other instances (or `polku import`).
    let content = polku_core::courses::cache::ContentCache::default();
    content.spawn_watch(db.clone());
    // Sessions likewise: ended or changed elsewhere, noticed here.
    let sessions = polku_core::accounts::sessions::SessionCache::default();
    sessions.spawn_watch(db.clone());
    let readers = polku_core::readers::ReaderCache::default();
    readers.spawn_watch(db.clone());
    let state = AppState::new(polku_web::state::Shared {
        leptos_options,
        db,
        admin_token,
        stuck_rule,
        search,
        issuing,
        secure_cookies: SecureCookies(config.https()),
        session_idle: config.session_idle(),
        sessions,
        readers,
        federation,
        verify_limit: polku_web::limits::AddressLimit::new(
            config.verify_burst,
            config.verify_per_minute,
        ),
        content,
        pages: polku_web::pages::PageCache::default(),
        sends_email: config.smtp_url.is_some(),
        code: config.code_checker(),
    });
    let context = leptos_context(&state);
    let app_shell = shell_of(&state);
    let not_found = render_app_async_with_context(context.clone(), app_shell.clone());
    let pkg = Router::new()
        .fallback_service(
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(axum::middleware::from_fn_with_state(
            pkg_version,
            assets::versioned,
        ));

    let mut router = Router::new();
    for route in plain_routes() {
        router = router.route(route.path, route.handler);
    }
    // Pages and server functions share one limit: past it a request waits
    // (in order) before it allocates anything for its render.
    let pages = Router::new()
        .leptos_routes_with_context(&state, generate_route_list(App), context, app_shell)
        .layer(GlobalConcurrencyLimitLayer::new(RENDERS_AT_ONCE));
    let (set_request_id, propagate_request_id) = observe::request_id_layers();
    let router = router
        .merge(pages)
        .nest_service("/pkg", pkg)
        .fallback(not_found)
        // Two stacks, each listed outermost first and applied to each
        // route as one service: axum clones a route's service for every
        // request, and each layer given to the router on its own is a
        // boxed service of its own (an allocation per layer and request).
        // The body limit between them changes the request's body type,
        // which the inner stack's middleware do not take.
        .layer(
            tower::ServiceBuilder::new()
                // First: an anonymous reader's kept page is answered
                // before the layers below, none of which changes it (no
                // session, a safe method, not the API), each a boxed
                // future per request: 5 fewer for most of a site's reads.
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    polku_web::pages::serve,
                ))
                .layer(axum::middleware::from_fn_with_state(
                    polku_web::client::TrustedProxy(config.trusted_proxy),
                    polku_web::client::resolve,
                ))
                .layer(axum::middleware::from_fn(security::no_store_when_signed_in))
                .layer(axum::middleware::from_fn(security::cross_origin_protection))
                .layer(axum::middleware::from_fn(refusals::server_fn_status))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    polku_web::session::resolve,
                ))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    app::kept::serve,
                )),
        )
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(
            tower::ServiceBuilder::new()
                .map_request(observe::sanitize_request_id)
                .layer(set_request_id)
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(observe::span)
                        .on_request(())
                        .on_response(observe::on_response),
                )
                .layer(propagate_request_id)
                .layer(axum::middleware::from_fn(observe::track))
                .map_response(security::headers(config.https()))
                // Video and audio are compressed already (and a player
                // seeks in them by byte ranges of the stored file).
                .layer(
                    CompressionLayer::new().compress_when(
                        DefaultPredicate::new()
                            .and(NotForContentType::const_new("video/"))
                            .and(NotForContentType::const_new("audio/")),
                    ),
                )
                .layer(TimeoutLayer::with_status_code(
                    http::StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(30),
                )),
        )
        .with_state(state.clone());
    (router, state)
}
