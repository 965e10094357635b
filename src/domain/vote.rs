//! Priority votes: the candidates, the ballot box, and what every method shares.
//!
//! Each method (dots, score, MoSCoW, value/effort) has its own module with its ballot type and
//! its tally. Tallies rank best first and are stable, so ties keep the current backlog order.

pub mod dots;
pub mod moscow;
pub mod score;
pub mod value_effort;

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};

use super::story::StoryNumber;
use super::Invalid;

/// A ballot lists each candidate as one option of a Discord select menu, which holds at most 25.
pub const CANDIDATES_MAX: usize = 25;
/// Enough for any team; keeps a ballot readable and its sums small.
pub const DOTS_PER_VOTER_MAX: u32 = 100;

/// How a vote is cast and counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Dots,
    Score,
    Moscow,
    ValueEffort,
}

impl Method {
    pub const ALL: [Method; 4] = [
        Method::Dots,
        Method::Score,
        Method::Moscow,
        Method::ValueEffort,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Dots => "dots",
            Method::Score => "score",
            Method::Moscow => "moscow",
            Method::ValueEffort => "value_effort",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let wanted = raw.trim().to_lowercase().replace([' ', '-', '/'], "_");
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == wanted)
            .ok_or_else(|| {
                Invalid::new(format!(
                    "`{}` is not a vote method. Use one of: dots, score, moscow, value_effort.",
                    super::story::truncate_plain(raw.trim(), 40)
                ))
            })
    }
}

/// The stories a vote is about, in current backlog order, each once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidates(Vec<StoryNumber>);

impl Candidates {
    /// `stories` must already be in backlog order: that order breaks every tie.
    pub fn new(stories: Vec<StoryNumber>) -> Result<Self, Invalid> {
        let mut seen = HashSet::new();
        if let Some(twice) = stories.iter().find(|s| !seen.insert(**s)) {
            return Err(Invalid::new(format!(
                "{twice} is listed twice. Name each story once."
            )));
        }
        match stories.len() {
            0 | 1 => Err(Invalid::new(
                "A vote needs at least two stories. Name them like `#3 #7 #9`, or add stories to the backlog first.",
            )),
            n if n > CANDIDATES_MAX => Err(Invalid::new(format!(
                "That is {n} stories; a vote can have at most {CANDIDATES_MAX}."
            ))),
            _ => Ok(Self(stories)),
        }
    }

    pub fn as_slice(&self) -> &[StoryNumber] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, story: StoryNumber) -> bool {
        self.0.contains(&story)
    }

    /// The `dots` option of `/vote start`: as asked, else [`default_dots`].
    pub fn dots_per_voter(&self, requested: Option<i64>) -> Result<u32, Invalid> {
        match requested {
            None => Ok(default_dots(self.len())),
            Some(n) if (1..=i64::from(DOTS_PER_VOTER_MAX)).contains(&n) => Ok(n as u32),
            Some(n) => Err(Invalid::new(format!(
                "Dots per voter must be between 1 and {DOTS_PER_VOTER_MAX}; {n} is out of range."
            ))),
        }
    }

    /// Refuses a story that is not on the ballot, naming the ones that are.
    fn check(&self, story: StoryNumber) -> Result<(), Invalid> {
        if self.contains(story) {
            return Ok(());
        }
        let names: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        Err(Invalid::new(format!(
            "{story} is not on this ballot. The candidates are {}.",
            names.join(", ")
        )))
    }
}

/// Dots per voter when `/vote start` does not say: a third of the candidates, at least one.
pub fn default_dots(candidates: usize) -> u32 {
    u32::try_from(candidates / 3).unwrap_or(u32::MAX).max(1)
}

/// A rating from 1 to 5 (a score, a value or an effort).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rating(u8);

impl Rating {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 5;

