//! `/vote`: start, status, close and cancel a priority vote, and the routing of its buttons
//! (ballot in `vote_ballot`, closing and applying in `vote_results`).

use serenity::all::{
    CommandOptionType, ComponentInteraction, CreateCommand, CreateCommandOption, InteractionContext,
};

use super::caller::team_for;
use super::options::Invocation;
use super::vote_custom_id::VoteAction;
use super::{vote_ballot, vote_results, Caller, Services};
use crate::domain::access::Access;
use crate::domain::story::{Status, StoryNumber};
use crate::domain::vote::{Candidates, Method, CANDIDATES_MAX};
use crate::error::{AppError, HandlerResult};
use crate::render::text::escape_markdown;
use crate::render::time;
use crate::render::vote::{ballot_card, method_label};
use crate::render::{Message, Response};
use crate::store::teams::Team;
use crate::store::votes::{NewVote, Vote};

pub const HOURS_DEFAULT: i64 = 24;
pub const HOURS_MAX: i64 = 168;
/// A vote button whose vote is not this server's (forged, or copied from another server).
pub const NO_SUCH_VOTE: &str =
    "That vote does not exist in this server. /vote status shows this team's vote.";
/// How many top stories a vote takes when `/vote start` names none.
const DEFAULT_CANDIDATES: i64 = 10;

fn sub(name: &str, description: &str) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::SubCommand, name, description)
}

pub fn definition() -> CreateCommand {
    let method = Method::ALL.into_iter().fold(
        CreateCommandOption::new(CommandOptionType::String, "method", "How members vote")
            .required(true),
        |option, m| option.add_string_choice(m.as_str(), m.as_str()),
    );
    CreateCommand::new("vote")
        .description("Priority votes on backlog stories")
        .contexts(vec![InteractionContext::Guild])
        .add_option(
            sub("start", "Start a priority vote")
                .add_sub_option(method)
                .add_sub_option(
                    CreateCommandOption::new(
                        CommandOptionType::String,
                        "stories",
                        "Stories to vote on, e.g. #3 #7 #9 (default: top 10 open stories)",
                    )
                    .max_length(400),
                )
                .add_sub_option(
                    CreateCommandOption::new(
                        CommandOptionType::Integer,
                        "hours",
                        "How long the vote stays open (1-168, default 24)",
                    )
                    .min_int_value(1)
                    .max_int_value(HOURS_MAX as u64),
                )
                .add_sub_option(
                    CreateCommandOption::new(
                        CommandOptionType::Integer,
                        "dots",
                        "Dots per voter, for dots votes (default: a third of the stories)",
                    )
                    .min_int_value(1)
                    .max_int_value(u64::from(crate::domain::vote::DOTS_PER_VOTER_MAX)),
                ),
        )
        .add_option(sub("status", "Who has voted so far and how long is left"))
        .add_option(sub(
            "close",
            "Close the vote now and post the results (Product Owner)",
        ))
        .add_option(sub(
            "cancel",
            "Cancel the vote without results (Product Owner)",
        ))
}

pub async fn run(
    services: &Services,
    caller: &Caller,
    inv: &Invocation,
) -> HandlerResult<Response> {
    let team = team_for(services, caller).await?;
    match inv.path.as_str() {
        "vote start" => start(services, caller, &team, inv).await,
        "vote status" => status(services, caller, &team).await,
        "vote close" => close(services, caller, &team).await,
        "vote cancel" => cancel(services, caller, &team).await,
        other => Err(AppError::Internal(anyhow::anyhow!(
            "no handler for /{other}"
        ))),
    }
}

/// Routes a press on a vote card or ballot.
pub async fn button(
    services: &Services,
    caller: &Caller,
    component: &ComponentInteraction,
    action: VoteAction,
) -> HandlerResult<Response> {
    match action {
        VoteAction::OpenBallot { vote_id } => {
            vote_ballot::open(services, caller, component, vote_id).await
        }
        VoteAction::Ballot { vote_id, at, step } => {
            vote_ballot::step(services, caller, vote_id, at, step).await
        }
        VoteAction::ApplyResults { vote_id } => {
            vote_results::apply(services, caller, vote_id).await
        }
    }
}

