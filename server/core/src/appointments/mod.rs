//! Appointments: a coach offers times (date, time, length, where and a
//! note), a learner of her groups books one, cancels it or asks for
//! another time, and both see what is coming on their dashboards and in
//! their calendars (an `.ics` file for each, see [`ics`]).
//!
//! Rules, all checked here:
//! - A coach offers times only while she coaches a group; the times of
//!   one coach never overlap.
//! - A learner books an open time only with an [`Act::Book`] grant: she
//!   joined (or accepted) a group of its coach. Another coach's times, or
//!   her coach's once she left, answer "not found".
//! - Booking is one conditional update: of two learners booking the same
//!   time at once, one gets it and the other is told it was taken.
//! - A learner holds at most [`MAX_BOOKED`] coming appointments with one
//!   coach, and books or cancels at most [`CHANGES_PER_HOUR`] times an
//!   hour.
//! - Only the learner who booked cancels her booking (the time is open
//!   again); only the coach changes a time or calls it off; nobody changes
//!   what has begun.
//! - Each change tells the other person (a notification, and an e-mail
//!   with the calendar entry when she wants it); the day before, both are
//!   reminded ([`remind_due`]).

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Set,
};

use crate::CoreError;
use crate::accounts::{Actor, Role};
use crate::authz::{Act, AppointmentId, authorize};
use crate::db::entities::{appointments, group_members, groups};
use crate::notifications::{Detail, Note, NotificationKind, notify};

pub use polku_types::appointments::{AppointmentState, AppointmentView, Appointments, Place};

pub mod ics;
mod keep;

pub use keep::{before_erase, personal_data, sweep};

/// Coming appointments one learner may hold with one coach.
pub const MAX_BOOKED: u64 = 3;
/// Bookings and cancellations one learner may make per hour (each tells
/// the coach, by e-mail too: no flooding her).
pub const CHANGES_PER_HOUR: u64 = 10;
/// The shortest and longest appointment, in minutes.
pub const LENGTHS: std::ops::RangeInclusive<i32> = 5..=240;
/// Times offered at once, one after another.
pub const MAX_COUNT: i32 = 12;
/// Longest note, in characters.
pub const MAX_NOTE: usize = 1000;
/// Longest place (number, link or address), in characters.
pub const MAX_PLACE: usize = 500;
/// How far ahead a time can be offered.
pub const AHEAD: Duration = Duration::days(366);
/// Times a list shows at most.
const LISTED: u64 = 200;

/// A time (or several, one after another) as the coach's form gives it.
#[derive(Debug, Clone, Default)]
pub struct Offer {
    /// `YYYY-MM-DD`, in the site's time zone.
    pub date: String,
    /// `HH:MM`, in the site's time zone.
    pub time: String,
    /// Length in minutes.
    pub minutes: i32,
    /// How many times, one after another (1 when changing a time).
    pub count: i32,
    /// `phone`, `video` or `address`.
    pub place: String,
    /// The number, the video link or the address.
    pub where_: String,
    /// Anything else.
    pub note: String,
}

/// An offer checked: its first start and what every time shares.
struct Checked {
    start: DateTime<Utc>,
    minutes: i32,
    count: i32,
    place: Place,
    where_: String,
    note: String,
}

fn check(offer: &Offer, now: DateTime<Utc>) -> Result<Checked, CoreError> {
    let date = NaiveDate::parse_from_str(offer.date.trim(), "%Y-%m-%d")
        .map_err(|_| CoreError::Rejected("appointment_date"))?;
    let time = NaiveTime::parse_from_str(offer.time.trim(), "%H:%M")
        .map_err(|_| CoreError::Rejected("appointment_date"))?;
    let start =
        crate::dates::at_local(date, time).ok_or(CoreError::Rejected("appointment_date"))?;
    if start <= now {
        return Err(CoreError::Rejected("appointment_past"));
    }
    if start > now + AHEAD {
        return Err(CoreError::Rejected("appointment_far"));
    }
    if !LENGTHS.contains(&offer.minutes) {
        return Err(CoreError::Rejected("appointment_length"));
    }
    if !(1..=MAX_COUNT).contains(&offer.count) {
        return Err(CoreError::Rejected("appointment_count"));
    }
    let place = Place::from_code(&offer.place).ok_or(CoreError::Rejected("appointment_place"))?;
    let where_ = offer.where_.trim().to_owned();
    if where_.chars().count() > MAX_PLACE {
        return Err(CoreError::Rejected("appointment_place"));
    }
    match place {
        Place::Phone => {}
        Place::Address if where_.is_empty() => {
            return Err(CoreError::Rejected("appointment_place"));
        }
        Place::Address => {}
        Place::Video => {
            let lower = where_.to_ascii_lowercase();
            let link = lower.starts_with("https://") && !where_.contains(char::is_whitespace);
            if !link {
                return Err(CoreError::Rejected("appointment_link"));
            }
        }
    }
    let note = offer.note.trim().to_owned();
    if note.chars().count() > MAX_NOTE {
        return Err(CoreError::Rejected("appointment_note"));
    }
    Ok(Checked {
        start,
        minutes: offer.minutes,
        count: offer.count,
        place,
        where_,
        note,
    })
}

