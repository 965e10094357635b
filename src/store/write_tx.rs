//! Write transactions take turns in the process before they reach SQLite. SQLite lets one writer
//! in at a time and makes the others poll with growing sleeps (its busy handler: 1, 2, 5 ... 100
//! ms), which under concurrent writes turns a sub-millisecond insert into tens of milliseconds at
//! the tail. A fair async lock queues writers instead, and `BEGIN IMMEDIATE` takes the write lock
//! at the first statement so a transaction never fails to upgrade a read lock.
//!
//! The turn holds the one connection write transactions use, outside sqlx's pool: the pool pings
//! every connection it takes back (a round trip to the connection's thread), and writes take
//! turns anyway. A transaction dropped without a commit is rolled back on that connection before
//! the next writer's `BEGIN` reaches it (its thread runs commands in order). A change that is one
//! statement takes the same turn ([`Store::write_alone`]) and runs on that connection without
//! `BEGIN`, so no write of this process waits in SQLite's busy handler behind another of its
//! writes; only another process (a restore from the command line) can make one wait there.
//!
//! Every write to `stories` runs in one of these transactions, which names the teams whose
//! stories it changes ([`WriteTx::changes_stories_of`], or [`WriteTx::adds_stories_to`] when it
//! only adds stories at the bottom); when it ends, searches forget what they remembered of those
//! teams' backlogs (`open_titles.rs`). SQLite's update hook on the connection is the safety net:
//! a transaction that changed a story without naming a team forgets every team.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::query::Query;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteQueryResult, SqliteRow, SqliteTransactionManager,
};
use sqlx::{ConnectOptions as _, Sqlite, SqliteConnection, TransactionManager as _};
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::checkpointer::Checkpointer;
use super::direct_file::DirectFile;
use super::open_titles::OpenTitles;
use super::Store;

/// How long a writer waits for its turn (the same as SQLite's busy timeout) before it fails.
const TURN_TIMEOUT: Duration = Duration::from_secs(10);

/// The connections of write transactions, each opened at its first write: sqlx's, and the
/// direct one that writes the batches of new stories (`write_direct.rs`).
#[derive(Debug)]
pub struct Writer {
    options: SqliteConnectOptions,
    connection: Option<SqliteConnection>,
    pub(super) file: DirectFile,
    pub(super) direct: Option<rusqlite::Connection>,
    /// Set by [`Store::close`]: no connection is opened again.
    pub(super) closed: bool,
    /// Set by SQLite's update hook when the open transaction changes a `stories` row.
    pub(super) stories_touched: Arc<AtomicBool>,
    /// What a transaction that changed stories makes forget them.
    open_titles: Arc<OpenTitles>,
}

/// The process's queue of writers; one per [`Store`] and its clones.
pub type WriteGate = Arc<Mutex<Writer>>;

/// A gate whose writer connects with `options`.
pub(super) fn write_gate(
    options: SqliteConnectOptions,
    file: DirectFile,
    open_titles: Arc<OpenTitles>,
) -> WriteGate {
    Arc::new(Mutex::new(Writer {
        options,
        connection: None,
        file,
        direct: None,
        closed: false,
        stories_touched: Arc::default(),
        open_titles,
    }))
}

impl Writer {
    /// The sqlx write connection, opened (with the update hook) at the first write; clears the
    /// hook's mark for the statements about to run.
    async fn open_connection(&mut self) -> sqlx::Result<&mut SqliteConnection> {
        if self.closed {
            return Err(sqlx::Error::PoolClosed);
        }
        let connection = match self.connection.take() {
            Some(connection) => connection,
            None => {
                let mut connection = self.options.connect().await?;
                watch_story_writes(&mut connection, self.stories_touched.clone()).await?;
                connection
            }
        };
        self.stories_touched.store(false, Ordering::Relaxed);
        Ok(self.connection.insert(connection))
    }

    /// After a failed statement: a connection whose thread is gone is dropped, so the next
    /// writer opens a new one.
    fn forget_connection_after(&mut self, error: &sqlx::Error) {
        if matches!(error, sqlx::Error::WorkerCrashed | sqlx::Error::Io(_)) {
            self.connection = None;
        }
    }
}

