//! Dot voting: each voter spreads up to D dots over the candidates, several on one story if
//! they like; a story's score is the dots it received.

use std::collections::BTreeMap;

use super::{rank_best_first, Ballots, Candidates, Standing};
use crate::domain::story::StoryNumber;
use crate::domain::Invalid;

/// Where one voter put their dots.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DotsBallot(BTreeMap<StoryNumber, u32>);

impl DotsBallot {
    /// `placed` may name a story more than once: the dots add up. At most `dots_per_voter` in all;
    /// fewer is fine (unused dots are simply not cast).
    pub fn new(
        candidates: &Candidates,
        dots_per_voter: u32,
        placed: &[(StoryNumber, u32)],
    ) -> Result<Self, Invalid> {
        let mut dots: BTreeMap<StoryNumber, u32> = BTreeMap::new();
        let mut total: u64 = 0;
        for &(story, n) in placed {
            candidates.check(story)?;
            total += u64::from(n);
            if n > 0 {
                *dots.entry(story).or_default() += n;
            }
        }
        if total > u64::from(dots_per_voter) {
            return Err(Invalid::new(format!(
                "You placed {total} dots but have {dots_per_voter}. Take some back and try again."
            )));
        }
        Ok(Self(dots))
    }

    pub fn dots_on(&self, story: StoryNumber) -> u32 {
        self.0.get(&story).copied().unwrap_or(0)
    }

    pub fn total(&self) -> u32 {
        self.0.values().sum()
    }

    /// The stories with at least one dot, and how many.
    pub fn placed(&self) -> impl Iterator<Item = (StoryNumber, u32)> + '_ {
        self.0.iter().map(|(s, n)| (*s, *n))
    }
}

/// One row of a dot-vote result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotsResult {
    pub story: StoryNumber,
    /// The score: every dot the story received.
    pub dots: u32,
    /// How many voters gave it at least one dot.
    pub voters: u32,
}

impl Standing for DotsResult {
    fn story(&self) -> StoryNumber {
        self.story
    }
}

/// Most dots first; ties keep the backlog order.
pub fn tally(candidates: &Candidates, ballots: &Ballots<DotsBallot>) -> Vec<DotsResult> {
    let mut rows: Vec<DotsResult> = candidates
        .as_slice()
        .iter()
        .map(|&story| {
            let mut row = DotsResult {
                story,
                dots: 0,
                voters: 0,
            };
            for ballot in ballots.ballots() {
                let n = ballot.dots_on(story);
                row.dots += n;
                row.voters += u32::from(n > 0);
            }
            row
        })
        .collect();
    rank_best_first(&mut rows, |r| Some(f64::from(r.dots)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::vote::result_order;
    use crate::domain::vote::tests::stories;
    use proptest::prelude::*;

    fn ballot(candidates: &Candidates, placed: &[(i64, u32)]) -> DotsBallot {
        let placed: Vec<_> = placed.iter().map(|(s, n)| (StoryNumber(*s), *n)).collect();
        DotsBallot::new(candidates, 3, &placed).unwrap()
    }

    #[test]
    fn several_dots_may_go_on_one_story() {
        let candidates = stories(&[3, 7, 9]);
        let b = ballot(&candidates, &[(7, 2), (7, 1)]);
        assert_eq!(b.dots_on(StoryNumber(7)), 3);
        assert_eq!(b.total(), 3);
    }

    #[test]
    fn a_ballot_with_more_dots_than_allowed_is_refused() {
        let candidates = stories(&[3, 7, 9]);
        let err = DotsBallot::new(&candidates, 3, &[(StoryNumber(3), 2), (StoryNumber(9), 2)])
            .unwrap_err();
        assert_eq!(
            err.0,
            "You placed 4 dots but have 3. Take some back and try again."
        );
    }

    #[test]
    fn a_dot_on_a_story_not_on_the_ballot_is_refused() {
        let candidates = stories(&[3, 7]);
        let err = DotsBallot::new(&candidates, 3, &[(StoryNumber(4), 1)]).unwrap_err();
        assert!(err.0.starts_with("#4 is not on this ballot"), "{err}");
    }

    #[test]
    fn the_story_with_most_dots_wins_and_voters_are_counted_once_each() {
        let candidates = stories(&[3, 7, 9]);
        let ballots: Ballots<_> = [
            (1, ballot(&candidates, &[(9, 3)])),
            (2, ballot(&candidates, &[(9, 1), (7, 2)])),
            (3, ballot(&candidates, &[(7, 1)])),
        ]
        .into_iter()
        .collect();
        let results = tally(&candidates, &ballots);
        assert_eq!(
            results[0],
            DotsResult {
                story: StoryNumber(9),
                dots: 4,
                voters: 2
            }
        );
        assert_eq!(
            results[1],
            DotsResult {
                story: StoryNumber(7),
                dots: 3,
                voters: 2
            }
        );
        assert_eq!(
            results[2],
            DotsResult {
                story: StoryNumber(3),
                dots: 0,
                voters: 0
            }
        );
    }

    #[test]
    fn ties_keep_the_current_backlog_order() {
        let candidates = stories(&[9, 3, 7]);
        let ballots: Ballots<_> = [
            (1, ballot(&candidates, &[(7, 1), (3, 1)])),
            (2, ballot(&candidates, &[(9, 1)])),
        ]
        .into_iter()
        .collect();
        let order = result_order(&tally(&candidates, &ballots));
        assert_eq!(order, [StoryNumber(9), StoryNumber(3), StoryNumber(7)]);
    }

    #[test]
    fn a_voter_who_votes_again_is_counted_with_their_last_ballot_only() {
        let candidates = stories(&[3, 7]);
        let mut ballots = Ballots::new();
        ballots.cast(1, ballot(&candidates, &[(3, 3)]));
        ballots.cast(1, ballot(&candidates, &[(7, 3)]));
        let results = tally(&candidates, &ballots);
        assert_eq!(
            results[0],
            DotsResult {
                story: StoryNumber(7),
                dots: 3,
                voters: 1
            }
        );
        assert_eq!(results[1].dots, 0);
    }

    proptest! {
        /// However often voters re-cast, the tally holds exactly one ballot per voter.
        #[test]
        fn a_tally_never_counts_a_ballot_twice(
            casts in proptest::collection::vec((0u64..5, 0usize..4, 0u32..4), 0..40)
        ) {
            let candidates = stories(&[1, 2, 3, 4]);
            let mut last: BTreeMap<u64, (usize, u32)> = BTreeMap::new();
            let mut ballots = Ballots::new();
            for &(voter, at, n) in &casts {
                let story = candidates.as_slice()[at];
                ballots.cast(voter, DotsBallot::new(&candidates, 3, &[(story, n)]).unwrap());
                last.insert(voter, (at, n));
            }
            let results = tally(&candidates, &ballots);
            let counted: u32 = results.iter().map(|r| r.dots).sum();
            let expected: u32 = last.values().map(|(_, n)| n).sum();
            prop_assert_eq!(counted, expected);
            for row in &results {
                prop_assert!(row.voters as usize <= last.len());
            }
            let mut order = result_order(&results);
            order.sort();
            prop_assert_eq!(order, candidates.as_slice().to_vec());
        }
    }
}
