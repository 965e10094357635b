//! Write transactions take turns in the process before they reach SQLite. SQLite lets one writer
//! in at a time and makes the others poll with growing sleeps (its busy handler: 1, 2, 5 ... 100
//! ms), which under concurrent writes turns a sub-millisecond insert into tens of milliseconds at
//! the tail. A fair async lock queues writers instead, and `BEGIN IMMEDIATE` takes the write lock
//! at the first statement so a transaction never fails to upgrade a read lock.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Duration;

use sqlx::{Sqlite, SqliteConnection, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::checkpointer::Checkpointer;
use super::Store;

/// How long a writer waits for its turn (the same as SQLite's busy timeout) before it fails.
const TURN_TIMEOUT: Duration = Duration::from_secs(10);

/// The process's queue of writers; one per [`Store`] and its clones.
pub type WriteGate = Arc<Mutex<()>>;

/// This process's turn to write, held until the transaction that uses it ends.
pub(super) type WriteTurn = OwnedMutexGuard<()>;

/// An open write transaction holding its turn; dropping it rolls back and passes the turn on.
pub struct WriteTx {
    // Declared before the turn, so the rollback is queued before the next writer goes.
    tx: Transaction<'static, Sqlite>,
    _turn: WriteTurn,
    checkpointer: Arc<Checkpointer>,
}

impl WriteTx {
    pub async fn commit(self) -> sqlx::Result<()> {
        self.tx.commit().await?;
        self.checkpointer.wrote();
        Ok(())
    }
}

impl Deref for WriteTx {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}

impl Store {
    /// Waits for this process's turn to write, then starts an immediate transaction.
    pub async fn begin_write(&self) -> sqlx::Result<WriteTx> {
        let turn = self.write_turn().await?;
        self.begin_write_in_turn(turn).await
    }

    /// Waits for this process's turn to write.
    pub(super) async fn write_turn(&self) -> sqlx::Result<WriteTurn> {
        tokio::time::timeout(TURN_TIMEOUT, self.write_gate.clone().lock_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)
    }

    /// Starts an immediate transaction in a turn already taken.
    pub(super) async fn begin_write_in_turn(&self, turn: WriteTurn) -> sqlx::Result<WriteTx> {
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(WriteTx {
            tx,
            _turn: turn,
            checkpointer: self.checkpointer.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use crate::store::test_support::store;

    use super::*;

    #[tokio::test]
    async fn a_second_writer_waits_for_the_first_to_finish_and_a_dropped_one_passes_the_turn() {
        let (store, _dir) = store().await;
        let first = store.begin_write().await.unwrap();
        let first_done = Arc::new(AtomicBool::new(false));
        let second = tokio::spawn({
            let store = store.clone();
            let first_done = first_done.clone();
            async move {
                let tx = store.begin_write().await.unwrap();
                assert!(
                    first_done.load(Ordering::SeqCst),
                    "the second writer went first"
                );
                tx.commit().await.unwrap();
            }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!second.is_finished(), "the second writer did not wait");
        first_done.store(true, Ordering::SeqCst);
        drop(first);
        second.await.unwrap();
    }
}
