//! Courses and lessons, with their per-language texts.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Courses {
    Table,
    Id,
    Slug,
    DefaultLanguage,
    Level,
    Hours,
    Position,
    SourceHash,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CourseTexts {
    Table,
    Id,
    CourseId,
    Language,
    Title,
    Summary,
}

#[derive(DeriveIden)]
enum Lessons {
    Table,
    Id,
    CourseId,
    Slug,
    Position,
}

#[derive(DeriveIden)]
enum LessonTexts {
    Table,
    Id,
    LessonId,
    Language,
    Title,
    Minutes,
    SourcePath,
    Objectives,
    BodyMarkdown,
    BodyHtml,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Courses::Table)
                    .col(
                        ColumnDef::new(Courses::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Courses::Slug).string_len(100).not_null())
                    .col(
                        ColumnDef::new(Courses::DefaultLanguage)
                            .string_len(8)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Courses::Level).string_len(20).not_null())
                    .col(ColumnDef::new(Courses::Hours).integer().not_null())
                    .col(ColumnDef::new(Courses::Position).integer().not_null())
                    .col(
                        ColumnDef::new(Courses::SourceHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Courses::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("courses_slug_key")
                    .table(Courses::Table)
                    .col(Courses::Slug)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CourseTexts::Table)
                    .col(
                        ColumnDef::new(CourseTexts::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(CourseTexts::CourseId).integer().not_null())
                    .col(
                        ColumnDef::new(CourseTexts::Language)
                            .string_len(8)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CourseTexts::Title)
                            .string_len(300)
                            .not_null(),
                    )
                    .col(ColumnDef::new(CourseTexts::Summary).text().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("course_texts_course_id_fkey")
                            .from(CourseTexts::Table, CourseTexts::CourseId)
                            .to(Courses::Table, Courses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("course_texts_course_id_language_key")
                    .table(CourseTexts::Table)
                    .col(CourseTexts::CourseId)
                    .col(CourseTexts::Language)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Lessons::Table)
                    .col(
                        ColumnDef::new(Lessons::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Lessons::CourseId).integer().not_null())
                    .col(ColumnDef::new(Lessons::Slug).string_len(100).not_null())
                    .col(ColumnDef::new(Lessons::Position).integer().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("lessons_course_id_fkey")
                            .from(Lessons::Table, Lessons::CourseId)
                            .to(Courses::Table, Courses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("lessons_course_id_slug_key")
                    .table(Lessons::Table)
                    .col(Lessons::CourseId)
                    .col(Lessons::Slug)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LessonTexts::Table)
                    .col(
                        ColumnDef::new(LessonTexts::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(LessonTexts::LessonId).integer().not_null())
                    .col(
                        ColumnDef::new(LessonTexts::Language)
                            .string_len(8)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LessonTexts::Title)
                            .string_len(300)
                            .not_null(),
                    )
                    .col(ColumnDef::new(LessonTexts::Minutes).integer().not_null())
                    .col(
                        ColumnDef::new(LessonTexts::SourcePath)
                            .string_len(500)
                            .not_null(),
                    )
                    .col(ColumnDef::new(LessonTexts::Objectives).text().not_null())
                    .col(ColumnDef::new(LessonTexts::BodyMarkdown).text().not_null())
                    .col(ColumnDef::new(LessonTexts::BodyHtml).text().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("lesson_texts_lesson_id_fkey")
                            .from(LessonTexts::Table, LessonTexts::LessonId)
                            .to(Lessons::Table, Lessons::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("lesson_texts_lesson_id_language_key")
                    .table(LessonTexts::Table)
                    .col(LessonTexts::LessonId)
                    .col(LessonTexts::Language)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LessonTexts::Table.into_iden(),
            Lessons::Table.into_iden(),
            CourseTexts::Table.into_iden(),
            Courses::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
