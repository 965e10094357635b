//! Vote cards: the public ballot card (candidates, closing time, who voted but never what),
//! a voter's ephemeral ballot (one candidate at a time, with their marks so far) and the
//! results card with **Apply to backlog**.

use super::limits::{char_len, EMBED_DESCRIPTION};
use super::poker::joined_within_limit;
use super::text::escape_markdown;
use super::time;
use super::{Button, ButtonStyle, Embed, Message};
use crate::commands::vote_custom_id::{BallotStep, VoteAction};
use crate::domain::story::{truncate_plain, StoryNumber};
use crate::domain::vote::moscow::Moscow;
use crate::domain::vote::Method;
use crate::store::votes::{Mark, Vote, VoteStatus};

const VOTE_COLOR: u32 = 0xeb459e;
/// How much of a title a story line shows, longest first: a list takes the longest cut at which
/// all its lines fit one embed description, so a vote of 25 long titles still lists every
/// story. At the last cut 25 lines fit whatever the titles (escaping at most doubles them).
const TITLE_CUTS: [usize; 5] = [80, 56, 40, 28, 16];

/// One row of a results table, as the tally describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultLine {
    pub story: StoryNumber,
    pub score: String,
    pub spread: String,
}

pub fn method_label(method: Method) -> &'static str {
    match method {
        Method::Dots => "dot vote",
        Method::Score => "score vote",
        Method::Moscow => "MoSCoW vote",
        Method::ValueEffort => "value/effort vote",
    }
}

/// The method in one line, for the card and the ballot.
pub fn method_hint(vote: &Vote) -> String {
    match vote.method {
        Method::Dots if vote.dots_per_voter == 1 => {
            "Put your one dot on the story you want most.".to_string()
        }
        Method::Dots => format!(
            "Spread your {} dots over the stories you want most; several on one story is fine.",
            vote.dots_per_voter
        ),
        Method::Score => {
            "Score each story from 1 (low) to 5 (high); skip any you have no view on.".to_string()
        }
        Method::Moscow => {
            "Call each story a Must, Should, Could or Won't; skip any you have no view on."
                .to_string()
        }
        Method::ValueEffort => {
            "Rate each story's value 1-5 and effort 1-5; the best value for the effort wins."
                .to_string()
        }
    }
}

fn story_line(titles: &[(StoryNumber, String)], story: StoryNumber, cut: usize) -> String {
    let title = titles
        .iter()
        .find(|(n, _)| *n == story)
        .map_or("(story not found)".to_string(), |(_, t)| {
            escape_markdown(&truncate_plain(t, cut))
        });
    format!("**{story}** {title}")
}

/// The description `make` builds at the longest title cut that fits Discord's limit.
fn fitted_description(make: impl Fn(usize) -> String) -> String {
    let mut made = String::new();
    for cut in TITLE_CUTS {
        made = make(cut);
        if char_len(&made) <= EMBED_DESCRIPTION {
            break;
        }
    }
    made
}

/// Whole mentions up to the field limit, then how many more voted.
fn mentions(voters: &[u64]) -> String {
    if voters.is_empty() {
        return "Nobody yet.".to_string();
    }
    let each: Vec<String> = voters.iter().map(|v| format!("<@{v}>")).collect();
    joined_within_limit(&each, ", ")
}

