//! Big teams' titles in memory (`title_index.rs`): which teams have them, what they cover, how
//! they are kept current, and the title search that reads them.
//!
//! A team's index covers every story of the team with an id up to `through`, read in the
//! snapshot where the team's `title_edits` count (migration 0017) was `edits`. Each search,
//! in one snapshot: reads the count and the highest story id; starts over when the count moved
//! (a title edited, a story moved or deleted, by any process); otherwise reads the team's stories
//! above `through`, usually none, since new stories always take higher ids; then takes the
//! matching ids from memory and reads those stories' rows, to sort them by status and rank,
//! which change too often to hold here.
//!
//! Invariants:
//! - A team's index is read and changed only under its own lock, held for the whole snapshot;
//!   searches take the lock one after another and a later snapshot never sees less, so the
//!   index never runs ahead of the snapshot that reads it.
//! - At most [`TitleIndexes::CAPACITY_STORIES`] titles are held over all teams (about 90 bytes
//!   each at the benchmark's titles); the team used longest ago goes first, and an index unused for
//!   [`TitleIndexes::IDLE`] goes at the next search. A team bigger than that alone is not held:
//!   the caller asks SQLite's trigram index instead.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension as _};

use super::quick_reads::in_snapshot;
use super::story_search::{match_from_row, StoryMatch, MATCH_COLUMNS, MATCH_ORDER};
use super::team_cache::TeamKey;
use super::title_index::TeamTitleIndex;

#[derive(Debug)]
pub struct TitleIndexes {
    teams: Mutex<HashMap<TeamKey, Held>>,
    /// Titles held over all teams: [`Self::CAPACITY_STORIES`] but in tests.
    capacity: usize,
}

impl Default for TitleIndexes {
    fn default() -> Self {
        Self::with_capacity(Self::CAPACITY_STORIES)
    }
}

#[derive(Debug)]
struct Held {
    index: Arc<Mutex<Option<Covered>>>,
    stories: usize,
    used: Instant,
}

/// An index and what it covers.
#[derive(Debug)]
struct Covered {
    titles: TeamTitleIndex,
    edits: i64,
    through: i64,
}

impl TitleIndexes {
    /// Titles held over all teams.
    pub const CAPACITY_STORIES: usize = 200_000;
    /// How long an index is kept without a search.
    pub const IDLE: Duration = Duration::from_secs(600);

    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            teams: Mutex::default(),
            capacity,
        }
    }

    /// Up to `limit` of the team's stories whose title contains every word (each at least
    /// three characters), open ones first in backlog order, then done and accepted, then
    /// archived. With [`Work::Bounded`] (on the runtime's thread) it gives up rather than
    /// wait for another search of the team, read more than a few new titles or rows, or read
    /// the titles again.
    pub fn search(
        &self,
        connection: &Connection,
        (guild_id, team_id): TeamKey,
        words: &[&str],
        limit: i64,
        work: Work,
    ) -> rusqlite::Result<TitleSearch> {
        let key = (guild_id, team_id);
        let index = self.index_of(key);
        let (found, stories) = {
            let mut covered = match work {
                Work::Any => lock_or_reset(&index),
                Work::Bounded => match index.try_lock() {
                    Ok(covered) => covered,
                    Err(_) => return Ok(TitleSearch::TooLong),
                },
            };
            let search = Search {
                key,
                words,
                limit,
                capacity: self.capacity,
                work,
            };
            let found = in_snapshot(connection, || search.run(connection, &mut covered));
            (found, covered.as_ref().map_or(0, |c| c.titles.len()))
        };
        self.note_size(key, &index, stories);
        found
    }

    /// Whether titles of the team are held now.
    #[cfg(test)]
    pub fn holds(&self, guild_id: u64, team_id: i64) -> bool {
        self.lock()
            .get(&(guild_id, team_id))
            .is_some_and(|held| held.stories > 0)
    }

    /// The team's lock, made if it has none, noted as used now.
    fn index_of(&self, key: TeamKey) -> Arc<Mutex<Option<Covered>>> {
        let mut teams = self.lock();
        let now = Instant::now();
        let held = teams.entry(key).or_insert_with(|| Held {
            index: Arc::default(),
            stories: 0,
            used: now,
        });
        held.used = now;
        Arc::clone(&held.index)
    }

    /// Records how many titles the team's index holds now, and lets go of indexes past their
    /// idle time or beyond the capacity, those used longest ago first.
    fn note_size(&self, key: TeamKey, index: &Arc<Mutex<Option<Covered>>>, stories: usize) {
        let mut teams = self.lock();
        if let Some(held) = teams.get_mut(&key).filter(|h| Arc::ptr_eq(&h.index, index)) {
            held.stories = stories;
        }
        teams.retain(|&other, held| other == key || held.used.elapsed() < Self::IDLE);
        while teams.values().map(|held| held.stories).sum::<usize>() > self.capacity {
            let oldest = teams
                .iter()
                .filter(|(&other, _)| other != key)
                .min_by_key(|(_, held)| held.used)
                .map(|(&other, _)| other);
            match oldest {
                Some(oldest) => teams.remove(&oldest),
                None => break,
            };
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<TeamKey, Held>> {
        // Each change leaves the map whole before anything can panic.
        self.teams.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A team's index, or none if a search panicked while it held it (it may be half changed).
fn lock_or_reset(index: &Mutex<Option<Covered>>) -> MutexGuard<'_, Option<Covered>> {
    index.lock().unwrap_or_else(|poisoned| {
        let mut covered = poisoned.into_inner();
        *covered = None;
        covered
    })
}

/// How much work a search may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
    /// As much as it takes: on a blocking thread.
    Any,
    /// A few statements bounded by an index: on the calling thread (`quick_reads.rs`).
    Bounded,
}

/// What a search of the titles in memory came to.
#[derive(Debug)]
pub enum TitleSearch {
    Found(Vec<StoryMatch>),
    /// The team has more stories than can be held: ask SQLite's trigram index.
    TooBig,
    /// More than [`Work::Bounded`] allows: search again with [`Work::Any`].
    TooLong,
}

/// Titles read or rows fetched that still count as bounded work: about what a backlog page
/// reads.
const BOUNDED_ROWS: usize = 64;

struct Search<'a> {
    key: TeamKey,
    words: &'a [&'a str],
    limit: i64,
    capacity: usize,
    work: Work,
}

