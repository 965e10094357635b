//! Score voting: each voter gives each candidate 1-5 (or skips it); a story's score is the
//! mean of the scores it received.

use std::collections::BTreeMap;

use super::{one_mark_each, rank_best_first, Ballots, Candidates, Rating, Standing};
use crate::domain::story::StoryNumber;
use crate::domain::Invalid;

/// One voter's scores; a story left out is an abstention.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScoreBallot(BTreeMap<StoryNumber, Rating>);

impl ScoreBallot {
    pub fn new(candidates: &Candidates, scores: &[(StoryNumber, i64)]) -> Result<Self, Invalid> {
        let mut checked = Vec::with_capacity(scores.len());
        for &(story, score) in scores {
            checked.push((story, Rating::parse(score, "score")?));
        }
        one_mark_each(candidates, checked).map(Self)
    }

    pub fn score_of(&self, story: StoryNumber) -> Option<Rating> {
        self.0.get(&story).copied()
    }
}

/// One row of a score-vote result.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreResult {
    pub story: StoryNumber,
    /// The score: mean of the scores given; `None` when everyone abstained.
    pub mean: Option<f64>,
    /// The spread: how many voters gave 1, 2, 3, 4 and 5.
    pub distribution: [u32; 5],
}

impl ScoreResult {
    pub fn voters(&self) -> u32 {
        self.distribution.iter().sum()
    }

    pub fn min(&self) -> Option<u8> {
        (1..=5u8).find(|s| self.count(*s) > 0)
    }

    pub fn max(&self) -> Option<u8> {
        (1..=5u8).rev().find(|s| self.count(*s) > 0)
    }

    fn count(&self, score: u8) -> u32 {
        self.distribution[usize::from(score - 1)]
    }
}

impl Standing for ScoreResult {
    fn story(&self) -> StoryNumber {
        self.story
    }
}

/// Highest mean first, stories nobody scored last; ties keep the backlog order.
pub fn tally(candidates: &Candidates, ballots: &Ballots<ScoreBallot>) -> Vec<ScoreResult> {
    let mut rows: Vec<ScoreResult> = candidates
        .as_slice()
        .iter()
        .map(|&story| {
            let mut distribution = [0u32; 5];
            for score in ballots.ballots().filter_map(|b| b.score_of(story)) {
                distribution[usize::from(score.get() - 1)] += 1;
            }
            let voters: u32 = distribution.iter().sum();
            let sum: u32 = (1..=5u32).zip(distribution).map(|(s, n)| s * n).sum();
            // One division of two exact integers: equal means compare equal, so ties are ties.
            let mean = (voters > 0).then(|| f64::from(sum) / f64::from(voters));
            ScoreResult {
                story,
                mean,
                distribution,
            }
        })
        .collect();
    rank_best_first(&mut rows, |r| r.mean);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::vote::result_order;
    use crate::domain::vote::tests::stories;

    fn ballot(candidates: &Candidates, scores: &[(i64, i64)]) -> ScoreBallot {
        let scores: Vec<_> = scores.iter().map(|(s, n)| (StoryNumber(*s), *n)).collect();
        ScoreBallot::new(candidates, &scores).unwrap()
    }

    #[test]
    fn a_score_outside_one_to_five_is_refused() {
        let candidates = stories(&[3, 7]);
        let err = ScoreBallot::new(&candidates, &[(StoryNumber(3), 6)]).unwrap_err();
        assert_eq!(
            err.0,
            "The score must be between 1 and 5; 6 is out of range."
        );
        assert!(ScoreBallot::new(&candidates, &[(StoryNumber(3), 0)]).is_err());
    }

    #[test]
    fn scoring_a_story_twice_or_one_not_on_the_ballot_is_refused() {
        let candidates = stories(&[3, 7]);
        let twice = ScoreBallot::new(&candidates, &[(StoryNumber(3), 2), (StoryNumber(3), 4)]);
        assert_eq!(
            twice.unwrap_err().0,
            "#3 appears twice on this ballot. Rate each story once."
        );
        assert!(ScoreBallot::new(&candidates, &[(StoryNumber(8), 2)]).is_err());
    }

    #[test]
    fn the_score_is_the_mean_and_abstentions_are_left_out_of_it() {
        let candidates = stories(&[3, 7]);
        let ballots: Ballots<_> = [
            (1, ballot(&candidates, &[(3, 5), (7, 2)])),
            (2, ballot(&candidates, &[(3, 4)])),
            (3, ballot(&candidates, &[(3, 3), (7, 4)])),
        ]
        .into_iter()
        .collect();
        let results = tally(&candidates, &ballots);
        assert_eq!(results[0].story, StoryNumber(3));
        assert_eq!(results[0].mean, Some(4.0));
        assert_eq!(results[0].distribution, [0, 0, 1, 1, 1]);
        assert_eq!((results[0].min(), results[0].max()), (Some(3), Some(5)));
        assert_eq!(results[1].mean, Some(3.0));
        assert_eq!(results[1].voters(), 2);
    }

    #[test]
    fn a_story_nobody_scored_has_no_mean_and_comes_last() {
        let candidates = stories(&[3, 7]);
        let ballots: Ballots<_> = [(1, ballot(&candidates, &[(7, 1)]))].into_iter().collect();
        let results = tally(&candidates, &ballots);
        assert_eq!(result_order(&results), [StoryNumber(7), StoryNumber(3)]);
        assert_eq!(results[1].mean, None);
        assert_eq!((results[1].min(), results[1].max()), (None, None));
    }

    #[test]
    fn ties_keep_the_current_backlog_order() {
        let candidates = stories(&[9, 3, 7]);
        // #3 and #7 both average 3 (one from 2 + 4, the other from a single 3).
        let ballots: Ballots<_> = [
            (1, ballot(&candidates, &[(7, 2), (3, 3), (9, 1)])),
            (2, ballot(&candidates, &[(7, 4)])),
        ]
        .into_iter()
        .collect();
        let order = result_order(&tally(&candidates, &ballots));
        assert_eq!(order, [StoryNumber(3), StoryNumber(7), StoryNumber(9)]);
    }
}
