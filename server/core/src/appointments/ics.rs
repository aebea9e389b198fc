//! The calendar entry of an appointment: an iCalendar object (RFC 5545)
//! with the scheduling method of iTIP (RFC 5546): `REQUEST` for a booked
//! time (sent again, with a higher `SEQUENCE`, when the coach changes
//! it), `CANCEL` once it is cancelled, `PUBLISH` for a time nobody booked
//! yet (the coach's own copy).
//!
//! Times are written in the site's time zone (`Europe/Helsinki` unless
//! set) with its `VTIMEZONE`, whose observances are read from the time
//! zone database around the appointment. Each booking of a time is its
//! own entry (`UID` from the time and the booking's number), so the
//! learner who cancelled and the one who booked the time after her each
//! have theirs.

use chrono::{DateTime, Duration, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use ics::components::Parameter;
use ics::properties::{
    Attendee, Description, DtEnd, DtStart, Location, Method as MethodProperty, Organizer, Sequence,
    Status, Summary, TzName, URL,
};
use ics::{Daylight, Event, ICalendar, Standard, TimeZone as VTimeZone, escape_text};
use sea_orm::{ConnectionTrait, EntityTrait};

use super::{AppointmentState, Place, end_of, party_row, state_of};
use crate::CoreError;
use crate::accounts::Actor;
use crate::db::entities::{appointments, users};

/// What the calendar is asked to do with the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A time nobody booked: for the coach's own calendar.
    Publish,
    /// A booked appointment (new or changed).
    Request,
    /// A cancelled appointment.
    Cancel,
}

impl Method {
    /// The `METHOD` value (also the `method` of the e-mail part).
    pub fn code(self) -> &'static str {
        match self {
            Method::Publish => "PUBLISH",
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// A person in the entry: her name and e-mail address, if she gave one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// Her name.
    pub name: String,
    /// Her address.
    pub email: Option<String>,
}

/// An appointment as a calendar entry, before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The appointment.
    pub id: i32,
    /// Which booking of it.
    pub booking: i32,
    /// Changes so far.
    pub sequence: i32,
    /// What the calendar should do.
    pub method: Method,
    /// When it begins.
    pub starts: DateTime<Utc>,
    /// When it ends.
    pub ends: DateTime<Utc>,
    /// Phone, video or an address.
    pub place: Place,
    /// The number, the link or the address.
    pub where_: String,
    /// The coach's note.
    pub note: String,
    /// The coach's account.
    pub coach_id: i32,
    /// The coach.
    pub coach: Party,
    /// The learner who booked it, if any (and her account still exists).
    pub learner: Option<Party>,
}

impl Entry {
    /// The other person's name for `reader` (the coach's for a learner).
    pub fn other_name(&self, reader: i32) -> Option<&str> {
        if reader == self.coach_id {
            self.learner.as_ref().map(|l| l.name.as_str())
        } else {
            Some(self.coach.name.as_str())
        }
    }
}

async fn party<C: ConnectionTrait>(db: &C, id: Option<i32>) -> Result<Option<Party>, CoreError> {
    let Some(id) = id else {
        return Ok(None);
    };
    Ok(users::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|user| Party {
            name: user.shown_name(),
            email: user.email,
        }))
}

async fn entry<C: ConnectionTrait>(
    db: &C,
    row: &appointments::Model,
    booking: i32,
    method: Method,
) -> Result<Entry, CoreError> {
    let coach = party(db, Some(row.coach_id))
        .await?
        .ok_or(CoreError::NotFound)?;
    Ok(Entry {
        id: row.id,
        booking,
        sequence: row.sequence,
        method,
        starts: row.starts_at,
        ends: end_of(row),
        place: Place::from_code(&row.place_kind).unwrap_or(Place::Phone),
        where_: row.place.clone(),
        note: row.note.clone(),
        coach_id: row.coach_id,
        coach,
        learner: party(db, row.learner_id).await?,
    })
}

