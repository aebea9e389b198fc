//! How many badge checks run at once: at most one per core. A check is
//! CPU work (canonicalisation, signatures) run off the async threads; more
//! at once would only make every one of them slower and hold more memory.
//! A check that cannot start within [`WAIT`] is refused as
//! [`CoreError::Busy`] (the server answers 503 with `Retry-After`).

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::CoreError;

/// Longest a check waits for its turn.
pub const WAIT: Duration = Duration::from_secs(5);

/// Checks allowed at once: the number of cores.
pub fn permits() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

fn semaphore() -> &'static Arc<Semaphore> {
    static PERMITS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    PERMITS.get_or_init(|| Arc::new(Semaphore::new(permits())))
}

/// Runs `work` (a badge check) on a blocking thread once one of the
/// [`permits`] is free; [`CoreError::Busy`] when none frees within [`WAIT`].
pub async fn check<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, CoreError> {
    let permit = tokio::time::timeout(WAIT, Arc::clone(semaphore()).acquire_owned())
        .await
        .map_err(|_| CoreError::Busy)?
        .map_err(|_| CoreError::Internal("the check gate is closed".into()))?;
    tokio::task::spawn_blocking(move || {
        let _turn = permit;
        work()
    })
    .await
    .map_err(|err| CoreError::Internal(format!("badge check failed: {err}")))
}

/// Checks that could start now (for tests and monitoring).
pub fn available() -> usize {
    semaphore().available_permits()
}
