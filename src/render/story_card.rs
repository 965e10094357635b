//! The story card: every field of a story, with the Start / Done / Accept / Estimate buttons.

use super::limits::{self, char_len};
use super::message::{Button, ButtonStyle, Embed, Message};
use super::text::escape_markdown;
use super::time;
use crate::commands::custom_id::Action;
use crate::commands::poker_id::PokerPress;
use crate::domain::story::{Labels, Status};
use crate::store::dependencies::{Blocker, Rejection};
use crate::store::stories::{Criterion, Story};

/// What the card shows about one story.
#[derive(Debug, Clone)]
pub struct StoryView {
    pub story: Story,
    pub labels: Labels,
    pub criteria: Vec<Criterion>,
    /// Place in the backlog (1 = top) while the story is open.
    pub position: Option<i64>,
    pub team_name: String,
    /// Stories this one waits for.
    pub blockers: Vec<Blocker>,
    /// Set when the story is ranked above an unfinished story it depends on.
    pub ranked_above_blocker: bool,
    pub rejection: Option<Rejection>,
}

/// A colour per status, so a glance tells where a story is.
pub fn status_color(status: Status) -> u32 {
    match status {
        Status::New => 0x95a5a6,
        Status::Ready => 0x3498db,
        Status::InProgress => 0xf1c40f,
        Status::Review => 0x9b59b6,
        Status::Done => 0x2ecc71,
        Status::Accepted => 0x1abc9c,
        Status::Archived => 0x7f8c8d,
    }
}

pub fn points_text(points: Option<i64>) -> String {
    match points {
        Some(1) => "1 point".to_string(),
        Some(p) => format!("{p} points"),
        None => "not estimated".to_string(),
    }
}

pub fn story_card(view: &StoryView) -> Message {
    let story = &view.story;
    let mut description = if story.details.is_empty() {
        "_No details yet. Add them with /story edit._".to_string()
    } else {
        escape_markdown(&story.details)
    };
    if let Some(url) = &story.source_url {
        description.push_str(&format!("\n\n[Source message]({url})"));
    }
    let mut fields = vec![
        ("Status".to_string(), story.status.label().to_string(), true),
        ("Type".to_string(), story.kind.as_str().to_string(), true),
        ("Points".to_string(), points_text(story.points), true),
        (
            "Assignee".to_string(),
            story
                .assignee_id
                .map_or("nobody".to_string(), |id| format!("<@{id}>")),
            true,
        ),
        (
            "Rank".to_string(),
            view.position
                .map_or("not in the open backlog".to_string(), |p| {
                    format!("{p} in the backlog")
                }),
            true,
        ),
        (
            "Labels".to_string(),
            if view.labels.is_empty() {
                "none".to_string()
            } else {
                view.labels
                    .as_slice()
                    .iter()
                    .map(|l| format!("`{l}`"))
                    .collect::<Vec<_>>()
                    .join(" ")
            },
            true,
        ),
    ];
    if !view.blockers.is_empty() {
        let mut lines: Vec<String> = view.blockers.iter().map(blocker_line).collect();
        if view.ranked_above_blocker {
            lines.push("⚠️ Ranked above a story it depends on.".to_string());
        }
        fields.push(("Blocked by".to_string(), lines.join("\n"), false));
    }
    if let Some(rejection) = &view.rejection {
        fields.push((
            "Last rejected".to_string(),
            format!(
                "{} (by <@{}> {})",
                escape_markdown(&rejection.reason),
                rejection.by,
                time::relative(rejection.at)
            ),
            false,
        ));
    }
    let created = (
        "Created".to_string(),
        format!(
            "by <@{}> {}",
            story.created_by,
            time::moment(story.created_at)
        ),
        false,
    );
    let title = format!("#{} · {}", story.number, story.title);
    let footer = format!("Team {}", view.team_name);
    // Discord counts every embed text against one 6,000 total; the details and their source
    // link come first, so the checklist gets what the rest leaves.
    let used = [&title, &footer, &description]
        .iter()
        .map(|text| char_len(text))
        .chain(
            fields
                .iter()
                .chain([&created])
                .map(|(name, value, _)| char_len(name) + char_len(value)),
        )
        .sum::<usize>();
    fields.extend(criteria_fields(
        &view.criteria,
        limits::EMBED_TOTAL.saturating_sub(used),
    ));
    fields.push(created);
    let embed = Embed {
        title: Some(title),
        description: Some(description),
        fields,
        footer: Some(footer),
        color: Some(status_color(story.status)),
        url: None,
        image: None,
    };
    Message::default()
        .with_embed(embed)
        .with_row(card_buttons(story))
}

/// The checklist in as many fields as it needs: one field holds at most 1,024 characters, and
/// 20 criteria of up to 200 would be cut after the fifth or so. Lines are never split. At most
/// `room` characters in all: criteria past it are counted in a last line instead.
fn criteria_fields(criteria: &[Criterion], room: usize) -> Vec<(String, String, bool)> {
    let mut chunks: Vec<String> = Vec::new();
    for c in criteria {
        let line = format!(
            "{} {}. {}",
            if c.checked { "✅" } else { "⬜" },
            c.position,
            escape_markdown(&c.text)
        );
        match chunks.last_mut() {
            Some(chunk) if char_len(chunk) + 1 + char_len(&line) <= limits::FIELD_VALUE => {
                chunk.push('\n');
                chunk.push_str(&line);
            }
            _ => chunks.push(line),
        }
    }
    let name = |i: usize| {
        if i == 0 {
            "Acceptance criteria"
        } else {
            "Acceptance criteria, continued"
        }
    };
    let mut fields = Vec::new();
    let (mut left, mut shown) = (room, 0);
    for (i, chunk) in chunks.into_iter().enumerate() {
        // Keep room for the line that counts what did not fit.
        let cost = char_len(name(i)) + char_len(&chunk);
        if cost + MORE_CRITERIA_ROOM > left {
            break;
        }
        left -= cost;
        shown += chunk.lines().count();
        fields.push((name(i).to_string(), chunk, false));
    }
    if shown < criteria.len() {
        let more = format!(
            "…and {} more criteria (the details came first in the card's room).",
            criteria.len() - shown
        );
        fields.push((name(fields.len()).to_string(), more, false));
    }
    fields
}

