//! Checks a backup document before anything is written: the format marker and version, the
//! domain's limits (titles, details, labels, criteria, points, statuses, time zones, dates),
//! backlog keys `/story rank` can place between (`validate/ranks.rs`), and that every story
//! number a dependency, sprint, vote or poker round names exists in its team. Pure: no I/O.
//! What only the database knows (a team name already taken) is checked by the import inside its
//! write transaction.

use std::collections::HashSet;

use super::{Document, StoryDoc, TeamDoc, FORMAT, VERSION};
use crate::domain::story::{
    truncate_plain, Criteria, Labels, Points, Status, StoryDetails, StoryKind, StoryTitle,
    CRITERIA_MAX,
};
use crate::domain::team::{Timezone, TEAM_NAME_MAX, VISION_MAX};
use crate::domain::Invalid;

mod activity;
mod fields;
mod ranks;
mod unique;

/// At most this many problems are listed; the rest are counted.
const PROBLEMS_SHOWN: usize = 20;

/// Reads a document from JSON text: the marker and version first (so an unknown version says
/// so instead of naming a missing field), then the typed document, then [`check`].
pub fn parse(text: &str) -> Result<Document, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("the file is not JSON: {e}"))?;
    let format = value.get("format").and_then(|f| f.as_str());
    if format != Some(FORMAT) {
        return Err(format!(
            "this is not a Sprintmate export (its \"format\" is not \"{FORMAT}\")"
        ));
    }
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) => {
            return Err(format!(
                "export version {v} is not supported; this build reads version {VERSION}"
            ))
        }
        None => return Err("the export has no numeric \"version\"".to_string()),
    }
    // From the text again, not the value, so an error names its line and column.
    let document: Document =
        serde_json::from_str(text).map_err(|e| format!("the export is malformed: {e}"))?;
    check(&document)?;
    Ok(document)
}

/// Every problem of a typed document, joined one per line; `Ok` when there is none.
pub fn check(document: &Document) -> Result<(), String> {
    let mut problems = Problems::default();
    if document.format != FORMAT || document.version != VERSION {
        problems.add(
            "",
            format!("format must be \"{FORMAT}\", version {VERSION}"),
        );
    }
    if document.teams.is_empty() {
        problems.add("", "the export holds no teams");
    }
    let mut names = HashSet::new();
    let defaults = document.teams.iter().filter(|t| t.is_default).count();
    if defaults > 1 {
        problems.add(
            "",
            format!("{defaults} teams are marked default; at most one may be"),
        );
    }
    let mut channels = HashSet::new();
    for team in &document.teams {
        if !names.insert(team.name.to_lowercase()) {
            problems.add("", format!("team {:?} appears twice", team.name));
        }
        for channel in &team.channels {
            if !channels.insert(*channel) {
                problems.add("", format!("channel {channel} is linked to two teams"));
            }
        }
        check_team(team, &mut problems);
    }
    problems.into_result()
}

#[derive(Default)]
pub(super) struct Problems(Vec<String>);

impl Problems {
    pub(super) fn add(&mut self, at: &str, problem: impl Into<String>) {
        let problem = problem.into();
        self.0.push(if at.is_empty() {
            problem
        } else {
            format!("{at}: {problem}")
        });
    }

    fn into_result(self) -> Result<(), String> {
        if self.0.is_empty() {
            return Ok(());
        }
        let mut text = self.0[..self.0.len().min(PROBLEMS_SHOWN)].join("\n");
        if self.0.len() > PROBLEMS_SHOWN {
            text.push_str(&format!("\n... and {} more", self.0.len() - PROBLEMS_SHOWN));
        }
        Err(text)
    }
}

