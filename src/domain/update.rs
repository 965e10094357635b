//! The stakeholder update: what readers outside the team need to know, composed from plain data
//! into titled sections of text lines. Written for those readers: story titles with their
//! numbers, plain words for statuses. Fitting it into Discord's limits is the renderer's job.

pub mod weekly;

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};

use super::sprint::{progress, progress_bar, Health, Progress, ScopeAt, SprintSpan};
use super::story::{truncate_plain, Status, StoryNumber};
use super::text::one_line;
use super::wording::counted;

/// How many not-yet-started stories "Next up" shows.
pub const NEXT_UP_COUNT: usize = 5;
/// How many recent stand-ups feed "Risks and blockers".
pub const STANDUPS_CONSIDERED: usize = 3;
/// Stand-up blocker text is cut to this many characters.
pub const BLOCKER_TEXT_MAX: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryRef {
    pub number: StoryNumber,
    pub title: String,
}

/// An open story in backlog order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BacklogStory {
    pub story: StoryRef,
    pub status: Status,
    /// The assignee's display name.
    pub assignee: Option<String>,
}

/// A story that reached done or accepted since the last published update, with its status now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippedStory {
    pub story: StoryRef,
    pub status: Status,
}

/// A story waiting on unfinished stories it depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockedStory {
    pub story: StoryRef,
    pub waiting_on: Vec<(StoryRef, Status)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandupBlockers {
    pub date: NaiveDate,
    /// (member's display name, what blocks them).
    pub blockers: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SprintFacts {
    pub name: String,
    pub goal: Option<String>,
    pub span: SprintSpan,
    pub scope: ScopeAt,
    /// Before this the sprint is not judged at risk ([`progress`]).
    pub planning_ends_at: DateTime<Utc>,
}

/// Everything an update is made of. Lists may repeat stories; the update shows each once.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UpdateInput {
    pub team: String,
    pub vision: Option<String>,
    pub sprint: Option<SprintFacts>,
    pub shipped: Vec<ShippedStory>,
    /// Open stories in backlog order: the source of "In progress" and "Next up".
    pub backlog: Vec<BacklogStory>,
    /// Recent stand-ups in any order; empty when the team has no stand-up data.
    pub standups: Vec<StandupBlockers>,
    pub blocked: Vec<BlockedStory>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub title: String,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub lines: Vec<String>,
}

impl Section {
    fn new(heading: impl Into<String>, lines: Vec<String>) -> Self {
        Self {
            heading: heading.into(),
            lines,
        }
    }
}

/// Composes the update at `now`: vision, sprint, shipped, in progress, next up, risks.
pub fn compose(input: &UpdateInput, now: DateTime<Utc>) -> Update {
    let sprint = input
        .sprint
        .as_ref()
        .map(|s| (s, progress(&s.span, s.scope, now, s.planning_ends_at)));
    // Story numbers already listed (StoryNumber is not Hash; its inner number is).
    let mut shown = HashSet::new();
    let mut sections = Vec::new();
    if let Some(vision) = &input.vision {
        sections.push(Section::new("Vision", vec![vision.clone()]));
    }
    sections.push(Section::new("Sprint", sprint_lines(sprint, now)));
    sections.push(shipped_section(&input.shipped, &mut shown));
    sections.push(in_progress_section(&input.backlog, &mut shown));
    sections.push(next_up_section(&input.backlog, &mut shown));
    sections.push(risks_section(input, sprint));
    Update {
        title: format!("Update from {}", input.team),
        sections,
    }
}

/// Words for readers outside the team.
pub fn plain_status(status: Status) -> &'static str {
    match status {
        Status::New => "not started",
        Status::Ready => "ready to start",
        Status::InProgress => "in progress",
        Status::Review => "in review",
        Status::Done => "finished, awaiting sign-off",
        Status::Accepted => "accepted",
        Status::Archived => "dropped",
    }
}

fn name(story: &StoryRef) -> String {
    format!("{} ({})", story.title, story.number)
}

fn or_else(lines: Vec<String>, empty: &str) -> Vec<String> {
    if lines.is_empty() {
        vec![empty.to_string()]
    } else {
        lines
    }
}

