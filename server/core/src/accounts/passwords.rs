//! Password hashing with argon2id (the `argon2` crate's defaults: 19 MiB,
//! 2 passes, 1 lane, as OWASP recommends), run off the async threads.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, OnceLock};

use crate::CoreError;
use crate::sync::lock;

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 8;
/// Longest password accepted (hashing cost stays bounded).
pub const MAX_LENGTH: usize = 128;
/// Hashes that may wait for a hashing thread, per thread. More are refused
/// with [`CoreError::Busy`] at once instead of queueing without end.
pub const QUEUE_PER_THREAD: usize = 16;
/// A hashing thread without work for this long frees its working memory.
pub const IDLE_RELEASE: std::time::Duration = std::time::Duration::from_secs(5);

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

/// A hash's working memory: one argon2 block buffer, allocated at the
/// first hash and reused for the hashes that follow while sign-ins keep
/// coming; after [`IDLE_RELEASE`] without one, every buffer is given back
/// (19 MiB each that an idle server need not hold).
struct Memory(Vec<Block>);

impl Memory {
    /// Runs `work` on `count` blocks. The kept buffer has room for the
    /// default parameters (allocated at the first hash, then reused); a
    /// stored hash with a larger memory cost than that gets a buffer of its
    /// own, freed after use, so the kept one stays the default size.
    /// Argon2 overwrites every block in its first pass, so what an earlier
    /// hash left in the buffer does not matter.
    fn with<T>(&mut self, count: usize, work: impl FnOnce(&mut [Block]) -> T) -> T {
        let kept = Params::default().block_count();
        if count > kept {
            return work(&mut vec![Block::new(); count]);
        }
        if self.0.len() < kept {
            self.0.resize(kept, Block::new());
        }
        work(&mut self.0[..count])
    }
}

type Job = Box<dyn FnOnce(&mut Memory) + Send>;

/// Hashing runs on a few dedicated threads (one per core, at most four),
/// one hash at a time each, with buffers kept between hashes (at most one
/// per thread): a flood of sign-ins neither takes every core nor
/// allocates 19 MiB per attempt.
/// At most [`QUEUE_PER_THREAD`] per thread wait; beyond that the caller
/// hears [`CoreError::Busy`] (the server answers 503 with `Retry-After`).
struct Pool {
    sender: SyncSender<Job>,
    /// The buffers between hashes (the threads share them; the tests look).
    #[cfg(test)]
    spare: Arc<Mutex<Vec<Memory>>>,
}

impl Pool {
    fn new(threads: usize, queue: usize) -> Pool {
        Pool::with_idle_release(threads, queue, IDLE_RELEASE)
    }

    fn with_idle_release(threads: usize, queue: usize, idle: std::time::Duration) -> Pool {
        let (sender, receiver) = mpsc::sync_channel::<Job>(queue);
        let receiver = Arc::new(Mutex::new(receiver));
        let spare = Arc::new(Mutex::new(Vec::with_capacity(threads)));
        for n in 0..threads {
            let receiver = Arc::clone(&receiver);
            let spare = Arc::clone(&spare);
            let _ = std::thread::Builder::new()
                .name(format!("polku-hash-{n}"))
                .spawn(move || work(&receiver, &spare, idle));
        }
        Pool {
            sender,
            #[cfg(test)]
            spare,
        }
    }

    /// Queues `work` for a hashing thread; refuses at once when the queue
    /// is full.
    fn submit<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Memory) -> T + Send + 'static,
    ) -> Result<tokio::sync::oneshot::Receiver<T>, CoreError> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |memory| {
            let _ = done.send(work(memory));
        });
        self.sender.try_send(job).map_err(|err| match err {
            TrySendError::Full(_) => CoreError::Busy,
            TrySendError::Disconnected(_) => CoreError::Internal("password pool stopped".into()),
        })?;
        Ok(result)
    }

    /// Runs `work` on a hashing thread (see [`Pool::submit`]).
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Memory) -> T + Send + 'static,
    ) -> Result<T, CoreError> {
        self.submit(work)?
            .await
            .map_err(|_| CoreError::Internal("password task failed".into()))
    }
}

