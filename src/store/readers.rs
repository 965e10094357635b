//! Connections lent to plain reads, outside sqlx's pool.
//!
//! The pool tests every connection on its way back (a `ping`: one more round trip to the
//! connection's worker thread, in a task of its own), and that costs about as much as a one-row
//! read itself: 16 tasks reading one row by key did about 70,000 reads/s through the pool and
//! 113,000 through these (`cargo bench --bench load -- baseline`; README, Performance). A local SQLite file does not go
//! stale the way a network connection does, so reads borrow from this small set instead and
//! give the connection straight back. Write transactions have a connection of their own (`write_tx.rs`).
//!
//! `&Readers` is an sqlx [`Executor`], so a read is `query.fetch_one(self.reads())`.
//! Invariant: only statements that change nothing run here (no transaction is ever left open
//! on a lent connection). A connection whose worker thread died is dropped, not lent again.

use std::fmt;
use std::sync::Mutex;

use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream};
use futures_util::{StreamExt as _, TryFutureExt as _, TryStreamExt as _};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteQueryResult, SqliteRow, SqliteStatement, SqliteTypeInfo,
};
use sqlx::SqliteConnection;
use sqlx::{ConnectOptions as _, Connection as _, Describe, Either, Execute, Executor, Sqlite};
use tokio::sync::{Semaphore, SemaphorePermit};

/// At most `size` connections, opened when first needed.
pub struct Readers {
    idle: Mutex<Vec<SqliteConnection>>,
    permits: Semaphore,
    options: SqliteConnectOptions,
}

impl fmt::Debug for Readers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Readers")
            .field("available", &self.permits.available_permits())
            .finish_non_exhaustive()
    }
}

/// A lent connection; back to the idle set when dropped.
struct Lent<'a> {
    connection: Option<SqliteConnection>,
    readers: &'a Readers,
    _permit: SemaphorePermit<'a>,
}

impl Readers {
    pub fn new(options: SqliteConnectOptions, size: usize) -> Self {
        Self {
            idle: Mutex::new(Vec::with_capacity(size)),
            permits: Semaphore::new(size),
            options,
        }
    }

    async fn lend(&self) -> sqlx::Result<Lent<'_>> {
        let permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        let idle = self.idle_connections().pop();
        let connection = match idle {
            Some(connection) => connection,
            None => self.options.connect().await?,
        };
        Ok(Lent {
            connection: Some(connection),
            readers: self,
            _permit: permit,
        })
    }

    fn idle_connections(&self) -> std::sync::MutexGuard<'_, Vec<SqliteConnection>> {
        // The list is only pushed to and popped from; a panic elsewhere cannot leave it torn.
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Refuses further reads and closes the idle connections; lent ones close when returned.
    pub async fn close(&self) {
        self.permits.close();
        let idle = std::mem::take(&mut *self.idle_connections());
        for connection in idle {
            let _ = connection.close().await;
        }
    }
}

impl Lent<'_> {
    fn connection(&mut self) -> &mut SqliteConnection {
        self.connection.as_mut().expect("present until dropped")
    }

    /// Passes `result` on; a connection whose worker is gone is not lent again.
    fn checked<T>(mut self, result: sqlx::Result<T>) -> sqlx::Result<T> {
        if matches!(result, Err(sqlx::Error::WorkerCrashed | sqlx::Error::Io(_))) {
            self.connection = None;
        }
        result
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        if let Some(connection) = self.connection.take() {
            if !self.readers.permits.is_closed() {
                self.readers.idle_connections().push(connection);
            }
        }
    }
}

