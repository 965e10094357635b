//! The planning poker buttons: a card value, Sit out, Reveal, Re-vote, Accept N, and the story
//! card's Estimate. Each press reads the round from the database by the id in its custom id,
//! so cards work after restarts, and answers by updating the card in place.
//!
//! Who may press: any member of the guild, for every button. PRODUCT.md has members estimate
//! stories, and Accept only sets points, which members may also set with `/story edit`; the PO
//! keeps the decisions that are theirs (accepting work, ranking).

use super::caller::{control_team, foreign};
use super::estimate::{open_round, round_card};
use super::poker_id::{PokerPress, RoundAction};
use super::story::find_story;
use super::{Caller, Services};
use crate::domain::story::{Status, StoryNumber};
use crate::domain::wording::counted;
use crate::error::{AppError, HandlerResult};
use crate::render::Response;
use crate::store::poker::{PokerRound, RoundStatus};
use crate::store::stories::Story;
use crate::store::teams::Team;

pub async fn press(
    services: &Services,
    caller: &Caller,
    press: PokerPress,
) -> HandlerResult<Response> {
    match press {
        PokerPress::Estimate { team_id, number } => {
            let team = control_team(services, caller, team_id, "card").await?;
            let story = find_story(services, &team, StoryNumber(number)).await?;
            let (round, headline) = open_round(services, caller, &story, None).await?;
            Ok(Response::Message(
                round_card(services, &team, &story, &round, headline).await?,
            ))
        }
        PokerPress::Round { round_id, action } => {
            round_press(services, caller, round_id, action).await
        }
    }
}

/// Applies a round button and answers with the refreshed card.
async fn round_press(
    services: &Services,
    caller: &Caller,
    round_id: i64,
    action: RoundAction,
) -> HandlerResult<Response> {
    let store = &services.store;
    let now = services.now_unix();
    let user = caller.user_id;
    let (team, story, round) = live_round(services, caller, round_id).await?;
    let headline = match action {
        RoundAction::Vote(card) => {
            let card = round.scale.card(&card)?;
            require_open(&round)?;
            applied(
                store
                    .cast_poker_vote(&round, user, Some(card.label()), now)
                    .await?,
            )?;
            hidden_votes_headline(&story)
        }
        RoundAction::SitOut => {
            require_open(&round)?;
            applied(store.cast_poker_vote(&round, user, None, now).await?)?;
            hidden_votes_headline(&story)
        }
        RoundAction::Reveal => {
            require_open(&round)?;
            let votes = store.poker_votes(&round).await?;
            if votes.iter().all(|v| v.card.is_none()) {
                return Err(AppError::user(
                    "Nobody has played a card yet. Reveal once at least one vote is in.",
                ));
            }
            applied(store.reveal_poker_round(&round).await?)?;
            format!("<@{user}> revealed the cards for #{}.", story.number)
        }
        RoundAction::Revote => {
            applied(store.revote_poker_round(&round).await?)?;
            format!(
                "<@{user}> started round {} for #{}: the votes are cleared, pick a card again.",
                round.round_number + 1,
                story.number
            )
        }
        RoundAction::Accept(card) => {
            if round.status != RoundStatus::Revealed {
                return Err(AppError::user(
                    "Reveal the cards before accepting an estimate.",
                ));
            }
            let points = round.scale.points_of(&card)?;
            let card = round.scale.card(&card)?.label();
            if !store
                .accept_poker_estimate(&round, card, points, user, now)
                .await?
            {
                // The round or its story changed since the read above: say which.
                live_round(services, caller, round.id).await?;
                applied(false)?;
            }
            format!(
                "<@{user}> accepted **{card}** for #{}: it now has {}.",
                story.number,
                counted(points.get(), "point", "points")
            )
        }
    };
    let round = store
        .poker_round(caller.guild_id, round.id)
        .await?
        .ok_or_else(foreign_card)?;
    Ok(Response::Update(
        round_card(services, &team, &story, &round, headline).await?,
    ))
}

/// The round, its team and story; refuses rounds of other guilds, finished rounds and rounds
/// of archived stories.
async fn live_round(
    services: &Services,
    caller: &Caller,
    round_id: i64,
) -> HandlerResult<(Team, Story, PokerRound)> {
    let store = &services.store;
    let round = store
        .poker_round(caller.guild_id, round_id)
        .await?
        .ok_or_else(foreign_card)?;
    let team = control_team(services, caller, round.team_id, "card").await?;
    let story = store.poker_story(&round).await?.ok_or_else(foreign_card)?;
    // An archived story is off every list; its points change only once it is restored.
    if story.status == Status::Archived {
        return Err(AppError::user(format!(
            "Story #{} was archived, so this planning poker round is paused. Restore it with /story restore story:{} to carry on.",
            story.number, story.number
        )));
    }
    match round.status {
        RoundStatus::Accepted => Err(AppError::user(format!(
            "This planning poker round is over: #{} was estimated at {}. Run /estimate story:{} to estimate it again.",
            story.number,
            round.accepted_card.as_deref().unwrap_or("a value"),
            story.number
        ))),
        RoundStatus::Replaced => Err(AppError::user(format!(
            "This planning poker card is out of date: a newer /estimate of #{} replaced it. Use the newest card, or run /estimate story:{}.",
            story.number, story.number
        ))),
        RoundStatus::Open | RoundStatus::Revealed => Ok((team, story, round)),
    }
}

fn hidden_votes_headline(story: &Story) -> String {
    format!(
        "Planning poker for #{}: votes stay hidden until someone presses Reveal.",
        story.number
    )
}

fn require_open(round: &PokerRound) -> HandlerResult<()> {
    if round.status == RoundStatus::Revealed {
        return Err(AppError::user(
            "The cards of this round are already revealed. Press Re-vote to vote again.",
        ));
    }
    Ok(())
}

/// A conditional write that found the round changed (someone revealed or re-voted first).
fn applied(written: bool) -> HandlerResult<()> {
    if written {
        Ok(())
    } else {
        Err(AppError::user(
            "Someone changed this round at the same moment (revealed, re-voted or accepted). Nothing was recorded; look at the card and press again.",
        ))
    }
}

fn foreign_card() -> AppError {
    foreign("card")
}
