//! `badge_awards`: a badge a learner holds (the id is its revocation-list
//! index): a course's badge, or a pathway's milestone badge.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "badge_awards")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    /// The course whose badge it is (none for a milestone).
    pub course_id: Option<i32>,
    /// The pathway whose milestone it is (none for a course's badge).
    pub pathway_slug: Option<String>,
    /// The badge's slug in its course, or the milestone's in its pathway.
    pub badge_slug: String,
    /// The signed credential (JSON).
    #[sea_orm(column_type = "Text")]
    pub credential: String,
    pub issued_at: ChronoDateTimeUtc,
    pub valid_until: Option<ChronoDateTimeUtc>,
    pub revoked_at: Option<ChronoDateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub revoked_reason: Option<String>,
    /// The random part of the badge's public link, while its holder
    /// shares it.
    pub share_token: Option<String>,
    /// The evidence a coach approved (JSON array, as in the credential).
    #[sea_orm(column_type = "Text", nullable)]
    pub evidence: Option<String>,
    /// Revoked, and since allowed to be earned again by its rule (without
    /// this, a revoked badge is never issued again automatically).
    pub reissue_allowed_at: Option<ChronoDateTimeUtc>,
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
