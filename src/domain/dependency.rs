//! Story dependencies ("#3 is blocked by #7"): refusing self-dependencies and cycles, and
//! spotting stories ranked above a story they wait for.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use super::story::StoryNumber;
use super::Invalid;

/// `story` is blocked by `on`: `on` has to be finished first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Dependency {
    pub story: StoryNumber,
    pub on: StoryNumber,
}

impl Dependency {
    pub fn new(story: StoryNumber, on: StoryNumber) -> Self {
        Self { story, on }
    }

    /// Refuses this dependency if it is on the story itself, already recorded, or would close a
    /// cycle with `existing` (the cycle is named, so the user knows which link to remove).
    pub fn check_new(self, existing: &[Dependency]) -> Result<(), Invalid> {
        let Dependency { story, on } = self;
        if story == on {
            return Err(Invalid::new(format!("{story} cannot depend on itself.")));
        }
        if existing.contains(&self) {
            return Err(Invalid::new(format!("{story} already depends on {on}.")));
        }
        match self.cycle_with(existing) {
            None => Ok(()),
            Some(cycle) => Err(Invalid::new(format!(
                "{story} cannot depend on {on}: that would make a cycle, {}. Remove one of those dependencies first with /story undepend.",
                path_text(&cycle)
            ))),
        }
    }

    /// The shortest cycle adding `self` would close, from `story` back to `story`
    /// (`[#3, #7, #3]`), or `None`. A cycle exists when `on` already waits, step by step, on
    /// `story`.
    pub fn cycle_with(self, existing: &[Dependency]) -> Option<Vec<StoryNumber>> {
        // Sorted neighbours make the named cycle the same on every run.
        let mut waits_on: BTreeMap<StoryNumber, Vec<StoryNumber>> = BTreeMap::new();
        for d in existing {
            waits_on.entry(d.story).or_default().push(d.on);
        }
        waits_on.values_mut().for_each(|ons| ons.sort());

        // Breadth-first from `on`, remembering how each story was reached.
        let mut reached_from: HashMap<StoryNumber, StoryNumber> = HashMap::new();
        let mut queue = VecDeque::from([self.on]);
        while let Some(current) = queue.pop_front() {
            if current == self.story {
                let mut path = vec![current];
                let mut at = current;
                while at != self.on {
                    at = reached_from[&at];
                    path.push(at);
                }
                path.push(self.story);
                path.reverse();
                return Some(path);
            }
            for &next in waits_on.get(&current).into_iter().flatten() {
                if next != self.on && !reached_from.contains_key(&next) {
                    reached_from.insert(next, current);
                    queue.push_back(next);
                }
            }
        }
        None
    }
}

