//! `/story criteria add|check|uncheck`: the acceptance-criteria checklist of a story.

use super::options::Invocation;
use super::story::{find_story, public_card, refuse_archived};
use super::{Caller, Services};
use crate::domain::story::{Criteria, CRITERIA_MAX};
use crate::error::{AppError, HandlerResult};
use crate::render::Response;
use crate::store::teams::Team;

pub async fn run(
    services: &Services,
    caller: &Caller,
    team: &Team,
    inv: &Invocation,
) -> HandlerResult<Response> {
    let story = find_story(services, team, inv.story("story")?).await?;
    refuse_archived(&story)?;
    let headline = match inv.path.as_str() {
        "story criteria add" => {
            let text = Criteria::parse_one(inv.required_text("text")?)?;
            let number = services
                .store
                .add_criterion(&story, &text, CRITERIA_MAX as i64)
                .await?
                .ok_or_else(|| {
                    AppError::user(format!(
                        "Story #{} already has {CRITERIA_MAX} acceptance criteria, the most a story may have.",
                        story.number
                    ))
                })?;
            format!(
                "<@{}> added criterion {number} to #{}.",
                caller.user_id, story.number
            )
        }
        path @ ("story criteria check" | "story criteria uncheck") => {
            let checked = path.ends_with(" check");
            let number = inv.integer("number").unwrap_or(0);
            let verb = if checked { "checked" } else { "unchecked" };
            match services
                .store
                .set_criterion_checked(&story, number, checked)
                .await?
            {
                Some(true) => {}
                Some(false) => {
                    return Err(AppError::user(format!(
                        "Criterion {number} of #{} is already {verb}; nothing was changed.",
                        story.number
                    )))
                }
                None => {
                    return Err(AppError::user(format!(
                        "Story #{} has no criterion {number}. /story show #{} lists them.",
                        story.number, story.number
                    )))
                }
            }
            format!(
                "<@{}> {verb} criterion {number} of #{}.",
                caller.user_id, story.number
            )
        }
        other => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "no handler for /{other}"
            )))
        }
    };
    Ok(Response::Message(
        public_card(services, team, story, headline).await?,
    ))
}
