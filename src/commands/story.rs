//! `/story`: add, show, edit, move, assign, unassign, archive and restore backlog stories, and
//! the card buttons (Start, Done, Accept). The command's definition is `story_definition.rs`.

use super::caller::team_for;
use super::custom_id::StoryPreset;
use super::options::Invocation;
pub use super::story_definition::{definition, story_option};
use super::story_modal;
use super::{Caller, Services};
use crate::domain::access::Access;
use crate::domain::story::{
    Criteria, Labels, Points, Status, StoryDetails, StoryKind, StoryNumber, StoryTitle,
};
use crate::error::{AppError, HandlerResult};
use crate::render::story_card::{story_card, StoryView};
use crate::render::text::escape_markdown;
use crate::render::{Message, Response};
use crate::store::stories::{Criterion, FormVersion, NewStory, Story, StoryChange};
use crate::store::teams::Team;
use crate::store::AddedStory;

/// Finds a story of the team or says clearly that it does not exist there.
pub async fn find_story(
    services: &Services,
    team: &Team,
    number: StoryNumber,
) -> HandlerResult<Story> {
    services
        .store
        .story(team.guild_id, team.id, number.0)
        .await?
        .ok_or_else(|| {
            AppError::user(format!(
                "Story {number} does not exist in team {}. Try /backlog.",
                escape_markdown(&team.name)
            ))
        })
}

/// Refuses any change to an archived story (it is off every list until restored), before
/// anything is opened or written.
pub fn refuse_archived(story: &Story) -> HandlerResult<()> {
    if story.status == Status::Archived {
        return Err(crate::domain::story::archived(story.number).into());
    }
    Ok(())
}

/// Loads everything a story card shows.
pub async fn story_view(
    services: &Services,
    team: &Team,
    story: Story,
) -> HandlerResult<StoryView> {
    let store = &services.store;
    let extras = store.story_extras(&story).await?;
    Ok(StoryView {
        blockers: extras.blockers,
        rejection: extras.rejection,
        ranked_above_blocker: extras.ranked_above_blocker,
        labels: extras.labels,
        criteria: extras.criteria,
        position: store.backlog_position(&story).await?,
        team_name: team.name.clone(),
        story,
    })
}

/// A public card of the story with a line saying what changed.
pub async fn public_card(
    services: &Services,
    team: &Team,
    story: Story,
    headline: String,
) -> HandlerResult<Message> {
    let view = story_view(services, team, story).await?;
    let mut message = story_card(&view);
    message.content = Some(headline);
    Ok(message)
}

