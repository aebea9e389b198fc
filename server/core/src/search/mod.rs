//! Search across all course material: a tantivy index of every lesson text
//! (and of drafts, for their authors), kept current from the database.
//!
//! * **Where**: a folder per server instance (tantivy allows one writer per
//!   folder). The index is a cache of the database: deleting the folder or
//!   changing [`SCHEMA_VERSION`] rebuilds it from the database.
//! * **Current**: every change to a course's lessons bumps the course's
//!   version (`updated_at`) in the same transaction; [`spawn_sync`] polls
//!   the versions every [`SYNC_PERIOD`] and re-indexes courses whose
//!   version differs from the one stored with the index's last commit.
//!   This also picks up changes made by other instances.
//! * **Safe under concurrent queries**: writes go to new segments and
//!   readers switch over only after a commit, so a query during a
//!   re-index sees the previous complete index.
//! * **Queries** ([`query`]): words match stemmed forms in any language,
//!   compound parts, typos (edit distance 1–2 for longer words) and
//!   unaccented spellings; `"quoted words"` are phrases.

mod analysis;
mod compounds;
mod documents;
mod query;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tantivy::directory::MmapDirectory;
use tantivy::directory::error::LockError;
use tantivy::indexer::UserOperation;
use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

pub(crate) use documents::course_versions;
pub use query::{Hit, MAX_QUERY_CHARS, MAX_RESULTS, Scope, SearchRequest, SearchResults, Snippet};

use crate::CoreError;
use crate::sync::lock;
use documents::LessonDoc;

/// Bump when the schema or the analysers change: an index with another
/// version is rebuilt on start.
pub const SCHEMA_VERSION: u32 = 3;
/// How often [`spawn_sync`] looks for changed courses.
pub const SYNC_PERIOD: Duration = Duration::from_millis(250);
/// The writer's memory budget, shared by its threads (tantivy needs at
/// least 15 MB per thread).
const WRITER_HEAP: usize = 48_000_000;
/// The most threads that index at once: one per core, up to this (the
/// tokenising and term tables of a rebuild are CPU work that splits
/// evenly by document; more threads than cores only add segments).
const WRITER_THREADS: usize = 3;

/// Decompressed blocks of stored text (16 KiB each) kept per segment for
/// snippets: tantivy's default of 100 held 8 MiB at 10 000 lessons, and a
/// block is decompressed again in microseconds.
const STORE_BLOCKS_KEPT: usize = 16;

/// How many queries run at once: two per core. A query is CPU work on a
/// blocking thread, so more at once only adds threads and memory (each
/// holds its hits' texts for snippets: at 10 000 lessons, 32 at once
/// took the heap from 67 to 127 MiB); the others wait their turn, first
/// come first served.
fn searches_at_once() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get() * 2)
}

/// How many threads the writer has on this machine.
fn writer_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, WRITER_THREADS)
}

/// Why the index cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Another process writes to this folder.
    #[error(
        "the search index {} is in use by another Polku process: each server instance needs its own --search-index folder (stop the other one, or choose another folder)",
        .0.display()
    )]
    Busy(PathBuf),
    /// A file system problem.
    #[error("search index {}: {source}", path.display())]
    Io {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// tantivy failed.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// Reading the database failed.
    #[error(transparent)]
    Db(#[from] CoreError),
}

/// The fields of the index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub course_id: Field,
    pub course: Field,
    pub course_title: Field,
    pub lesson: Field,
    pub language: Field,
    pub public: Field,
    pub author: Field,
    pub draft: Field,
    pub revision: Field,
    pub title: Field,
    pub body: Field,
    pub sections: Field,
    /// Per language (in [`analysis::LANGUAGES`] order).
    pub title_in: [Field; 3],
    pub headings_in: [Field; 3],
    pub body_in: [Field; 3],
    pub plain: Field,
}

fn text(analyzer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(record),
    )
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let per_language = |b: &mut tantivy::schema::SchemaBuilder, name: &str| {
        analysis::LANGUAGES.map(|language| {
            b.add_text_field(
                &format!("{name}_{}", language.code()),
                text(
                    &analysis::stemmed(language),
                    IndexRecordOption::WithFreqsAndPositions,
                ),
            )
        })
    };
    let fields = Fields {
        course_id: b.add_u64_field("course_id", INDEXED),
        course: b.add_text_field("course", STRING | STORED),
        course_title: b.add_text_field("course_title", STORED),
        lesson: b.add_text_field("lesson", STORED),
        language: b.add_text_field("language", STRING | STORED),
        public: b.add_bool_field("public", INDEXED),
        author: b.add_bool_field("author", INDEXED),
        draft: b.add_bool_field("draft", STORED),
        revision: b.add_u64_field("revision", STORED),
        title: b.add_text_field("title", STORED),
        body: b.add_text_field("body", STORED),
        sections: b.add_text_field("sections", STORED),
        title_in: per_language(&mut b, "title"),
        headings_in: per_language(&mut b, "headings"),
        body_in: per_language(&mut b, "body"),
        plain: b.add_text_field("plain", text(analysis::PLAIN, IndexRecordOption::WithFreqs)),
    };
    (b.build(), fields)
}

