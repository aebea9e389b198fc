//! The searchable text of a lesson, kept with it: `sections` on
//! `lesson_revisions` and `lesson_texts` holds the text by heading (JSON:
//! anchor, heading, plain text), made once when the text is imported or
//! saved, so building the search index does not render the Markdown
//! again. Rows from before this migration have none; the index renders
//! those as before.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LessonRevisions {
    Table,
    Sections,
}

#[derive(DeriveIden)]
enum LessonTexts {
    Table,
    Sections,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(LessonRevisions::Table)
                    .add_column(ColumnDef::new(LessonRevisions::Sections).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(LessonTexts::Table)
                    .add_column(ColumnDef::new(LessonTexts::Sections).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(LessonTexts::Table)
                    .drop_column(LessonTexts::Sections)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(LessonRevisions::Table)
                    .drop_column(LessonRevisions::Sections)
                    .to_owned(),
            )
            .await
    }
}