/// A hashing thread: takes jobs until the pool is gone, each with a
/// spare buffer (or a new one), put back after the hash.
///
/// One thread at a time waits for the next job (holding the queue's
/// lock); when none comes for `idle`, that thread frees every spare
/// buffer, the other threads' too: they wait for the lock, so a buffer
/// kept per thread would be freed only when its thread's turn to wait
/// came (measured: the second thread's 19 MiB went 10 s after the last
/// sign-up instead of 5).
fn work(receiver: &Mutex<Receiver<Job>>, spare: &Mutex<Vec<Memory>>, idle: std::time::Duration) {
    use std::sync::mpsc::RecvTimeoutError;
    loop {
        let job = match receiver.lock() {
            Ok(queue) => queue.recv_timeout(idle),
            Err(_) => return,
        };
        match job {
            Ok(job) => {
                let mut memory = lock(spare).pop().unwrap_or(Memory(Vec::new()));
                job(&mut memory);
                lock(spare).push(memory);
            }
            Err(RecvTimeoutError::Timeout) => {
                let freed = std::mem::take(&mut *lock(spare));
                drop(freed);
            }
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// Tests only (feature `test-support`): every hashing thread and every
/// place in the queue taken by a job that waits until the returned guard
/// is dropped, so every hash asked for meanwhile is refused as busy. The
/// queue is filled again once the threads have taken their jobs, so no
/// place frees up while the guard lives.
#[cfg(feature = "test-support")]
pub fn occupy() -> Occupied {
    use std::sync::Condvar;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let gate = Arc::new((Mutex::new(false), Condvar::new()));
    let started = Arc::new(AtomicUsize::new(0));
    let fill = || {
        let mut queued = 0usize;
        loop {
            let (gate, started) = (Arc::clone(&gate), Arc::clone(&started));
            let job = pool().submit(move |_| {
                started.fetch_add(1, Ordering::SeqCst);
                let (open, opened) = &*gate;
                let mut is_open = lock(open);
                while !*is_open {
                    is_open = opened
                        .wait(is_open)
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                }
            });
            if job.is_err() || queued > 100_000 {
                return queued;
            }
            queued += 1;
        }
    };
    let first = fill();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while started.load(Ordering::SeqCst) < threads.min(first)
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    fill();
    Occupied(gate)
}

/// See [`occupy`]: dropped, the waiting jobs end and hashing goes on.
#[cfg(feature = "test-support")]
pub struct Occupied(Arc<(Mutex<bool>, std::sync::Condvar)>);

#[cfg(feature = "test-support")]
impl Drop for Occupied {
    fn drop(&mut self) {
        let (open, opened) = &*self.0;
        *lock(open) = true;
        opened.notify_all();
    }
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
        Pool::new(threads, threads * QUEUE_PER_THREAD)
    })
}

fn internal(what: &str) -> impl FnOnce(argon2::Error) -> CoreError + '_ {
    move |e| CoreError::Internal(format!("{what}: {e}"))
}

/// Computes the argon2 output of `password` with `salt` into `out`, in the
/// thread's reused memory.
fn compute(
    memory: &mut Memory,
    argon2: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    memory.with(params.block_count(), |blocks| {
        argon2.hash_password_into_with_memory(password, salt, out, blocks)
    })
}

/// The PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) of `password`
/// with a new random salt and the default parameters.
fn hash_with(memory: &mut Memory, password: &[u8]) -> Result<String, CoreError> {
    let params = Params::default();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt
        .decode_b64(&mut salt_bytes)
        .map_err(|e| CoreError::Internal(format!("salt: {e}")))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    compute(memory, &argon2, &params, password, salt_bytes, &mut out)
        .map_err(internal("hashing"))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)
            .map_err(|e| CoreError::Internal(format!("params: {e}")))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| CoreError::Internal(format!("output: {e}")))?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `stored` (any argon2 variant,
/// version and parameters it names), compared in constant time.
fn verify_with(memory: &mut Memory, password: &[u8], stored: &str) -> Result<bool, CoreError> {
    let bad = |e: argon2::password_hash::Error| CoreError::Internal(format!("stored hash: {e}"));
    let parsed = PasswordHash::new(stored).map_err(bad)?;
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(bad)?;
    let version = parsed
        .version
        .map(Version::try_from)
        .transpose()
        .map_err(internal("stored hash"))?
        .unwrap_or_default();
    let params = Params::try_from(&parsed).map_err(bad)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(CoreError::Internal("stored hash: no salt or output".into()));
    };
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(bad)?;
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let computed = Output::init_with(expected.len(), |out| {
        compute(memory, &argon2, &params, password, salt_bytes, out)
            .map_err(|_| argon2::password_hash::Error::Crypto)
    })
    .map_err(bad)?;
    // `Output`'s equality is constant-time.
    Ok(computed == expected)
}

/// The PHC string of an argon2id hash of `password` with a random salt.
pub async fn hash(password: String) -> Result<String, CoreError> {
    pool()
        .run(move |memory| hash_with(memory, password.as_bytes()))
        .await?
}

