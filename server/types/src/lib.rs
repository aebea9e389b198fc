//! Polku's wire types: the values server functions send to pages (and
//! pages send back), shared by the core services that produce them and
//! the UI that shows them, so each exists once.
//!
//! Serde only, compiled for the server and to wasm. Dates and times cross
//! the wire as strings the server formatted in UTC (`YYYY-MM-DD`,
//! `YYYY-MM-DD HH:MM`), which keeps a date library out of the browser.

pub mod accounts;
pub mod admin;
pub mod appointments;
pub mod audit;
pub mod authoring;
pub mod badges;
pub mod coaching;
pub mod courses;
pub mod discussion;
mod language;
pub mod messages;
pub mod notifications;
pub mod progress;
pub mod reading;
pub mod search;

pub use language::{LANG_COOKIE, Language};

/// The value of cookie `name` in a request's `Cookie` header (the pages
/// read the reader's language and reading settings from it).
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key.trim() == name).then_some(value.trim())
    })
}