/// What is stored with each commit.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Payload {
    schema: u32,
    /// Course id → the version indexed.
    courses: HashMap<i32, String>,
}

struct Inner {
    dir: PathBuf,
    reader: IndexReader,
    fields: Fields,
    writer: Mutex<IndexWriter>,
    /// The course versions in the index's last commit.
    versions: Mutex<HashMap<i32, String>>,
    /// One sync or rebuild at a time.
    syncing: tokio::sync::Mutex<()>,
    /// When a sync last succeeded.
    synced: Mutex<Option<std::time::Instant>>,
    /// Queries that may run at once (see [`searches_at_once`]).
    running: Arc<tokio::sync::Semaphore>,
    /// The long stems of the reader's last searcher.
    compounds: Mutex<Arc<compounds::Compounds>>,
}

/// The search index of this server instance. Cheap to clone.
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SearchIndex({})", self.inner.dir.display())
    }
}

/// What [`SearchIndex::sync`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SyncReport {
    /// Courses (re-)indexed.
    pub courses: usize,
    /// Courses removed.
    pub removed: usize,
    /// Documents written.
    pub documents: usize,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it (empty) if missing, and
    /// starting over if it has another schema version or cannot be read.
    /// The first [`sync`](Self::sync) then fills it from the database.
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        let io = |source| SearchError::Io {
            path: dir.to_owned(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let (schema, fields) = schema();
        let existing = match Self::open_existing(dir) {
            Ok(found) => found,
            Err(err) => {
                tracing::warn!(target: "polku::search", "search index {} unreadable ({err}): rebuilding it", dir.display());
                None
            }
        };
        let (index, versions) = match existing {
            Some((index, payload))
                if payload.schema == SCHEMA_VERSION && index.schema() == schema =>
            {
                (index, payload.courses)
            }
            found => {
                if found.is_some() {
                    tracing::info!(target: "polku::search", "search index {} has an older schema: rebuilding it", dir.display());
                }
                drop(found);
                std::fs::remove_dir_all(dir).map_err(io)?;
                std::fs::create_dir_all(dir).map_err(io)?;
                let directory =
                    MmapDirectory::open(dir).map_err(|e| io(std::io::Error::other(e)))?;
                (
                    Index::create(directory, schema, Default::default())?,
                    HashMap::new(),
                )
            }
        };
        analysis::register(&index);
        let writer = index
            .writer_with_num_threads(writer_threads(), WRITER_HEAP)
            .map_err(|err| match err {
                tantivy::TantivyError::LockFailure(LockError::LockBusy, _) => {
                    SearchError::Busy(dir.to_owned())
                }
                other => SearchError::Index(other),
            })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .doc_store_cache_num_blocks(STORE_BLOCKS_KEPT)
            .try_into()?;
        Ok(SearchIndex {
            inner: Arc::new(Inner {
                dir: dir.to_owned(),
                reader,
                fields,
                writer: Mutex::new(writer),
                versions: Mutex::new(versions),
                syncing: tokio::sync::Mutex::new(()),
                synced: Mutex::new(None),
                running: Arc::new(tokio::sync::Semaphore::new(searches_at_once())),
                compounds: Mutex::default(),
            }),
        })
    }

    fn open_existing(dir: &Path) -> Result<Option<(Index, Payload)>, SearchError> {
        let directory = MmapDirectory::open(dir).map_err(|e| SearchError::Io {
            path: dir.to_owned(),
            source: std::io::Error::other(e),
        })?;
        if !Index::exists(&directory).map_err(|e| SearchError::Io {
            path: dir.to_owned(),
            source: std::io::Error::other(e),
        })? {
            return Ok(None);
        }
        let index = Index::open(directory)?;
        let payload = index
            .load_metas()?
            .payload
            .and_then(|p| serde_json::from_str::<Payload>(&p).ok())
            .unwrap_or_default();
        Ok(Some((index, payload)))
    }

    /// The folder of the index.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// Documents in the index (as readers see it now).
    pub fn documents(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    /// Brings the index up to date with the database: re-indexes every
    /// course whose version changed since the last commit, removes courses
    /// that are gone. Does nothing (one small query) if nothing changed.
    pub async fn sync(&self, db: &DatabaseConnection) -> Result<SyncReport, SearchError> {
        let _turn = self.inner.syncing.lock().await;
        let result = self.sync_locked(db, &mut |_, _| {}).await;
        if result.is_ok() {
            *lock(&self.inner.synced) = Some(std::time::Instant::now());
        }
        self.roll_back_on_error(result)
    }

    /// How long ago a sync last brought the index up to date with the
    /// database (`None`: not yet since it was opened).
    pub fn since_sync(&self) -> Option<std::time::Duration> {
        lock(&self.inner.synced).map(|at| at.elapsed())
    }

    /// After a failed sync, drops what was not committed: the next one
    /// starts from the last commit again.
    fn roll_back_on_error(
        &self,
        result: Result<SyncReport, SearchError>,
    ) -> Result<SyncReport, SearchError> {
        if result.is_err()
            && let Err(err) = lock(&self.inner.writer).rollback()
        {
            tracing::error!(target: "polku::search", "search index rollback failed: {err}");
        }
        result
    }

    /// Rebuilds the whole index from the database, calling
    /// `progress(courses done, courses)`. Queries keep seeing the previous
    /// index until the rebuild commits.
    pub async fn rebuild(
        &self,
        db: &DatabaseConnection,
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> Result<SyncReport, SearchError> {
        let _turn = self.inner.syncing.lock().await;
        lock(&self.inner.writer).delete_all_documents()?;
        let known = std::mem::take(&mut *lock(&self.inner.versions));
        let result = self.sync_locked(db, progress).await;
        if result.is_err() {
            *lock(&self.inner.versions) = known;
        }
        self.roll_back_on_error(result)
    }

    async fn sync_locked(
        &self,
        db: &DatabaseConnection,
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> Result<SyncReport, SearchError> {
        let current = documents::course_versions(db).await?;
        let known = lock(&self.inner.versions).clone();
        let changed: Vec<&(i32, String)> = current
            .iter()
            .filter(|(id, version)| known.get(id) != Some(version))
            .collect();
        let removed: Vec<i32> = known
            .keys()
            .filter(|id| !current.iter().any(|(c, _)| c == *id))
            .copied()
            .collect();
        let mut report = SyncReport {
            courses: changed.len(),
            removed: removed.len(),
            documents: 0,
        };
        if changed.is_empty() && removed.is_empty() {
            return Ok(report);
        }
        let f = self.inner.fields;
        for (done, (id, _)) in changed.iter().enumerate() {
            let docs = documents::course_docs(db, *id).await?;
            report.documents += docs.len();
            let inner = Arc::clone(&self.inner);
            let id = *id;
            // Rendering and adding are CPU work: off the async threads.
            tokio::task::spawn_blocking(move || -> Result<(), SearchError> {
                // One batch per course: its old documents go and its new
                // ones come in one step, and the indexing threads are
                // handed a course at a time, not a document at a time.
                let operations: Vec<UserOperation> = std::iter::once(UserOperation::Delete(
                    Term::from_field_u64(f.course_id, course_key(id)),
                ))
                .chain(docs.iter().map(|d| UserOperation::Add(document(&f, d))))
                .collect();
                lock(&inner.writer).run(operations)?;
                Ok(())
            })
            .await
            .map_err(|e| SearchError::Db(CoreError::Internal(e.to_string())))??;
            progress(done + 1, changed.len());
        }
        {
            let writer = lock(&self.inner.writer);
            for id in &removed {
                writer.delete_term(Term::from_field_u64(f.course_id, course_key(*id)));
            }
        }
        let payload = Payload {
            schema: SCHEMA_VERSION,
            courses: current.into_iter().collect(),
        };
        let text = serde_json::to_string(&payload).unwrap_or_default();
        let inner = Arc::clone(&self.inner);
        let committed = tokio::task::spawn_blocking(move || -> Result<(), SearchError> {
            let mut writer = lock(&inner.writer);
            let mut commit = writer.prepare_commit()?;
            commit.set_payload(&text);
            commit.commit()?;
            drop(writer);
            inner.reader.reload()?;
            // Listed now, not by the next query.
            inner.compounds(&inner.reader.searcher());
            Ok(())
        })
        .await
        .map_err(|e| SearchError::Db(CoreError::Internal(e.to_string())))?;
        committed?;
        *lock(&self.inner.versions) = payload.courses;
        Ok(report)
    }

    /// Runs a query on a blocking thread: readers' view, or with `grant`
    /// an author's (see [`Scope`]).
    pub async fn query(
        &self,
        request: SearchRequest,
        grant: Option<crate::authoring::AuthorGrant>,
    ) -> Result<SearchResults, SearchError> {
        let index = self.clone();
        let turn = Arc::clone(&self.inner.running)
            .acquire_owned()
            .await
            .map_err(|e| SearchError::Db(CoreError::Internal(e.to_string())))?;
        tokio::task::spawn_blocking(move || {
            let scope = grant.as_ref().map_or(Scope::Reader, Scope::Author);
            let found = index.search(&request, &scope);
            drop(turn);
            found
        })
        .await
        .map_err(|e| SearchError::Db(CoreError::Internal(e.to_string())))?
    }

    /// Runs a query (blocking: call it from a blocking thread).
    pub fn search(
        &self,
        request: &SearchRequest,
        scope: &Scope<'_>,
    ) -> Result<SearchResults, SearchError> {
        let searcher = self.inner.reader.searcher();
        let compounds = self.inner.compounds(&searcher);
        query::run(&searcher, &compounds, &self.inner.fields, request, scope)
    }
}

impl Inner {
    /// The long stems of `searcher`: listed once per commit the reader
    /// sees (by the sync that made it, or the first query after it).
    fn compounds(&self, searcher: &tantivy::Searcher) -> Arc<compounds::Compounds> {
        let mut kept = lock(&self.compounds);
        if !kept.serve(searcher) {
            let started = std::time::Instant::now();
            *kept = Arc::new(compounds::Compounds::of(searcher, &self.fields));
            tracing::debug!(
                target: "polku::search",
                stems = kept.len(),
                ms = started.elapsed().as_millis() as u64,
                "long words listed for compounds"
            );
        }
        Arc::clone(&kept)
    }
}

fn course_key(id: i32) -> u64 {
    u64::try_from(id).unwrap_or_default()
}

fn document(f: &Fields, doc: &LessonDoc) -> TantivyDocument {
    let slot = analysis::LANGUAGES
        .iter()
        .position(|l| *l == doc.language)
        .unwrap_or(0);
    let mut body = String::new();
    let sections = doc.sections();
    let mut starts: Vec<(usize, Option<&str>, &str)> = Vec::new();
    for section in &sections {
        if !body.is_empty() {
            body.push_str("\n\n");
        }
        starts.push((body.len(), section.anchor.as_deref(), &section.heading));
        body.push_str(section.text.trim());
    }
    let headings = doc.headings.join("\n");
    let mut out = TantivyDocument::default();
    out.add_u64(f.course_id, course_key(doc.course_id));
    out.add_text(f.course, &doc.course_slug);
    out.add_text(f.course_title, &doc.course_title);
    out.add_text(f.lesson, &doc.lesson_slug);
    out.add_text(f.language, doc.language.code());
    out.add_bool(f.public, doc.public);
    out.add_bool(f.author, doc.author);
    out.add_bool(f.draft, doc.draft);
    out.add_u64(f.revision, u64::try_from(doc.revision).unwrap_or_default());
    out.add_text(f.title, &doc.title);
    out.add_text(
        f.sections,
        serde_json::to_string(&starts).unwrap_or_default(),
    );
    out.add_text(f.title_in[slot], &doc.title);
    out.add_text(f.headings_in[slot], &headings);
    out.add_text(f.body_in[slot], &body);
    // Title, headings and body as three values of one field, not one text
    // joined from them: no copy of the body for each field.
    for text in [doc.title.as_str(), &headings, &body] {
        out.add_text(f.plain, text);
    }
    out.add_text(f.body, body);
    out
}

/// Keeps `index` current: syncs at once, then every [`SYNC_PERIOD`]
/// (through the same watch loop as the content and session caches).
/// Errors are logged and retried.
pub fn spawn_sync(index: SearchIndex, db: DatabaseConnection) -> tokio::task::JoinHandle<()> {
    crate::courses::cache::watch("search index update", SYNC_PERIOD, move || {
        let index = index.clone();
        let db = db.clone();
        async move {
            let started = std::time::Instant::now();
            let report = index.sync(&db).await?;
            if report.courses + report.removed > 0 {
                tracing::info!(
                    target: "polku::search",
                    courses = report.courses,
                    removed = report.removed,
                    documents = report.documents,
                    ms = started.elapsed().as_millis() as u64,
                    "search index updated"
                );
            }
            Ok::<_, SearchError>(true)
        }
    })
}

/// The default index folder for a database URL: next to an SQLite file
/// (`data/polku.db` → `data/polku.search`), else `data/search`.
pub fn default_dir(database_url: &str) -> PathBuf {
    crate::db::beside(database_url, "search", "data/search")
}

#[cfg(test)]
mod tests {
    use super::default_dir;
    use std::path::PathBuf;

    #[test]
    fn the_index_lives_next_to_an_sqlite_file() {
        assert_eq!(
            default_dir("sqlite://data/polku.db"),
            PathBuf::from("data/polku.search")
        );
        assert_eq!(
            default_dir("sqlite:///tmp/x/test.db?mode=rwc"),
            PathBuf::from("/tmp/x/test.search")
        );
        assert_eq!(
            default_dir("postgres://u:p@db/polku"),
            PathBuf::from("data/search")
        );
        assert_eq!(default_dir("sqlite::memory:"), PathBuf::from("data/search"));
    }
}
