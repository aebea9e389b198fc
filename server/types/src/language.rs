//! The languages Polku speaks: content languages and interface languages
//! are the same three.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Name of the cookie that remembers the interface language.
pub const LANG_COOKIE: &str = "polku_lang";

/// A content and interface language.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Finnish, the default.
    #[default]
    Fi,
    /// Swedish.
    Sv,
    /// English.
    En,
}

impl Language {
    /// Every supported language, default first (the order the language
    /// switch shows them).
    pub const ALL: [Language; 3] = [Language::Fi, Language::Sv, Language::En];

    /// The BCP 47 code (`fi`, `sv`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Language::Fi => "fi",
            Language::Sv => "sv",
            Language::En => "en",
        }
    }

    /// Parses a language tag leniently by its primary subtag (`fi`,
    /// `sv-FI`, `EN_gb`).
    pub fn from_code(code: &str) -> Option<Language> {
        let primary = code
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        primary.parse().ok()
    }

    /// Chooses the interface language from a `Cookie` header (the
    /// [`LANG_COOKIE`]), else an `Accept-Language` header (by quality),
    /// else Finnish.
    pub fn negotiate(cookie_header: Option<&str>, accept_language: Option<&str>) -> Language {
        let from_cookie = cookie_header
            .and_then(|header| crate::cookie_value(header, LANG_COOKIE))
            .and_then(Language::from_code);
        let from_header = || {
            accept_language.and_then(|header| {
                let mut choices: Vec<(f32, Language)> = header
                    .split(',')
                    .filter_map(|item| {
                        let mut parts = item.split(';');
                        let language = Language::from_code(parts.next()?)?;
                        let q = parts
                            .find_map(|p| {
                                p.trim()
                                    .strip_prefix("q=")
                                    .and_then(|q| q.parse::<f32>().ok())
                            })
                            .unwrap_or(1.0);
                        Some((q, language))
                    })
                    .collect();
                choices.sort_by(|a, b| b.0.total_cmp(&a.0));
                choices.first().map(|c| c.1)
            })
        };
        from_cookie.or_else(from_header).unwrap_or_default()
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Language {
    type Err = String;

    /// Exactly `fi`, `sv` or `en` (course files and forms).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fi" => Ok(Language::Fi),
            "sv" => Ok(Language::Sv),
            "en" => Ok(Language::En),
            other => Err(format!("unknown language \"{other}\" (use fi, sv or en)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_prefers_cookie_then_header() {
        assert_eq!(
            Language::negotiate(Some("a=b; polku_lang=sv"), Some("en")),
            Language::Sv
        );
        assert_eq!(
            Language::negotiate(None, Some("de, en;q=0.8, fi;q=0.5")),
            Language::En
        );
        assert_eq!(
            Language::negotiate(Some("polku_lang=xx"), Some("sv-FI")),
            Language::Sv
        );
        assert_eq!(Language::negotiate(None, None), Language::Fi);
    }

    #[test]
    fn codes_round_trip_and_tags_are_lenient() {
        for l in Language::ALL {
            assert_eq!(l.code().parse::<Language>(), Ok(l));
        }
        assert_eq!(Language::from_code(" SV_fi "), Some(Language::Sv));
        assert_eq!("sv-FI".parse::<Language>().ok(), None);
        assert_eq!(Language::from_code("de"), None);
    }
}
