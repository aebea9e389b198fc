//! Sessions end after some idle days as well as after their fixed 30:
//! `sessions.last_seen_at` is when the session was last used (written at
//! most once an hour per session, not on every request). Rows from before
//! this migration have none; their start counts instead.
//!
//! `sessions_expires_at_idx`: the hourly sweep deletes sessions by expiry.

use sea_orm_migration::prelude::*;

use crate::helpers::{index, time_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sessions {
    Table,
    ExpiresAt,
    LastSeenAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(time_null(Sessions::LastSeenAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "sessions_expires_at_idx",
            Sessions::Table,
            vec![Sessions::ExpiresAt.into_iden()],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("sessions_expires_at_idx")
                    .table(Sessions::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .drop_column(Sessions::LastSeenAt)
                    .to_owned(),
            )
            .await
    }
}