/// The method a booked, open or cancelled time is written with.
fn method_of(row: &appointments::Model) -> Method {
    match state_of(row) {
        AppointmentState::Open => Method::Publish,
        AppointmentState::Booked => Method::Request,
        AppointmentState::Cancelled => Method::Cancel,
    }
}

/// The entry of appointment `id` for its coach or the learner who booked
/// it (anyone else: `NotFound`).
pub async fn for_party<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
) -> Result<Entry, CoreError> {
    let row = party_row(db, actor, id).await?.ok_or(CoreError::NotFound)?;
    entry(db, &row, row.booking, method_of(&row)).await
}

/// The entry to send `user` with her notification about booking
/// `booking` of appointment `id`, as things stand now: the booking as it
/// is if it still stands, else its cancellation; `None` when the time is
/// gone or she was never a party to it.
pub async fn for_notification<C: ConnectionTrait>(
    db: &C,
    user: i32,
    id: i32,
    booking: i32,
) -> Result<Option<Entry>, CoreError> {
    let Some(row) = appointments::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let current = row.booking == booking;
    // A later booking: hers (the notification was made for her) was
    // cancelled. The current one: she is its coach or its learner.
    let party = !current || row.coach_id == user || row.learner_id == Some(user);
    if !party {
        return Ok(None);
    }
    let method = match (current, method_of(&row)) {
        (true, Method::Request) => Method::Request,
        _ => Method::Cancel,
    };
    let mut entry = entry(db, &row, booking, method).await?;
    if !current {
        // An earlier booking: whose it was is not kept; only the
        // cancellation matters to her calendar.
        entry.learner = None;
    }
    Ok(Some(entry))
}

/// `+HHMM` (or `+HHMMSS`) of an offset of `seconds`.
fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

/// One observance of a `VTIMEZONE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observance {
    /// Its onset, in local time as it was before.
    pub onset: NaiveDateTime,
    /// The offset before, in seconds.
    pub from: i32,
    /// The offset from the onset, in seconds.
    pub to: i32,
    /// Summer time.
    pub daylight: bool,
    /// Its abbreviation (`EET`, `EEST`).
    pub name: Option<String>,
}

fn offset_at(zone: Tz, t: DateTime<Utc>) -> i32 {
    zone.offset_from_utc_datetime(&t.naive_utc())
        .fix()
        .local_minus_utc()
}

/// The observances of `zone` in force from a year before `around` to two
/// months after it: each change of offset found in the time zone
/// database, or (a zone without changes) one standard observance.
pub fn observances(zone: Tz, around: DateTime<Utc>) -> Vec<Observance> {
    let mut found = Vec::new();
    let second = |t: i64| DateTime::<Utc>::from_timestamp(t, 0).unwrap_or_default();
    let mut day = (around - Duration::days(400)).timestamp();
    let until = (around + Duration::days(60)).timestamp();
    const DAY: i64 = 86_400;
    while day < until {
        let next = day + DAY;
        let before = offset_at(zone, second(day));
        if offset_at(zone, second(next)) != before {
            // The first second with the new offset.
            let (mut lo, mut hi) = (day, next);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if offset_at(zone, second(mid)) == before {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let onset = second(hi);
            let after = zone.offset_from_utc_datetime(&onset.naive_utc());
            found.push(Observance {
                onset: (onset + Duration::seconds(i64::from(before))).naive_utc(),
                from: before,
                to: after.fix().local_minus_utc(),
                daylight: !after.dst_offset().is_zero(),
                name: after.abbreviation().map(str::to_owned),
            });
        }
        day = next;
    }
    if found.is_empty() {
        let now = zone.offset_from_utc_datetime(&around.naive_utc());
        let offset = now.fix().local_minus_utc();
        found.push(Observance {
            onset: chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .unwrap_or_default(),
            from: offset,
            to: offset,
            daylight: false,
            name: now.abbreviation().map(str::to_owned),
        });
    }
    found
}

fn vtimezone(zone: Tz, around: DateTime<Utc>) -> Option<VTimeZone<'static>> {
    let mut list = observances(zone, around).into_iter().map(|o| {
        let onset = o.onset.format("%Y%m%dT%H%M%S").to_string();
        let (from, to) = (offset_text(o.from), offset_text(o.to));
        if o.daylight {
            let mut part = Daylight::new(onset, from, to);
            if let Some(name) = o.name {
                part.push(TzName::new(name));
            }
            Err(part)
        } else {
            let mut part = Standard::new(onset, from, to);
            if let Some(name) = o.name {
                part.push(TzName::new(name));
            }
            Ok(part)
        }
    });
    let name = zone.name().to_owned();
    let mut tz = match list.next()? {
        Ok(standard) => VTimeZone::standard(name, standard),
        Err(daylight) => VTimeZone::daylight(name, daylight),
    };
    for part in list {
        match part {
            Ok(standard) => tz.add_standard(standard),
            Err(daylight) => tz.add_daylight(daylight),
        }
    }
    Some(tz)
}

