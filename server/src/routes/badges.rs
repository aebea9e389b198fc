//! `GET /.well-known/did.json`: the issuer's DID document (`did:web`), with
//! every public key badges were ever signed with.

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use http::header;

use super::AppState;
use super::people::failure;

/// The issuer's DID document.
///
/// `did:web` of the site's public address, with every public key badges
/// were ever signed with (Multikey, Ed25519), so badges signed before a
/// key rotation keep verifying.
#[utoipa::path(
    get,
    path = "/.well-known/did.json",
    tag = "badges",
    responses((status = 200, description = "The DID document", content_type = "application/did+json", body = Object)),
)]
pub async fn did_json(State(state): State<AppState>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/did+json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        Json(state.issuing.issuer.did_document()),
    )
}

/// A badge as it reaches a check.
pub(crate) enum Input {
    /// A file or request body: JSON, or a baked PNG or SVG.
    File(Vec<u8>),
    /// Text pasted into the form (JSON).
    Pasted(String),
}

/// Why a badge was not checked: the client's address is over its rate
/// limit (wait this long), or every check slot stayed taken.
pub(crate) enum NotChecked {
    TooMany(std::time::Duration),
    Busy,
}

impl NotChecked {
    /// 429 or 503, with `Retry-After` in seconds.
    fn status_and_wait(&self) -> (http::StatusCode, u64) {
        match self {
            NotChecked::TooMany(wait) => (http::StatusCode::TOO_MANY_REQUESTS, wait.as_secs()),
            NotChecked::Busy => (
                http::StatusCode::SERVICE_UNAVAILABLE,
                u64::from(app::api::RETRY_AFTER_SECONDS),
            ),
        }
    }

    /// The answer to a script: status, `Retry-After`, and a JSON body
    /// naming the refusal (`too_many_requests` or `busy`).
    fn into_json(self) -> axum::response::Response {
        let (status, wait) = self.status_and_wait();
        let error = match self {
            NotChecked::TooMany(_) => "too_many_requests",
            NotChecked::Busy => "busy",
        };
        (
            status,
            [(header::RETRY_AFTER, wait.to_string())],
            Json(serde_json::json!({ "error": error, "retry_after": wait })),
        )
            .into_response()
    }
}

/// Counts a check for the request's client address against its limit.
fn count_check(state: &AppState, request: &axum::extract::Request) -> Result<(), NotChecked> {
    let address = polku_web::client::of(request.extensions());
    state
        .verify_limit
        .check(address)
        .map_err(NotChecked::TooMany)
}

/// Why [`check_input`] gave no verdict.
pub(crate) enum CheckFailed {
    /// Refused for now (503 when every check slot stayed taken).
    Refused(NotChecked),
    /// Failed inside: the response to give (logged already).
    Internal(axum::response::Response),
}

/// Checks a badge the way an employer's check runs: the credential read
/// out (its chunks or elements only: bounded, no image decoded), anything
/// its issuer publishes fetched first when that issuer is a trusted one,
/// then the check itself under the check gate (at most one per core at
/// once, off the async threads: canonicalisation is CPU work).
pub(crate) async fn check_input(
    state: &AppState,
    input: Input,
) -> Result<polku_core::badges::Verdict, CheckFailed> {
    let failed = |err: &dyn std::fmt::Display| {
        tracing::error!(error = %err, "badge check failed");
        CheckFailed::Internal(http::StatusCode::INTERNAL_SERVER_ERROR.into_response())
    };
    let (bytes, text) = match input {
        Input::Pasted(text) => (Vec::new(), Some(text)),
        Input::File(bytes) => tokio::task::spawn_blocking(move || {
            let text = polku_core::badges::credential_in(&bytes).ok();
            (bytes, text)
        })
        .await
        .map_err(|e| failed(&e))?,
    };
    let known = state
        .known_for(text.as_deref().unwrap_or_default())
        .await
        .map_err(|e| failed(&e))?;
    let checked = polku_core::badges::gate::check(move || {
        let now = chrono::Utc::now();
        match text {
            Some(text) => polku_core::badges::check_badge(&text, &known, now),
            // Says why it is not a badge.
            None => polku_core::badges::check_file(&bytes, &known, now),
        }
    })
    .await;
    match checked {
        Ok(verdict) => {
            let outcome = serde_json::to_value(verdict.outcome).unwrap_or_default();
            super::observe::badge_checked(outcome.as_str().unwrap_or("other"));
            Ok(verdict)
        }
        Err(polku_core::CoreError::Busy) => Err(CheckFailed::Refused(NotChecked::Busy)),
        Err(err) => Err(failed(&err)),
    }
}

