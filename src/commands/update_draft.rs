//! The stakeholder update drafted from a team's data: vision, the active sprint, what shipped
//! since the last published update, work in progress, next up, and risks. Shared by
//! `/update post` and the weekly publication.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::sprint_facts::{planning_ends_at, SprintFacts};
use super::Services;
use crate::domain::story::{Status, StoryNumber};
use crate::domain::update::{
    compose, BacklogStory, BlockedStory, ShippedStory, SprintFacts as UpdateSprint,
    StandupBlockers, StoryRef, UpdateInput, STANDUPS_CONSIDERED,
};
use crate::error::HandlerResult;
use crate::render::update::update_message;
use crate::render::Message;
use crate::store::stories::Story;
use crate::store::teams::Team;

/// With no update published yet, "shipped" looks back this far.
pub const FIRST_UPDATE_LOOKBACK_DAYS: i64 = 7;

fn story_ref(story: &Story) -> StoryRef {
    StoryRef {
        number: StoryNumber(story.number),
        title: story.title.clone(),
    }
}

/// How far back "the last stand-ups" may lie.
pub const STANDUP_LOOKBACK_DAYS: i64 = 30;

/// Blockers raised at the team's last stand-ups (empty when it has held none).
async fn recent_standup_blockers(
    services: &Services,
    team: &Team,
    now: DateTime<Utc>,
) -> HandlerResult<Vec<StandupBlockers>> {
    let today = now
        .with_timezone(&super::sprint::team_zone(team).tz())
        .date_naive();
    let from = today - Duration::days(STANDUP_LOOKBACK_DAYS);
    let days = services.store.held_days_between(team, from, today).await?;
    let mut recent = Vec::new();
    for day in days.iter().rev().take(STANDUPS_CONSIDERED) {
        let blockers = services
            .store
            .answers(day.id)
            .await?
            .into_iter()
            .filter(|a| crate::domain::blockers::reports_blocker(&a.blockers))
            // Embeds show a mention as the member's name and never ping.
            .map(|a| (format!("<@{}>", a.user_id), a.blockers))
            .collect();
        recent.push(StandupBlockers {
            date: day.date,
            blockers,
        });
    }
    Ok(recent)
}

/// The update as it would be posted at `now`.
pub async fn draft_message(
    services: &Services,
    team: &Team,
    now: DateTime<Utc>,
) -> HandlerResult<Message> {
    let store = &services.store;
    let sprint = match store.active_sprint(team.guild_id, team.id).await? {
        Some(sprint) => {
            let facts = SprintFacts::load(services, sprint, now).await?;
            Some(UpdateSprint {
                name: facts.sprint.name.clone(),
                goal: facts.sprint.goal.clone(),
                span: facts.span,
                scope: facts.scope,
                planning_ends_at: planning_ends_at(&facts.sprint),
            })
        }
        None => None,
    };
    let since = match store.last_published_content_at(team).await? {
        Some(at) => at,
        None => (now - Duration::days(FIRST_UPDATE_LOOKBACK_DAYS)).timestamp(),
    };
    let shipped = store
        .shipped_since(team, since)
        .await?
        .iter()
        .map(|s| ShippedStory {
            story: story_ref(s),
            status: s.status,
        })
        .collect();
    let open = store.open_stories(team.guild_id, team.id).await?;
    let backlog = open
        .iter()
        .map(|s| BacklogStory {
            story: story_ref(s),
            status: s.status,
            // Embeds show a mention as the member's name and never ping.
            assignee: s.assignee_id.map(|id| format!("<@{id}>")),
        })
        .collect();
    let by_number: HashMap<i64, &Story> = open.iter().map(|s| (s.number, s)).collect();
    let mut waiting: Vec<(i64, Vec<(StoryRef, Status)>)> = Vec::new();
    for (story, blocker) in store.dependency_edges(team.guild_id, team.id).await? {
        // Only open stories waiting on open stories are at risk.
        let (Some(_), Some(b)) = (by_number.get(&story), by_number.get(&blocker)) else {
            continue;
        };
        match waiting.iter_mut().find(|(n, _)| *n == story) {
            Some((_, list)) => list.push((story_ref(b), b.status)),
            None => waiting.push((story, vec![(story_ref(b), b.status)])),
        }
    }
    let blocked = open
        .iter()
        .filter_map(|s| {
            let (_, on) = waiting.iter().find(|(n, _)| *n == s.number)?;
            Some(BlockedStory {
                story: story_ref(s),
                waiting_on: on.clone(),
            })
        })
        .collect();
    let input = UpdateInput {
        team: team.name.clone(),
        vision: team.vision.clone(),
        sprint,
        shipped,
        backlog,
        standups: recent_standup_blockers(services, team, now).await?,
        blocked,
    };
    Ok(update_message(&compose(&input, now)))
}
