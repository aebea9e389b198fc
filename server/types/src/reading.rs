//! A reader's settings for reading: text size, line spacing, colours and
//! font. Kept in a cookie ([`READING_COOKIE`]) so they apply on every page
//! from its first byte, without JavaScript and without an account; the
//! server writes them onto `<html>` as `data-` attributes the style sheet
//! follows.

/// The cookie that keeps the reading settings.
pub const READING_COOKIE: &str = "polku_reading";

/// Text size.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum TextSize {
    /// The browser's own size.
    #[default]
    Normal,
    /// About an eighth larger.
    Large,
    /// About a third larger.
    Larger,
}

/// Space between lines (and words).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Spacing {
    /// The usual.
    #[default]
    Normal,
    /// Wider lines, words and paragraphs.
    Wide,
}

/// Colours.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// As the device prefers (`prefers-color-scheme`, `prefers-contrast`).
    #[default]
    Auto,
    /// Dark text on light.
    Light,
    /// Light text on dark.
    Dark,
    /// Black and white, strong outlines.
    Contrast,
}

/// Font.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Font {
    /// The device's own sans-serif.
    #[default]
    Normal,
    /// Atkinson Hyperlegible: letters that are hard to confuse (for
    /// dyslexia and poor sight), served by the site itself.
    Readable,
}

/// A reader's settings.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct ReadingSettings {
    /// Text size.
    #[serde(default)]
    pub size: TextSize,
    /// Line spacing.
    #[serde(default)]
    pub spacing: Spacing,
    /// Colours.
    #[serde(default)]
    pub theme: Theme,
    /// Font.
    #[serde(default)]
    pub font: Font,
}

impl TextSize {
    /// Every choice, in order.
    pub const ALL: [TextSize; 3] = [TextSize::Normal, TextSize::Large, TextSize::Larger];

    /// Its name in forms, cookies and `data-size`.
    pub fn code(self) -> &'static str {
        match self {
            TextSize::Normal => "normal",
            TextSize::Large => "large",
            TextSize::Larger => "larger",
        }
    }
}

impl Spacing {
    /// Every choice, in order.
    pub const ALL: [Spacing; 2] = [Spacing::Normal, Spacing::Wide];

    /// Its name in forms, cookies and `data-spacing`.
    pub fn code(self) -> &'static str {
        match self {
            Spacing::Normal => "normal",
            Spacing::Wide => "wide",
        }
    }
}

impl Theme {
    /// Every choice, in order.
    pub const ALL: [Theme; 4] = [Theme::Auto, Theme::Light, Theme::Dark, Theme::Contrast];

    /// Its name in forms, cookies and `data-theme`.
    pub fn code(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Contrast => "contrast",
        }
    }

    /// The page's `color-scheme` (the browser's own controls follow it).
    pub fn color_scheme(self) -> &'static str {
        match self {
            Theme::Auto => "light dark",
            Theme::Dark => "dark",
            Theme::Light | Theme::Contrast => "light",
        }
    }
}

impl Font {
    /// Every choice, in order.
    pub const ALL: [Font; 2] = [Font::Normal, Font::Readable];

    /// Its name in forms, cookies and `data-font`.
    pub fn code(self) -> &'static str {
        match self {
            Font::Normal => "normal",
            Font::Readable => "readable",
        }
    }
}

impl ReadingSettings {
    /// The cookie value: the four names joined by dots
    /// (`large.wide.dark.readable`).
    pub fn to_cookie(self) -> String {
        [
            self.size.code(),
            self.spacing.code(),
            self.theme.code(),
            self.font.code(),
        ]
        .join(".")
    }

    /// Reads a cookie value; what it does not name stays as it is by
    /// default (an old or garbled cookie never fails a page).
    pub fn from_cookie(value: &str) -> ReadingSettings {
        let mut settings = ReadingSettings::default();
        let parts: Vec<&str> = value.split('.').collect();
        if let Some(size) = parts
            .first()
            .and_then(|p| TextSize::ALL.into_iter().find(|c| c.code() == *p))
        {
            settings.size = size;
        }
        if let Some(spacing) = parts
            .get(1)
            .and_then(|p| Spacing::ALL.into_iter().find(|c| c.code() == *p))
        {
            settings.spacing = spacing;
        }
        if let Some(theme) = parts
            .get(2)
            .and_then(|p| Theme::ALL.into_iter().find(|c| c.code() == *p))
        {
            settings.theme = theme;
        }
        if let Some(font) = parts
            .get(3)
            .and_then(|p| Font::ALL.into_iter().find(|c| c.code() == *p))
        {
            settings.font = font;
        }
        settings
    }

    /// The settings in a request's `Cookie` header (the defaults without).
    pub fn from_cookie_header(header: Option<&str>) -> ReadingSettings {
        header
            .and_then(|h| crate::cookie_value(h, READING_COOKIE))
            .map(ReadingSettings::from_cookie)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_round_trips_and_garbage_reads_as_defaults() {
        let settings = ReadingSettings {
            size: TextSize::Larger,
            spacing: Spacing::Wide,
            theme: Theme::Contrast,
            font: Font::Readable,
        };
        assert_eq!(settings.to_cookie(), "larger.wide.contrast.readable");
        assert_eq!(
            ReadingSettings::from_cookie(&settings.to_cookie()),
            settings
        );
        assert_eq!(
            ReadingSettings::from_cookie("<script>"),
            ReadingSettings::default()
        );
        assert_eq!(
            ReadingSettings::from_cookie("huge.normal.dark"),
            ReadingSettings {
                theme: Theme::Dark,
                ..ReadingSettings::default()
            }
        );
        assert_eq!(
            ReadingSettings::from_cookie_header(Some(
                "polku_lang=sv; polku_reading=large.normal.auto.normal"
            ))
            .size,
            TextSize::Large
        );
        assert_eq!(
            ReadingSettings::from_cookie_header(None),
            ReadingSettings::default()
        );
    }
}