/// `#3 #7 #9`, `3,7,9` or `3 7, #9`.
pub fn parse_story_list(raw: &str) -> Result<Vec<StoryNumber>, AppError> {
    raw.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .map(|part| StoryNumber::parse(part).map_err(AppError::from))
        .collect()
}

/// The candidates in current backlog order, each an open story of the team.
async fn candidates(
    services: &Services,
    team: &Team,
    inv: &Invocation,
) -> HandlerResult<Candidates> {
    let Some(raw) = inv.text("stories").filter(|s| !s.trim().is_empty()) else {
        let top = services
            .store
            .top_open_stories(team.guild_id, team.id, DEFAULT_CANDIDATES)
            .await?;
        let found = top.len();
        return Candidates::new(top).map_err(|_| {
            AppError::user(format!(
                "A vote needs at least two open stories, and team {} has {found}. Add stories with /story add first.",
                escape_markdown(&team.name)
            ))
        });
    };
    let numbers = parse_story_list(raw)?;
    if numbers.len() > CANDIDATES_MAX {
        return Err(AppError::user(format!(
            "That is {} stories; a vote can have at most {CANDIDATES_MAX}.",
            numbers.len()
        )));
    }
    let mut ranked = Vec::with_capacity(numbers.len());
    for number in &numbers {
        let story = super::story::find_story(services, team, *number).await?;
        if !story.status.is_open() {
            return Err(AppError::user(format!(
                "{number} is {}, not in the open backlog; a vote can only rank open stories.",
                match story.status {
                    Status::Archived => "archived",
                    Status::Accepted => "accepted",
                    _ => "done",
                }
            )));
        }
        ranked.push((story.rank.clone(), *number));
    }
    // Candidates are kept in backlog order: that order breaks ties.
    ranked.sort();
    Candidates::new(ranked.into_iter().map(|(_, n)| n).collect()).map_err(AppError::from)
}

async fn start(
    services: &Services,
    caller: &Caller,
    team: &Team,
    inv: &Invocation,
) -> HandlerResult<Response> {
    // Any member may start one (PRODUCT: only closing it and applying its results are the
    // PO's); a PO or an admin can cancel one started by mistake.
    let method = Method::parse(inv.required_text("method")?)?;
    let hours = inv.integer("hours").unwrap_or(HOURS_DEFAULT);
    if !(1..=HOURS_MAX).contains(&hours) {
        return Err(AppError::user(format!(
            "A vote stays open for 1 to {HOURS_MAX} hours; {hours} is out of range."
        )));
    }
    let requested_dots = inv.integer("dots");
    if requested_dots.is_some() && method != Method::Dots {
        return Err(AppError::user(
            "The `dots` option is only for dots votes. Leave it out, or use method dots.",
        ));
    }
    let candidates = candidates(services, team, inv).await?;
    let dots_per_voter = if method == Method::Dots {
        candidates.dots_per_voter(requested_dots)?
    } else {
        0
    };
    if let Some(open) = services.store.open_vote(team.guild_id, team.id).await? {
        return Err(already_open(team, &open));
    }
    let now = services.now_unix();
    let new = NewVote {
        guild_id: team.guild_id,
        team_id: team.id,
        method,
        dots_per_voter,
        opened_by: caller.user_id,
        opened_at: now,
        closes_at: now + hours * 3600,
        channel_id: caller.channel_id,
        candidates: candidates.as_slice().to_vec(),
    };
    let Some(vote) = services.store.insert_vote(&new).await? else {
        let open = services.store.open_vote(team.guild_id, team.id).await?;
        return Err(open.map_or_else(
            || AppError::user("Another vote just started in this team. Try /vote status."),
            |open| already_open(team, &open),
        ));
    };
    services.scheduler_wake.notify_one();
    let titles = services
        .store
        .story_titles(team.guild_id, team.id, &vote.candidates)
        .await?;
    let mut card = ballot_card(&vote, &titles, &[]);
    card.content = Some(format!(
        "<@{}> started a {} on {} stories of {}.",
        caller.user_id,
        method_label(method),
        vote.candidates.len(),
        escape_markdown(&team.name)
    ));
    Ok(Response::Message(card))
}

