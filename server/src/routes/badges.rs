//! `GET /.well-known/did.json`: the issuer's DID document (`did:web`), with
//! every public key badges were ever signed with.

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use http::header;

use super::AppState;

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

/// `POST /api/verify`: a badge in the body (its JSON, or a baked PNG or
/// SVG image); the verdict as JSON:
/// `outcome` (`valid`, `expired`, `not_yet_valid`, `unknown_issuer`,
/// `tampered`, `not_a_badge`), every check with its result and detail, and
/// what the badge claims. Bodies over the server's limit get 413.
pub async fn verify(
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> axum::response::Response {
    let issuer = state.issuing.issuer.clone();
    let checked = tokio::task::spawn_blocking(move || {
        polku_core::badges::check_file(&body, &issuer, chrono::Utc::now())
    })
    .await;
    match checked {
        Ok(verdict) => Json(verdict).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "badge check failed");
            http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
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
    let issuer = state.issuing.issuer.clone();
    let input = form.credential.clone();
    let verdict = match tokio::task::spawn_blocking(move || {
        let now = chrono::Utc::now();
        match &form.file {
            Some(bytes) => polku_core::badges::check_file(bytes, &issuer, now),
            None => polku_core::badges::check_badge(&form.credential, &issuer, now),
        }
    })
    .await
    {
        Ok(v) => v,
        Err(err) => {
            tracing::error!(error = %err, "badge check failed");
            return http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
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
