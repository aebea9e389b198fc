//! Accounts (users, sessions, login throttles) and learning progress
//! (enrolments, lesson progress, quiz attempts).

use sea_orm_migration::prelude::*;

use crate::helpers::{fk, id, index, int, text, time, time_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    DisplayName,
    Email,
    PasswordHash,
    Role,
    CreatedAt,
    LastActiveAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    TokenHash,
    UserId,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum LoginThrottles {
    Table,
    Id,
    Key,
    Failures,
    WindowStartedAt,
    LockedUntil,
}

#[derive(DeriveIden)]
enum Enrolments {
    Table,
    Id,
    UserId,
    CourseId,
    EnrolledAt,
}

#[derive(DeriveIden)]
enum LessonProgress {
    Table,
    Id,
    UserId,
    LessonId,
    CourseId,
    FirstViewedAt,
    LastViewedAt,
    CompletedAt,
}

#[derive(DeriveIden)]
enum QuizAttempts {
    Table,
    Id,
    UserId,
    LessonId,
    CourseId,
    QuizIndex,
    Correct,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Courses {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Lessons {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(id(Users::Id))
                    .col(text(Users::Username, 32))
                    .col(ColumnDef::new(Users::DisplayName).string_len(100).null())
                    .col(ColumnDef::new(Users::Email).string_len(254).null())
                    .col(text(Users::PasswordHash, 255))
                    .col(text(Users::Role, 16).default("learner").to_owned())
                    .col(time(Users::CreatedAt))
                    .col(time_null(Users::LastActiveAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "users_username_key",
            Users::Table,
            vec![Users::Username.into_iden()],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(id(Sessions::Id))
                    .col(text(Sessions::TokenHash, 64))
                    .col(int(Sessions::UserId))
                    .col(time(Sessions::CreatedAt))
                    .col(time(Sessions::ExpiresAt))
                    .foreign_key(&mut fk(
                        "sessions_user_id_fkey",
                        (Sessions::Table, Sessions::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "sessions_token_hash_key",
            Sessions::Table,
            vec![Sessions::TokenHash.into_iden()],
            true,
        )
        .await?;
        index(
            manager,
            "sessions_user_id_idx",
            Sessions::Table,
            vec![Sessions::UserId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(LoginThrottles::Table)
                    .col(id(LoginThrottles::Id))
                    .col(text(LoginThrottles::Key, 64))
                    .col(int(LoginThrottles::Failures))
                    .col(time(LoginThrottles::WindowStartedAt))
                    .col(time_null(LoginThrottles::LockedUntil))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "login_throttles_key_key",
            LoginThrottles::Table,
            vec![LoginThrottles::Key.into_iden()],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Enrolments::Table)
                    .col(id(Enrolments::Id))
                    .col(int(Enrolments::UserId))
                    .col(int(Enrolments::CourseId))
                    .col(time(Enrolments::EnrolledAt))
                    .foreign_key(&mut fk(
                        "enrolments_user_id_fkey",
                        (Enrolments::Table, Enrolments::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut fk(
                        "enrolments_course_id_fkey",
                        (Enrolments::Table, Enrolments::CourseId),
                        (Courses::Table, Courses::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "enrolments_user_id_course_id_key",
            Enrolments::Table,
            vec![
                Enrolments::UserId.into_iden(),
                Enrolments::CourseId.into_iden(),
            ],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(LessonProgress::Table)
                    .col(id(LessonProgress::Id))
                    .col(int(LessonProgress::UserId))
                    .col(int(LessonProgress::LessonId))
                    .col(int(LessonProgress::CourseId))
                    .col(time(LessonProgress::FirstViewedAt))
                    .col(time(LessonProgress::LastViewedAt))
                    .col(time_null(LessonProgress::CompletedAt))
                    .foreign_key(&mut fk(
                        "lesson_progress_user_id_fkey",
                        (LessonProgress::Table, LessonProgress::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut fk(
                        "lesson_progress_lesson_id_fkey",
                        (LessonProgress::Table, LessonProgress::LessonId),
                        (Lessons::Table, Lessons::Id),
                    ))
                    .foreign_key(&mut fk(
                        "lesson_progress_course_id_fkey",
                        (LessonProgress::Table, LessonProgress::CourseId),
                        (Courses::Table, Courses::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "lesson_progress_user_id_lesson_id_key",
            LessonProgress::Table,
            vec![
                LessonProgress::UserId.into_iden(),
                LessonProgress::LessonId.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            manager,
            "lesson_progress_user_id_last_viewed_at_idx",
            LessonProgress::Table,
            vec![
                LessonProgress::UserId.into_iden(),
                LessonProgress::LastViewedAt.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(QuizAttempts::Table)
                    .col(id(QuizAttempts::Id))
                    .col(int(QuizAttempts::UserId))
                    .col(int(QuizAttempts::LessonId))
                    .col(int(QuizAttempts::CourseId))
                    .col(int(QuizAttempts::QuizIndex))
                    .col(ColumnDef::new(QuizAttempts::Correct).boolean().not_null())
                    .col(time(QuizAttempts::CreatedAt))
                    .foreign_key(&mut fk(
                        "quiz_attempts_user_id_fkey",
                        (QuizAttempts::Table, QuizAttempts::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut fk(
                        "quiz_attempts_lesson_id_fkey",
                        (QuizAttempts::Table, QuizAttempts::LessonId),
                        (Lessons::Table, Lessons::Id),
                    ))
                    .foreign_key(&mut fk(
                        "quiz_attempts_course_id_fkey",
                        (QuizAttempts::Table, QuizAttempts::CourseId),
                        (Courses::Table, Courses::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "quiz_attempts_user_id_course_id_idx",
            QuizAttempts::Table,
            vec![
                QuizAttempts::UserId.into_iden(),
                QuizAttempts::CourseId.into_iden(),
            ],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            QuizAttempts::Table.into_iden(),
            LessonProgress::Table.into_iden(),
            Enrolments::Table.into_iden(),
            LoginThrottles::Table.into_iden(),
            Sessions::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
