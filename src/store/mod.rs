//! The only place with SQL: the connection pool, its pragmas, migrations, and one file per
//! aggregate. Every query is parameterised and scoped by guild and team.

pub mod backlog;
mod backlog_plain;
#[cfg(test)]
mod backup_tests;
mod checkpointer;
mod columns;
pub mod criteria;
pub mod dependencies;
mod direct_file;
pub mod export;
mod export_activity;
mod export_standups;
mod guild_restores;
pub mod import;
mod import_activity;
mod import_standups;
mod open_titles;
pub mod outbox;
mod page_starts;
pub mod poker;
mod quick_reads;
pub mod ranking;
mod readers;
pub mod sprints;
pub mod standup_days;
pub mod standups;
pub mod stories;
pub mod story_extras;
mod story_inserts;
pub mod story_search;
mod story_writes;
mod team_cache;
pub mod teams;
#[cfg(test)]
pub(crate) mod test_support;
mod title_index;
mod title_indexes;
pub mod updates;
pub mod votes;
mod write_direct;
mod write_tx;

pub use story_writes::AddedStory;
pub use write_tx::WriteTx;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

/// The commit that grows the write-ahead log past this many pages copies it back into the
/// database file itself, stalling every writer queued behind it for the copy and its two syncs.
/// The background checkpoint (`checkpointer.rs`) finishes the log at half this length, in the
/// writers' turn; this backstop (16 MiB) is for writes outside the gate and a task that failed.
const WAL_CHECKPOINT_PAGES: u32 = 4_000;

/// Connections of the pool, which serves single-statement writes and reads that keep one
/// connection for several statements (write transactions have a connection of their own,
/// `write_tx.rs`).
const POOL_CONNECTIONS: u32 = 4;

/// Connections lent to plain reads (`readers.rs`); about one per core does the work, and more
/// lets a slow read (a chart's history) not hold up the quick ones.
const READ_CONNECTIONS: usize = 4;

/// Handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    /// Plain reads borrow these (see `readers.rs`).
    readers: std::sync::Arc<readers::Readers>,
    /// The hottest reads run on the calling thread through these (see `quick_reads.rs`).
    quick_reads: std::sync::Arc<quick_reads::QuickReads>,
    /// Write transactions queue here (see [`WriteTx`]).
    write_gate: write_tx::WriteGate,
    /// New stories waiting to be written together (see `story_inserts.rs`).
    story_inserts: story_inserts::SharedInsertQueue,
    /// Copies the write-ahead log into the database file off the writers' path.
    checkpointer: std::sync::Arc<checkpointer::Checkpointer>,
    /// Teams looked up lately (see `team_cache.rs`); `teams.rs` forgets them on every change.
    team_cache: std::sync::Arc<team_cache::TeamCache>,
    /// The top of backlogs searched lately (see `open_titles.rs`); a write transaction forgets
    /// the teams whose stories it changed when it ends.
    open_titles: std::sync::Arc<open_titles::OpenTitles>,
    /// Where pages of the plain backlog start (see `page_starts.rs`); checked against a count
    /// the database keeps, so nothing has to forget them.
    page_starts: std::sync::Arc<page_starts::PageStarts>,
    /// Big teams' titles, indexed in memory for autocomplete (see `title_indexes.rs`); checked
    /// against a count the database keeps, so nothing has to forget them.
    title_indexes: std::sync::Arc<title_indexes::TitleIndexes>,
}