impl<'r> Executor<'r> for &'r Readers {
    type Database = Sqlite;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxStream<'e, sqlx::Result<Either<SqliteQueryResult, SqliteRow>>>
    where
        'r: 'e,
        E: 'q + Execute<'q, Sqlite>,
    {
        // The rows are collected before they are handed on, so the connection goes back as
        // soon as the statement is done; reads here are pages and lookups, never huge.
        Box::pin(
            async move {
                let mut lent = self.lend().await?;
                let steps: sqlx::Result<Vec<_>> =
                    lent.connection().fetch_many(query).try_collect().await;
                let steps = lent.checked(steps)?;
                Ok(stream::iter(steps.into_iter().map(Ok)))
            }
            .try_flatten_stream()
            .boxed(),
        )
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxFuture<'e, sqlx::Result<Option<SqliteRow>>>
    where
        'r: 'e,
        E: 'q + Execute<'q, Sqlite>,
    {
        Box::pin(async move {
            let mut lent = self.lend().await?;
            let row = lent.connection().fetch_optional(query).await;
            lent.checked(row)
        })
    }

    fn prepare_with<'e, 'q: 'e>(
        self,
        sql: &'q str,
        parameters: &'e [SqliteTypeInfo],
    ) -> BoxFuture<'e, sqlx::Result<SqliteStatement<'q>>>
    where
        'r: 'e,
    {
        Box::pin(async move {
            let mut lent = self.lend().await?;
            let statement = lent.connection().prepare_with(sql, parameters).await;
            lent.checked(statement)
        })
    }

    fn describe<'e, 'q: 'e>(self, sql: &'q str) -> BoxFuture<'e, sqlx::Result<Describe<Sqlite>>>
    where
        'r: 'e,
    {
        Box::pin(async move {
            let mut lent = self.lend().await?;
            let description = lent.connection().describe(sql).await;
            lent.checked(description)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Row as _;

    async fn readers(size: usize) -> (tempfile::TempDir, Readers) {
        let dir = tempfile::tempdir().unwrap();
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("r.db"))
            .create_if_missing(true);
        let mut setup = options.connect().await.unwrap();
        sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
            .execute(&mut setup)
            .await
            .unwrap();
        sqlx::query("INSERT INTO t VALUES (1, 'one'), (2, 'two')")
            .execute(&mut setup)
            .await
            .unwrap();
        (dir, Readers::new(options, size))
    }

    #[tokio::test]
    async fn reads_one_row_and_many_and_reuses_the_connection() {
        let (_dir, readers) = readers(2).await;
        let row = sqlx::query("SELECT v FROM t WHERE id = 2")
            .fetch_one(&readers)
            .await
            .unwrap();
        assert_eq!(row.get::<String, _>(0), "two");
        let all = sqlx::query_scalar::<_, i64>("SELECT id FROM t ORDER BY id")
            .fetch_all(&readers)
            .await
            .unwrap();
        assert_eq!(all, vec![1, 2]);
        // Sequential reads went through one connection, now idle again.
        assert_eq!(readers.idle_connections().len(), 1);
        assert_eq!(readers.permits.available_permits(), 2);
    }

    #[tokio::test]
    async fn never_lends_more_than_its_size_at_once() {
        let (_dir, readers) = readers(2).await;
        let first = readers.lend().await.unwrap();
        let _second = readers.lend().await.unwrap();
        let third = tokio::time::timeout(std::time::Duration::from_millis(50), readers.lend());
        assert!(third.await.is_err(), "a third connection was lent");
        drop(first);
        let third = tokio::time::timeout(std::time::Duration::from_secs(5), readers.lend());
        assert!(
            third.await.is_ok(),
            "a returned connection was not lent again"
        );
    }

    #[tokio::test]
    async fn an_error_in_sql_keeps_the_connection_and_a_closed_set_refuses() {
        let (_dir, readers) = readers(1).await;
        let error = sqlx::query("SELECT nope FROM t")
            .fetch_optional(&readers)
            .await;
        assert!(error.is_err());
        assert_eq!(readers.idle_connections().len(), 1);
        readers.close().await;
        assert!(readers.idle_connections().is_empty());
        let refused = sqlx::query("SELECT 1").fetch_optional(&readers).await;
        assert!(matches!(refused, Err(sqlx::Error::PoolClosed)));
    }
}
