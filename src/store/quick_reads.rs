//! Short reads answered on the calling thread, outside sqlx.
//!
//! sqlx runs each SQLite connection on a worker thread of its own and hands every statement to
//! it over a channel, so a query costs two thread wake-ups besides SQLite's work. On two cores
//! busy with other requests that hand-over cost about as much CPU as a `/backlog` page's query
//! itself, and each answer waits for a core to come free (README, Performance). The hottest
//! reads, a statement or two bounded by an index (a backlog page, a lookup by key), run here
//! instead: through rusqlite, on a connection borrowed for the call and given back before the
//! caller's next `await`, on the thread that asked. [`QuickReads::read_blocking`] runs the same
//! kind of closure on a blocking thread, for a read that may scan.
//!
//! Invariants: connections are `query_only`, so nothing written here can reach the file; what
//! runs on the calling thread is bounded by an index (tens of microseconds), because it holds
//! the runtime's thread while it runs: a page, a row by key, or a short list by key (a team's
//! members, a poker round's votes, one per voter). Scans, reports and lists that grow with the
//! backlog or with time go through [`Store::reads`](super::Store::reads) or `read_blocking`. A
//! connection is held only inside [`QuickReads::read`], so no transaction outlives the call.

use std::fmt;
use std::sync::{Arc, Mutex};

use rusqlite::types::Value;
use rusqlite::Connection;
use tokio::sync::Semaphore;

use super::direct_file::{driver_error, DirectFile};

/// Idle connections kept for the next read; more are opened when more threads read at once
/// (at most one per thread, since a read never waits while it holds one).
const KEPT_IDLE: usize = 8;

/// Reads on blocking threads at once; the rest wait their turn. On two cores more would only
/// take turns on them while each held a connection, and past [`KEPT_IDLE`] connections every
/// read would open one (a schema parse) and close it again.
const BLOCKING_AT_ONCE: usize = 4;

/// Connections for reads on the calling thread, opened when first needed.
pub struct QuickReads {
    idle: Mutex<Vec<Connection>>,
    file: DirectFile,
    blocking: Arc<Semaphore>,
}

impl fmt::Debug for QuickReads {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QuickReads")
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

impl QuickReads {
    pub fn new(file: DirectFile) -> Self {
        Self {
            idle: Mutex::new(Vec::new()),
            file,
            blocking: Arc::new(Semaphore::new(BLOCKING_AT_ONCE)),
        }
    }

    /// Runs `read` on a borrowed connection. `read` must not block on anything but SQLite.
    pub fn read<T>(
        &self,
        read: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> sqlx::Result<T> {
        let idle = self.idle_connections().pop();
        let connection = match idle {
            Some(connection) => connection,
            None => self.open().map_err(driver_error)?,
        };
        let result = read(&connection);
        let mut idle = self.idle_connections();
        if idle.len() < KEPT_IDLE {
            idle.push(connection);
        }
        result.map_err(driver_error)
    }

    /// Runs `read` the same way on a blocking thread, for reads too long to hold the caller's;
    /// at most [`BLOCKING_AT_ONCE`] at a time. The blocking thread holds the turn, so a caller
    /// that stops waiting does not let another read start beside one still running.
    pub async fn read_blocking<T: Send + 'static>(
        self: &Arc<Self>,
        read: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> sqlx::Result<T> {
        let turn = Arc::clone(&self.blocking)
            .acquire_owned()
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        let reads = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            reads.read(read)
        })
        .await
        .map_err(|joined| sqlx::Error::AnyDriverError(Box::new(joined)))?
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let connection = self.file.open()?;
        connection.pragma_update(None, "query_only", true)?;
        Ok(connection)
    }

