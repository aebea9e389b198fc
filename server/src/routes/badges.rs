//! `GET /.well-known/did.json`: the issuer's DID document (`did:web`), with
//! every public key badges were ever signed with.

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use http::header;

use super::AppState;
use super::people::failure;

/// `GET /.well-known/did.json`
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

/// Checks a badge the way an employer's check runs: the credential read
/// out, anything its issuer publishes fetched first when that issuer is a
/// trusted one, then the check itself (off the async threads:
/// canonicalisation is CPU work).
pub(crate) async fn check_input(
    state: &AppState,
    input: Input,
) -> Result<polku_core::badges::Verdict, axum::response::Response> {
    let failed = |err: &dyn std::fmt::Display| {
        tracing::error!(error = %err, "badge check failed");
        http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
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
    tokio::task::spawn_blocking(move || {
        let now = chrono::Utc::now();
        match text {
            Some(text) => polku_core::badges::check_badge(&text, &known, now),
            // Says why it is not a badge.
            None => polku_core::badges::check_file(&bytes, &known, now),
        }
    })
    .await
    .map_err(|e| failed(&e))
}

/// `GET /badges/status/1`: the signed revocation list
/// (`BitstringStatusListCredential`) every badge of this site names.
/// Verifiers may keep it for a minute.
pub async fn status_list(State(state): State<AppState>) -> axum::response::Response {
    let ctx = state.issuing.context();
    match polku_core::badges::revoke::signed_list(&state.db, &ctx, chrono::Utc::now()).await {
        Ok(list) => (
            [
                (header::CONTENT_TYPE, "application/ld+json"),
                (header::CACHE_CONTROL, "public, max-age=60"),
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            ],
            Json(list),
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
/// result and detail, and what the badge claims. Bodies over the server's limit get 413.
pub async fn verify(
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> axum::response::Response {
    match check_input(&state, Input::File(body.to_vec())).await {
        Ok(verdict) => Json(verdict).into_response(),
        Err(response) => response,
    }
}

/// What the verify form sent: the pasted text, and a dropped file if any.
#[derive(Debug, Default)]
pub struct VerifyForm {
    /// The badge as JSON text (the text box).
    pub credential: String,
    /// A badge file (JSON, or a baked PNG or SVG).
    pub file: Option<Vec<u8>>,
}

#[derive(serde::Deserialize)]
struct PlainForm {
    #[serde(default)]
    credential: String,
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
    let form = match read_form(request).await {
        Ok(form) => form,
        Err(status) => return status.into_response(),
    };
    let input = form.credential.clone();
    let badge = match form.file {
        Some(bytes) => Input::File(bytes),
        None => Input::Pasted(form.credential),
    };
    let verdict = match check_input(&state, badge).await {
        Ok(verdict) => verdict,
        Err(response) => return response,
    };
    let submitted = app::api::badges::Submitted(app::api::badges::view_of(verdict, input));
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
    render(submitted, page).await
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
        polku_core::badges::award::default_png(),
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
    use polku_core::badges::award::{BadgeFile, badge_file, my_badge};
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
    if let Err(err) = polku_core::badges::award::shared_badge(&state.db, &token).await {
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