fn end_of(row: &appointments::Model) -> DateTime<Utc> {
    row.starts_at + Duration::minutes(i64::from(row.minutes))
}

fn state_of(row: &appointments::Model) -> AppointmentState {
    AppointmentState::from_code(&row.state).unwrap_or(AppointmentState::Open)
}

/// Whether `coach` coaches a group.
async fn coaches<C: ConnectionTrait>(db: &C, coach: i32) -> Result<bool, CoreError> {
    Ok(groups::Entity::find()
        .filter(groups::Column::CoachId.eq(coach))
        .count(db)
        .await?
        > 0)
}

/// Whether the times from `start` for `minutes` each, `count` of them,
/// meet a time `coach` already offers (other than `except`).
async fn overlaps<C: ConnectionTrait>(
    db: &C,
    coach: i32,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    except: Option<i32>,
) -> Result<bool, CoreError> {
    let longest = Duration::minutes(i64::from(*LENGTHS.end()));
    let mut query = appointments::Entity::find()
        .filter(appointments::Column::CoachId.eq(coach))
        .filter(appointments::Column::State.ne(AppointmentState::Cancelled.code()))
        .filter(appointments::Column::StartsAt.lt(end))
        .filter(appointments::Column::StartsAt.gt(start - longest));
    if let Some(id) = except {
        query = query.filter(appointments::Column::Id.ne(id));
    }
    Ok(query.all(db).await?.iter().any(|row| end_of(row) > start))
}

/// The coach offers the times of `offer`; their ids.
pub async fn offer(
    db: &DatabaseConnection,
    actor: &Actor,
    offer: &Offer,
) -> Result<Vec<i32>, CoreError> {
    let now = Utc::now();
    let checked = check(offer, now)?;
    if !coaches(db, actor.id()).await? {
        return Err(CoreError::Forbidden);
    }
    let length = Duration::minutes(i64::from(checked.minutes));
    let end = checked.start + length * checked.count;
    if overlaps(db, actor.id(), checked.start, end, None).await? {
        return Err(CoreError::Rejected("appointment_overlap"));
    }
    let txn = crate::db::begin_write(db).await?;
    let mut ids = Vec::new();
    for n in 0..checked.count {
        let row = appointments::ActiveModel {
            coach_id: Set(actor.id()),
            learner_id: Set(None),
            starts_at: Set(checked.start + length * n),
            minutes: Set(checked.minutes),
            place_kind: Set(checked.place.code().to_owned()),
            place: Set(checked.where_.clone()),
            note: Set(checked.note.clone()),
            state: Set(AppointmentState::Open.code().to_owned()),
            booking: Set(0),
            sequence: Set(0),
            booked_at: Set(None),
            reminded_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        ids.push(row.id);
    }
    txn.commit().await?;
    Ok(ids)
}

/// What a notification about appointment `row` says and links to.
fn note_about(row: &appointments::Model, user: i32, kind: NotificationKind, actor: i32) -> Note {
    Note {
        user,
        kind,
        actor: Some(actor),
        link: format!("/appointments/{}", row.id),
        names: Default::default(),
        detail: Detail {
            what: Some(crate::dates::minute(row.starts_at)),
            appointment: Some(row.id),
            booking: Some(row.booking),
            ..Default::default()
        },
    }
}

/// The coach's time `id`, for her to change: `NotFound` unless it is
/// hers; refused once it has begun.
async fn own<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
) -> Result<appointments::Model, CoreError> {
    let grant = authorize(db, actor, Act::OfferTime, AppointmentId(id)).await?;
    let row = grant.target().clone();
    if row.starts_at <= Utc::now() {
        return Err(CoreError::Rejected("appointment_past"));
    }
    Ok(row)
}

