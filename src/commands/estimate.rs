//! `/estimate`: planning poker for one story. Starts (or reopens) the story's round and posts
//! its public card; the card's buttons are handled in [`super::estimate_press`].

use serenity::all::{CommandOptionType, CreateCommand, CreateCommandOption, InteractionContext};

use super::caller::team_for;
use super::options::Invocation;
use super::story::{find_story, refuse_archived, story_option};
use super::{Caller, Services};
use crate::domain::poker::Scale;
use crate::error::HandlerResult;
use crate::render::poker::{poker_card, PokerView};
use crate::render::{Message, Response};
use crate::store::poker::PokerRound;
use crate::store::stories::Story;
use crate::store::teams::Team;

pub fn definition() -> CreateCommand {
    let scale = Scale::ALL.into_iter().fold(
        CreateCommandOption::new(
            CommandOptionType::String,
            "scale",
            "The cards: fibonacci (default), tshirt (XS-XL) or powers of two",
        ),
        |option, scale| option.add_string_choice(scale.as_str(), scale.as_str()),
    );
    CreateCommand::new("estimate")
        .description("Planning poker: the team estimates a story with hidden votes")
        .contexts(vec![InteractionContext::Guild])
        .add_option(story_option("story", "The story, e.g. #12"))
        .add_option(scale)
}

pub async fn run(
    services: &Services,
    caller: &Caller,
    inv: &Invocation,
) -> HandlerResult<Response> {
    let team = team_for(services, caller).await?;
    let story = find_story(services, &team, inv.story("story")?).await?;
    let scale = inv.text("scale").map(Scale::parse).transpose()?;
    let (round, headline) = open_round(services, caller, &story, scale).await?;
    Ok(Response::Message(
        round_card(services, &team, &story, &round, headline).await?,
    ))
}

/// The story's unfinished round, unless another scale is asked for; else a new round (which
/// replaces the unfinished one, so a story has one live card). Returns it with a headline.
pub async fn open_round(
    services: &Services,
    caller: &Caller,
    story: &Story,
    scale: Option<Scale>,
) -> HandlerResult<(PokerRound, String)> {
    refuse_archived(story)?;
    let store = &services.store;
    if let Some(round) = store.unfinished_poker_round(story).await? {
        if scale.is_none_or(|wanted| wanted == round.scale) {
            let headline = format!(
                "<@{}> reopened planning poker for #{} (round {}).",
                caller.user_id, story.number, round.round_number
            );
            return Ok((round, headline));
        }
    }
    let round = store
        .start_poker_round(
            story,
            scale.unwrap_or_default(),
            caller.user_id,
            services.now_unix(),
        )
        .await?;
    let headline = format!(
        "<@{}> started planning poker for #{}: pick a card. Votes stay hidden until Reveal.",
        caller.user_id, story.number
    );
    Ok((round, headline))
}

/// Loads the roster and votes and renders the round's card.
pub async fn round_card(
    services: &Services,
    team: &Team,
    story: &Story,
    round: &PokerRound,
    headline: String,
) -> HandlerResult<Message> {
    let view = PokerView {
        round: round.clone(),
        story_number: story.number,
        story_title: story.title.clone(),
        team_name: team.name.clone(),
        roster: services.store.members(team).await?,
        votes: services.store.poker_votes(round).await?,
    };
    Ok(poker_card(&view, headline))
}
