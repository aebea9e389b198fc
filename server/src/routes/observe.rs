//! What an operator sees: an access log line per request with a request
//! id, Prometheus metrics on `/metrics`, and `/readyz`.
//!
//! The access log names the path and the names of query parameters, never
//! their values (a search, an e-mail address), and no headers (cookies).
//! A badge's share token in a path is replaced by the route's `{token}`.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use sea_orm::{EntityTrait, PaginatorTrait};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};

use super::AppState;

/// The request id header: kept when a proxy sent a sound one, else made.
pub const REQUEST_ID: http::HeaderName = http::HeaderName::from_static("x-request-id");

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

/// The process's metrics. Counters count from the start of the process;
/// gauges are read when `/metrics` is asked.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    checks: Family<OutcomeLabels, Counter>,
    pool: Family<PoolLabels, Gauge>,
    search_documents: Gauge,
    search_age: Gauge<f64, std::sync::atomic::AtomicU64>,
    badges_issued: Gauge,
    email_waiting: Gauge,
}

/// The one set of metrics of this process.
pub static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("polku");
    let requests = Family::<RequestLabels, Counter>::default();
    registry.register(
        "http_requests",
        "HTTP requests answered, by method, route and status",
        requests.clone(),
    );
    let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
        // 0.5 ms to about 8 s.
        Histogram::new(exponential_buckets(0.0005, 2.0, 15))
    });
    registry.register(
        "http_request_duration_seconds",
        "Time to the response's head, by method and route",
        latency.clone(),
    );
    let checks = Family::<OutcomeLabels, Counter>::default();
    registry.register(
        "badges_checked",
        "Badges checked (POST /verify, /api/verify), by verdict",
        checks.clone(),
    );
    let pool = Family::<PoolLabels, Gauge>::default();
    registry.register(
        "database_connections",
        "Database pool connections, idle or in use",
        pool.clone(),
    );
    let search_documents = Gauge::default();
    registry.register(
        "search_documents",
        "Documents in the search index",
        search_documents.clone(),
    );
    let search_age = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
    registry.register(
        "search_index_age_seconds",
        "Seconds since the search index was last brought up to date with the database (-1: not yet)",
        search_age.clone(),
    );
    let badges_issued = Gauge::default();
    registry.register(
        "badges_issued",
        "Badges in the database (issued by this site, revoked ones included)",
        badges_issued.clone(),
    );
    let email_waiting = Gauge::default();
    registry.register(
        "email_waiting",
        "Notification e-mails waiting in the outbox",
        email_waiting.clone(),
    );
    Metrics {
        registry,
        requests,
        latency,
        checks,
        pool,
        search_documents,
        search_age,
        badges_issued,
        email_waiting,
    }
});

/// Counts a badge check with its verdict (`valid`, `revoked`, …).
pub fn badge_checked(outcome: &str) {
    METRICS
        .checks
        .get_or_create(&OutcomeLabels {
            outcome: outcome.to_owned(),
        })
        .inc();
}

fn method_label(method: &http::Method) -> String {
    match *method {
        http::Method::GET
        | http::Method::HEAD
        | http::Method::POST
        | http::Method::PUT
        | http::Method::DELETE
        | http::Method::PATCH
        | http::Method::OPTIONS => method.as_str().to_owned(),
        _ => "other".to_owned(),
    }
}

fn route_of(request: &Request) -> String {
    request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned())
}

/// Counts and times every request by its route (the pattern, not the
/// path, so the labels stay few).
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = route_of(&request);
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    METRICS
        .requests
        .get_or_create(&RequestLabels {
            method: method.clone(),
            route: route.clone(),
            status: response.status().as_u16(),
        })
        .inc();
    METRICS
        .latency
        .get_or_create(&RouteLabels { method, route })
        .observe(seconds);
    response
}

