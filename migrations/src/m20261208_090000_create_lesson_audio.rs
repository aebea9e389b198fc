//! `lesson_audio`: a lesson read aloud, one row per lesson and language.
//!
//! Made on the server by a speech engine from the published text and kept
//! while that text is unchanged: `source_hash` is the `lesson_texts`
//! source hash it was made from, `script_hash` the SHA-256 of what was
//! spoken and by which engine (a text changed only where nothing is read,
//! such as its minutes, keeps its audio). `bytes` holds the compressed
//! audio (`content_type`), `duration_ms` its length and `cues` where each
//! sentence is heard (JSON, for highlighting). Derived data: it is left
//! out of backups and made again after a restore.
//! - `counters` row `audio`: counts the changes to `lesson_audio`, so
//!   every server instance sees at once that a lesson's audio is ready.

use sea_orm_migration::prelude::*;

use crate::helpers::{fk, id, index, int, text, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LessonAudio {
    Table,
    Id,
    LessonId,
    Language,
    SourceHash,
    ScriptHash,
    ContentType,
    Bytes,
    DurationMs,
    Cues,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Counters {
    Table,
    Name,
    Value,
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
                    .table(LessonAudio::Table)
                    .col(id(LessonAudio::Id))
                    .col(int(LessonAudio::LessonId))
                    .col(text(LessonAudio::Language, 8))
                    .col(text(LessonAudio::SourceHash, 64))
                    .col(text(LessonAudio::ScriptHash, 64))
                    .col(text(LessonAudio::ContentType, 64))
                    .col(ColumnDef::new(LessonAudio::Bytes).blob().not_null())
                    .col(int(LessonAudio::DurationMs))
                    .col(ColumnDef::new(LessonAudio::Cues).text().not_null())
                    .col(time(LessonAudio::CreatedAt))
                    .foreign_key(&mut fk(
                        "lesson_audio_lesson_id_fkey",
                        (LessonAudio::Table, LessonAudio::LessonId),
                        (Lessons::Table, Lessons::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "lesson_audio_lesson_language_key",
            LessonAudio::Table,
            vec![
                LessonAudio::LessonId.into_iden(),
                LessonAudio::Language.into_iden(),
            ],
            true,
        )
        .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Counters::Table)
                    .columns([Counters::Name, Counters::Value])
                    .values_panic(["audio".into(), 0i64.into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(Counters::Table)
                    .and_where(Expr::col(Counters::Name).eq("audio"))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(LessonAudio::Table).to_owned())
            .await
    }
}
