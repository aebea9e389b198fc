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
//!   [`WATCH_PERIOD`] and bumps the generation when any differs.
//! * **Bounded.** Entries are weighed by their text; past the budget the
//!   least recently used go first.

use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use lru::LruCache;
use sea_orm::DatabaseConnection;

use super::{CourseCard, CourseDetail, LessonPage};
use crate::{CoreError, Language};

/// How often [`ContentCache::spawn_watch`] reads the course versions.
pub const WATCH_PERIOD: Duration = Duration::from_millis(250);
/// The default budget: about this many bytes of text across all entries.
pub const DEFAULT_BUDGET: usize = 16 * 1024 * 1024;

/// Something kept, and roughly how many bytes it holds.
trait Weigh {
    fn weight(&self) -> usize;
}

impl Weigh for LessonPage {
    fn weight(&self) -> usize {
        // The body dominates; the rest is a few hundred bytes.
        serde_json::to_vec(self).map_or(4096, |v| v.len())
    }
}

impl Weigh for CourseDetail {
    fn weight(&self) -> usize {
        serde_json::to_vec(self).map_or(4096, |v| v.len())
    }
}

/// A lesson's course id and own id.
#[derive(Debug, Clone, Copy)]
struct Located(i32, i32);

impl Weigh for Located {
    fn weight(&self) -> usize {
        // The key's two slugs and the map's own share.
        128
    }
}

impl Weigh for Vec<CourseCard> {
    fn weight(&self) -> usize {
        serde_json::to_vec(self).map_or(4096, |v| v.len())
    }
}

/// One least-recently-used map with a byte budget.
struct Shelf<K: Hash + Eq, V> {
    entries: LruCache<K, (u64, Arc<V>, usize)>,
    bytes: usize,
    budget: usize,
}

impl<K: Hash + Eq, V: Weigh> Shelf<K, V> {
    fn new(budget: usize) -> Self {
        Shelf {
            entries: LruCache::unbounded(),
            bytes: 0,
            budget,
        }
    }

    fn get(&mut self, key: &K, generation: u64) -> Option<Arc<V>> {
        match self.entries.get(key) {
            Some((g, value, _)) if *g == generation => Some(value.clone()),
            _ => None,
        }
    }

    fn put(&mut self, key: K, generation: u64, value: Arc<V>) {
        let weight = value.weight();
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

    fn clear(&mut self) {
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
        self.0
            .shelves
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// [`super::lesson`], from memory when it was read before.
    pub async fn lesson(
        &self,
        db: &DatabaseConnection,
        course: &str,
        lesson: &str,
        language: Language,
    ) -> Result<LessonPage, CoreError> {
        let generation = self.generation();
        let key = (course.to_owned(), lesson.to_owned(), language);
        if let Some(page) = self.shelves().lessons.get(&key, generation) {
            return Ok((*page).clone());
        }
        let page = super::lesson(db, course, lesson, language).await?;
        self.shelves()
            .lessons
            .put(key, generation, Arc::new(page.clone()));
        Ok(page)
    }

    /// [`super::course`], from memory when it was read before.
    pub async fn course(
        &self,
        db: &DatabaseConnection,
        slug: &str,
        language: Language,
    ) -> Result<CourseDetail, CoreError> {
        let generation = self.generation();
        let key = (slug.to_owned(), language);
        if let Some(detail) = self.shelves().courses.get(&key, generation) {
            return Ok((*detail).clone());
        }
        let detail = super::course(db, slug, language).await?;
        self.shelves()
            .courses
            .put(key, generation, Arc::new(detail.clone()));
        Ok(detail)
    }

    /// [`super::catalog`], from memory when it was read before.
    pub async fn catalog(
        &self,
        db: &DatabaseConnection,
        language: Language,
    ) -> Result<Vec<CourseCard>, CoreError> {
        let generation = self.generation();
        if let Some(cards) = self.shelves().catalogs.get(&language, generation) {
            return Ok((*cards).clone());
        }
        let cards = super::catalog(db, language).await?;
        self.shelves()
            .catalogs
            .put(language, generation, Arc::new(cards.clone()));
        Ok(cards)
    }

    /// [`super::locate`] (course and lesson slugs to their ids, the lesson
    /// not archived), from memory when it was read before.
    pub async fn locate(
        &self,
        db: &DatabaseConnection,
        course: &str,
        lesson: &str,
    ) -> Result<(i32, i32), CoreError> {
        let generation = self.generation();
        let key = (course.to_owned(), lesson.to_owned());
        if let Some(found) = self.shelves().places.get(&key, generation) {
            return Ok((found.0, found.1));
        }
        let (course_id, lesson_id) = super::locate(db, course, lesson).await?;
        self.shelves()
            .places
            .put(key, generation, Arc::new(Located(course_id, lesson_id)));
        Ok((course_id, lesson_id))
    }

    /// Reads every course's version once and bumps the generation when any
    /// differs from the last look (another instance, or `polku import`,
    /// changed content). Returns whether it did.
    pub async fn check(&self, db: &DatabaseConnection) -> Result<bool, CoreError> {
        let mut now = crate::search::course_versions(db).await?;
        now.sort_unstable();
        let mut seen = self
            .0
            .versions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
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
        tokio::spawn(async move {
            let mut failing = false;
            loop {
                match cache.check(&db).await {
                    Ok(_) => failing = false,
                    Err(err) if !failing => {
                        failing = true;
                        tracing::error!(target: "polku::content", "content version check failed (retrying): {err}");
                    }
                    Err(_) => {}
                }
                tokio::time::sleep(WATCH_PERIOD).await;
            }
        })
    }
}

impl Shelves {
    fn clear_all(&mut self) {
        self.lessons.clear();
        self.courses.clear();
        self.catalogs.clear();
        self.places.clear();
    }
}