/// A `CN` parameter: quoted, without the characters a quoted parameter
/// cannot hold.
fn common_name(name: &str) -> Parameter<'static> {
    let clean: String = name
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .collect();
    Parameter::new("CN", format!("\"{clean}\""))
}

/// The site's own address for someone who gave none (calendars need one).
fn address_of(party: &Party, host: &str) -> String {
    match &party.email {
        Some(email) => format!("mailto:{email}"),
        None => format!("mailto:no-reply@{host}"),
    }
}

/// The `.ics` text of `entry`, titled `summary`, linking to the
/// appointment at `public_url` (whose host names the entry), written at
/// `now`.
pub fn write(entry: &Entry, summary: &str, public_url: &str, now: DateTime<Utc>) -> String {
    let host = crate::notifications::site_host(public_url);
    let public_url = public_url.trim_end_matches('/');
    let zone = crate::dates::zone();
    let local = |t: DateTime<Utc>| {
        t.with_timezone(&zone)
            .naive_local()
            .format("%Y%m%dT%H%M%S")
            .to_string()
    };
    let mut calendar = ICalendar::new("2.0", "-//Polku//Appointments//EN");
    calendar.push(MethodProperty::new(entry.method.code()));
    calendar.push(ics::properties::CalScale::new("GREGORIAN"));
    if let Some(tz) = vtimezone(zone, entry.starts) {
        calendar.add_timezone(tz);
    }
    let mut event = Event::new(
        format!("appointment-{}-{}@{host}", entry.id, entry.booking),
        now.format("%Y%m%dT%H%M%SZ").to_string(),
    );
    event.push(Sequence::new(entry.sequence.max(0).to_string()));
    let mut start = DtStart::new(local(entry.starts));
    start.add(Parameter::new("TZID", zone.name()));
    event.push(start);
    let mut end = DtEnd::new(local(entry.ends));
    end.add(Parameter::new("TZID", zone.name()));
    event.push(end);
    event.push(Summary::new(escape_text(summary.to_owned())));
    if !entry.where_.is_empty() {
        event.push(Location::new(escape_text(entry.where_.clone())));
    }
    if entry.place == Place::Video {
        event.push(URL::new(entry.where_.clone()));
    }
    let page = format!("{public_url}/appointments/{}", entry.id);
    let description = if entry.note.is_empty() {
        page
    } else {
        format!("{}\n\n{page}", entry.note)
    };
    event.push(Description::new(escape_text(description)));
    let mut organizer = Organizer::new(address_of(&entry.coach, host));
    organizer.add(common_name(&entry.coach.name));
    event.push(organizer);
    if let Some(learner) = &entry.learner {
        let mut attendee = Attendee::new(address_of(learner, host));
        attendee.add(common_name(&learner.name));
        attendee.add(Parameter::new("ROLE", "REQ-PARTICIPANT"));
        attendee.add(Parameter::new("PARTSTAT", "ACCEPTED"));
        event.push(attendee);
    }
    event.push(match entry.method {
        Method::Cancel => Status::cancelled(),
        Method::Request => Status::confirmed(),
        Method::Publish => Status::tentative(),
    });
    calendar.add_event(event);
    calendar.to_string()
}