/// `#3 -> #7 -> #3`.
pub fn path_text(path: &[StoryNumber]) -> String {
    path.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// The dependencies whose story is ranked above the story it waits for (a warning on
/// `/backlog`), in backlog order. `backlog` is the whole ranked list of open stories: a
/// dependency on a story not in it (finished, archived) never warns.
pub fn ranked_above_their_dependencies(
    backlog: &[StoryNumber],
    dependencies: &[Dependency],
) -> Vec<Dependency> {
    let place: HashMap<StoryNumber, usize> =
        backlog.iter().enumerate().map(|(i, s)| (*s, i)).collect();
    let mut seen = HashSet::new();
    let mut misordered: Vec<(usize, usize, Dependency)> = dependencies
        .iter()
        .filter(|d| seen.insert(**d))
        .filter_map(|d| match (place.get(&d.story), place.get(&d.on)) {
            (Some(&story), Some(&on)) if story < on => Some((story, on, *d)),
            _ => None,
        })
        .collect();
    misordered.sort_by_key(|(story, on, _)| (*story, *on));
    misordered.into_iter().map(|(_, _, d)| d).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dep(story: i64, on: i64) -> Dependency {
        Dependency::new(StoryNumber(story), StoryNumber(on))
    }

    fn numbers(path: &[StoryNumber]) -> Vec<i64> {
        path.iter().map(|s| s.0).collect()
    }

    #[test]
    fn a_story_cannot_depend_on_itself() {
        let err = dep(3, 3).check_new(&[]).unwrap_err();
        assert_eq!(err.0, "#3 cannot depend on itself.");
    }

    #[test]
    fn recording_the_same_dependency_twice_is_refused() {
        let err = dep(3, 7).check_new(&[dep(3, 7)]).unwrap_err();
        assert_eq!(err.0, "#3 already depends on #7.");
    }

    #[test]
    fn a_two_story_cycle_is_refused_and_named() {
        let err = dep(3, 7).check_new(&[dep(7, 3)]).unwrap_err();
        assert_eq!(
            err.0,
            "#3 cannot depend on #7: that would make a cycle, #3 -> #7 -> #3. Remove one of those dependencies first with /story undepend."
        );
    }

    #[test]
    fn a_longer_cycle_is_named_from_the_story_made_dependent() {
        let existing = [dep(7, 9), dep(9, 4), dep(4, 3), dep(9, 12)];
        let cycle = dep(3, 7).cycle_with(&existing).unwrap();
        assert_eq!(path_text(&cycle), "#3 -> #7 -> #9 -> #4 -> #3");
    }

    #[test]
    fn the_shortest_cycle_is_named() {
        let existing = [dep(7, 8), dep(8, 9), dep(9, 3), dep(7, 3)];
        assert_eq!(
            numbers(&dep(3, 7).cycle_with(&existing).unwrap()),
            [3, 7, 3]
        );
    }

    #[test]
    fn a_chain_or_a_diamond_is_not_a_cycle() {
        let existing = [dep(1, 2), dep(1, 3), dep(2, 4), dep(3, 4)];
        assert!(dep(4, 5).check_new(&existing).is_ok());
        assert!(dep(5, 1).check_new(&existing).is_ok());
        assert!(dep(2, 3).check_new(&existing).is_ok());
        assert!(dep(4, 1).check_new(&existing).is_err());
    }

    #[test]
    fn stories_ranked_above_what_they_wait_for_are_flagged() {
        let backlog = [
            StoryNumber(5),
            StoryNumber(3),
            StoryNumber(7),
            StoryNumber(9),
        ];
        // #5 waits on #7 (below it: flagged); #9 waits on #3 (above it: fine);
        // #3 waits on #42, which is finished and not in the list: fine.
        let deps = [dep(9, 3), dep(5, 7), dep(3, 42), dep(3, 9)];
        let flagged = ranked_above_their_dependencies(&backlog, &deps);
        assert_eq!(flagged, [dep(5, 7), dep(3, 9)]);
    }

    /// Whether the dependencies can be finished in some order (no cycle).
    fn acyclic(deps: &[Dependency]) -> bool {
        let mut remaining: Vec<Dependency> = deps.to_vec();
        loop {
            let waiting: HashSet<StoryNumber> = remaining.iter().map(|d| d.story).collect();
            let before = remaining.len();
            // Drop links to stories that wait on nothing: those can be finished.
            remaining.retain(|d| waiting.contains(&d.on));
            if remaining.is_empty() {
                return true;
            }
            if remaining.len() == before {
                return false;
            }
        }
    }

    proptest! {
        /// Whatever users try, the recorded dependencies never form a cycle, and every refusal
        /// for a cycle names a real one.
        #[test]
        fn accepted_dependencies_never_form_a_cycle(tries in proptest::collection::vec((0i64..8, 0i64..8), 0..60)) {
            let mut recorded: Vec<Dependency> = Vec::new();
            for (story, on) in tries {
                let proposed = dep(story, on);
                match proposed.check_new(&recorded) {
                    Ok(()) => recorded.push(proposed),
                    Err(_) => {
                        if let Some(cycle) = proposed.cycle_with(&recorded) {
                            prop_assert_eq!(cycle.first(), Some(&proposed.story));
                            prop_assert_eq!(cycle.last(), Some(&proposed.story));
                            for link in cycle.windows(2) {
                                let d = dep(link[0].0, link[1].0);
                                prop_assert!(d == proposed || recorded.contains(&d));
                            }
                        }
                    }
                }
                prop_assert!(acyclic(&recorded));
            }
        }
    }
}
