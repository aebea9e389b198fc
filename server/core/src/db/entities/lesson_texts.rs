//! `lesson_texts`: the published text of a lesson in one language (a copy
//! of its published revision), with its sanitised HTML rendered once.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "lesson_texts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub lesson_id: i32,
    pub language: String,
    pub title: String,
    pub minutes: i32,
    pub source_path: String,
    /// Learning objectives as a JSON array of strings.
    #[sea_orm(column_type = "Text")]
    pub objectives: String,
    #[sea_orm(column_type = "Text")]
    pub body_markdown: String,
    #[sea_orm(column_type = "Text")]
    pub body_html: String,
    /// The published revision this text is a copy of.
    pub revision_id: Option<i32>,
    /// Quizzes (with answers) as JSON.
    #[sea_orm(column_type = "Text")]
    pub quizzes: String,
    /// Headings as JSON.
    #[sea_orm(column_type = "Text")]
    pub headings: String,
    /// The plain text by heading as JSON (for search); none in rows from
    /// before it was kept.
    #[sea_orm(column_type = "Text", nullable)]
    pub sections: Option<String>,
    /// SHA-256 of the source text.
    pub source_hash: String,
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
