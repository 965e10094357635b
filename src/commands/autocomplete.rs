//! Suggestions while typing: stories (number prefix or title words, open ones first) and team
//! names. Always at most 25 choices, always from the caller's own guild.

use super::caller::team_for;
use super::options::Invocation;
use super::{Caller, Services};
use crate::domain::story::truncate_plain;
use crate::error::HandlerResult;
use crate::render::limits::CHOICES;
use crate::render::Response;

pub async fn run(
    services: &Services,
    caller: &Caller,
    inv: &Invocation,
) -> HandlerResult<Response> {
    let Some((option, typed)) = inv.focused() else {
        return Ok(Response::Choices(Vec::new()));
    };
    let choices = match option {
        "team" => services
            .store
            .search_teams(caller.guild_id, typed.trim(), CHOICES as i64)
            .await?
            .into_iter()
            .map(|team| (team.name.clone(), team.name))
            .collect(),
        _ => {
            let team = team_for(services, caller).await?;
            services
                .store
                .search_stories(team.guild_id, team.id, typed, CHOICES as i64)
                .await?
                .into_iter()
                .map(|story| {
                    let name = format!(
                        "#{} {} ({})",
                        story.number,
                        story.title,
                        story.status.label()
                    );
                    (truncate_plain(&name, 100), story.number.to_string())
                })
                .collect()
        }
    };
    Ok(Response::Choices(choices))
}