/// The coach changes time `id` (when, how long, where, the note); its
/// learner is told.
pub async fn change(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
    offer: &Offer,
) -> Result<(), CoreError> {
    let now = Utc::now();
    let checked = check(
        &Offer {
            count: 1,
            ..offer.clone()
        },
        now,
    )?;
    let row = own(db, actor, id).await?;
    if state_of(&row) == AppointmentState::Cancelled {
        return Err(CoreError::Rejected("appointment_cancelled"));
    }
    let end = checked.start + Duration::minutes(i64::from(checked.minutes));
    if overlaps(db, actor.id(), checked.start, end, Some(id)).await? {
        return Err(CoreError::Rejected("appointment_overlap"));
    }
    let moved = row.starts_at != checked.start;
    // The transaction begins with its write, conditional on the time
    // being as read: a change made meanwhile (a booking) is not lost.
    let txn = crate::db::begin_write(db).await?;
    let mut update = appointments::Entity::update_many()
        .col_expr(appointments::Column::StartsAt, Expr::value(checked.start))
        .col_expr(appointments::Column::Minutes, Expr::value(checked.minutes))
        .col_expr(
            appointments::Column::PlaceKind,
            Expr::value(checked.place.code()),
        )
        .col_expr(appointments::Column::Place, Expr::value(checked.where_))
        .col_expr(appointments::Column::Note, Expr::value(checked.note));
    if moved {
        update = update.col_expr(
            appointments::Column::RemindedAt,
            Expr::value(None::<DateTime<Utc>>),
        );
    }
    let row = bump(&txn, update, &row, now).await?;
    if let (AppointmentState::Booked, Some(learner)) = (state_of(&row), row.learner_id) {
        let note = note_about(
            &row,
            learner,
            NotificationKind::AppointmentChanged,
            actor.id(),
        );
        notify(&txn, note).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Runs `update` on `row` with its [`appointments::Model::sequence`] one
/// higher, if nobody changed it since it was read (else
/// `appointment_stale`); the row after.
async fn bump<C: ConnectionTrait>(
    db: &C,
    update: sea_orm::UpdateMany<appointments::Entity>,
    row: &appointments::Model,
    now: DateTime<Utc>,
) -> Result<appointments::Model, CoreError> {
    let done = update
        .col_expr(
            appointments::Column::Sequence,
            Expr::value(row.sequence + 1),
        )
        .col_expr(appointments::Column::UpdatedAt, Expr::value(now))
        .filter(appointments::Column::Id.eq(row.id))
        .filter(appointments::Column::Sequence.eq(row.sequence))
        .exec(db)
        .await?;
    if done.rows_affected != 1 {
        return Err(CoreError::Rejected("appointment_stale"));
    }
    appointments::Entity::find_by_id(row.id)
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)
}

/// The coach calls time `id` off: an open time goes; a booked one stays,
/// called off, and its learner is told (with `reason`, if given).
pub async fn call_off(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
    reason: &str,
) -> Result<(), CoreError> {
    let reason = reason.trim();
    if reason.chars().count() > MAX_NOTE {
        return Err(CoreError::Rejected("appointment_note"));
    }
    let row = own(db, actor, id).await?;
    let txn = crate::db::begin_write(db).await?;
    match (state_of(&row), row.learner_id) {
        (AppointmentState::Cancelled, _) => {}
        (AppointmentState::Booked, Some(learner)) => {
            let update = appointments::Entity::update_many().col_expr(
                appointments::Column::State,
                Expr::value(AppointmentState::Cancelled.code()),
            );
            let row = bump(&txn, update, &row, Utc::now()).await?;
            let mut note = note_about(
                &row,
                learner,
                NotificationKind::AppointmentCancelled,
                actor.id(),
            );
            note.detail.note = (!reason.is_empty()).then(|| reason.to_owned());
            notify(&txn, note).await?;
        }
        // Open, or booked by an account since erased: nobody to tell.
        _ => {
            appointments::Entity::delete_many()
                .filter(appointments::Column::Id.eq(row.id))
                .filter(appointments::Column::Sequence.eq(row.sequence))
                .exec(&txn)
                .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// The learner books time `id`: refused when it is taken (also by
/// someone booking it at the same moment), begun, or when she holds
/// [`MAX_BOOKED`] coming appointments with the coach. The coach is told.
pub async fn book(db: &DatabaseConnection, actor: &Actor, id: i32) -> Result<(), CoreError> {
    let grant = authorize(db, actor, Act::Book, AppointmentId(id)).await?;
    let row = grant.target();
    let now = Utc::now();
    if row.starts_at <= now {
        return Err(CoreError::Rejected("appointment_past"));
    }
    if state_of(row) != AppointmentState::Open {
        return Err(CoreError::Rejected("appointment_taken"));
    }
    let held = appointments::Entity::find()
        .filter(appointments::Column::CoachId.eq(row.coach_id))
        .filter(appointments::Column::LearnerId.eq(actor.id()))
        .filter(appointments::Column::State.eq(AppointmentState::Booked.code()))
        .filter(appointments::Column::StartsAt.gt(now))
        .count(db)
        .await?;
    if held >= MAX_BOOKED {
        return Err(CoreError::Rejected("appointment_too_many"));
    }
    within_rate(db, actor).await?;
    let txn = crate::db::begin_write(db).await?;
    // One conditional update: only one of two learners booking at once
    // finds it open.
    let taken = appointments::Entity::update_many()
        .col_expr(
            appointments::Column::State,
            Expr::value(AppointmentState::Booked.code()),
        )
        .col_expr(appointments::Column::LearnerId, Expr::value(actor.id()))
        .col_expr(appointments::Column::BookedAt, Expr::value(now))
        .col_expr(
            appointments::Column::RemindedAt,
            Expr::value(None::<DateTime<Utc>>),
        )
        .col_expr(
            appointments::Column::Booking,
            Expr::col(appointments::Column::Booking).add(1),
        )
        .col_expr(
            appointments::Column::Sequence,
            Expr::col(appointments::Column::Sequence).add(1),
        )
        .col_expr(appointments::Column::UpdatedAt, Expr::value(now))
        .filter(appointments::Column::Id.eq(id))
        .filter(appointments::Column::State.eq(AppointmentState::Open.code()))
        .filter(appointments::Column::StartsAt.gt(now))
        .exec(&txn)
        .await?;
    if taken.rows_affected != 1 {
        return Err(CoreError::Rejected("appointment_taken"));
    }
    let row = appointments::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(CoreError::NotFound)?;
    let note = note_about(
        &row,
        row.coach_id,
        NotificationKind::AppointmentBooked,
        actor.id(),
    );
    notify(&txn, note).await?;
    txn.commit().await?;
    Ok(())
}

/// The learner cancels her booking of time `id` (it is open again); the
/// coach is told.
pub async fn cancel(db: &DatabaseConnection, actor: &Actor, id: i32) -> Result<(), CoreError> {
    let row = appointments::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|row| row.learner_id == Some(actor.id()))
        .ok_or(CoreError::NotFound)?;
    let now = Utc::now();
    if row.starts_at <= now {
        return Err(CoreError::Rejected("appointment_past"));
    }
    if state_of(&row) != AppointmentState::Booked {
        return Err(CoreError::Rejected("appointment_cancelled"));
    }
    within_rate(db, actor).await?;
    let txn = crate::db::begin_write(db).await?;
    let freed = reopen(now)
        .filter(appointments::Column::Id.eq(id))
        .filter(appointments::Column::LearnerId.eq(actor.id()))
        .filter(appointments::Column::State.eq(AppointmentState::Booked.code()))
        .exec(&txn)
        .await?;
    if freed.rows_affected != 1 {
        return Err(CoreError::Rejected("appointment_cancelled"));
    }
    let note = note_about(
        &row,
        row.coach_id,
        NotificationKind::AppointmentCancelled,
        actor.id(),
    );
    notify(&txn, note).await?;
    txn.commit().await?;
    Ok(())
}

/// The update that makes a booked time open again (its learner gone, its
/// calendar entry one change further); the caller says which rows.
fn reopen(now: DateTime<Utc>) -> sea_orm::UpdateMany<appointments::Entity> {
    appointments::Entity::update_many()
        .col_expr(
            appointments::Column::State,
            Expr::value(AppointmentState::Open.code()),
        )
        .col_expr(appointments::Column::LearnerId, Expr::value(None::<i32>))
        .col_expr(
            appointments::Column::BookedAt,
            Expr::value(None::<DateTime<Utc>>),
        )
        .col_expr(
            appointments::Column::Sequence,
            Expr::col(appointments::Column::Sequence).add(1),
        )
        .col_expr(appointments::Column::UpdatedAt, Expr::value(now))
}

/// Refuses a learner's booking or cancelling once she has made
/// [`CHANGES_PER_HOUR`] in the last hour (counted from what her coaches
/// were told, in the database: across instances).
async fn within_rate<C: ConnectionTrait>(db: &C, actor: &Actor) -> Result<(), CoreError> {
    use crate::db::entities::notifications;
    let recent = notifications::Entity::find()
        .filter(notifications::Column::ActorId.eq(actor.id()))
        .filter(notifications::Column::Kind.is_in([
            NotificationKind::AppointmentBooked.code(),
            NotificationKind::AppointmentCancelled.code(),
        ]))
        .filter(notifications::Column::CreatedAt.gt(Utc::now() - Duration::hours(1)))
        .count(db)
        .await?;
    if recent >= CHANGES_PER_HOUR {
        return Err(CoreError::Rejected("appointment_rate"));
    }
    Ok(())
}

/// The coaches of the groups `learner` joined or accepted.
async fn coaches_of<C: ConnectionTrait>(db: &C, learner: i32) -> Result<Vec<i32>, CoreError> {
    let mut ids: Vec<i32> = crate::coaching::joined()
        .join(JoinType::InnerJoin, group_members::Relation::Groups.def())
        .filter(group_members::Column::UserId.eq(learner))
        .select_only()
        .column(groups::Column::CoachId)
        .into_tuple()
        .all(db)
        .await?;
    ids.sort_unstable();
    ids.dedup();
    ids.retain(|id| *id != learner);
    Ok(ids)
}

/// The shown names of the coaches and learners of `rows`, by account.
async fn names_of<C: ConnectionTrait>(
    db: &C,
    rows: &[appointments::Model],
) -> Result<std::collections::HashMap<i32, String>, CoreError> {
    let ids = rows
        .iter()
        .flat_map(|r| [Some(r.coach_id), r.learner_id])
        .flatten()
        .collect();
    crate::accounts::names(db, ids).await
}

/// The rows as `reader` sees them.
async fn views<C: ConnectionTrait>(
    db: &C,
    reader: i32,
    rows: Vec<appointments::Model>,
) -> Result<Vec<AppointmentView>, CoreError> {
    let people = names_of(db, &rows).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let state = state_of(&row);
            let learner = row
                .learner_id
                .and_then(|id| people.get(&id).map(|name| (id, name.clone())));
            AppointmentView {
                id: row.id,
                starts: crate::dates::minute(row.starts_at),
                ends: crate::dates::minute(end_of(&row)),
                minutes: row.minutes,
                place: Place::from_code(&row.place_kind).unwrap_or(Place::Phone),
                where_: row.place.clone(),
                note: row.note.clone(),
                state,
                coach: (
                    row.coach_id,
                    people.get(&row.coach_id).cloned().unwrap_or_default(),
                ),
                booked_by_deleted: state != AppointmentState::Open && learner.is_none(),
                learner,
                mine: row.coach_id == reader,
            }
        })
        .collect())
}

