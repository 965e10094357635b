//! Copies the write-ahead log back into the database file beside the writers, not in their way.
//!
//! SQLite's automatic checkpoint runs inside the commit that grows the log past its threshold,
//! so that commit, and every writer queued behind it at the write gate, waits for the copy and
//! its two `fsync`s. On the benchmark's disk an `fsync` took up to 70 ms, and with checkpoints
//! off `/story add` ran about 40 % faster (README, Performance). So a task of its own, on a
//! connection of its own, checkpoints (`PASSIVE`: it never waits for a writer or a reader)
//! soon after write transactions commit, at most once per [`GAP`].
//!
//! A passive checkpoint only copies what was committed when it started, so under a steady
//! stream of writes it never finishes and the log cannot start over. When the log has grown
//! past [`FINISH_AT_PAGES`], the task therefore takes the writers' turn for a second pass, which
//! only has the frames added during the first to sync and copy, then syncs the database file:
//! writers wait for that short pass (about 8 ms against about 15 to 20 ms on the benchmark's
//! disk), and the next writer starts the log over. The automatic checkpoint stays on as a
//! backstop at twice that length ([`super::WAL_CHECKPOINT_PAGES`]), for another process's
//! writes (they do not take this process's turn) or a task that cannot connect.

use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions as _, Connection as _, SqliteConnection};
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use super::write_tx::WriteGate;

/// The least time between two checkpoints: each one syncs twice, and the pages that every
/// write touches (a team's row, the bottom of the order index) are copied once per checkpoint.
const GAP: Duration = Duration::from_millis(100);

/// A log this long after a passive pass is finished in the writers' turn (see [`checkpoint`]).
const FINISH_AT_PAGES: i64 = 2_000;

/// The background checkpoint task; one per [`super::Store`] and its clones.
#[derive(Debug)]
pub(super) struct Checkpointer {
    wrote: Arc<Notify>,
    closing: watch::Sender<bool>,
    task: std::sync::Mutex<Option<JoinHandle<()>>>,
}

impl Checkpointer {
    /// Starts the task; it opens its connection at the first write.
    pub fn start(options: SqliteConnectOptions, gate: WriteGate) -> Self {
        let wrote = Arc::new(Notify::new());
        let (closing, closed) = watch::channel(false);
        let task = tokio::spawn(run(options, gate, wrote.clone(), closed));
        Self {
            wrote,
            closing,
            task: std::sync::Mutex::new(Some(task)),
        }
    }

    /// Tells the task that a write transaction committed.
    pub fn wrote(&self) {
        self.wrote.notify_one();
    }

    /// Stops the task and closes its connection.
    pub async fn close(&self) {
        let _ = self.closing.send(true);
        let task = self
            .task
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

async fn run(
    options: SqliteConnectOptions,
    gate: WriteGate,
    wrote: Arc<Notify>,
    mut closed: watch::Receiver<bool>,
) {
    let mut connection: Option<SqliteConnection> = None;
    loop {
        tokio::select! {
            _ = wrote.notified() => {}
            _ = closed.changed() => break,
        }
        if connection.is_none() {
            match options.connect().await {
                Ok(opened) => connection = Some(opened),
                Err(error) => tracing::warn!(%error, "the checkpoint connection did not open"),
            }
        }
        if let Some(open) = connection.as_mut() {
            if let Err(error) = checkpoint(open, &gate).await {
                // The automatic checkpoint still runs; the next write tries a new connection.
                tracing::warn!(%error, "a background checkpoint failed");
                connection = None;
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(GAP) => {}
            _ = closed.changed() => break,
        }
    }
    if let Some(open) = connection {
        let _ = open.close().await;
    }
}

/// One passive pass; when it leaves a long log behind, a second pass in the writers' turn, which
/// copies the rest, so the next writer starts the log over. The first pass did the slow part
/// (syncing and copying most of the log) without holding anyone up.
async fn checkpoint(connection: &mut SqliteConnection, gate: &WriteGate) -> sqlx::Result<()> {
    // A passive pass copies all it saw at its start (the log's length it reports), but writers
    // added more meanwhile, so it rarely finishes the log by itself.
    let (_busy, log, _copied) = passive(connection).await?;
    if log >= FINISH_AT_PAGES {
        let _turn = gate.lock().await;
        passive(connection).await?;
    }
    Ok(())
}

/// `PRAGMA wal_checkpoint(PASSIVE)`: whether it was blocked, the log's length and how much of it
/// is now in the database file, in pages.
async fn passive(connection: &mut SqliteConnection) -> sqlx::Result<(i64, i64, i64)> {
    sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(&mut *connection)
        .await
}

#[cfg(test)]
mod tests {
    use std::str::FromStr as _;

    use super::*;
    use crate::store::test_support::store;
    use crate::store::Store;

    /// Fills `pages` pages of the log in one transaction.
    async fn write_pages(store: &Store, pages: i64) {
        let mut tx = store.begin_write().await.unwrap();
        sqlx::query("CREATE TABLE IF NOT EXISTS filler (bytes BLOB)")
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
             INSERT INTO filler SELECT randomblob(4000) FROM n",
        )
        .bind(pages)
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }

    #[tokio::test]
    async fn a_long_log_is_finished_in_the_writers_turn_and_then_starts_over() {
        let (store, dir) = store().await;
        // The store's own task would checkpoint while the pages are written, and on a slow
        // machine finish the log itself, leaving this test's checkpoint a short one.
        store.checkpointer.close().await;
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let mut connection = SqliteConnectOptions::from_str(&url)
            .unwrap()
            .connect()
            .await
            .unwrap();

        // A short log: one pass, without waiting for the writer that holds the turn.
        write_pages(&store, 10).await;
        let turn = store.write_turn().await.unwrap();
        tokio::time::timeout(
            Duration::from_secs(5),
            checkpoint(&mut connection, &store.write_gate),
        )
        .await
        .expect("a short log waited for the writers' turn")
        .unwrap();

        // A long log: the second pass waits for the turn.
        drop(turn);
        write_pages(&store, FINISH_AT_PAGES + 100).await;
        let turn = store.write_turn().await.unwrap();
        let gate = store.write_gate.clone();
        let finishing = tokio::spawn(async move {
            checkpoint(&mut connection, &gate)
                .await
                .map(|()| connection)
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!finishing.is_finished(), "it did not wait for the turn");
        drop(turn);
        let mut connection = tokio::time::timeout(Duration::from_secs(10), finishing)
            .await
            .expect("it finished once the turn was free")
            .unwrap()
            .unwrap();

        // Everything was copied, so the next writer starts the log over.
        write_pages(&store, 1).await;
        let (_busy, log, _copied) = passive(&mut connection).await.unwrap();
        assert!(log < 50, "the log did not start over: {log} pages");
        connection.close().await.unwrap();
        store.close().await;
    }

    #[tokio::test]
    async fn a_commit_reaches_the_database_file_without_the_writer_checkpointing() {
        let (store, dir) = store().await;
        let file = dir.path().join("test.db");
        let before = std::fs::metadata(&file).unwrap().len();
        // About 100 pages: far below the automatic checkpoint's threshold.
        write_pages(&store, 100).await;
        for _ in 0..250 {
            if std::fs::metadata(&file).unwrap().len() >= before + 400_000 {
                store.close().await;
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("the commit was not copied into the database file within 5 s");
    }
}
