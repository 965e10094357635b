//! The checks of a backup document beyond its stories: dependency circles, sprints, votes,
//! poker rounds, stand-ups and updates (statuses, dates, times, zones). Pure.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::Problems;
use crate::backup::{StandupDoc, TeamDoc};
use crate::domain::dependency::{path_text, Dependency};
use crate::domain::poker::Scale;
use crate::domain::schedule::Schedule;
use crate::domain::story::StoryNumber;
use crate::domain::team::Timezone;
use crate::domain::vote::Method;

fn is_date(text: &str) -> bool {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

fn is_local_time(text: &str) -> bool {
    text.len() == 5 && chrono::NaiveTime::parse_from_str(text, "%H:%M").is_ok()
}

/// Refuses dependencies that go round in a circle, naming one circle. Whether there is one is
/// found in one pass over the graph (stories with nothing left to wait on are peeled off);
/// only then are the edges replayed to name it.
pub(super) fn check_cycles(at: &str, team: &TeamDoc, problems: &mut Problems) {
    let edges: Vec<Dependency> = team
        .stories
        .iter()
        .flat_map(|s| {
            s.blocked_by
                .iter()
                .map(move |d| Dependency::new(StoryNumber(s.number), StoryNumber(d.story)))
        })
        .collect();
    let mut waiting: HashMap<StoryNumber, usize> = HashMap::new();
    let mut blocks: HashMap<StoryNumber, Vec<StoryNumber>> = HashMap::new();
    for edge in &edges {
        *waiting.entry(edge.story).or_default() += 1;
        blocks.entry(edge.on).or_default().push(edge.story);
    }
    let mut free: Vec<StoryNumber> = blocks
        .keys()
        .filter(|n| !waiting.contains_key(n))
        .copied()
        .collect();
    while let Some(done) = free.pop() {
        for next in blocks.get(&done).into_iter().flatten() {
            let left = waiting.get_mut(next).expect("counted above");
            *left -= 1;
            if *left == 0 {
                waiting.remove(next);
                free.push(*next);
            }
        }
    }
    if waiting.is_empty() {
        return;
    }
    let mut seen = Vec::with_capacity(edges.len());
    for edge in edges {
        if let Some(cycle) = edge.cycle_with(&seen) {
            let text = format!(
                "the dependencies go round in a circle: {}",
                path_text(&cycle)
            );
            problems.add(at, text);
            return;
        }
        seen.push(edge);
    }
}

pub(super) fn check_activity(at: &str, team: &TeamDoc, problems: &mut Problems) {
    let mut sprint_numbers = HashSet::new();
    for sprint in &team.sprints {
        if !sprint_numbers.insert(sprint.number) {
            problems.add(at, format!("sprint {} appears twice", sprint.number));
        }
        if !matches!(sprint.status.as_str(), "active" | "closed") || !is_date(&sprint.start_date) {
            problems.add(
                at,
                format!("sprint {} has a bad status or date", sprint.number),
            );
        }
    }
    let active = team.sprints.iter().filter(|s| s.status == "active").count();
    let open = team.votes.iter().filter(|v| v.status == "open").count();
    if active > 1 || open > 1 {
        problems.add(at, "a team has at most one active sprint and one open vote");
    }
    for vote in &team.votes {
        if Method::parse(&vote.method).map_or(true, |m| m.as_str() != vote.method)
            || !matches!(vote.status.as_str(), "open" | "closed" | "cancelled")
        {
            problems.add(at, "a vote has a bad method or status");
        }
    }
    for round in &team.poker_rounds {
        if Scale::parse(&round.scale).map_or(true, |m| m.as_str() != round.scale)
            || !matches!(
                round.status.as_str(),
                "open" | "revealed" | "accepted" | "replaced"
            )
        {
            problems.add(at, "a poker round has a bad scale or status");
        }
    }
    check_standup(at, &team.standup, problems);
    for update in &team.updates {
        if !matches!(update.status.as_str(), "draft" | "published" | "cancelled") {
            problems.add(at, "a stakeholder update has a bad status");
        }
    }
    if let Some(schedule) = &team.update_schedule {
        if !(0..=6).contains(&schedule.weekday)
            || !is_local_time(&schedule.local_time)
            || Timezone::parse(&schedule.timezone).is_err()
            || !is_date(&schedule.last_published_date)
        {
            problems.add(at, "the update schedule has a bad day, time, zone or date");
        }
    }
}

/// A schedule goes through the store's own reading of its row (`Schedule::from_stored`), so an
/// import cannot write one the scheduler fails to decode.
fn check_standup(at: &str, standup: &StandupDoc, problems: &mut Problems) {
    if let Some(schedule) = &standup.schedule {
        if !is_local_time(&schedule.local_time)
            || Timezone::parse(&schedule.timezone).is_err()
            || !is_date(&schedule.last_handled)
            || !schedule.paused_until.as_deref().is_none_or(is_date)
        {
            problems.add(at, "the stand-up schedule has a bad time, zone or date");
        } else if let Err(e) = Schedule::from_stored(
            &schedule.local_time,
            &schedule.timezone,
            schedule.days,
            schedule.window_minutes,
            schedule.reminder_minutes,
        ) {
            problems.add(at, format!("the stand-up schedule is refused: {}", e.0));
        }
    }
    let dates = standup.skips.iter().map(String::as_str).chain(
        standup
            .away
            .iter()
            .flat_map(|a| [a.from_date.as_str(), a.to_date.as_str()]),
    );
    for date in dates {
        if !is_date(date) {
            problems.add(at, format!("{date:?} is not a YYYY-MM-DD date"));
        }
    }
    let mut days = HashSet::new();
    for day in &standup.days {
        if !is_date(&day.date) || !days.insert(day.date.as_str()) {
            problems.add(
                at,
                format!("stand-up day {:?} is bad or repeated", day.date),
            );
        }
        if !matches!(day.status.as_str(), "open" | "closed" | "skipped") {
            problems.add(at, format!("stand-up day {} has a bad status", day.date));
        }
    }
}
