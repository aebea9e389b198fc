//! Dates and times as the wire types carry them: strings formatted here
//! in the site's time zone (`--time-zone`, `Europe/Helsinki` unless set),
//! so the browser needs no date library or time zone rules; pages write
//! them the way each language does (see `app::i18n::local_time`). Exports
//! and credentials keep RFC 3339 in UTC.

use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
pub use chrono_tz::Tz;

static ZONE: OnceLock<Tz> = OnceLock::new();

/// The zone times are shown in when none is set.
pub const DEFAULT_ZONE: Tz = chrono_tz::Europe::Helsinki;

/// Sets the site's time zone, once, at start (later calls change nothing).
pub fn set_zone(zone: Tz) {
    let _ = ZONE.set(zone);
}

/// The site's time zone.
pub fn zone() -> Tz {
    ZONE.get().copied().unwrap_or(DEFAULT_ZONE)
}

/// A date in the site's zone, `YYYY-MM-DD`.
pub fn day(t: DateTime<Utc>) -> String {
    t.with_timezone(&zone()).format("%Y-%m-%d").to_string()
}

/// A date and time to the minute in the site's zone, `YYYY-MM-DD HH:MM`.
pub fn minute(t: DateTime<Utc>) -> String {
    t.with_timezone(&zone())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The moment a date and a wall-clock time in the site's zone stand for:
/// in the autumn hour that happens twice, the first; in the spring hour
/// that does not exist, `None`.
pub fn at_local(date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    zone()
        .from_local_datetime(&date.and_time(time))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn times_are_shown_in_helsinki_summer_and_winter() {
        assert_eq!(minute(utc("2026-12-04T22:30:00Z")), "2026-12-05 00:30");
        assert_eq!(day(utc("2026-12-04T22:30:00Z")), "2026-12-05");
        assert_eq!(minute(utc("2026-06-30T21:15:00Z")), "2026-07-01 00:15");
    }

    #[test]
    fn a_local_time_is_one_moment_or_none() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        let time = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
        assert_eq!(
            at_local(date(2026, 12, 8), time(10, 0)),
            Some(utc("2026-12-08T08:00:00Z"))
        );
        // 29 March 2026, 03:30 does not exist in Helsinki (clocks go from
        // 03:00 to 04:00); 25 October 2026, 03:30 happens twice.
        assert_eq!(at_local(date(2026, 3, 29), time(3, 30)), None);
        assert_eq!(
            at_local(date(2026, 10, 25), time(3, 30)),
            Some(utc("2026-10-25T00:30:00Z"))
        );
    }
}
