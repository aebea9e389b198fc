//! The periodic clean-up of what has run out: sessions past their end or
//! idle too long, reset codes past their end, and sign-in throttle counts
//! whose window and wait are both over. The server runs [`sweep`] at start
//! and every hour; the audit log has its own sweep
//! ([`crate::audit::sweep`]).

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::sessions::{self, SessionIdle};
use super::throttle;
use crate::CoreError;
use crate::db::entities::reset_codes;

/// What one [`sweep`] deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Sessions expired or idle for longer than the setting.
    pub sessions: u64,
    /// Reset codes past their end.
    pub reset_codes: u64,
    /// Throttle rows whose window and wait have passed.
    pub throttles: u64,
}

/// Deletes, as of `now`, expired sessions and sessions unused for `idle`
/// days, expired reset codes, and throttle rows past their window (and
/// their wait); returns how many of each.
pub async fn sweep<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    idle: SessionIdle,
) -> Result<Swept, CoreError> {
    let sessions = sessions::sweep(db, now, idle).await?;
    let reset_codes = reset_codes::Entity::delete_many()
        .filter(reset_codes::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected;
    let throttles = throttle::sweep(db, now).await?;
    Ok(Swept {
        sessions,
        reset_codes,
        throttles,
    })
}
