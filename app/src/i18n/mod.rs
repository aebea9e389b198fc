//! Interface languages and their texts (`fi.json`, `sv.json`, `en.json`).
//!
//! Every visible text of the UI comes from these files through [`t`].
//! The build (see `build.rs`) refuses a key missing in any language.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

include!(concat!(env!("OUT_DIR"), "/i18n.rs"));

/// Name of the cookie that remembers the interface language.
pub const LANG_COOKIE: &str = "polku_lang";

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Locale {
    /// Finnish (the default).
    #[default]
    #[serde(rename = "fi")]
    Fi,
    /// Swedish.
    #[serde(rename = "sv")]
    Sv,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Locale {
    /// Every locale, in the order the switch shows them.
    pub const ALL: [Locale; 3] = [Locale::Fi, Locale::Sv, Locale::En];

    /// BCP 47 code.
    pub fn code(self) -> &'static str {
        match self {
            Locale::Fi => "fi",
            Locale::Sv => "sv",
            Locale::En => "en",
        }
    }

    /// Parses a code such as `fi` or `sv-FI`.
    pub fn from_code(code: &str) -> Option<Locale> {
        let primary = code
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "fi" => Some(Locale::Fi),
            "sv" => Some(Locale::Sv),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The language's name in itself, for the language switch.
    pub fn endonym(self) -> &'static str {
        self.text(Key::LanguageName)
    }

    /// The text for `key` in this language.
    pub fn text(self, key: Key) -> &'static str {
        let table = match self {
            Locale::Fi => &FI,
            Locale::Sv => &SV,
            Locale::En => &EN,
        };
        table[key as usize]
    }

    /// Chooses a locale from a `Cookie` header, else an `Accept-Language`
    /// header, else Finnish.
    pub fn negotiate(cookie_header: Option<&str>, accept_language: Option<&str>) -> Locale {
        let from_cookie = cookie_header.and_then(|header| {
            header.split(';').find_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                (name.trim() == LANG_COOKIE)
                    .then(|| Locale::from_code(value))
                    .flatten()
            })
        });
        let from_header = || {
            accept_language.and_then(|header| {
                let mut choices: Vec<(f32, Locale)> = header
                    .split(',')
                    .filter_map(|item| {
                        let mut parts = item.split(';');
                        let locale = Locale::from_code(parts.next()?)?;
                        let q = parts
                            .find_map(|p| {
                                p.trim()
                                    .strip_prefix("q=")
                                    .and_then(|q| q.parse::<f32>().ok())
                            })
                            .unwrap_or(1.0);
                        Some((q, locale))
                    })
                    .collect();
                choices.sort_by(|a, b| b.0.total_cmp(&a.0));
                choices.first().map(|c| c.1)
            })
        };
        from_cookie.or_else(from_header).unwrap_or_default()
    }
}

/// The reader's current interface language, provided by [`crate::App`].
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Locale>);

/// The current locale signal.
pub fn use_locale() -> RwSignal<Locale> {
    use_context::<I18n>()
        .map(|i| i.0)
        .unwrap_or_else(|| RwSignal::new(Locale::default()))
}

/// A reactive translated text: re-renders when the language changes.
///
/// A disposed locale signal falls back to the default language. This does
/// not make it safe for `<title>`, which Leptos renders outside the page's
/// arena: use `PageTitle` there (see `components::notice`).
pub fn t(key: Key) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let locale = use_locale();
    move || locale.try_get().unwrap_or_default().text(key)
}

/// A reactive translated text with `{name}` placeholders filled in.
pub fn tf(
    key: Key,
    args: Vec<(&'static str, String)>,
) -> impl Fn() -> String + Send + Sync + 'static {
    let locale = use_locale();
    move || fill(locale.try_get().unwrap_or_default().text(key), &args)
}

/// Replaces `{name}` placeholders.
pub fn fill(template: &str, args: &[(&str, String)]) -> String {
    let mut text = template.to_owned();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_prefers_cookie_then_header() {
        assert_eq!(
            Locale::negotiate(Some("a=b; polku_lang=sv"), Some("en")),
            Locale::Sv
        );
        assert_eq!(
            Locale::negotiate(None, Some("de, en;q=0.8, fi;q=0.5")),
            Locale::En
        );
        assert_eq!(
            Locale::negotiate(Some("polku_lang=xx"), Some("sv-FI")),
            Locale::Sv
        );
        assert_eq!(Locale::negotiate(None, None), Locale::Fi);
    }

    #[test]
    fn every_language_has_its_own_name() {
        assert_eq!(Locale::Fi.endonym(), "Suomi");
        assert_eq!(Locale::Sv.endonym(), "Svenska");
        assert_eq!(Locale::En.endonym(), "English");
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            fill(
                "Lesson {n} of {total}",
                &[("n", "2".into()), ("total", "5".into())]
            ),
            "Lesson 2 of 5"
        );
    }
}
