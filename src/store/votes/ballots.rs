//! The transaction pieces of a priority vote: taking an open vote's row, writing a voter's
//! ballot or draft marks, ending a vote, and reading and rewriting the ranks its result sets.
//! Each takes a connection, so a handler writes its part, refreshes the card through the outbox
//! and commits once.

use sqlx::{Row as _, SqliteConnection};

use super::{mark_from_row, Mark, VoteStatus};
use crate::domain::rank::Rank;
use crate::domain::story::StoryNumber;
use crate::store::{db_id, wire_id, WriteTx};

/// Takes the vote's row for this transaction if it is still open at `now`; false once closed,
/// cancelled or past its closing time (a ballot after that is refused).
pub async fn lock_open_vote(
    conn: &mut SqliteConnection,
    guild_id: u64,
    vote_id: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE votes SET status = status
         WHERE guild_id = ? AND id = ? AND status = 'open' AND closes_at > ?",
    )
    .bind(db_id(guild_id))
    .bind(vote_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Which marks table a ballot's marks go to: the submitted ballot or the voter's draft.
#[derive(Clone, Copy)]
pub(super) enum MarksTable {
    Ballot,
    Draft,
}

/// Writes a voter's marks into the submitted-ballot or draft table (same columns in both).
pub(super) async fn insert_marks(
    conn: &mut sqlx::SqliteConnection,
    table: MarksTable,
    vote_id: i64,
    voter: i64,
    marks: &[Mark],
) -> sqlx::Result<()> {
    let sql = match table {
        MarksTable::Ballot => {
            "INSERT INTO vote_ballot_marks (vote_id, voter_id, story_number, first, second)
             VALUES (?, ?, ?, ?, ?)"
        }
        MarksTable::Draft => {
            "INSERT INTO vote_draft_marks (vote_id, voter_id, story_number, first, second)
             VALUES (?, ?, ?, ?, ?)"
        }
    };
    for mark in marks {
        sqlx::query(sql)
            .bind(vote_id)
            .bind(voter)
            .bind(mark.story.0)
            .bind(mark.first)
            .bind(mark.second)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Records `voter`'s ballot, replacing any earlier one, and drops their draft. True when it
/// replaced an earlier ballot.
pub async fn replace_ballot(
    conn: &mut SqliteConnection,
    vote_id: i64,
    voter_id: u64,
    marks: &[Mark],
    now: i64,
) -> sqlx::Result<bool> {
    let voter = db_id(voter_id);
    let replaced: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM vote_ballots WHERE vote_id = ? AND voter_id = ?)",
    )
    .bind(vote_id)
    .bind(voter)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM vote_ballot_marks WHERE vote_id = ? AND voter_id = ?")
        .bind(vote_id)
        .bind(voter)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO vote_ballots (vote_id, voter_id, submitted_at) VALUES (?, ?, ?)
         ON CONFLICT (vote_id, voter_id) DO UPDATE SET submitted_at = excluded.submitted_at",
    )
    .bind(vote_id)
    .bind(voter)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    insert_marks(&mut *conn, MarksTable::Ballot, vote_id, voter, marks).await?;
    sqlx::query("DELETE FROM vote_draft_marks WHERE vote_id = ? AND voter_id = ?")
        .bind(vote_id)
        .bind(voter)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM vote_drafts WHERE vote_id = ? AND voter_id = ?")
        .bind(vote_id)
        .bind(voter)
        .execute(&mut *conn)
        .await?;
    Ok(replaced)
}

/// Who has voted, first voter first.
pub async fn voters_of(conn: &mut SqliteConnection, vote_id: i64) -> sqlx::Result<Vec<u64>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT voter_id FROM vote_ballots WHERE vote_id = ? ORDER BY submitted_at, voter_id",
    )
    .bind(vote_id)
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(wire_id).collect())
}

