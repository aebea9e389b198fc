//! Lesson revisions (history, drafts), modules and badges of a course,
//! archived lessons, quizzes and headings of lesson texts, and course media.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Courses {
    Table,
    Id,
    Modules,
    Badges,
}

#[derive(DeriveIden)]
enum Lessons {
    Table,
    Id,
    Module,
    Archived,
}

#[derive(DeriveIden)]
enum LessonTexts {
    Table,
    RevisionId,
    Quizzes,
    Headings,
    SourceHash,
}

#[derive(DeriveIden)]
enum LessonRevisions {
    Table,
    Id,
    LessonId,
    Language,
    Number,
    Status,
    Origin,
    Title,
    Minutes,
    Objectives,
    BodyMarkdown,
    BodyHtml,
    Quizzes,
    Headings,
    SourcePath,
    SourceHash,
    CreatedAt,
    PublishedAt,
}

#[derive(DeriveIden)]
enum CourseMedia {
    Table,
    Id,
    CourseId,
    Path,
    ContentType,
    Sha256,
    Bytes,
}

/// SQLite accepts one column per `ALTER TABLE`, so each gets its own.
async fn add_column(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    column: ColumnDef,
) -> Result<(), DbErr> {
    let mut column = column;
    manager
        .alter_table(
            Table::alter()
                .table(table)
                .add_column(&mut column)
                .to_owned(),
        )
        .await
}

async fn drop_column(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    column: impl IntoIden,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).drop_column(column).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            manager,
            Courses::Table,
            ColumnDef::new(Courses::Modules)
                .text()
                .not_null()
                .default("[]")
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            Courses::Table,
            ColumnDef::new(Courses::Badges)
                .text()
                .not_null()
                .default("[]")
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            Lessons::Table,
            ColumnDef::new(Lessons::Module)
                .string_len(100)
                .null()
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            Lessons::Table,
            ColumnDef::new(Lessons::Archived)
                .boolean()
                .not_null()
                .default(false)
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            LessonTexts::Table,
            ColumnDef::new(LessonTexts::RevisionId)
                .integer()
                .null()
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            LessonTexts::Table,
            ColumnDef::new(LessonTexts::Quizzes)
                .text()
                .not_null()
                .default("[]")
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            LessonTexts::Table,
            ColumnDef::new(LessonTexts::Headings)
                .text()
                .not_null()
                .default("[]")
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            LessonTexts::Table,
            ColumnDef::new(LessonTexts::SourceHash)
                .string_len(64)
                .not_null()
                .default("")
                .to_owned(),
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(LessonRevisions::Table)
                    .col(
                        ColumnDef::new(LessonRevisions::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(LessonRevisions::LessonId)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LessonRevisions::Language)
                            .string_len(8)
                            .not_null(),
                    )
                    .col(ColumnDef::new(LessonRevisions::Number).integer().not_null())
                    .col(
                        ColumnDef::new(LessonRevisions::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LessonRevisions::Origin)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LessonRevisions::Title)
                            .string_len(300)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LessonRevisions::Minutes)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LessonRevisions::Objectives)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LessonRevisions::BodyMarkdown)
                            .text()
                            .not_null(),
                    )
                    .col(ColumnDef::new(LessonRevisions::BodyHtml).text().not_null())
                    .col(ColumnDef::new(LessonRevisions::Quizzes).text().not_null())
                    .col(ColumnDef::new(LessonRevisions::Headings).text().not_null())
                    .col(
                        ColumnDef::new(LessonRevisions::SourcePath)
                            .string_len(500)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LessonRevisions::SourceHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LessonRevisions::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LessonRevisions::PublishedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("lesson_revisions_lesson_id_fkey")
                            .from(LessonRevisions::Table, LessonRevisions::LessonId)
                            .to(Lessons::Table, Lessons::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("lesson_revisions_lesson_id_language_number_key")
                    .table(LessonRevisions::Table)
                    .col(LessonRevisions::LessonId)
                    .col(LessonRevisions::Language)
                    .col(LessonRevisions::Number)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CourseMedia::Table)
                    .col(
                        ColumnDef::new(CourseMedia::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(CourseMedia::CourseId).integer().not_null())
                    .col(ColumnDef::new(CourseMedia::Path).string_len(300).not_null())
                    .col(
                        ColumnDef::new(CourseMedia::ContentType)
                            .string_len(100)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CourseMedia::Sha256)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(CourseMedia::Bytes).blob().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("course_media_course_id_fkey")
                            .from(CourseMedia::Table, CourseMedia::CourseId)
                            .to(Courses::Table, Courses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("course_media_course_id_path_key")
                    .table(CourseMedia::Table)
                    .col(CourseMedia::CourseId)
                    .col(CourseMedia::Path)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CourseMedia::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(LessonRevisions::Table).to_owned())
            .await?;
        drop_column(manager, LessonTexts::Table, LessonTexts::SourceHash).await?;
        drop_column(manager, LessonTexts::Table, LessonTexts::Headings).await?;
        drop_column(manager, LessonTexts::Table, LessonTexts::Quizzes).await?;
        drop_column(manager, LessonTexts::Table, LessonTexts::RevisionId).await?;
        drop_column(manager, Lessons::Table, Lessons::Archived).await?;
        drop_column(manager, Lessons::Table, Lessons::Module).await?;
        drop_column(manager, Courses::Table, Courses::Badges).await?;
        drop_column(manager, Courses::Table, Courses::Modules).await
    }
}
