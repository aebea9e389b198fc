//! Coaching groups, lesson discussion and feedback to instructors,
//! one-time password reset codes, and course authors (instructors).

use sea_orm_migration::prelude::*;

use crate::helpers::{fk, id, index, int, text, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Groups {
    Table,
    Id,
    Name,
    CoachId,
    JoinCode,
    CreatedAt,
}

#[derive(DeriveIden)]
enum GroupMembers {
    Table,
    Id,
    GroupId,
    UserId,
    JoinedAt,
}

#[derive(DeriveIden)]
enum Comments {
    Table,
    Id,
    LessonId,
    UserId,
    Body,
    Hidden,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Feedback {
    Table,
    Id,
    LessonId,
    UserId,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ResetCodes {
    Table,
    Id,
    UserId,
    CodeHash,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum CourseAuthors {
    Table,
    Id,
    CourseId,
    UserId,
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
                    .table(Groups::Table)
                    .col(id(Groups::Id))
                    .col(text(Groups::Name, 100))
                    .col(int(Groups::CoachId))
                    .col(text(Groups::JoinCode, 16))
                    .col(time(Groups::CreatedAt))
                    .foreign_key(&mut fk(
                        "groups_coach_id_fkey",
                        (Groups::Table, Groups::CoachId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "groups_join_code_key",
            Groups::Table,
            vec![Groups::JoinCode.into_iden()],
            true,
        )
        .await?;
        index(
            manager,
            "groups_coach_id_idx",
            Groups::Table,
            vec![Groups::CoachId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(GroupMembers::Table)
                    .col(id(GroupMembers::Id))
                    .col(int(GroupMembers::GroupId))
                    .col(int(GroupMembers::UserId))
                    .col(time(GroupMembers::JoinedAt))
                    .foreign_key(&mut fk(
                        "group_members_group_id_fkey",
                        (GroupMembers::Table, GroupMembers::GroupId),
                        (Groups::Table, Groups::Id),
                    ))
                    .foreign_key(&mut fk(
                        "group_members_user_id_fkey",
                        (GroupMembers::Table, GroupMembers::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "group_members_group_id_user_id_key",
            GroupMembers::Table,
            vec![
                GroupMembers::GroupId.into_iden(),
                GroupMembers::UserId.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            manager,
            "group_members_user_id_idx",
            GroupMembers::Table,
            vec![GroupMembers::UserId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Comments::Table)
                    .col(id(Comments::Id))
                    .col(int(Comments::LessonId))
                    .col(int(Comments::UserId))
                    .col(ColumnDef::new(Comments::Body).text().not_null())
                    .col(
                        ColumnDef::new(Comments::Hidden)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(time(Comments::CreatedAt))
                    .foreign_key(&mut fk(
                        "comments_lesson_id_fkey",
                        (Comments::Table, Comments::LessonId),
                        (Lessons::Table, Lessons::Id),
                    ))
                    .foreign_key(&mut fk(
                        "comments_user_id_fkey",
                        (Comments::Table, Comments::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "comments_lesson_id_idx",
            Comments::Table,
            vec![Comments::LessonId.into_iden()],
            false,
        )
        .await?;
        index(
            manager,
            "comments_user_id_idx",
            Comments::Table,
            vec![Comments::UserId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Feedback::Table)
                    .col(id(Feedback::Id))
                    .col(int(Feedback::LessonId))
                    .col(int(Feedback::UserId))
                    .col(ColumnDef::new(Feedback::Body).text().not_null())
                    .col(time(Feedback::CreatedAt))
                    .foreign_key(&mut fk(
                        "feedback_lesson_id_fkey",
                        (Feedback::Table, Feedback::LessonId),
                        (Lessons::Table, Lessons::Id),
                    ))
                    .foreign_key(&mut fk(
                        "feedback_user_id_fkey",
                        (Feedback::Table, Feedback::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "feedback_lesson_id_idx",
            Feedback::Table,
            vec![Feedback::LessonId.into_iden()],
            false,
        )
        .await?;
        index(
            manager,
            "feedback_user_id_idx",
            Feedback::Table,
            vec![Feedback::UserId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ResetCodes::Table)
                    .col(id(ResetCodes::Id))
                    .col(int(ResetCodes::UserId))
                    .col(text(ResetCodes::CodeHash, 64))
                    .col(time(ResetCodes::ExpiresAt))
                    .foreign_key(&mut fk(
                        "reset_codes_user_id_fkey",
                        (ResetCodes::Table, ResetCodes::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "reset_codes_code_hash_key",
            ResetCodes::Table,
            vec![ResetCodes::CodeHash.into_iden()],
            true,
        )
        .await?;
        index(
            manager,
            "reset_codes_user_id_idx",
            ResetCodes::Table,
            vec![ResetCodes::UserId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(CourseAuthors::Table)
                    .col(id(CourseAuthors::Id))
                    .col(int(CourseAuthors::CourseId))
                    .col(int(CourseAuthors::UserId))
                    .foreign_key(&mut fk(
                        "course_authors_course_id_fkey",
                        (CourseAuthors::Table, CourseAuthors::CourseId),
                        (Courses::Table, Courses::Id),
                    ))
                    .foreign_key(&mut fk(
                        "course_authors_user_id_fkey",
                        (CourseAuthors::Table, CourseAuthors::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "course_authors_course_id_user_id_key",
            CourseAuthors::Table,
            vec![
                CourseAuthors::CourseId.into_iden(),
                CourseAuthors::UserId.into_iden(),
            ],
            true,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CourseAuthors::Table.into_iden(),
            ResetCodes::Table.into_iden(),
            Feedback::Table.into_iden(),
            Comments::Table.into_iden(),
            GroupMembers::Table.into_iden(),
            Groups::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