/// The actor's coming appointments: the ones she booked (also those her
/// coach called off, until they have passed) and the booked times she
/// offers; with `open`, her open times too. Soonest first.
async fn coming<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    open: bool,
) -> Result<Vec<appointments::Model>, CoreError> {
    let longest = Duration::minutes(i64::from(*LENGTHS.end()));
    let now = Utc::now();
    let as_learner = Condition::all()
        .add(appointments::Column::LearnerId.eq(actor.id()))
        .add(appointments::Column::State.ne(AppointmentState::Open.code()));
    let mut as_coach = Condition::all().add(appointments::Column::CoachId.eq(actor.id()));
    if !open {
        as_coach = as_coach.add(appointments::Column::State.eq(AppointmentState::Booked.code()));
    } else {
        as_coach = as_coach.add(appointments::Column::State.ne(AppointmentState::Cancelled.code()));
    }
    let rows = appointments::Entity::find()
        .filter(Condition::any().add(as_learner).add(as_coach))
        .filter(appointments::Column::StartsAt.gt(now - longest))
        .order_by_asc(appointments::Column::StartsAt)
        .limit(LISTED)
        .all(db)
        .await?;
    Ok(rows.into_iter().filter(|r| end_of(r) > now).collect())
}

/// `/appointments` for the actor.
pub async fn page<C: ConnectionTrait>(db: &C, actor: &Actor) -> Result<Appointments, CoreError> {
    let offers = coaches(db, actor.id()).await?;
    let upcoming = coming(db, actor, true).await?;
    let free = if actor.role() == Role::Learner {
        appointments::Entity::find()
            .filter(appointments::Column::CoachId.is_in(coaches_of(db, actor.id()).await?))
            .filter(appointments::Column::State.eq(AppointmentState::Open.code()))
            .filter(appointments::Column::StartsAt.gt(Utc::now()))
            .order_by_asc(appointments::Column::StartsAt)
            .limit(LISTED)
            .all(db)
            .await?
    } else {
        Vec::new()
    };
    Ok(Appointments {
        offers,
        upcoming: views(db, actor.id(), upcoming).await?,
        free: views(db, actor.id(), free).await?,
    })
}

