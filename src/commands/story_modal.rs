//! The story forms: the new-story modal (from `/story add` without a title, or the **Add to
//! backlog** message command, pre-filled from the message), the pre-filled edit modal, and
//! their submissions.

use serenity::all::{
    ActionRowComponent, CommandInteraction, CommandType, CreateCommand, InteractionContext,
    Message, ModalInteraction,
};

use super::caller::{control_team, team_for};
use super::custom_id::{Action, StoryPreset};
use super::story::{apply_edit, find_story};
use super::{Caller, Services};
use crate::domain::story::{
    Criteria, Labels, Points, StoryDetails, StoryKind, StoryNumber, StoryTitle, CRITERIA_MAX,
    CRITERION_MAX, DETAILS_MAX, TITLE_MAX,
};
use crate::error::{AppError, HandlerResult};
use crate::render::{Modal, Response, TextInput};
use crate::store::stories::{FormVersion, NewStory, Story, StoryChange};
use crate::store::teams::Team;

pub const ADD_TO_BACKLOG: &str = "Add to backlog";

/// The message command that turns any message into a story.
pub fn message_command_definition() -> CreateCommand {
    CreateCommand::new(ADD_TO_BACKLOG)
        .kind(CommandType::Message)
        .contexts(vec![InteractionContext::Guild])
}

fn input(
    id: &str,
    label: &str,
    paragraph: bool,
    required: bool,
    max: usize,
    value: Option<&str>,
) -> TextInput {
    TextInput {
        custom_id: id.to_string(),
        label: label.to_string(),
        paragraph,
        required,
        max_length: max as u16,
        value: value.map(str::to_string),
        placeholder: None,
    }
}

/// The new-story form of `/story add` without a title, pre-filled with its options; the ones
/// the form has no box for ride in its custom id.
pub fn new_story_form(preset: StoryPreset, details: Option<&str>, labels: Option<&str>) -> Modal {
    new_story_form_with_title(None, preset, None, details, labels)
}

fn new_story_form_with_title(
    source: Option<(u64, u64)>,
    preset: StoryPreset,
    title: Option<&str>,
    details: Option<&str>,
    labels: Option<&str>,
) -> Modal {
    let mut criteria = input(
        "criteria",
        "Acceptance criteria (one per line)",
        true,
        false,
        CRITERIA_MAX * (CRITERION_MAX + 1),
        None,
    );
    criteria.max_length = 4000;
    Modal {
        custom_id: Action::NewStoryForm { source, preset }.encode(),
        title: "New story".to_string(),
        inputs: vec![
            input("title", "Title", false, true, TITLE_MAX, title),
            TextInput {
                placeholder: Some("As a ..., I want ..., so that ...".to_string()),
                ..input("details", "Details", true, false, DETAILS_MAX, details)
            },
            criteria,
            input(
                "labels",
                "Labels (comma-separated)",
                false,
                false,
                400,
                labels,
            ),
        ],
    }
}

/// The edit form, pre-filled with the story's current values.
pub fn edit_story_form(team: &Team, story: &Story, labels: &Labels) -> Modal {
    let points = story.points.map(|p| p.to_string());
    Modal {
        custom_id: Action::EditStoryForm {
            team_id: team.id,
            number: story.number,
            version: FormVersion::of(story, labels.as_slice()).0,
        }
        .encode(),
        title: format!("Edit #{}", story.number),
        inputs: vec![
            input("title", "Title", false, true, TITLE_MAX, Some(&story.title)),
            input(
                "details",
                "Details",
                true,
                false,
                DETAILS_MAX,
                Some(&story.details),
            ),
            input(
                "type",
                "Type (feature/bug/improvement/chore/spike)",
                false,
                true,
                11,
                Some(story.kind.as_str()),
            ),
            input(
                "points",
                "Points (0-100, empty for none)",
                false,
                false,
                3,
                points.as_deref(),
            ),
            input(
                "labels",
                "Labels (comma-separated)",
                false,
                false,
                400,
                Some(&labels.as_slice().join(", ")),
            ),
        ],
    }
}

/// The **Add to backlog** message command: opens the form pre-filled from the message.
pub async fn from_message(command: &CommandInteraction) -> HandlerResult<Response> {
    let target = command
        .data
        .target_id
        .ok_or_else(|| AppError::user("Discord did not say which message to add. Try again."))?;
    let message = command.data.resolved.messages.get(&target.get().into());
    let text = message.map(message_text).unwrap_or_default();
    let first_line = text.lines().next().unwrap_or_default();
    let title = crate::domain::story::truncate_plain(first_line, TITLE_MAX);
    let details = crate::domain::story::truncate_plain(&text, DETAILS_MAX);
    Ok(Response::Modal(new_story_form_with_title(
        Some((command.channel_id.get(), target.get())),
        StoryPreset::default(),
        Some(&title),
        Some(&details),
        None,
    )))
}