/// Whether `password` matches the stored PHC string.
pub async fn verify(password: String, stored: String) -> Result<bool, CoreError> {
    pool()
        .run(move |memory| verify_with(memory, password.as_bytes(), &stored))
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
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    #[tokio::test]
    async fn a_hashing_thread_frees_its_memory_when_idle_and_reuses_it_while_busy() {
        let pool = Pool::with_idle_release(1, 4, std::time::Duration::from_millis(100));
        let kept = Params::default().block_count();
        // A hash allocates the buffer; the next, right after, finds it.
        let first = pool
            .run(move |memory| memory.with(kept, |blocks| blocks.len()))
            .await
            .unwrap();
        assert_eq!(first, kept);
        let held = pool.run(|memory| memory.0.len()).await.unwrap();
        assert_eq!(held, kept, "kept between hashes that come close together");
        // Idle past the release time: given back.
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        let after = pool.run(|memory| memory.0.capacity()).await.unwrap();
        assert_eq!(after, 0, "freed after an idle while");
    }

    #[tokio::test]
    async fn every_threads_buffer_is_freed_once_idle() {
        let pool = Pool::with_idle_release(2, 8, std::time::Duration::from_millis(500));
        let kept = Params::default().block_count();
        // Two hashes at once (each waits for the other: two threads).
        let both = Arc::new(std::sync::Barrier::new(2));
        let hash = |both: Arc<std::sync::Barrier>| {
            pool.submit(move |memory| {
                both.wait();
                memory.with(kept, |blocks| blocks.len())
            })
            .unwrap()
        };
        let (a, b) = (hash(Arc::clone(&both)), hash(both));
        assert_eq!((a.await.unwrap(), b.await.unwrap()), (kept, kept));
        let spare = || pool.spare.lock().unwrap().len();
        // Put back just after the answer is sent.
        let soon = std::time::Instant::now() + std::time::Duration::from_millis(200);
        while spare() < 2 && std::time::Instant::now() < soon {
            std::thread::yield_now();
        }
        assert_eq!(spare(), 2, "each thread's buffer kept for the next hash");
        // One idle while frees both: neither waits for its own thread's
        // turn.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while spare() > 0 && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(spare(), 0, "freed after an idle while");
    }

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let a = hash("correct horse".into()).await.unwrap();
        let b = hash("correct horse".into()).await.unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "salted");
        assert!(verify("correct horse".into(), a.clone()).await.unwrap());
        assert!(!verify("correct horse!".into(), a.clone()).await.unwrap());
        // The argon2 crate's own verifier agrees.
        let parsed = PasswordHash::new(&a).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse", &parsed)
                .is_ok()
        );
    }

    #[tokio::test]
    async fn hashes_made_by_the_argon2_crate_still_verify() {
        // As stored before hashing reused its memory, and with other
        // parameters (argon2i, less memory, a longer output).
        let salt = SaltString::generate(&mut OsRng);
        let old = Argon2::default()
            .hash_password(b"vanha salasana", &salt)
            .unwrap()
            .to_string();
        assert!(verify("vanha salasana".into(), old.clone()).await.unwrap());
        assert!(!verify("uusi salasana".into(), old).await.unwrap());
        let params = Params::new(4096, 3, 1, Some(48)).unwrap();
        let other = Argon2::new(Algorithm::Argon2i, Version::V0x13, params)
            .hash_password(b"vanha salasana", &salt)
            .unwrap()
            .to_string();
        assert!(
            other.starts_with("$argon2i$v=19$m=4096,t=3,p=1$"),
            "{other}"
        );
        assert!(
            verify("vanha salasana".into(), other.clone())
                .await
                .unwrap()
        );
        assert!(!verify("uusi salasana".into(), other).await.unwrap());
    }

    #[tokio::test]
    async fn decoy_parses_and_never_matches() {
        assert!(!verify("anything".into(), decoy().into()).await.unwrap());
    }

    #[tokio::test]
    async fn a_full_queue_is_refused_at_once() {
        // One thread, room for one waiting job.
        let pool = Pool::new(1, 1);
        let (started, running) = std::sync::mpsc::channel();
        let (release, gate) = std::sync::mpsc::channel::<()>();
        let first = pool
            .submit(move |_| {
                let _ = started.send(());
                let _ = gate.recv();
                1
            })
            .unwrap();
        running.recv().unwrap();
        let second = pool.submit(|_| 2).unwrap();
        // The thread is busy and the queue is full: a third is refused.
        assert!(matches!(pool.submit(|_| 3), Err(CoreError::Busy)));
        assert!(matches!(pool.run(|_| 3).await, Err(CoreError::Busy)));
        release.send(()).unwrap();
        assert_eq!(first.await.unwrap(), 1);
        assert_eq!(second.await.unwrap(), 2);
        // With room again, work is taken.
        assert_eq!(pool.run(|_| 4).await.unwrap(), 4);
    }

    #[test]
    fn memory_is_kept_between_hashes() {
        let mut memory = Memory(Vec::new());
        let a = hash_with(&mut memory, b"first password").unwrap();
        let kept = memory.0.as_ptr();
        assert_eq!(memory.0.len(), Params::default().block_count());
        assert!(verify_with(&mut memory, b"first password", &a).unwrap());
        let _ = hash_with(&mut memory, b"second password").unwrap();
        assert_eq!(memory.0.as_ptr(), kept, "the same buffer");
    }

    #[test]
    fn length_rules() {
        assert!(check_new("1234567").is_err());
        assert!(check_new("12345678").is_ok());
        assert!(check_new(&"x".repeat(129)).is_err());
        assert!(check_new("pääsyä ok").is_ok());
    }
}
