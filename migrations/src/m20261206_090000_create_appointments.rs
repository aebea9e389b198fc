//! `appointments`: a time a coach offers (`open`), which a learner of her
//! groups books (`booked`, `learner_id`), or which the coach called off
//! (`cancelled`, kept so the learner sees it until it has passed).
//!
//! - `place_kind` is `phone`, `video` or `address`; `place` the number,
//!   the video link of the municipality's own service, or the street
//!   address; `note` anything else the coach wants to say.
//! - `booking` counts the bookings of the time (a calendar entry's `UID`
//!   is made from it, so a learner who cancelled and the one who booked
//!   the time after her have two different entries); `sequence` counts
//!   every change (the `SEQUENCE` of RFC 5545), `reminded_at` says the
//!   day-before reminder went.
//! - `notifications_actor_idx`: a learner's bookings and cancellations
//!   in the last hour are counted from what her coaches were told (the
//!   rate limit).
//! - An erased learner leaves `learner_id` `NULL` on a booked time (the
//!   coach sees "deleted account"); an erased coach's times go with her.

use sea_orm_migration::prelude::*;

use crate::helpers::{fk, id, index, int, text, time, time_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Appointments {
    Table,
    Id,
    CoachId,
    LearnerId,
    StartsAt,
    Minutes,
    PlaceKind,
    Place,
    Note,
    State,
    Booking,
    Sequence,
    BookedAt,
    RemindedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    ActorId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Appointments::Table)
                    .col(id(Appointments::Id))
                    .col(int(Appointments::CoachId))
                    .col(ColumnDef::new(Appointments::LearnerId).integer().null())
                    .col(time(Appointments::StartsAt))
                    .col(int(Appointments::Minutes))
                    .col(text(Appointments::PlaceKind, 16))
                    .col(text(Appointments::Place, 500))
                    .col(ColumnDef::new(Appointments::Note).text().not_null())
                    .col(text(Appointments::State, 16))
                    .col(int(Appointments::Booking).default(0))
                    .col(int(Appointments::Sequence).default(0))
                    .col(time_null(Appointments::BookedAt))
                    .col(time_null(Appointments::RemindedAt))
                    .col(time(Appointments::CreatedAt))
                    .col(time(Appointments::UpdatedAt))
                    .foreign_key(&mut fk(
                        "appointments_coach_id_fkey",
                        (Appointments::Table, Appointments::CoachId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("appointments_learner_id_fkey")
                            .from(Appointments::Table, Appointments::LearnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, first) in [
            ("appointments_coach_idx", Appointments::CoachId),
            ("appointments_learner_idx", Appointments::LearnerId),
            ("appointments_state_idx", Appointments::State),
        ] {
            index(
                manager,
                name,
                Appointments::Table,
                vec![first.into_iden(), Appointments::StartsAt.into_iden()],
                false,
            )
            .await?;
        }
        index(
            manager,
            "notifications_actor_idx",
            Notifications::Table,
            vec![
                Notifications::ActorId.into_iden(),
                Notifications::CreatedAt.into_iden(),
            ],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("notifications_actor_idx")
                    .table(Notifications::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Appointments::Table).to_owned())
            .await
    }
}
