//! The planning poker card. While a round is open it shows who has voted and who has not, never
//! a value; after Reveal it shows every vote, the statistics and the Accept buttons.

use super::limits::{join_within, ACTION_ROWS, BUTTONS_PER_ROW, FIELD_VALUE};
use super::message::{Button, ButtonStyle, Embed, Message};
use crate::commands::poker_id::RoundAction;
use crate::domain::poker::{statistics, Card, PokerStats, Scale};
use crate::store::poker::{PokerRound, PokerVote, RoundStatus};

/// What the card shows about one round.
#[derive(Debug, Clone)]
pub struct PokerView {
    pub round: PokerRound,
    pub story_number: i64,
    pub story_title: String,
    pub team_name: String,
    /// The team's members, in roster order.
    pub roster: Vec<u64>,
    /// Votes of the current round number (sitting out included).
    pub votes: Vec<PokerVote>,
}

impl PokerView {
    /// Everyone the card names: the roster, then anyone else who voted or sat out.
    fn people(&self) -> Vec<u64> {
        let mut people = self.roster.clone();
        for vote in &self.votes {
            if !people.contains(&vote.voter_id) {
                people.push(vote.voter_id);
            }
        }
        people
    }

    fn played(&self) -> Vec<(u64, Card)> {
        self.votes
            .iter()
            .filter_map(|v| {
                let card = self.round.scale.card(v.card.as_deref()?).ok()?;
                Some((v.voter_id, card))
            })
            .collect()
    }

    fn sitting_out(&self) -> Vec<u64> {
        self.votes
            .iter()
            .filter(|v| v.card.is_none())
            .map(|v| v.voter_id)
            .collect()
    }

    /// Roster members who have neither played a card nor sat out.
    fn waiting(&self) -> Vec<u64> {
        self.people()
            .into_iter()
            .filter(|id| !self.votes.iter().any(|v| v.voter_id == *id))
            .collect()
    }
}

const COLOR: u32 = 0x5865f2;

/// Who has not voted, when the team has no member list to compare the votes with.
pub const NO_ROSTER: &str =
    "Not known: this team has no member list yet. An admin can add members with /team add.";

pub fn poker_card(view: &PokerView, headline: impl Into<String>) -> Message {
    let round = &view.round;
    let played = view.played();
    let cards: Vec<Card> = played.iter().map(|(_, card)| *card).collect();
    let stats = statistics(round.scale, &cards);
    let mut fields = Vec::new();
    let description = match round.status {
        RoundStatus::Open => {
            let voters: Vec<u64> = played.iter().map(|(id, _)| *id).collect();
            fields.push(field(format!("Voted ({})", voters.len()), &voters));
            if view.roster.is_empty() {
                // Without a member list nobody can be named as missing; "nobody" would be wrong.
                fields.push(("Not voted yet".to_string(), NO_ROSTER.to_string(), false));
            } else {
                let waiting = view.waiting();
                fields.push(field(
                    format!("Not voted yet ({})", waiting.len()),
                    &waiting,
                ));
            }
            format!(
                "Round {} · {} scale. Pick a card: votes stay hidden until someone presses **Reveal**.",
                round.round_number,
                round.scale.as_str()
            )
        }
        RoundStatus::Revealed | RoundStatus::Accepted => {
            let lines: Vec<String> = played
                .iter()
                .map(|(id, card)| format!("<@{id}>: **{}**", card_text(*card)))
                .collect();
            fields.push((
                format!("Votes ({})", lines.len()),
                joined_within_limit(&lines, "\n"),
                false,
            ));
            fields.push(("Result".to_string(), result_text(stats.as_ref()), false));
            let missing = view.waiting();
            if !missing.is_empty() {
                fields.push(field(format!("Did not vote ({})", missing.len()), &missing));
            }
            match (&round.accepted_card, round.accepted_by) {
                (Some(card), Some(by)) if round.status == RoundStatus::Accepted => format!(
                    "<@{by}> accepted **{card}**: the story's points are set. Round {} · {} scale.",
                    round.round_number,
                    round.scale.as_str()
                ),
                _ => format!(
                    "Round {} · {} scale. The cards are revealed: accept a value to set the story's points, or vote again.",
                    round.round_number,
                    round.scale.as_str()
                ),
            }
        }
        RoundStatus::Replaced => {
            "This round was replaced by a newer /estimate of the story.".to_string()
        }
    };
    let sitting_out = view.sitting_out();
    if !sitting_out.is_empty() {
        fields.push(field(
            format!("Sitting out ({})", sitting_out.len()),
            &sitting_out,
        ));
    }
    let embed = Embed {
        title: Some(format!(
            "🃏 Estimate #{} · {}",
            view.story_number, view.story_title
        )),
        description: Some(description),
        fields,
        // Discord shows a footer as plain text: escaping would print the backslashes.
        footer: Some(format!("Team {} · planning poker", view.team_name)),
        color: Some(COLOR),
        url: None,
        image: None,
    };
    let mut message = Message::public_text(headline).with_embed(embed);
    for row in buttons(round, stats.as_ref()) {
        message = message.with_row(row);
    }
    message
}

