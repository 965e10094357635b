//! A voter's ephemeral ballot: **Open my ballot** on the public card opens it; each press
//! updates it in place, one candidate at a time; the draft lives in SQLite, so it survives
//! restarts. **Submit** replaces any earlier ballot and queues an edit of the public card (new
//! voter count and list, never values) in the same transaction.

use serenity::all::ComponentInteraction;

use super::vote::NO_SUCH_VOTE;
use super::vote_custom_id::BallotStep;
use super::vote_results::enqueue_card_edit;
use super::vote_tally::check_ballot;
use super::{Caller, Services};
use crate::domain::vote::Method;
use crate::error::{AppError, HandlerResult};
use crate::render::time;
use crate::render::vote::{ballot, dots_placed, method_label};
use crate::render::{Embed, Message, Response};
use crate::store::votes::{self, Mark, Vote, VoteStatus};

/// Why a ballot is no longer accepted, or `Ok` while the vote is open.
pub fn still_open(vote: &Vote, now: i64) -> HandlerResult<()> {
    match vote.status {
        VoteStatus::Open if vote.closes_at > now => Ok(()),
        VoteStatus::Cancelled => Err(AppError::user(
            "This vote was cancelled, so it takes no more ballots.",
        )),
        _ => Err(AppError::user(format!(
            "This vote closed {}; it takes no more ballots. The results are posted in its channel.",
            time::relative(vote.closed_at.unwrap_or(vote.closes_at))
        ))),
    }
}

async fn load_vote(services: &Services, caller: &Caller, vote_id: i64) -> HandlerResult<Vote> {
    services
        .store
        .vote(caller.guild_id, vote_id)
        .await?
        .ok_or_else(|| AppError::user(NO_SUCH_VOTE))
}

/// **Open my ballot**: remembers the public card it was pressed on (the first time), then
/// shows the caller's ballot.
pub async fn open(
    services: &Services,
    caller: &Caller,
    component: &ComponentInteraction,
    vote_id: i64,
) -> HandlerResult<Response> {
    let vote = load_vote(services, caller, vote_id).await?;
    still_open(&vote, services.now_unix())?;
    let store = &services.store;
    // `/vote start`'s reply is the card, and its id is only learnt from a press on it. Edits of
    // an ephemeral message fail, and `/vote status` shows a private copy with this button, so
    // only a public press in the vote's channel may tell where the card is; and only the first
    // (the store keeps a recorded card), so a press elsewhere cannot move the card.
    let private = super::caller::pressed_on_private(component);
    if vote.card.is_none() && !private && component.channel_id.get() == vote.channel_id {
        store
            .record_vote_card(
                caller.guild_id,
                vote.id,
                component.channel_id.get(),
                component.message.id.get(),
            )
            .await?;
    }
    let marks = store.draft_marks(vote.id, caller.user_id).await?;
    let titles = store
        .story_titles(vote.guild_id, vote.team_id, &vote.candidates)
        .await?;
    Ok(Response::Message(ballot(&vote, &titles, &marks, 0, None)))
}

/// A press on the ballot: marks the candidate it names, moves, or submits.
pub async fn step(
    services: &Services,
    caller: &Caller,
    vote_id: i64,
    at: usize,
    step: BallotStep,
) -> HandlerResult<Response> {
    let vote = load_vote(services, caller, vote_id).await?;
    let now = services.now_unix();
    still_open(&vote, now)?;
    let Some(&story) = vote.candidates.get(at) else {
        return Err(AppError::user(
            "That ballot is out of date. Press Open my ballot on the vote card again.",
        ));
    };
    let store = &services.store;
    let titles = store
        .story_titles(vote.guild_id, vote.team_id, &vote.candidates)
        .await?;
    let mut marks = store.draft_marks(vote.id, caller.user_id).await?;
    if step == BallotStep::Submit {
        return submit(services, caller, &vote, &titles, marks, at).await;
    }
    let before = marks.clone();
    let (next_at, notice) = apply_step(&vote, &mut marks, story, at, step);
    if marks != before {
        store
            .save_draft(vote.id, caller.user_id, &marks, now)
            .await?;
    }
    Ok(Response::Update(ballot(
        &vote,
        &titles,
        &marks,
        next_at,
        notice.as_deref(),
    )))
}

