//! `code_submissions`: the last program a learner sent for a Python
//! exercise (`quiz_index` of the lesson's graded parts), with the server's
//! verdict on it (JSON, `polku_types::courses::CodeVerdict`), so she finds
//! her code and its result where she left them. One row per learner and
//! exercise, replaced by each new submission; every submission is also a
//! `quiz_attempts` row (right or wrong), like a quiz answer. Goes with her
//! account (cascade).

use sea_orm_migration::prelude::*;

use crate::helpers::{fk, id, index, int, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CodeSubmissions {
    Table,
    Id,
    UserId,
    LessonId,
    CourseId,
    QuizIndex,
    Code,
    Verdict,
    Passed,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Lessons {
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
                    .table(CodeSubmissions::Table)
                    .col(id(CodeSubmissions::Id))
                    .col(int(CodeSubmissions::UserId))
                    .col(int(CodeSubmissions::LessonId))
                    .col(int(CodeSubmissions::CourseId))
                    .col(int(CodeSubmissions::QuizIndex))
                    .col(ColumnDef::new(CodeSubmissions::Code).text().not_null())
                    .col(ColumnDef::new(CodeSubmissions::Verdict).text().not_null())
                    .col(ColumnDef::new(CodeSubmissions::Passed).boolean().not_null())
                    .col(time(CodeSubmissions::CreatedAt))
                    .foreign_key(&mut fk(
                        "code_submissions_user_id_fkey",
                        (CodeSubmissions::Table, CodeSubmissions::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut fk(
                        "code_submissions_lesson_id_fkey",
                        (CodeSubmissions::Table, CodeSubmissions::LessonId),
                        (Lessons::Table, Lessons::Id),
                    ))
                    .foreign_key(&mut fk(
                        "code_submissions_course_id_fkey",
                        (CodeSubmissions::Table, CodeSubmissions::CourseId),
                        (Courses::Table, Courses::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "code_submissions_user_lesson_quiz_key",
            CodeSubmissions::Table,
            vec![
                CodeSubmissions::UserId.into_iden(),
                CodeSubmissions::LessonId.into_iden(),
                CodeSubmissions::QuizIndex.into_iden(),
            ],
            true,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CodeSubmissions::Table).to_owned())
            .await
    }
}
