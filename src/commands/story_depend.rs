//! `/story depend|undepend`: "this story is blocked by that one", same team only, never a cycle.

use super::options::Invocation;
use super::story::{find_story, public_card, refuse_archived};
use super::{Caller, Services};
use crate::domain::dependency::Dependency;
use crate::domain::story::StoryNumber;
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
    let on_number = StoryNumber::parse(inv.required_text("on")?)?;
    let wanted = Dependency::new(StoryNumber(story.number), on_number);
    if inv.path == "story depend" {
        // Refuse self-dependency before looking the other story up: the message is clearer.
        if story.number == on_number.0 {
            wanted.check_new(&[])?;
        }
        let on = find_story(services, team, on_number).await?;
        // An archived story will never be finished, so nothing should wait for it.
        refuse_archived(&on)?;
        // Checked against the links in the insert's own transaction: a depend racing this one
        // is either seen or waits.
        services
            .store
            .depend(&story, &on, caller.user_id, services.now_unix())
            .await??;
        let headline = format!(
            "<@{}> recorded that #{} is blocked by #{}.",
            caller.user_id, story.number, on.number
        );
        Ok(Response::Message(
            public_card(services, team, story, headline).await?,
        ))
    } else {
        let on = find_story(services, team, on_number).await?;
        if !services.store.remove_dependency(&story, &on).await? {
            return Err(AppError::user(format!(
                "#{} does not depend on #{}.",
                story.number, on.number
            )));
        }
        let headline = format!(
            "<@{}> removed the dependency of #{} on #{}.",
            caller.user_id, story.number, on.number
        );
        Ok(Response::Message(
            public_card(services, team, story, headline).await?,
        ))
    }
}
