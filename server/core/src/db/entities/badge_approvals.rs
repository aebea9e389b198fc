//! `badge_approvals`: an approved version of a badge definition (the rule
//! issues only approved versions; see `badges::approval`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "badge_approvals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub course_id: i32,
    pub slug: String,
    /// SHA-256 (hex) of the definition's JSON.
    pub digest: String,
    /// The definition approved (JSON of `content::BadgeSource`).
    #[sea_orm(column_type = "Text")]
    pub definition: String,
    /// The admin who approved it; `None`: the operator, importing content.
    pub approved_by: Option<i32>,
    pub approved_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
