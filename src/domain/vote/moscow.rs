//! MoSCoW voting: each voter calls each candidate a Must, Should, Could or Won't (or skips it).
//!
//! Stories rank by total weight (Must 3, Should 2, Could 1, Won't 0), not by mean weight: a mean
//! would put one lone Must above five Musts and a Should. So a skip counts like a Won't: no
//! support. The four counts are reported as the spread.

use std::collections::BTreeMap;

use super::{one_mark_each, rank_best_first, Ballots, Candidates, Standing};
use crate::domain::story::StoryNumber;
use crate::domain::Invalid;

/// One voter's call on one story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Moscow {
    Must,
    Should,
    Could,
    Wont,
}

impl Moscow {
    pub const ALL: [Moscow; 4] = [Moscow::Must, Moscow::Should, Moscow::Could, Moscow::Wont];

    pub fn weight(self) -> u32 {
        match self {
            Moscow::Must => 3,
            Moscow::Should => 2,
            Moscow::Could => 1,
            Moscow::Wont => 0,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Moscow::Must => "must",
            Moscow::Should => "should",
            Moscow::Could => "could",
            Moscow::Wont => "wont",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Moscow::Must => "Must",
            Moscow::Should => "Should",
            Moscow::Could => "Could",
            Moscow::Wont => "Won't",
        }
    }

    /// `must`, `Must have`, `M`, `won't`, `wont`, ... in any case.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let word = raw.trim().to_lowercase().replace(['\'', '’'], "");
        let word = word.strip_suffix(" have").unwrap_or(&word);
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == word || m.as_str()[..1] == *word)
            .ok_or_else(|| {
                Invalid::new(format!(
                    "`{}` is not a MoSCoW choice. Use Must, Should, Could or Won't.",
                    crate::domain::story::truncate_plain(raw.trim(), 40)
                ))
            })
    }
}

/// One voter's calls; a story left out is an abstention.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MoscowBallot(BTreeMap<StoryNumber, Moscow>);

impl MoscowBallot {
    pub fn new(candidates: &Candidates, calls: &[(StoryNumber, Moscow)]) -> Result<Self, Invalid> {
        one_mark_each(candidates, calls.iter().copied()).map(Self)
    }

    pub fn call_on(&self, story: StoryNumber) -> Option<Moscow> {
        self.0.get(&story).copied()
    }
}

/// How many voters made each call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MoscowCounts {
    pub must: u32,
    pub should: u32,
    pub could: u32,
    pub wont: u32,
}

impl MoscowCounts {
    fn add(&mut self, call: Moscow) {
        *match call {
            Moscow::Must => &mut self.must,
            Moscow::Should => &mut self.should,
            Moscow::Could => &mut self.could,
            Moscow::Wont => &mut self.wont,
        } += 1;
    }

    pub fn voters(&self) -> u32 {
        self.must + self.should + self.could + self.wont
    }
}

/// One row of a MoSCoW result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoscowResult {
    pub story: StoryNumber,
    /// The score: the sum of the weights of every call.
    pub weight: u32,
    pub counts: MoscowCounts,
}

impl Standing for MoscowResult {
    fn story(&self) -> StoryNumber {
        self.story
    }
}

/// Highest total weight first; ties keep the backlog order.
pub fn tally(candidates: &Candidates, ballots: &Ballots<MoscowBallot>) -> Vec<MoscowResult> {
    let mut rows: Vec<MoscowResult> = candidates
        .as_slice()
        .iter()
        .map(|&story| {
            let mut row = MoscowResult {
                story,
                weight: 0,
                counts: MoscowCounts::default(),
            };
            for call in ballots.ballots().filter_map(|b| b.call_on(story)) {
                row.weight += call.weight();
                row.counts.add(call);
            }
            row
        })
        .collect();
    rank_best_first(&mut rows, |r| Some(f64::from(r.weight)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::vote::result_order;
    use crate::domain::vote::tests::stories;
    use Moscow::*;

    fn ballot(candidates: &Candidates, calls: &[(i64, Moscow)]) -> MoscowBallot {
        let calls: Vec<_> = calls.iter().map(|(s, c)| (StoryNumber(*s), *c)).collect();
        MoscowBallot::new(candidates, &calls).unwrap()
    }

    #[test]
    fn choices_parse_from_words_and_initials() {
        assert_eq!(Moscow::parse("Must have").unwrap(), Must);
        assert_eq!(Moscow::parse("S").unwrap(), Should);
        assert_eq!(Moscow::parse("could").unwrap(), Could);
        assert_eq!(Moscow::parse("Won't").unwrap(), Wont);
        assert_eq!(Moscow::parse("wont").unwrap(), Wont);
        assert!(Moscow::parse("maybe").is_err());
        assert!(Moscow::parse("").is_err());
    }

    #[test]
    fn stories_rank_by_total_weight_not_by_mean() {
        let candidates = stories(&[3, 7]);
        // #3: one lone Must (3). #7: two Shoulds (4) — more total support.
        let ballots: Ballots<_> = [
            (1, ballot(&candidates, &[(3, Must), (7, Should)])),
            (2, ballot(&candidates, &[(7, Should)])),
        ]
        .into_iter()
        .collect();
        let results = tally(&candidates, &ballots);
        assert_eq!(result_order(&results), [StoryNumber(7), StoryNumber(3)]);
        assert_eq!(results[0].weight, 4);
        assert_eq!(results[1].weight, 3);
    }

    #[test]
    fn the_spread_counts_each_call() {
        let candidates = stories(&[3, 7]);
        let ballots: Ballots<_> = [
            (1, ballot(&candidates, &[(3, Must)])),
            (2, ballot(&candidates, &[(3, Wont)])),
            (3, ballot(&candidates, &[(3, Could)])),
            (4, ballot(&candidates, &[(3, Must)])),
        ]
        .into_iter()
        .collect();
        let results = tally(&candidates, &ballots);
        let counts = results[0].counts;
        assert_eq!(
            (counts.must, counts.should, counts.could, counts.wont),
            (2, 0, 1, 1)
        );
        assert_eq!(counts.voters(), 4);
        assert_eq!(results[0].weight, 7);
        assert_eq!(results[1].counts.voters(), 0);
    }

    #[test]
    fn ties_keep_the_current_backlog_order() {
        let candidates = stories(&[9, 3, 7]);
        // #3 (Must) and #7 (Should + Could) both weigh 3.
        let ballots: Ballots<_> = [
            (1, ballot(&candidates, &[(7, Should), (3, Must), (9, Wont)])),
            (2, ballot(&candidates, &[(7, Could)])),
        ]
        .into_iter()
        .collect();
        let order = result_order(&tally(&candidates, &ballots));
        assert_eq!(order, [StoryNumber(3), StoryNumber(7), StoryNumber(9)]);
    }
}
