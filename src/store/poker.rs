//! Planning poker rounds and their votes. Every write is conditional on the round's status
//! (and round number), so two presses racing each other cannot vote into a revealed round or
//! accept twice.

use rusqlite::OptionalExtension as _;

use super::columns::Columns;
use super::stories::{story_from_row, STORY_COLUMNS};
use super::{db_id, wire_id, Store};
use crate::domain::poker::Scale;
use crate::domain::story::Points;
use crate::store::stories::Story;

/// Where a round is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundStatus {
    /// Cards are being played; values are hidden.
    Open,
    /// Every vote is shown; waiting for Accept or Re-vote.
    Revealed,
    /// Finished: the story got its points.
    Accepted,
    /// Finished: a newer /estimate of the story on another scale took over.
    Replaced,
}

impl RoundStatus {
    fn as_str(self) -> &'static str {
        match self {
            RoundStatus::Open => "open",
            RoundStatus::Revealed => "revealed",
            RoundStatus::Accepted => "accepted",
            RoundStatus::Replaced => "replaced",
        }
    }

    fn from_stored(raw: &str) -> Self {
        match raw {
            "revealed" => RoundStatus::Revealed,
            "accepted" => RoundStatus::Accepted,
            "replaced" => RoundStatus::Replaced,
            _ => RoundStatus::Open,
        }
    }

    pub fn is_finished(self) -> bool {
        matches!(self, RoundStatus::Accepted | RoundStatus::Replaced)
    }
}

/// A planning poker round as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PokerRound {
    pub id: i64,
    pub guild_id: u64,
    pub team_id: i64,
    pub story_id: i64,
    pub scale: Scale,
    pub status: RoundStatus,
    /// 1 for the first vote, +1 for every Re-vote.
    pub round_number: i64,
    pub started_by: u64,
    pub started_at: i64,
    pub accepted_card: Option<String>,
    pub accepted_by: Option<u64>,
}

/// One voter's press in the current round number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PokerVote {
    pub voter_id: u64,
    /// The card's label; `None` when the voter sits out.
    pub card: Option<String>,
}

const ROUND_COLUMNS: &str = "id, guild_id, team_id, story_id, scale, status, round_number, \
     started_by, started_at, accepted_card, accepted_by";

fn round_from_row(row: &impl Columns) -> PokerRound {
    PokerRound {
        id: row.int("id"),
        guild_id: wire_id(row.int("guild_id")),
        team_id: row.int("team_id"),
        story_id: row.int("story_id"),
        // Stored values were validated on the way in.
        scale: Scale::parse(&row.text("scale")).unwrap_or_default(),
        status: RoundStatus::from_stored(&row.text("status")),
        round_number: row.int("round_number"),
        started_by: wire_id(row.int("started_by")),
        started_at: row.int("started_at"),
        accepted_card: row.maybe_text("accepted_card"),
        accepted_by: row.maybe_int("accepted_by").map(wire_id),
    }
}

impl Store {
    /// The story's round that is still open or revealed, if any.
    pub async fn unfinished_poker_round(&self, story: &Story) -> sqlx::Result<Option<PokerRound>> {
        let sql = format!(
            "SELECT {ROUND_COLUMNS} FROM poker_rounds
             WHERE guild_id = ? AND team_id = ? AND story_id = ? AND status IN ('open', 'revealed')
             ORDER BY id DESC LIMIT 1"
        );
        let row = sqlx::query(&sql)
            .bind(db_id(story.guild_id))
            .bind(story.team_id)
            .bind(story.id)
            .fetch_optional(self.reads())
            .await?;
        Ok(row.as_ref().map(round_from_row))
    }

