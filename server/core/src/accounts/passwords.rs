//! Password hashing with argon2id (the `argon2` crate's defaults: 19 MiB,
//! 2 passes, 1 lane, as OWASP recommends), run off the async threads.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

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

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, CoreError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| CoreError::Internal(format!("password task: {e}")))
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
