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
//! stream of writes it never finishes and the log could not start over. The automatic
//! checkpoint therefore stays on as a backstop, at a threshold the log only reaches then
//! ([`super::WAL_CHECKPOINT_PAGES`]); it finds most of the log already copied and synced.

use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions as _, Connection as _, SqliteConnection};
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

/// The least time between two checkpoints: each one syncs twice, and the pages that every
/// write touches (a team's row, the bottom of the order index) are copied once per checkpoint.
const GAP: Duration = Duration::from_millis(100);

/// The background checkpoint task; one per [`super::Store`] and its clones.
#[derive(Debug)]
pub(super) struct Checkpointer {
    wrote: Arc<Notify>,
    closing: watch::Sender<bool>,
    task: std::sync::Mutex<Option<JoinHandle<()>>>,
}

impl Checkpointer {
    /// Starts the task; it opens its connection at the first write.
    pub fn start(options: SqliteConnectOptions) -> Self {
        let wrote = Arc::new(Notify::new());
        let (closing, closed) = watch::channel(false);
        let task = tokio::spawn(run(options, wrote.clone(), closed));
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

async fn run(options: SqliteConnectOptions, wrote: Arc<Notify>, mut closed: watch::Receiver<bool>) {
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
            if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&mut *open)
                .await
            {
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

#[cfg(test)]
mod tests {
    use crate::store::test_support::store;

    #[tokio::test]
    async fn a_commit_reaches_the_database_file_without_the_writer_checkpointing() {
        let (store, dir) = store().await;
        let file = dir.path().join("test.db");
        let before = std::fs::metadata(&file).unwrap().len();
        let mut tx = store.begin_write().await.unwrap();
        sqlx::query("CREATE TABLE filler (bytes BLOB)")
            .execute(&mut *tx)
            .await
            .unwrap();
        // About 100 pages: far below the automatic checkpoint's threshold.
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)
             INSERT INTO filler SELECT randomblob(4000) FROM n",
        )
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
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
