//! A write transaction in one hand-over: the batch of new stories (`story_inserts.rs`).
//!
//! Through sqlx a transaction is a round trip to the connection's thread for `BEGIN`, one for
//! sqlx's check that it began, one per statement, one per row a statement returns and one for
//! `COMMIT`, each a thread wake-up on both sides. Under load those hand-overs cost more CPU
//! than SQLite's own work for a batch of inserts (README, Performance). Here the whole
//! transaction runs on one blocking thread, on the writer's direct rusqlite connection: one
//! hand-over there and one back. A lone story (nobody else waiting to write) is written on the
//! calling worker instead, through `block_in_place`, which hands the worker's other tasks to
//! another thread rather than this write to one: one story's transaction is about as long as
//! the two wake-ups it saves, and with one client at a time `/story add` went from about 0.43
//! to 0.50 x floor in the benchmark. A batch, which may be long, still goes to a blocking thread;
//! so does every write on a current-thread runtime (tests), where `block_in_place` panics. On
//! the calling worker the transaction does not wait for another process's write lock (an
//! import writing the same file): it hands the write to a blocking thread instead, which waits
//! there, so the task stays free to answer the interaction late (`discord/deadline.rs`).
//!
//! Invariants: it runs in the process's write turn like every write transaction, which it
//! holds until the transaction has ended, even if the caller stops waiting (the blocking thread
//! finishes, commits or rolls back, then passes the turn on). The direct connection has the
//! settings of sqlx's (WAL, `synchronous=NORMAL`, foreign keys, the checkpoint backstop) and
//! the same update hook, so a changed story is never missed by the searches that remember them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, Transaction, TransactionBehavior};

use tokio::runtime::{Handle, RuntimeFlavor};

use super::direct_file::{driver_error, DirectFile};
use super::write_tx::{WriteTurn, WriteTx};
use super::{Store, WAL_CHECKPOINT_PAGES};

/// Which thread runs a direct write transaction (see the module's header).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum WriteThread {
    /// A blocking thread of its own: for a transaction that may be long.
    Blocking,
    /// The calling worker, its other tasks handed to another thread meanwhile: for a short one.
    Calling,
}

impl Store {
    /// Runs `write` in one immediate transaction on the direct connection, on `thread`, in
    /// `turn`; commits when it returns `Ok`, rolls back otherwise. The transaction only adds
    /// new stories, at the bottom of the backlogs of `added_to` (guild, team).
    pub(super) async fn write_directly<T: Send + 'static>(
        &self,
        thread: WriteThread,
        turn: WriteTurn,
        added_to: Vec<(u64, i64)>,
        write: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<T> + Send + 'static,
    ) -> sqlx::Result<T> {
        let mut tx = WriteTx::in_turn(turn, self.checkpointer.clone());
        for (guild_id, team_id) in added_to {
            tx.adds_stories_to(guild_id, team_id);
        }
        let multi_threaded = Handle::try_current()
            .is_ok_and(|runtime| runtime.runtime_flavor() == RuntimeFlavor::MultiThread);
        let mut write = Some(write);
        if thread == WriteThread::Calling && multi_threaded {
            let attempt =
                tokio::task::block_in_place(|| run_direct(&mut tx, &mut write, LockWait::Never));
            if let Ok(done) = attempt {
                return done;
            }
            // Another process holds the write lock: wait for it on a blocking thread.
        }
        tokio::task::spawn_blocking(move || {
            // Waiting up to the busy timeout, a held lock ends as SQLite's own busy error, so
            // `LockHeld` cannot come back here; were it to, it would be a timeout all the same.
            run_direct(&mut tx, &mut write, LockWait::BusyTimeout)
                .unwrap_or_else(|LockHeld| Err(sqlx::Error::PoolTimedOut))
        })
        .await
        .map_err(|joined| sqlx::Error::AnyDriverError(Box::new(joined)))?
    }
}

/// Whether a transaction may wait for another connection's write lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LockWait {
    /// Up to the connection's busy timeout.
    BusyTimeout,
    /// Not at all: [`LockHeld`] instead.
    Never,
}

/// The transaction did not begin: another connection holds the write lock.
#[derive(Debug)]
struct LockHeld;

