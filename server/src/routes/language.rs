//! `POST /lang`: the language switch without JavaScript. Sets the language
//! cookie (and, signed in, the account's language) and redirects back to
//! the page the form was on. `POST /reading`: the reading settings, kept
//! in their cookie the same way.

use app::api::preferences::language_cookie;
use app::i18n::Locale;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use http::header::SET_COOKIE;
use polku_web::session::MaybeSigned;
use serde::Deserialize;

/// The language switch form.
#[derive(Deserialize)]
pub struct LanguageForm {
    /// `fi`, `sv` or `en`.
    lang: String,
    /// Where to go back to: a path on this site.
    #[serde(default)]
    next: String,
}

fn safe_next(next: &str) -> &str {
    app::api::safe_next(next, "/")
}

/// `POST /lang`
pub async fn set_language(
    State(state): State<super::AppState>,
    MaybeSigned(actor): MaybeSigned,
    Form(form): Form<LanguageForm>,
) -> Response {
    let redirect = Redirect::to(safe_next(&form.next));
    match Locale::from_code(&form.lang) {
        Some(locale) => {
            if let Some(actor) = actor
                && let Err(err) =
                    polku_core::accounts::set_language(&state.db, &actor, locale).await
            {
                return polku_web::WebError::from(err).into_response();
            }
            let cookie = language_cookie(locale, state.secure_cookies);
            ([(SET_COOKIE, cookie)], redirect).into_response()
        }
        None => redirect.into_response(),
    }
}

/// The reading settings form: each field one of its choices' names.
#[derive(Deserialize)]
pub struct ReadingForm {
    #[serde(default)]
    size: String,
    #[serde(default)]
    spacing: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    font: String,
    /// Where to go back to: a path on this site.
    #[serde(default)]
    next: String,
}

/// `POST /reading`: keeps the reading settings for a year (what the form
/// does not name, or names wrongly, is the default) and goes back.
pub async fn set_reading(
    State(state): State<super::AppState>,
    Form(form): Form<ReadingForm>,
) -> Response {
    let settings = polku_types::reading::ReadingSettings::from_cookie(
        &[form.size, form.spacing, form.theme, form.font].join("."),
    );
    let cookie = state.secure_cookies.set(
        polku_types::reading::READING_COOKIE,
        &settings.to_cookie(),
        31_536_000,
        polku_web::cookies::SameSite::Lax,
    );
    ([(SET_COOKIE, cookie)], Redirect::to(safe_next(&form.next))).into_response()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn redirects_stay_on_the_site() {
        assert_eq!(safe_next("/courses/x?y=1"), "/courses/x?y=1");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next(""), "/");
    }
}