    fn idle_connections(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        // The list is only pushed to and popped from; a panic elsewhere cannot leave it torn.
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Closes the idle connections (a read after this opens a new one).
    pub fn close(&self) {
        self.idle_connections().clear();
    }
}

/// Runs `read` in one read transaction on `connection`, so its statements see one snapshot.
/// (rusqlite's own transactions prepare `BEGIN` and `COMMIT` anew each time; these are kept
/// prepared.) The transaction ends before this returns, whatever `read` returned.
pub fn in_snapshot<T>(
    connection: &Connection,
    read: impl FnOnce() -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    connection.prepare_cached("BEGIN")?.execute([])?;
    let result = read();
    // A read-only transaction: ending it either way only lets its snapshot go.
    let ended = connection.prepare_cached("COMMIT")?.execute([]);
    let value = result?;
    ended?;
    Ok(value)
}

/// A statement put together with its parameters, `?` by `?` (the quick reads' `QueryBuilder`).
#[derive(Debug, Default)]
pub struct QuickSql {
    text: String,
    parameters: Vec<Value>,
}

impl QuickSql {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            parameters: Vec::new(),
        }
    }

    pub fn push(&mut self, text: impl AsRef<str>) -> &mut Self {
        self.text.push_str(text.as_ref());
        self
    }

    pub fn push_bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.text.push('?');
        self.parameters.push(value.into());
        self
    }

    /// Every row of the statement, each read by `row`.
    pub fn query_rows<T>(
        &self,
        connection: &Connection,
        row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<Vec<T>> {
        connection
            .prepare_cached(&self.text)?
            .query_map(rusqlite::params_from_iter(&self.parameters), row)?
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use rusqlite::OptionalExtension as _;
    use sqlx::sqlite::SqliteConnectOptions;

    use super::*;

    fn quick_reads(dir: &tempfile::TempDir) -> QuickReads {
        let path = dir.path().join("q.db");
        let setup = Connection::open(&path).unwrap();
        setup
            .execute_batch(
                "PRAGMA journal_mode = WAL;
                 CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
                 INSERT INTO t VALUES (1, 'one'), (2, 'two');",
            )
            .unwrap();
        let options = SqliteConnectOptions::new().filename(&path);
        let url = format!("sqlite://{}", path.display());
        QuickReads::new(DirectFile::new(&url, &options, Duration::from_secs(1)))
    }

    #[test]
    fn reads_rows_with_bound_parameters_and_keeps_the_connection() {
        let dir = tempfile::tempdir().unwrap();
        let reads = quick_reads(&dir);
        let mut sql = QuickSql::new("SELECT v FROM t WHERE id = ");
        sql.push_bind(2_i64)
            .push(" AND v <> ")
            .push_bind("x".to_string());
        let values: Vec<String> = reads.read(|c| sql.query_rows(c, |row| row.get(0))).unwrap();
        assert_eq!(values, ["two"]);
        let missing: Option<String> = reads
            .read(|c| {
                c.query_row("SELECT v FROM t WHERE id = 9", [], |row| row.get(0))
                    .optional()
            })
            .unwrap();
        assert_eq!(missing, None);
        assert_eq!(reads.idle_connections().len(), 1);
    }

    #[tokio::test]
    async fn reads_on_blocking_threads_take_turns_and_keep_their_connections() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let dir = tempfile::tempdir().unwrap();
        let reads = Arc::new(quick_reads(&dir));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..3 * BLOCKING_AT_ONCE)
            .map(|_| {
                let (reads, running, most) = (reads.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    reads
                        .read_blocking(move |c| {
                            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(20));
                            running.fetch_sub(1, Ordering::SeqCst);
                            c.query_row("SELECT count(*) FROM t", [], |row| row.get::<_, i64>(0))
                        })
                        .await
                })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap(), 2);
        }
        assert!(
            most.load(Ordering::SeqCst) <= BLOCKING_AT_ONCE,
            "too many at once"
        );
        assert!(reads.idle_connections().len() <= BLOCKING_AT_ONCE);
    }

    #[test]
    fn nothing_can_be_written_through_it() {
        let dir = tempfile::tempdir().unwrap();
        let reads = quick_reads(&dir);
        let refused = reads.read(|c| c.execute("DELETE FROM t", []));
        assert!(refused.is_err(), "a write went through a quick read");
        let left: i64 = reads
            .read(|c| c.query_row("SELECT count(*) FROM t", [], |row| row.get(0)))
            .unwrap();
        assert_eq!(left, 2);
    }

    #[test]
    fn a_read_leaves_no_transaction_open_that_would_hold_back_a_checkpoint() {
        let dir = tempfile::tempdir().unwrap();
        let reads = quick_reads(&dir);
        let many: Vec<i64> = reads
            .read(|c| {
                let mut first = c.prepare_cached("SELECT id FROM t ORDER BY id")?;
                let ids = first.query_map([], |row| row.get(0))?;
                ids.take(1).collect()
            })
            .unwrap();
        assert_eq!(many, vec![1]);
        let writer = Connection::open(dir.path().join("q.db")).unwrap();
        writer
            .execute("INSERT INTO t VALUES (3, 'three')", [])
            .unwrap();
        let (busy, _, _): (i64, i64, i64) = writer
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .unwrap();
        assert_eq!(busy, 0, "a quick read's connection still held a snapshot");
    }

    #[test]
    fn a_snapshot_sees_one_version_of_the_file_and_ends_even_when_its_read_fails() {
        let dir = tempfile::tempdir().unwrap();
        let reads = quick_reads(&dir);
        let writer = Connection::open(dir.path().join("q.db")).unwrap();
        let count = |c: &Connection| -> rusqlite::Result<i64> {
            c.query_row("SELECT count(*) FROM t", [], |row| row.get(0))
        };
        let (before, after) = reads
            .read(|c| {
                in_snapshot(c, || {
                    let before = count(c)?;
                    writer.execute("INSERT INTO t VALUES (3, 'three')", [])?;
                    Ok((before, count(c)?))
                })
            })
            .unwrap();
        assert_eq!(
            (before, after),
            (2, 2),
            "the second count saw a later version"
        );

        let failed = reads.read(|c| in_snapshot(c, || count(c).and(c.execute("BAD", []))));
        assert!(failed.is_err());
        let open = reads.read(|c| Ok(!c.is_autocommit())).unwrap();
        assert!(!open, "the failed read left its transaction open");
        assert_eq!(reads.read(count).unwrap(), 3);
    }

    #[test]
    fn an_error_in_sql_is_an_error_and_keeps_the_connection() {
        let dir = tempfile::tempdir().unwrap();
        let reads = quick_reads(&dir);
        let error =
            reads.read(|c| c.query_row("SELECT nope FROM t", [], |row| row.get::<_, i64>(0)));
        assert!(matches!(error, Err(sqlx::Error::AnyDriverError(_))));
        assert_eq!(reads.idle_connections().len(), 1);
    }
}
