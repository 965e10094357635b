//! The SQL that adds stories: a batch of new stories written inside one write transaction with
//! the same few statements whatever its size: the batch reserves each team's numbers in one
//! `UPDATE`, inserts every story in one `INSERT ... SELECT FROM json_each(?)`, and its labels
//! and criteria in one statement each. Group commit (`story_inserts.rs`) decides what goes in
//! a batch and runs it on the direct write connection (`write_direct.rs`).

use std::collections::HashMap;

use rusqlite::Transaction;
use serde::Serialize;

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
pub(super) struct StoryToWrite<'a> {
    pub guild_id: u64,
    pub team_id: i64,
    pub new: &'a NewStory,
    pub now: i64,
}

/// Where a team's backlog ends when the batch starts; advanced as its stories are placed.
struct Bottom {
    next_number: i64,
    last_rank: Option<Rank>,
    open_stories: i64,
}

/// A story's row in the JSON array that the `INSERT` reads (`json_each`).
#[derive(Serialize)]
struct StoryRow<'a> {
    guild_id: i64,
    team_id: i64,
    number: i64,
    title: &'a str,
    details: &'a str,
    kind: &'a str,
    points: Option<i64>,
    assignee_id: Option<i64>,
    /// Hex, since JSON has no bytes; `unhex` turns it back into the BLOB the order index sorts.
    rank: String,
    source_url: Option<&'a str>,
    created_by: i64,
    now: i64,
}

/// The columns every new story gets from its row; status `new` and both times `now`; answers
/// each story's id by team and number. The first
/// status entry and the backlog totals come from triggers (migrations 0009 and 0010).
const INSERT_SQL: &str = "INSERT INTO stories (guild_id, team_id, number, title, details, kind,
       status, points, assignee_id, rank, source_url, created_by, created_at, updated_at)
     SELECT value ->> 'guild_id', value ->> 'team_id', value ->> 'number', value ->> 'title',
       value ->> 'details', value ->> 'kind', 'new', value ->> 'points', value ->> 'assignee_id',
       unhex(value ->> 'rank'), value ->> 'source_url', value ->> 'created_by', value ->> 'now',
       value ->> 'now'
     FROM json_each(?1) ORDER BY key
     RETURNING id, team_id, number";

/// Writes every story of `batch` at the bottom of its team's backlog, in batch order, inside
/// the caller's write transaction. Answers in batch order. Fails as a whole (for example when a
/// team is gone); the caller rolls back.
pub(super) fn write_stories(
    tx: &Transaction<'_>,
    batch: &[StoryToWrite<'_>],
) -> rusqlite::Result<Vec<AddedStory>> {
    let mut bottoms = reserve_numbers(tx, batch)?;
    let mut rows = Vec::with_capacity(batch.len());
    let mut positions = Vec::with_capacity(batch.len());
    let mut ranks = Vec::with_capacity(batch.len());
    for s in batch {
        let bottom = bottoms
            .get_mut(&(s.guild_id, s.team_id))
            .expect("every team of the batch has a bottom");
        let rank = bottom
            .last_rank
            .as_ref()
            .map_or_else(Rank::first, Rank::after);
        bottom.open_stories += 1;
        positions.push(bottom.open_stories);
        rows.push(StoryRow {
            guild_id: db_id(s.guild_id),
            team_id: s.team_id,
            number: bottom.next_number,
            title: s.new.title.as_str(),
            details: s.new.details.as_str(),
            kind: s.new.kind.as_str(),
            points: s.new.points.map(|p| i64::from(p.get())),
            assignee_id: s.new.assignee_id.map(db_id),
            rank: hex::encode(rank.as_bytes()),
            source_url: s.new.source_url.as_deref(),
            created_by: db_id(s.new.created_by),
            now: s.now,
        });
        bottom.next_number += 1;
        bottom.last_rank = Some(rank.clone());
        ranks.push(rank);
    }
    // RETURNING's order is not promised; (team, number) is unique.
    let ids: HashMap<(i64, i64), i64> = tx
        .prepare_cached(INSERT_SQL)?
        .query_map([json_param(&rows)?], |row| {
            Ok(((row.get(1)?, row.get(2)?), row.get(0)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let added: Vec<AddedStory> = batch
        .iter()
        .zip(rows.iter().zip(ranks).zip(positions))
        .map(|(s, ((row, rank), position))| {
            ids.get(&(row.team_id, row.number)).map(|&id| AddedStory {
                story: written_story(id, s, row.number, rank),
                position,
            })
        })
        .collect::<Option<_>>()
        .ok_or(rusqlite::Error::QueryReturnedNoRows)?;
    write_labels_and_criteria(tx, batch, &added)?;
    Ok(added)
}

/// A story as [`INSERT_SQL`] wrote it.
fn written_story(id: i64, s: &StoryToWrite<'_>, number: i64, rank: Rank) -> Story {
    Story {
        id,
        guild_id: s.guild_id,
        team_id: s.team_id,
        number,
        title: s.new.title.as_str().to_owned(),
        details: s.new.details.as_str().to_owned(),
        kind: s.new.kind,
        status: Status::New,
        points: s.new.points.map(|p| i64::from(p.get())),
        assignee_id: s.new.assignee_id,
        rank,
        source_url: s.new.source_url.clone(),
        created_by: s.new.created_by,
        created_at: s.now,
        updated_at: s.now,
    }
}

/// Takes the next story numbers of every team in the batch (one `UPDATE` per team) and reads
/// where each team's backlog ends. A team missing from its guild fails the batch.
fn reserve_numbers(
    tx: &Transaction<'_>,
    batch: &[StoryToWrite<'_>],
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

/// The labels and acceptance criteria of the new stories, one statement for each kind (none
/// when no story has any), in the order given so they read back in that order.
fn write_labels_and_criteria(
    tx: &Transaction<'_>,
    batch: &[StoryToWrite<'_>],
    added: &[AddedStory],
) -> rusqlite::Result<()> {
    let mut labels: Vec<(i64, &str)> = Vec::new();
    let mut criteria: Vec<(i64, i64, &str)> = Vec::new();
    for (s, a) in batch.iter().zip(added) {
        labels.extend(
            s.new
                .labels
                .as_slice()
                .iter()
                .map(|l| (a.story.id, l.as_str())),
        );
        criteria.extend(
            s.new
                .criteria
                .numbered()
                .map(|(position, text)| (a.story.id, position, text)),
        );
    }
    if !labels.is_empty() {
        tx.prepare_cached(
            "INSERT INTO story_labels (story_id, label)
             SELECT value ->> 0, value ->> 1 FROM json_each(?1) ORDER BY key",
        )?
        .execute([json_param(&labels)?])?;
    }
    if !criteria.is_empty() {
        tx.prepare_cached(
            "INSERT INTO story_criteria (story_id, position, text)
             SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?1) ORDER BY key",
        )?
        .execute([json_param(&criteria)?])?;
    }
    Ok(())
}

/// Rows as the JSON array a `json_each(?)` statement reads.
fn json_param(rows: &impl Serialize) -> rusqlite::Result<String> {
    serde_json::to_string(rows).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

#[cfg(test)]
#[path = "story_writes_tests.rs"]
mod tests;