/// The path as logged: the query's names without their values, and a
/// route with a secret in its path (a share token) as its pattern.
pub fn logged_path<B>(request: &http::Request<B>) -> String {
    let uri = request.uri();
    let mut path = match request.extensions().get::<MatchedPath>() {
        Some(route) if route.as_str().contains("{token}") => route.as_str().to_owned(),
        _ => uri.path().to_owned(),
    };
    if let Some(query) = uri.query() {
        let names: Vec<&str> = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| pair.split('=').next().unwrap_or_default())
            .collect();
        path.push('?');
        path.push_str(
            &names
                .iter()
                .map(|name| format!("{name}="))
                .collect::<Vec<_>>()
                .join("&"),
        );
    }
    path
}

/// A request id from outside is kept only when it is short and plain
/// (letters, digits, `-`, `_`, `.`): anything else could forge log lines.
pub fn sanitize_request_id<B>(mut request: http::Request<B>) -> http::Request<B> {
    let sound = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|id| {
            (1..=64).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        });
    if !sound {
        request.headers_mut().remove(&REQUEST_ID);
    }
    request
}

/// The access log's span of a request (method, path as logged, request
/// id): every line logged while it is served carries them.
pub fn span<B>(request: &http::Request<B>) -> tracing::Span {
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        target: "polku::access",
        "request",
        method = %request.method(),
        path = %logged_path(request),
        id = %id,
    )
}

/// The access log's line: one at INFO per response, with its status and
/// the time to its head.
pub fn on_response<B>(response: &http::Response<B>, latency: Duration, _: &tracing::Span) {
    tracing::info!(
        target: "polku::access",
        status = response.status().as_u16(),
        ms = (latency.as_secs_f64() * 10_000.0).round() / 10.0,
        "served"
    );
}

/// The request ids this process makes: a random prefix drawn at start
/// (so that ids of two processes or two runs do not meet) and a count,
/// `4f1c9a0e2b7d6385-1a2b`. A UUID per request cost a `getrandom` system
/// call each; an id only has to tell requests apart in the log.
#[derive(Clone, Copy, Debug)]
pub struct RequestIds;

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &http::Request<B>) -> Option<RequestId> {
        static PREFIX: LazyLock<String> = LazyLock::new(|| {
            let mut bytes = [0u8; 8];
            if getrandom::fill(&mut bytes).is_err() {
                // No system randomness: the start time tells runs apart.
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default();
                bytes = (now.as_nanos() as u64).to_le_bytes();
            }
            bytes.iter().map(|b| format!("{b:02x}")).collect()
        });
        static COUNT: AtomicU64 = AtomicU64::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        HeaderValue::try_from(format!("{}-{n:x}", *PREFIX))
            .ok()
            .map(RequestId::new)
    }
}

/// Sets a request id on each request (kept from a sound incoming one) and
/// returns it in the response's `X-Request-Id`.
pub fn request_id_layers() -> (SetRequestIdLayer<RequestIds>, PropagateRequestIdLayer) {
    (
        SetRequestIdLayer::new(REQUEST_ID, RequestIds),
        PropagateRequestIdLayer::new(REQUEST_ID),
    )
}

/// Reads the gauges and writes every metric in Prometheus' text format.
async fn render(state: &AppState) -> Response {
    let db = &state.db;
    let (size, idle) = pool_sizes(db);
    METRICS
        .pool
        .get_or_create(&PoolLabels { state: "idle" })
        .set(idle);
    METRICS
        .pool
        .get_or_create(&PoolLabels { state: "in_use" })
        .set(size - idle);
    METRICS
        .search_documents
        .set(i64::try_from(state.search.documents()).unwrap_or(i64::MAX));
    METRICS.search_age.set(
        state
            .search
            .since_sync()
            .map_or(-1.0, |age| age.as_secs_f64()),
    );
    if let Ok(count) = polku_core::db::entities::badge_awards::Entity::find()
        .count(db)
        .await
    {
        METRICS
            .badges_issued
            .set(i64::try_from(count).unwrap_or(i64::MAX));
    }
    if let Ok(waiting) = polku_core::notifications::waiting(db).await {
        METRICS
            .email_waiting
            .set(i64::try_from(waiting).unwrap_or(i64::MAX));
    }
    let mut text = String::new();
    if prometheus_client::encoding::text::encode(&mut text, &METRICS.registry).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        )],
        text,
    )
        .into_response()
}

