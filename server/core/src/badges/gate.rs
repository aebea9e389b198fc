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
    check_with(semaphore(), WAIT, work).await
}

async fn check_with<T: Send + 'static>(
    semaphore: &Arc<Semaphore>,
    wait: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, CoreError> {
    let permit = tokio::time::timeout(wait, Arc::clone(semaphore).acquire_owned())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn checks_beyond_the_permits_wait_then_hear_busy() {
        let gate = Arc::new(Semaphore::new(1));
        let wait = Duration::from_millis(50);
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let running = tokio::spawn({
            let gate = Arc::clone(&gate);
            async move { check_with(&gate, wait, move || hold.recv().is_ok()).await }
        });
        while gate.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        // The one permit is taken: the next check waits, then is refused.
        assert!(matches!(
            check_with(&gate, wait, || 1).await,
            Err(CoreError::Busy)
        ));
        release.send(()).unwrap_or_default();
        assert!(matches!(running.await, Ok(Ok(true))));
        // Freed again: checks run.
        assert!(matches!(check_with(&gate, wait, || 2).await, Ok(2)));
        assert!(permits() >= 1);
    }
}
