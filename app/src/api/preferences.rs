//! The reader's preferences (interface language), kept in a cookie.

use leptos::prelude::*;

use super::AppError;
use crate::i18n::Locale;

/// The `Set-Cookie` value that remembers `locale` for a year.
pub fn language_cookie(locale: Locale) -> String {
    format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
        crate::i18n::LANG_COOKIE,
        locale.code()
    )
}

/// `POST /api/set_language`: remembers the interface language (used by the
/// hydrated language switch; without JavaScript the switch posts to `/lang`).
#[server(prefix = "/api", endpoint = "set_language")]
pub async fn set_language(locale: Locale) -> Result<(), AppError> {
    let response = use_context::<leptos_axum::ResponseOptions>().ok_or(AppError::Internal)?;
    let value =
        http::HeaderValue::from_str(&language_cookie(locale)).map_err(|_| AppError::Internal)?;
    response.append_header(http::header::SET_COOKIE, value);
    Ok(())
}