pub async fn run(
    services: &Services,
    caller: &Caller,
    inv: &Invocation,
) -> HandlerResult<Response> {
    let team = team_for(services, caller).await?;
    match inv.path.as_str() {
        "story add" => add(services, caller, &team, inv).await,
        "story show" => {
            let story = find_story(services, &team, inv.story("story")?).await?;
            let view = story_view(services, &team, story).await?;
            Ok(Response::Message(story_card(&view).private()))
        }
        "story edit" => edit(services, caller, &team, inv).await,
        "story move" => {
            let story = find_story(services, &team, inv.story("story")?).await?;
            let to = Status::parse(inv.required_text("status")?)?;
            if !Status::MOVABLE.contains(&to) {
                return Err(AppError::user(format!(
                    "/story move takes a story to new, ready, in_progress, review or done; {} is reached with /story {}.",
                    to.as_str(),
                    if to == Status::Accepted { "accept" } else { "archive" }
                )));
            }
            let moved = move_story(services, caller, story, to).await?;
            let headline = format!(
                "<@{}> moved #{} to **{}**.",
                caller.user_id,
                moved.number,
                to.label()
            );
            Ok(Response::Message(
                public_card(services, &team, moved, headline).await?,
            ))
        }
        "story assign" | "story unassign" => {
            let story = find_story(services, &team, inv.story("story")?).await?;
            refuse_archived(&story)?;
            let assignee = if inv.path == "story assign" {
                Some(inv.user("user").unwrap_or(caller.user_id))
            } else {
                None
            };
            if assignee == story.assignee_id {
                return Err(AppError::user(match assignee {
                    Some(user) => format!(
                        "Story #{} is already assigned to <@{user}>; nothing was changed.",
                        story.number
                    ),
                    None => format!(
                        "Story #{} has no assignee; nothing was changed.",
                        story.number
                    ),
                }));
            }
            let updated = services
                .store
                .set_assignee(&story, assignee, services.now_unix())
                .await?;
            let headline = match assignee {
                Some(user) => format!(
                    "<@{}> assigned #{} to <@{user}>.",
                    caller.user_id, updated.number
                ),
                None => format!(
                    "<@{}> cleared the assignee of #{}.",
                    caller.user_id, updated.number
                ),
            };
            Ok(Response::Message(
                public_card(services, &team, updated, headline).await?,
            ))
        }
        "story archive" => {
            caller.require(&team, Access::ProductOwner, "archive stories")?;
            let story = find_story(services, &team, inv.story("story")?).await?;
            if story.status == Status::Archived {
                return Err(AppError::user(format!(
                    "Story #{} is already archived.",
                    story.number
                )));
            }
            let archived = change_status(services, caller, story, Status::Archived, None).await?;
            let headline = format!(
                "<@{}> archived #{}. It is off every list; /story restore brings it back.",
                caller.user_id, archived.number
            );
            Ok(Response::Message(
                public_card(services, &team, archived, headline).await?,
            ))
        }
        "story restore" => {
            caller.require(&team, Access::ProductOwner, "restore stories")?;
            let story = find_story(services, &team, inv.story("story")?).await?;
            if story.status != Status::Archived {
                return Err(AppError::user(format!(
                    "Story #{} is not archived; it is {}.",
                    story.number, story.status
                )));
            }
            let back_to = services
                .store
                .status_before_archive(&story)
                .await?
                .unwrap_or(Status::New);
            let restored = change_status(services, caller, story, back_to, None).await?;
            let headline = format!(
                "<@{}> restored #{} as **{}**.",
                caller.user_id,
                restored.number,
                back_to.label()
            );
            Ok(Response::Message(
                public_card(services, &team, restored, headline).await?,
            ))
        }
        "story accept" | "story reject" | "story rank" => {
            super::story_flow::run(services, caller, &team, inv).await
        }
        "story depend" | "story undepend" => {
            super::story_depend::run(services, caller, &team, inv).await
        }
        path if path.starts_with("story criteria ") => {
            super::story_criteria::run(services, caller, &team, inv).await
        }
        other => Err(AppError::Internal(anyhow::anyhow!(
            "no handler for /{other}"
        ))),
    }
}

async fn add(
    services: &Services,
    caller: &Caller,
    team: &Team,
    inv: &Invocation,
) -> HandlerResult<Response> {
    // Checked before a form opens, so a bad option is not found only after typing a story.
    let kind = inv.text("type").map(StoryKind::parse).transpose()?;
    let points = inv.integer("points").map(Points::parse).transpose()?;
    let Some(title) = inv.text("title") else {
        let preset = StoryPreset {
            kind,
            points: points.map(|p| i64::from(p.get())),
            assignee_id: inv.user("assignee"),
        };
        return Ok(Response::Modal(story_modal::new_story_form(
            preset,
            inv.text("details"),
            inv.text("labels"),
        )));
    };
    let new = NewStory {
        title: StoryTitle::parse(title)?,
        details: StoryDetails::parse(inv.text("details").unwrap_or_default())?,
        kind: kind.unwrap_or_default(),
        points,
        labels: Labels::parse(inv.text("labels").unwrap_or_default())?,
        criteria: Criteria::default(),
        assignee_id: inv.user("assignee"),
        source_url: None,
        created_by: caller.user_id,
    };
    insert_and_show(services, caller, team, &new).await
}

/// Saves a new story and answers with its public card.
pub async fn insert_and_show(
    services: &Services,
    caller: &Caller,
    team: &Team,
    new: &NewStory,
) -> HandlerResult<Response> {
    let added = services
        .store
        .insert_story(team.guild_id, team.id, new, services.now_unix())
        .await?;
    let headline = format!(
        "<@{}> added #{} to the backlog of {}.",
        caller.user_id,
        added.story.number,
        escape_markdown(&team.name)
    );
    let mut message = story_card(&new_story_view(team, new, added));
    message.content = Some(headline);
    Ok(Response::Message(message))
}

