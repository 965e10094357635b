//! The stand-up summary: Blockers, who is missing and the thread link in the description, each
//! answer in a field, all inside Discord's 6000 characters of embed text.
//!
//! `Message`'s conversion spends that budget on the title, the fields, then the description, and
//! drops whatever does not fit; so the answers here share only the room the description leaves,
//! each cut with an ellipsis, and answers that do not fit at all are pointed to in the thread.

use chrono::NaiveDate;

use super::{answer_parts, linked_text, StoryTitles, STANDUP_COLOR};
use crate::domain::blockers::reports_blocker;
use crate::render::limits::{self, char_len, cut, join_within};
use crate::render::{Embed, Message};
use crate::store::standup_days::Answer;

/// The least an answer's field is cut to; fewer answers are shown rather than less of each.
const ANSWER_MIN: usize = 160;
/// The missing members' list never crowds out the blockers (a 15-member roster needs ~400).
const MISSING_MAX: usize = 1000;
/// The least a blocker's text is cut to; past that, the last line counts the others.
const BLOCKER_MIN: usize = 80;
const FIELD_NAME: &str = "Answer";
const MORE_NAME: &str = "More answers";

/// Everything a summary shows.
pub struct SummaryView<'a> {
    pub date: NaiveDate,
    pub answers: &'a [Answer],
    pub missing: &'a [u64],
    pub thread_url: Option<String>,
    pub titles: &'a StoryTitles,
}

/// The summary posted in the channel at close (and edited for late answers): Blockers first.
pub fn summary(view: &SummaryView<'_>) -> Message {
    let title = format!(
        "Stand-up summary: {} ({} answered)",
        view.date.format("%a %-d %b %Y"),
        view.answers.len()
    );
    let description = description(view);
    let room = limits::EMBED_TOTAL.saturating_sub(char_len(&title) + char_len(&description));
    Message::default().with_embed(Embed {
        title: Some(title),
        description: Some(description),
        fields: answer_fields(view, room),
        color: Some(STANDUP_COLOR),
        ..Embed::default()
    })
}

/// Blockers, then who is missing and the thread link, which always keep their room.
fn description(view: &SummaryView<'_>) -> String {
    let mut tail = String::new();
    if !view.missing.is_empty() {
        tail.push_str(&format!("\n**Missing:** {}\n", missing_list(view.missing)));
    }
    if let Some(url) = &view.thread_url {
        tail.push_str(&format!("\n[All answers in the thread]({url})"));
    }
    let mut head = String::from("**Blockers**\n");
    let blockers: Vec<(String, String)> = view
        .answers
        .iter()
        .filter(|a| reports_blocker(&a.blockers))
        .map(|a| {
            (
                format!("• <@{}>: ", a.user_id),
                linked_text(&a.blockers, view.titles),
            )
        })
        .collect();
    if blockers.is_empty() {
        head.push_str("None reported.\n");
    } else {
        let room = limits::EMBED_DESCRIPTION.saturating_sub(char_len(&head) + char_len(&tail));
        head.push_str(&blocker_lines(&blockers, room));
    }
    head + &tail
}

/// The blocker lines in `room` characters: labels whole, texts sharing the rest; with more
/// blockers than fit at [`BLOCKER_MIN`] each, a last line counts the others.
fn blocker_lines(blockers: &[(String, String)], room: usize) -> String {
    let line_len =
        |(who, text): &(String, String)| char_len(who) + char_len(text).min(BLOCKER_MIN) + 1;
    let more_line =
        |more: usize| format!("• …and {more} more in the answers below and the thread\n");
    let mut shown = blockers.len();
    while shown > 0 {
        let more = blockers.len() - shown;
        let extra = if more > 0 {
            char_len(&more_line(more))
        } else {
            0
        };
        if blockers[..shown].iter().map(line_len).sum::<usize>() + extra <= room {
            break;
        }
        shown -= 1;
    }
    let more = blockers.len() - shown;
    let mut room = room.saturating_sub(if more > 0 {
        char_len(&more_line(more))
    } else {
        0
    });
    // Each line ends with '\n'; the labels are never cut, the texts share the rest.
    room = room.saturating_sub(
        blockers[..shown]
            .iter()
            .map(|(who, _)| char_len(who) + 1)
            .sum(),
    );
    let lengths: Vec<usize> = blockers[..shown].iter().map(|(_, t)| char_len(t)).collect();
    let mut out = String::new();
    for ((who, text), share) in blockers.iter().zip(fair_shares(&lengths, room)) {
        out.push_str(who);
        out.push_str(&cut(text, share));
        out.push('\n');
    }
    if more > 0 {
        out.push_str(&more_line(more));
    }
    out
}

