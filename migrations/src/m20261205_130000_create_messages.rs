//! Messages between a learner and her coaches, and a coach's
//! announcements to a group.
//!
//! - `conversations`: one per learner and coach (`learner_id`,
//!   `coach_id`), or one per group (`group_id`) for its announcements.
//!   An erased account leaves the conversation to the other side: its
//!   column becomes `NULL` ("deleted account") while its own messages go.
//! - `messages`: plain text, oldest first by id; `hidden` by the coach.
//! - `conversation_reads`: how far each person has read a conversation
//!   (the id of the last message read), for the unread counts.
//! - `users.language`: the language the person last chose for the site,
//!   so that texts written for her (a coach's nudge, later e-mails) are in
//!   her language.

use sea_orm_migration::prelude::*;

use crate::helpers::{fk, id, index, int, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Conversations {
    Table,
    Id,
    LearnerId,
    CoachId,
    GroupId,
    CreatedAt,
    LastMessageAt,
}

#[derive(DeriveIden)]
enum Messages {
    Table,
    Id,
    ConversationId,
    AuthorId,
    Body,
    Hidden,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ConversationReads {
    Table,
    Id,
    ConversationId,
    UserId,
    LastReadId,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Language,
}

#[derive(DeriveIden)]
enum Groups {
    Table,
    Id,
}

/// A foreign key to `users` that becomes `NULL` when the account goes.
fn person_or_null(name: &str, column: Conversations) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(Conversations::Table, column)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::SetNull)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Conversations::Table)
                    .col(id(Conversations::Id))
                    .col(ColumnDef::new(Conversations::LearnerId).integer().null())
                    .col(ColumnDef::new(Conversations::CoachId).integer().null())
                    .col(ColumnDef::new(Conversations::GroupId).integer().null())
                    .col(time(Conversations::CreatedAt))
                    .col(time(Conversations::LastMessageAt))
                    .foreign_key(&mut person_or_null(
                        "conversations_learner_id_fkey",
                        Conversations::LearnerId,
                    ))
                    .foreign_key(&mut person_or_null(
                        "conversations_coach_id_fkey",
                        Conversations::CoachId,
                    ))
                    .foreign_key(&mut fk(
                        "conversations_group_id_fkey",
                        (Conversations::Table, Conversations::GroupId),
                        (Groups::Table, Groups::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "conversations_pair_idx",
            Conversations::Table,
            vec![
                Conversations::LearnerId.into_iden(),
                Conversations::CoachId.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            manager,
            "conversations_coach_idx",
            Conversations::Table,
            vec![Conversations::CoachId.into_iden()],
            false,
        )
        .await?;
        index(
            manager,
            "conversations_group_idx",
            Conversations::Table,
            vec![Conversations::GroupId.into_iden()],
            true,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(Messages::Table)
                    .col(id(Messages::Id))
                    .col(int(Messages::ConversationId))
                    .col(int(Messages::AuthorId))
                    .col(ColumnDef::new(Messages::Body).text().not_null())
                    .col(
                        ColumnDef::new(Messages::Hidden)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(time(Messages::CreatedAt))
                    .foreign_key(&mut fk(
                        "messages_conversation_id_fkey",
                        (Messages::Table, Messages::ConversationId),
                        (Conversations::Table, Conversations::Id),
                    ))
                    .foreign_key(&mut fk(
                        "messages_author_id_fkey",
                        (Messages::Table, Messages::AuthorId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "messages_conversation_idx",
            Messages::Table,
            vec![
                Messages::ConversationId.into_iden(),
                Messages::Id.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "messages_author_idx",
            Messages::Table,
            vec![
                Messages::AuthorId.into_iden(),
                Messages::CreatedAt.into_iden(),
            ],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(ConversationReads::Table)
                    .col(id(ConversationReads::Id))
                    .col(int(ConversationReads::ConversationId))
                    .col(int(ConversationReads::UserId))
                    .col(int(ConversationReads::LastReadId))
                    .foreign_key(&mut fk(
                        "conversation_reads_conversation_id_fkey",
                        (ConversationReads::Table, ConversationReads::ConversationId),
                        (Conversations::Table, Conversations::Id),
                    ))
                    .foreign_key(&mut fk(
                        "conversation_reads_user_id_fkey",
                        (ConversationReads::Table, ConversationReads::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "conversation_reads_person_idx",
            ConversationReads::Table,
            vec![
                ConversationReads::UserId.into_iden(),
                ConversationReads::ConversationId.into_iden(),
            ],
            true,
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(Users::Language).string_len(2).null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::Language)
                    .to_owned(),
            )
            .await?;
        for table in [
            ConversationReads::Table.into_iden(),
            Messages::Table.into_iden(),
            Conversations::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
