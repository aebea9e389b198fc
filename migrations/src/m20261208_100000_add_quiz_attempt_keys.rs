//! `quiz_attempts.client_key`: the key a browser gave an answer it kept
//! while offline (see `app/public/offline.js`). Sent again (its reply was
//! lost, or the page sent its queue twice), the same answer is recorded
//! once: the key is unique per learner. `NULL` for answers sent online.

use sea_orm_migration::prelude::*;

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum QuizAttempts {
    Table,
    UserId,
    ClientKey,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(QuizAttempts::Table)
                    .add_column(
                        ColumnDef::new(QuizAttempts::ClientKey)
                            .string_len(64)
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "quiz_attempts_user_client_key_key",
            QuizAttempts::Table,
            vec![
                QuizAttempts::UserId.into_iden(),
                QuizAttempts::ClientKey.into_iden(),
            ],
            true,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("quiz_attempts_user_client_key_key")
                    .table(QuizAttempts::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(QuizAttempts::Table)
                    .drop_column(QuizAttempts::ClientKey)
                    .to_owned(),
            )
            .await
    }
}