/// The missing members' mentions within [`MISSING_MAX`], then how many more.
fn missing_list(missing: &[u64]) -> String {
    let mentions: Vec<String> = missing.iter().map(|id| format!("<@{id}>")).collect();
    join_within(&mentions, ", ", MISSING_MAX, |more| {
        format!("and {more} more")
    })
}

/// One field per answer, sharing `room` characters; when not all fit at [`ANSWER_MIN`] (or
/// Discord's 25 fields), the last field says how many more are in the thread.
fn answer_fields(view: &SummaryView<'_>, room: usize) -> Vec<(String, String, bool)> {
    let answers = view.answers;
    let full: Vec<usize> = answers
        .iter()
        .map(|a| char_len(&answer_value(a, view.titles, usize::MAX)))
        .collect();
    let pointer = |more: usize| more_answers(more, view.thread_url.as_deref());
    let name_len = char_len(FIELD_NAME);
    let fits = |shown: usize| {
        let more = answers.len() - shown;
        let slots = shown + usize::from(more > 0);
        let pointer_len = if more > 0 {
            char_len(MORE_NAME) + char_len(&pointer(more))
        } else {
            0
        };
        let needed: usize = full[..shown]
            .iter()
            .map(|len| name_len + (*len).min(ANSWER_MIN))
            .sum();
        slots <= limits::EMBED_FIELDS && needed + pointer_len <= room
    };
    let shown = (0..=answers.len()).rev().find(|k| fits(*k)).unwrap_or(0);
    let more = answers.len() - shown;
    let mut room = room.saturating_sub(shown * name_len);
    if more > 0 {
        room = room.saturating_sub(char_len(MORE_NAME) + char_len(&pointer(more)));
    }
    let capped: Vec<usize> = full[..shown]
        .iter()
        .map(|len| (*len).min(limits::FIELD_VALUE))
        .collect();
    let mut fields: Vec<(String, String, bool)> = answers[..shown]
        .iter()
        .zip(fair_shares(&capped, room))
        .map(|(a, share)| {
            (
                FIELD_NAME.to_string(),
                answer_value(a, view.titles, share),
                false,
            )
        })
        .collect();
    if more > 0 {
        fields.push((MORE_NAME.to_string(), pointer(more), false));
    }
    fields
}

fn more_answers(more: usize, thread_url: Option<&str>) -> String {
    let answers = crate::domain::wording::counted(more, "more answer", "more answers");
    match thread_url {
        Some(url) => format!("…and {answers} [in the thread]({url})."),
        None => format!("…and {answers} in the thread."),
    }
}

/// A member's answer in at most `max` characters: the labels stay whole and the three texts
/// share the rest, each cut with an ellipsis.
fn answer_value(answer: &Answer, titles: &StoryTitles, max: usize) -> String {
    let parts = answer_parts(answer, titles);
    let render = |texts: &[String]| {
        let lines: Vec<String> = parts
            .iter()
            .zip(texts)
            .map(|((label, _), text)| format!("**{label}:** {text}"))
            .collect();
        format!("<@{}>\n{}", answer.user_id, lines.join("\n"))
    };
    let texts: Vec<String> = parts.iter().map(|(_, text)| text.clone()).collect();
    let whole = render(&texts);
    if char_len(&whole) <= max {
        return whole;
    }
    let fixed = char_len(&render(&vec![String::new(); parts.len()]));
    let lengths: Vec<usize> = texts.iter().map(|t| char_len(t)).collect();
    let cut_texts: Vec<String> = texts
        .iter()
        .zip(fair_shares(&lengths, max.saturating_sub(fixed)))
        .map(|(text, share)| cut(text, share))
        .collect();
    // A backstop: the shares already keep it within `max`.
    cut(&render(&cut_texts), max)
}

/// Splits `room` among items wanting `lengths`: short items get all they want, the rest share
/// what is left equally. The shares never add up to more than `room`.
fn fair_shares(lengths: &[usize], room: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|i| lengths[*i]);
    let mut shares = vec![0; lengths.len()];
    let mut left = room;
    for (taken, i) in order.into_iter().enumerate() {
        let share = lengths[i].min(left / (lengths.len() - taken));
        shares[i] = share;
        left -= share;
    }
    shares
}

#[cfg(test)]
mod tests;