    /// `what` names the rating in the message ("score", "value", "effort").
    pub fn parse(value: i64, what: &str) -> Result<Self, Invalid> {
        if (i64::from(Self::MIN)..=i64::from(Self::MAX)).contains(&value) {
            Ok(Self(value as u8))
        } else {
            Err(Invalid::new(format!(
                "The {what} must be between 1 and 5; {value} is out of range."
            )))
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// Every voter's ballot, one per voter: casting again replaces the earlier ballot, so a tally
/// can never count anyone twice.
#[derive(Debug, Clone, PartialEq)]
pub struct Ballots<B>(BTreeMap<u64, B>);

impl<B> Default for Ballots<B> {
    fn default() -> Self {
        Self(BTreeMap::new())
    }
}

impl<B> Ballots<B> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `voter`'s ballot; returns the one it replaces.
    pub fn cast(&mut self, voter: u64, ballot: B) -> Option<B> {
        self.0.insert(voter, ballot)
    }

    /// How many people have voted.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Who has voted (shown on the card; what they voted stays secret).
    pub fn voters(&self) -> impl Iterator<Item = u64> + '_ {
        self.0.keys().copied()
    }

    pub fn get(&self, voter: u64) -> Option<&B> {
        self.0.get(&voter)
    }

    fn ballots(&self) -> impl Iterator<Item = &B> {
        self.0.values()
    }
}

/// The last ballot of each voter wins, as if cast one after another.
impl<B> FromIterator<(u64, B)> for Ballots<B> {
    fn from_iter<I: IntoIterator<Item = (u64, B)>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

/// One row of a result table.
pub trait Standing {
    fn story(&self) -> StoryNumber;
}

/// The stories of a result, best first: what **Apply to backlog** applies.
pub fn result_order<R: Standing>(results: &[R]) -> Vec<StoryNumber> {
    results.iter().map(Standing::story).collect()
}

/// Sorts best first by `score` (higher wins; `None`, nobody rated it, goes last).
/// `sort_by` is stable, so rows that tie keep the order they came in: the backlog order.
fn rank_best_first<R>(rows: &mut [R], score: impl Fn(&R) -> Option<f64>) {
    rows.sort_by(|a, b| match (score(a), score(b)) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    });
}

/// Checks a ballot's entries: each story on the ballot, each at most once.
fn one_mark_each<M>(
    candidates: &Candidates,
    marks: impl IntoIterator<Item = (StoryNumber, M)>,
) -> Result<BTreeMap<StoryNumber, M>, Invalid> {
    let mut out = BTreeMap::new();
    for (story, mark) in marks {
        candidates.check(story)?;
        if out.insert(story, mark).is_some() {
            return Err(Invalid::new(format!(
                "{story} appears twice on this ballot. Rate each story once."
            )));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn stories(numbers: &[i64]) -> Candidates {
        Candidates::new(numbers.iter().map(|n| StoryNumber(*n)).collect()).unwrap()
    }

    #[test]
    fn default_dots_are_a_third_of_the_candidates_and_at_least_one() {
        assert_eq!(default_dots(0), 1);
        assert_eq!(default_dots(2), 1);
        assert_eq!(default_dots(3), 1);
        assert_eq!(default_dots(10), 3);
        assert_eq!(default_dots(25), 8);
    }

    #[test]
    fn dots_per_voter_default_or_must_be_in_range() {
        let candidates = stories(&[1, 2, 3, 4, 5, 6]);
        assert_eq!(candidates.dots_per_voter(None).unwrap(), 2);
        assert_eq!(candidates.dots_per_voter(Some(5)).unwrap(), 5);
        assert!(candidates.dots_per_voter(Some(0)).is_err());
        assert!(candidates.dots_per_voter(Some(101)).is_err());
    }

    #[test]
    fn candidates_are_unique_and_between_two_and_twenty_five() {
        let err = Candidates::new(vec![StoryNumber(3), StoryNumber(3)]).unwrap_err();
        assert_eq!(err.0, "#3 is listed twice. Name each story once.");
        assert!(Candidates::new(vec![StoryNumber(3)]).is_err());
        assert!(Candidates::new((1..=25).map(StoryNumber).collect()).is_ok());
        assert!(Candidates::new((1..=26).map(StoryNumber).collect()).is_err());
    }

    #[test]
    fn methods_parse_by_name() {
        assert_eq!(Method::parse("Value-Effort").unwrap(), Method::ValueEffort);
        assert_eq!(Method::parse(" moscow ").unwrap(), Method::Moscow);
        assert!(Method::parse("ranked").is_err());
    }

    #[test]
    fn ratings_go_from_one_to_five() {
        assert_eq!(Rating::parse(1, "score").unwrap().get(), 1);
        assert_eq!(Rating::parse(5, "score").unwrap().get(), 5);
        let err = Rating::parse(6, "score").unwrap_err();
        assert_eq!(
            err.0,
            "The score must be between 1 and 5; 6 is out of range."
        );
        assert!(Rating::parse(0, "effort").is_err());
    }

    #[test]
    fn casting_again_replaces_the_earlier_ballot() {
        let mut ballots = Ballots::new();
        assert_eq!(ballots.cast(7, "first"), None);
        assert_eq!(ballots.cast(7, "second"), Some("first"));
        assert_eq!(ballots.len(), 1);
        assert_eq!(ballots.get(7), Some(&"second"));
        let collected: Ballots<&str> = [(1, "a"), (2, "b"), (1, "c")].into_iter().collect();
        assert_eq!(collected.voters().collect::<Vec<_>>(), [1, 2]);
        assert_eq!(collected.get(1), Some(&"c"));
    }

    #[test]
    fn an_unknown_candidate_is_named_with_the_real_ones() {
        let err = stories(&[3, 7]).check(StoryNumber(12)).unwrap_err();
        assert_eq!(
            err.0,
            "#12 is not on this ballot. The candidates are #3, #7."
        );
    }

    #[test]
    fn ranking_is_best_first_with_unrated_last_and_ties_in_backlog_order() {
        let mut rows = vec![(1, Some(2.0)), (2, None), (3, Some(4.0)), (4, Some(2.0))];
        rank_best_first(&mut rows, |r| r.1);
        let order: Vec<i32> = rows.iter().map(|r| r.0).collect();
        assert_eq!(order, [3, 1, 4, 2]);
    }
}
