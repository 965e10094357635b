//! Sprint embeds: the plan suggestion, the status card, the closing summary and the history
//! table. Lists stop short of Discord's field limit with "and N more" instead of a cut line.

use chrono::{DateTime, Utc};

use super::limits::{char_len, cut, FIELD_VALUE};
use super::text::escape_markdown;
use super::Embed;
use crate::commands::sprint_facts::SprintFacts;
use crate::domain::sprint::{progress_bar, Health, SprintPlan};
use crate::domain::story::{truncate_plain, Status};
use crate::domain::wording::{counted, pts};
use crate::store::stories::Story;

const SPRINT_COLOR: u32 = 0x3ba55d;
const BAR_WIDTH: usize = 10;

/// Lines joined until the next one would not fit a field, then "…and N more". Room for that
/// note is kept only while lines follow; a first line too long for the field on its own is cut
/// with an ellipsis instead, so the field never shows only "…and 1 more".
pub fn fitted_lines(lines: &[String], empty: &str) -> String {
    if lines.is_empty() {
        return empty.to_string();
    }
    let more = |from: usize| format!("…and {} more", lines.len() - from);
    // Room a note about the lines after `i` needs (a newline and the note).
    let room_after = |i: usize| {
        if i + 1 == lines.len() {
            0
        } else {
            1 + char_len(&more(i + 1))
        }
    };
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let used = char_len(&out) + usize::from(i > 0);
        if used + char_len(line) + room_after(i) <= FIELD_VALUE {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(line);
            continue;
        }
        if i == 0 {
            out = cut(line, FIELD_VALUE - room_after(0));
            if lines.len() > 1 {
                out.push('\n');
                out.push_str(&more(1));
            }
        } else {
            out.push('\n');
            out.push_str(&more(i));
        }
        return out;
    }
    out
}

fn story_line(number: i64, title: &str, points: Option<i64>) -> String {
    let points = points.map_or("? pts".to_string(), pts);
    format!(
        "#{number} {} · {points}",
        escape_markdown(&truncate_plain(title, 80))
    )
}

/// `/sprint plan`: the suggestion, unestimated stories apart, and what did not fit.
pub fn plan_embed(
    team: &str,
    sprint: Option<&str>,
    plan: &SprintPlan,
    picked: &[(i64, String, Option<i64>)],
    unestimated: &[(i64, String, Option<i64>)],
    too_big: &[(i64, String, Option<i64>)],
) -> Embed {
    let lines = |stories: &[(i64, String, Option<i64>)]| -> Vec<String> {
        stories
            .iter()
            .map(|(n, t, p)| story_line(*n, t, *p))
            .collect()
    };
    let target = sprint.map_or("the next sprint".to_string(), escape_markdown);
    let mut fields = vec![(
        format!(
            "Suggested: {} of {}",
            plan.picked_points,
            pts(plan.capacity)
        ),
        fitted_lines(
            &lines(picked),
            "Nothing fits: no ready, unblocked, estimated story is small enough.",
        ),
        false,
    )];
    if !unestimated.is_empty() {
        fields.push((
            "Unestimated (estimate them with /estimate)".into(),
            fitted_lines(&lines(unestimated), ""),
            false,
        ));
    }
    if !too_big.is_empty() {
        fields.push((
            "Too big for what is left".into(),
            fitted_lines(&lines(too_big), ""),
            false,
        ));
    }
    Embed {
        title: Some(format!("Plan for {target} · {}", escape_markdown(team))),
        description: Some(
            "Top-ranked new and ready stories not blocked by unfinished work, up to the capacity."
                .into(),
        ),
        fields,
        color: Some(SPRINT_COLOR),
        ..Embed::default()
    }
}

