//! From stored marks to the domain's ballots and tallies: checks a ballot before it is
//! submitted, and turns every submitted ballot into result lines (best first, ties in backlog
//! order, as the domain ranks them).

use std::collections::BTreeMap;

use crate::domain::story::StoryNumber;
use crate::domain::vote::dots::{self, DotsBallot};
use crate::domain::vote::moscow::{self, Moscow, MoscowBallot};
use crate::domain::vote::score::{self, ScoreBallot};
use crate::domain::vote::value_effort::{self, ValueEffortBallot};
use crate::domain::vote::{Ballots, Candidates, Method};
use crate::domain::wording::counted;
use crate::domain::Invalid;
use crate::render::charts::MatrixPoint;
use crate::render::vote::ResultLine;
use crate::store::votes::{Mark, Vote};

/// One voter's marks as the domain's ballot of the vote's method.
enum Ballot {
    Dots(DotsBallot),
    Score(ScoreBallot),
    Moscow(MoscowBallot),
    ValueEffort(ValueEffortBallot),
}

fn candidates_of(vote: &Vote) -> Result<Candidates, Invalid> {
    Candidates::new(vote.candidates.clone())
}

fn moscow_call(index: i64) -> Result<Moscow, Invalid> {
    usize::try_from(index)
        .ok()
        .and_then(|i| Moscow::ALL.get(i).copied())
        .ok_or_else(|| Invalid::new("That MoSCoW call is not one of Must, Should, Could, Won't."))
}

fn ballot(vote: &Vote, candidates: &Candidates, marks: &[Mark]) -> Result<Ballot, Invalid> {
    Ok(match vote.method {
        Method::Dots => {
            let placed: Vec<(StoryNumber, u32)> = marks
                .iter()
                .filter_map(|m| Some((m.story, u32::try_from(m.first?).ok()?)))
                .collect();
            Ballot::Dots(DotsBallot::new(candidates, vote.dots_per_voter, &placed)?)
        }
        Method::Score => {
            let scores: Vec<(StoryNumber, i64)> = marks
                .iter()
                .filter_map(|m| Some((m.story, m.first?)))
                .collect();
            Ballot::Score(ScoreBallot::new(candidates, &scores)?)
        }
        Method::Moscow => {
            let mut calls = Vec::new();
            for mark in marks {
                if let Some(index) = mark.first {
                    calls.push((mark.story, moscow_call(index)?));
                }
            }
            Ballot::Moscow(MoscowBallot::new(candidates, &calls)?)
        }
        Method::ValueEffort => {
            let mut ratings = Vec::new();
            for mark in marks {
                match (mark.first, mark.second) {
                    (Some(value), Some(effort)) => ratings.push((mark.story, value, effort)),
                    (None, None) => {}
                    _ => {
                        return Err(Invalid::new(format!(
                            "{} has only a value or only an effort. Rate both, or press the chosen one again to clear it.",
                            mark.story
                        )))
                    }
                }
            }
            Ballot::ValueEffort(ValueEffortBallot::new(candidates, &ratings)?)
        }
    })
}

/// Refuses a ballot the vote cannot count, with a message for the voter.
pub fn check_ballot(vote: &Vote, marks: &[Mark]) -> Result<(), Invalid> {
    let candidates = candidates_of(vote)?;
    ballot(vote, &candidates, marks)?;
    let marked = marks.iter().any(|m| {
        m.first
            .is_some_and(|f| vote.method != Method::Dots || f > 0)
    });
    if !marked {
        return Err(Invalid::new(
            "Your ballot is empty. Mark at least one story, then submit.",
        ));
    }
    Ok(())
}

/// Every voter's marks as a ballot; ballots that no longer parse are left out.
fn parsed_ballots(
    vote: &Vote,
    candidates: &Candidates,
    marks: &[(u64, Mark)],
) -> impl Iterator<Item = (u64, Ballot)> {
    let mut by_voter: BTreeMap<u64, Vec<Mark>> = BTreeMap::new();
    for (voter, mark) in marks {
        by_voter.entry(*voter).or_default().push(*mark);
    }
    by_voter
        .into_iter()
        .filter_map(|(voter, marks)| Some((voter, ballot(vote, candidates, &marks).ok()?)))
        .collect::<Vec<_>>()
        .into_iter()
}

/// The points of a value/effort vote's matrix: each rated story at its mean value and effort.
/// Empty for other methods and for stories everyone skipped.
pub fn matrix_points(vote: &Vote, marks: &[(u64, Mark)]) -> Vec<MatrixPoint> {
    let Ok(candidates) = candidates_of(vote) else {
        return Vec::new();
    };
    if vote.method != Method::ValueEffort {
        return Vec::new();
    }
    let ballots: Ballots<_> = parsed_ballots(vote, &candidates, marks)
        .filter_map(|(voter, b)| match b {
            Ballot::ValueEffort(b) => Some((voter, b)),
            _ => None,
        })
        .collect();
    value_effort::tally(&candidates, &ballots)
        .into_iter()
        .filter_map(|r| {
            let means = r.means?;
            Some(MatrixPoint {
                story: u32::try_from(r.story.0).ok()?,
                mean_value: means.value,
                mean_effort: means.effort,
            })
        })
        .collect()
}

