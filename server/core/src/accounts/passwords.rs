//! Password hashing with argon2id (the `argon2` crate's defaults: 19 MiB,
//! 2 passes, 1 lane, as OWASP recommends), run off the async threads.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use std::sync::{Arc, Mutex, OnceLock, mpsc};

use crate::CoreError;

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 8;
/// Longest password accepted (hashing cost stays bounded).
pub const MAX_LENGTH: usize = 128;

/// Checks a new password's length (no composition rules: length is what
/// makes a password strong, and rules push people to write them down).
pub fn check_new(password: &str) -> Result<(), CoreError> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(CoreError::Rejected("password_short"));
    }
    if length > MAX_LENGTH {
        return Err(CoreError::Rejected("password_long"));
    }
    Ok(())
}

type Job = Box<dyn FnOnce() + Send>;

/// Hashing runs on a few dedicated threads (one per core, at most four),
/// one hash at a time each: a flood of sign-ins queues up instead of
/// taking every core and 19 MiB per attempt, and the memory the hashes
/// use stays in those threads' allocator arenas instead of spreading over
/// the whole blocking pool.
fn pool() -> &'static Mutex<mpsc::Sender<Job>> {
    static POOL: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    POOL.get_or_init(|| {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
        for n in 0..threads {
            let receiver = Arc::clone(&receiver);
            let _ = std::thread::Builder::new()
                .name(format!("polku-hash-{n}"))
                .spawn(move || {
                    loop {
                        let job = match receiver.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
        }
        Mutex::new(sender)
    })
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, CoreError> {
    let (done, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(work());
    });
    pool()
        .lock()
        .map_err(|_| CoreError::Internal("password pool poisoned".into()))?
        .send(job)
        .map_err(|_| CoreError::Internal("password pool stopped".into()))?;
    result
        .await
        .map_err(|_| CoreError::Internal("password task failed".into()))
}

/// The PHC string of an argon2id hash of `password` with a random salt.
pub async fn hash(password: String) -> Result<String, CoreError> {
    blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| CoreError::Internal(format!("hashing: {e}")))
    })
    .await?
}

/// Whether `password` matches the stored PHC string.
pub async fn verify(password: String, stored: String) -> Result<bool, CoreError> {
    blocking(move || {
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| CoreError::Internal(format!("stored hash: {e}")))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await?
}

/// A hash to verify against when the username does not exist, so that the
/// answer takes as long as for a real account.
pub(crate) fn decoy() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2ixLMqr0GFHj1VXhm0VVw9ZF9GTc1pYf5Y8Ax0L0C6Y"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let a = hash("correct horse".into()).await.unwrap();
        let b = hash("correct horse".into()).await.unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "salted");
        assert!(verify("correct horse".into(), a.clone()).await.unwrap());
        assert!(!verify("correct horse!".into(), a).await.unwrap());
    }

    #[tokio::test]
    async fn decoy_parses_and_never_matches() {
        assert!(!verify("anything".into(), decoy().into()).await.unwrap());
    }

    #[test]
    fn length_rules() {
        assert!(check_new("1234567").is_err());
        assert!(check_new("12345678").is_ok());
        assert!(check_new(&"x".repeat(129)).is_err());
        assert!(check_new("pääsyä ok").is_ok());
    }
}
