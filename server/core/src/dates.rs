//! Dates and times as the wire types carry them: strings formatted here,
//! in UTC, so the browser needs no date library.

use chrono::{DateTime, Utc};

/// A date, `YYYY-MM-DD`.
pub fn day(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

/// A date and time to the minute, `YYYY-MM-DD HH:MM`.
pub fn minute(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}
