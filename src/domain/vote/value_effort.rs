//! Value/effort voting: each voter rates a candidate's value 1-5 and effort 1-5 (or skips it).
//! Stories rank by mean value / mean effort and fall into one of four quadrants of the matrix.

use std::collections::BTreeMap;

use super::{one_mark_each, rank_best_first, Ballots, Candidates, Rating, Standing};
use crate::domain::story::StoryNumber;
use crate::domain::Invalid;

/// Where the matrix splits each axis: the middle of 1-5. A mean of exactly 3 counts as high on
/// both axes, so a quick win must be clearly below medium effort and a money pit clearly below
/// medium value.
pub const QUADRANT_THRESHOLD: f64 = 3.0;

/// One voter's view of one story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueEffort {
    pub value: Rating,
    pub effort: Rating,
}

/// One voter's ratings; a story left out is an abstention. Value and effort go together: a
/// story is rated on both or skipped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValueEffortBallot(BTreeMap<StoryNumber, ValueEffort>);

impl ValueEffortBallot {
    /// `ratings` are `(story, value, effort)`.
    pub fn new(
        candidates: &Candidates,
        ratings: &[(StoryNumber, i64, i64)],
    ) -> Result<Self, Invalid> {
        let mut checked = Vec::with_capacity(ratings.len());
        for &(story, value, effort) in ratings {
            let value = Rating::parse(value, "value")?;
            let effort = Rating::parse(effort, "effort")?;
            checked.push((story, ValueEffort { value, effort }));
        }
        one_mark_each(candidates, checked).map(Self)
    }

    pub fn rating_of(&self, story: StoryNumber) -> Option<ValueEffort> {
        self.0.get(&story).copied()
    }
}

/// A cell of the value/effort matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quadrant {
    /// High value, low effort: do these first.
    QuickWin,
    /// High value, high effort.
    BigBet,
    /// Low value, low effort.
    FillIn,
    /// Low value, high effort: question these.
    MoneyPit,
}

impl Quadrant {
    /// High means at or above [`QUADRANT_THRESHOLD`].
    pub fn of(mean_value: f64, mean_effort: f64) -> Self {
        let high_value = mean_value >= QUADRANT_THRESHOLD;
        let high_effort = mean_effort >= QUADRANT_THRESHOLD;
        match (high_value, high_effort) {
            (true, false) => Quadrant::QuickWin,
            (true, true) => Quadrant::BigBet,
            (false, false) => Quadrant::FillIn,
            (false, true) => Quadrant::MoneyPit,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Quadrant::QuickWin => "quick win",
            Quadrant::BigBet => "big bet",
            Quadrant::FillIn => "fill-in",
            Quadrant::MoneyPit => "money pit",
        }
    }
}

/// The means of one story's ratings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Means {
    pub value: f64,
    pub effort: f64,
    /// Mean value / mean effort: the score.
    pub ratio: f64,
    pub quadrant: Quadrant,
}

/// One row of a value/effort result.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueEffortResult {
    pub story: StoryNumber,
    pub voters: u32,
    /// `None` when everyone skipped the story.
    pub means: Option<Means>,
}

impl Standing for ValueEffortResult {
    fn story(&self) -> StoryNumber {
        self.story
    }
}