/// The transaction, on the thread that calls it; `write` is taken once the transaction has
/// begun. `tx` ends (and searches forget its teams) when the caller drops it, after the commit.
fn run_direct<T>(
    tx: &mut WriteTx,
    write: &mut Option<impl FnOnce(&Transaction<'_>) -> rusqlite::Result<T>>,
    wait: LockWait,
) -> Result<sqlx::Result<T>, LockHeld> {
    let writer = &mut *tx.turn;
    if writer.closed {
        return Ok(Err(sqlx::Error::PoolClosed));
    }
    let connection = match writer.direct.as_mut() {
        Some(connection) => connection,
        None => match open_direct_writer(&writer.file, writer.stories_touched.clone()) {
            Ok(opened) => writer.direct.insert(opened),
            Err(error) => return Ok(Err(driver_error(error))),
        },
    };
    writer.stories_touched.store(false, Ordering::Relaxed);
    // Set at every start, as the last transaction may have left it at zero on failing to begin.
    let busy_timeout = writer.file.busy_timeout();
    let waits_up_to = match wait {
        LockWait::BusyTimeout => busy_timeout,
        LockWait::Never => Duration::ZERO,
    };
    if let Err(error) = connection.busy_timeout(waits_up_to) {
        return Ok(Err(driver_error(error)));
    }
    let transaction = match connection.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(transaction) => transaction,
        Err(error)
            if wait == LockWait::Never
                && error.sqlite_error_code() == Some(ErrorCode::DatabaseBusy) =>
        {
            return Err(LockHeld);
        }
        Err(error) => return Ok(Err(driver_error(error))),
    };
    if wait == LockWait::Never {
        // Only the start does not wait: the transaction's statements may, as usual.
        if let Err(error) = transaction.busy_timeout(busy_timeout) {
            return Ok(Err(driver_error(error)));
        }
    }
    let Some(write) = write.take() else {
        return Ok(Err(sqlx::Error::Protocol(
            "a direct write ran twice".into(),
        )));
    };
    let done = write(&transaction)
        .and_then(|value| transaction.commit().map(|()| value))
        .map_err(driver_error);
    if done.is_ok() {
        tx.checkpointer.wrote();
    }
    Ok(done)
}

/// The direct connection, set as sqlx's write connection is (`Store::connect`).
fn open_direct_writer(file: &DirectFile, touched: Arc<AtomicBool>) -> rusqlite::Result<Connection> {
    let connection = file.open()?;
    connection.pragma_update(None, "journal_mode", "wal")?;
    connection.pragma_update(None, "synchronous", "normal")?;
    connection.pragma_update(None, "foreign_keys", true)?;
    connection.pragma_update(None, "wal_autocheckpoint", WAL_CHECKPOINT_PAGES)?;
    connection.update_hook(Some(
        move |_: rusqlite::hooks::Action, _: &str, table: &str, _: i64| {
            if table == "stories" {
                touched.store(true, Ordering::Relaxed);
            }
        },
    ));
    Ok(connection)
}

#[cfg(test)]
mod tests {
    use super::WriteThread;
    use crate::store::test_support::{store, story, team, GUILD};

