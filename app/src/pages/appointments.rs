//! `/appointments`: the reader's coming appointments, the free times of
//! her coaches to book (a learner) and the form to offer times (a coach);
//! `/appointments/:id`: one appointment, to book, cancel, ask for another
//! time, change or call off, with its calendar file.
//!
//! Every action is a plain form that posts (it works without JavaScript);
//! times are shown in the site's time zone, written the reader's way.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::appointments::{
    AppointmentState, AppointmentView, Appointments, Place, get_appointment, get_appointments,
};
use crate::components::loaded::loaded;
use crate::components::notice::{FormError, PageTitle};
use crate::i18n::{Key, local_span, t, tf, use_locale};

fn query(name: &str) -> Option<String> {
    use_query_map().read_untracked().get(name)
}

/// When, written the reader's way (reactive).
fn when(a: &AppointmentView) -> impl Fn() -> String + Send + Sync + 'static {
    let locale = use_locale();
    let (start, end) = (a.starts.clone(), a.ends.clone());
    move || local_span(locale.try_get().unwrap_or_default(), &start, &end)
}

fn place_key(place: Place) -> Key {
    match place {
        Place::Phone => Key::AppointmentsPlacePhone,
        Place::Video => Key::AppointmentsPlaceVideo,
        Place::Address => Key::AppointmentsPlaceAddress,
    }
}

/// "Appointment with …", "Booked by …" or "Free time", for the reader.
fn title(a: &AppointmentView) -> impl Fn() -> String + Send + Sync + 'static {
    let deleted = t(Key::MessagesDeletedAccount);
    let with = move |name: String| tf(Key::AppointmentWith, vec![("name", name)])();
    let (mine, learner, coach, gone) = (
        a.mine,
        a.learner.clone().map(|(_, n)| n),
        a.coach.1.clone(),
        a.booked_by_deleted,
    );
    move || match (mine, &learner, gone) {
        (false, _, _) => with(coach.clone()),
        (true, Some(name), _) => with(name.clone()),
        (true, None, true) => with(deleted().to_owned()),
        (true, None, false) => t(Key::AppointmentFree)().to_owned(),
    }
}

/// Where, and the coach's note.
#[component]
fn Details(a: AppointmentView) -> impl IntoView {
    let place = a.place;
    let shown = a.where_.clone();
    view! {
        <p>
            <strong>{t(place_key(place))}</strong>
            {match (place, shown.is_empty()) {
                (Place::Video, false) => view! {
                    ": " <a href=shown.clone() rel="noopener noreferrer">{t(Key::AppointmentVideoJoin)}</a>
                }.into_any(),
                (Place::Phone, true) if !a.mine => view! { ". " {t(Key::AppointmentPhoneYouCall)} }.into_any(),
                (_, false) => view! { ": " <span class="appointment__where">{shown.clone()}</span> }.into_any(),
                (_, true) => ().into_any(),
            }}
        </p>
        {(!a.note.is_empty()).then(|| view! { <p class="appointment__note">{a.note.clone()}</p> })}
        {(a.state == AppointmentState::Cancelled).then(|| view! {
            <p><strong>{t(Key::AppointmentCancelledMark)}</strong></p>
        })}
    }
}

/// One appointment in a list: when, with whom, where, and a link to it.
#[component]
pub fn AppointmentCard(a: AppointmentView) -> impl IntoView {
    let id = a.id;
    let label = when(&a);
    let cancelled = a.state == AppointmentState::Cancelled;
    view! {
        <li class="appointment" class:appointment--cancelled=cancelled>
            <h3><a href=format!("/appointments/{id}")>{label}</a></h3>
            <p>{title(&a)}</p>
            <Details a />
        </li>
    }
}

/// The reader's coming appointments, as a list (or a line saying there
/// are none).
#[component]
pub fn AppointmentList(list: Vec<AppointmentView>, #[prop(into)] empty: Key) -> impl IntoView {
    if list.is_empty() {
        return view! { <p>{t(empty)}</p> }.into_any();
    }
    view! {
        <ul class="appointments">
            {list.into_iter().map(|a| view! { <AppointmentCard a /> }).collect_view()}
        </ul>
    }
    .into_any()
}

/// `/appointments`
#[component]
pub fn AppointmentsPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| get_appointments());
    loaded(page, |page| view! { <AppointmentsView page /> })
}

