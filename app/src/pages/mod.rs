//! One module per page.

pub mod admin;
pub mod appointments;
pub mod audit;
pub mod auth;
pub mod author;
pub mod badge_editor;
pub mod catalog;
pub mod coach;
pub mod course;
pub mod dashboard;
pub mod discussion;
pub mod editor;
pub mod lesson;
pub mod messages;
pub mod not_found;
pub mod notifications;
pub mod offline;
pub mod search;
pub mod verify;
pub mod wallet;

use crate::i18n::{Key, Locale};

/// The translated name of a course level.
pub(crate) fn level_key(level: &str) -> Key {
    match level {
        "intermediate" => Key::LevelIntermediate,
        "advanced" => Key::LevelAdvanced,
        _ => Key::LevelBeginner,
    }
}

/// A `lang` attribute for content whose language differs from the page's.
pub(crate) fn content_lang(content: Locale, page: Locale) -> Option<&'static str> {
    (content != page).then_some(content.code())
}
