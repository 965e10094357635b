//! `/update post`: the stakeholder update drafted from the team's data, previewed privately with
//! **Publish** and **Cancel**. Publishing posts it once, through the outbox, and marks where the
//! next update's "shipped since" starts. `/update schedule|unschedule` live in
//! `update_schedule.rs`.

use serenity::all::{
    ChannelType, CommandOptionType, CreateCommand, CreateCommandOption, InteractionContext,
};

use super::caller::{control_team, foreign, team_for};
use super::custom_id::Action;
use super::options::Invocation;
use super::update_draft::draft_message;
use super::{update_schedule, Caller, Services};
use crate::domain::access::Access;
use crate::error::{AppError, HandlerResult};
use crate::render::{Button, ButtonStyle, Message, Response};
use crate::store::outbox::{NewOutboxItem, OutboxKind};
use crate::store::teams::Team;
use crate::store::updates::{PublishOutcome, StakeholderUpdate, UpdateStatus};

fn sub(name: &str, description: &str) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::SubCommand, name, description)
}

fn channel_option(description: &str) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::Channel, "channel", description)
        .channel_types(vec![ChannelType::Text, ChannelType::News])
}

pub fn definition() -> CreateCommand {
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let day = days.into_iter().fold(
        CreateCommandOption::new(CommandOptionType::String, "day", "Day of the week")
            .required(true),
        |option, d| option.add_string_choice(d, d),
    );
    CreateCommand::new("update")
        .description("The stakeholder update")
        .contexts(vec![InteractionContext::Guild])
        .add_option(
            sub(
                "post",
                "Draft the update and preview it before publishing (Product Owner)",
            )
            .add_sub_option(channel_option(
                "Where to publish (default: the stakeholder channel)",
            )),
        )
        .add_option(
            sub(
                "schedule",
                "Publish the update every week without preview (admin)",
            )
            .add_sub_option(channel_option("Where to publish").required(true))
            .add_sub_option(day)
            .add_sub_option(
                CreateCommandOption::new(
                    CommandOptionType::String,
                    "time",
                    "Local time, HH:MM (24 h)",
                )
                .required(true)
                .max_length(5),
            )
            .add_sub_option(
                CreateCommandOption::new(
                    CommandOptionType::String,
                    "timezone",
                    "IANA zone, e.g. Europe/Berlin (default: the team's)",
                )
                .max_length(64),
            ),
        )
        .add_option(sub("unschedule", "Stop the weekly update (admin)"))
}

pub async fn run(
    services: &Services,
    caller: &Caller,
    inv: &Invocation,
) -> HandlerResult<Response> {
    let team = team_for(services, caller).await?;
    match inv.path.as_str() {
        "update post" => post(services, caller, &team, inv.channel("channel")).await,
        "update schedule" => update_schedule::schedule(services, caller, &team, inv).await,
        "update unschedule" => update_schedule::unschedule(services, caller, &team).await,
        other => Err(AppError::Internal(anyhow::anyhow!(
            "no handler for /{other}"
        ))),
    }
}

async fn post(
    services: &Services,
    caller: &Caller,
    team: &Team,
    channel: Option<u64>,
) -> HandlerResult<Response> {
    caller.require(team, Access::ProductOwner, "post the stakeholder update")?;
    let channel = channel.or(team.stakeholder_channel_id).ok_or_else(|| {
        AppError::user(
            "Say where to publish: /update post channel:#updates, or set a stakeholder channel with /team settings.",
        )
    })?;
    let now = services.clock.now();
    let draft = draft_message(services, team, now).await?;
    let body = serde_json::to_value(draft.to_channel_message())
        .map_err(|e| AppError::Internal(e.into()))?;
    let id = services
        .store
        .insert_update_draft(team, channel, &body, caller.user_id, now.timestamp())
        .await?;
    let publish = Action::UpdatePublish {
        team_id: team.id,
        update_id: id,
    };
    let cancel = Action::UpdateCancel {
        team_id: team.id,
        update_id: id,
    };
    let mut preview = draft.private().with_row(vec![
        Button::new(publish.encode(), "Publish", ButtonStyle::Success),
        Button::new(cancel.encode(), "Cancel", ButtonStyle::Secondary),
    ]);
    preview.content = Some(format!(
        "Preview: only you see this. **Publish** posts it in <#{channel}>."
    ));
    Ok(Response::Message(preview))
}

async fn load(
    services: &Services,
    caller: &Caller,
    team_id: i64,
    update_id: i64,
) -> HandlerResult<(Team, StakeholderUpdate)> {
    let team = control_team(services, caller, team_id, "update").await?;
    let update = services
        .store
        .stakeholder_update(caller.guild_id, update_id)
        .await?
        .filter(|u| u.team_id == team.id)
        .ok_or_else(|| foreign("update"))?;
    Ok((team, update))
}

/// **Publish**: posts the previewed update once.
pub async fn publish(
    services: &Services,
    caller: &Caller,
    team_id: i64,
    update_id: i64,
) -> HandlerResult<Response> {
    let (team, update) = load(services, caller, team_id, update_id).await?;
    caller.require(
        &team,
        Access::ProductOwner,
        "publish the stakeholder update",
    )?;
    let post = NewOutboxItem {
        attachment: None,
        guild_id: team.guild_id,
        kind: OutboxKind::Post,
        channel_id: update.channel_id,
        target_message_id: None,
        purpose: format!("update:{}", update.id),
        body: update.content.clone(),
    };
    let now = services.now_unix();
    match services
        .store
        .publish_update_draft(&update, &post, now)
        .await?
    {
        PublishOutcome::Published => {
            services.scheduler_wake.notify_one();
            Ok(Response::Update(Message::private_text(format!(
                "Published in <#{}> by <@{}>.",
                update.channel_id, caller.user_id
            ))))
        }
        PublishOutcome::AlreadyPublished => Err(AppError::user(format!(
            "This update is already published in <#{}>; it is not posted twice.",
            update.channel_id
        ))),
        PublishOutcome::Cancelled => Err(AppError::user(
            "This draft was cancelled. Run /update post for a fresh one.",
        )),
    }
}

/// **Cancel**: drops the draft; nothing is posted.
pub async fn cancel(
    services: &Services,
    caller: &Caller,
    team_id: i64,
    update_id: i64,
) -> HandlerResult<Response> {
    let (team, update) = load(services, caller, team_id, update_id).await?;
    caller.require(&team, Access::ProductOwner, "cancel the stakeholder update")?;
    if services.store.cancel_update_draft(&update).await? {
        return Ok(Response::Update(Message::private_text(
            "Cancelled: nothing was posted. Run /update post again when you are ready.",
        )));
    }
    Err(AppError::user(match update.status {
        UpdateStatus::Cancelled => "This draft is already cancelled.",
        _ => "This update is already published, so it cannot be cancelled.",
    }))
}