/// This process's turn to write, held until the transaction that uses it ends.
pub(super) type WriteTurn = OwnedMutexGuard<Writer>;

/// An open write transaction holding its turn; dropping it rolls back and passes the turn on.
pub struct WriteTx {
    pub(super) turn: WriteTurn,
    pub(super) checkpointer: Arc<Checkpointer>,
    /// Teams (guild, id) whose stories this transaction changes.
    story_teams: Vec<(u64, i64)>,
    /// Teams (guild, id) this transaction only adds new stories to, at the bottom.
    added_to_teams: Vec<(u64, i64)>,
}

impl WriteTx {
    /// A transaction in `turn`; the caller begins it on one of the turn's connections.
    pub(super) fn in_turn(turn: WriteTurn, checkpointer: Arc<Checkpointer>) -> WriteTx {
        WriteTx {
            turn,
            checkpointer,
            story_teams: Vec::new(),
            added_to_teams: Vec::new(),
        }
    }

    pub async fn commit(mut self) -> sqlx::Result<()> {
        SqliteTransactionManager::commit(&mut self).await?;
        self.checkpointer.wrote();
        Ok(())
    }

    /// Notes that this transaction changes stories of the team: when it ends (committed or
    /// not), searches read that team's backlog again.
    pub fn changes_stories_of(&mut self, guild_id: u64, team_id: i64) {
        if !self.story_teams.contains(&(guild_id, team_id)) {
            self.story_teams.push((guild_id, team_id));
        }
    }

    /// Notes that this transaction adds new stories at the bottom of the team's backlog and
    /// changes none of its other stories (otherwise use
    /// [`changes_stories_of`](Self::changes_stories_of)).
    pub fn adds_stories_to(&mut self, guild_id: u64, team_id: i64) {
        if !self.added_to_teams.contains(&(guild_id, team_id)) {
            self.added_to_teams.push((guild_id, team_id));
        }
    }

    /// Makes searches forget what this transaction may have changed. Runs when it has ended:
    /// after the commit (so a search that reads next sees it) or when it was abandoned.
    fn forget_changed_stories(&mut self) {
        let writer = &*self.turn;
        // The hook ran on the connection's thread before the statement's answer came back.
        let touched = writer.stories_touched.swap(false, Ordering::Relaxed);
        if touched && self.story_teams.is_empty() && self.added_to_teams.is_empty() {
            writer.open_titles.forget_all();
        }
        for &(guild_id, team_id) in &self.story_teams {
            writer.open_titles.forget_team(guild_id, team_id);
        }
        for &(guild_id, team_id) in &self.added_to_teams {
            writer.open_titles.stories_added(guild_id, team_id);
        }
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        if let Some(connection) = self.turn.connection.as_mut() {
            if SqliteTransactionManager::get_transaction_depth(connection) > 0 {
                // Queued ahead of anything the next writer sends.
                SqliteTransactionManager::start_rollback(connection);
            }
        }
        self.forget_changed_stories();
    }
}

impl Deref for WriteTx {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        self.turn
            .connection
            .as_ref()
            .expect("open while the transaction lives")
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.turn
            .connection
            .as_mut()
            .expect("open while the transaction lives")
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
    pub(super) async fn begin_write_in_turn(&self, mut turn: WriteTurn) -> sqlx::Result<WriteTx> {
        let writer = &mut *turn;
        let connection = writer.open_connection().await?;
        let begun =
            SqliteTransactionManager::begin(connection, Some("BEGIN IMMEDIATE".into())).await;
        if let Err(error) = begun {
            writer.forget_connection_after(&error);
            return Err(error);
        }
        Ok(WriteTx::in_turn(turn, self.checkpointer.clone()))
    }

