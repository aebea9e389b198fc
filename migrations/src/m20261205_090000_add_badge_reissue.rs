//! Revocation sticks: a revoked badge is not issued again by its rule
//! until a coach of its holder (or an admin) allows earning it again.
//! `badge_awards.reissue_allowed_at` is when that was allowed (the reason
//! and who did it are in the audit log). Rows from before this migration
//! have none: their revoked badges stay revoked.

use sea_orm_migration::prelude::*;

use crate::helpers::time_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BadgeAwards {
    Table,
    ReissueAllowedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(BadgeAwards::Table)
                    .add_column(time_null(BadgeAwards::ReissueAllowedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(BadgeAwards::Table)
                    .drop_column(BadgeAwards::ReissueAllowedAt)
                    .to_owned(),
            )
            .await
    }
}
