//! Stand-up messages: the prompt with its **Answer** button, an answer in the thread, the
//! reminder (which pings exactly the missing members), the summary, the schedule overview and
//! participation statistics. Pure: callers load the data.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::text::escape_markdown;
use super::time;
use super::{Button, ButtonStyle, Embed, Message};
use crate::domain::wording::counted;
use crate::store::standup_days::Answer;

mod summary;
pub use summary::{summary, SummaryView};

const STANDUP_COLOR: u32 = 0x2F9E44;

/// Story titles by number, for `#N` in answers.
pub type StoryTitles = HashMap<i64, String>;

/// The story numbers (`#N`) an answer mentions.
pub fn story_numbers(text: &str) -> Vec<i64> {
    let mut numbers = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('#') {
        let digits: String = rest[at + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .take(9)
            .collect();
        if let Ok(n) = digits.parse() {
            numbers.push(n);
        }
        rest = &rest[at + 1..];
    }
    numbers
}

/// What a member typed, shown literally, with each known `#N` followed by the story's title.
pub fn linked_text(text: &str, titles: &StoryTitles) -> String {
    let mut out = String::new();
    let mut plain = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let digits: String = text[i + c.len_utf8()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .take(9)
            .collect();
        let title = (c == '#')
            .then(|| digits.parse::<i64>().ok())
            .flatten()
            .and_then(|n| titles.get(&n).map(|t| (n, t)));
        match title {
            Some((n, title)) => {
                out.push_str(&escape_markdown(&plain));
                plain.clear();
                out.push_str(&format!("**#{n}** ({})", escape_markdown(title)));
                for _ in 0..digits.len() {
                    chars.next();
                }
            }
            None => plain.push(c),
        }
    }
    out.push_str(&escape_markdown(&plain));
    out
}

/// The day's prompt, posted in the stand-up channel.
pub fn prompt(
    date: NaiveDate,
    close_at: i64,
    sprint_goal: Option<&str>,
    answer_button_id: String,
) -> Message {
    let goal = sprint_goal.map_or(String::new(), |g| {
        format!("\n🎯 Sprint goal: {}", super::text::escape_markdown(g))
    });
    Message {
        content: Some(format!(
            "☀️ **Stand-up for {}**{goal}\nWhat did you do yesterday, what will you do today, is anything blocking you? Press **Answer** (or use /standup answer). Open until {}.",
            date.format("%A %-d %B %Y"),
            time::moment(close_at)
        )),
        ..Message::default()
    }
    .with_row(vec![Button::new(answer_button_id, "Answer", ButtonStyle::Primary)])
}

/// The thread's name.
pub fn thread_name(date: NaiveDate) -> String {
    format!("Stand-up {date}")
}

/// An answer's labelled texts, `#N` linked: Yesterday, Today, and Blockers when given.
fn answer_parts(answer: &Answer, titles: &StoryTitles) -> Vec<(&'static str, String)> {
    let mut parts = vec![
        ("Yesterday", linked_text(&answer.yesterday, titles)),
        ("Today", linked_text(&answer.today, titles)),
    ];
    if !answer.blockers.trim().is_empty() {
        parts.push(("Blockers", linked_text(&answer.blockers, titles)));
    }
    parts
}

fn answer_lines(answer: &Answer, titles: &StoryTitles) -> String {
    let lines: Vec<String> = answer_parts(answer, titles)
        .into_iter()
        .map(|(label, text)| format!("**{label}:** {text}"))
        .collect();
    lines.join("\n")
}

/// One member's answer, posted in the thread (and edited in place when they change it).
/// Names the member without pinging them.
pub fn answer_post(answer: &Answer, titles: &StoryTitles) -> Message {
    Message {
        content: Some(format!("<@{}>", answer.user_id)),
        ..Message::default()
    }
    .with_embed(Embed {
        description: Some(answer_lines(answer, titles)),
        color: Some(STANDUP_COLOR),
        ..Embed::default()
    })
}

/// The reminder in the thread: pings exactly `missing`.
pub fn reminder(missing: &[u64], close_at: i64) -> Message {
    let names: Vec<String> = missing.iter().map(|id| format!("<@{id}>")).collect();
    Message {
        content: Some(format!(
            "⏰ {}: the stand-up closes {}. Press **Answer** on the prompt or use /standup answer.",
            names.join(" "),
            time::relative(close_at)
        )),
        ping_users: missing.to_vec(),
        ..Message::default()
    }
}

/// One member's participation over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participation {
    pub member: u64,
    pub answered: usize,
    pub expected: usize,
    pub blockers: usize,
}