/// Highest value/effort ratio first, stories nobody rated last; ties keep the backlog order.
pub fn tally(
    candidates: &Candidates,
    ballots: &Ballots<ValueEffortBallot>,
) -> Vec<ValueEffortResult> {
    let mut rows: Vec<ValueEffortResult> = candidates
        .as_slice()
        .iter()
        .map(|&story| {
            let (mut voters, mut value, mut effort) = (0u32, 0u32, 0u32);
            for rating in ballots.ballots().filter_map(|b| b.rating_of(story)) {
                voters += 1;
                value += u32::from(rating.value.get());
                effort += u32::from(rating.effort.get());
            }
            let means = (voters > 0).then(|| {
                let (value, effort, n) = (f64::from(value), f64::from(effort), f64::from(voters));
                Means {
                    value: value / n,
                    effort: effort / n,
                    // Both means share the voters, so the ratio is the ratio of the sums: one
                    // exact division, so equal ratios compare equal and ties stay ties.
                    ratio: value / effort,
                    quadrant: Quadrant::of(value / n, effort / n),
                }
            });
            ValueEffortResult {
                story,
                voters,
                means,
            }
        })
        .collect();
    rank_best_first(&mut rows, |r| r.means.map(|m| m.ratio));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::vote::result_order;
    use crate::domain::vote::tests::stories;

    fn ballot(candidates: &Candidates, ratings: &[(i64, i64, i64)]) -> ValueEffortBallot {
        let ratings: Vec<_> = ratings
            .iter()
            .map(|(s, v, e)| (StoryNumber(*s), *v, *e))
            .collect();
        ValueEffortBallot::new(candidates, &ratings).unwrap()
    }

    #[test]
    fn a_value_or_effort_outside_one_to_five_is_refused() {
        let candidates = stories(&[3, 7]);
        let err = ValueEffortBallot::new(&candidates, &[(StoryNumber(3), 0, 2)]).unwrap_err();
        assert_eq!(
            err.0,
            "The value must be between 1 and 5; 0 is out of range."
        );
        let err = ValueEffortBallot::new(&candidates, &[(StoryNumber(3), 2, 9)]).unwrap_err();
        assert_eq!(
            err.0,
            "The effort must be between 1 and 5; 9 is out of range."
        );
    }

    #[test]
    fn stories_rank_by_mean_value_over_mean_effort() {
        let candidates = stories(&[3, 7, 9]);
        let ballots: Ballots<_> = [
            (1, ballot(&candidates, &[(3, 2, 4), (7, 5, 1), (9, 4, 4)])),
            (2, ballot(&candidates, &[(3, 2, 2), (7, 3, 3)])),
        ]
        .into_iter()
        .collect();
        let results = tally(&candidates, &ballots);
        assert_eq!(
            result_order(&results),
            [StoryNumber(7), StoryNumber(9), StoryNumber(3)]
        );
        let top = results[0].means.unwrap();
        assert_eq!((top.value, top.effort, top.ratio), (4.0, 2.0, 2.0));
        assert_eq!(results[0].voters, 2);
        assert_eq!(
            results[1].voters, 1,
            "abstentions are left out of the means"
        );
        let last = results[2].means.unwrap();
        assert_eq!((last.value, last.effort, last.ratio), (2.0, 3.0, 2.0 / 3.0));
    }

    #[test]
    fn stories_fall_into_the_four_quadrants() {
        assert_eq!(Quadrant::of(4.5, 1.5), Quadrant::QuickWin);
        assert_eq!(Quadrant::of(4.0, 4.0), Quadrant::BigBet);
        assert_eq!(Quadrant::of(2.0, 1.0), Quadrant::FillIn);
        assert_eq!(Quadrant::of(1.5, 5.0), Quadrant::MoneyPit);
    }

    #[test]
    fn a_mean_of_exactly_three_counts_as_high() {
        assert_eq!(Quadrant::of(3.0, 2.9), Quadrant::QuickWin);
        assert_eq!(Quadrant::of(2.9, 3.0), Quadrant::MoneyPit);
        assert_eq!(Quadrant::of(3.0, 3.0), Quadrant::BigBet);
    }

    #[test]
    fn a_story_nobody_rated_has_no_means_and_comes_last() {
        let candidates = stories(&[3, 7]);
        let ballots: Ballots<_> = [(1, ballot(&candidates, &[(7, 1, 5)]))]
            .into_iter()
            .collect();
        let results = tally(&candidates, &ballots);
        assert_eq!(result_order(&results), [StoryNumber(7), StoryNumber(3)]);
        assert_eq!(results[0].means.unwrap().quadrant, Quadrant::MoneyPit);
        assert_eq!(results[1].means, None);
    }

    #[test]
    fn ties_keep_the_current_backlog_order() {
        let candidates = stories(&[9, 3, 7]);
        // #3 rates 2/1 and #7 rates 4/2: the same ratio.
        let ballots: Ballots<_> = [
            (1, ballot(&candidates, &[(7, 4, 2), (3, 2, 1), (9, 1, 1)])),
            (2, ballot(&candidates, &[(7, 4, 2)])),
        ]
        .into_iter()
        .collect();
        let order = result_order(&tally(&candidates, &ballots));
        assert_eq!(order, [StoryNumber(3), StoryNumber(7), StoryNumber(9)]);
    }
}