/// The actor's coming appointments with someone, for her dashboard.
pub async fn upcoming<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
) -> Result<Vec<AppointmentView>, CoreError> {
    let rows = coming(db, actor, false).await?;
    views(db, actor.id(), rows).await
}

/// Appointment `id` as the actor sees it: its coach, the learner who
/// booked it, or a learner who may book it while it is open.
pub async fn one<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
) -> Result<AppointmentView, CoreError> {
    let row = party_row(db, actor, id).await?;
    let row = match row {
        Some(row) => row,
        None => {
            let grant = authorize(db, actor, Act::Book, AppointmentId(id)).await?;
            let row = grant.target().clone();
            if state_of(&row) != AppointmentState::Open {
                return Err(CoreError::NotFound);
            }
            row
        }
    };
    let mut list = views(db, actor.id(), vec![row]).await?;
    list.pop().ok_or(CoreError::NotFound)
}

/// Appointment `id` when the actor is its coach or the learner who
/// booked it.
async fn party_row<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
) -> Result<Option<appointments::Model>, CoreError> {
    Ok(appointments::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|row| row.coach_id == actor.id() || row.learner_id == Some(actor.id())))
}

/// Sends the day-before reminders due at `now` (to both people of each
/// booked time that begins within a day and was booked earlier than a day
/// before it); how many appointments. Each is reminded once, also with
/// several instances sweeping at once.
pub async fn remind_due(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize, CoreError> {
    let due = appointments::Entity::find()
        .filter(appointments::Column::State.eq(AppointmentState::Booked.code()))
        .filter(appointments::Column::RemindedAt.is_null())
        .filter(appointments::Column::StartsAt.gt(now))
        .filter(appointments::Column::StartsAt.lte(now + Duration::days(1)))
        .all(db)
        .await?;
    let mut reminded = 0;
    for row in due {
        let txn = crate::db::begin_write(db).await?;
        let claimed = appointments::Entity::update_many()
            .col_expr(appointments::Column::RemindedAt, Expr::value(now))
            .filter(appointments::Column::Id.eq(row.id))
            .filter(appointments::Column::RemindedAt.is_null())
            .filter(appointments::Column::Sequence.eq(row.sequence))
            .exec(&txn)
            .await?;
        let late = row
            .booked_at
            .is_some_and(|at| at > row.starts_at - Duration::days(1));
        if claimed.rows_affected == 1 && !late {
            for user in [Some(row.coach_id), row.learner_id].into_iter().flatten() {
                let mut note =
                    note_about(&row, user, NotificationKind::AppointmentSoon, row.coach_id);
                note.actor = if user == row.coach_id {
                    row.learner_id
                } else {
                    Some(row.coach_id)
                };
                notify(&txn, note).await?;
            }
            reminded += 1;
        }
        txn.commit().await?;
    }
    Ok(reminded)
}
