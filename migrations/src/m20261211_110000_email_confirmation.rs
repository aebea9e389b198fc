//! A learner's e-mail address confirmed: `users.email_confirmed_at` is
//! when she opened the link sent to it (cleared when the address changes),
//! and `email_confirmations` holds the one link waiting per account (only
//! its code's SHA-256, the address it was sent to, and when it was made
//! and ends). A site may then name her in badges by a salted hash of the
//! confirmed address, as Open Badges recipients usually are.

use sea_orm_migration::prelude::*;

use crate::helpers::{fk, text, time, time_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    EmailConfirmedAt,
}

#[derive(DeriveIden)]
enum EmailConfirmations {
    Table,
    UserId,
    Email,
    CodeHash,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(time_null(Users::EmailConfirmedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EmailConfirmations::Table)
                    .col(
                        ColumnDef::new(EmailConfirmations::UserId)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(text(EmailConfirmations::Email, 254))
                    .col(text(EmailConfirmations::CodeHash, 64))
                    .col(time(EmailConfirmations::CreatedAt))
                    .col(time(EmailConfirmations::ExpiresAt))
                    .foreign_key(&mut fk(
                        "email_confirmations_user_id_fkey",
                        (EmailConfirmations::Table, EmailConfirmations::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("email_confirmations_code_hash_key")
                    .table(EmailConfirmations::Table)
                    .col(EmailConfirmations::CodeHash)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EmailConfirmations::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::EmailConfirmedAt)
                    .to_owned(),
            )
            .await
    }
}
