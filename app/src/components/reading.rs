//! Reading settings: text size, line spacing, colours and font, chosen on
//! any page from the header's menu. A form that posts to `/reading`,
//! which keeps the choice in a cookie and sends the reader back: it works
//! without JavaScript, and the server writes the settings onto `<html>`
//! (`data-size`, `data-spacing`, `data-theme`, `data-font`) from the
//! page's first byte, so nothing flashes in the wrong colours.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
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

/// The settings form, folded under its name.
#[component]
pub fn ReadingSettingsForm() -> impl IntoView {
    let now = initial_reading();
    let location = use_location();
    let next = move || {
        let search = location.search.get();
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), search)
        }
    };
    let sizes = TextSize::ALL
        .into_iter()
        .map(|s| {
            let label = match s {
                TextSize::Normal => Key::ReadingSizeNormal,
                TextSize::Large => Key::ReadingSizeLarge,
                TextSize::Larger => Key::ReadingSizeLarger,
            };
            (s.code(), label, s == now.size)
        })
        .collect();
    let spacings = Spacing::ALL
        .into_iter()
        .map(|s| {
            let label = match s {
                Spacing::Normal => Key::ReadingSpacingNormal,
                Spacing::Wide => Key::ReadingSpacingWide,
            };
            (s.code(), label, s == now.spacing)
        })
        .collect();
    let themes = Theme::ALL
        .into_iter()
        .map(|s| {
            let label = match s {
                Theme::Auto => Key::ReadingThemeAuto,
                Theme::Light => Key::ReadingThemeLight,
                Theme::Dark => Key::ReadingThemeDark,
                Theme::Contrast => Key::ReadingThemeContrast,
            };
            (s.code(), label, s == now.theme)
        })
        .collect();
    let fonts = Font::ALL
        .into_iter()
        .map(|s| {
            let label = match s {
                Font::Normal => Key::ReadingFontNormal,
                Font::Readable => Key::ReadingFontReadable,
            };
            (s.code(), label, s == now.font)
        })
        .collect();
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
