//! `badge_requests`: evidence a learner sent for a badge that needs a
//! coach's approval, and the decision.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "badge_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub course_id: i32,
    pub badge_slug: String,
    /// What the learner did, in their words.
    #[sea_orm(column_type = "Text")]
    pub evidence_text: String,
    /// A link to the work, if any.
    #[sea_orm(column_type = "Text", nullable)]
    pub evidence_url: Option<String>,
    /// `pending`, `approved` or `declined`.
    pub state: String,
    pub submitted_at: ChronoDateTimeUtc,
    pub decided_at: Option<ChronoDateTimeUtc>,
    pub decided_by: Option<i32>,
    /// The coach's words to the learner (why declined, what to add).
    #[sea_orm(column_type = "Text", nullable)]
    pub coach_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::UserId",
        to = "super::users::Column::Id",
        on_delete = "Cascade"
    )]
    Users,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Users.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