/// Ends an open vote as `closed` or `cancelled`; false when it had already ended (so only one
/// caller, the command or the scheduler, ever closes it).
pub async fn end_vote(
    conn: &mut SqliteConnection,
    guild_id: u64,
    vote_id: i64,
    status: VoteStatus,
    by: Option<u64>,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE votes SET status = ?, closed_at = ?, closed_by = ?,
         results_posted = CASE WHEN ? = 'closed' THEN 1 ELSE results_posted END
         WHERE guild_id = ? AND id = ? AND status = 'open'",
    )
    .bind(status.as_str())
    .bind(now)
    .bind(by.map(db_id))
    .bind(status.as_str())
    .bind(db_id(guild_id))
    .bind(vote_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Every submitted mark of a vote, as (voter, mark).
pub async fn ballot_marks<'e>(
    conn: impl sqlx::Executor<'e, Database = sqlx::Sqlite>,
    vote_id: i64,
) -> sqlx::Result<Vec<(u64, Mark)>> {
    let rows = sqlx::query(
        "SELECT voter_id, story_number, first, second FROM vote_ballot_marks
         WHERE vote_id = ? ORDER BY voter_id, story_number",
    )
    .bind(vote_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .iter()
        .map(|row| (wire_id(row.get("voter_id")), mark_from_row(row)))
        .collect())
}

/// `numbers` in the team's backlog order now (by rank, whatever their status): the order that
/// breaks ties, since the PO may have re-ranked while the vote ran. A number with no story
/// (never expected: stories are not deleted) keeps its place at the end.
pub async fn in_backlog_order(
    conn: &mut SqliteConnection,
    guild_id: u64,
    team_id: i64,
    numbers: &[StoryNumber],
) -> sqlx::Result<Vec<StoryNumber>> {
    let mut ranked: Vec<(Vec<u8>, StoryNumber)> = Vec::with_capacity(numbers.len());
    let mut missing = Vec::new();
    for number in numbers {
        let rank: Option<Vec<u8>> = sqlx::query_scalar(
            "SELECT rank FROM stories WHERE guild_id = ? AND team_id = ? AND number = ?",
        )
        .bind(db_id(guild_id))
        .bind(team_id)
        .bind(number.0)
        .fetch_optional(&mut *conn)
        .await?;
        match rank {
            Some(rank) => ranked.push((rank, *number)),
            None => missing.push(*number),
        }
    }
    // Rank keys compare as bytes, as SQLite orders them.
    ranked.sort();
    Ok(ranked.into_iter().map(|(_, n)| n).chain(missing).collect())
}

/// The rank keys of the open stories among `numbers` (stories done or archived since the vote
/// started keep their place and are left out).
pub async fn open_ranks(
    conn: &mut SqliteConnection,
    guild_id: u64,
    team_id: i64,
    numbers: &[StoryNumber],
) -> sqlx::Result<Vec<(StoryNumber, Rank)>> {
    let mut out = Vec::with_capacity(numbers.len());
    for number in numbers {
        let rank: Option<Vec<u8>> = sqlx::query_scalar(
            "SELECT rank FROM stories WHERE guild_id = ? AND team_id = ? AND number = ?
             AND status NOT IN ('done', 'accepted', 'archived')",
        )
        .bind(db_id(guild_id))
        .bind(team_id)
        .bind(number.0)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(rank) = rank {
            out.push((*number, Rank::from_bytes(rank)));
        }
    }
    Ok(out)
}

/// Writes new rank keys (only the rows that change) and notes when the result was applied.
pub async fn write_ranks(
    tx: &mut WriteTx,
    guild_id: u64,
    team_id: i64,
    vote_id: i64,
    changes: &[(StoryNumber, Rank)],
    now: i64,
) -> sqlx::Result<()> {
    tx.changes_stories_of(guild_id, team_id);
    let conn: &mut SqliteConnection = tx;
    for (number, rank) in changes {
        sqlx::query(
            "UPDATE stories SET rank = ?, updated_at = ? WHERE guild_id = ? AND team_id = ? AND number = ?",
        )
        .bind(rank.as_bytes())
        .bind(now)
        .bind(db_id(guild_id))
        .bind(team_id)
        .bind(number.0)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("UPDATE votes SET applied_at = ? WHERE guild_id = ? AND id = ?")
        .bind(now)
        .bind(db_id(guild_id))
        .bind(vote_id)
        .execute(conn)
        .await?;
    Ok(())
}
