//! `conversations.closed_at`: since when a learner and her coach are no
//! longer in touch (she left the group, or either account was erased).
//! The conversation is kept for the days the site sets
//! (`--message-retention-days`) and then deleted; back in touch, it opens
//! again.

use sea_orm_migration::prelude::*;

use crate::helpers::time_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Conversations {
    Table,
    ClosedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Conversations::Table)
                    .add_column(time_null(Conversations::ClosedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Conversations::Table)
                    .drop_column(Conversations::ClosedAt)
                    .to_owned(),
            )
            .await
    }
}
