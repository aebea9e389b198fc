//! Locks that carry on after a panic.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// `mutex`, locked even when a thread panicked while holding it.
///
/// Everything Polku keeps behind a mutex (caches, queues, a search
/// writer, spare buffers) is still usable after such a panic: a request
/// that failed midway leaves at worst an entry to be read again. Going on
/// is better than failing every later request that needs the lock.
pub fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_poisoned_by_a_panic_is_still_given() {
        let shared = std::sync::Arc::new(Mutex::new(vec![1]));
        let held = std::sync::Arc::clone(&shared);
        let panicked = std::thread::spawn(move || {
            let mut v = held.lock().unwrap();
            v.push(2);
            panic!("while holding the lock");
        })
        .join();
        assert!(panicked.is_err());
        assert!(shared.is_poisoned());
        assert_eq!(*lock(&shared), vec![1, 2]);
    }
}
