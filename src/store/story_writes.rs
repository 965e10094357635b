//! The SQL that adds stories: a batch of new stories written inside one write transaction.
//! The batch reserves each team's numbers in one `UPDATE`, then inserts each story, label and
//! criterion with a prepared statement. Group commit (`story_inserts.rs`) decides what goes in
//! a batch and runs it whole on the direct write connection (`write_direct.rs`), so a statement
//! costs only SQLite's work, not a hand-over to another thread.

use std::collections::HashMap;

use rusqlite::Transaction;

use super::db_id;
use super::stories::{NewStory, Story};
use crate::domain::rank::Rank;
use crate::domain::story::Status;

/// A story just written, with its place at the bottom of its team's backlog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedStory {
    pub story: Story,
    /// Place in the open backlog (1 = top); a new story is open and ranked last.
    pub position: i64,
}

/// One story of a batch, as its caller asked for it.
#[derive(Debug, Clone)]
pub(super) struct StoryToWrite {
    pub guild_id: u64,
    pub team_id: i64,
    pub new: NewStory,
    pub now: i64,
}

/// Where a team's backlog ends when the batch starts; advanced as its stories are placed.
struct Bottom {
    next_number: i64,
    last_rank: Option<Rank>,
    open_stories: i64,
}

/// A new story: status `new`, both times `now`. The first status entry and the backlog totals
/// come from triggers (migrations 0009 and 0010).
const INSERT_SQL: &str = "INSERT INTO stories (guild_id, team_id, number, title, details, kind,
       status, points, assignee_id, rank, source_url, created_by, created_at, updated_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'new', ?7, ?8, ?9, ?10, ?11, ?12, ?12)
     RETURNING id";

/// Writes every story of `batch` at the bottom of its team's backlog, in batch order, inside
/// the caller's write transaction. Answers in batch order. Fails as a whole (for example when a
/// team is gone); the caller rolls back.
pub(super) fn write_stories(
    tx: &Transaction<'_>,
    batch: &[StoryToWrite],
) -> rusqlite::Result<Vec<AddedStory>> {
    let mut bottoms = reserve_numbers(tx, batch)?;
    let mut insert = tx.prepare_cached(INSERT_SQL)?;
    let mut added = Vec::with_capacity(batch.len());
    for s in batch {
        let bottom = bottoms
            .get_mut(&(s.guild_id, s.team_id))
            .expect("every team of the batch has a bottom");
        let rank = bottom
            .last_rank
            .as_ref()
            .map_or_else(Rank::first, Rank::after);
        let number = bottom.next_number;
        let points = s.new.points.map(|p| i64::from(p.get()));
        let id: i64 = insert.query_row(
            rusqlite::params![
                db_id(s.guild_id),
                s.team_id,
                number,
                s.new.title.as_str(),
                s.new.details.as_str(),
                s.new.kind.as_str(),
                points,
                s.new.assignee_id.map(db_id),
                rank.as_bytes(),
                s.new.source_url.as_deref(),
                db_id(s.new.created_by),
                s.now,
            ],
            |row| row.get(0),
        )?;
        bottom.open_stories += 1;
        bottom.next_number += 1;
        bottom.last_rank = Some(rank.clone());
        let story = Story {
            id,
            guild_id: s.guild_id,
            team_id: s.team_id,
            number,
            title: s.new.title.as_str().to_owned(),
            details: s.new.details.as_str().to_owned(),
            kind: s.new.kind,
            status: Status::New,
            points,
            assignee_id: s.new.assignee_id,
            rank,
            source_url: s.new.source_url.clone(),
            created_by: s.new.created_by,
            created_at: s.now,
            updated_at: s.now,
        };
        write_labels_and_criteria(tx, &s.new, id)?;
        added.push(AddedStory {
            story,
            position: bottom.open_stories,
        });
    }
    Ok(added)
}

/// Takes the next story numbers of every team in the batch (one `UPDATE` per team) and reads
/// where each team's backlog ends. A team missing from its guild fails the batch.
fn reserve_numbers(
    tx: &Transaction<'_>,
    batch: &[StoryToWrite],
) -> rusqlite::Result<HashMap<(u64, i64), Bottom>> {
    let mut counts: Vec<((u64, i64), i64)> = Vec::new();
    for s in batch {
        let team = (s.guild_id, s.team_id);
        match counts.iter_mut().find(|(t, _)| *t == team) {
            Some((_, count)) => *count += 1,
            None => counts.push((team, 1)),
        }
    }
    // The bottom rank counts closed stories too, so a new story also sorts after them.
    let mut reserve = tx.prepare_cached(
        "UPDATE teams SET next_story_number = next_story_number + ?3
         WHERE id = ?1 AND guild_id = ?2
         RETURNING next_story_number - ?3,
           (SELECT max(rank) FROM stories WHERE team_id = teams.id),
           (SELECT open_stories FROM backlog_totals WHERE team_id = teams.id)",
    )?;
    let mut bottoms = HashMap::with_capacity(counts.len());
    for ((guild_id, team_id), count) in counts {
        let (next_number, last_rank, open): (i64, Option<Vec<u8>>, Option<i64>) = reserve
            .query_row((team_id, db_id(guild_id), count), |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })?;
        bottoms.insert(
            (guild_id, team_id),
            Bottom {
                next_number,
                last_rank: last_rank.map(Rank::from_bytes),
                open_stories: open.unwrap_or(0),
            },
        );
    }
    Ok(bottoms)
}

/// The labels and acceptance criteria of a new story, in the order given so they read back in
/// that order.
fn write_labels_and_criteria(
    tx: &Transaction<'_>,
    new: &NewStory,
    id: i64,
) -> rusqlite::Result<()> {
    if !new.labels.as_slice().is_empty() {
        let mut label =
            tx.prepare_cached("INSERT INTO story_labels (story_id, label) VALUES (?1, ?2)")?;
        for text in new.labels.as_slice() {
            label.execute((id, text.as_str()))?;
        }
    }
    let mut criteria = new.criteria.numbered().peekable();
    if criteria.peek().is_some() {
        let mut criterion = tx.prepare_cached(
            "INSERT INTO story_criteria (story_id, position, text) VALUES (?1, ?2, ?3)",
        )?;
        for (position, text) in criteria {
            criterion.execute((id, position, text))?;
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "story_writes_tests.rs"]
mod tests;
