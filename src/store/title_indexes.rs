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
//! - A team's index is changed only under its write lock. A search that finds it covering its
//!   snapshot (same `edits`, `through` at least the snapshot's highest id) takes the matching ids
//!   under the shared lock and lets go before it reads their rows, so searches of one team run
//!   side by side. An index read in a later snapshot with the same `edits` may hold stories the
//!   snapshot does not have yet: the fetch by id, in the snapshot, does not find them.
//! - At most [`TitleIndexes::CAPACITY_STORIES`] titles are held over all teams (about 90 bytes
//!   each at the benchmark's titles); the team used longest ago goes first, and an index unused for
//!   [`TitleIndexes::IDLE`] goes at the next search. A team bigger than that alone is not held:
//!   the caller scans its stories instead (`story_search.rs`).

use std::collections::HashMap;
use std::sync::{
    Arc, LazyLock, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard, TryLockError,
};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension as _};

use super::quick_reads::in_snapshot;
use super::story_search::{match_from_row, match_group, StoryMatch, MATCH_COLUMNS};
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

/// A team's index behind its lock: none until a search reads the titles.
type TeamIndex = RwLock<Option<Covered>>;

#[derive(Debug)]
struct Held {
    index: Arc<TeamIndex>,
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

impl Covered {
    /// Whether every title of the snapshot is in here as the snapshot has it.
    fn covers(&self, seen: &Seen) -> bool {
        self.edits == seen.edits && self.through >= seen.newest
    }
}

/// What a search's snapshot says of the team.
struct Seen {
    edits: i64,
    /// How many stories the team was ever given, deleted ones included.
    ever_added: i64,
    /// The highest story id of any team.
    newest: i64,
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
    /// wait for a search that is changing the team's index, read more than a few new titles or
    /// rows, or read the titles again.
    pub fn search(
        &self,
        connection: &Connection,
        key: TeamKey,
        words: &[&str],
        limit: i64,
        work: Work,
    ) -> rusqlite::Result<TitleSearch> {
        let index = self.index_of(key);
        let search = Search {
            key,
            words,
            limit,
            capacity: self.capacity,
            work,
        };
        let (found, stories) = in_snapshot(connection, || search.run(connection, &index))?;
        if let Some(stories) = stories {
            self.note_size(key, &index, stories);
        }
        Ok(found)
    }

    /// Whether titles of the team are held now.
    #[cfg(test)]
    pub fn holds(&self, guild_id: u64, team_id: i64) -> bool {
        self.lock()
            .get(&(guild_id, team_id))
            .is_some_and(|held| held.stories > 0)
    }

    /// The team's lock, made if it has none, noted as used now.
    fn index_of(&self, key: TeamKey) -> Arc<TeamIndex> {
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
    fn note_size(&self, key: TeamKey, index: &Arc<TeamIndex>, stories: usize) {
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

/// A team's index to change, waiting for searches that read it.
fn write_or_reset(index: &TeamIndex) -> RwLockWriteGuard<'_, Option<Covered>> {
    index
        .write()
        .unwrap_or_else(|poisoned| reset(index, poisoned.into_inner()))
}

/// A team's index to change if no other search holds it.
fn try_write(index: &TeamIndex) -> Option<RwLockWriteGuard<'_, Option<Covered>>> {
    match index.try_write() {
        Ok(covered) => Some(covered),
        Err(TryLockError::Poisoned(poisoned)) => Some(reset(index, poisoned.into_inner())),
        Err(TryLockError::WouldBlock) => None,
    }
}

/// Drops an index a search panicked while changing (it may be half changed), so the next
/// search reads the titles again and the lock is whole from then on.
fn reset<'a>(
    index: &TeamIndex,
    mut covered: RwLockWriteGuard<'a, Option<Covered>>,
) -> RwLockWriteGuard<'a, Option<Covered>> {
    *covered = None;
    index.clear_poison();
    covered
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
    /// The team has more stories than can be held: scan its stories instead.
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

/// Matching ids, and how many titles the index holds; or why the search stops here.
type Matched = Result<(Vec<i64>, usize), (TitleSearch, Option<usize>)>;

impl Search<'_> {
    /// The search, in the caller's snapshot; with how many titles the team's index holds now,
    /// when that is known.
    fn run(
        &self,
        connection: &Connection,
        index: &TeamIndex,
    ) -> rusqlite::Result<(TitleSearch, Option<usize>)> {
        let (guild_id, team_id) = self.key;
        let guild = super::db_id(guild_id);
        let seen: Option<Seen> = connection
            .prepare_cached(
                "SELECT title_edits, next_story_number - 1,
                        (SELECT coalesce(max(id), 0) FROM stories)
                 FROM teams WHERE id = ? AND guild_id = ?",
            )?
            .query_row((team_id, guild), |row| {
                Ok(Seen {
                    edits: row.get(0)?,
                    ever_added: row.get(1)?,
                    newest: row.get(2)?,
                })
            })
            .optional()?;
        let Some(seen) = seen else {
            // Not a team of this guild: nothing of it is kept under this key (unless another
            // search holds it, which then notes its size).
            let cleared = try_write(index).map(|mut covered| *covered = None);
            return Ok((TitleSearch::Found(Vec::new()), cleared.map(|()| 0)));
        };
        let matched = match self.held_matching(index, &seen) {
            Some(matched) => Ok(matched),
            None => self.matching_after_update(connection, index, &seen)?,
        };
        let (ids, stories) = match matched {
            Ok(matched) => matched,
            Err(stopped) => return Ok(stopped),
        };
        if self.work == Work::Bounded && ids.len() > BOUNDED_ROWS {
            return Ok((TitleSearch::TooLong, Some(stories)));
        }
        let found = stories_by_id(connection, &ids, guild, team_id, self.limit)?;
        Ok((TitleSearch::Found(found), Some(stories)))
    }

