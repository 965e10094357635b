//! The teams commands act on, remembered for a moment: nearly every interaction starts by
//! finding its team (by channel, or by the id in a button), and that lookup was a round trip to
//! a read connection's thread of its own. Teams change rarely (creation, a linked channel,
//! settings, the vision), and every such change in this process goes through `teams.rs`, which
//! forgets all remembered teams after it commits.
//!
//! Invariants:
//! - A lookup never stores a team read before a change it raced with: it notes the generation
//!   before reading and stores only if no change was committed since ([`TeamCache::put`]).
//! - An entry lives at most [`TeamCache::TTL`], which bounds how long a change committed by
//!   another process (a `sprintmate console` on the same file) goes unseen.
//! - At most [`TeamCache::CAPACITY`] entries a kind; a full map starts over empty.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::teams::Team;

/// Where a command was sent from: guild, channel, and the parent channel of a thread.
pub type ChannelKey = (u64, u64, Option<u64>);
/// A team by guild and id.
pub type TeamKey = (u64, i64);

/// A snapshot of the cache's change counter, taken before a lookup reads the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Generation(u64);

#[derive(Debug, Default)]
pub struct TeamCache {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    generation: u64,
    by_channel: HashMap<ChannelKey, Entry>,
    by_id: HashMap<TeamKey, Entry>,
}

#[derive(Debug)]
struct Entry {
    team: Team,
    stored_at: Instant,
}

impl TeamCache {
    /// How long a remembered team is trusted without reading it again.
    pub const TTL: Duration = Duration::from_secs(2);
    /// Entries kept per map (a few hundred bytes each).
    pub const CAPACITY: usize = 4_096;

    /// The counter to hand back to [`put_by_channel`](Self::put_by_channel) or
    /// [`put_by_id`](Self::put_by_id) after reading.
    pub fn generation(&self) -> Generation {
        Generation(self.lock().generation)
    }

    pub fn by_channel(&self, key: ChannelKey) -> Option<Team> {
        fresh(&self.lock().by_channel, &key)
    }

    pub fn by_id(&self, key: TeamKey) -> Option<Team> {
        fresh(&self.lock().by_id, &key)
    }

    /// Remembers the team a channel resolved to, unless a change committed since `seen`.
    pub fn put_by_channel(&self, key: ChannelKey, team: &Team, seen: Generation) {
        let mut inner = self.lock();
        if inner.generation == seen.0 {
            store(&mut inner.by_channel, key, team);
        }
    }

    /// Remembers a team by id, unless a change committed since `seen`.
    pub fn put_by_id(&self, key: TeamKey, team: &Team, seen: Generation) {
        let mut inner = self.lock();
        if inner.generation == seen.0 {
            store(&mut inner.by_id, key, team);
        }
    }

    /// Forgets every team; called after a change to teams or channel links has committed.
    pub fn forget_all(&self) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.by_channel.clear();
        inner.by_id.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The maps hold no invariant a panicking holder could break half-way.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn fresh<K: Eq + Hash>(map: &HashMap<K, Entry>, key: &K) -> Option<Team> {
    map.get(key)
        .filter(|e| e.stored_at.elapsed() < TeamCache::TTL)
        .map(|e| e.team.clone())
}

fn store<K: Eq + Hash>(map: &mut HashMap<K, Entry>, key: K, team: &Team) {
    if map.len() >= TeamCache::CAPACITY {
        map.clear();
    }
    let entry = Entry {
        team: team.clone(),
        stored_at: Instant::now(),
    };
    map.insert(key, entry);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(id: i64, name: &str) -> Team {
        Team {
            id,
            guild_id: 1,
            name: name.into(),
            is_default: false,
            po_role_id: None,
            timezone: "UTC".into(),
            stakeholder_channel_id: None,
            vision: None,
        }
    }

    #[test]
    fn a_team_read_before_a_change_is_not_remembered_after_it() {
        let cache = TeamCache::default();
        let before = cache.generation();
        cache.forget_all();
        cache.put_by_channel((1, 10, None), &team(7, "Old"), before);
        cache.put_by_id((1, 7), &team(7, "Old"), before);
        assert_eq!(cache.by_channel((1, 10, None)), None);
        assert_eq!(cache.by_id((1, 7)), None);

        let after = cache.generation();
        cache.put_by_channel((1, 10, None), &team(7, "New"), after);
        cache.put_by_id((1, 7), &team(7, "New"), after);
        assert_eq!(cache.by_channel((1, 10, None)).unwrap().name, "New");
        assert_eq!(cache.by_id((1, 7)).unwrap().name, "New");
        assert_eq!(cache.by_id((2, 7)), None, "another guild's key");

        cache.forget_all();
        assert_eq!(cache.by_channel((1, 10, None)), None);
        assert_eq!(cache.by_id((1, 7)), None);
    }

    #[test]
    fn a_full_map_starts_over_and_stays_within_its_capacity() {
        let cache = TeamCache::default();
        let seen = cache.generation();
        for id in 0..TeamCache::CAPACITY as i64 + 1 {
            cache.put_by_id((1, id), &team(id, "T"), seen);
        }
        let kept = cache.lock().by_id.len();
        assert_eq!(kept, 1);
        assert!(cache.by_id((1, TeamCache::CAPACITY as i64)).is_some());
    }

    #[test]
    fn an_entry_older_than_the_ttl_is_read_again() {
        let cache = TeamCache::default();
        cache.put_by_channel((1, 10, None), &team(7, "T"), cache.generation());
        assert!(cache.by_channel((1, 10, None)).is_some());
        let long_ago = Instant::now() - TeamCache::TTL - Duration::from_millis(1);
        cache
            .lock()
            .by_channel
            .values_mut()
            .for_each(|e| e.stored_at = long_ago);
        assert_eq!(cache.by_channel((1, 10, None)), None);
    }
}