/// Changes the draft for one press; returns the candidate to show next and a notice, if any.
fn apply_step(
    vote: &Vote,
    marks: &mut Vec<Mark>,
    story: crate::domain::story::StoryNumber,
    at: usize,
    step: BallotStep,
) -> (usize, Option<String>) {
    let last = vote.candidates.len().saturating_sub(1);
    let advance = (at + 1).min(last);
    let placed = dots_placed(marks);
    let index = match marks.iter().position(|m| m.story == story) {
        Some(i) => i,
        None => {
            marks.push(Mark {
                story,
                first: None,
                second: None,
            });
            marks.len() - 1
        }
    };
    let mark = &mut marks[index];
    // Pressing the chosen value again clears it, so a voter can take a mark back.
    let toggle = |slot: &mut Option<i64>, value: i64| {
        *slot = if *slot == Some(value) {
            None
        } else {
            Some(value)
        };
        slot.is_some()
    };
    let outcome = match step {
        BallotStep::Score(n) | BallotStep::Moscow(n) => {
            let set = toggle(&mut mark.first, i64::from(n));
            (if set { advance } else { at }, None)
        }
        BallotStep::Value(n) => {
            let set = toggle(&mut mark.first, i64::from(n));
            let both = set && mark.second.is_some();
            (if both { advance } else { at }, None)
        }
        BallotStep::Effort(n) => {
            let set = toggle(&mut mark.second, i64::from(n));
            let both = set && mark.first.is_some();
            (if both { advance } else { at }, None)
        }
        BallotStep::AddDot if placed >= i64::from(vote.dots_per_voter) => (
            at,
            Some("You have placed all your dots. Take one back from another story first.".into()),
        ),
        BallotStep::AddDot => {
            mark.first = Some(mark.first.unwrap_or(0) + 1);
            (at, None)
        }
        BallotStep::RemoveDot => {
            mark.first = mark.first.map(|n| n - 1).filter(|n| *n > 0);
            (at, None)
        }
        BallotStep::Back => (at.saturating_sub(1), None),
        BallotStep::Next | BallotStep::Submit => (advance, None),
    };
    marks.retain(|m| m.first.is_some() || m.second.is_some());
    outcome
}

async fn submit(
    services: &Services,
    caller: &Caller,
    vote: &Vote,
    titles: &[(crate::domain::story::StoryNumber, String)],
    marks: Vec<Mark>,
    at: usize,
) -> HandlerResult<Response> {
    if let Err(invalid) = check_ballot(vote, &marks) {
        // The ballot stays as it was, with the reason on top.
        return Ok(Response::Update(ballot(
            vote,
            titles,
            &marks,
            at,
            Some(&invalid.0),
        )));
    }
    let now = services.now_unix();
    let mut tx = services.store.begin_write().await?;
    if !votes::lock_open_vote(&mut tx, caller.guild_id, vote.id, now).await? {
        drop(tx);
        let fresh = load_vote(services, caller, vote.id).await?;
        still_open(&fresh, now)?;
        return Err(AppError::user("This vote takes no more ballots."));
    }
    let replaced = votes::replace_ballot(&mut tx, vote.id, caller.user_id, &marks, now).await?;
    // Read again inside the transaction: the card may have become known since the vote loaded.
    let current = votes::vote_in(&mut tx, caller.guild_id, vote.id)
        .await?
        .unwrap_or_else(|| vote.clone());
    enqueue_card_edit(&mut tx, &current, titles, now).await?;
    tx.commit().await?;
    services.scheduler_wake.notify_one();
    Ok(Response::Update(receipt(vote, titles, &marks, replaced)))
}

/// What the voter sees after submitting: their own marks, for them only.
fn receipt(
    vote: &Vote,
    titles: &[(crate::domain::story::StoryNumber, String)],
    marks: &[Mark],
    replaced: bool,
) -> Message {
    let mut shown = ballot(vote, titles, marks, 0, None);
    shown.rows.clear();
    let headline = format!(
        "✅ Your ballot for the {} is in{}. It stays secret until the vote closes {}; to change it, press **Open my ballot** on the vote card again.",
        method_label(vote.method),
        if replaced {
            " and replaces your earlier one"
        } else {
            ""
        },
        time::relative(vote.closes_at)
    );
    shown.content = Some(headline);
    if let Some(embed) = shown.embeds.first_mut() {
        *embed = Embed {
            title: Some(format!("Your ballot · {}", method_label(vote.method))),
            footer: None,
            ..embed.clone()
        };
        if vote.method == Method::Dots {
            embed.footer = Some("Unused dots are simply not cast.".to_string());
        }
    }
    shown
}