/// `/standup stats`: participation per member over the `held` (closed) days and any still
/// `open`.
pub fn stats(days: i64, held: usize, open: usize, rows: &[Participation]) -> Message {
    let lines: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let rate = (p.answered * 100)
                .checked_div(p.expected)
                .map_or_else(|| String::from("—"), |r| format!("{r}%"));
            format!(
                "{}. <@{}>: {}/{} answered ({rate}), {} raised",
                i + 1,
                p.member,
                p.answered,
                p.expected,
                counted(p.blockers, "blocker", "blockers")
            )
        })
        .collect();
    let body = if lines.is_empty() {
        "Nobody answered and nobody is on the roster yet (/team add).".to_string()
    } else {
        lines.join("\n")
    };
    Message::default()
        .with_embed(Embed {
            title: Some(format!(
                "Stand-up participation, last {}",
                counted(days, "day", "days")
            )),
            description: Some(format!(
                "{} held{}.\n\n{body}",
                counted(held, "stand-up", "stand-ups"),
                if open > 0 {
                    format!(", {open} still open")
                } else {
                    String::new()
                }
            )),
            color: Some(STANDUP_COLOR),
            ..Embed::default()
        })
        .private()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(user_id: u64, blockers: &str) -> Answer {
        Answer {
            user_id,
            yesterday: "Worked on #3".into(),
            today: "**bold** @everyone".into(),
            blockers: blockers.into(),
            answered_at: 0,
            updated_at: 0,
            post_pending: false,
        }
    }

    #[test]
    fn known_story_numbers_get_their_title_and_the_rest_stays_literal() {
        let titles: StoryTitles = [(3, "Guest *checkout*".to_string())].into();
        assert_eq!(
            linked_text("did #3, not #4 or #x", &titles),
            "did **#3** (Guest \\*checkout\\*), not \\#4 or \\#x"
        );
        assert_eq!(story_numbers("#3 and #12, #x #"), [3, 12]);
    }

    #[test]
    fn the_reminder_pings_exactly_the_missing_members() {
        let json = crate::render::Response::Message(reminder(&[5, 6], 100)).to_json();
        assert_eq!(
            json["data"]["allowed_mentions"]["users"],
            serde_json::json!(["5", "6"])
        );
        assert_eq!(
            json["data"]["allowed_mentions"]["parse"],
            serde_json::json!([])
        );
    }

    #[test]
    fn the_summary_lists_blockers_first_then_answers_missing_members_and_the_thread() {
        let answers = [answer(1, ""), answer(2, "waiting for #3")];
        let titles: StoryTitles = [(3, "Login".to_string())].into();
        let message = summary(&SummaryView {
            date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            answers: &answers,
            missing: &[9],
            thread_url: Some("https://discord.com/channels/1/2".into()),
            titles: &titles,
        });
        let embed = &message.embeds[0];
        let description = embed.description.as_deref().unwrap();
        assert!(description.starts_with("**Blockers**\n• <@2>: waiting for **#3** (Login)"));
        assert!(description.contains("**Missing:** <@9>"));
        assert!(description.contains("(https://discord.com/channels/1/2)"));
        assert_eq!(embed.fields.len(), 2);
        assert!(message.ping_users.is_empty());
    }
}
