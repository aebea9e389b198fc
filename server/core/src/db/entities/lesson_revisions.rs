//! `lesson_revisions`: every version of a lesson in one language, from an
//! import or the editor; drafts and published ones. Never deleted with the
//! source, so history and restore always work.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "lesson_revisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub lesson_id: i32,
    pub language: String,
    /// 1, 2, 3… per (lesson, language).
    pub number: i32,
    /// `draft` or `published` (published once, stays so in history).
    pub status: String,
    /// `import` or `editor`.
    pub origin: String,
    pub title: String,
    pub minutes: i32,
    #[sea_orm(column_type = "Text")]
    pub objectives: String,
    #[sea_orm(column_type = "Text")]
    pub body_markdown: String,
    #[sea_orm(column_type = "Text")]
    pub body_html: String,
    #[sea_orm(column_type = "Text")]
    pub quizzes: String,
    #[sea_orm(column_type = "Text")]
    pub headings: String,
    /// The plain text by heading as JSON (for search); none in rows from
    /// before it was kept.
    #[sea_orm(column_type = "Text", nullable)]
    pub sections: Option<String>,
    pub source_path: String,
    pub source_hash: String,
    pub created_at: ChronoDateTimeUtc,
    pub published_at: Option<ChronoDateTimeUtc>,
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
