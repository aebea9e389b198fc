//! `lesson_audio`: a lesson read aloud in one language, made by the speech
//! engine from the published text (see `polku_core::speech`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "lesson_audio")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub lesson_id: i32,
    pub language: String,
    /// The `lesson_texts.source_hash` of the text it was made from.
    pub source_hash: String,
    /// SHA-256 of what was spoken and by which engine.
    pub script_hash: String,
    pub content_type: String,
    #[serde(with = "crate::db::base64_bytes")]
    pub bytes: Vec<u8>,
    pub duration_ms: i32,
    /// Where each sentence is heard, as JSON (`speech::Cue`s).
    #[sea_orm(column_type = "Text")]
    pub cues: String,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::lessons::Entity",
        from = "Column::LessonId",
        to = "super::lessons::Column::Id",
        on_delete = "Cascade"
    )]
    Lessons,
}

impl Related<super::lessons::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Lessons.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
