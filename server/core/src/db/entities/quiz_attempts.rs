//! `quiz_attempts`: every answer a signed-in learner sends, right or wrong
//! (the answer itself is not kept).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "quiz_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub lesson_id: i32,
    pub course_id: i32,
    pub quiz_index: i32,
    pub correct: bool,
    pub created_at: ChronoDateTimeUtc,
    /// The key a browser gave an answer kept offline (recorded once).
    pub client_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
