//! Pathways edited by admins in the browser. `pathways.edited_at` is when
//! an admin last changed a pathway there, and `hidden` marks one of the
//! content file's pathways that an admin took off the site: an import of
//! an unchanged file keeps both (the file's own version is known by
//! `source_hash`; a pathway made in the browser has none). `site_drafts`
//! keeps what an admin saved without publishing, or could not publish for
//! its problems, so nothing typed is lost (one row per edited text:
//! `pathways.toml`).

use sea_orm_migration::prelude::*;

use crate::helpers::{text, time, time_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Pathways {
    Table,
    EditedAt,
    Hidden,
}

#[derive(DeriveIden)]
enum SiteDrafts {
    Table,
    Name,
    Text,
    UpdatedBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            time_null(Pathways::EditedAt),
            ColumnDef::new(Pathways::Hidden)
                .boolean()
                .not_null()
                .default(false)
                .to_owned(),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(Pathways::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(SiteDrafts::Table)
                    .col(text(SiteDrafts::Name, 64).primary_key())
                    .col(ColumnDef::new(SiteDrafts::Text).text().not_null())
                    .col(ColumnDef::new(SiteDrafts::UpdatedBy).integer().null())
                    .col(time(SiteDrafts::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SiteDrafts::Table).to_owned())
            .await?;
        for column in [Pathways::EditedAt, Pathways::Hidden] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Pathways::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
