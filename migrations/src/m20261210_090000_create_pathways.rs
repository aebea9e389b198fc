//! `pathways`: ordered paths of courses and badges, in levels, declared in
//! `content/pathways.toml` (see `content/README.md`). One row per pathway:
//! its place on the dashboard, its definition as JSON
//! (`polku_core::pathways::Pathway`) and a hash of the file text it came
//! from, so an unchanged file writes nothing.

use sea_orm_migration::prelude::*;

use crate::helpers::{id, index, int, text, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Pathways {
    Table,
    Id,
    Slug,
    Position,
    Definition,
    SourceHash,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Pathways::Table)
                    .col(id(Pathways::Id))
                    .col(text(Pathways::Slug, 64))
                    .col(int(Pathways::Position))
                    .col(ColumnDef::new(Pathways::Definition).text().not_null())
                    .col(text(Pathways::SourceHash, 64))
                    .col(time(Pathways::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "pathways_slug_key",
            Pathways::Table,
            vec![Pathways::Slug.into_iden()],
            true,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Pathways::Table).to_owned())
            .await
    }
}
