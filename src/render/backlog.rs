//! The ranked backlog list, 10 stories a page, with Previous/Next buttons.

use super::message::{Button, ButtonStyle, Embed, Message};
use super::text::escape_markdown;
use crate::commands::custom_id::Action;
use crate::domain::story::truncate_plain;
use crate::domain::wording::{counted, pts};
use crate::store::backlog::{BacklogFilter, BacklogLine, BacklogPage};
use crate::store::teams::Team;

pub const PER_PAGE: i64 = 10;

fn line(story: &BacklogLine) -> String {
    let place = story.position.map_or("–".to_string(), |p| p.to_string());
    let points = story.points.map_or("? pts".to_string(), pts);
    let assignee = story
        .assignee_id
        .map_or(String::new(), |id| format!(" · <@{id}>"));
    let warning = if story.above_blocker {
        " ⚠️ ranked above a story it depends on"
    } else {
        ""
    };
    format!(
        "`{place}.` **#{}** · {} · {points} · {}{assignee}{warning}",
        story.number,
        story.status.label(),
        escape_markdown(&truncate_plain(&story.title, 120)),
    )
}

fn describe_filter(filter: &BacklogFilter) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(status) = filter.status {
        parts.push(format!("status {}", status.label()));
    }
    if let Some(kind) = filter.kind {
        parts.push(format!("type {}", kind.as_str()));
    }
    if let Some(label) = &filter.label {
        parts.push(format!("label `{label}`"));
    }
    if let Some(user) = filter.assignee_id {
        parts.push(format!("assigned to <@{user}>"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// One page of the backlog as a message.
pub fn backlog_message(
    team: &Team,
    filter: &BacklogFilter,
    page_index: i64,
    page: &BacklogPage,
    ephemeral: bool,
) -> Message {
    let pages = ((page.total_stories + PER_PAGE - 1) / PER_PAGE).max(1);
    let mut description = String::new();
    if let Some(vision) = &team.vision {
        description.push_str(&format!(
            "> {}\n\n",
            escape_markdown(&truncate_plain(vision, 500)).replace('\n', "\n> ")
        ));
    }
    description.push_str(&format!(
        "**{}** · {}",
        counted(page.total_stories, "story", "stories"),
        counted(page.total_points, "point", "points")
    ));
    let filter_text = describe_filter(filter);
    if let Some(filter_text) = &filter_text {
        description.push_str(&format!(" · {filter_text}"));
    }
    description.push_str("\n\n");
    if page.lines.is_empty() {
        description.push_str(match (page.total_stories, &filter_text) {
            // An empty filtered list says so, rather than that the backlog itself is empty.
            (0, Some(_)) => "No open story matches. /backlog without options lists them all.",
            (0, None) => "No stories here yet. Add one with /story add.",
            _ => "This page is past the end of the backlog.",
        });
    } else {
        let lines: Vec<String> = page.lines.iter().map(line).collect();
        description.push_str(&lines.join("\n"));
    }
    let embed = Embed {
        title: Some(format!("Backlog · {}", escape_markdown(&team.name))),
        description: Some(description),
        footer: Some(format!("Page {} of {pages}", page_index + 1)),
        color: Some(0x5865f2),
        ..Embed::default()
    };
    let turn = |to: i64| {
        Action::BacklogPage {
            team_id: team.id,
            page: to,
            filter: filter.clone(),
        }
        .encode()
    };
    let buttons = vec![
        Button::new(turn(page_index - 1), "Previous", ButtonStyle::Secondary)
            .disabled(page_index == 0),
        Button::new(turn(page_index + 1), "Next", ButtonStyle::Secondary)
            .disabled(page_index + 1 >= pages),
    ];
    let message = Message {
        ephemeral,
        ..Message::default()
    }
    .with_embed(embed);
    if pages > 1 {
        message.with_row(buttons)
    } else {
        message
    }
}
