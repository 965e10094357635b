//! The top of each team's backlog as autocomplete searches it, remembered for a moment.
//!
//! Someone typing in a `story` option sends a search at every keystroke, and each one scanned the
//! backlog's top in SQLite, testing every title with `LIKE` (about 250 µs at 100,000 stories).
//! The top [`OpenTitles::TOP`] open stories of a team, in order and with their titles folded
//! once, are searched in memory in a few microseconds instead. Every write to `stories` runs in
//! a write transaction (`write_tx.rs`) that names the teams it changes; the team is forgotten
//! when that transaction ends, so the next search reads the committed backlog. New stories go
//! to the bottom of the backlog, so they leave a list that is only the top of a longer backlog
//! as it is: a team adding stories while someone types keeps its list.
//!
//! Invariants:
//! - A search never stores a list read before a change to that team it raced with: it notes the
//!   team's generation before reading and stores only if no change ended since, or, for a list
//!   of every open story, no story was added since ([`OpenTitles::put`]).
//! - An entry lives at most [`OpenTitles::TTL`], which bounds how long a change committed by
//!   another process (a `sprintmate console` on the same file) goes unseen.
//! - At most [`OpenTitles::CAPACITY_STORIES`] stories and [`OpenTitles::CAPACITY_TEAMS`] teams
//!   are held; a full cache starts over empty.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::story_search::StoryMatch;
use super::title_index::fold;

/// A team by guild and id.
type TeamKey = (u64, i64);

/// Change counters: one for "everything" and one per slot of teams (a team's id modulo the
/// slot count), so a change to one team does not turn away lists of most others being read.
const SLOTS: usize = 32;

/// A snapshot of a team's change counters, taken before its list is read from the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Generation {
    all: u64,
    slot: u64,
    slot_additions: u64,
}

#[derive(Debug, Default)]
pub struct OpenTitles {
    inner: Mutex<Inner>,
    /// Held while a list is read, so searches that all missed read it once.
    loading: tokio::sync::Mutex<()>,
}

#[derive(Debug, Default)]
struct Inner {
    all_changes: u64,
    slot_changes: [u64; SLOTS],
    /// Stories added at the bottom, per slot: these change only lists of every open story.
    slot_additions: [u64; SLOTS],
    teams: HashMap<TeamKey, Arc<TeamTitles>>,
    stories_held: usize,
}

impl Inner {
    fn generation(&self, team_id: i64) -> Generation {
        Generation {
            all: self.all_changes,
            slot: self.slot_changes[slot(team_id)],
            slot_additions: self.slot_additions[slot(team_id)],
        }
    }

    fn remove(&mut self, key: TeamKey) {
        if let Some(old) = self.teams.remove(&key) {
            self.stories_held -= old.len();
        }
    }
}

/// A team's open stories from the top of its backlog, in backlog order.
#[derive(Debug)]
pub struct TeamTitles {
    stories: Vec<Title>,
    /// Whether these are all the team's open stories (it has no more than [`OpenTitles::TOP`]).
    pub complete: bool,
    stored_at: Instant,
}

#[derive(Debug)]
struct Title {
    story: StoryMatch,
    /// The title folded as every title search folds it (`title_index::fold`).
    folded: String,
}

impl TeamTitles {
    /// The first `TOP + 1` open stories in backlog order, as read; one more than kept tells
    /// whether there are more.
    pub fn from_top(mut stories: Vec<StoryMatch>) -> Self {
        let complete = stories.len() <= OpenTitles::TOP;
        stories.truncate(OpenTitles::TOP);
        let stories = stories
            .into_iter()
            .map(|story| Title {
                folded: fold(&story.title).into_owned(),
                story,
            })
            .collect();
        Self {
            stories,
            complete,
            stored_at: Instant::now(),
        }
    }