/// Room kept for the "…and N more" line of a checklist cut short.
const MORE_CRITERIA_ROOM: usize = 100;

/// Start, Done and Accept, each enabled only where the flow allows it; Estimate opens the
/// story's planning poker round (any status but archived).
fn card_buttons(story: &Story) -> Vec<Button> {
    let (team_id, number) = (story.team_id, story.number);
    let start = Action::StoryMove {
        team_id,
        number,
        to: Status::InProgress,
    };
    let done = Action::StoryMove {
        team_id,
        number,
        to: Status::Done,
    };
    let accept = Action::StoryAccept { team_id, number };
    vec![
        Button::new(start.encode(), "Start", ButtonStyle::Primary)
            .disabled(!matches!(story.status, Status::New | Status::Ready)),
        Button::new(done.encode(), "Done", ButtonStyle::Success)
            .disabled(!matches!(story.status, Status::InProgress | Status::Review)),
        Button::new(accept.encode(), "Accept (PO)", ButtonStyle::Secondary)
            .disabled(story.status != Status::Done),
        Button::new(
            PokerPress::Estimate { team_id, number }.encode(),
            "Estimate",
            ButtonStyle::Secondary,
        )
        .disabled(story.status == Status::Archived),
    ]
}

/// One line of "Blocked by": finished and archived blockers no longer hold the story up (the
/// backlog's warning, `/sprint plan` and the update's risks count only open ones), and the mark
/// says so.
fn blocker_line(blocker: &Blocker) -> String {
    let (mark, note) = match blocker.status {
        Status::Done | Status::Accepted => ("✅", ""),
        Status::Archived => ("➖", ", no longer blocks"),
        _ => ("⏳", ""),
    };
    format!(
        "{mark} #{} {} ({}{note})",
        blocker.number,
        escape_markdown(&blocker.title),
        blocker.status.label()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocker(status: Status) -> Blocker {
        Blocker {
            number: 3,
            title: "Order *history*".to_string(),
            status,
        }
    }

    #[test]
    fn twenty_long_criteria_are_all_shown_in_fields_within_discords_limits() {
        let criteria: Vec<Criterion> = (1..=20)
            .map(|position| Criterion {
                position,
                text: format!("{position:02}{}", "c".repeat(198)),
                checked: position % 2 == 0,
            })
            .collect();
        let fields = criteria_fields(&criteria, limits::EMBED_TOTAL);
        assert!(fields.len() > 1 && fields.len() <= 6, "{}", fields.len());
        for (_, value, _) in &fields {
            assert!(
                char_len(value) <= limits::FIELD_VALUE,
                "{}",
                char_len(value)
            );
        }
        let all: String = fields.iter().map(|(_, v, _)| v.as_str()).collect();
        for position in 1..=20 {
            assert!(
                all.contains(&format!(" {position}. {position:02}")),
                "{position}"
            );
        }
    }

    #[test]
    fn long_details_and_their_source_link_come_before_a_long_checklist() {
        let story = Story {
            id: 1,
            guild_id: 2,
            team_id: 3,
            number: 4,
            title: "t".repeat(200),
            details: "d".repeat(2000),
            kind: crate::domain::story::StoryKind::Feature,
            status: Status::New,
            points: None,
            assignee_id: None,
            rank: crate::domain::rank::Rank::first(),
            source_url: Some("https://discord.com/channels/1/2/3".to_string()),
            created_by: 5,
            created_at: 0,
            updated_at: 0,
        };
        let view = StoryView {
            story,
            labels: Labels::default(),
            criteria: (1..=20)
                .map(|position| Criterion {
                    position,
                    text: "c".repeat(200),
                    checked: false,
                })
                .collect(),
            position: Some(1),
            team_name: "Core".to_string(),
            blockers: vec![],
            ranked_above_blocker: false,
            rejection: None,
        };
        let json = crate::render::Response::Message(story_card(&view)).to_json();
        let embed = &json["data"]["embeds"][0];
        let description = embed["description"].as_str().unwrap();
        assert!(description.ends_with("[Source message](https://discord.com/channels/1/2/3)"));
        let fields = embed["fields"].as_array().unwrap();
        let values: Vec<&str> = fields
            .iter()
            .map(|f| f["value"].as_str().unwrap())
            .collect();
        assert!(values.iter().any(|v| v.starts_with("…and ")), "{values:?}");
        assert!(
            values.last().unwrap().starts_with("by <@5>"),
            "the Created field stays"
        );
    }

    #[test]
    fn a_blocker_s_mark_says_whether_it_still_holds_the_story_up() {
        assert_eq!(
            blocker_line(&blocker(Status::InProgress)),
            "⏳ #3 Order \\*history\\* (in progress)"
        );
        assert_eq!(
            blocker_line(&blocker(Status::Done)),
            "✅ #3 Order \\*history\\* (done)"
        );
        assert_eq!(
            blocker_line(&blocker(Status::Archived)),
            "➖ #3 Order \\*history\\* (archived, no longer blocks)"
        );
    }
}
