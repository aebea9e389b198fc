//! Interface languages and their texts (`fi.json`, `sv.json`, `en.json`).
//!
//! Every visible text of the UI comes from these files through [`t`].
//! The build (see `build.rs`) refuses a key missing in any language.

use leptos::prelude::*;

include!(concat!(env!("OUT_DIR"), "/i18n.rs"));

pub use polku_types::LANG_COOKIE;

/// An interface language: the same three as content languages.
pub use polku_types::Language as Locale;

/// The translated texts of a language.
pub trait Texts {
    /// The text for `key` in this language.
    fn text(self, key: Key) -> &'static str;

    /// The language's name in itself, for the language switch.
    fn endonym(self) -> &'static str;
}

/// The texts of a language, in `Key` order.
fn table_of(locale: Locale) -> &'static [&'static str] {
    match locale {
        Locale::Fi => &FI,
        Locale::Sv => &SV,
        Locale::En => &EN,
    }
}

impl Texts for Locale {
    fn text(self, key: Key) -> &'static str {
        table_of(self)[key as usize]
    }

    fn endonym(self) -> &'static str {
        self.text(Key::LanguageName)
    }
}

/// The reader's current interface language, provided by [`crate::App`].
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Locale>);

/// The current locale signal: the page's (server) or, inside an island in
/// the browser, the language the server rendered the page in.
pub fn use_locale() -> RwSignal<Locale> {
    use_context::<I18n>()
        .map(|i| i.0)
        .unwrap_or_else(|| RwSignal::new(crate::initial_locale()))
}

/// A translated text, in the page's language.
///
/// On the server from the translation tables. In the browser only islands
/// run, and they show the texts their props carry ([`IslandTexts`]): the
/// tables of all three languages never reach the browser's download.
pub fn t(key: Key) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let text = lookup(key);
    move || text
}

/// A translated text with `{name}` placeholders filled in.
pub fn tf(
    key: Key,
    args: Vec<(&'static str, String)>,
) -> impl Fn() -> String + Send + Sync + 'static {
    let text = lookup(key);
    move || fill(text, &args)
}

#[cfg(not(feature = "hydrate"))]
fn lookup(key: Key) -> &'static str {
    use_locale()
        .try_get_untracked()
        .unwrap_or_default()
        .text(key)
}

#[cfg(feature = "hydrate")]
fn lookup(key: Key) -> &'static str {
    match use_context::<IslandTable>().and_then(|table| table.get(key)) {
        Some(text) => text,
        None => {
            leptos::logging::error!("no text for key {} in this island", key as u16);
            ""
        }
    }
}

/// The texts an island shows, in the page's language, carried in its
/// props (a few hundred bytes for a learner's island; staff islands take
/// [`IslandTexts::all`]). The island calls [`IslandTexts::provide`] first.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct IslandTexts(Vec<(u16, String)>);

impl IslandTexts {
    /// The texts of `keys` in the page's language (on the server).
    pub fn of(keys: &[Key]) -> Self {
        let locale = use_locale().get_untracked();
        Self(
            keys.iter()
                .map(|&key| (key as u16, locale.text(key).to_owned()))
                .collect(),
        )
    }

    /// Every text of the page's language (staff islands, which show many).
    pub fn all() -> Self {
        let table = table_of(use_locale().get_untracked());
        Self(
            table
                .iter()
                .enumerate()
                .map(|(n, text)| (n as u16, (*text).to_owned()))
                .collect(),
        )
    }

    /// Makes these the texts [`t`] returns inside the island (in the
    /// browser; on the server the tables answer).
    pub fn provide(self) {
        #[cfg(feature = "hydrate")]
        {
            let table: Vec<(u16, &'static str)> = self
                .0
                .into_iter()
                .map(|(key, text)| (key, &*Box::leak(text.into_boxed_str())))
                .collect();
            provide_context(IslandTable(Box::leak(table.into_boxed_slice())));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = self;
    }
}

/// An island's texts in the browser (kept for the page's life).
#[cfg(feature = "hydrate")]
#[derive(Clone, Copy)]
struct IslandTable(&'static [(u16, &'static str)]);

#[cfg(feature = "hydrate")]
impl IslandTable {
    fn get(self, key: Key) -> Option<&'static str> {
        let key = key as u16;
        self.0
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, text)| *text)
    }
}

