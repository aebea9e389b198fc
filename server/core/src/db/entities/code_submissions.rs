//! `code_submissions`: a learner's last program for a Python exercise and
//! the server's verdict on it (see the migration).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "code_submissions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub lesson_id: i32,
    pub course_id: i32,
    pub quiz_index: i32,
    /// The program as she sent it.
    #[sea_orm(column_type = "Text")]
    pub code: String,
    /// The verdict, as JSON (`polku_types::courses::CodeVerdict`).
    #[sea_orm(column_type = "Text")]
    pub verdict: String,
    pub passed: bool,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