    /// The matching ids from an index that already covers the snapshot, under the shared lock.
    fn held_matching(&self, index: &TeamIndex, seen: &Seen) -> Option<(Vec<i64>, usize)> {
        let covered: RwLockReadGuard<'_, _> = match self.work {
            Work::Any => index.read().ok()?,
            Work::Bounded => index.try_read().ok()?,
        };
        let held = covered.as_ref().filter(|c| c.covers(seen))?;
        Some((held.titles.matching(self.words), held.titles.len()))
    }

    /// Brings the index up to the snapshot, or reads it from scratch, under the write lock,
    /// and takes the matching ids.
    fn matching_after_update(
        &self,
        connection: &Connection,
        index: &TeamIndex,
        seen: &Seen,
    ) -> rusqlite::Result<Matched> {
        let bounded = self.work == Work::Bounded;
        let mut covered = match self.work {
            Work::Any => write_or_reset(index),
            Work::Bounded => match try_write(index) {
                Some(covered) => covered,
                None => return Ok(Err((TitleSearch::TooLong, None))),
            },
        };
        let held = covered.as_ref().map_or(0, |c| c.titles.len());
        // Another search may have brought it up to this snapshot or past it while this one
        // waited: then nothing is read.
        let current = covered.as_ref().filter(|c| c.edits == seen.edits);
        let from = match current {
            Some(c) if bounded && seen.newest - c.through > BOUNDED_ROWS as i64 => {
                return Ok(Err((TitleSearch::TooLong, Some(held))))
            }
            Some(c) => c.through,
            None if seen.ever_added > self.capacity as i64 => {
                *covered = None;
                return Ok(Err((TitleSearch::TooBig, Some(0))));
            }
            None if bounded => return Ok(Err((TitleSearch::TooLong, Some(held)))),
            None => {
                *covered = Some(Covered {
                    titles: TeamTitleIndex::default(),
                    edits: seen.edits,
                    through: 0,
                });
                0
            }
        };
        let (guild_id, team_id) = self.key;
        let current = covered.as_mut().expect("kept or made above");
        if seen.newest > from {
            read_titles(
                connection,
                current,
                super::db_id(guild_id),
                team_id,
                from,
                seen.newest,
            )?;
        }
        if current.titles.len() > self.capacity {
            *covered = None;
            return Ok(Err((TitleSearch::TooBig, Some(0))));
        }
        Ok(Ok((
            current.titles.matching(self.words),
            current.titles.len(),
        )))
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
    // CROSS JOIN keeps the list first: each id is one lookup by key. Sorted here rather than
    // with `ORDER BY ... LIMIT`, for which SQLite opens a temporary b-tree at every run (a
    // quarter to two fifths of this statement's time for a rare word's ten matches, with the
    // `IN` list `MATCH_ORDER` had). Built once: a search is a keystroke's answer.
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT {MATCH_COLUMNS}, s.rank
             FROM json_each(?1) j CROSS JOIN stories s ON s.id = j.value
             WHERE s.team_id = ?2 AND s.guild_id = ?3"
        )
    });
    let mut statement = connection.prepare_cached(&SQL)?;
    let rows = statement.query_map((ids, team_id, guild), |row| {
        Ok((match_from_row(row)?, row.get::<_, Vec<u8>>(4)?))
    })?;
    let mut found = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    // The same order as `story_search::MATCH_ORDER`: ranks are compared byte by byte, as
    // SQLite compares blobs.
    found.sort_unstable_by(|(a, a_rank), (b, b_rank)| {
        (match_group(a.status), a_rank, a.id).cmp(&(match_group(b.status), b_rank, b.id))
    });
    found.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(found.into_iter().map(|(found, _)| found).collect())
}

#[cfg(test)]
#[path = "title_indexes_tests.rs"]
mod tests;