fn stories_by_status(stories: &[Story]) -> Vec<(String, String, bool)> {
    let order = [
        Status::New,
        Status::Ready,
        Status::InProgress,
        Status::Review,
        Status::Done,
        Status::Accepted,
        Status::Archived,
    ];
    order
        .into_iter()
        .filter_map(|status| {
            let lines: Vec<String> = stories
                .iter()
                .filter(|s| s.status == status)
                .map(|s| story_line(s.number, &s.title, s.points))
                .collect();
            (!lines.is_empty()).then(|| {
                let heading = format!("{} ({})", capitalised(status.label()), lines.len());
                (heading, fitted_lines(&lines, ""), false)
            })
        })
        .collect()
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `/sprint status`: goal, days left, committed versus done, the bar and the stories.
pub fn status_embed(team: &str, facts: &SprintFacts, now: DateTime<Utc>) -> Embed {
    let span = &facts.span;
    let p = &facts.progress;
    let left = span.days_left(now);
    let health = match p.health {
        Health::OnTrack => "On track".to_string(),
        Health::AtRisk => format!(
            "At risk: about {} should be done by now",
            pts(p.ideal_done.round() as u32)
        ),
    };
    let mut fields = vec![
        (
            "Days left".to_string(),
            format!(
                "{left} of {} (ends <t:{}:D>)",
                span.days(),
                (span.ends_at() - chrono::Duration::seconds(1)).timestamp()
            ),
            true,
        ),
        (
            "Points".to_string(),
            format!(
                "{} done of {} ({} committed)\n{}",
                p.done,
                p.total,
                facts.burndown.committed,
                progress_bar(p.done, p.total, BAR_WIDTH)
            ),
            true,
        ),
        ("Health".to_string(), health, true),
    ];
    if facts.burndown.added_points + facts.burndown.removed_points > 0 {
        fields.push((
            "Scope changes".to_string(),
            scope_changes(facts.burndown.added_points, facts.burndown.removed_points),
            false,
        ));
    }
    fields.extend(stories_by_status(&facts.stories));
    if facts.stories.is_empty() {
        fields.push((
            "Stories".to_string(),
            "None yet: add some with /sprint plan or /sprint add.".to_string(),
            false,
        ));
    }
    Embed {
        title: Some(format!(
            "{} · {}",
            escape_markdown(&facts.sprint.name),
            escape_markdown(team)
        )),
        description: Some(goal_line(facts)),
        fields,
        color: Some(SPRINT_COLOR),
        ..Embed::default()
    }
}

fn goal_line(facts: &SprintFacts) -> String {
    match &facts.sprint.goal {
        Some(goal) => format!("**Goal:** {}", escape_markdown(goal)),
        None => "No goal was set for this sprint.".to_string(),
    }
}

/// Points that joined or left the sprint after its planning day, naming only what happened: a
/// summary says "none" rather than "+0 pts added, −0 pts removed".
fn scope_changes(added: u32, removed: u32) -> String {
    match (added, removed) {
        (0, 0) => "None after planning.".to_string(),
        (added, 0) => format!("+{} added after planning", pts(added)),
        (0, removed) => format!("−{} removed after planning", pts(removed)),
        (added, removed) => format!(
            "+{} added, −{} removed after planning",
            pts(added),
            pts(removed)
        ),
    }
}

/// The closing summary, for the team and its stakeholders.
pub fn summary_embed(
    team: &str,
    facts: &SprintFacts,
    carried: &[Story],
    mean_velocity: Option<f64>,
) -> Embed {
    let f = facts.figures();
    let velocity = match mean_velocity {
        Some(mean) => format!("{} (recent average {mean:.1} pts)", pts(f.completed_points)),
        None => pts(f.completed_points),
    };
    let carried_lines: Vec<String> = carried
        .iter()
        .map(|s| story_line(s.number, &s.title, s.points))
        .collect();
    Embed {
        title: Some(format!(
            "{} closed · {}",
            escape_markdown(&facts.sprint.name),
            escape_markdown(team)
        )),
        description: Some(goal_line(facts)),
        fields: vec![
            (
                "Points".into(),
                format!(
                    "{} completed of {} committed",
                    f.completed_points, f.committed_points
                ),
                true,
            ),
            (
                "Stories".into(),
                format!(
                    "{} completed · {} committed at the start",
                    f.completed_stories, f.committed_stories
                ),
                true,
            ),
            ("Velocity".into(), velocity, true),
            (
                "Scope changes".into(),
                scope_changes(facts.burndown.added_points, facts.burndown.removed_points),
                false,
            ),
            (
                format!("Carried over to the top of the backlog ({})", carried.len()),
                fitted_lines(&carried_lines, "Nothing: every story was finished."),
                false,
            ),
        ],
        color: Some(SPRINT_COLOR),
        ..Embed::default()
    }
}

/// One closed sprint in `/sprint history`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub name: String,
    pub committed: i64,
    pub completed: i64,
}