#[component]
fn AppointmentsView(page: Appointments) -> impl IntoView {
    let learner = !page.offers;
    let notice = if query("offered").is_some() {
        Some(Key::AppointmentsOffered)
    } else if query("cancelled").is_some() || query("called_off").is_some() {
        Some(Key::AppointmentCancelledNotice)
    } else {
        None
    };
    view! {
        <PageTitle key=Key::AppointmentsHeading />
        <h1>{t(Key::AppointmentsHeading)}</h1>
        {learner.then(|| view! { <p class="lead">{t(Key::AppointmentsIntro)}</p> })}
        {notice.map(|key| view! { <p class="notice" role="status">{t(key)}</p> })}
        <FormError />
        <h2>{t(if learner { Key::AppointmentsUpcoming } else { Key::AppointmentsHeadingCoach })}</h2>
        <AppointmentList list=page.upcoming empty=if learner { Key::AppointmentsNone } else { Key::AppointmentsNoneCoach } />
        {learner.then(|| view! {
            <h2 id="free-times">{t(Key::AppointmentsFree)}</h2>
            {if page.free.is_empty() {
                view! { <p>{t(Key::AppointmentsFreeNone)}</p> }.into_any()
            } else {
                view! {
                    <ul class="appointments" aria-labelledby="free-times">
                        {page.free.into_iter().map(|a| {
                            let id = a.id.to_string();
                            let label = when(&a);
                            let button = {
                                let label = when(&a);
                                move || tf(Key::AppointmentBook, vec![("when", label())])()
                            };
                            view! {
                                <li class="appointment">
                                    <h3>{label}</h3>
                                    <p>{title(&a)}</p>
                                    <Details a />
                                    <form method="post" action="/api/book_time">
                                        <input type="hidden" name="id" value=id />
                                        <button type="submit" class="button">{button}</button>
                                    </form>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        })}
        {page.offers.then(|| view! { <OfferForm /> })}
    }
}

/// The fields of a time (also of the change form), filled from the query
/// after a refusal, else from `current`.
#[component]
fn TimeFields(
    current: Option<AppointmentView>,
    #[prop(default = true)] count: bool,
) -> impl IntoView {
    let (date, time) = current
        .as_ref()
        .and_then(|a| a.starts.split_once(' '))
        .map(|(d, t)| (d.to_owned(), t.to_owned()))
        .unwrap_or_default();
    let pick = |name: &str, fallback: String| query(name).unwrap_or(fallback);
    let date = pick("date", date);
    let time = pick("time", time);
    let minutes = pick(
        "minutes",
        current
            .as_ref()
            .map_or_else(|| "30".to_owned(), |a| a.minutes.to_string()),
    );
    let place = pick(
        "place",
        current
            .as_ref()
            .map_or(Place::Phone, |a| a.place)
            .code()
            .to_owned(),
    );
    let location = pick(
        "location",
        current
            .as_ref()
            .map(|a| a.where_.clone())
            .unwrap_or_default(),
    );
    let note = pick(
        "note",
        current.as_ref().map(|a| a.note.clone()).unwrap_or_default(),
    );
    let note_value = note.clone();
    view! {
        <div class="field-row">
            <p class="stack">
                <label for="appointment-date">{t(Key::AppointmentsDate)}</label>
                <input type="date" id="appointment-date" name="date" required value=date />
            </p>
            <p class="stack">
                <label for="appointment-time">{t(Key::AppointmentsTime)}</label>
                <input type="time" id="appointment-time" name="time" required step="300" value=time />
            </p>
        </div>
        <div class="field-row">
            <p class="stack">
                <label for="appointment-minutes">{t(Key::AppointmentsMinutes)}</label>
                <input type="number" id="appointment-minutes" name="minutes" required min="5" max="240" step="5"
                    inputmode="numeric" value=minutes />
            </p>
            {count.then(|| view! {
                <p class="stack">
                    <label for="appointment-count">{t(Key::AppointmentsCount)}</label>
                    <input type="number" id="appointment-count" name="count" required min="1" max="12"
                        inputmode="numeric" value=query("count").unwrap_or_else(|| "1".to_owned()) />
                </p>
            })}
        </div>
        <fieldset>
            <legend>{t(Key::AppointmentsPlace)}</legend>
            {Place::ALL.into_iter().map(|p| {
                let id = format!("appointment-place-{}", p.code());
                view! {
                    <p class="choice">
                        <input type="radio" id=id.clone() name="place" value=p.code() checked={place == p.code()} />
                        <label for=id>{t(place_key(p))}</label>
                    </p>
                }
            }).collect_view()}
        </fieldset>
        <label for="appointment-location">{t(Key::AppointmentsWhere)}</label>
        <input type="text" id="appointment-location" name="location" maxlength="500"
            aria-describedby="appointment-location-help" value=location />
        <p class="muted" id="appointment-location-help">{t(Key::AppointmentsWhereHelp)}</p>
        <label for="appointment-note">{t(Key::AppointmentsNote)}</label>
        <textarea id="appointment-note" name="note" rows="3" maxlength="1000" prop:value=note_value>{note}</textarea>
    }
}

/// A coach's form to offer times.
#[component]
fn OfferForm() -> impl IntoView {
    view! {
        <h2 id="offer-times">{t(Key::AppointmentsOfferHeading)}</h2>
        <p>{t(Key::AppointmentsOfferIntro)}</p>
        <form method="post" action="/api/offer_times" class="stack form-narrow" aria-labelledby="offer-times">
            <TimeFields current=None />
            <button type="submit" class="button">{t(Key::AppointmentsOfferSubmit)}</button>
        </form>
    }
}

/// `/appointments/:id`
#[component]
pub fn AppointmentPage() -> impl IntoView {
    let params = use_params_map();
    let one = Resource::new(
        move || {
            params
                .read()
                .get("id")
                .and_then(|id| id.parse::<i32>().ok())
        },
        |id| get_appointment(id.unwrap_or(0)),
    );
    loaded(one, |a| view! { <AppointmentView a /> })
}

#[component]
fn AppointmentView(a: AppointmentView) -> impl IntoView {
    let locale = use_locale();
    let page_title = local_span(locale.get_untracked(), &a.starts, &a.ends);
    let id = a.id;
    let heading = when(&a);
    let crumb = when(&a);
    let booked_by_me = !a.mine && a.state == AppointmentState::Booked;
    let open = a.state == AppointmentState::Open;
    let party = a.mine || a.state != AppointmentState::Open;
    let notice = if query("booked").is_some() {
        Some(Key::AppointmentBookedNotice)
    } else if query("changed").is_some() {
        Some(Key::AppointmentChangedNotice)
    } else {
        None
    };
    let coach_name = a.coach.1.clone();
    let typed = query("body").unwrap_or_default();
    let typed_value = typed.clone();
    let book_label = {
        let label = when(&a);
        move || tf(Key::AppointmentBook, vec![("when", label())])()
    };
    view! {
        <leptos_meta::Title text=page_title />
        <nav class="breadcrumb" aria-label=t(Key::BreadcrumbLabel)>
            <ol>
                <li><a href="/appointments">{t(Key::AppointmentsHeading)}</a></li>
                <li><a href=format!("/appointments/{id}") aria-current="page">{crumb}</a></li>
            </ol>
        </nav>
        <h1>{heading}</h1>
        {notice.map(|key| view! { <p class="notice" role="status">{t(key)}</p> })}
        <FormError />
        <p class="lead">{title(&a)}</p>
        <Details a=a.clone() />
        {party.then(|| view! {
            <p><a class="button button--quiet" href=format!("/appointments/{id}/calendar.ics") download="">
                {t(Key::AppointmentCalendar)}</a></p>
        })}
        {(open && !a.mine).then(|| view! {
            <form method="post" action="/api/book_time">
                <input type="hidden" name="id" value=id.to_string() />
                <button type="submit" class="button">{book_label}</button>
            </form>
        })}
        {booked_by_me.then(|| view! {
            <form method="post" action="/api/cancel_booking">
                <input type="hidden" name="id" value=id.to_string() />
                <button type="submit" class="button button--quiet">{t(Key::AppointmentCancel)}</button>
            </form>
            <h2 id="ask-other">{t(Key::AppointmentAskHeading)}</h2>
            <form method="post" action="/api/ask_other_time" class="stack form-narrow" aria-labelledby="ask-other">
                <input type="hidden" name="id" value=id.to_string() />
                <label for="ask-body">{tf(Key::AppointmentAskLabel, vec![("name", coach_name.clone())])}</label>
                <textarea id="ask-body" name="body" rows="3" maxlength="1800" required prop:value=typed_value>{typed}</textarea>
                <button type="submit" class="button">{t(Key::AppointmentAskSubmit)}</button>
            </form>
        })}
        {(a.mine && a.state != AppointmentState::Cancelled).then(|| view! {
            <h2 id="change-time">{t(Key::AppointmentChangeHeading)}</h2>
            <form method="post" action="/api/change_time" class="stack form-narrow" aria-labelledby="change-time">
                <input type="hidden" name="id" value=id.to_string() />
                <TimeFields current=Some(a.clone()) count=false />
                <button type="submit" class="button">{t(Key::AppointmentChangeSubmit)}</button>
            </form>
            <h2 id="call-off">{t(Key::AppointmentCallOff)}</h2>
            <form method="post" action="/api/call_off_time" class="stack form-narrow" aria-labelledby="call-off">
                <input type="hidden" name="id" value=id.to_string() />
                <label for="call-off-reason">{t(Key::AppointmentCallOffReason)}</label>
                <textarea id="call-off-reason" name="reason" rows="2" maxlength="1000"></textarea>
                <button type="submit" class="button button--quiet">{t(Key::AppointmentCallOff)}</button>
            </form>
        })}
    }
}
