//! `/sprint plan` and its **Add these** button: the top-ranked `new`/`ready` stories that are
//! not blocked by unfinished work, up to a capacity (by default what the team finished in its
//! last three closed sprints). The button carries the capacity, the sprint's membership version
//! when the plan was shown and a hash of the plan; a press recomputes the plan against the sprint
//! as it was then, refuses if it no longer hashes the same, and adds only what is not in yet, so
//! it adds exactly the stories shown, once.

use std::collections::HashSet;

use super::caller::control_team;
use super::custom_id::Action;
use super::sprint::require_active;
use super::{Caller, Services};
use crate::domain::access::Access;
use crate::domain::fingerprint::Fingerprint;
use crate::domain::sprint::{
    default_capacity, suggest_plan, PlanCandidate, SprintPlan, SprintResult,
};
use crate::domain::story::StoryNumber;
use crate::domain::wording::{counted, pts};
use crate::error::{AppError, HandlerResult};
use crate::render::sprint::plan_embed;
use crate::render::text::escape_markdown;
use crate::render::{Button, ButtonStyle, Message, Response};
use crate::store::stories::Story;
use crate::store::teams::Team;

/// The plan for `capacity` (or the team's default) and the stories it names.
struct Suggestion {
    plan: SprintPlan,
    stories: Vec<Story>,
}

impl Suggestion {
    fn story(&self, number: StoryNumber) -> Option<&Story> {
        self.stories.iter().find(|s| s.number == number.0)
    }

    fn picked(&self) -> Vec<&Story> {
        self.plan
            .picked
            .iter()
            .filter_map(|n| self.story(*n))
            .collect()
    }
}

/// What an **Add these** button says about the plan it was shown with.
#[derive(Debug, Clone, Copy)]
pub struct ShownPlan {
    pub sprint_id: i64,
    pub capacity: u32,
    /// The sprint's membership version when the plan was made.
    pub members_at: i64,
    pub plan_hash: u64,
}

/// FNV-1a over the picked stories' row ids in order: fixed, so a button outlives a restart.
fn plan_hash(stories: &[&Story]) -> u64 {
    let mut hash = Fingerprint::default();
    for story in stories {
        hash.bytes(&story.id.to_le_bytes());
    }
    hash.finish()
}

/// The plan among the open stories not in `in_sprint` (story row ids).
async fn suggest(
    services: &Services,
    team: &Team,
    in_sprint: &HashSet<i64>,
    capacity: u32,
) -> HandlerResult<Suggestion> {
    let store = &services.store;
    let mut stories = store.open_stories(team.guild_id, team.id).await?;
    // A blocker still open (it is in this list of open stories) blocks; finished ones do not.
    let open: HashSet<i64> = stories.iter().map(|s| s.number).collect();
    stories.retain(|s| !in_sprint.contains(&s.id));
    let blocked: HashSet<i64> = store
        .dependency_edges(team.guild_id, team.id)
        .await?
        .into_iter()
        .filter(|(_, blocker)| open.contains(blocker))
        .map(|(story, _)| story)
        .collect();
    let candidates: Vec<PlanCandidate> = stories
        .iter()
        .map(|s| PlanCandidate {
            number: StoryNumber(s.number),
            status: s.status,
            points: s.points.map(|p| p.clamp(0, 100) as u8),
            blocked: blocked.contains(&s.number),
        })
        .collect();
    Ok(Suggestion {
        plan: suggest_plan(&candidates, capacity),
        stories,
    })
}

/// The capacity asked for, or the mean completed points of the last closed sprints.
async fn capacity_or_default(
    services: &Services,
    team: &Team,
    asked: Option<i64>,
) -> HandlerResult<u32> {
    if let Some(asked) = asked {
        return u32::try_from(asked)
            .map_err(|_| AppError::user("The capacity is a number of points, 0 or more."));
    }
    let closed = services
        .store
        .closed_sprints(team.guild_id, team.id, 3)
        .await?;
    // Oldest first, as the domain reads history.
    let history: Vec<SprintResult> = closed
        .iter()
        .rev()
        .filter_map(|s| s.figures)
        .map(|f| SprintResult {
            committed: f.committed_points.max(0) as u32,
            completed: f.completed_points.max(0) as u32,
        })
        .collect();
    default_capacity(&history).ok_or_else(|| {
        AppError::user(
            "Team has no closed sprints to learn its capacity from yet. Say how many points it can take: /sprint plan capacity:20",
        )
    })
}

