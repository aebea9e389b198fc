//! Published content in memory: the catalog, course pages and lesson pages
//! as read from the database, kept until the content changes, so reading a
//! lesson costs no query.
//!
//! * **Generation.** Every entry carries the content generation it was
//!   read under, taken *before* reading the database; a lookup takes only
//!   entries of the current generation. A change that commits while an
//!   entry is being read bumps the generation, so that entry is never
//!   served (no stale page outlives a change).
//! * **This instance.** Whoever changes content here calls
//!   [`ContentCache::changed`] after the change is committed: the next
//!   read sees it.
//! * **Other instances** (and `polku import` run beside the server):
//!   [`ContentCache::spawn_watch`] reads every course's version (one small
//!   query, the same versions the search index follows) every
//!   [`WATCH_PERIOD`] and bumps the generation when any differs (or when
//!   a lesson's audio was made: `speech::changes`).
//! * **Bounded.** Entries are weighed by their text; past the budget the
//!   least recently used go first.

use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use lru::LruCache;
use sea_orm::DatabaseConnection;

use super::{CourseCard, CourseDetail, LessonPage};
use crate::sync::lock;
use crate::{CoreError, Language};

/// How often [`ContentCache::spawn_watch`] reads the course versions.
pub const WATCH_PERIOD: Duration = Duration::from_millis(250);
/// The default budget: about this many bytes of text across all entries.
pub const DEFAULT_BUDGET: usize = 16 * 1024 * 1024;

/// Roughly how many bytes `value` holds: its size as JSON (for a lesson,
/// the body dominates).
fn json_weight(value: &impl serde::Serialize) -> usize {
    serde_json::to_vec(value).map_or(4096, |v| v.len())
}

/// A lesson's course id and own id.
#[derive(Debug, Clone, Copy)]
struct Located(i32, i32);

/// What a [`Located`] entry weighs: its key's two slugs and the map's share.
const LOCATED_WEIGHT: usize = 128;

/// A least-recently-used map with a byte budget, whose entries carry the
/// content generation they were made under: [`Shelf::get`] takes only
/// entries of the generation asked for. Past the budget the least recently
/// used go first; an entry larger than the whole budget is not kept. Used
/// here for content and by the web layer for whole pages.
pub struct Shelf<K: Hash + Eq, V> {
    entries: LruCache<K, (u64, Arc<V>, usize)>,
    bytes: usize,
    budget: usize,
}

impl<K: Hash + Eq, V> Shelf<K, V> {
    /// An empty shelf holding about `budget` bytes.
    pub fn new(budget: usize) -> Self {
        Shelf {
            entries: LruCache::unbounded(),
            bytes: 0,
            budget,
        }
    }

    /// The entry for `key`, if it was made under `generation`.
    pub fn get(&mut self, key: &K, generation: u64) -> Option<Arc<V>> {
        match self.entries.get(key) {
            Some((g, value, _)) if *g == generation => Some(value.clone()),
            _ => None,
        }
    }

    /// Keeps `value` (about `weight` bytes) for `key`, made under
    /// `generation`.
    pub fn put(&mut self, key: K, generation: u64, value: Arc<V>, weight: usize) {
        if weight > self.budget {
            return;
        }
        if let Some((_, _, old)) = self.entries.put(key, (generation, value, weight)) {
            self.bytes -= old;
        }
        self.bytes += weight;
        while self.bytes > self.budget {
            match self.entries.pop_lru() {
                Some((_, (_, _, w))) => self.bytes -= w,
                None => break,
            }
        }
    }

    /// How many entries are kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Forgets every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }
}

type LessonKey = (String, String, Language);
type CourseKey = (String, Language);

struct Shelves {
    lessons: Shelf<LessonKey, LessonPage>,
    courses: Shelf<CourseKey, CourseDetail>,
    catalogs: Shelf<Language, Vec<CourseCard>>,
    places: Shelf<(String, String), Located>,
}

struct Inner {
    generation: AtomicU64,
    shelves: Mutex<Shelves>,
    /// The course versions the watch saw last.
    versions: Mutex<Option<Vec<(i32, String)>>>,
}

/// The content cache of one server instance (cheap to clone: shared).
#[derive(Clone)]
pub struct ContentCache(Arc<Inner>);

impl std::fmt::Debug for ContentCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContentCache")
            .field("generation", &self.generation())
            .finish_non_exhaustive()
    }
}

impl Default for ContentCache {
    fn default() -> Self {
        ContentCache::new(DEFAULT_BUDGET)
    }
}

impl ContentCache {
    /// An empty cache holding about `budget` bytes of text (lessons get
    /// most of it).
    pub fn new(budget: usize) -> Self {
        ContentCache(Arc::new(Inner {
            generation: AtomicU64::new(0),
            shelves: Mutex::new(Shelves {
                lessons: Shelf::new(budget / 8 * 6),
                courses: Shelf::new(budget / 8),
                catalogs: Shelf::new(budget / 16),
                places: Shelf::new(budget / 16),
            }),
            versions: Mutex::new(None),
        }))
    }

    /// The content generation now: it changes whenever content does. Whatever
    /// is derived from content (a rendered page) and tagged with the
    /// generation read before it was made is current while this is equal.
    pub fn generation(&self) -> u64 {
        self.0.generation.load(Ordering::Acquire)
    }

