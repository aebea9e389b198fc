//! What is kept, and for how long: a person's appointments in her data
//! export, and the sweep of appointments long past.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::CoreError;
use crate::db::entities::appointments;

/// Person `user`'s appointments for her data export: the times she
/// offers and the ones she booked, with the other person's name.
pub async fn personal_data<C: ConnectionTrait>(
    db: &C,
    user: i32,
) -> Result<serde_json::Value, CoreError> {
    use serde_json::json;
    let rows = appointments::Entity::find()
        .filter(
            Condition::any()
                .add(appointments::Column::CoachId.eq(user))
                .add(appointments::Column::LearnerId.eq(user)),
        )
        .order_by_asc(appointments::Column::StartsAt)
        .all(db)
        .await?;
    let people = super::names_of(db, &rows).await?;
    let list: Vec<_> = rows
        .iter()
        .map(|row| {
            json!({
                "starts": row.starts_at.to_rfc3339(),
                "minutes": row.minutes,
                "place": row.place_kind,
                "where": row.place,
                "note": row.note,
                "state": row.state,
                "coach": people.get(&row.coach_id),
                "learner": row.learner_id.and_then(|id| people.get(&id)),
                "booked": row.booked_at.map(|t| t.to_rfc3339()),
            })
        })
        .collect();
    Ok(json!(list))
}

/// Before account `user` is erased: her coming bookings are cancelled
/// (the times open again) and her coaches told; the learners who booked
/// her coming times (if she offers any) are told they are cancelled.
pub async fn before_erase<C: ConnectionTrait>(db: &C, user: i32) -> Result<(), CoreError> {
    use crate::notifications::{NotificationKind, notify};
    use polku_types::appointments::AppointmentState;
    let now = chrono::Utc::now();
    let booked = appointments::Entity::find()
        .filter(
            Condition::any()
                .add(appointments::Column::CoachId.eq(user))
                .add(appointments::Column::LearnerId.eq(user)),
        )
        .filter(appointments::Column::State.eq(AppointmentState::Booked.code()))
        .filter(appointments::Column::StartsAt.gt(now))
        .all(db)
        .await?;
    for row in booked {
        let (told, learner) = if row.coach_id == user {
            (row.learner_id, false)
        } else {
            (Some(row.coach_id), true)
        };
        if learner {
            super::reopen(now)
                .filter(appointments::Column::Id.eq(row.id))
                .exec(db)
                .await?;
        }
        if let Some(told) = told {
            let mut note =
                super::note_about(&row, told, NotificationKind::AppointmentCancelled, user);
            note.actor = None;
            notify(db, note).await?;
        }
    }
    Ok(())
}

/// Deletes the appointments that ended more than `keep` ago; how many.
pub async fn sweep<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    keep: Duration,
) -> Result<u64, CoreError> {
    let longest = Duration::minutes(i64::from(*super::LENGTHS.end()));
    Ok(appointments::Entity::delete_many()
        .filter(appointments::Column::StartsAt.lt(now - keep - longest))
        .exec(db)
        .await?
        .rows_affected)
}
