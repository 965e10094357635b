//! Where pages of each team's plain backlog start, remembered so a deep page is found from the
//! order index by rank instead of by skipping every entry above it.
//!
//! `LIMIT 10 OFFSET n` steps through n entries of the order index: about 30 ns each, so page
//! 9,500 of a 100,000-story backlog took some 3 ms, on the runtime's thread. Reading a page also
//! reads the open story just after it; its rank is where the next page starts, so the next
//! press of Next reads `rank >= start` directly, whatever the depth. A page remembers its own
//! start too (reading the story just before it), for Previous and for other presses of the
//! same card.
//!
//! Invariants:
//! - A start is used only with the team's `backlog_totals.order_changes` (migration 0015) it was
//!   read with, and that count is read in the same snapshot as the page. The count changes with
//!   every change to the order, by any process, so a start in use is always exact.
//! - A start is remembered only where the rank strictly increases across it, so no story tied
//!   with it in rank sorts before it.
//! - At most [`PageStarts::CAPACITY`] starts are held over all teams; a full map starts over.

use std::collections::HashMap;
use std::sync::Mutex;

/// A team by guild and id.
type TeamKey = (u64, i64);

#[derive(Debug, Default)]
pub struct PageStarts {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    teams: HashMap<TeamKey, TeamStarts>,
    held: usize,
}

/// One team's starts, all read while its order had changed `order_changes` times.
#[derive(Debug)]
struct TeamStarts {
    order_changes: i64,
    /// The rank of the open story at each offset.
    ranks: HashMap<i64, Vec<u8>>,
}

impl PageStarts {
    /// Starts held over all teams (each a few dozen bytes).
    pub const CAPACITY: usize = 16_384;

    /// The rank where the page at `offset` starts, if it was read with this `order_changes`.
    pub fn get(&self, team: TeamKey, offset: i64, order_changes: i64) -> Option<Vec<u8>> {
        let inner = self.lock();
        let starts = inner.teams.get(&team)?;
        if starts.order_changes != order_changes {
            return None;
        }
        starts.ranks.get(&offset).cloned()
    }

    /// Whether a start is held for `offset`, read with any count: whether the page will most
    /// likely be found by rank.
    pub fn holds(&self, team: TeamKey, offset: i64) -> bool {
        self.lock()
            .teams
            .get(&team)
            .is_some_and(|starts| starts.ranks.contains_key(&offset))
    }

    /// Remembers that the page at `offset` starts at `rank`, as read with `order_changes`.
    /// Starts read with an older count are dropped; a start read with an older count than the
    /// ones held is not kept.
    pub fn put(&self, team: TeamKey, offset: i64, order_changes: i64, rank: Vec<u8>) {
        let mut inner = self.lock();
        let inner = &mut *inner;
        if inner.held >= Self::CAPACITY {
            inner.teams.clear();
            inner.held = 0;
        }
        let starts = inner.teams.entry(team).or_insert_with(|| TeamStarts {
            order_changes,
            ranks: HashMap::new(),
        });
        if order_changes < starts.order_changes {
            return;
        }
        if order_changes > starts.order_changes {
            inner.held -= starts.ranks.len();
            starts.ranks.clear();
            starts.order_changes = order_changes;
        }
        if starts.ranks.insert(offset, rank).is_none() {
            inner.held += 1;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Every update leaves the map and its count consistent before it can panic.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEAM: TeamKey = (1, 7);

    #[test]
    fn a_start_is_given_back_only_with_the_count_it_was_read_with() {
        let starts = PageStarts::default();
        starts.put(TEAM, 10, 3, vec![1]);
        assert_eq!(starts.get(TEAM, 10, 3), Some(vec![1]));
        assert_eq!(starts.get(TEAM, 10, 4), None);
        assert_eq!(starts.get(TEAM, 20, 3), None);
        assert_eq!(
            starts.get((2, 7), 10, 3),
            None,
            "another guild's team of that id"
        );
        assert!(starts.holds(TEAM, 10));
    }

    #[test]
    fn a_newer_count_drops_the_older_starts_and_an_older_one_is_not_kept() {
        let starts = PageStarts::default();
        starts.put(TEAM, 10, 3, vec![1]);
        starts.put(TEAM, 20, 4, vec![2]);
        assert!(!starts.holds(TEAM, 10));
        assert_eq!(starts.get(TEAM, 20, 4), Some(vec![2]));
        starts.put(TEAM, 30, 3, vec![3]);
        assert!(!starts.holds(TEAM, 30));
        assert_eq!(starts.lock().held, 1);
    }

    #[test]
    fn a_full_map_starts_over() {
        let starts = PageStarts::default();
        for offset in 0..PageStarts::CAPACITY as i64 {
            starts.put(TEAM, offset * 10, 0, vec![1]);
        }
        assert_eq!(starts.lock().held, PageStarts::CAPACITY);
        starts.put((1, 8), 10, 0, vec![2]);
        assert_eq!(starts.lock().held, 1);
        assert_eq!(starts.get((1, 8), 10, 0), Some(vec![2]));
        assert!(!starts.holds(TEAM, 0));
    }
}
