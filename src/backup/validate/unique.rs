//! Refuses a key that appears twice where the database keeps it unique (members, criterion
//! positions, dependencies, vote candidates, ballots, marks, poker votes, holidays, answers),
//! naming the item, so a hand-edited document is refused with a clear message instead of
//! reaching SQLite's constraint error halfway through the import. Pure.

use std::collections::HashSet;
use std::hash::Hash;

use super::Problems;
use crate::backup::{BallotDoc, TeamDoc};

/// Adds `problem(key)` for the first repeat of each key.
fn once<K: Eq + Hash>(
    keys: impl IntoIterator<Item = K>,
    problems: &mut Problems,
    at: &str,
    problem: impl Fn(&K) -> String,
) {
    let mut seen = HashSet::new();
    let mut told = HashSet::new();
    for key in keys {
        if seen.contains(&key) {
            if !told.contains(&key) {
                problems.add(at, problem(&key));
                told.insert(key);
            }
        } else {
            seen.insert(key);
        }
    }
}

pub(super) fn check_unique(at: &str, team: &TeamDoc, problems: &mut Problems) {
    once(
        team.members.iter().map(|m| m.user_id.0),
        problems,
        at,
        |u| format!("member {u} is listed twice"),
    );
    for story in &team.stories {
        let n = story.number;
        once(
            story.criteria.iter().map(|c| c.position),
            problems,
            at,
            |p| format!("story #{n} has two acceptance criteria at position {p}"),
        );
        once(
            story.blocked_by.iter().map(|d| d.story),
            problems,
            at,
            |d| format!("story #{n} depends on #{d} twice"),
        );
    }
    for (i, vote) in team.votes.iter().enumerate() {
        let vote_at = format!("{at}, vote {}", i + 1);
        ballots(&vote_at, "ballot", &vote.ballots, problems);
        ballots(&vote_at, "draft ballot", &vote.drafts, problems);
    }
    for round in &team.poker_rounds {
        let keys = round.votes.iter().map(|v| (v.round_number, v.voter_id.0));
        once(keys, problems, at, |(r, u)| {
            format!(
                "the poker round of #{} has two votes of {u} in round {r}",
                round.story
            )
        });
    }
    once(team.standup.skips.iter(), problems, at, |d| {
        format!("stand-up holiday {d} is listed twice")
    });
    for day in &team.standup.days {
        once(day.answers.iter().map(|a| a.user_id.0), problems, at, |u| {
            format!("stand-up day {} has two answers of {u}", day.date)
        });
    }
}

fn ballots(at: &str, what: &str, ballots: &[BallotDoc], problems: &mut Problems) {
    once(ballots.iter().map(|b| b.voter_id.0), problems, at, |u| {
        format!("{u} has two {what}s")
    });
    for ballot in ballots {
        let voter = ballot.voter_id.0;
        once(ballot.marks.iter().map(|m| m.story), problems, at, |s| {
            format!("the {what} of {voter} marks #{s} twice")
        });
    }
}
