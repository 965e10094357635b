//! Group commit for new stories. Writes take turns (`write_tx.rs`), and most of a lone insert's
//! cost is its transaction: `BEGIN`, the commit's WAL frames for the pages every insert touches
//! (the team row, the bottom of the rank index) and the hand-over to the thread that writes. So
//! inserts that arrive while another write holds the turn wait together, and the first of them
//! to get the turn writes all of them in one transaction (`story_writes.rs`), in one hand-over to
//! a blocking thread; a lone one is written on the calling worker (`write_direct.rs`). Every
//! caller is answered only after that transaction commits; an insert that fails does not fail
//! the others (the batch is rolled back and each is written again on its own).

use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::oneshot;

use super::stories::NewStory;
use super::story_writes::{write_stories, AddedStory, StoryToWrite};
use super::write_direct::WriteThread;
use super::write_tx::WriteTurn;
use super::Store;

/// At most this many inserts go into one transaction; the rest wait for the next turn.
const MAX_BATCH: usize = 64;

/// Inserts waiting for a turn to write; one per [`Store`] and its clones.
pub(super) type SharedInsertQueue = Arc<Mutex<InsertQueue>>;

#[derive(Debug, Default)]
pub(super) struct InsertQueue {
    next_ticket: u64,
    waiting: Vec<PendingInsert>,
    /// Transactions that committed at least one insert (tests read it to see inserts grouped).
    batches_committed: u64,
}

#[derive(Debug)]
struct PendingInsert {
    ticket: u64,
    story: StoryToWrite,
    answer: oneshot::Sender<sqlx::Result<AddedStory>>,
}

/// Takes an insert out of the queue if its caller goes away before a writer took it, so a
/// dropped request does not add a story later.
struct Withdraw<'a> {
    store: &'a Store,
    ticket: u64,
}

impl Drop for Withdraw<'_> {
    fn drop(&mut self) {
        self.store.withdraw(self.ticket);
    }
}

impl Store {
    /// Adds a story at the bottom of the backlog, with its labels, criteria and first status
    /// entry, and tells its place there. Answers after the transaction that wrote it commits;
    /// concurrent inserts share one transaction (see the module's header).
    pub async fn insert_story(
        &self,
        guild_id: u64,
        team_id: i64,
        new: &NewStory,
        now: i64,
    ) -> sqlx::Result<AddedStory> {
        let (answer, mut outcome) = oneshot::channel();
        let ticket = {
            let mut queue = self.insert_queue();
            queue.next_ticket += 1;
            let ticket = queue.next_ticket;
            queue.waiting.push(PendingInsert {
                ticket,
                story: StoryToWrite {
                    guild_id,
                    team_id,
                    new: new.clone(),
                    now,
                },
                answer,
            });
            ticket
        };
        let _withdraw_if_dropped = Withdraw {
            store: self,
            ticket,
        };
        loop {
            tokio::select! {
                biased;
                written = &mut outcome => return written.unwrap_or_else(|_| Err(lost())),
                turn = self.write_turn() => {
                    let turn = match turn {
                        Ok(turn) => turn,
                        // Still queued: nobody will write it. Already taken: its answer comes.
                        Err(timed_out) if self.withdraw(ticket) => return Err(timed_out),
                        Err(_) => break,
                    };
                    let batch = self.take_waiting_inserts();
                    // An empty queue means another writer took ours: its answer comes.
                    let ours_taken = batch.is_empty() || batch.iter().any(|p| p.ticket == ticket);
                    if batch.len() == 1 && ours_taken {
                        // Alone: nobody else waits on this caller, so it writes inline.
                        self.clone().write_inserts(turn, batch).await;
                    } else if !batch.is_empty() {
                        // A task of its own, so that this caller going away cannot leave the
                        // others in the batch without an answer.
                        tokio::spawn(self.clone().write_inserts(turn, batch));
                    }
                    if ours_taken {
                        break;
                    }
                    // A full batch left ours waiting: wait for its answer or the next turn.
                }
            }
        }
        outcome.await.unwrap_or_else(|_| Err(lost()))
    }

    /// Transactions that have committed story inserts since start (read by tests).
    #[cfg(test)]
    pub(crate) fn story_insert_batches(&self) -> u64 {
        self.insert_queue().batches_committed
    }

    fn insert_queue(&self) -> MutexGuard<'_, InsertQueue> {
        // The lock is never held across an await or a panic point, so it cannot be poisoned in
        // a way that leaves the queue half-changed.
        self.story_inserts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Removes a waiting insert; whether it was still waiting.
    fn withdraw(&self, ticket: u64) -> bool {
        let mut queue = self.insert_queue();
        let before = queue.waiting.len();
        queue.waiting.retain(|p| p.ticket != ticket);
        queue.waiting.len() != before
    }

    fn take_waiting_inserts(&self) -> Vec<PendingInsert> {
        let mut queue = self.insert_queue();
        let take = queue.waiting.len().min(MAX_BATCH);
        queue.waiting.drain(..take).collect()
    }

    async fn write_inserts(self, turn: WriteTurn, batch: Vec<PendingInsert>) {
        let (answers, stories): (Vec<_>, Vec<_>) =
            batch.into_iter().map(|p| (p.answer, p.story)).unzip();
        let stories: Arc<[StoryToWrite]> = stories.into();
        match self.write_batch(turn, stories.clone()).await {
            Ok(added) => {
                for (answer, story) in answers.into_iter().zip(added) {
                    let _ = answer.send(Ok(story));
                }
            }
            Err(error) if answers.len() == 1 => {
                let answer = answers.into_iter().next().expect("one insert");
                let _ = answer.send(Err(error));
            }
            Err(_) => {
                for (answer, story) in answers.into_iter().zip(stories.iter()) {
                    let written = async {
                        let turn = self.write_turn().await?;
                        let alone = Arc::from(std::slice::from_ref(story));
                        let mut added = self.write_batch(turn, alone).await?;
                        Ok(added.remove(0))
                    }
                    .await;
                    let _ = answer.send(written);
                }
            }
        }
    }

    /// Writes every story of `batch` in one transaction (all or none), in one hand-over to a
    /// blocking thread, or for a lone story on the calling worker (`write_direct.rs`).
    async fn write_batch(
        &self,
        turn: WriteTurn,
        batch: Arc<[StoryToWrite]>,
    ) -> sqlx::Result<Vec<AddedStory>> {
        let teams = batch.iter().map(|s| (s.guild_id, s.team_id)).collect();
        let thread = if batch.len() == 1 {
            WriteThread::Calling
        } else {
            WriteThread::Blocking
        };
        let added = self
            .write_directly(thread, turn, teams, move |tx| write_stories(tx, &batch))
            .await?;
        self.insert_queue().batches_committed += 1;
        Ok(added)
    }
}

/// The writer task ended without answering (it panicked); whether the story was written is
/// unknown, so the caller reports a failure rather than a story.
fn lost() -> sqlx::Error {
    sqlx::Error::Protocol("the story insert's writer stopped before it answered".into())
}

#[cfg(test)]
#[path = "story_inserts_tests.rs"]
mod tests;