pub async fn plan(
    services: &Services,
    team: &Team,
    capacity: Option<i64>,
) -> HandlerResult<Response> {
    let capacity = capacity_or_default(services, team, capacity).await?;
    let sprint = services.store.active_sprint(team.guild_id, team.id).await?;
    let (members_at, in_sprint) = match &sprint {
        Some(sprint) => {
            let version = services.store.sprint_membership_version(sprint).await?;
            let members = services.store.sprint_members_at(sprint, version).await?;
            (version, members)
        }
        None => (0, HashSet::new()),
    };
    let suggestion = suggest(services, team, &in_sprint, capacity).await?;
    let lines = |numbers: &[StoryNumber]| -> Vec<(i64, String, Option<i64>)> {
        numbers
            .iter()
            .filter_map(|n| suggestion.story(*n))
            .map(|s| (s.number, s.title.clone(), s.points))
            .collect()
    };
    let embed = plan_embed(
        &team.name,
        sprint.as_ref().map(|s| s.name.as_str()),
        &suggestion.plan,
        &lines(&suggestion.plan.picked),
        &lines(&suggestion.plan.unestimated),
        &lines(&suggestion.plan.too_big),
    );
    let mut message = Message::default().with_embed(embed).private();
    match &sprint {
        Some(sprint) if !suggestion.plan.picked.is_empty() => {
            let action = Action::SprintPlanAdd {
                team_id: team.id,
                sprint_id: sprint.id,
                capacity,
                members_at,
                plan_hash: plan_hash(&suggestion.picked()),
            };
            let label = format!("Add these ({})", suggestion.plan.picked.len());
            message = message.with_row(vec![Button::new(
                action.encode(),
                label,
                ButtonStyle::Primary,
            )]);
        }
        Some(_) => {}
        None => {
            message.content = Some(
                "There is no active sprint yet: start one with /sprint start to add these.".into(),
            );
        }
    }
    Ok(Response::Message(message))
}

/// **Add these**: adds the stories the plan showed that are not in the sprint yet, in one
/// transaction; refused when the plan would now pick other stories.
pub async fn add_planned(
    services: &Services,
    caller: &Caller,
    team_id: i64,
    shown: ShownPlan,
) -> HandlerResult<Response> {
    let team = control_team(services, caller, team_id, "plan").await?;
    caller.require(
        &team,
        Access::ProductOwner,
        "add planned stories to the sprint",
    )?;
    let sprint = require_active(services, &team).await?;
    if sprint.id != shown.sprint_id {
        return Err(AppError::user(
            "That plan was made for a sprint that has closed. Run /sprint plan again.",
        ));
    }
    // The sprint as it was when the plan was shown, so stories added since (by an earlier press
    // of this button, say) are still the plan's and not replaced by the next ones down.
    let then = services
        .store
        .sprint_members_at(&sprint, shown.members_at)
        .await?;
    let suggestion = suggest(services, &team, &then, shown.capacity).await?;
    let picked = suggestion.picked();
    if plan_hash(&picked) != shown.plan_hash {
        return Err(AppError::user(
            "The backlog changed since this plan was shown (stories ranked, estimated, added or moved), so it would add other stories now. Run /sprint plan again.",
        ));
    }
    let now = services.clock.now();
    let scope_change = super::sprint_facts::is_scope_change(&sprint, now);
    let planned: Vec<Story> = picked.into_iter().cloned().collect();
    let added = services
        .store
        .add_stories_to_sprint(
            &sprint,
            &planned,
            scope_change,
            caller.user_id,
            now.timestamp(),
        )
        .await?
        .ok_or_else(|| {
            AppError::user(format!(
                "{} closed before these stories were added: nothing was added.",
                escape_markdown(&sprint.name)
            ))
        })?;
    if added.is_empty() {
        return Err(AppError::user(
            "Nothing left to add: the planned stories are already in the sprint.",
        ));
    }
    let points: i64 = added.iter().filter_map(|s| s.points).sum();
    let lines: Vec<String> = added
        .iter()
        .map(|s| format!("#{} {}", s.number, escape_markdown(&s.title)))
        .collect();
    Ok(Response::Message(Message::public_text(format!(
        "<@{}> added {} ({}) to **{}**:\n{}",
        caller.user_id,
        counted(added.len(), "story", "stories"),
        pts(points),
        escape_markdown(&sprint.name),
        lines.join("\n")
    ))))
}
