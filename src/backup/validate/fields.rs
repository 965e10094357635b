//! The checks of fields the app writes through a command's own limits rather than a domain
//! type's: sprint name, goal, days and zone; poker cards against their round's scale; vote
//! candidates; stand-up answer lengths; a story's source link; the team's next story number.
//! The limits are the ones the commands use, so an import cannot write what a command would
//! refuse. Pure.

use chrono::NaiveDate;

use super::Problems;
use crate::backup::{PokerRoundDoc, SprintDoc, StoryDoc, TeamDoc};
use crate::commands::sprint::{SPRINT_GOAL_MAX, SPRINT_NAME_MAX};
use crate::commands::standup_answer::ANSWER_FIELD_MAX;
use crate::domain::poker::Scale;
use crate::domain::sprint::SprintSpan;
use crate::domain::story::{truncate_plain, StoryNumber};
use crate::domain::team::Timezone;
use crate::domain::text::one_line;
use crate::domain::vote::Candidates;

/// Far beyond any team's backlog, and far from where numbering on (`+ n` in SQL) could overflow.
pub(super) const NEXT_STORY_NUMBER_MAX: i64 = 1_000_000_000;

pub(super) fn check_fields(at: &str, team: &TeamDoc, problems: &mut Problems) {
    if !(1..=NEXT_STORY_NUMBER_MAX).contains(&team.next_story_number) {
        problems.add(
            at,
            format!(
                "next_story_number {} is outside 1-{NEXT_STORY_NUMBER_MAX}",
                team.next_story_number
            ),
        );
    }
    for story in &team.stories {
        check_source_url(at, story, problems);
    }
    for sprint in &team.sprints {
        check_sprint(at, sprint, problems);
    }
    for (i, vote) in team.votes.iter().enumerate() {
        let stories = vote.candidates.iter().map(|n| StoryNumber(*n)).collect();
        if let Err(e) = Candidates::new(stories) {
            problems.add(at, format!("vote {}'s candidates: {}", i + 1, e.0));
        }
    }
    for round in &team.poker_rounds {
        check_cards(at, round, problems);
    }
    for day in &team.standup.days {
        for answer in &day.answers {
            let fields = [
                ("yesterday", &answer.yesterday),
                ("today", &answer.today),
                ("blockers", &answer.blockers),
            ];
            for (field, text) in fields {
                if text.chars().count() > ANSWER_FIELD_MAX {
                    problems.add(
                        at,
                        format!(
                            "the stand-up answer of {} on {} has a {field} over {ANSWER_FIELD_MAX} characters",
                            answer.user_id, day.date
                        ),
                    );
                }
            }
        }
    }
}

/// Only the link the app writes (`story_modal.rs`): a message on discord.com, since the story
/// card shows it as a link on a public card.
fn check_source_url(at: &str, story: &StoryDoc, problems: &mut Problems) {
    let Some(url) = &story.source_url else {
        return;
    };
    let ids = url
        .strip_prefix("https://discord.com/channels/")
        .map(|rest| rest.split('/').collect::<Vec<_>>());
    let is_id = |s: &&str| {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s.parse::<u64>().is_ok()
    };
    if !ids.is_some_and(|ids| ids.len() == 3 && ids.iter().all(is_id)) {
        problems.add(
            at,
            format!(
                "story #{}'s source_url {:?} is not a Discord message link (https://discord.com/channels/<guild>/<channel>/<message>)",
                story.number,
                truncate_plain(url, 60)
            ),
        );
    }
}

/// The stored forms `/sprint start` writes: whitespace collapsed, within its limits.
fn check_sprint(at: &str, sprint: &SprintDoc, problems: &mut Problems) {
    let n = sprint.number;
    let mut text = |what: &str, raw: &str, max: usize| {
        let len = raw.chars().count();
        if one_line(raw) != raw || len == 0 || len > max {
            problems.add(
                at,
                format!(
                    "sprint {n}'s {what} must be 1-{max} characters on one line, single-spaced"
                ),
            );
        }
    };
    text("name", &sprint.name, SPRINT_NAME_MAX);
    if let Some(goal) = &sprint.goal {
        text("goal", goal, SPRINT_GOAL_MAX);
    }
    let zone = match Timezone::parse(&sprint.timezone) {
        Ok(zone) => zone,
        Err(e) => return problems.add(at, format!("sprint {n}: {}", e.0)),
    };
    // A bad start date is reported with the status.
    let start = NaiveDate::parse_from_str(&sprint.start_date, "%Y-%m-%d").unwrap_or_default();
    if let Err(e) = SprintSpan::new(start, sprint.days, zone) {
        problems.add(at, format!("sprint {n}: {}", e.0));
    }
}

/// Cards as the buttons store them: a card of the round's scale by its own label; an
/// accepted card is one with points.
fn check_cards(at: &str, round: &PokerRoundDoc, problems: &mut Problems) {
    // A bad scale is reported with the status.
    let Ok(scale) = Scale::parse(&round.scale) else {
        return;
    };
    let of_scale = |label: &str| scale.card(label).is_ok_and(|c| c.label() == label);
    let round_at = format!("{at}, the poker round of #{}", round.story);
    let cards = round.votes.iter().filter_map(|v| v.card.as_deref());
    for label in cards.filter(|l| !of_scale(l)) {
        problems.add(
            &round_at,
            format!(
                "a vote's card {:?} is not a card of its scale",
                truncate_plain(label, 20)
            ),
        );
    }
    if let Some(label) = &round.accepted_card {
        if !of_scale(label) || scale.points_of(label).is_err() {
            problems.add(
                &round_at,
                format!(
                    "the accepted card {:?} is not a card of its scale with points",
                    truncate_plain(label, 20)
                ),
            );
        }
    }
}