    /// Content changed (call after the change is committed): nothing read
    /// before is served again.
    pub fn changed(&self) {
        self.0.generation.fetch_add(1, Ordering::AcqRel);
        self.shelves().clear_all();
    }

    fn shelves(&self) -> MutexGuard<'_, Shelves> {
        // A panic while holding the lock leaves only a cache behind.
        lock(&self.0.shelves)
    }

    /// The entry for `key` on the shelf `pick` chooses, when it is of the
    /// current generation; else what `read` reads, kept with `weight`.
    async fn remember<K: Hash + Eq, V: Clone>(
        &self,
        pick: impl Fn(&mut Shelves) -> &mut Shelf<K, V>,
        key: K,
        read: impl Future<Output = Result<V, CoreError>>,
        weight: impl Fn(&V) -> usize,
    ) -> Result<V, CoreError> {
        // Taken before reading: a change committed meanwhile bumps it, and
        // what was read is never served under the new generation.
        let generation = self.generation();
        if let Some(kept) = pick(&mut self.shelves()).get(&key, generation) {
            return Ok((*kept).clone());
        }
        let value = read.await?;
        let bytes = weight(&value);
        pick(&mut self.shelves()).put(key, generation, Arc::new(value.clone()), bytes);
        Ok(value)
    }

    /// [`super::lesson`], from memory when it was read before.
    pub async fn lesson(
        &self,
        db: &DatabaseConnection,
        course: &str,
        lesson: &str,
        language: Language,
    ) -> Result<LessonPage, CoreError> {
        self.remember(
            |s| &mut s.lessons,
            (course.to_owned(), lesson.to_owned(), language),
            super::lesson(db, course, lesson, language),
            json_weight,
        )
        .await
    }

    /// [`super::course`], from memory when it was read before.
    pub async fn course(
        &self,
        db: &DatabaseConnection,
        slug: &str,
        language: Language,
    ) -> Result<CourseDetail, CoreError> {
        self.remember(
            |s| &mut s.courses,
            (slug.to_owned(), language),
            super::course(db, slug, language),
            json_weight,
        )
        .await
    }

    /// [`super::catalog`], from memory when it was read before.
    pub async fn catalog(
        &self,
        db: &DatabaseConnection,
        language: Language,
    ) -> Result<Vec<CourseCard>, CoreError> {
        self.remember(
            |s| &mut s.catalogs,
            language,
            super::catalog(db, language),
            json_weight,
        )
        .await
    }

    /// [`super::locate`] (course and lesson slugs to their ids, the lesson
    /// not archived), from memory when it was read before.
    pub async fn locate(
        &self,
        db: &DatabaseConnection,
        course: &str,
        lesson: &str,
    ) -> Result<(i32, i32), CoreError> {
        let found = self
            .remember(
                |s| &mut s.places,
                (course.to_owned(), lesson.to_owned()),
                async {
                    let (c, l) = super::locate(db, course, lesson).await?;
                    Ok(Located(c, l))
                },
                |_| LOCATED_WEIGHT,
            )
            .await?;
        Ok((found.0, found.1))
    }

    /// Reads every course's version once and bumps the generation when any
    /// differs from the last look (another instance, or `polku import`,
    /// changed content). Returns whether it did.
    pub async fn check(&self, db: &DatabaseConnection) -> Result<bool, CoreError> {
        let mut now = crate::search::course_versions(db).await?;
        now.sort_unstable();
        // Lesson pages show a player once their audio is made.
        now.push((i32::MIN, crate::speech::changes(db).await?.to_string()));
        let mut seen = lock(&self.0.versions);
        let differs = seen.as_ref().is_some_and(|before| *before != now);
        *seen = Some(now);
        drop(seen);
        if differs {
            self.changed();
        }
        Ok(differs)
    }

    /// Runs [`ContentCache::check`] every [`WATCH_PERIOD`] for as long as
    /// the server runs.
    pub fn spawn_watch(&self, db: DatabaseConnection) -> tokio::task::JoinHandle<()> {
        let cache = self.clone();
        watch("content version", WATCH_PERIOD, move || {
            let (cache, db) = (cache.clone(), db.clone());
            async move { cache.check(&db).await }
        })
    }
}

/// Runs `check` every `period` for as long as the runtime runs (the
/// watches of what other instances change): a failure is logged once,
/// naming `what`, until a check succeeds again.
pub fn watch<F, Fut, E>(
    what: &'static str,
    period: Duration,
    check: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = Result<bool, E>> + Send,
    E: std::fmt::Display,
{
    tokio::spawn(async move {
        let mut failing = false;
        loop {
            match check().await {
                Ok(_) => failing = false,
                Err(err) if !failing => {
                    failing = true;
                    tracing::error!(target: "polku::watch", "{what} check failed (retrying): {err}");
                }
                Err(_) => {}
            }
            tokio::time::sleep(period).await;
        }
    })
}

impl Shelves {
    fn clear_all(&mut self) {
        self.lessons.clear();
        self.courses.clear();
        self.catalogs.clear();
        self.places.clear();
    }
}
