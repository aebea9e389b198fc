//! Milestone badges: a badge a learner earns by holding every step of a
//! pathway's level is not a course's badge. `badge_awards.course_id`
//! becomes optional and `pathway_slug` names the pathway of a milestone;
//! exactly one of the two is set (a check). A learner holds a milestone
//! once (`badge_awards_milestone_key`, like `badge_awards_held_key` for a
//! course's badges: two requests that both find the level done store one).
//!
//! No foreign key to `pathways`: a pathway taken out of the content file
//! leaves the site, its milestones stay with their holders.
//!
//! SQLite cannot make a column optional in place, so there the table is
//! rebuilt (in this migration's transaction; no other table refers to
//! it); PostgreSQL alters it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::helpers::{fk, id, int, text, time, time_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
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
    ShareToken,
    Evidence,
    ReissueAllowedAt,
    PathwaySlug,
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

/// The table the rebuild writes before it takes the old one's name.
const NEW_TABLE: &str = "badge_awards_new";

/// The columns every version of the table has, in order.
const KEPT: [BadgeAwards; 12] = [
    BadgeAwards::Id,
    BadgeAwards::UserId,
    BadgeAwards::CourseId,
    BadgeAwards::BadgeSlug,
    BadgeAwards::Credential,
    BadgeAwards::IssuedAt,
    BadgeAwards::ValidUntil,
    BadgeAwards::RevokedAt,
    BadgeAwards::RevokedReason,
    BadgeAwards::ShareToken,
    BadgeAwards::Evidence,
    BadgeAwards::ReissueAllowedAt,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        // The SQLite rebuild must happen whole or not at all.
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Sqlite => rebuild(manager, true).await?,
            _ => {
                let alter = |column: &mut ColumnDef| {
                    Table::alter()
                        .table(BadgeAwards::Table)
                        .modify_column(column)
                        .to_owned()
                };
                manager
                    .alter_table(alter(
                        ColumnDef::new(BadgeAwards::CourseId).integer().null(),
                    ))
                    .await?;
                manager
                    .alter_table(
                        Table::alter()
                            .table(BadgeAwards::Table)
                            .add_column(
                                ColumnDef::new(BadgeAwards::PathwaySlug)
                                    .string_len(64)
                                    .null(),
                            )
                            .to_owned(),
                    )
                    .await?;
                manager
                    .get_connection()
                    .execute_unprepared(
                        "ALTER TABLE badge_awards ADD CONSTRAINT badge_awards_origin_check \
                         CHECK ((course_id IS NULL) <> (pathway_slug IS NULL))",
                    )
                    .await?;
            }
        }
        manager
            .create_index(
                Index::create()
                    .name("badge_awards_milestone_key")
                    .table(BadgeAwards::Table)
                    .col(BadgeAwards::UserId)
                    .col(BadgeAwards::PathwaySlug)
                    .col(BadgeAwards::BadgeSlug)
                    .unique()
                    .and_where(Expr::col(BadgeAwards::RevokedAt).is_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Milestones cannot live in a table that needs a course.
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(BadgeAwards::Table)
                    .and_where(Expr::col(BadgeAwards::PathwaySlug).is_not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("badge_awards_milestone_key")
                    .table(BadgeAwards::Table)
                    .to_owned(),
            )
            .await?;
        match manager.get_database_backend() {
            DbBackend::Sqlite => rebuild(manager, false).await,
            _ => {
                manager
                    .get_connection()
                    .execute_unprepared(
                        "ALTER TABLE badge_awards DROP CONSTRAINT badge_awards_origin_check",
                    )
                    .await?;
                manager
                    .alter_table(
                        Table::alter()
                            .table(BadgeAwards::Table)
                            .drop_column(BadgeAwards::PathwaySlug)
                            .modify_column(
                                ColumnDef::new(BadgeAwards::CourseId).integer().not_null(),
                            )
                            .to_owned(),
                    )
                    .await
            }
        }
    }
}

/// Rebuilds the SQLite table with milestones (`true`: an optional course
/// and a pathway) or without, keeping every row and the indexes.
async fn rebuild(manager: &SchemaManager<'_>, milestones: bool) -> Result<(), DbErr> {
    let new = Alias::new(NEW_TABLE);
    let mut table = Table::create();
    table
        .table(new.clone())
        .col(id(BadgeAwards::Id))
        .col(int(BadgeAwards::UserId));
    if milestones {
        table
            .col(ColumnDef::new(BadgeAwards::CourseId).integer().null())
            .col(
                ColumnDef::new(BadgeAwards::PathwaySlug)
                    .string_len(64)
                    .null(),
            )
            .check(Expr::cust("(course_id IS NULL) <> (pathway_slug IS NULL)"));
    } else {
        table.col(int(BadgeAwards::CourseId));
    }
    table
        .col(text(BadgeAwards::BadgeSlug, 64))
        .col(ColumnDef::new(BadgeAwards::Credential).text().not_null())
        .col(time(BadgeAwards::IssuedAt))
        .col(time_null(BadgeAwards::ValidUntil))
        .col(time_null(BadgeAwards::RevokedAt))
        .col(ColumnDef::new(BadgeAwards::RevokedReason).text().null())
        .col(
            ColumnDef::new(BadgeAwards::ShareToken)
                .string_len(64)
                .null(),
        )
        .col(ColumnDef::new(BadgeAwards::Evidence).text().null())
        .col(time_null(BadgeAwards::ReissueAllowedAt))
        .foreign_key(&mut fk(
            "badge_awards_user_id_fkey",
            (new.clone(), BadgeAwards::UserId),
            (Users::Table, Users::Id),
        ))
        .foreign_key(&mut fk(
            "badge_awards_course_id_fkey",
            (new.clone(), BadgeAwards::CourseId),
            (Courses::Table, Courses::Id),
        ));
    manager.create_table(table.to_owned()).await?;
    let columns: Vec<DynIden> = KEPT.iter().map(|c| c.into_iden()).collect();
    manager
        .exec_stmt(
            Query::insert()
                .into_table(new.clone())
                .columns(columns.clone())
                .select_from(
                    Query::select()
                        .columns(columns)
                        .from(BadgeAwards::Table)
                        .to_owned(),
                )
                .map_err(|err| DbErr::Migration(format!("copying badge_awards: {err}")))?
                .to_owned(),
        )
        .await?;
    manager
        .drop_table(Table::drop().table(BadgeAwards::Table).to_owned())
        .await?;
    manager
        .rename_table(Table::rename().table(new, BadgeAwards::Table).to_owned())
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
    manager
        .create_index(
            Index::create()
                .name("badge_awards_share_token_key")
                .table(BadgeAwards::Table)
                .col(BadgeAwards::ShareToken)
                .unique()
                .to_owned(),
        )
        .await
}
