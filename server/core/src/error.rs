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
    /// Another failure on the server; never shown to users.
    #[error("internal error: {0}")]
    Internal(String),
    /// The input has problems; each is safe to show to the author.
    #[error("invalid input: {}", .0.join("; "))]
    Invalid(Vec<String>),
}
