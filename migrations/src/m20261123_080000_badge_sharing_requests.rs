//! Badges shared by link, and evidence sent for a coach's approval.
//!
//! `badge_awards.share_token`: the random part of a badge's public link
//! (`/verify?badge=…`), set only when its holder shares it and cleared
//! when they stop; a unique index finds the badge from its link.
//! `badge_awards.evidence`: what the approved submission showed (also in
//! the signed credential's `evidence`).
//!
//! `badge_requests`: a learner's evidence (text and an optional link) for
//! a badge that needs a coach's approval, and the coach's decision.
//!
//! A badge revoked can be earned again: the unique index on (learner,
//! course, badge) now covers only badges not revoked.
//!
//! `badge_revocations`: the revocation list's set entries (a badge's row id
//! and when), apart from the badge and its holder: erasing an account
//! deletes its badges, but a revoked badge must stay revoked for anyone
//! who still holds its file. Nothing in it names a person.

use sea_orm_migration::prelude::*;

use crate::helpers::{fk, id, index, int, text, time, time_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BadgeAwards {
    Table,
    UserId,
    CourseId,
    BadgeSlug,
    RevokedAt,
    ShareToken,
    Evidence,
}

#[derive(DeriveIden)]
enum BadgeRequests {
    Table,
    Id,
    UserId,
    CourseId,
    BadgeSlug,
    EvidenceText,
    EvidenceUrl,
    State,
    SubmittedAt,
    DecidedAt,
    DecidedBy,
    CoachNote,
}

#[derive(DeriveIden)]
enum BadgeRevocations {
    Table,
    Id,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Courses {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(BadgeAwards::ShareToken)
                .string_len(64)
                .null()
                .to_owned(),
            ColumnDef::new(BadgeAwards::Evidence)
                .text()
                .null()
                .to_owned(),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(BadgeAwards::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("badge_awards_user_course_badge_key")
                    .table(BadgeAwards::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("badge_awards_held_key")
                    .table(BadgeAwards::Table)
                    .col(BadgeAwards::UserId)
                    .col(BadgeAwards::CourseId)
                    .col(BadgeAwards::BadgeSlug)
                    .unique()
                    .and_where(Expr::col(BadgeAwards::RevokedAt).is_null())
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "badge_awards_share_token_key",
            BadgeAwards::Table,
            vec![BadgeAwards::ShareToken.into_iden()],
            true,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(BadgeRequests::Table)
                    .col(id(BadgeRequests::Id))
                    .col(int(BadgeRequests::UserId))
                    .col(int(BadgeRequests::CourseId))
                    .col(text(BadgeRequests::BadgeSlug, 64))
                    .col(
                        ColumnDef::new(BadgeRequests::EvidenceText)
                            .text()
                            .not_null(),
                    )
                    .col(ColumnDef::new(BadgeRequests::EvidenceUrl).text().null())
                    .col(text(BadgeRequests::State, 16))
                    .col(time(BadgeRequests::SubmittedAt))
                    .col(time_null(BadgeRequests::DecidedAt))
                    .col(ColumnDef::new(BadgeRequests::DecidedBy).integer().null())
                    .col(ColumnDef::new(BadgeRequests::CoachNote).text().null())
                    .foreign_key(&mut fk(
                        "badge_requests_user_id_fkey",
                        (BadgeRequests::Table, BadgeRequests::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut fk(
                        "badge_requests_course_id_fkey",
                        (BadgeRequests::Table, BadgeRequests::CourseId),
                        (Courses::Table, Courses::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BadgeRevocations::Table)
                    .col(
                        ColumnDef::new(BadgeRevocations::Id)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(time(BadgeRevocations::RevokedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "badge_requests_user_course_badge_idx",
            BadgeRequests::Table,
            vec![
                BadgeRequests::UserId.into_iden(),
                BadgeRequests::CourseId.into_iden(),
                BadgeRequests::BadgeSlug.into_iden(),
            ],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BadgeRevocations::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(BadgeRequests::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("badge_awards_share_token_key")
                    .table(BadgeAwards::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("badge_awards_held_key")
                    .table(BadgeAwards::Table)
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "badge_awards_user_course_badge_key",
            BadgeAwards::Table,
            vec![
                BadgeAwards::UserId.into_iden(),
                BadgeAwards::CourseId.into_iden(),
                BadgeAwards::BadgeSlug.into_iden(),
            ],
            true,
        )
        .await?;
        for column in [BadgeAwards::ShareToken, BadgeAwards::Evidence] {
            manager
                .alter_table(
                    Table::alter()
                        .table(BadgeAwards::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
