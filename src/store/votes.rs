//! Priority votes: the vote and its candidates, submitted ballots (one per voter, a new one
//! replaces the old atomically) and ballots in progress. The transaction pieces (`ballots.rs`)
//! take a connection, like [`super::outbox::enqueue`], so a handler can write a ballot, refresh
//! the card through the outbox and commit once.

use sqlx::{Row as _, SqliteConnection};

use super::{db_id, wire_id, Store};
use crate::domain::story::StoryNumber;
use crate::domain::vote::Method;

mod ballots;

pub use ballots::{
    ballot_marks, end_vote, in_backlog_order, lock_open_vote, open_ranks, replace_ballot,
    voters_of, write_ranks,
};
use ballots::{insert_marks, MarksTable};

/// Where a vote stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteStatus {
    Open,
    Closed,
    Cancelled,
}

impl VoteStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            VoteStatus::Open => "open",
            VoteStatus::Closed => "closed",
            VoteStatus::Cancelled => "cancelled",
        }
    }

    fn parse(raw: &str) -> Self {
        match raw {
            "closed" => VoteStatus::Closed,
            "cancelled" => VoteStatus::Cancelled,
            _ => VoteStatus::Open,
        }
    }
}

/// A vote as stored, with its candidates in backlog order at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    pub id: i64,
    pub guild_id: u64,
    pub team_id: i64,
    pub method: Method,
    pub dots_per_voter: u32,
    pub status: VoteStatus,
    pub opened_by: u64,
    pub opened_at: i64,
    pub closes_at: i64,
    pub closed_at: Option<i64>,
    pub closed_by: Option<u64>,
    pub channel_id: u64,
    /// The public ballot card (channel, message), once known.
    pub card: Option<(u64, u64)>,
    pub results_posted: bool,
    pub applied_at: Option<i64>,
    pub candidates: Vec<StoryNumber>,
}

/// What `/vote start` writes.
#[derive(Debug, Clone)]
pub struct NewVote {
    pub guild_id: u64,
    pub team_id: i64,
    pub method: Method,
    pub dots_per_voter: u32,
    pub opened_by: u64,
    pub opened_at: i64,
    pub closes_at: i64,
    pub channel_id: u64,
    pub candidates: Vec<StoryNumber>,
}

/// One mark on a ballot: dots, score, MoSCoW call index or value in `first`; effort in
/// `second` (value/effort only). A draft may hold half a mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub story: StoryNumber,
    pub first: Option<i64>,
    pub second: Option<i64>,
}

const VOTE_COLUMNS: &str = "id, guild_id, team_id, method, dots_per_voter, status, opened_by, \
     opened_at, closes_at, closed_at, closed_by, channel_id, card_channel_id, card_message_id, \
     results_posted, applied_at";

fn vote_from_row(row: &sqlx::sqlite::SqliteRow, candidates: Vec<StoryNumber>) -> Vote {
    let card_channel: Option<i64> = row.get("card_channel_id");
    let card_message: Option<i64> = row.get("card_message_id");
    Vote {
        id: row.get("id"),
        guild_id: wire_id(row.get("guild_id")),
        team_id: row.get("team_id"),
        // Stored values were validated on the way in.
        method: Method::parse(row.get("method")).unwrap_or(Method::Score),
        dots_per_voter: row.get::<i64, _>("dots_per_voter").max(0) as u32,
        status: VoteStatus::parse(row.get("status")),
        opened_by: wire_id(row.get("opened_by")),
        opened_at: row.get("opened_at"),
        closes_at: row.get("closes_at"),
        closed_at: row.get("closed_at"),
        closed_by: row.get::<Option<i64>, _>("closed_by").map(wire_id),
        channel_id: wire_id(row.get("channel_id")),
        card: card_channel
            .zip(card_message)
            .map(|(c, m)| (wire_id(c), wire_id(m))),
        results_posted: row.get::<i64, _>("results_posted") != 0,
        applied_at: row.get("applied_at"),
        candidates,
    }
}

fn mark_from_row(row: &sqlx::sqlite::SqliteRow) -> Mark {
    Mark {
        story: StoryNumber(row.get("story_number")),
        first: row.get("first"),
        second: row.get("second"),
    }
}

