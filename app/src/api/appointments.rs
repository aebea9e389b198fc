//! Appointments: times a coach offers, booked by learners of her groups.
//! The core service checks who may see, offer, book and cancel.
//!
//! Every form field is taken as text and checked on the server, so a
//! refusal sends the form back with what was typed.

use leptos::prelude::*;

use super::AppError;
pub use polku_types::appointments::{AppointmentState, AppointmentView, Appointments, Place};

/// `POST /api/get_appointments`: the reader's appointments and the free
/// times she may book.
#[server(prefix = "/api", endpoint = "get_appointments", output = crate::api::TextJson)]
pub async fn get_appointments() -> Result<Appointments, AppError> {
    let actor = super::accounts::session::require().await?;
    Ok(polku_core::appointments::page(&super::db()?, &actor).await?)
}

/// `POST /api/get_appointment`: one appointment.
#[server(prefix = "/api", endpoint = "get_appointment", output = crate::api::TextJson)]
pub async fn get_appointment(id: i32) -> Result<AppointmentView, AppError> {
    let actor = super::accounts::session::require().await?;
    Ok(polku_core::appointments::one(&super::db()?, &actor, id).await?)
}

/// The fields of the offer and change forms, as typed.
#[cfg(feature = "ssr")]
struct Typed<'a> {
    date: &'a str,
    time: &'a str,
    minutes: &'a str,
    count: &'a str,
    place: &'a str,
    location: &'a str,
    note: &'a str,
}

#[cfg(feature = "ssr")]
impl Typed<'_> {
    fn offer(&self) -> polku_core::appointments::Offer {
        polku_core::appointments::Offer {
            date: self.date.to_owned(),
            time: self.time.to_owned(),
            minutes: self.minutes.trim().parse().unwrap_or(0),
            count: self.count.trim().parse().unwrap_or(0),
            place: self.place.to_owned(),
            where_: self.location.to_owned(),
            note: self.note.to_owned(),
        }
    }

    /// Back to `path` with the refusal and what was typed.
    fn back(&self, path: &str, code: &str) {
        super::redirect_with(
            path,
            &[
                ("error", code),
                ("date", self.date),
                ("time", self.time),
                ("minutes", self.minutes),
                ("count", self.count),
                ("place", self.place),
                ("location", self.location),
                ("note", self.note),
            ],
        );
    }
}

/// `POST /api/offer_times` (form): a coach offers one time or several in
/// a row.
#[server(prefix = "/api", endpoint = "offer_times", output = crate::api::TextJson)]
pub async fn offer_times(
    date: String,
    time: String,
    minutes: String,
    count: String,
    place: String,
    location: String,
    note: String,
) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let typed = Typed {
        date: &date,
        time: &time,
        minutes: &minutes,
        count: &count,
        place: &place,
        location: &location,
        note: &note,
    };
    match polku_core::appointments::offer(&super::db()?, &actor, &typed.offer()).await {
        Ok(ids) => super::redirect_with("/appointments", &[("offered", &ids.len().to_string())]),
        Err(polku_core::CoreError::Rejected(code)) => typed.back("/appointments", code),
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/change_time` (form): the coach changes one of her times.
#[server(prefix = "/api", endpoint = "change_time", output = crate::api::TextJson)]
pub async fn change_time(
    id: i32,
    date: String,
    time: String,
    minutes: String,
    place: String,
    location: String,
    note: String,
) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let typed = Typed {
        date: &date,
        time: &time,
        minutes: &minutes,
        count: "1",
        place: &place,
        location: &location,
        note: &note,
    };
    let path = format!("/appointments/{id}");
    match polku_core::appointments::change(&super::db()?, &actor, id, &typed.offer()).await {
        Ok(()) => super::redirect_with(&path, &[("changed", "1")]),
        Err(polku_core::CoreError::Rejected(code)) => typed.back(&path, code),
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// Back to `path`, saying `done`, or with the refusal.
#[cfg(feature = "ssr")]
fn answer(
    result: Result<(), polku_core::CoreError>,
    path: &str,
    done: &str,
    kept: &[(&str, &str)],
) -> Result<(), AppError> {
    match result {
        Ok(()) => super::redirect_with(path, &[(done, "1")]),
        Err(polku_core::CoreError::Rejected(code)) => {
            let mut pairs = vec![("error", code)];
            pairs.extend_from_slice(kept);
            super::redirect_with(path, &pairs);
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/call_off_time` (form): the coach cancels one of her times
/// (telling its learner, with the reason).
#[server(prefix = "/api", endpoint = "call_off_time", output = crate::api::TextJson)]
pub async fn call_off_time(id: i32, reason: String) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let result = polku_core::appointments::call_off(&super::db()?, &actor, id, &reason).await;
    answer(
        result,
        "/appointments",
        "called_off",
        &[("reason", &reason)],
    )
}

/// `POST /api/book_time` (form): a learner books a free time.
#[server(prefix = "/api", endpoint = "book_time", output = crate::api::TextJson)]
pub async fn book_time(id: i32) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let result = polku_core::appointments::book(&super::db()?, &actor, id).await;
    let path = if result.is_ok() {
        format!("/appointments/{id}")
    } else {
        "/appointments".to_owned()
    };
    answer(result, &path, "booked", &[])
}

/// `POST /api/cancel_booking` (form): the learner cancels her booking.
#[server(prefix = "/api", endpoint = "cancel_booking", output = crate::api::TextJson)]
pub async fn cancel_booking(id: i32) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let result = polku_core::appointments::cancel(&super::db()?, &actor, id).await;
    answer(result, "/appointments", "cancelled", &[])
}

/// `POST /api/ask_other_time` (form): the learner writes to the coach of
/// an appointment (asking for another time); then to that conversation.
#[server(prefix = "/api", endpoint = "ask_other_time", output = crate::api::TextJson)]
pub async fn ask_other_time(id: i32, body: String) -> Result<(), AppError> {
    use crate::i18n::{Key, Texts, fill, local_span};
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    let appointment = polku_core::appointments::one(&db, &actor, id).await?;
    let locale = crate::initial_locale();
    let when = local_span(locale, &appointment.starts, &appointment.ends);
    let prefix = fill(locale.text(Key::AppointmentAskPrefix), &[("when", when)]);
    let text = if body.trim().is_empty() {
        String::new()
    } else {
        format!("{prefix}\n{}", body.trim())
    };
    let thread = polku_core::messages::ThreadRef::Person(appointment.coach.0);
    match polku_core::messages::send(&db, &actor, thread, &text).await {
        Ok(message) => leptos_axum::redirect(&format!("{}#message-{message}", thread.href())),
        Err(polku_core::CoreError::Rejected(code)) => super::redirect_with(
            &format!("/appointments/{id}"),
            &[("error", code), ("body", &body)],
        ),
        Err(other) => return Err(other.into()),
    }
    Ok(())
}
