//! `appointments`: a time a coach offers, booked by a learner or not (see
//! the migration for the columns' meaning).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "appointments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub coach_id: i32,
    /// Who booked it; `NULL` when open, or when she erased her account.
    pub learner_id: Option<i32>,
    pub starts_at: ChronoDateTimeUtc,
    pub minutes: i32,
    /// `phone`, `video` or `address`.
    pub place_kind: String,
    pub place: String,
    pub note: String,
    /// `open`, `booked` or `cancelled`.
    pub state: String,
    /// Bookings so far (a calendar entry's `UID` is made from it).
    pub booking: i32,
    /// Changes so far (the calendar entry's `SEQUENCE`).
    pub sequence: i32,
    pub booked_at: Option<ChronoDateTimeUtc>,
    pub reminded_at: Option<ChronoDateTimeUtc>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