    /// The thread a direct write ran on, and whether it was the caller's.
    async fn ran_on_callers_thread(thread: WriteThread) -> bool {
        let (store, _dir) = store().await;
        let turn = store.write_turn().await.unwrap();
        // Read in the same poll as the write starts (no await between), so the task cannot
        // have moved to another worker meanwhile.
        let caller = std::thread::current().id();
        let writer = store
            .write_directly(
                thread,
                turn,
                Vec::new(),
                |_| Ok(std::thread::current().id()),
            )
            .await
            .unwrap();
        store.close().await;
        writer == caller
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_short_write_runs_on_the_calling_worker_and_a_long_one_on_a_blocking_thread() {
        assert!(ran_on_callers_thread(WriteThread::Calling).await);
        assert!(!ran_on_callers_thread(WriteThread::Blocking).await);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_lone_story_waits_for_another_process_s_write_lock_without_holding_its_task() {
        let (store, dir) = store().await;
        let team = team(&store).await;
        story(&store, &team, "Opens the direct connection", None).await;
        // Another process (an import, say) writing the same file for a second.
        let (locked, lock_taken) = std::sync::mpsc::channel();
        let path = dir.path().join("test.db");
        let other = std::thread::spawn(move || {
            let connection = rusqlite::Connection::open(path).unwrap();
            connection.execute_batch("BEGIN IMMEDIATE").unwrap();
            locked.send(()).unwrap();
            std::thread::sleep(std::time::Duration::from_secs(1));
            connection.execute_batch("COMMIT").unwrap();
        });
        lock_taken.recv().unwrap();

        // The task answers its deadline while the story waits for the lock elsewhere; on the
        // calling worker it could only have timed out once the lock was let go and the story
        // written.
        let new = crate::store::test_support::new_story("Written after the import", None);
        let waited = tokio::time::timeout(
            std::time::Duration::from_millis(200),
            store.insert_story(GUILD, team.id, &new, 1),
        )
        .await;
        assert!(waited.is_err(), "the task was held until the lock was free");

        // The write goes on without its caller and lands once the lock is free.
        other.join().unwrap();
        let turn = store.write_turn().await.unwrap();
        drop(turn);
        let written: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM stories WHERE title = 'Written after the import'",
        )
        .fetch_one(store.reads())
        .await
        .unwrap();
        assert_eq!(written, 1);
        store.close().await;
    }

    #[tokio::test]
    async fn on_a_current_thread_runtime_every_write_goes_to_a_blocking_thread() {
        // `block_in_place` would panic there.
        assert!(!ran_on_callers_thread(WriteThread::Calling).await);
    }

    #[tokio::test]
    async fn the_direct_connection_is_set_as_sqlxs_and_refuses_a_dangling_reference() {
        let (store, _dir) = store().await;
        let team = team(&store).await;
        story(&store, &team, "Opens the direct connection", None).await;
        let turn = store.write_turn().await.unwrap();
        let connection = turn.direct.as_ref().expect("the insert opened it");
        let pragma = |name: &str| -> String {
            connection
                .query_row(&format!("PRAGMA {name}"), [], |row| {
                    row.get::<_, rusqlite::types::Value>(0)
                })
                .map(|value| format!("{value:?}"))
                .unwrap()
        };
        assert_eq!(pragma("journal_mode"), r#"Text("wal")"#);
        assert_eq!(pragma("synchronous"), "Integer(1)", "NORMAL");
        assert_eq!(pragma("foreign_keys"), "Integer(1)");
        assert_eq!(pragma("wal_autocheckpoint"), "Integer(4000)");
        assert_eq!(pragma("busy_timeout"), "Integer(10000)");

        let dangling = store
            .write_directly(WriteThread::Blocking, turn, Vec::new(), |tx| {
                tx.execute(
                    "INSERT INTO story_labels (story_id, label) VALUES (999999, 'x')",
                    [],
                )
            })
            .await;
        assert!(dangling.is_err(), "a label of no story was written");
    }

    #[tokio::test]
    async fn a_failed_write_changes_nothing_and_passes_the_turn_on() {
        let (store, _dir) = store().await;
        let team = team(&store).await;
        let turn = store.write_turn().await.unwrap();
        let failed = store
            .write_directly(WriteThread::Blocking, turn, Vec::new(), move |tx| {
                tx.execute("UPDATE teams SET name = 'Renamed' WHERE id = ?1", [team.id])?;
                tx.execute("SELECT nothing FROM nowhere", [])
            })
            .await;
        assert!(failed.is_err());
        let name: String = sqlx::query_scalar("SELECT name FROM teams WHERE id = ?")
            .bind(team.id)
            .fetch_one(store.reads())
            .await
            .unwrap();
        assert_ne!(name, "Renamed", "the failed transaction was committed");
        let next = tokio::time::timeout(std::time::Duration::from_secs(2), store.begin_write())
            .await
            .expect("the turn was passed on");
        next.unwrap().commit().await.unwrap();
    }

    #[tokio::test]
    async fn a_story_changed_without_naming_its_team_makes_searches_read_again() {
        let (store, _dir) = store().await;
        let team = team(&store).await;
        let written = story(&store, &team, "Export invoices", None).await;
        let search = |text: &'static str| {
            let store = store.clone();
            async move {
                store
                    .search_stories(GUILD, team.id, text, 25)
                    .await
                    .unwrap()
                    .len()
            }
        };
        assert_eq!(search("invoices").await, 1, "now remembered");

        let turn = store.write_turn().await.unwrap();
        store
            .write_directly(WriteThread::Blocking, turn, Vec::new(), move |tx| {
                tx.execute(
                    "UPDATE stories SET title = 'Export receipts' WHERE id = ?1",
                    [written.id],
                )
            })
            .await
            .unwrap();
        assert_eq!(search("invoices").await, 0, "the old list was kept");
        assert_eq!(search("receipts").await, 1);
    }
}