/// The card of a story just added, without reading it back: a new story has no blockers and no
/// rejection yet, its labels and criteria are the ones it was written with, and the insert told
/// its place.
fn new_story_view(team: &Team, new: &NewStory, added: AddedStory) -> StoryView {
    StoryView {
        labels: new.labels.clone(),
        criteria: new
            .criteria
            .numbered()
            .map(|(position, text)| Criterion {
                position,
                text: text.to_owned(),
                checked: false,
            })
            .collect(),
        position: Some(added.position),
        team_name: team.name.clone(),
        blockers: Vec::new(),
        ranked_above_blocker: false,
        rejection: None,
        story: added.story,
    }
}

async fn edit(
    services: &Services,
    caller: &Caller,
    team: &Team,
    inv: &Invocation,
) -> HandlerResult<Response> {
    let story = find_story(services, team, inv.story("story")?).await?;
    refuse_archived(&story)?;
    let change = StoryChange {
        title: inv.text("title").map(StoryTitle::parse).transpose()?,
        details: inv.text("details").map(StoryDetails::parse).transpose()?,
        kind: inv.text("type").map(StoryKind::parse).transpose()?,
        points: inv
            .integer("points")
            .map(Points::parse)
            .transpose()?
            .map(Some),
        labels: inv.text("labels").map(Labels::parse).transpose()?,
    };
    if change.is_empty() {
        let labels = services.store.labels(&story).await?;
        return Ok(Response::Modal(story_modal::edit_story_form(
            team, &story, &labels,
        )));
    }
    apply_edit(services, caller, team, &story, &change, None).await
}

/// Saves an edit and answers with the public card. From the form, `version` is what the form
/// was filled with: a story changed since is refused and nothing is written.
pub async fn apply_edit(
    services: &Services,
    caller: &Caller,
    team: &Team,
    story: &Story,
    change: &StoryChange,
    version: Option<FormVersion>,
) -> HandlerResult<Response> {
    refuse_archived(story)?;
    let store = &services.store;
    let labels = match change.labels {
        Some(_) => store.labels(story).await?,
        None => Labels::default(),
    };
    if change.changes_nothing(story, &labels) {
        return Err(AppError::user(format!(
            "Story #{} already has those values; nothing was changed.",
            story.number
        )));
    }
    let now = services.now_unix();
    let updated = match version {
        None => store.update_story(story, change, now).await?,
        Some(version) => store
            .update_story_from_form(story, change, version, now)
            .await?
            .ok_or_else(|| {
                AppError::user(format!(
                    "Story #{n} changed since you opened the form; nothing was saved. Open it again with /story edit story:{n}.",
                    n = story.number
                ))
            })?,
    };
    let headline = format!("<@{}> edited #{}.", caller.user_id, updated.number);
    Ok(Response::Message(
        public_card(services, team, updated, headline).await?,
    ))
}

/// Moves a story along the flow (members may), refusing moves the flow forbids.
pub async fn move_story(
    services: &Services,
    caller: &Caller,
    story: Story,
    to: Status,
) -> HandlerResult<Story> {
    story.status.check_move(to).map_err(|e| {
        AppError::user(format!(
            "Story #{} cannot move to {}: {}",
            story.number,
            to.label(),
            e.0
        ))
    })?;
    change_status(services, caller, story, to, None).await
}

/// Writes a status change; tells the user when someone else changed the story meanwhile.
pub async fn change_status(
    services: &Services,
    caller: &Caller,
    story: Story,
    to: Status,
    note: Option<&str>,
) -> HandlerResult<Story> {
    let number = story.number;
    services
        .store
        .change_status(&story, to, caller.user_id, note, services.now_unix())
        .await?
        .ok_or_else(|| {
            AppError::user(format!(
                "Story #{number} changed while you were looking at it. Try again."
            ))
        })
}