/// What a message offers a new story: its text; for a message with none, as webhooks and bots
/// (GitHub, CI alerts) post, its first embed's title and description; else its files' names.
fn message_text(message: &Message) -> String {
    let content = message.content.trim();
    if !content.is_empty() {
        return content.to_string();
    }
    let embed = message.embeds.iter().find_map(|embed| {
        let parts: Vec<&str> = [embed.title.as_deref(), embed.description.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join("\n"))
    });
    embed.unwrap_or_else(|| {
        let names: Vec<&str> = message
            .attachments
            .iter()
            .map(|file| file.filename.trim())
            .filter(|name| !name.is_empty())
            .collect();
        names.join("\n")
    })
}

/// The values of a submitted modal by field id.
pub(crate) fn field<'a>(modal: &'a ModalInteraction, id: &str) -> Option<&'a str> {
    modal
        .data
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .find_map(|c| match c {
            ActionRowComponent::InputText(input) if input.custom_id == id => input.value.as_deref(),
            _ => None,
        })
}

/// Handles a submitted story form.
pub async fn submit(
    services: &Services,
    caller: &Caller,
    modal: &ModalInteraction,
    action: Action,
) -> HandlerResult<Response> {
    let text = |id: &str| field(modal, id).unwrap_or_default();
    match action {
        Action::NewStoryForm { source, preset } => {
            let team = team_for(services, caller).await?;
            let new = NewStory {
                title: StoryTitle::parse(text("title")).map_err(in_form)?,
                details: StoryDetails::parse(text("details")).map_err(in_form)?,
                kind: preset.kind.unwrap_or_default(),
                points: preset
                    .points
                    .map(Points::parse)
                    .transpose()
                    .map_err(in_form)?,
                labels: Labels::parse(text("labels")).map_err(in_form)?,
                criteria: Criteria::parse_lines(text("criteria")).map_err(in_form)?,
                assignee_id: preset.assignee_id,
                source_url: source.map(|(channel, message)| {
                    format!(
                        "https://discord.com/channels/{}/{channel}/{message}",
                        caller.guild_id
                    )
                }),
                created_by: caller.user_id,
            };
            super::story::insert_and_show(services, caller, &team, &new).await
        }
        Action::EditStoryForm {
            team_id,
            number,
            version,
        } => {
            let team = control_team(services, caller, team_id, "form").await?;
            let story = find_story(services, &team, StoryNumber(number)).await?;
            let points = match text("points").trim() {
                "" => None,
                raw => {
                    let value: i64 = raw.parse().map_err(|_| {
                        AppError::user(format!(
                            "Points must be a whole number from 0 to 100, not `{}`. Nothing was saved.",
                            crate::domain::story::truncate_plain(raw, 20)
                        ))
                    })?;
                    Some(Points::parse(value).map_err(in_form)?)
                }
            };
            let change = StoryChange {
                title: Some(StoryTitle::parse(text("title")).map_err(in_form)?),
                details: Some(StoryDetails::parse(text("details")).map_err(in_form)?),
                kind: Some(StoryKind::parse(text("type")).map_err(in_form)?),
                points: Some(points),
                labels: Some(Labels::parse(text("labels")).map_err(in_form)?),
            };
            let version = Some(FormVersion(version));
            apply_edit(services, caller, &team, &story, &change, version).await
        }
        _ => Err(AppError::user(
            "That form is no longer supported. Run the command again.",
        )),
    }
}

fn in_form(error: crate::domain::Invalid) -> AppError {
    AppError::user(format!(
        "{} Nothing was saved; open the form again.",
        error.0
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rank::Rank;
    use crate::domain::story::Status;
    use crate::render::limits::INPUT_LABEL;

    #[test]
    fn every_form_label_fits_discords_limit_uncut() {
        let team = Team {
            id: 3,
            guild_id: 2,
            name: "Core".into(),
            is_default: true,
            po_role_id: None,
            timezone: "UTC".into(),
            stakeholder_channel_id: None,
            vision: None,
        };
        let story = Story {
            id: 1,
            guild_id: team.guild_id,
            team_id: team.id,
            number: 7,
            title: "Title".into(),
            details: String::new(),
            kind: StoryKind::Spike,
            status: Status::New,
            points: None,
            assignee_id: None,
            rank: Rank::first(),
            source_url: None,
            created_by: 1,
            created_at: 0,
            updated_at: 0,
        };
        let forms = [
            edit_story_form(&team, &story, &Labels::default()),
            new_story_form(StoryPreset::default(), None, None),
        ];
        for input in forms.iter().flat_map(|form| &form.inputs) {
            assert!(
                input.label.chars().count() <= INPUT_LABEL,
                "{:?} is {} characters",
                input.label,
                input.label.chars().count()
            );
        }
    }
}
