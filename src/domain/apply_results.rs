//! **Apply to backlog**: a vote's result reorders the voted stories among the backlog places they
//! already occupy; every other story keeps its place.
//!
//! So a vote over #3, #7 and #9 never pushes an unvoted story up or down, and applying the same
//! result twice changes nothing the second time.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use super::rank::Rank;

/// The new backlog order. `backlog` is the current order (each story once); `voted` is the
/// result order, best first. Voted stories no longer in the backlog (archived since) are skipped.
pub fn apply_results<T: Copy + Eq + Hash>(backlog: &[T], voted: &[T]) -> Vec<T> {
    let in_backlog: HashSet<T> = backlog.iter().copied().collect();
    let mut voted_here = HashSet::new();
    let best_first: Vec<T> = voted
        .iter()
        .copied()
        .filter(|s| in_backlog.contains(s) && voted_here.insert(*s))
        .collect();
    let mut next = best_first.into_iter();
    backlog
        .iter()
        .map(|&story| {
            if voted_here.contains(&story) {
                // A voted story's place goes to the next story of the result.
                next.next().unwrap_or(story)
            } else {
                story
            }
        })
        .collect()
}

/// The same move as rank keys, for the store: the voted stories share out the keys they already
/// hold, smallest key to the best story. Unvoted rows are untouched, and only stories whose key
/// changes are returned, so the store writes just those rows.
pub fn reassign_ranks<T: Copy + Eq + Hash>(current: &[(T, Rank)], voted: &[T]) -> Vec<(T, Rank)> {
    let held: HashMap<T, &Rank> = current.iter().map(|(s, r)| (*s, r)).collect();
    let mut seen = HashSet::new();
    let best_first: Vec<T> = voted
        .iter()
        .copied()
        .filter(|s| held.contains_key(s) && seen.insert(*s))
        .collect();
    let mut keys: Vec<&Rank> = best_first.iter().map(|s| held[s]).collect();
    keys.sort();
    best_first
        .into_iter()
        .zip(keys)
        .filter(|(story, key)| held[story] != *key)
        .map(|(story, key)| (story, key.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn voted_stories_swap_among_their_own_places() {
        let backlog = [1, 2, 3, 4, 5, 6];
        // Voted: 2, 4, 6 with result 6, 2, 4.
        assert_eq!(apply_results(&backlog, &[6, 2, 4]), [1, 6, 3, 2, 5, 4]);
    }

    #[test]
    fn voted_stories_no_longer_in_the_backlog_are_skipped() {
        assert_eq!(apply_results(&[1, 2, 3], &[9, 3, 1]), [3, 2, 1]);
    }

    #[test]
    fn applying_twice_changes_nothing_the_second_time() {
        let once = apply_results(&[5, 4, 3, 2, 1], &[1, 3, 5]);
        assert_eq!(once, [1, 4, 3, 2, 5]);
        assert_eq!(apply_results(&once, &[1, 3, 5]), once);
    }

    #[test]
    fn reassigned_ranks_reuse_the_voted_stories_keys_and_skip_unchanged_rows() {
        let a = Rank::first();
        let b = a.after();
        let c = b.after();
        let current = [(1, a.clone()), (2, b.clone()), (3, c.clone())];
        // Result: 3, 2, 1 -> 3 takes a, 2 keeps b (not written), 1 takes c.
        let changes = reassign_ranks(&current, &[3, 2, 1]);
        assert_eq!(changes, [(3, a), (1, c)]);
    }

    #[test]
    fn reassigning_ranks_leaves_unvoted_stories_alone() {
        let a = Rank::first();
        let b = a.after();
        let c = b.after();
        let current = [(1, a.clone()), (2, b), (3, c.clone())];
        let changes = reassign_ranks(&current, &[3, 1, 42]);
        assert_eq!(changes, [(3, a), (1, c)]);
    }

    /// A backlog of distinct stories and a result over some of them (plus strays), shuffled.
    fn backlog_and_result() -> impl Strategy<Value = (Vec<u32>, Vec<u32>)> {
        (1usize..30).prop_flat_map(|n| {
            let backlog = Just((0..n as u32).collect::<Vec<_>>()).prop_shuffle();
            let voted = proptest::collection::vec(0..n as u32 + 5, 0..n + 3);
            (backlog, voted)
        })
    }

    proptest! {
        #[test]
        fn the_new_order_is_a_permutation_of_the_backlog((backlog, voted) in backlog_and_result()) {
            let mut applied = apply_results(&backlog, &voted);
            let mut expected = backlog.clone();
            applied.sort();
            expected.sort();
            prop_assert_eq!(applied, expected);
        }

        #[test]
        fn unvoted_stories_keep_their_places((backlog, voted) in backlog_and_result()) {
            let applied = apply_results(&backlog, &voted);
            for (place, story) in backlog.iter().enumerate() {
                if !voted.contains(story) {
                    prop_assert_eq!(applied[place], *story);
                }
            }
        }

        #[test]
        fn voted_stories_follow_the_result_order((backlog, voted) in backlog_and_result()) {
            let applied = apply_results(&backlog, &voted);
            let place: HashMap<u32, usize> = applied.iter().enumerate().map(|(i, s)| (*s, i)).collect();
            let mut seen = HashSet::new();
            let ordered: Vec<usize> = voted.iter().filter(|s| seen.insert(**s)).filter_map(|s| place.get(s).copied()).collect();
            prop_assert!(ordered.windows(2).all(|w| w[0] < w[1]));
        }

        #[test]
        fn applying_is_idempotent((backlog, voted) in backlog_and_result()) {
            let once = apply_results(&backlog, &voted);
            prop_assert_eq!(apply_results(&once, &voted), once);
        }

        #[test]
        fn reassigned_ranks_give_the_same_order_as_apply((backlog, voted) in backlog_and_result()) {
            let mut key = Rank::first();
            let mut current = Vec::new();
            for story in &backlog {
                current.push((*story, key.clone()));
                key = key.after();
            }
            let mut ranks: HashMap<u32, Rank> = current.iter().cloned().collect();
            ranks.extend(reassign_ranks(&current, &voted));
            let mut by_rank = backlog.clone();
            by_rank.sort_by(|a, b| ranks[a].cmp(&ranks[b]));
            prop_assert_eq!(by_rank, apply_results(&backlog, &voted));
        }
    }
}