fn sprint_lines(sprint: Option<(&SprintFacts, Progress)>, now: DateTime<Utc>) -> Vec<String> {
    let Some((sprint, p)) = sprint else {
        return vec!["No sprint is running.".to_string()];
    };
    let span = &sprint.span;
    let left = span.days_left(now);
    let when = if now < span.starts_at() {
        format!(
            "Starts on {}, runs {}.",
            span.start(),
            counted(span.days(), "day", "days")
        )
    } else if left == 0 {
        format!("Ended on {}; the team is wrapping it up.", span.last_day())
    } else {
        let day = span.days() - left + 1;
        format!(
            "Day {day} of {}, {} left.",
            span.days(),
            counted(left, "day", "days")
        )
    };
    let bar = progress_bar(p.done, p.total, 10);
    vec![
        match &sprint.goal {
            Some(goal) => format!("{}: {goal}", sprint.name),
            None => sprint.name.clone(),
        },
        when,
        format!(
            "{} of {} done {bar}",
            p.done,
            counted(p.total, "point", "points")
        ),
        match p.health {
            Health::OnTrack => "On track.".to_string(),
            Health::AtRisk => "At risk: finished work is more than 20% behind plan.".to_string(),
        },
    ]
}

/// Accepted stories first, then done ones, each once; stories reopened since are left out.
fn shipped_section(shipped: &[ShippedStory], shown: &mut HashSet<i64>) -> Section {
    let mut lines = Vec::new();
    for status in [Status::Accepted, Status::Done] {
        for s in shipped.iter().filter(|s| s.status == status) {
            if shown.insert(s.story.number.0) {
                lines.push(format!("{}, {}", name(&s.story), plain_status(s.status)));
            }
        }
    }
    let empty = "Nothing new has shipped since the last update.";
    Section::new("Shipped since the last update", or_else(lines, empty))
}

fn in_progress_section(backlog: &[BacklogStory], shown: &mut HashSet<i64>) -> Section {
    let lines = backlog
        .iter()
        .filter(|b| matches!(b.status, Status::InProgress | Status::Review))
        .filter(|b| shown.insert(b.story.number.0))
        .map(|b| {
            let review = if b.status == Status::Review {
                ", in review"
            } else {
                ""
            };
            let who = b
                .assignee
                .as_ref()
                .map(|a| format!(" ({a})"))
                .unwrap_or_default();
            format!("{}{review}{who}", name(&b.story))
        })
        .collect();
    Section::new(
        "In progress",
        or_else(lines, "No work is in progress right now."),
    )
}

/// The top of the backlog that has not started yet.
fn next_up_section(backlog: &[BacklogStory], shown: &mut HashSet<i64>) -> Section {
    let lines = backlog
        .iter()
        .filter(|b| matches!(b.status, Status::New | Status::Ready))
        .filter(|b| shown.insert(b.story.number.0))
        .take(NEXT_UP_COUNT)
        .map(|b| name(&b.story))
        .collect();
    Section::new(
        "Next up",
        or_else(lines, "Nothing is waiting to be started."),
    )
}

fn risks_section(input: &UpdateInput, sprint: Option<(&SprintFacts, Progress)>) -> Section {
    let mut lines = Vec::new();
    if let Some((sprint, p)) = sprint.filter(|(_, p)| p.health == Health::AtRisk) {
        lines.push(format!(
            "{} is behind plan: about {} planned by now, {} done ({} in all).",
            sprint.name,
            counted(p.ideal_done.round() as u32, "point", "points"),
            p.done,
            p.total
        ));
    }
    lines.extend(input.blocked.iter().map(blocked_line));
    lines.extend(standup_blocker_lines(&input.standups));
    if lines.is_empty() {
        lines.push("No known risks or blockers.".to_string());
    }
    if input.standups.is_empty() {
        lines.push(
            "There is no stand-up data yet, so blockers raised at stand-ups are not included."
                .to_string(),
        );
    }
    Section::new("Risks and blockers", lines)
}

fn blocked_line(blocked: &BlockedStory) -> String {
    let on: Vec<String> = blocked
        .waiting_on
        .iter()
        .map(|(story, status)| format!("{}, {}", name(story), plain_status(*status)))
        .collect();
    format!("{} is waiting on {}.", name(&blocked.story), on.join("; "))
}

/// Blockers of the latest stand-ups, newest first.
fn standup_blocker_lines(standups: &[StandupBlockers]) -> Vec<String> {
    let mut recent: Vec<&StandupBlockers> = standups.iter().collect();
    recent.sort_by_key(|s| std::cmp::Reverse(s.date));
    recent
        .into_iter()
        .take(STANDUPS_CONSIDERED)
        .flat_map(|s| {
            s.blockers.iter().map(move |(who, text)| {
                let text = truncate_plain(&one_line(text), BLOCKER_TEXT_MAX);
                format!(
                    "{who} at the stand-up of {}: {text}",
                    s.date.format("%a %-d %b")
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