/// The result lines of a vote from every submitted mark, best first. Ballots that no longer
/// parse (which the submit check prevents) are left out rather than failing the close.
pub fn tally(vote: &Vote, marks: &[(u64, Mark)]) -> Vec<ResultLine> {
    let Ok(candidates) = candidates_of(vote) else {
        return Vec::new();
    };
    let parsed = parsed_ballots(vote, &candidates, marks);
    macro_rules! ballots_of {
        ($variant:ident) => {
            parsed
                .filter_map(|(voter, b)| match b {
                    Ballot::$variant(b) => Some((voter, b)),
                    _ => None,
                })
                .collect::<Ballots<_>>()
        };
    }
    match vote.method {
        Method::Dots => dots::tally(&candidates, &ballots_of!(Dots))
            .into_iter()
            .map(|r| ResultLine {
                story: r.story,
                score: counted(r.dots, "dot", "dots"),
                spread: format!("from {}", counted(r.voters, "voter", "voters")),
            })
            .collect(),
        Method::Score => score::tally(&candidates, &ballots_of!(Score))
            .into_iter()
            .map(|r| ResultLine {
                story: r.story,
                score: r
                    .mean
                    .map_or("no scores".to_string(), |m| format!("{m:.1} / 5")),
                spread: score_spread(&r),
            })
            .collect(),
        Method::Moscow => moscow::tally(&candidates, &ballots_of!(Moscow))
            .into_iter()
            .map(|r| ResultLine {
                story: r.story,
                score: format!("weight {}", r.weight),
                spread: format!(
                    "M {} · S {} · C {} · W {}",
                    r.counts.must, r.counts.should, r.counts.could, r.counts.wont
                ),
            })
            .collect(),
        Method::ValueEffort => value_effort::tally(&candidates, &ballots_of!(ValueEffort))
            .into_iter()
            .map(|r| match r.means {
                Some(m) => ResultLine {
                    story: r.story,
                    score: format!("value/effort {:.2}", m.ratio),
                    spread: format!(
                        "value {:.1} · effort {:.1} · {} · {}",
                        m.value,
                        m.effort,
                        m.quadrant.label(),
                        counted(r.voters, "voter", "voters")
                    ),
                },
                None => ResultLine {
                    story: r.story,
                    score: "not rated".to_string(),
                    spread: String::new(),
                },
            })
            .collect(),
    }
}

fn score_spread(result: &score::ScoreResult) -> String {
    if result.voters() == 0 {
        return String::new();
    }
    let counts: Vec<String> = (1..=5)
        .zip(result.distribution)
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{s}×{n}"))
        .collect();
    format!(
        "{} (range {}-{})",
        counts.join(" "),
        result.min().unwrap_or(0),
        result.max().unwrap_or(0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::votes::VoteStatus;

    fn vote(method: Method) -> Vote {
        Vote {
            id: 1,
            guild_id: 1,
            team_id: 1,
            method,
            dots_per_voter: 3,
            status: VoteStatus::Open,
            opened_by: 1,
            opened_at: 0,
            closes_at: 10,
            closed_at: None,
            closed_by: None,
            channel_id: 1,
            card: None,
            results_posted: false,
            applied_at: None,
            candidates: vec![StoryNumber(3), StoryNumber(7), StoryNumber(9)],
        }
    }

    fn mark(story: i64, first: i64, second: Option<i64>) -> Mark {
        Mark {
            story: StoryNumber(story),
            first: Some(first),
            second,
        }
    }

    #[test]
    fn an_empty_ballot_is_refused() {
        let err = check_ballot(&vote(Method::Score), &[]).unwrap_err();
        assert!(err.0.contains("empty"), "{err}");
    }

    #[test]
    fn a_half_rated_value_effort_story_is_refused_by_name() {
        let half = Mark {
            story: StoryNumber(7),
            first: Some(4),
            second: None,
        };
        let err = check_ballot(&vote(Method::ValueEffort), &[half]).unwrap_err();
        assert!(err.0.starts_with("#7 has only a value"), "{err}");
    }

    #[test]
    fn too_many_dots_are_refused() {
        let err =
            check_ballot(&vote(Method::Dots), &[mark(3, 2, None), mark(9, 2, None)]).unwrap_err();
        assert!(err.0.contains("4 dots but have 3"), "{err}");
    }

    #[test]
    fn moscow_results_rank_by_weight_with_the_spread() {
        let marks = [
            (1, mark(9, 0, None)),
            (2, mark(9, 1, None)),
            (2, mark(3, 3, None)),
        ];
        let lines = tally(&vote(Method::Moscow), &marks);
        assert_eq!(lines[0].story, StoryNumber(9));
        assert_eq!(lines[0].score, "weight 5");
        assert_eq!(lines[0].spread, "M 1 · S 1 · C 0 · W 0");
        // #3 (one Won't) and #7 (no calls) tie at 0 and keep the backlog order.
        assert_eq!(lines[1].story, StoryNumber(3));
        assert_eq!(lines[2].story, StoryNumber(7));
    }

    #[test]
    fn value_effort_matrix_points_are_the_means_of_rated_stories() {
        let marks = [
            (1, mark(7, 5, Some(1))),
            (2, mark(7, 4, Some(2))),
            (2, mark(9, 2, Some(5))),
        ];
        let points = matrix_points(&vote(Method::ValueEffort), &marks);
        assert_eq!(
            points,
            [
                MatrixPoint {
                    story: 7,
                    mean_value: 4.5,
                    mean_effort: 1.5
                },
                MatrixPoint {
                    story: 9,
                    mean_value: 2.0,
                    mean_effort: 5.0
                },
            ]
        );
        assert!(matrix_points(&vote(Method::Score), &[(1, mark(7, 5, None))]).is_empty());
    }

    #[test]
    fn score_results_show_the_mean_and_the_distribution() {
        let marks = [(1, mark(7, 5, None)), (2, mark(7, 2, None))];
        let lines = tally(&vote(Method::Score), &marks);
        assert_eq!(lines[0].story, StoryNumber(7));
        assert_eq!(lines[0].score, "3.5 / 5");
        assert_eq!(lines[0].spread, "2×1 5×1 (range 2-5)");
    }
}