    /// Runs a change that is one statement in this process's write turn, on the write
    /// connection: SQLite commits it on its own, with no `BEGIN` and `COMMIT` round trips. Every
    /// such write goes here rather than to the pool, so that it queues at the gate instead of
    /// in SQLite's busy handler.
    pub async fn write_alone<'q>(
        &self,
        statement: Query<'q, Sqlite, SqliteArguments<'q>>,
    ) -> sqlx::Result<SqliteQueryResult> {
        let mut turn = self.write_turn().await?;
        turn.open_connection().await?;
        // Never begun, so dropping it rolls nothing back; it still forgets changed stories.
        let mut alone = WriteTx::in_turn(turn, self.checkpointer.clone());
        let done = statement.execute(&mut *alone).await;
        match &done {
            Ok(_) => alone.checkpointer.wrote(),
            Err(error) => alone.turn.forget_connection_after(error),
        }
        done
    }

    /// Runs a one-statement write that returns its row (`RETURNING`) in a write transaction of
    /// its own, committed once the row is read: the row, or `None` when the statement wrote
    /// nothing.
    pub async fn write_returning<'q>(
        &self,
        statement: Query<'q, Sqlite, SqliteArguments<'q>>,
    ) -> sqlx::Result<Option<SqliteRow>> {
        let mut tx = self.begin_write().await?;
        let row = statement.fetch_optional(&mut *tx).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Closes the write connection once the writer ahead (if any) is done; later writes fail.
    pub(super) async fn close_writer(&self) {
        let connection = {
            let mut writer = self.write_gate.lock().await;
            writer.closed = true;
            writer.direct = None;
            writer.connection.take()
        };
        if let Some(connection) = connection {
            let _ = sqlx::Connection::close(connection).await;
        }
    }
}

/// Sets `touched` whenever a statement on `connection` changes a `stories` row.
async fn watch_story_writes(
    connection: &mut SqliteConnection,
    touched: Arc<AtomicBool>,
) -> sqlx::Result<()> {
    let mut handle = connection.lock_handle().await?;
    handle.set_update_hook(move |change| {
        if change.table == "stories" {
            touched.store(true, Ordering::Relaxed);
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use crate::store::test_support::{store, team};

    use super::*;

    #[tokio::test]
    async fn a_dropped_transaction_is_rolled_back_before_the_next_writer_begins() {
        let (store, _dir) = store().await;
        let count = |store: Store| async move {
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM teams")
                .fetch_one(store.reads())
                .await
                .unwrap()
        };
        let insert =
            "INSERT INTO teams (guild_id, name, is_default, created_at) VALUES (1, ?, 0, 0)";
        let mut abandoned = store.begin_write().await.unwrap();
        sqlx::query(insert)
            .bind("Gone")
            .execute(&mut *abandoned)
            .await
            .unwrap();
        drop(abandoned);

        let mut next = store
            .begin_write()
            .await
            .expect("a fresh transaction, not a nested one");
        sqlx::query(insert)
            .bind("Kept")
            .execute(&mut *next)
            .await
            .unwrap();
        next.commit().await.unwrap();
        assert_eq!(count(store.clone()).await, 1, "only the committed team");
        store.close().await;
        assert!(
            matches!(store.begin_write().await, Err(sqlx::Error::PoolClosed)),
            "a closed store takes no more writes"
        );
    }

    #[tokio::test]
    async fn a_one_statement_write_waits_for_the_turn_and_a_failed_one_passes_it_on() {
        let (store, _dir) = store().await;
        let team = team(&store).await;
        let turn = store.write_turn().await.unwrap();
        let vision = tokio::spawn({
            let (store, team) = (store.clone(), team.clone());
            async move { store.set_vision(&team, "Ship weekly").await }
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        // Through the pool it would already be written: nothing holds SQLite's lock.
        assert!(!vision.is_finished(), "the write went around the turn");
        drop(turn);
        vision.await.unwrap().unwrap();
        let stored: Option<String> = sqlx::query_scalar("SELECT vision FROM teams WHERE id = ?")
            .bind(team.id)
            .fetch_one(store.reads())
            .await
            .unwrap();
        assert_eq!(stored.as_deref(), Some("Ship weekly"));

        let failed = store
            .write_alone(sqlx::query("UPDATE teams SET name = NULL WHERE id = ?").bind(team.id))
            .await;
        assert!(failed.is_err(), "a name is required");
        let next = tokio::time::timeout(Duration::from_secs(2), store.begin_write())
            .await
            .expect("the failed write passed the turn on");
        next.unwrap().commit().await.unwrap();
    }

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
