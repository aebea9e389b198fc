//! Reading settings: text size, line spacing, colours and font, chosen on
//! any page from the header's menu. A form that posts to `/reading`,
//! which keeps the choice in a cookie and sends the reader back: it works
//! without JavaScript, and the server writes the settings onto `<html>`
//! (`data-size`, `data-spacing`, `data-theme`, `data-font`) from the
//! page's first byte, so nothing flashes in the wrong colours.

use leptos::prelude::*;
use polku_types::reading::{Font, ReadingSettings, Spacing, TextSize, Theme};

use crate::i18n::{Key, t};

/// The settings of this page: on the server from the request's cookie, in
/// the browser from `<html>` as the server rendered it.
pub fn initial_reading() -> ReadingSettings {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| {
                ReadingSettings::from_cookie_header(
                    parts
                        .headers
                        .get(http::header::COOKIE)
                        .and_then(|v| v.to_str().ok()),
                )
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        let attribute = |name: &str| {
            document()
                .document_element()
                .and_then(|el| el.get_attribute(name))
                .unwrap_or_default()
        };
        ReadingSettings::from_cookie(
            &[
                attribute("data-size"),
                attribute("data-spacing"),
                attribute("data-theme"),
                attribute("data-font"),
            ]
            .join("."),
        )
    }
}

/// One group of choices: a fieldset of radio buttons.
#[component]
fn Choices(
    /// The form field.
    name: &'static str,
    /// The group's name.
    legend: Key,
    /// (value, label, chosen now) of each choice.
    choices: Vec<(&'static str, Key, bool)>,
) -> impl IntoView {
    let items = choices
        .into_iter()
        .map(|(value, label, chosen)| {
            let id = format!("reading-{name}-{value}");
            view! {
                <div class="reading-choice">
                    <input type="radio" id=id.clone() name=name value=value checked=chosen />
                    <label for=id>{t(label)}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="reading-group">
            <legend>{t(legend)}</legend>
            {items}
        </fieldset>
    }
}

/// Every choice of one setting: (its name, its label, chosen now).
fn choices<T: Copy + PartialEq>(
    all: &[T],
    now: T,
    code: fn(T) -> &'static str,
    label: fn(T) -> Key,
) -> Vec<(&'static str, Key, bool)> {
    all.iter().map(|&c| (code(c), label(c), c == now)).collect()
}

/// The settings form, folded under its name.
#[component]
pub fn ReadingSettingsForm() -> impl IntoView {
    let now = initial_reading();
    let next = crate::components::layout::this_page();
    let sizes = choices(&TextSize::ALL, now.size, TextSize::code, |s| match s {
        TextSize::Normal => Key::ReadingSizeNormal,
        TextSize::Large => Key::ReadingSizeLarge,
        TextSize::Larger => Key::ReadingSizeLarger,
    });
    let spacings = choices(&Spacing::ALL, now.spacing, Spacing::code, |s| match s {
        Spacing::Normal => Key::ReadingSpacingNormal,
        Spacing::Wide => Key::ReadingSpacingWide,
    });
    let themes = choices(&Theme::ALL, now.theme, Theme::code, |s| match s {
        Theme::Auto => Key::ReadingThemeAuto,
        Theme::Light => Key::ReadingThemeLight,
        Theme::Dark => Key::ReadingThemeDark,
        Theme::Contrast => Key::ReadingThemeContrast,
    });
    let fonts = choices(&Font::ALL, now.font, Font::code, |s| match s {
        Font::Normal => Key::ReadingFontNormal,
        Font::Readable => Key::ReadingFontReadable,
    });
    view! {
        <details class="reading-settings">
            <summary>{t(Key::ReadingSettings)}</summary>
            <form method="post" action="/reading" class="reading-form">
                <input type="hidden" name="next" value=next />
                <Choices name="size" legend=Key::ReadingSize choices=sizes />
                <Choices name="spacing" legend=Key::ReadingSpacing choices=spacings />
                <Choices name="theme" legend=Key::ReadingTheme choices=themes />
                <Choices name="font" legend=Key::ReadingFont choices=fonts />
                <button type="submit">{t(Key::ReadingSave)}</button>
            </form>
        </details>
    }
}
