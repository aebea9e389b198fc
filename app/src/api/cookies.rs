//! Cookies in server functions: built by the web layer
//! ([`polku_web::cookies`]), added to the server function's response here.

pub use polku_web::cookies::{
    HOST_SESSION_COOKIE, SESSION_COOKIE, SameSite, SecureCookies, session_token,
};

use super::AppError;

/// Adds a `Set-Cookie` header (from [`SecureCookies::set`] or
/// [`SecureCookies::remove`]) to the server function's response.
pub fn append(value: &str) -> Result<(), AppError> {
    let response =
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>().ok_or(AppError::Internal)?;
    let value = http::HeaderValue::from_str(value).map_err(|_| AppError::Internal)?;
    response.append_header(http::header::SET_COOKIE, value);
    Ok(())
}
