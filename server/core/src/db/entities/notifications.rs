//! `notifications`: what happened to a person, and (the `email_*`
//! columns) its e-mail in the durable outbox.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub kind: String,
    pub actor_id: Option<i32>,
    pub link: String,
    #[sea_orm(column_type = "Text")]
    pub detail: String,
    pub created_at: ChronoDateTimeUtc,
    pub read_at: Option<ChronoDateTimeUtc>,
    /// `pending`, `sent`, `failed`, `expired`; `None`: no e-mail.
    pub email_state: Option<String>,
    pub email_attempts: i32,
    pub email_next_at: Option<ChronoDateTimeUtc>,
    pub email_claimed_until: Option<ChronoDateTimeUtc>,
    pub email_sent_at: Option<ChronoDateTimeUtc>,
    pub email_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
