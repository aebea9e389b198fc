//! `courses.source`: where a course was imported from (its folder's
//! origin: the repository and path, or the absolute folder). Importing a
//! *different* course under a slug that is taken is refused instead of
//! overwriting the first; re-importing the same source updates it. Empty
//! for courses imported before this column existed (the next import of the
//! same slug records its source).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Courses {
    Table,
    Source,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Courses::Table)
                    .add_column(ColumnDef::new(Courses::Source).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Courses::Table)
                    .drop_column(Courses::Source)
                    .to_owned(),
            )
            .await
    }
}