impl Store {
    /// Opens (creating if missing) the SQLite file at `url` with WAL, `synchronous=NORMAL`, a
    /// busy timeout and foreign keys on.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let busy_timeout = Duration::from_secs(10);
        let options = SqliteConnectOptions::from_str(url)
            .with_context(|| {
                "SPRINTMATE_DATABASE_URL is not a valid SQLite URL (e.g. sqlite://sprintmate.db)"
            })?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(busy_timeout)
            .foreign_keys(true)
            .pragma("wal_autocheckpoint", WAL_CHECKPOINT_PAGES.to_string());
        let pool = SqlitePoolOptions::new()
            .max_connections(POOL_CONNECTIONS)
            // A local file does not go stale the way a network connection does, and the check
            // costs a round trip to the connection's worker thread on every acquire, i.e. on
            // every query.
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await
            .context("could not open the SQLite database")?;
        let open_titles = std::sync::Arc::<open_titles::OpenTitles>::default();
        let file = direct_file::DirectFile::new(url, &options, busy_timeout);
        let write_gate = write_tx::write_gate(options.clone(), file.clone(), open_titles.clone());
        let checkpointer = checkpointer::Checkpointer::start(options.clone(), write_gate.clone());
        Ok(Self {
            pool,
            quick_reads: std::sync::Arc::new(quick_reads::QuickReads::new(file)),
            readers: std::sync::Arc::new(readers::Readers::new(options, READ_CONNECTIONS)),
            write_gate,
            story_inserts: Default::default(),
            checkpointer: std::sync::Arc::new(checkpointer),
            team_cache: Default::default(),
            open_titles,
            page_starts: Default::default(),
            title_indexes: Default::default(),
        })
    }

    /// Brings the schema up to date; safe to run at every start.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        sqlx::migrate!("./migrations")
            .run(&self.pool)
            .await
            .context("database migration failed")
    }

    /// Whether the database answers a trivial query (for `/healthz`).
    pub async fn is_healthy(&self) -> bool {
        sqlx::query_scalar::<_, i64>("SELECT 1")
            .fetch_one(&self.pool)
            .await
            .is_ok()
    }

    /// sqlx's pool: migrations, the health check and reads of more than one statement. The
    /// bot's writes never run here but in the write turn (`write_tx.rs`); tests and the
    /// benchmark seed data through it.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Where a statement that changes nothing runs: `query.fetch_one(self.reads())`.
    pub fn reads(&self) -> &readers::Readers {
        &self.readers
    }

    /// Runs one short, index-bounded read on this thread (see `quick_reads.rs`).
    fn quick_read<T>(
        &self,
        read: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
    ) -> sqlx::Result<T> {
        self.quick_reads.read(read)
    }

    /// Runs a read through the same connections on a blocking thread, for a read that may
    /// scan (see `quick_reads.rs`).
    async fn blocking_read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> sqlx::Result<T> {
        self.quick_reads.read_blocking(read).await
    }

    /// Closes every connection; pending writes have committed by the time this returns.
    pub async fn close(&self) {
        self.checkpointer.close().await;
        self.close_writer().await;
        self.readers.close().await;
        self.quick_reads.close();
        self.pool.close().await;
    }
}

/// Discord ids are u64 on the wire and i64 in SQLite; snowflakes stay below 2^63.
pub fn db_id(id: u64) -> i64 {
    id as i64
}

pub fn wire_id(id: i64) -> u64 {
    id as u64
}

#[cfg(test)]
mod tests {
    use super::test_support::store;

    #[tokio::test]
    async fn every_connection_has_the_durability_and_checkpoint_settings() {
        let (store, _dir) = store().await;
        // More connections than one, so a setting applied to the first only would show.
        let mut connections = Vec::new();
        for _ in 0..3 {
            connections.push(store.pool().acquire().await.unwrap());
        }
        for connection in &mut connections {
            let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
                .fetch_one(&mut **connection)
                .await
                .unwrap();
            let (synchronous,): (i64,) = sqlx::query_as("PRAGMA synchronous")
                .fetch_one(&mut **connection)
                .await
                .unwrap();
            let (pages,): (i64,) = sqlx::query_as("PRAGMA wal_autocheckpoint")
                .fetch_one(&mut **connection)
                .await
                .unwrap();
            assert_eq!(mode, "wal");
            assert_eq!(synchronous, 1, "NORMAL");
            assert_eq!(pages, i64::from(super::WAL_CHECKPOINT_PAGES));
            assert_eq!(pages, 4_000);
        }
    }
}
