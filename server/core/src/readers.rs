//! What a signed-in reader's own parts of a page show, kept in memory: her
//! unread counts (every page's header), her standing in a lesson (every
//! lesson page) and a lesson's comments. With the lesson page kept with
//! holes (the web layer's `pages`), a signed-in reader's lesson page then
//! costs no query while nothing she sees has changed.
//!
//! * **Changes, anywhere.** Database triggers count every change to what
//!   these are read from (messages, their conversations and reads, groups
//!   and their members, notifications, enrolments, a lesson marked done or
//!   not, comments, a person's name) in the `readers` counter
//!   (`migrations`, `m20261213_090000_create_readers_counter`): whatever
//!   makes the change, through any instance or a `polku` command, counts
//!   it. Noting a view (its time only) is not counted: each instance keeps
//!   the time it wrote (another instance may write a view once more than
//!   needed, nothing else).
//! * **Seen here at once.** The web layer reads the counter after every
//!   request that may have changed something (anything but a `GET` or
//!   `HEAD`, and any signed-in page not answered from memory), so the next
//!   request sees it; [`ReaderCache::spawn_watch`] reads it every
//!   [`WATCH_PERIOD`] for changes made elsewhere.
//! * **Generations.** Each entry carries the generation taken before it
//!   was read ([`crate::db::Changes`]): nothing read before a change is
//!   used after it.
//! * **Bounded** by a byte budget, least recently used first out.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use sea_orm::DatabaseConnection;

use crate::CoreError;
use crate::accounts::Actor;
use crate::courses::cache::Shelf;
use crate::db::Changes;
use crate::discussion::{Comment, LessonComment};
use crate::progress::{LessonLearner, Standing};
use crate::sync::lock;

/// The counter the triggers count in.
pub const COUNTER: &str = "readers";
/// How often [`ReaderCache::spawn_watch`] reads the counter.
pub const WATCH_PERIOD: Duration = Duration::from_millis(250);
/// The default budget, in bytes.
pub const DEFAULT_BUDGET: usize = 8 * 1024 * 1024;
/// What an entry of counts or standing weighs (its key, value and the
/// map's share).
const SMALL_WEIGHT: usize = 96;

struct Shelves {
    counts: Shelf<i32, (u32, u32)>,
    standings: Shelf<(i32, i32), Option<Standing>>,
    comments: Shelf<i32, Vec<LessonComment>>,
}

struct Inner {
    changes: Changes,
    shelves: Mutex<Shelves>,
}

/// The readers' parts kept by one server instance (cheap to clone:
/// shared).
#[derive(Clone)]
pub struct ReaderCache(Arc<Inner>);

impl std::fmt::Debug for ReaderCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReaderCache").finish_non_exhaustive()
    }
}

impl Default for ReaderCache {
    fn default() -> Self {
        ReaderCache::new(DEFAULT_BUDGET)
    }
}

impl ReaderCache {
    /// An empty cache of about `budget` bytes (0: keeps nothing), split
    /// between the counts and standings (a quarter each) and the comments.
    pub fn new(budget: usize) -> Self {
        ReaderCache(Arc::new(Inner {
            changes: Changes::new(COUNTER),
            shelves: Mutex::new(Shelves {
                counts: Shelf::new(budget / 4),
                standings: Shelf::new(budget / 4),
                comments: Shelf::new(budget / 2),
            }),
        }))
    }

    fn shelves(&self) -> MutexGuard<'_, Shelves> {
        lock(&self.0.shelves)
    }

    /// [`crate::messages::header_counts`]: her unread messages and
    /// notifications.
    pub async fn header_counts(
        &self,
        db: &DatabaseConnection,
        user: i32,
    ) -> Result<(u32, u32), CoreError> {
        let generation = self.0.changes.generation();
        if let Some(counts) = self.shelves().counts.get(&user, generation) {
            return Ok(*counts);
        }
        let counts = crate::messages::header_counts(db, user).await?;
        self.shelves()
            .counts
            .put(user, generation, Arc::new(counts), SMALL_WEIGHT);
        Ok(counts)
    }

    /// [`crate::progress::record_view_at`]: her state in the lesson, the
    /// view noted when due.
    pub async fn record_view(
        &self,
        db: &DatabaseConnection,
        actor: &Actor,
        course_id: i32,
        lesson_id: i32,
    ) -> Result<LessonLearner, CoreError> {
        let generation = self.0.changes.generation();
        let key = (actor.id(), lesson_id);
        let kept = self.shelves().standings.get(&key, generation);
        let standing = match &kept {
            Some(standing) => **standing,
            None => crate::progress::standing(db, actor, course_id, lesson_id).await?,
        };
        let (learner, now) =
            crate::progress::note_view(db, actor, (course_id, lesson_id), standing).await?;
        if kept.is_none_or(|before| *before != now) {
            self.shelves()
                .standings
                .put(key, generation, Arc::new(now), SMALL_WEIGHT);
        }
        Ok(learner)
    }

    /// [`crate::discussion::comments_at`]: the lesson's comments as she
    /// sees them.
    pub async fn comments(
        &self,
        db: &DatabaseConnection,
        actor: &Actor,
        lesson_id: i32,
    ) -> Result<Vec<Comment>, CoreError> {
        let generation = self.0.changes.generation();
        let kept = self.shelves().comments.get(&lesson_id, generation);
        let all = match kept {
            Some(all) => all,
            None => {
                let all = Arc::new(crate::discussion::lesson_comments(db, lesson_id).await?);
                let weight = all
                    .iter()
                    .map(|(_, c)| c.body.len() + c.author.len() + 128)
                    .sum::<usize>()
                    + SMALL_WEIGHT;
                self.shelves()
                    .comments
                    .put(lesson_id, generation, all.clone(), weight);
                all
            }
        };
        Ok(crate::discussion::visible_to(&all, actor))
    }

    /// Reads the counter; forgets everything kept when it moved since the
    /// last read, or could not be read. Returns whether it moved.
    pub async fn check(&self, db: &DatabaseConnection) -> Result<bool, CoreError> {
        Ok(self.0.changes.check(db).await?)
    }

    /// The counter as this instance follows it (for
    /// [`crate::db::check_all`]).
    pub fn changes(&self) -> &Changes {
        &self.0.changes
    }

    /// Reads the counter every [`WATCH_PERIOD`] (see
    /// [`ReaderCache::check`]) until the runtime stops.
    pub fn spawn_watch(&self, db: DatabaseConnection) -> tokio::task::JoinHandle<()> {
        let cache = self.clone();
        crate::courses::cache::watch("reader change", WATCH_PERIOD, move || {
            let (cache, db) = (cache.clone(), db.clone());
            async move { cache.check(&db).await }
        })
    }
}