/// The public card: candidates, method, closing time, and who has voted (never what).
pub fn ballot_card(vote: &Vote, titles: &[(StoryNumber, String)], voters: &[u64]) -> Message {
    let list = |cut: usize| -> String {
        let lines: Vec<String> = vote
            .candidates
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{}. {}", i + 1, story_line(titles, *s, cut)))
            .collect();
        lines.join("\n")
    };
    let when = match vote.status {
        VoteStatus::Open => format!(
            "Closes {} ({}).",
            time::relative(vote.closes_at),
            time::full(vote.closes_at)
        ),
        VoteStatus::Closed => format!(
            "Closed {}. The results are posted below.",
            time::relative(vote.closed_at.unwrap_or(vote.closes_at))
        ),
        VoteStatus::Cancelled => format!(
            "Cancelled {}. No results.",
            time::relative(vote.closed_at.unwrap_or(vote.closes_at))
        ),
    };
    let embed = Embed {
        title: Some(format!(
            "🗳️ {}{}",
            capitalised(method_label(vote.method)),
            match vote.status {
                VoteStatus::Open => "",
                VoteStatus::Closed => " (closed)",
                VoteStatus::Cancelled => " (cancelled)",
            }
        )),
        description: Some(fitted_description(|cut| {
            format!("{}\n{when}\n\n{}", method_hint(vote), list(cut))
        })),
        fields: vec![(format!("Voted: {}", voters.len()), mentions(voters), false)],
        footer: Some("Ballots stay secret until the vote closes.".to_string()),
        color: Some(VOTE_COLOR),
        ..Embed::default()
    };
    let message = Message::default().with_embed(embed);
    if vote.status == VoteStatus::Open {
        message.with_row(vec![Button::new(
            VoteAction::OpenBallot { vote_id: vote.id }.encode(),
            "Open my ballot",
            ButtonStyle::Primary,
        )])
    } else {
        message
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

fn mark_of(marks: &[Mark], story: StoryNumber) -> Option<&Mark> {
    marks.iter().find(|m| m.story == story)
}

/// How a story the voter has not marked reads on their ballot, in the method's words.
fn unmarked(method: Method) -> String {
    match method {
        Method::Dots => "_no dots_",
        Method::Score => "_not scored_",
        Method::Moscow => "_not called_",
        Method::ValueEffort => "_not rated_",
    }
    .to_string()
}

/// How a voter's own mark reads on their ballot.
fn mark_text(method: Method, mark: Option<&Mark>) -> String {
    let Some(mark) = mark else {
        return unmarked(method);
    };
    match method {
        Method::Dots => match mark.first.unwrap_or(0) {
            0 => unmarked(method),
            n => "●".repeat(n.clamp(0, 100) as usize),
        },
        Method::Score => mark
            .first
            .map_or_else(|| unmarked(method), |s| format!("{s} / 5")),
        Method::Moscow => mark
            .first
            .and_then(|i| Moscow::ALL.get(usize::try_from(i).ok()?))
            .map_or_else(|| unmarked(method), |m| m.label().to_string()),
        Method::ValueEffort => match (mark.first, mark.second) {
            (None, None) => unmarked(method),
            (v, e) => format!(
                "value {} · effort {}",
                v.map_or("?".to_string(), |v| v.to_string()),
                e.map_or("?".to_string(), |e| e.to_string())
            ),
        },
    }
}

/// Dots a voter has placed on their ballot.
pub fn dots_placed(marks: &[Mark]) -> i64 {
    marks.iter().filter_map(|m| m.first).sum()
}

/// A voter's ephemeral ballot, on candidate `at`.
pub fn ballot(
    vote: &Vote,
    titles: &[(StoryNumber, String)],
    marks: &[Mark],
    at: usize,
    notice: Option<&str>,
) -> Message {
    let at = at.min(vote.candidates.len().saturating_sub(1));
    let current = vote.candidates[at];
    let lines = |cut: usize| -> String {
        let lines: Vec<String> = vote
            .candidates
            .iter()
            .map(|s| {
                let pointer = if *s == current { "▶" } else { "▫️" };
                format!(
                    "{pointer} {} — {}",
                    story_line(titles, *s, cut),
                    mark_text(vote.method, mark_of(marks, *s))
                )
            })
            .collect();
        lines.join("\n")
    };
    let mut header = method_hint(vote);
    if vote.method == Method::Dots {
        header.push_str(&format!(
            "\nDots left: **{}** of {}.",
            i64::from(vote.dots_per_voter) - dots_placed(marks),
            vote.dots_per_voter
        ));
    }
    let embed = Embed {
        title: Some(format!(
            "Your ballot · {} · story {} of {}",
            method_label(vote.method),
            at + 1,
            vote.candidates.len()
        )),
        description: Some(fitted_description(|cut| {
            format!(
                "{header}\n\n{}\n\nNow: {}",
                lines(cut),
                story_line(titles, current, TITLE_CUTS[0])
            )
        })),
        footer: Some(
            "Only you see this ballot. Submit replaces any ballot you cast before.".to_string(),
        ),
        color: Some(VOTE_COLOR),
        ..Embed::default()
    };
    let mut message = Message::default().with_embed(embed).private();
    message.content = notice.map(|n| format!("⚠️ {n}"));
    let button = |step: BallotStep, label: String, chosen: bool| {
        let id = VoteAction::Ballot {
            vote_id: vote.id,
            at,
            step,
        }
        .encode();
        let style = if chosen {
            ButtonStyle::Primary
        } else {
            ButtonStyle::Secondary
        };
        Button::new(id, label, style)
    };
    let mark = mark_of(marks, current);
    let first = mark.and_then(|m| m.first);
    let second = mark.and_then(|m| m.second);
    let one_to_five = |make: fn(u8) -> BallotStep, prefix: &str, chosen: Option<i64>| {
        (1..=5u8)
            .map(|n| {
                button(
                    make(n),
                    format!("{prefix}{n}"),
                    chosen == Some(i64::from(n)),
                )
            })
            .collect::<Vec<_>>()
    };
    match vote.method {
        Method::Score => message = message.with_row(one_to_five(BallotStep::Score, "", first)),
        Method::Moscow => {
            let row = (0..4u8)
                .map(|i| {
                    button(
                        BallotStep::Moscow(i),
                        Moscow::ALL[usize::from(i)].label().to_string(),
                        first == Some(i64::from(i)),
                    )
                })
                .collect();
            message = message.with_row(row);
        }
        Method::ValueEffort => {
            message = message
                .with_row(one_to_five(BallotStep::Value, "Value ", first))
                .with_row(one_to_five(BallotStep::Effort, "Effort ", second));
        }
        Method::Dots => {
            let left = i64::from(vote.dots_per_voter) - dots_placed(marks);
            message = message.with_row(vec![
                button(BallotStep::RemoveDot, "− Take a dot".to_string(), false)
                    .disabled(first.unwrap_or(0) == 0),
                button(BallotStep::AddDot, "+ Add a dot".to_string(), true).disabled(left <= 0),
            ]);
        }
    }
    let last = at + 1 >= vote.candidates.len();
    let next_label = if vote.method == Method::Dots || mark.is_some_and(|m| m.first.is_some()) {
        "Next ▶"
    } else {
        "Skip ▶"
    };
    message.with_row(vec![
        button(BallotStep::Back, "◀ Back".to_string(), false).disabled(at == 0),
        button(BallotStep::Next, next_label.to_string(), false).disabled(last),
        Button::new(
            VoteAction::Ballot {
                vote_id: vote.id,
                at,
                step: BallotStep::Submit,
            }
            .encode(),
            "Submit",
            ButtonStyle::Success,
        ),
    ])
}

/// Marks a result row whose story was done, accepted or archived while the vote ran: Apply to
/// backlog leaves it where it is.
const LEFT_BACKLOG: &str = " · *no longer in the backlog*";

/// The results card posted when a vote closes. `left_out` are the voted stories no longer in
/// the open backlog.
pub fn results_card(
    vote: &Vote,
    titles: &[(StoryNumber, String)],
    lines: &[ResultLine],
    voters: &[u64],
    left_out: &[StoryNumber],
) -> Message {
    let table = |cut: usize| -> String {
        let rows: Vec<String> = lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                let spread = if line.spread.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", line.spread)
                };
                let gone = if left_out.contains(&line.story) {
                    LEFT_BACKLOG
                } else {
                    ""
                };
                format!(
                    "**{}.** {} — **{}**{spread}{gone}",
                    i + 1,
                    story_line(titles, line.story, cut),
                    line.score
                )
            })
            .collect();
        rows.join("\n")
    };
    let description = if voters.is_empty() {
        "Nobody voted, so the backlog order stays as it is.".to_string()
    } else {
        fitted_description(table)
    };
    let embed = Embed {
        title: Some(format!(
            "📊 Results of the {}",
            method_label(vote.method)
        )),
        description: Some(description),
        fields: vec![(
            format!("Voted: {}", voters.len()),
            mentions(voters),
            false,
        )],
        footer: Some(
            "Ties keep the backlog order. Apply to backlog (Product Owner) reorders the voted stories among the places they hold."
                .to_string(),
        ),
        color: Some(VOTE_COLOR),
        ..Embed::default()
    };
    let message = Message::default().with_embed(embed);
    if voters.is_empty() {
        return message;
    }
    message.with_row(vec![Button::new(
        VoteAction::ApplyResults { vote_id: vote.id }.encode(),
        "Apply to backlog",
        ButtonStyle::Primary,
    )])
}

#[cfg(test)]
#[path = "vote_tests.rs"]
mod tests;
