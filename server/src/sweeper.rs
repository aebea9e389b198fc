//! The hourly clean-up, started with the server: expired and idle
//! sessions, expired reset codes, spent sign-in throttle rows
//! ([`polku_core::accounts::sweep`]) and audit entries past their days
//! ([`polku_core::audit::sweep`]) and private conversations past their
//! retention ([`polku_core::messages::sweep`]) and appointments as long
//! past ([`polku_core::appointments::sweep`]); and, more often, the
//! appointments' day-before reminders. Every instance sweeps; the
//! changes are idempotent, so several instances on one database do no
//! harm.

use std::time::Duration;

use polku_core::accounts::SessionIdle;
use polku_core::db::DatabaseConnection;
use tokio::time::MissedTickBehavior;

/// How often the sweep runs (the first run is at start).
pub const PERIOD: Duration = Duration::from_secs(60 * 60);

/// How often the day-before reminders of appointments are looked for.
pub const REMINDERS: Duration = Duration::from_secs(5 * 60);

/// Runs [`sweep_once`] now and then every [`PERIOD`], and the
/// appointments' reminders every [`REMINDERS`], in the background.
pub fn spawn(db: DatabaseConnection, days: Days) -> tokio::task::JoinHandle<()> {
    let reminders = db.clone();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(REMINDERS);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match polku_core::appointments::remind_due(&reminders, chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(reminded) => tracing::info!(reminded, "appointment reminders"),
                Err(err) => tracing::warn!(error = %err, "appointment reminders failed"),
            }
        }
    });
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(PERIOD);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            sweep_once(&db, days).await;
        }
    })
}

/// How long things are kept.
#[derive(Debug, Clone, Copy)]
pub struct Days {
    /// Unused sessions.
    pub idle: SessionIdle,
    /// Audit log entries.
    pub audit: i64,
    /// Private conversations no longer needed.
    pub messages: i64,
}

/// One sweep. Failures are logged, never fatal: the next run tries again.
pub async fn sweep_once(db: &DatabaseConnection, days: Days) {
    let Days {
        idle,
        audit: audit_days,
        messages: message_days,
    } = days;
    let now = chrono::Utc::now();
    match polku_core::messages::sweep(db, now, message_days).await {
        Ok(swept) => tracing::info!(
            closed = swept.closed,
            reopened = swept.reopened,
            deleted = swept.deleted,
            message_days,
            "swept private conversations"
        ),
        Err(err) => tracing::warn!(error = %err, "sweeping conversations failed"),
    }
    let keep = chrono::Duration::days(message_days);
    match polku_core::appointments::sweep(db, now, keep).await {
        Ok(deleted) => tracing::info!(deleted, message_days, "swept past appointments"),
        Err(err) => tracing::warn!(error = %err, "sweeping appointments failed"),
    }
    match polku_core::accounts::sweep(db, now, idle).await {
        Ok(swept) => tracing::info!(
            sessions = swept.sessions,
            reset_codes = swept.reset_codes,
            throttles = swept.throttles,
            "swept expired account rows"
        ),
        Err(err) => tracing::warn!(error = %err, "sweeping account rows failed"),
    }
    match polku_core::audit::sweep(db, audit_days, now).await {
        Ok(deleted) => tracing::info!(deleted, audit_days, "swept old audit entries"),
        Err(err) => tracing::warn!(error = %err, "sweeping the audit log failed"),
    }
}
