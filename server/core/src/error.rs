//! The domain error. Internal details stay on the server: callers map
//! `Internal` to a generic message and log the source.

/// What can go wrong in a core service.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The thing asked for does not exist (or is not visible).
    #[error("not found")]
    NotFound,
    /// A database failure; never shown to users.
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
}
