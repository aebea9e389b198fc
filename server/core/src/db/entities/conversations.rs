//! `conversations`: a learner and one of her coaches (`learner_id`,
//! `coach_id`), or a group's announcements (`group_id`). A party's column
//! is `NULL` once her account is erased.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "conversations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub learner_id: Option<i32>,
    pub coach_id: Option<i32>,
    pub group_id: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
    pub last_message_at: ChronoDateTimeUtc,
    /// Since when the two are no longer in touch (kept for the site's
    /// retention days, then deleted).
    pub closed_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
