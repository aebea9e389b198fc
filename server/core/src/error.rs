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
    /// The caller is not signed in.
    #[error("not signed in")]
    Unauthenticated,
    /// The caller is signed in but may not do this.
    #[error("forbidden")]
    Forbidden,
    /// The request was refused for a reason the user can act on; the code
    /// (`username_taken`, `wrong_credentials`, `throttled`…) names a
    /// translated message.
    #[error("rejected: {0}")]
    Rejected(&'static str),
    /// Too much work is waiting (the password hashing queue is full): the
    /// request was not done; try again in a moment.
    #[error("busy")]
    Busy,
    /// The input has problems; each is safe to show to the author.
    #[error("invalid input: {}", .0.join("; "))]
    Invalid(Vec<String>),
}