/// Card rows (or Accept rows) first, then the control row; at most 5 rows of 5.
fn buttons(round: &PokerRound, stats: Option<&PokerStats>) -> Vec<Vec<Button>> {
    let round_id = round.id;
    let (values, controls) = match round.status {
        RoundStatus::Open => (
            round
                .scale
                .cards()
                .iter()
                .map(|card| {
                    let press = RoundAction::Vote(card.label().to_string()).on(round_id);
                    Button::new(press.encode(), card_text(*card), ButtonStyle::Secondary)
                })
                .collect(),
            vec![
                Button::new(
                    RoundAction::Reveal.on(round_id).encode(),
                    "Reveal",
                    ButtonStyle::Primary,
                ),
                Button::new(
                    RoundAction::Revote.on(round_id).encode(),
                    "Re-vote",
                    ButtonStyle::Secondary,
                ),
                Button::new(
                    RoundAction::SitOut.on(round_id).encode(),
                    "Sit out",
                    ButtonStyle::Secondary,
                ),
            ],
        ),
        RoundStatus::Revealed => (
            accept_order(round.scale, stats)
                .into_iter()
                .enumerate()
                .map(|(i, card)| {
                    let press = RoundAction::Accept(card.label().to_string()).on(round_id);
                    let style = if i == 0 && stats.is_some() {
                        ButtonStyle::Success
                    } else {
                        ButtonStyle::Secondary
                    };
                    Button::new(press.encode(), format!("Accept {}", card.label()), style)
                })
                .collect(),
            vec![Button::new(
                RoundAction::Revote.on(round_id).encode(),
                "Re-vote",
                ButtonStyle::Secondary,
            )],
        ),
        RoundStatus::Accepted | RoundStatus::Replaced => (Vec::new(), Vec::new()),
    };
    let mut rows: Vec<Vec<Button>> = values
        .chunks(BUTTONS_PER_ROW)
        .take(ACTION_ROWS - 1)
        .map(<[Button]>::to_vec)
        .collect();
    if !controls.is_empty() {
        rows.push(controls);
    }
    rows
}

/// The numbered cards, the suggestion (median rounded up to the scale) first.
pub fn accept_order(scale: Scale, stats: Option<&PokerStats>) -> Vec<Card> {
    let numbered = scale
        .cards()
        .iter()
        .copied()
        .filter(|c| c.points().is_some());
    match stats {
        Some(stats) => std::iter::once(stats.suggestion)
            .chain(numbered.filter(|c| *c != stats.suggestion))
            .collect(),
        None => numbered.collect(),
    }
}

fn card_text(card: Card) -> String {
    if card == Card::COFFEE {
        "☕ coffee".to_string()
    } else {
        card.label().to_string()
    }
}

fn result_text(stats: Option<&PokerStats>) -> String {
    let Some(s) = stats else {
        return "No numbered votes (`?` and coffee are not counted), so there is nothing to suggest."
            .to_string();
    };
    let median = if s.median.fract() == 0.0 {
        format!("{}", s.median as i64)
    } else {
        format!("{:.1}", s.median)
    };
    format!(
        "Min **{}** · Max **{}** · Median **{median}** points · {}\nSuggested: **{}** (the median rounded up to the scale). `?` and coffee are not counted.",
        s.min.label(),
        s.max.label(),
        if s.consensus { "✅ consensus" } else { "no consensus" },
        s.suggestion.label()
    )
}

fn field(name: String, people: &[u64]) -> (String, String, bool) {
    let value = if people.is_empty() {
        "nobody".to_string()
    } else {
        let mentions: Vec<String> = people.iter().map(|id| format!("<@{id}>")).collect();
        joined_within_limit(&mentions, " ")
    };
    (name, value, false)
}

/// Whole items up to Discord's field limit, then how many more there are, so a mention is never
/// cut in half; "none" for no items. The vote cards' voter lists use it too.
pub(super) fn joined_within_limit(items: &[String], separator: &str) -> String {
    if items.is_empty() {
        return "none".to_string();
    }
    join_within(items, separator, FIELD_VALUE, |more| {
        format!("… and {more} more")
    })
}

#[cfg(test)]
#[path = "poker_tests.rs"]
mod tests;
