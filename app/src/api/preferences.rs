//! The reader's preferences (interface language), kept in a cookie (and,
//! signed in, with her account).

use leptos::prelude::*;

use super::AppError;
use crate::i18n::Locale;

/// The `Set-Cookie` value that remembers `locale` for a year.
#[cfg(feature = "ssr")]
pub fn language_cookie(locale: Locale, secure: super::cookies::SecureCookies) -> String {
    secure.set(
        crate::i18n::LANG_COOKIE,
        locale.code(),
        31_536_000,
        super::cookies::SameSite::Lax,
    )
}

/// `POST /api/set_language`: remembers the interface language (for the
/// JSON API's clients; the pages' language switch posts to `/lang`).
#[server(prefix = "/api", endpoint = "set_language", output = crate::api::TextJson)]
pub async fn set_language(locale: Locale) -> Result<(), AppError> {
    if let Some(actor) = super::accounts::session::actor().await? {
        polku_core::accounts::set_language(&super::db()?, &actor, locale).await?;
    }
    let secure = super::cookies::SecureCookies::current();
    super::cookies::append(&language_cookie(locale, secure))
}