/// Replaces `{name}` placeholders.
pub fn fill(template: &str, args: &[(&str, String)]) -> String {
    let mut text = template.to_owned();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// A time or date as the server sends it (`YYYY-MM-DD HH:MM` or
/// `YYYY-MM-DD`, already in the site's time zone), written the way
/// `locale` writes it: `5.12.2026 klo 14.05`, `5.12.2026 kl. 14.05`,
/// `5 Dec 2026, 14:05`. Anything else is shown as it is.
pub fn local_time(locale: Locale, text: &str) -> String {
    let (date, time) = match text.split_once(' ') {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let parts: Vec<u32> = date.split('-').filter_map(|p| p.parse().ok()).collect();
    let [year, month, day] = parts[..] else {
        return text.to_owned();
    };
    if !(1..=12).contains(&month) || date.len() != 10 {
        return text.to_owned();
    }
    let date = match locale {
        Locale::En => {
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            let name = MONTHS.get(month as usize - 1).copied().unwrap_or_default();
            format!("{day} {name} {year}")
        }
        Locale::Fi | Locale::Sv => format!("{day}.{month}.{year}"),
    };
    match time.and_then(|t| t.split_once(':')) {
        None => date,
        Some((hours, minutes)) => {
            // Finnish and Swedish write the hour without a leading zero.
            let short = match hours.trim_start_matches('0') {
                "" => "0",
                h => h,
            };
            match locale {
                Locale::Fi => format!("{date} klo {short}.{minutes}"),
                Locale::Sv => format!("{date} kl. {short}.{minutes}"),
                Locale::En => format!("{date}, {hours}:{minutes}"),
            }
        }
    }
}

/// The day of the week of `date` (`YYYY-MM-DD`), 0 for Monday
/// (Sakamoto's method; the browser half has no date library).
fn weekday(date: &str) -> Option<usize> {
    const SHIFT: [u32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<u32>().ok());
    let (year, month, day) = (parts.next()??, parts.next()??, parts.next()??);
    let shift = SHIFT.get(usize::try_from(month.checked_sub(1)?).ok()?)?;
    let y = if month < 3 {
        year.checked_sub(1)?
    } else {
        year
    };
    let sunday_first = (y + y / 4 - y / 100 + y / 400 + shift + day) % 7;
    usize::try_from((sunday_first + 6) % 7).ok()
}

/// A span of time from `start` to `end` (both as [`local_time`] takes
/// them) the way `locale` writes it, with the day of the week (people
/// book "Tuesday at ten"): the end's date only when it differs
/// (`ti 8.12.2026 klo 10.00–10.30`).
pub fn local_span(locale: Locale, start: &str, end: &str) -> String {
    const DAYS: [[&str; 7]; 3] = [
        ["ma", "ti", "ke", "to", "pe", "la", "su"],
        ["mån", "tis", "ons", "tors", "fre", "lör", "sön"],
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    ];
    let names = match locale {
        Locale::Fi => &DAYS[0],
        Locale::Sv => &DAYS[1],
        Locale::En => &DAYS[2],
    };
    let day_of = |text: &str| {
        weekday(text.split(' ').next().unwrap_or(text))
            .and_then(|d| names.get(d))
            .map(|name| format!("{name} {}", local_time(locale, text)))
            .unwrap_or_else(|| local_time(locale, text))
    };
    let from = day_of(start);
    match (start.split_once(' '), end.split_once(' ')) {
        (Some((day, _)), Some((end_day, clock))) if day == end_day => {
            let (hours, minutes) = clock.split_once(':').unwrap_or((clock, ""));
            let to = match locale {
                Locale::Fi | Locale::Sv => {
                    let short = match hours.trim_start_matches('0') {
                        "" => "0",
                        h => h,
                    };
                    format!("{short}.{minutes}")
                }
                Locale::En => format!("{hours}:{minutes}"),
            };
            format!("{from}–{to}")
        }
        _ => format!("{from} – {}", day_of(end)),
    }
}

/// [`local_time`] in the reader's language at this moment (for texts made
/// once, such as the values of [`tf`]).
pub fn local_time_now(text: &str) -> String {
    local_time(use_locale().try_get_untracked().unwrap_or_default(), text)
}

/// [`local_time`] in the reader's current language (reactive).
pub fn lt(text: String) -> impl Fn() -> String + Send + Sync + 'static {
    let locale = use_locale();
    move || local_time(locale.try_get().unwrap_or_default(), &text)
}

/// The sentence that says what a notification of `kind` is about, with
/// who did it and what it concerns (a badge's or group's name; a message
/// to a group names the group).
pub fn notification_sentence(
    locale: Locale,
    kind: polku_types::notifications::NotificationKind,
    who: String,
    what: String,
) -> String {
    use polku_types::notifications::NotificationKind as N;
    let key = match kind {
        N::Message if what.is_empty() => Key::NotificationMessage,
        N::Message => Key::NotificationMessageGroup,
        N::EvidenceApproved => Key::NotificationEvidenceApproved,
        N::EvidenceDeclined => Key::NotificationEvidenceDeclined,
        N::BadgeEarned => Key::NotificationBadgeEarned,
        N::BadgeRevoked => Key::NotificationBadgeRevoked,
        N::Invitation => Key::NotificationInvitation,
        N::AppointmentBooked => Key::NotificationAppointmentBooked,
        N::AppointmentChanged => Key::NotificationAppointmentChanged,
        N::AppointmentCancelled => Key::NotificationAppointmentCancelled,
        N::AppointmentSoon => Key::NotificationAppointmentSoon,
        N::EmailConfirmation => Key::NotificationEmailConfirmation,
    };
    // An appointment's notification names its time, written the reader's
    // way.
    let what = match kind {
        N::AppointmentBooked
        | N::AppointmentChanged
        | N::AppointmentCancelled
        | N::AppointmentSoon => local_time(locale, &what),
        _ => what,
    };
    fill(locale.text(key), &[("who", who), ("what", what)])
}

/// The name of notification `kind` in the e-mail settings.
pub fn email_kind_key(kind: polku_types::notifications::NotificationKind) -> Key {
    use polku_types::notifications::NotificationKind as N;
    match kind {
        N::Message => Key::EmailKindMessage,
        N::EvidenceApproved => Key::EmailKindEvidenceApproved,
        N::EvidenceDeclined => Key::EmailKindEvidenceDeclined,
        N::BadgeEarned => Key::EmailKindBadgeEarned,
        N::BadgeRevoked => Key::EmailKindBadgeRevoked,
        N::Invitation => Key::EmailKindInvitation,
        N::AppointmentBooked => Key::EmailKindAppointmentBooked,
        N::AppointmentChanged => Key::EmailKindAppointmentChanged,
        N::AppointmentCancelled => Key::EmailKindAppointmentCancelled,
        N::AppointmentSoon => Key::EmailKindAppointmentSoon,
        N::EmailConfirmation => Key::EmailKindEmailConfirmation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_names_the_end_date_only_when_it_differs() {
        assert_eq!(
            local_span(Locale::Fi, "2026-12-08 09:00", "2026-12-08 09:30"),
            "ti 8.12.2026 klo 9.00–9.30"
        );
        assert_eq!(
            local_span(Locale::En, "2026-12-08 09:00", "2026-12-08 10:30"),
            "Tue 8 Dec 2026, 09:00–10:30"
        );
        assert_eq!(
            local_span(Locale::Sv, "2026-12-08 23:30", "2026-12-09 00:30"),
            "tis 8.12.2026 kl. 23.30 – ons 9.12.2026 kl. 0.30"
        );
    }

    #[test]
    fn the_day_of_the_week_is_right_across_months_and_leap_years() {
        // 1 March 2024 was a Friday, 29 February 2024 a Thursday, 1
        // January 2027 a Friday, 5 December 2026 a Saturday.
        assert_eq!(weekday("2024-03-01"), Some(4));
        assert_eq!(weekday("2024-02-29"), Some(3));
        assert_eq!(weekday("2027-01-01"), Some(4));
        assert_eq!(weekday("2026-12-05"), Some(5));
        assert_eq!(weekday("2026-13-05"), None);
        assert_eq!(weekday("nonsense"), None);
    }

    #[test]
    fn times_are_written_the_way_each_language_writes_them() {
        assert_eq!(
            local_time(Locale::Fi, "2026-12-05 14:05"),
            "5.12.2026 klo 14.05"
        );
        assert_eq!(
            local_time(Locale::Sv, "2026-12-05 09:30"),
            "5.12.2026 kl. 9.30"
        );
        assert_eq!(
            local_time(Locale::Fi, "2026-12-05 00:05"),
            "5.12.2026 klo 0.05"
        );
        assert_eq!(
            local_time(Locale::En, "2026-12-05 14:05"),
            "5 Dec 2026, 14:05"
        );
        assert_eq!(local_time(Locale::Fi, "2026-01-09"), "9.1.2026");
        assert_eq!(local_time(Locale::En, "2026-01-09"), "9 Jan 2026");
        assert_eq!(local_time(Locale::Fi, "–"), "–");
        assert_eq!(local_time(Locale::Fi, "2026-13-01"), "2026-13-01");
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