    /// Starts a round for the story; any unfinished round of it is marked replaced, so a story
    /// has at most one live card.
    pub async fn start_poker_round(
        &self,
        story: &Story,
        scale: Scale,
        started_by: u64,
        now: i64,
    ) -> sqlx::Result<PokerRound> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE poker_rounds SET status = 'replaced'
             WHERE guild_id = ? AND team_id = ? AND story_id = ? AND status IN ('open', 'revealed')",
        )
        .bind(db_id(story.guild_id))
        .bind(story.team_id)
        .bind(story.id)
        .execute(&mut *tx)
        .await?;
        let sql = format!(
            "INSERT INTO poker_rounds (guild_id, team_id, story_id, scale, started_by, started_at)
             VALUES (?, ?, ?, ?, ?, ?) RETURNING {ROUND_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(db_id(story.guild_id))
            .bind(story.team_id)
            .bind(story.id)
            .bind(scale.as_str())
            .bind(db_id(started_by))
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(round_from_row(&row))
    }

    /// A round of the guild by id; `None` for another guild's round. A quick read (a lookup by
    /// key), as every press on a round card starts with it.
    pub async fn poker_round(
        &self,
        guild_id: u64,
        round_id: i64,
    ) -> sqlx::Result<Option<PokerRound>> {
        self.quick_read(|connection| {
            connection
                .prepare_cached(&format!(
                    "SELECT {ROUND_COLUMNS} FROM poker_rounds WHERE guild_id = ? AND id = ?"
                ))?
                .query_row((db_id(guild_id), round_id), |row| Ok(round_from_row(row)))
                .optional()
        })
    }

    /// The votes of the round's current round number, in the order they were first cast: at
    /// most one per voter, read by the votes' key on the calling thread.
    pub async fn poker_votes(&self, round: &PokerRound) -> sqlx::Result<Vec<PokerVote>> {
        self.quick_read(|connection| {
            connection
                .prepare_cached(
                    "SELECT v.voter_id, v.card FROM poker_votes v JOIN poker_rounds r ON r.id = v.round_id
                     WHERE r.guild_id = ? AND r.team_id = ? AND v.round_id = ? AND v.round_number = ?
                     ORDER BY v.rowid",
                )?
                .query_map(
                    (
                        db_id(round.guild_id),
                        round.team_id,
                        round.id,
                        round.round_number,
                    ),
                    |row| {
                        Ok(PokerVote {
                            voter_id: wire_id(row.get(0)?),
                            card: row.get(1)?,
                        })
                    },
                )?
                .collect()
        })
    }

    /// Records (or replaces) a voter's card, or their sitting out (`card: None`). False when the
    /// round was revealed, re-voted or finished since it was read.
    pub async fn cast_poker_vote(
        &self,
        round: &PokerRound,
        voter_id: u64,
        card: Option<&str>,
        now: i64,
    ) -> sqlx::Result<bool> {
        let statement = sqlx::query(
            "INSERT INTO poker_votes (round_id, round_number, voter_id, card, voted_at)
             SELECT id, round_number, ?, ?, ? FROM poker_rounds
             WHERE id = ? AND guild_id = ? AND team_id = ? AND round_number = ? AND status = 'open'
             ON CONFLICT (round_id, round_number, voter_id)
             DO UPDATE SET card = excluded.card, voted_at = excluded.voted_at",
        )
        .bind(db_id(voter_id))
        .bind(card)
        .bind(now)
        .bind(round.id)
        .bind(db_id(round.guild_id))
        .bind(round.team_id)
        .bind(round.round_number);
        let done = self.write_alone(statement).await?;
        Ok(done.rows_affected() == 1)
    }

    /// Turns the cards over. False when the round was no longer open at that round number.
    pub async fn reveal_poker_round(&self, round: &PokerRound) -> sqlx::Result<bool> {
        self.move_round(round, RoundStatus::Open, RoundStatus::Revealed, 0)
            .await
    }

    /// Starts the next round number with no votes. False when the round changed meanwhile.
    pub async fn revote_poker_round(&self, round: &PokerRound) -> sqlx::Result<bool> {
        self.move_round(round, round.status, RoundStatus::Open, 1)
            .await
    }

    async fn move_round(
        &self,
        round: &PokerRound,
        from: RoundStatus,
        to: RoundStatus,
        round_step: i64,
    ) -> sqlx::Result<bool> {
        let statement = sqlx::query(
            "UPDATE poker_rounds SET status = ?, round_number = round_number + ?
             WHERE id = ? AND guild_id = ? AND team_id = ? AND status = ? AND round_number = ?",
        )
        .bind(to.as_str())
        .bind(round_step)
        .bind(round.id)
        .bind(db_id(round.guild_id))
        .bind(round.team_id)
        .bind(from.as_str())
        .bind(round.round_number);
        let done = self.write_alone(statement).await?;
        Ok(done.rows_affected() == 1)
    }

    /// Finishes a revealed round with `card` and sets the story's points, in one transaction.
    /// False (and nothing written) when the round was no longer revealed at that round number,
    /// or its story has been archived.
    pub async fn accept_poker_estimate(
        &self,
        round: &PokerRound,
        card: &str,
        points: Points,
        accepted_by: u64,
        now: i64,
    ) -> sqlx::Result<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE poker_rounds SET status = 'accepted', accepted_card = ?, accepted_by = ?, accepted_at = ?
             WHERE id = ? AND guild_id = ? AND team_id = ? AND status = 'revealed' AND round_number = ?",
        )
        .bind(card)
        .bind(db_id(accepted_by))
        .bind(now)
        .bind(round.id)
        .bind(db_id(round.guild_id))
        .bind(round.team_id)
        .bind(round.round_number)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        tx.changes_stories_of(round.guild_id, round.team_id);
        // An archive between the press's read and this write leaves both untouched (the
        // dropped transaction rolls the round back too).
        let set = sqlx::query(
            "UPDATE stories SET points = ?, updated_at = ?
             WHERE id = ? AND guild_id = ? AND team_id = ? AND status <> 'archived'",
        )
        .bind(i64::from(points.get()))
        .bind(now)
        .bind(round.story_id)
        .bind(db_id(round.guild_id))
        .bind(round.team_id)
        .execute(&mut *tx)
        .await?;
        if set.rows_affected() != 1 {
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The story a round estimates (a quick read by key).
    pub async fn poker_story(&self, round: &PokerRound) -> sqlx::Result<Option<Story>> {
        self.quick_read(|connection| {
            connection
                .prepare_cached(&format!(
                    "SELECT {STORY_COLUMNS} FROM stories WHERE id = ? AND guild_id = ? AND team_id = ?"
                ))?
                .query_row(
                    (round.story_id, db_id(round.guild_id), round.team_id),
                    |row| Ok(story_from_row(row)),
                )
                .optional()
        })
    }
}

#[cfg(test)]
#[path = "poker_tests.rs"]
mod tests;
