//! Notifications, in the app and by e-mail.
//!
//! - `notifications`: one row per thing that happened to a person
//!   (`user_id`): its `kind`, who caused it (`actor_id`, `NULL` once that
//!   account is erased), where to see it (`link`), what to say (`detail`,
//!   JSON), when, and when she saw it (`read_at`). The e-mail columns make
//!   the row its own entry in the durable outbox: `email_state` (`NULL`:
//!   no e-mail; `pending`, `sent`, `failed`, `expired`), attempts, the
//!   next attempt, the claim of the instance sending it (so several
//!   instances never send one twice at once, and a crashed instance's
//!   claim runs out), when it was sent and the last error.
//! - `users.email_kinds`: the kinds she wants by e-mail (comma-separated;
//!   `NULL`: every kind); `users.email_bodies`: a message's text goes in
//!   the e-mail (off unless she chooses it).

use sea_orm_migration::prelude::*;

use crate::helpers::{fk, id, index, int, text, time, time_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    Kind,
    ActorId,
    Link,
    Detail,
    CreatedAt,
    ReadAt,
    EmailState,
    EmailAttempts,
    EmailNextAt,
    EmailClaimedUntil,
    EmailSentAt,
    EmailError,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    EmailKinds,
    EmailBodies,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(id(Notifications::Id))
                    .col(int(Notifications::UserId))
                    .col(text(Notifications::Kind, 32))
                    .col(ColumnDef::new(Notifications::ActorId).integer().null())
                    .col(text(Notifications::Link, 300))
                    .col(ColumnDef::new(Notifications::Detail).text().not_null())
                    .col(time(Notifications::CreatedAt))
                    .col(time_null(Notifications::ReadAt))
                    .col(
                        ColumnDef::new(Notifications::EmailState)
                            .string_len(16)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Notifications::EmailAttempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(time_null(Notifications::EmailNextAt))
                    .col(time_null(Notifications::EmailClaimedUntil))
                    .col(time_null(Notifications::EmailSentAt))
                    .col(
                        ColumnDef::new(Notifications::EmailError)
                            .string_len(500)
                            .null(),
                    )
                    .foreign_key(&mut fk(
                        "notifications_user_id_fkey",
                        (Notifications::Table, Notifications::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("notifications_actor_id_fkey")
                            .from(Notifications::Table, Notifications::ActorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "notifications_user_idx",
            Notifications::Table,
            vec![
                Notifications::UserId.into_iden(),
                Notifications::Id.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "notifications_email_idx",
            Notifications::Table,
            vec![
                Notifications::EmailState.into_iden(),
                Notifications::EmailNextAt.into_iden(),
            ],
            false,
        )
        .await?;
        // One column per statement: SQLite alters one at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(Users::EmailKinds).string_len(300).null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(
                        ColumnDef::new(Users::EmailBodies)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Users::EmailBodies, Users::EmailKinds] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(Notifications::Table).to_owned())
            .await
    }
}
