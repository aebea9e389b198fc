//! `users`: one row per account. Usernames are stored lower-case; e-mail
//! is optional. Only an argon2id hash of the password is kept.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub username: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub password_hash: String,
    /// `learner`, `instructor`, `coach` or `admin`.
    pub role: String,
    pub created_at: ChronoDateTimeUtc,
    pub last_active_at: Option<ChronoDateTimeUtc>,
    /// The site language the person last chose (`fi`, `sv`, `en`).
    pub language: Option<String>,
    /// Notification kinds she wants by e-mail, comma-separated (`None`:
    /// every kind).
    pub email_kinds: Option<String>,
    /// A message's text goes in its e-mail.
    pub email_bodies: bool,
    /// When she confirmed `email` by the link sent to it (cleared when the
    /// address changes).
    pub email_confirmed_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl Model {
    /// The name shown to others: the display name, else the username.
    pub fn shown_name(&self) -> String {
        self.display_name
            .clone()
            .unwrap_or_else(|| self.username.clone())
    }
}

impl ActiveModelBehavior for ActiveModel {}