/// A fixed-width table of committed versus completed points, oldest first.
pub fn history_embed(team: &str, rows: &[HistoryRow]) -> Embed {
    let mut table = format!("{:<20} {:>9} {:>9}\n", "Sprint", "Committed", "Completed");
    for row in rows {
        // Inside a code block nothing is markdown; only the fence itself must not appear.
        let name = truncate_plain(&row.name.replace('`', "'"), 20);
        table.push_str(&format!(
            "{name:<20} {:>9} {:>9}\n",
            row.committed, row.completed
        ));
    }
    let mean = rows.iter().map(|r| r.completed).sum::<i64>() as f64 / rows.len().max(1) as f64;
    Embed {
        title: Some(format!("Sprint history · {}", escape_markdown(team))),
        description: Some(format!(
            "```\n{table}```\nAverage completed: {mean:.1} pts over {}.",
            counted(rows.len(), "sprint", "sprints")
        )),
        color: Some(SPRINT_COLOR),
        ..Embed::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_stops_short_of_the_field_limit_and_says_how_many_more() {
        let lines: Vec<String> = (1..=200)
            .map(|n| format!("#{n} {}", "x".repeat(40)))
            .collect();
        let shown = fitted_lines(&lines, "none");
        assert!(shown.chars().count() <= FIELD_VALUE);
        assert!(shown.ends_with("more"), "{shown}");
        assert_eq!(fitted_lines(&[], "none"), "none");
    }

    #[test]
    fn a_single_line_too_long_for_a_field_is_cut_with_an_ellipsis() {
        let line = "v".repeat(2000);
        let shown = fitted_lines(std::slice::from_ref(&line), "none");
        assert_eq!(shown.chars().count(), FIELD_VALUE);
        assert!(shown.ends_with('…') && !shown.contains("more"), "{shown}");
        // Followed by others, it is cut and they are counted.
        let shown = fitted_lines(&[line, "#2".into(), "#3".into()], "none");
        assert!(shown.chars().count() <= FIELD_VALUE);
        assert!(shown.ends_with("…\n…and 2 more"), "{shown}");
    }

    #[test]
    fn the_last_line_needs_no_room_for_and_n_more() {
        let first = "a".repeat(500);
        let last = "b".repeat(FIELD_VALUE - 501);
        let shown = fitted_lines(&[first.clone(), last.clone()], "none");
        assert_eq!(shown, format!("{first}\n{last}"));
    }

    #[test]
    fn scope_changes_name_only_what_happened() {
        assert_eq!(scope_changes(0, 0), "None after planning.");
        assert_eq!(scope_changes(5, 0), "+5 pts added after planning");
        assert_eq!(scope_changes(0, 3), "−3 pts removed after planning");
        assert_eq!(
            scope_changes(5, 3),
            "+5 pts added, −3 pts removed after planning"
        );
        assert_eq!(
            scope_changes(1, 1),
            "+1 pt added, −1 pt removed after planning"
        );
    }

    #[test]
    fn the_history_table_lists_every_sprint_and_the_average() {
        let rows = [
            HistoryRow {
                name: "Sprint `1`".into(),
                committed: 10,
                completed: 8,
            },
            HistoryRow {
                name: "Sprint 2".into(),
                committed: 12,
                completed: 12,
            },
        ];
        let description = history_embed("Core", &rows).description.unwrap();
        assert!(
            description.contains("Sprint '1'"),
            "backticks cannot break the table"
        );
        assert!(description.contains("Average completed: 10.0 pts over 2 sprints."));
    }
}