impl Search<'_> {
    fn run(
        &self,
        connection: &Connection,
        covered: &mut Option<Covered>,
    ) -> rusqlite::Result<TitleSearch> {
        let (guild_id, team_id) = self.key;
        let guild = super::db_id(guild_id);
        let team: Option<(i64, i64, i64)> = connection
            .prepare_cached(
                "SELECT title_edits, next_story_number - 1,
                        (SELECT coalesce(max(id), 0) FROM stories)
                 FROM teams WHERE id = ? AND guild_id = ?",
            )?
            .query_row((team_id, guild), |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .optional()?;
        let Some((edits, ever_added, newest)) = team else {
            // Not a team of this guild.
            *covered = None;
            return Ok(TitleSearch::Found(Vec::new()));
        };
        let bounded = self.work == Work::Bounded;
        let current = covered.as_ref().filter(|c| c.edits == edits);
        let from = match current {
            Some(c) if bounded && newest - c.through > BOUNDED_ROWS as i64 => {
                return Ok(TitleSearch::TooLong)
            }
            Some(c) => c.through,
            None if ever_added > self.capacity as i64 => {
                *covered = None;
                return Ok(TitleSearch::TooBig);
            }
            None if bounded => return Ok(TitleSearch::TooLong),
            None => {
                *covered = Some(Covered {
                    titles: TeamTitleIndex::default(),
                    edits,
                    through: 0,
                });
                0
            }
        };
        let current = covered.as_mut().expect("kept or made above");
        if newest > from {
            read_titles(connection, current, guild, team_id, from, newest)?;
        }
        if current.titles.len() > self.capacity {
            *covered = None;
            return Ok(TitleSearch::TooBig);
        }
        let ids = current.titles.matching(self.words);
        if bounded && ids.len() > BOUNDED_ROWS {
            return Ok(TitleSearch::TooLong);
        }
        stories_by_id(connection, &ids, guild, team_id, self.limit).map(TitleSearch::Found)
    }
}

/// Adds the team's stories with ids in `(from, through]` to the index.
fn read_titles(
    connection: &Connection,
    covered: &mut Covered,
    guild: i64,
    team_id: i64,
    from: i64,
    through: i64,
) -> rusqlite::Result<()> {
    // From scratch, the team's own index finds its stories; a few new ones since the last
    // search are cheaper to find from the id range, of every team (`+` keeps the team's
    // index out of it).
    let sql = if from == 0 {
        "SELECT id, title FROM stories
         WHERE team_id = ?1 AND guild_id = ?2 AND id > ?3 AND id <= ?4 ORDER BY id"
    } else {
        "SELECT id, title FROM stories
         WHERE id > ?3 AND id <= ?4 AND +team_id = ?1 AND guild_id = ?2 ORDER BY id"
    };
    let mut statement = connection.prepare_cached(sql)?;
    let mut rows = statement.query((team_id, guild, from, through))?;
    while let Some(row) = rows.next()? {
        covered.titles.push(row.get(0)?, row.get_ref(1)?.as_str()?);
    }
    if from == 0 {
        covered.titles.shrink_to_fit();
    }
    covered.through = through;
    Ok(())
}

/// The team's stories among `ids`, open first in backlog order, at most `limit`.
fn stories_by_id(
    connection: &Connection,
    ids: &[i64],
    guild: i64,
    team_id: i64,
    limit: i64,
) -> rusqlite::Result<Vec<StoryMatch>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(ids).expect("a list of numbers is JSON");
    // CROSS JOIN keeps the list first: each id is one lookup by key. Built once: a search is
    // a keystroke's answer.
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT {MATCH_COLUMNS} FROM json_each(?1) j CROSS JOIN stories s ON s.id = j.value
             WHERE s.team_id = ?2 AND s.guild_id = ?3
             ORDER BY {} LIMIT ?4",
            *MATCH_ORDER
        )
    });
    let mut statement = connection.prepare_cached(&SQL)?;
    let rows = statement.query_map((ids, team_id, guild, limit), match_from_row)?;
    rows.collect()
}

#[cfg(test)]
#[path = "title_indexes_tests.rs"]
mod tests;