fn check_team(team: &TeamDoc, problems: &mut Problems) {
    let at = format!("team {:?}", team.name);
    // A default team named after its guild may carry " (default)" beyond the usual limit.
    let name_len = team.name.trim().chars().count();
    if name_len == 0 || name_len > TEAM_NAME_MAX + " (default)".len() {
        problems.add(&at, "the name must have 1-50 characters");
    }
    if let Err(e) = Timezone::parse(&team.timezone) {
        problems.add(&at, e.0);
    }
    if team.vision.as_deref().map_or(0, |v| v.chars().count()) > VISION_MAX {
        problems.add(&at, format!("the vision is over {VISION_MAX} characters"));
    }
    let mut numbers = HashSet::new();
    for story in &team.stories {
        if !numbers.insert(story.number) {
            problems.add(&at, format!("story #{} appears twice", story.number));
        }
        if story.number < 1 || story.number >= team.next_story_number {
            problems.add(
                &at,
                format!(
                    "story #{} is outside 1..next_story_number ({})",
                    story.number, team.next_story_number
                ),
            );
        }
        check_story(&format!("{at}, story #{}", story.number), story, problems);
    }
    let known = |n: &i64| numbers.contains(n);
    let mut missing = |what: String, n: i64| {
        if !known(&n) {
            problems.add(
                &at,
                format!("{what} names story #{n}, which is not in the team"),
            );
        }
    };
    for story in &team.stories {
        for dependency in &story.blocked_by {
            missing(
                format!("story #{}'s dependency", story.number),
                dependency.story,
            );
        }
    }
    for sprint in &team.sprints {
        for change in &sprint.changes {
            missing(format!("sprint {}", sprint.number), change.story);
        }
    }
    for (i, vote) in team.votes.iter().enumerate() {
        let marks = vote
            .ballots
            .iter()
            .chain(&vote.drafts)
            .flat_map(|b| &b.marks);
        for n in vote
            .candidates
            .iter()
            .copied()
            .chain(marks.map(|m| m.story))
        {
            missing(format!("vote {}", i + 1), n);
        }
    }
    for round in &team.poker_rounds {
        missing("a poker round".to_string(), round.story);
    }
    ranks::check_ranks(&at, team, problems);
    activity::check_cycles(&at, team, problems);
    activity::check_activity(&at, team, problems);
    fields::check_fields(&at, team, problems);
    unique::check_unique(&at, team, problems);
}

/// Refuses text that parses but is not in the form the domain stores.
fn stored(canonical: &str, raw: &str) -> Result<(), Invalid> {
    if canonical == raw {
        Ok(())
    } else {
        Err(Invalid::new(format!(
            "{:?} is not stored as written (expected {:?})",
            truncate_plain(raw, 40),
            truncate_plain(canonical, 40)
        )))
    }
}

fn status(raw: &str) -> Result<(), Invalid> {
    Status::parse(raw).and_then(|s| stored(s.as_str(), raw))
}

fn check_story(at: &str, story: &StoryDoc, problems: &mut Problems) {
    let mut check = |outcome: Result<(), Invalid>| {
        if let Err(e) = outcome {
            problems.add(at, e.0);
        }
    };
    // Stored text is in the form the domain writes (trimmed, one-line titles, lower-case
    // names), since SQL compares it as stored: `In Progress` would parse, but no list would
    // find it.
    check(StoryTitle::parse(&story.title).and_then(|t| stored(t.as_str(), &story.title)));
    check(StoryDetails::parse(&story.details).and_then(|d| stored(d.as_str(), &story.details)));
    check(StoryKind::parse(&story.kind).and_then(|k| stored(k.as_str(), &story.kind)));
    check(status(&story.status));
    if let Some(points) = story.points {
        check(Points::parse(points).map(drop));
    }
    check(Labels::parse(&story.labels.join(",")).and_then(|parsed| {
        if parsed.as_slice() == story.labels.as_slice() {
            Ok(())
        } else {
            Err(Invalid::new("labels must be lower-case and distinct"))
        }
    }));
    if story.criteria.len() > CRITERIA_MAX {
        check(Err(Invalid::new(format!(
            "more than {CRITERIA_MAX} acceptance criteria"
        ))));
    }
    for criterion in &story.criteria {
        check(Criteria::parse_one(&criterion.text).and_then(|t| stored(&t, &criterion.text)));
    }
    match story.history.first() {
        Some(first) if first.from.is_none() => {}
        _ => check(Err(Invalid::new(
            "the history must start with the creation (from: null)",
        ))),
    }
    for change in &story.history {
        for raw in change.from.iter().chain([&change.to]) {
            check(status(raw));
        }
    }
    if story.blocked_by.iter().any(|d| d.story == story.number) {
        check(Err(Invalid::new("it depends on itself")));
    }
}
