//! Badges issue only from approved definitions: `badge_approvals` holds
//! each approved version of a badge definition (its SHA-256 and its JSON,
//! so an approved version keeps issuing while an edit waits), who approved
//! it (`NULL`: the operator, importing content) and when.

use sea_orm_migration::prelude::*;

use crate::helpers::{fk, id, index, int, text, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BadgeApprovals {
    Table,
    Id,
    CourseId,
    Slug,
    Digest,
    Definition,
    ApprovedBy,
    ApprovedAt,
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
                    .table(BadgeApprovals::Table)
                    .col(id(BadgeApprovals::Id))
                    .col(int(BadgeApprovals::CourseId))
                    .col(text(BadgeApprovals::Slug, 64))
                    .col(text(BadgeApprovals::Digest, 64))
                    .col(ColumnDef::new(BadgeApprovals::Definition).text().not_null())
                    .col(ColumnDef::new(BadgeApprovals::ApprovedBy).integer().null())
                    .col(time(BadgeApprovals::ApprovedAt))
                    .foreign_key(&mut fk(
                        "badge_approvals_course_id_fkey",
                        (BadgeApprovals::Table, BadgeApprovals::CourseId),
                        (Courses::Table, Courses::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "badge_approvals_version_idx",
            BadgeApprovals::Table,
            vec![
                BadgeApprovals::CourseId.into_iden(),
                BadgeApprovals::Slug.into_iden(),
                BadgeApprovals::Digest.into_iden(),
            ],
            true,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BadgeApprovals::Table).to_owned())
            .await
    }
}
