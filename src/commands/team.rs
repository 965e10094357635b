//! `/team`: create teams, link channels to them, manage the roster and settings, show a team.

use serenity::all::{
    ChannelType, CommandOptionType, CreateCommand, CreateCommandOption, InteractionContext,
};

use super::caller::team_for;
use super::options::Invocation;
use super::{Caller, Services};
use crate::domain::access::Access;
use crate::domain::team::{TeamName, Timezone, TEAM_NAME_MAX};
use crate::error::{AppError, HandlerResult};
use crate::render::team::team_overview;
use crate::render::text::escape_markdown;
use crate::render::{Message, Response};
use crate::store::teams::TeamSettingsChange;

fn sub(name: &str, description: &str) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::SubCommand, name, description)
}

/// A channel a team can be linked to: forums too, since commands in a forum's posts (threads)
/// resolve through it.
fn linkable_channel(name: &str, description: &str) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::Channel, name, description).channel_types(vec![
        ChannelType::Text,
        ChannelType::News,
        ChannelType::Forum,
    ])
}

/// A channel the bot posts in: not a forum, where Discord refuses messages outside a post.
fn postable_channel(name: &str, description: &str) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::Channel, name, description)
        .channel_types(vec![ChannelType::Text, ChannelType::News])
}

pub fn definition() -> CreateCommand {
    CreateCommand::new("team")
        .description("Teams: each has its own backlog, stand-up and sprints")
        .contexts(vec![InteractionContext::Guild])
        .add_option(
            sub("create", "Create a team (admin)").add_sub_option(
                CreateCommandOption::new(CommandOptionType::String, "name", "The team's name")
                    .required(true)
                    .max_length(TEAM_NAME_MAX as u16),
            ),
        )
        .add_option(
            sub(
                "link",
                "Make a channel (and its threads) use a team (admin)",
            )
            .add_sub_option(linkable_channel("channel", "The channel").required(true))
            .add_sub_option(
                CreateCommandOption::new(CommandOptionType::String, "team", "The team")
                    .required(true)
                    .set_autocomplete(true)
                    .max_length(TEAM_NAME_MAX as u16),
            ),
        )
        .add_option(
            sub("add", "Add a member to this channel's team (admin)").add_sub_option(
                CreateCommandOption::new(CommandOptionType::User, "user", "The member")
                    .required(true),
            ),
        )
        .add_option(
            sub("remove", "Remove a member from this channel's team (admin)").add_sub_option(
                CreateCommandOption::new(CommandOptionType::User, "user", "The member")
                    .required(true),
            ),
        )
        .add_option(
            sub("settings", "Change this channel's team settings (admin)")
                .add_sub_option(CreateCommandOption::new(
                    CommandOptionType::Role,
                    "po_role",
                    "The Product Owner role",
                ))
                .add_sub_option(
                    CreateCommandOption::new(
                        CommandOptionType::String,
                        "timezone",
                        "IANA time zone, e.g. Europe/Berlin",
                    )
                    .max_length(64),
                )
                .add_sub_option(postable_channel(
                    "stakeholder_channel",
                    "Where stakeholder updates and sprint summaries go",
                )),
        )
        .add_option(sub("show", "Show this channel's team"))
}

pub async fn run(
    services: &Services,
    caller: &Caller,
    inv: &Invocation,
) -> HandlerResult<Response> {
    let team = team_for(services, caller).await?;
    let store = &services.store;
    let now = services.now_unix();
    match inv.path.as_str() {
        "team show" => {
            let channels = store.linked_channels(&team).await?;
            let members = store.members(&team).await?;
            Ok(Response::Message(team_overview(&team, &channels, &members)))
        }
        "team create" => {
            caller.require(&team, Access::Admin, "create teams")?;
            let name = TeamName::parse(inv.required_text("name")?)?;
            let created = store
                .create_team(caller.guild_id, name.as_str(), now)
                .await?
                .ok_or_else(|| {
                    AppError::user(format!(
                        "A team named {} already exists in this server.",
                        escape_markdown(name.as_str())
                    ))
                })?;
            Ok(Response::Message(Message::public_text(format!(
                "<@{}> created team **{}**. Link a channel to it with /team link.",
                caller.user_id,
                escape_markdown(&created.name)
            ))))
        }
        "team link" => {
            caller.require(&team, Access::Admin, "link channels to teams")?;
            let channel = inv
                .channel("channel")
                .ok_or_else(|| AppError::user("Name the channel to link."))?;
            let name = inv.required_text("team")?;
            let target = store
                .team_by_name(caller.guild_id, name.trim())
                .await?
                .ok_or_else(|| {
                    AppError::user(format!(
                        "There is no team named {} in this server. Create it with /team create.",
                        escape_markdown(&crate::domain::story::truncate_plain(name.trim(), 60))
                    ))
                })?;
            if !store
                .link_channel(caller.guild_id, channel, target.id)
                .await?
            {
                return Err(AppError::user(format!(
                    "<#{channel}> is already linked to team {}; nothing was changed.",
                    escape_markdown(&target.name)
                )));
            }
            Ok(Response::Message(Message::public_text(format!(
                "<@{}> linked <#{channel}> to team **{}**: commands there (and in its threads) use that team.",
                caller.user_id, escape_markdown(&target.name)
            ))))
        }
        "team add" | "team remove" => {
            caller.require(&team, Access::Admin, "change the team roster")?;
            let user = inv
                .user("user")
                .ok_or_else(|| AppError::user("Name the member."))?;
            let text = if inv.path == "team add" {
                if store.add_member(&team, user, now).await? {
                    format!(
                        "<@{}> added <@{user}> to team **{}**.",
                        caller.user_id,
                        escape_markdown(&team.name)
                    )
                } else {
                    return Err(AppError::user(format!(
                        "<@{user}> is already in team {}.",
                        escape_markdown(&team.name)
                    )));
                }
            } else if store.remove_member(&team, user).await? {
                format!(
                    "<@{}> removed <@{user}> from team **{}**.",
                    caller.user_id,
                    escape_markdown(&team.name)
                )
            } else {
                return Err(AppError::user(format!(
                    "<@{user}> is not in team {}.",
                    escape_markdown(&team.name)
                )));
            };
            Ok(Response::Message(Message::public_text(text)))
        }
        "team settings" => {
            caller.require(&team, Access::Admin, "change team settings")?;
            let change = TeamSettingsChange {
                po_role_id: inv.role("po_role"),
                timezone: inv
                    .text("timezone")
                    .map(Timezone::parse)
                    .transpose()?
                    .map(|tz| tz.name().to_string()),
                stakeholder_channel_id: inv.channel("stakeholder_channel"),
            };
            if change.po_role_id.is_none()
                && change.timezone.is_none()
                && change.stakeholder_channel_id.is_none()
            {
                return Err(AppError::user(
                    "Give at least one setting: po_role, timezone or stakeholder_channel. /team show lists the current ones.",
                ));
            }
            let updated = store.update_team_settings(&team, &change).await?;
            let channels = store.linked_channels(&updated).await?;
            let members = store.members(&updated).await?;
            let mut message = team_overview(&updated, &channels, &members);
            message.ephemeral = false;
            message.content = Some(format!(
                "<@{}> changed the settings of team **{}**.",
                caller.user_id,
                escape_markdown(&updated.name)
            ));
            Ok(Response::Message(message))
        }
        other => Err(AppError::Internal(anyhow::anyhow!(
            "no handler for /{other}"
        ))),
    }
}