/// The database pool's connections: (open, idle).
fn pool_sizes(db: &polku_core::db::DatabaseConnection) -> (i64, i64) {
    match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (i64::from(pool.size()), pool.num_idle() as i64)
        }
        sea_orm::DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (i64::from(pool.size()), pool.num_idle() as i64)
        }
        _ => (0, 0),
    }
}

/// `GET /metrics` on the site's own address: only with the admin token
/// (`Authorization: Bearer <token>`); without one configured, there is no
/// such page (use `--metrics-addr`).
pub async fn metrics(State(state): State<AppState>, headers: http::HeaderMap) -> Response {
    let Some(token) = &state.admin_token else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if !given.is_some_and(|t| token.matches(t)) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response();
    }
    render(&state).await
}

/// `GET /metrics` on `--metrics-addr`, a separate address only the
/// operator's monitoring reaches: no token.
pub async fn open_metrics(State(state): State<AppState>) -> Response {
    render(&state).await
}

#[derive(serde::Serialize)]
struct Check {
    ok: bool,
    detail: String,
}

/// `GET /readyz`: whether this instance can serve: the database answers,
/// the search index has been brought up to date in the last minutes, the
/// issuer key file is there, private and holds the key in use. 200 with
/// every check as JSON, else 503 with the same.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "Ready: every part is ok (`database`, `search_index`, `issuer_keys`, each with `ok` and `detail`)", body = Object),
        (status = 503, description = "Not ready: the same report, saying which part is not ok", body = Object),
    ),
)]
pub async fn readyz(State(state): State<AppState>) -> Response {
    // The details (paths, errors) go to the log, not to the public.
    let database = match state.db.ping().await {
        Ok(()) => Check {
            ok: true,
            detail: "answers".into(),
        },
        Err(err) => {
            tracing::warn!("not ready: the database does not answer: {err}");
            Check {
                ok: false,
                detail: "does not answer".into(),
            }
        }
    };
    let search = match state.search.since_sync() {
        Some(age) if age <= SEARCH_STALE => Check {
            ok: true,
            detail: format!(
                "{} documents, updated {} s ago",
                state.search.documents(),
                age.as_secs()
            ),
        },
        Some(age) => Check {
            ok: false,
            detail: format!("not updated for {} s", age.as_secs()),
        },
        None => Check {
            ok: false,
            detail: "not filled from the database yet".into(),
        },
    };
    let keyring = &state.issuing.issuer.keyring;
    let keys = match keyring.check_file() {
        Ok(()) => Check {
            ok: true,
            detail: "the key file holds the key in use".into(),
        },
        Err(err) => {
            tracing::warn!("not ready: issuer keys: {err}");
            let detail = match err {
                polku_core::badges::KeyringError::Io { source, .. }
                    if source.kind() == std::io::ErrorKind::NotFound =>
                {
                    "the key file is missing"
                }
                polku_core::badges::KeyringError::Exposed { .. } => {
                    "the key file is readable by others"
                }
                polku_core::badges::KeyringError::Invalid { .. } => {
                    "the key file does not hold the key in use"
                }
                _ => "the key file cannot be read",
            };
            Check {
                ok: false,
                detail: detail.into(),
            }
        }
    };
    let ready = database.ok && search.ok && keys.ok;
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    if !ready {
        tracing::warn!(
            "not ready: database {}, search index {}, issuer keys {}",
            database.detail,
            search.detail,
            keys.detail
        );
    }
    (
        status,
        axum::Json(serde_json::json!({
            "ready": ready,
            "database": database,
            "search_index": search,
            "issuer_keys": keys,
        })),
    )
        .into_response()
}

/// A search index not updated for this long is not ready (it is synced
/// every few seconds).
const SEARCH_STALE: Duration = Duration::from_secs(300);
