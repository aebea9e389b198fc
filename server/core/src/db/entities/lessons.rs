//! `lessons`: one row per lesson of a course, keyed by (course, slug).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "lessons")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub course_id: i32,
    pub slug: String,
    pub position: i32,
    /// The module folder's slug, if the lesson is in one.
    pub module: Option<String>,
    /// Removed from the source: hidden, kept so learners' progress survives.
    pub archived: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::courses::Entity",
        from = "Column::CourseId",
        to = "super::courses::Column::Id",
        on_delete = "Cascade"
    )]
    Courses,
    #[sea_orm(has_many = "super::lesson_texts::Entity")]
    LessonTexts,
}

impl Related<super::courses::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Courses.def()
    }
}

impl Related<super::lesson_texts::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::LessonTexts.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
