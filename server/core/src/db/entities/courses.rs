//! `courses`: one row per course, keyed by slug.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "courses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub default_language: String,
    pub level: String,
    pub hours: i32,
    pub position: i32,
    pub source_hash: String,
    pub updated_at: ChronoDateTimeUtc,
    /// Module folders as JSON (`[{"slug", "titles": {lang: title}}]`).
    #[sea_orm(column_type = "Text")]
    pub modules: String,
    /// Badges from `course.toml` as JSON.
    #[sea_orm(column_type = "Text")]
    pub badges: String,
    /// Where the course was imported from ([`crate::content::Provenance`]
    /// as text); `None` before it was first recorded.
    #[sea_orm(column_type = "Text", nullable)]
    pub source: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::course_texts::Entity")]
    CourseTexts,
    #[sea_orm(has_many = "super::lessons::Entity")]
    Lessons,
}

impl Related<super::course_texts::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CourseTexts.def()
    }
}

impl Related<super::lessons::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Lessons.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