async fn load_vote(
    conn: &mut SqliteConnection,
    where_sql: &str,
    binds: (i64, i64),
) -> sqlx::Result<Option<Vote>> {
    let sql =
        format!("SELECT {VOTE_COLUMNS} FROM votes WHERE {where_sql} ORDER BY id DESC LIMIT 1");
    let Some(row) = sqlx::query(&sql)
        .bind(binds.0)
        .bind(binds.1)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let id: i64 = row.get("id");
    let candidates: Vec<i64> = sqlx::query_scalar(
        "SELECT story_number FROM vote_candidates WHERE vote_id = ? ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(vote_from_row(
        &row,
        candidates.into_iter().map(StoryNumber).collect(),
    )))
}

/// The vote with this id in this guild (custom ids carry the id; another guild's is invisible).
pub async fn vote_in(
    conn: &mut SqliteConnection,
    guild_id: u64,
    vote_id: i64,
) -> sqlx::Result<Option<Vote>> {
    load_vote(conn, "guild_id = ? AND id = ?", (db_id(guild_id), vote_id)).await
}

impl Store {
    /// Opens a vote; `None` when the team already has an open one (the partial unique index
    /// settles a race between two `/vote start`s).
    pub async fn insert_vote(&self, new: &NewVote) -> sqlx::Result<Option<Vote>> {
        let mut tx = self.begin_write().await?;
        let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(
            "INSERT INTO votes (guild_id, team_id, method, dots_per_voter, opened_by, opened_at,
             closes_at, channel_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(db_id(new.guild_id))
        .bind(new.team_id)
        .bind(new.method.as_str())
        .bind(i64::from(new.dots_per_voter))
        .bind(db_id(new.opened_by))
        .bind(new.opened_at)
        .bind(new.closes_at)
        .bind(db_id(new.channel_id))
        .fetch_one(&mut *tx)
        .await;
        let id = match inserted {
            Ok(id) => id,
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Ok(None),
            Err(e) => return Err(e),
        };
        for (position, story) in new.candidates.iter().enumerate() {
            sqlx::query(
                "INSERT INTO vote_candidates (vote_id, position, story_number) VALUES (?, ?, ?)",
            )
            .bind(id)
            .bind(position as i64)
            .bind(story.0)
            .execute(&mut *tx)
            .await?;
        }
        let vote = vote_in(&mut tx, new.guild_id, id).await?;
        tx.commit().await?;
        Ok(vote)
    }

    /// The team's open vote, if any.
    pub async fn open_vote(&self, guild_id: u64, team_id: i64) -> sqlx::Result<Option<Vote>> {
        let mut conn = self.pool().acquire().await?;
        load_vote(
            &mut conn,
            "guild_id = ? AND team_id = ? AND status = 'open'",
            (db_id(guild_id), team_id),
        )
        .await
    }

    /// The team's most recent vote, whatever its status.
    pub async fn latest_vote(&self, guild_id: u64, team_id: i64) -> sqlx::Result<Option<Vote>> {
        let mut conn = self.pool().acquire().await?;
        load_vote(
            &mut conn,
            "guild_id = ? AND team_id = ?",
            (db_id(guild_id), team_id),
        )
        .await
    }

    pub async fn vote(&self, guild_id: u64, vote_id: i64) -> sqlx::Result<Option<Vote>> {
        let mut conn = self.pool().acquire().await?;
        vote_in(&mut conn, guild_id, vote_id).await
    }

    /// Remembers the public ballot card, learnt from a button pressed on it; a card already
    /// recorded is kept (so a later press elsewhere cannot move it, even in a race).
    pub async fn record_vote_card(
        &self,
        guild_id: u64,
        vote_id: i64,
        channel_id: u64,
        message_id: u64,
    ) -> sqlx::Result<()> {
        let statement = sqlx::query(
            "UPDATE votes SET card_channel_id = ?, card_message_id = ?
             WHERE guild_id = ? AND id = ? AND card_message_id IS NULL",
        )
        .bind(db_id(channel_id))
        .bind(db_id(message_id))
        .bind(db_id(guild_id))
        .bind(vote_id);
        self.write_alone(statement).await?;
        Ok(())
    }

    pub async fn vote_voters(&self, vote_id: i64) -> sqlx::Result<Vec<u64>> {
        let mut conn = self.pool().acquire().await?;
        voters_of(&mut conn, vote_id).await
    }

    /// A voter's draft marks; an absent draft starts from their submitted ballot, if any.
    pub async fn draft_marks(&self, vote_id: i64, voter_id: u64) -> sqlx::Result<Vec<Mark>> {
        let voter = db_id(voter_id);
        let has_draft: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM vote_drafts WHERE vote_id = ? AND voter_id = ?)",
        )
        .bind(vote_id)
        .bind(voter)
        .fetch_one(self.reads())
        .await?;
        let table = if has_draft {
            "vote_draft_marks"
        } else {
            "vote_ballot_marks"
        };
        let rows = sqlx::query(&format!(
            "SELECT story_number, first, second FROM {table} WHERE vote_id = ? AND voter_id = ?"
        ))
        .bind(vote_id)
        .bind(voter)
        .fetch_all(self.reads())
        .await?;
        Ok(rows.iter().map(mark_from_row).collect())
    }

    /// Saves a voter's whole draft (creating it from their ballot on first change).
    pub async fn save_draft(
        &self,
        vote_id: i64,
        voter_id: u64,
        marks: &[Mark],
        now: i64,
    ) -> sqlx::Result<()> {
        let voter = db_id(voter_id);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO vote_drafts (vote_id, voter_id, updated_at) VALUES (?, ?, ?)
             ON CONFLICT (vote_id, voter_id) DO UPDATE SET updated_at = excluded.updated_at",
        )
        .bind(vote_id)
        .bind(voter)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM vote_draft_marks WHERE vote_id = ? AND voter_id = ?")
            .bind(vote_id)
            .bind(voter)
            .execute(&mut *tx)
            .await?;
        insert_marks(&mut tx, MarksTable::Draft, vote_id, voter, marks).await?;
        tx.commit().await
    }

    /// Open votes whose closing time has passed, in any guild (the scheduler closes them).
    pub async fn overdue_votes(&self, now: i64) -> sqlx::Result<Vec<(u64, i64)>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT guild_id, id FROM votes WHERE status = 'open' AND closes_at <= ? ORDER BY closes_at, id",
        )
        .bind(now)
        .fetch_all(self.reads())
        .await?;
        Ok(rows.into_iter().map(|(g, id)| (wire_id(g), id)).collect())
    }

    /// The top `limit` open stories of the team, in backlog order: the default candidates.
    pub async fn top_open_stories(
        &self,
        guild_id: u64,
        team_id: i64,
        limit: i64,
    ) -> sqlx::Result<Vec<StoryNumber>> {
        let numbers: Vec<i64> = sqlx::query_scalar(
            "SELECT number FROM stories WHERE guild_id = ? AND team_id = ?
             AND status NOT IN ('done', 'accepted', 'archived') ORDER BY rank LIMIT ?",
        )
        .bind(db_id(guild_id))
        .bind(team_id)
        .bind(limit)
        .fetch_all(self.reads())
        .await?;
        Ok(numbers.into_iter().map(StoryNumber).collect())
    }

    /// Titles of the given stories of the team (missing ones are left out).
    pub async fn story_titles(
        &self,
        guild_id: u64,
        team_id: i64,
        numbers: &[StoryNumber],
    ) -> sqlx::Result<Vec<(StoryNumber, String)>> {
        let mut out = Vec::with_capacity(numbers.len());
        for number in numbers {
            let title: Option<String> = sqlx::query_scalar(
                "SELECT title FROM stories WHERE guild_id = ? AND team_id = ? AND number = ?",
            )
            .bind(db_id(guild_id))
            .bind(team_id)
            .bind(number.0)
            .fetch_optional(self.reads())
            .await?;
            if let Some(title) = title {
                out.push((*number, title));
            }
        }
        Ok(out)
    }

    /// When the next open vote closes itself, if any.
    pub async fn next_vote_close(&self) -> sqlx::Result<Option<i64>> {
        sqlx::query_scalar("SELECT min(closes_at) FROM votes WHERE status = 'open'")
            .fetch_one(self.reads())
            .await
    }
}