fn already_open(team: &Team, open: &Vote) -> AppError {
    AppError::user(format!(
        "Team {} already has an open {} (closes {}). Close or cancel it with /vote close or /vote cancel first.",
        escape_markdown(&team.name),
        method_label(open.method),
        time::relative(open.closes_at)
    ))
}

fn no_open_vote(team: &Team) -> AppError {
    AppError::user(format!(
        "Team {} has no open vote. Start one with /vote start.",
        escape_markdown(&team.name)
    ))
}

async fn status(services: &Services, caller: &Caller, team: &Team) -> HandlerResult<Response> {
    let store = &services.store;
    let Some(vote) = store.open_vote(team.guild_id, team.id).await? else {
        let text = match store.latest_vote(team.guild_id, team.id).await? {
            Some(last) => format!(
                "Team {} has no open vote. The last one, a {}, {} {}.",
                escape_markdown(&team.name),
                method_label(last.method),
                if last.status == crate::store::votes::VoteStatus::Cancelled {
                    "was cancelled"
                } else {
                    "closed"
                },
                time::relative(last.closed_at.unwrap_or(last.closes_at))
            ),
            None => no_open_vote(team).to_string(),
        };
        return Ok(Response::Message(Message::private_text(text)));
    };
    let voters = store.vote_voters(vote.id).await?;
    let titles = store
        .story_titles(vote.guild_id, vote.team_id, &vote.candidates)
        .await?;
    let mut card = ballot_card(&vote, &titles, &voters).private();
    let you = if voters.contains(&caller.user_id) {
        "You have voted; Open my ballot lets you change it."
    } else {
        "You have not voted yet."
    };
    let voted = match voters.len() {
        0 => "nobody has voted yet".to_string(),
        1 => "1 member has voted so far".to_string(),
        n => format!("{n} members have voted so far"),
    };
    card.content = Some(format!(
        "Team {}: {voted}; the vote closes {}. {you}",
        escape_markdown(&team.name),
        time::relative(vote.closes_at)
    ));
    Ok(Response::Message(card))
}

async fn close(services: &Services, caller: &Caller, team: &Team) -> HandlerResult<Response> {
    caller.require(team, Access::ProductOwner, "close a vote")?;
    let vote = services
        .store
        .open_vote(team.guild_id, team.id)
        .await?
        .ok_or_else(|| no_open_vote(team))?;
    let now = services.now_unix();
    if !vote_results::close(services, &vote, Some(caller.user_id), now).await? {
        return Err(AppError::user(
            "That vote has just ended. Its results are on their way.",
        ));
    }
    let voters = services.store.vote_voters(vote.id).await?;
    Ok(Response::Message(Message::public_text(format!(
        "<@{}> closed the {} of {}: {} voted. The results follow in a moment.",
        caller.user_id,
        method_label(vote.method),
        escape_markdown(&team.name),
        voters.len()
    ))))
}

async fn cancel(services: &Services, caller: &Caller, team: &Team) -> HandlerResult<Response> {
    caller.require(team, Access::ProductOwner, "cancel a vote")?;
    let vote = services
        .store
        .open_vote(team.guild_id, team.id)
        .await?
        .ok_or_else(|| no_open_vote(team))?;
    let now = services.now_unix();
    if !vote_results::cancel(services, &vote, caller.user_id, now).await? {
        return Err(AppError::user("That vote has just ended."));
    }
    Ok(Response::Message(Message::public_text(format!(
        "<@{}> cancelled the {} of {}. No results are counted; the backlog stays as it is.",
        caller.user_id,
        method_label(vote.method),
        escape_markdown(&team.name)
    ))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn story_lists_accept_hashes_spaces_and_commas() {
        let parsed = parse_story_list("#3 #7, 9,12").unwrap();
        assert_eq!(
            parsed,
            [
                StoryNumber(3),
                StoryNumber(7),
                StoryNumber(9),
                StoryNumber(12)
            ]
        );
        assert!(parse_story_list("#3 seven").is_err());
    }
}
