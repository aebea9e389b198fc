//! Opening the database, migrating it, and the sea-orm entities.

pub mod entities;

/// Byte columns in backups: base64 text instead of a JSON array of numbers.
pub(crate) mod base64_bytes {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    pub fn serialize<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text: String = serde::Deserialize::deserialize(d)?;
        STANDARD
            .decode(text.as_bytes())
            .map_err(serde::de::Error::custom)
    }
}

use std::path::Path;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
pub use sea_orm::DatabaseConnection;

/// A file or folder kept beside the database: next to an SQLite file
/// (`data/polku.db` → `data/polku.<extension>`), else `fallback` (for
/// PostgreSQL or an in-memory database).
pub fn beside(database_url: &str, extension: &str, fallback: &str) -> std::path::PathBuf {
    let file = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or_default())
        .filter(|path| !path.is_empty() && !path.contains(":memory:"));
    match file {
        Some(path) => std::path::Path::new(path).with_extension(extension),
        None => std::path::PathBuf::from(fallback),
    }
}
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DbErr};

/// How long an SQLite connection beyond the first stays open unused.
const SQLITE_IDLE: Duration = Duration::from_secs(30);

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The URL names neither SQLite nor PostgreSQL.
    #[error("unsupported database URL (use sqlite://path/to/file.db or postgres://user@host/db)")]
    UnsupportedUrl,
    /// The directory for the SQLite file could not be created.
    #[error("cannot create the directory {dir} for the database: {source}")]
    CreateDir {
        /// The directory.
        dir: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Connecting failed.
    #[error("cannot connect to the database: {0}")]
    Connect(DbErr),
    /// A migration failed.
    #[error("cannot migrate the database: {0}")]
    Migrate(DbErr),
}

/// Opens the database at `url` and applies every pending migration.
///
/// SQLite files are created (with their directory) when missing and run in
/// WAL mode with `synchronous = FULL`, so an acknowledged write survives a
/// crash; foreign keys are enforced.
pub async fn open(url: &str) -> Result<DatabaseConnection, OpenError> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10));
    if let Some(rest) = url.strip_prefix("sqlite://") {
        let path = rest.split('?').next().unwrap_or_default();
        let parent = Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty());
        if let Some(dir) = parent.filter(|_| path != ":memory:") {
            std::fs::create_dir_all(dir).map_err(|source| OpenError::CreateDir {
                dir: dir.display().to_string(),
                source,
            })?;
        }
        // sea-orm defaults SQLite pools to one connection; in WAL mode readers
        // run in parallel and SQLite itself serialises the writers. Each
        // connection keeps its own page cache and prepared statements (a
        // few MiB once used): the ones a burst opened are closed after
        // SQLITE_IDLE unused, not the pool's default 10 minutes.
        options
            .max_connections(8)
            .min_connections(1)
            .idle_timeout(SQLITE_IDLE);
        options.map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
        });
    } else if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(OpenError::UnsupportedUrl);
    }
    let db = Database::connect(options)
        .await
        .map_err(OpenError::Connect)?;
    Migrator::up(&db, None).await.map_err(OpenError::Migrate)?;
    Ok(db)
}

/// Starts a transaction that is going to write.
///
/// On SQLite it takes the write lock at its `BEGIN` (`BEGIN IMMEDIATE`),
/// waiting out another writer for the busy timeout as single statements
/// do. A plain (deferred) transaction that reads first and writes later
/// fails at its first write, at once and whatever the busy timeout, when
/// another connection committed a write since its read (WAL mode: its
/// snapshot is stale, `SQLITE_BUSY`): a form sent while the same reader's
/// other requests were writing came back as an error. PostgreSQL: a plain
/// `BEGIN` (row locks and its own isolation apply).
pub async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// Takes the next number of counter `name` (one atomic
/// `UPDATE … RETURNING`, committed on its own: a number taken is never
/// handed out again, even when what it was taken for is never written).
pub async fn next_number(db: &impl sea_orm::ConnectionTrait, name: &str) -> Result<i64, DbErr> {
    use entities::counters;
    use sea_orm::sea_query::{Expr, ExprTrait};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    counters::Entity::update_many()
        .col_expr(
            counters::Column::Value,
            Expr::col(counters::Column::Value).add(1),
        )
        .filter(counters::Column::Name.eq(name))
        .exec_with_returning(db)
        .await?
        .into_iter()
        .next()
        .map(|row| row.value)
        .ok_or_else(|| DbErr::RecordNotFound(format!("counter {name}")))
}

/// The value of counter `name` now (0 when it has no row).
pub async fn counter(db: &impl sea_orm::ConnectionTrait, name: &str) -> Result<i64, DbErr> {
    use entities::counters;
    use sea_orm::EntityTrait;
    Ok(counters::Entity::find_by_id(name.to_owned())
        .one(db)
        .await?
        .map_or(0, |row| row.value))
}

/// A `counters` row of changes of one kind, as one instance follows it:
/// a generation of its own that moves whenever the counter has moved
/// since it was last read ([`Changes::check`]), or could not be read. What
/// an instance keeps in memory carries the generation taken before it was
/// read, and is used only while that is the generation now.
#[derive(Debug)]
pub struct Changes {
    counter: &'static str,
    generation: std::sync::atomic::AtomicU64,
    seen: std::sync::Mutex<Option<i64>>,
}

impl Changes {
    /// Follows counter `counter` (nothing seen yet).
    pub const fn new(counter: &'static str) -> Self {
        Changes {
            counter,
            generation: std::sync::atomic::AtomicU64::new(0),
            seen: std::sync::Mutex::new(None),
        }
    }

    /// The generation now.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Moves the generation: nothing read before is used after.
    pub fn forget(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    /// Reads the counter; moves the generation when the counter moved
    /// since the last read, or could not be read (nothing is taken from
    /// memory that may have changed unseen). Returns whether it moved.
    pub async fn check(&self, db: &impl sea_orm::ConnectionTrait) -> Result<bool, DbErr> {
        let now = counter(db, self.counter)
            .await
            .inspect_err(|_| self.forget())?;
        Ok(self.seen_now(now))
    }

    /// Takes `now` as the counter's value (read by [`Changes::check`] or
    /// [`check_all`]); moves the generation when it moved.
    fn seen_now(&self, now: i64) -> bool {
        let mut seen = crate::sync::lock(&self.seen);
        if *seen == Some(now) {
            return false;
        }
        *seen = Some(now);
        self.forget();
        true
    }
}

/// [`Changes::check`] for each of `all`, their counters read in one
/// statement (a request that may have changed what several caches keep
/// pays one round trip, not one per cache).
pub async fn check_all(db: &impl sea_orm::ConnectionTrait, all: &[&Changes]) -> Result<(), DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    match all {
        [] => return Ok(()),
        [one] => return one.check(db).await.map(|_| ()),
        _ => {}
    }
    let rows = entities::counters::Entity::find()
        .filter(entities::counters::Column::Name.is_in(all.iter().map(|c| c.counter)))
        .all(db)
        .await
        .inspect_err(|_| all.iter().for_each(|c| c.forget()))?;
    for changes in all {
        // No row yet counts as 0, as in [`counter`].
        let now = rows
            .iter()
            .find(|row| row.name == changes.counter)
            .map_or(0, |row| row.value);
        changes.seen_now(now);
    }
    Ok(())
}