/// `GET /badges/status/1`: the signed revocation list
/// (`BitstringStatusListCredential`) every badge of this site names,
/// served as signed at its last change. Verifiers may keep it for a minute.
#[utoipa::path(
    get,
    path = "/badges/status/1",
    tag = "badges",
    responses(
        (status = 200, description = "The signed BitstringStatusListCredential (revocations)", content_type = "application/vc+ld+json", body = Object),
        (status = 500, description = "The list could not be signed"),
    ),
)]
pub async fn status_list(State(state): State<AppState>) -> axum::response::Response {
    let ctx = state.issuing.context();
    match polku_core::badges::revoke::published_list(&state.db, &ctx).await {
        Ok(list) => (
            [
                (header::CONTENT_TYPE, "application/ld+json"),
                (header::CACHE_CONTROL, "public, max-age=60"),
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            ],
            list.to_string(),
        )
            .into_response(),
        Err(err) => {
            tracing::error!(error = %err, "signing the status list failed");
            http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `POST /api/verify`: a badge in the body (its JSON, or a baked PNG or
/// SVG image); the verdict as JSON:
/// `outcome` (`valid`: issued by this site; `valid_trusted`: by an issuer
/// on this site's trust list, named in `issuer_verified`;
/// `issuer_not_verified`: intact signature by `signer`, whom this site
/// cannot vouch for (or whose key it never looks up); `revoked`, `expired`,
/// `not_yet_valid`, `tampered`, `not_a_badge`), every check with its
/// result and detail, and what the badge claims. Bodies over the server's
/// limit get 413. A client address over its rate limit gets 429 and
/// `Retry-After` (before its body is read); when every check slot stays
/// taken, 503 and `Retry-After`.
#[utoipa::path(
    post,
    path = "/api/verify",
    tag = "badges",
    request_body(
        description = "The badge: its JSON (an Open Badges 3.0 credential), or a baked PNG or SVG image",
        content(
            (Object = "application/json"),
            (super::openapi::BadgeImage = "image/png"),
            (super::openapi::BadgeImage = "image/svg+xml"),
        ),
    ),
    responses(
        (status = 200, description = "The verdict", body = polku_core::badges::Verdict),
        (status = 413, description = "The body is over the size limit"),
        (status = 429, description = "Too many checks from this address; try again after Retry-After seconds"),
        (status = 503, description = "Every check slot stayed taken; try again after Retry-After seconds"),
    ),
)]
pub async fn verify(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    if let Err(refused) = count_check(&state, &request) {
        return refused.into_json();
    }
    let body = match axum::body::to_bytes(request.into_body(), usize::MAX).await {
        Ok(body) => body,
        // The body limit layer's refusal, or a broken upload.
        Err(_) => return http::StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    match check_input(&state, Input::File(body.to_vec())).await {
        Ok(verdict) => Json(verdict).into_response(),
        Err(CheckFailed::Refused(refused)) => refused.into_json(),
        Err(CheckFailed::Internal(response)) => response,
    }
}

/// What the verify form sent: the pasted text, and a dropped file if any.
#[derive(Debug, Default)]
pub struct VerifyForm {
    /// The badge as JSON text (the text box).
    pub credential: String,
    /// A badge file (JSON, or a baked PNG or SVG).
    pub file: Option<Vec<u8>>,
    /// The applicant's e-mail address to compare with the badge's holder.
    pub email: String,
}

#[derive(serde::Deserialize)]
struct PlainForm {
    #[serde(default)]
    credential: String,
    #[serde(default)]
    email: String,
}

/// Reads the form, sent as `multipart/form-data` (with a file) or plain.
pub async fn read_form(request: axum::extract::Request) -> Result<VerifyForm, http::StatusCode> {
    use axum::extract::FromRequest as _;
    let multipart = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let axum::Form(plain) = axum::Form::<PlainForm>::from_request(request, &())
            .await
            .map_err(|_| http::StatusCode::BAD_REQUEST)?;
        return Ok(VerifyForm {
            credential: plain.credential,
            file: None,
            email: plain.email,
        });
    }
    let mut parts = axum::extract::Multipart::from_request(request, &())
        .await
        .map_err(|_| http::StatusCode::BAD_REQUEST)?;
    let mut form = VerifyForm::default();
    while let Some(field) = parts
        .next_field()
        .await
        .map_err(|_| http::StatusCode::BAD_REQUEST)?
    {
        match field.name() {
            Some("credential") => {
                form.credential = field
                    .text()
                    .await
                    .map_err(|_| http::StatusCode::BAD_REQUEST)?;
            }
            Some("email") => {
                form.email = field
                    .text()
                    .await
                    .map_err(|_| http::StatusCode::BAD_REQUEST)?;
            }
            Some("badge") => {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| http::StatusCode::PAYLOAD_TOO_LARGE)?;
                if !bytes.is_empty() {
                    form.file = Some(bytes.to_vec());
                }
            }
            _ => {}
        }
    }
    Ok(form)
}

/// Checks a badge posted from the `/verify` form (without JavaScript too)
/// and answers with the `/verify` page showing the verdict, rendered by
/// `render` with the result in its context. Nothing is stored.
pub async fn verify_form<F, Fut>(
    state: AppState,
    render: F,
    request: axum::extract::Request,
) -> axum::response::Response
where
    F: FnOnce(app::api::badges::Submitted, http::Request<axum::body::Body>) -> Fut,
    Fut: std::future::Future<Output = axum::response::Response>,
{
    let headers = request.headers().clone();
    let (submitted, refused) = match count_check(&state, &request).err() {
        Some(refused) => (refusal_view(&refused), Some(refused)),
        None => {
            let form = match read_form(request).await {
                Ok(form) => form,
                Err(status) => return status.into_response(),
            };
            let input = form.credential.clone();
            // At most an address's length; never stored or logged.
            let email: String = form.email.trim().chars().take(254).collect();
            let badge = match form.file {
                Some(bytes) => Input::File(bytes),
                None => Input::Pasted(form.credential),
            };
            match check_input(&state, badge).await {
                Ok(verdict) => {
                    // Only what a verified issuer signed says whose it is.
                    let matched = (!email.is_empty() && verdict.issuer_verified.is_some())
                        .then(|| verdict.claims.issued_to_email(&email))
                        .flatten();
                    let language = super::request_locale(&headers);
                    let mut view = app::api::badges::view_of(verdict, input, language);
                    view.email = email;
                    view.email_match = matched;
                    (view, None)
                }
                Err(CheckFailed::Refused(refused)) => {
                    // What was typed stays in the form.
                    let mut view = refusal_view(&refused);
                    view.input = input;
                    view.email = email;
                    (view, Some(refused))
                }
                Err(CheckFailed::Internal(response)) => return response,
            }
        }
    };
    let submitted = app::api::badges::Submitted(submitted);
    // The page is rendered as for `GET /verify`, with the caller's headers
    // (language, session).
    let mut page = http::Request::get("/verify")
        .body(axum::body::Body::empty())
        .unwrap_or_default();
    for (name, value) in &headers {
        if name != http::header::CONTENT_LENGTH && name != http::header::CONTENT_TYPE {
            page.headers_mut().append(name, value.clone());
        }
    }
    let mut response = render(submitted, page).await;
    if let Some(refused) = refused {
        let (status, wait) = refused.status_and_wait();
        *response.status_mut() = status;
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, http::HeaderValue::from(wait));
    }
    response
}

