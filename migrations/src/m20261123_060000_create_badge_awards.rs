//! Badges issued: one row per badge a learner holds, with the signed
//! credential and its revocation. The row id is the badge's index in the
//! revocation list (ids are never reused, so an index never moves to
//! another badge).

use sea_orm_migration::prelude::*;

use crate::helpers::{fk, id, index, int, text, time, time_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BadgeAwards {
    Table,
    Id,
    UserId,
    CourseId,
    BadgeSlug,
    Credential,
    IssuedAt,
    ValidUntil,
    RevokedAt,
    RevokedReason,
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
        manager
            .create_table(
                Table::create()
                    .table(BadgeAwards::Table)
                    .col(id(BadgeAwards::Id))
                    .col(int(BadgeAwards::UserId))
                    .col(int(BadgeAwards::CourseId))
                    .col(text(BadgeAwards::BadgeSlug, 64))
                    .col(ColumnDef::new(BadgeAwards::Credential).text().not_null())
                    .col(time(BadgeAwards::IssuedAt))
                    .col(time_null(BadgeAwards::ValidUntil))
                    .col(time_null(BadgeAwards::RevokedAt))
                    .col(ColumnDef::new(BadgeAwards::RevokedReason).text().null())
                    .foreign_key(&mut fk(
                        "badge_awards_user_id_fkey",
                        (BadgeAwards::Table, BadgeAwards::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut fk(
                        "badge_awards_course_id_fkey",
                        (BadgeAwards::Table, BadgeAwards::CourseId),
                        (Courses::Table, Courses::Id),
                    ))
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
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BadgeAwards::Table).to_owned())
            .await
    }
}
