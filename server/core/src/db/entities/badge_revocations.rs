//! `badge_revocations`: the set entries of the revocation list (a badge's
//! row id and when it was revoked), kept when the badge's holder erases
//! their account so that a revoked badge stays revoked.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "badge_revocations")]
pub struct Model {
    /// The badge's index in the list (its `badge_awards` id).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub revoked_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