    /// Up to `limit` stories, in backlog order, whose title contains every word, ignoring the
    /// case of every letter (`title_index::fold`, as every title search does).
    pub fn matching(&self, words: &[&str], limit: usize) -> Vec<StoryMatch> {
        // Typed text is mostly in lower case already: folding it then copies nothing.
        let folded: Vec<Cow<'_, str>> = words.iter().map(|w| fold(w)).collect();
        self.stories
            .iter()
            .filter(|t| folded.iter().all(|w| t.folded.contains(w.as_ref())))
            .take(limit)
            .map(|t| t.story.clone())
            .collect()
    }

    fn len(&self) -> usize {
        self.stories.len()
    }
}

impl OpenTitles {
    /// How many open stories from the top of a team's backlog are kept: the same part of the
    /// backlog a title search scans in order before it asks the team's titles in memory.
    pub const TOP: usize = 1_000;
    /// How long a remembered list is trusted without reading it again.
    pub const TTL: Duration = Duration::from_secs(2);
    /// Stories held over all teams (about 150 bytes each, so some 5 MiB at most).
    pub const CAPACITY_STORIES: usize = 32_000;
    /// Teams held, however small their backlogs.
    pub const CAPACITY_TEAMS: usize = 4_096;

    /// The counters to hand back to [`put`](Self::put) after reading the team's list.
    pub fn generation(&self, team_id: i64) -> Generation {
        self.lock().generation(team_id)
    }

    /// The turn to read a list from the database; check [`get`](Self::get) again once held.
    pub async fn loading(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.loading.lock().await
    }

    /// The team's list, if remembered and younger than the TTL.
    pub fn get(&self, guild_id: u64, team_id: i64) -> Option<Arc<TeamTitles>> {
        self.lock()
            .teams
            .get(&(guild_id, team_id))
            .filter(|t| t.stored_at.elapsed() < Self::TTL)
            .cloned()
    }

    /// Remembers the team's list, unless a change to the team ended since `seen` (or a story
    /// was added, when the list holds every open story).
    pub fn put(&self, guild_id: u64, team_id: i64, titles: Arc<TeamTitles>, seen: Generation) {
        let mut inner = self.lock();
        let now = inner.generation(team_id);
        let changed = (now.all, now.slot) != (seen.all, seen.slot);
        let added = now.slot_additions != seen.slot_additions;
        if changed || (added && titles.complete) {
            return;
        }
        inner.remove((guild_id, team_id));
        if inner.stories_held + titles.len() > Self::CAPACITY_STORIES
            || inner.teams.len() >= Self::CAPACITY_TEAMS
        {
            inner.teams.clear();
            inner.stories_held = 0;
        }
        inner.stories_held += titles.len();
        inner.teams.insert((guild_id, team_id), titles);
    }

    /// Forgets a team's list; called when a transaction that changed its stories ends.
    pub fn forget_team(&self, guild_id: u64, team_id: i64) {
        let mut inner = self.lock();
        inner.slot_changes[slot(team_id)] += 1;
        inner.remove((guild_id, team_id));
    }

    /// Notes stories added at the bottom of the team's backlog, and nothing else changed: a
    /// list of only the top of a longer backlog stays; a list of every open story is forgotten.
    pub fn stories_added(&self, guild_id: u64, team_id: i64) {
        let mut inner = self.lock();
        inner.slot_additions[slot(team_id)] += 1;
        let complete = inner
            .teams
            .get(&(guild_id, team_id))
            .is_some_and(|t| t.complete);
        if complete {
            inner.remove((guild_id, team_id));
        }
    }

    /// Forgets every list; called when stories changed without naming their team.
    pub fn forget_all(&self) {
        let mut inner = self.lock();
        inner.all_changes += 1;
        inner.teams.clear();
        inner.stories_held = 0;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Every update leaves the map and its count consistent before it can panic.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn slot(team_id: i64) -> usize {
    team_id.rem_euclid(SLOTS as i64) as usize
}

#[cfg(test)]
#[path = "open_titles_tests.rs"]
mod tests;
