//! `/update schedule|unschedule` (admin) and the scheduler's weekly publication: on the chosen
//! local day and time, across daylight-saving changes, the update is drafted and published
//! without preview, once per week even across restarts (the last published local date is
//! stored in the same transaction as the queued post).

use chrono::{DateTime, Utc};

use super::options::Invocation;
use super::update_draft::draft_message;
use super::{Caller, Services};
use crate::domain::access::Access;
use crate::domain::schedule::LocalTime;
use crate::domain::team::Timezone;
use crate::domain::update::weekly::{parse_weekday, WeeklySchedule};
use crate::error::{AppError, HandlerResult};
use crate::render::text::escape_markdown;
use crate::render::{Message, Response};
use crate::store::outbox::{NewOutboxItem, OutboxKind};
use crate::store::teams::Team;
use crate::store::updates::UpdateSchedule;

fn weekly(schedule: &UpdateSchedule) -> Option<WeeklySchedule> {
    Some(WeeklySchedule {
        weekday: chrono::Weekday::try_from(schedule.weekday).ok()?,
        time: LocalTime::parse(&schedule.local_time).ok()?,
        zone: Timezone::parse(&schedule.timezone).ok()?,
    })
}

pub async fn schedule(
    services: &Services,
    caller: &Caller,
    team: &Team,
    inv: &Invocation,
) -> HandlerResult<Response> {
    caller.require(team, Access::Admin, "schedule the weekly update")?;
    let channel = inv
        .channel("channel")
        .ok_or_else(|| AppError::user("The option `channel` is required."))?;
    let weekday = parse_weekday(inv.required_text("day")?)?;
    let time = LocalTime::parse(inv.required_text("time")?)?;
    let zone = Timezone::parse(inv.text("timezone").unwrap_or(&team.timezone))?;
    let weekly = WeeklySchedule {
        weekday,
        time,
        zone,
    };
    let now = services.clock.now();
    let stored = UpdateSchedule {
        team_id: team.id,
        guild_id: team.guild_id,
        channel_id: channel,
        weekday: weekday.num_days_from_monday() as u8,
        local_time: time.to_string(),
        timezone: zone.name().to_string(),
        // A time already past this week counts as handled: the first update is the next one.
        last_published_date: weekly.latest_occurrence(now),
    };
    services
        .store
        .set_update_schedule(&stored, caller.user_id, now.timestamp())
        .await?;
    let next = weekly.next_after(now).timestamp();
    Ok(Response::Message(Message::public_text(format!(
        "<@{}> scheduled the weekly stakeholder update: every {weekday} at {time} ({}) in <#{channel}>, published without preview. Next: <t:{next}:f>.",
        caller.user_id,
        zone.name()
    ))))
}

pub async fn unschedule(
    services: &Services,
    caller: &Caller,
    team: &Team,
) -> HandlerResult<Response> {
    caller.require(team, Access::Admin, "stop the weekly update")?;
    if !services.store.remove_update_schedule(team).await? {
        return Err(AppError::user(format!(
            "Team {} has no weekly update scheduled. Set one with /update schedule.",
            escape_markdown(&team.name)
        )));
    }
    Ok(Response::Message(Message::public_text(format!(
        "<@{}> stopped the weekly stakeholder update of team {}.",
        caller.user_id,
        escape_markdown(&team.name)
    ))))
}

/// The scheduler's step: publishes every weekly update due at `now`; returns how many. One
/// team's failure is logged and does not hold up the others (it is retried next step).
pub async fn publish_due(services: &Services, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut published = 0;
    for schedule in services.store.all_update_schedules().await? {
        match publish_if_due(services, &schedule, now).await {
            Ok(true) => published += 1,
            Ok(false) => {}
            Err(error) => tracing::error!(
                team = schedule.team_id,
                error = format!("{error:#}"),
                "weekly stakeholder update failed"
            ),
        }
    }
    Ok(published)
}

async fn publish_if_due(
    services: &Services,
    schedule: &UpdateSchedule,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let Some(weekly) = weekly(schedule) else {
        anyhow::bail!("unreadable schedule {schedule:?}");
    };
    let Some(date) = weekly.due(now, schedule.last_published_date) else {
        return Ok(false);
    };
    let store = &services.store;
    let Some(team) = store
        .team_by_id(schedule.guild_id, schedule.team_id)
        .await?
    else {
        return Ok(false);
    };
    let draft = draft_message(services, &team, now)
        .await
        .map_err(|e| anyhow::anyhow!("drafting the weekly update: {e}"))?;
    let post = NewOutboxItem {
        attachment: None,
        guild_id: team.guild_id,
        kind: OutboxKind::Post,
        channel_id: schedule.channel_id,
        target_message_id: None,
        purpose: format!("weekly-update:{}:{date}", team.id),
        body: serde_json::to_value(draft.to_channel_message())?,
    };
    let queued = store
        .publish_weekly_update(schedule, date, &post, now.timestamp())
        .await?;
    if queued {
        tracing::info!(team = team.id, %date, "weekly stakeholder update queued");
    }
    Ok(queued)
}