/// The page's answer when a badge was not checked: the `/verify` page
/// says so in the reader's language (outcome `too_many_requests` or
/// `busy`), with no verdict.
fn refusal_view(refused: &NotChecked) -> app::api::badges::VerifyView {
    let outcome = match refused {
        NotChecked::TooMany(_) => "too_many_requests",
        NotChecked::Busy => "busy",
    };
    app::api::badges::VerifyView {
        outcome: outcome.to_owned(),
        checks: Vec::new(),
        recipient: None,
        issuer_verified: None,
        signer: None,
        status_checked_at: None,
        issuer_name: None,
        issuer_id: None,
        issued: None,
        valid_until: None,
        achievement: None,
        description: None,
        criteria: None,
        alignment: Vec::new(),
        evidence: Vec::new(),
        input: String::new(),
        email: String::new(),
        email_match: None,
    }
}

/// `GET /badges/default.png`: Polku's default badge picture, the
/// achievement image of badges whose course gives none (public: badges
/// name it, and it never changes).
pub async fn default_picture() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        polku_core::badges::picture::default_png(),
    )
}

/// `GET /badges/{id}/{file}`: one of the signed-in person's badges as
/// `badge.png` or `badge.svg` (the picture with the credential baked in) or
/// `badge.json` (the credential). Anyone else's badge: 404.
pub async fn download(
    State(state): State<AppState>,
    axum::extract::Path((id, file)): axum::extract::Path<(i32, String)>,
    polku_web::session::Signed(actor): polku_web::session::Signed,
) -> Result<axum::response::Response, polku_web::WebError> {
    use polku_core::badges::wallet::{BadgeFile, badge_file, my_badge};
    let kind = match file.as_str() {
        "badge.png" => BadgeFile::Png,
        "badge.svg" => BadgeFile::Svg,
        "badge.json" => BadgeFile::Json,
        _ => return Err(polku_core::CoreError::NotFound.into()),
    };
    let badge = my_badge(&state.db, &actor, id).await?;
    let (content_type, name, bytes) = badge_file(&state.db, &badge, kind).await?;
    Ok(super::people::download(content_type, &name, bytes))
}

/// `GET /badges/shared/{token}/qr.svg`: a QR code of a shared badge's
/// public link (404 once its holder stops sharing).
pub async fn share_qr(
    State(state): State<AppState>,
    axum::extract::Path(token): axum::extract::Path<String>,
) -> axum::response::Response {
    if let Err(err) = polku_core::badges::wallet::shared_badge(&state.db, &token).await {
        return failure(err);
    }
    let link = app::api::badges::share_url(&state.issuing.public_url, &token);
    match qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(240, 240)
                .quiet_zone(true)
                .build();
            (
                [
                    (header::CONTENT_TYPE, "image/svg+xml"),
                    (header::CACHE_CONTROL, "private, max-age=300"),
                ],
                svg,
            )
                .into_response()
        }
        Err(err) => failure(polku_core::CoreError::Internal(format!("QR code: {err}"))),
    }
}
