//! `/standup setup|show|pause|resume|skip|away`: the schedule and who is excused.

use super::caller::team_for;
use super::options::Invocation;
use super::sprint::team_zone;
use super::{Caller, Services};
use crate::domain::access::Access;
use crate::domain::schedule::{
    parse_date, AwayRange, Exclusions, LocalTime, Schedule, Weekdays, DEFAULT_REMINDER_MINUTES,
    DEFAULT_WINDOW_MINUTES, UNTIL_RESUMED,
};
use crate::domain::team::Timezone;
use crate::error::{AppError, HandlerResult};
use crate::render::text::escape_markdown;
use crate::render::{time, Embed, Message, Response};
use crate::store::standup_days::DayStatus;
use crate::store::standups::{ScheduleSetup, StoredSchedule};
use crate::store::teams::Team;

/// What the next prompt times read when there are none.
fn no_prompts(exclusions: &Exclusions) -> &'static str {
    if exclusions.paused_until_resumed() {
        "none while paused (/standup resume)"
    } else {
        "none scheduled"
    }
}

fn minutes(inv: &Invocation, name: &str, default: u32) -> Result<u32, AppError> {
    match inv.integer(name) {
        None => Ok(default),
        Some(value) => u32::try_from(value).map_err(|_| {
            AppError::user(format!("`{name}` must be a number of minutes, 0 or more."))
        }),
    }
}

fn describe(stored: &StoredSchedule) -> String {
    let s = &stored.schedule;
    let reminder = match s.reminder_minutes() {
        0 => "no reminder".to_string(),
        m => format!("reminder {m} min before close"),
    };
    format!(
        "<#{}> at **{}** ({}), {}, open {} min, {reminder}",
        stored.channel_id,
        s.time(),
        s.zone().name(),
        s.days(),
        s.window_minutes()
    )
}

/// The zone the team's stand-up dates are in: its schedule's, or the team's before it has one.
pub async fn standup_zone(services: &Services, team: &Team) -> HandlerResult<Timezone> {
    Ok(match services.store.schedule(team).await? {
        Some(stored) => stored.schedule.zone(),
        None => team_zone(team),
    })
}

async fn schedule_of(services: &Services, team: &Team) -> Result<StoredSchedule, AppError> {
    services.store.schedule(team).await?.ok_or_else(|| {
        AppError::user(format!(
            "Team {} has no stand-up yet. An admin sets one up with /standup setup.",
            escape_markdown(&team.name)
        ))
    })
}

/// The reminder when none is given: [`DEFAULT_REMINDER_MINUTES`] before close, or halfway
/// through a window too short for that (a window of 60 minutes or less would otherwise remind
/// everyone a minute after the prompt); none in a one-minute window.
fn default_reminder(window: u32) -> u32 {
    DEFAULT_REMINDER_MINUTES.min(window / 2)
}

pub async fn setup(
    services: &Services,
    caller: &Caller,
    inv: &Invocation,
) -> HandlerResult<Response> {
    let team = team_for(services, caller).await?;
    caller.require(&team, Access::Admin, "set up the stand-up")?;
    let channel_id = inv
        .channel("channel")
        .ok_or_else(|| AppError::user("Name the channel the stand-up posts in."))?;
    let time = LocalTime::parse(inv.required_text("time")?)?;
    let zone = Timezone::parse(inv.text("timezone").unwrap_or(&team.timezone))?;
    let days = match inv.text("days") {
        Some(days) => Weekdays::parse(days)?,
        None => Weekdays::WORKDAYS,
    };
    let window = minutes(inv, "window", DEFAULT_WINDOW_MINUTES)?;
    let reminder = minutes(inv, "reminder", default_reminder(window))?;
    let schedule = Schedule::new(time, zone, days, window, reminder)?;
    let now = services.clock.now();
    let setup = ScheduleSetup {
        channel_id,
        schedule,
        handled_through: schedule.handled_through(now),
    };
    services
        .store
        .save_schedule(&team, &setup, caller.user_id, now.timestamp())
        .await?;
    services.scheduler_wake.notify_one();
    let stored = schedule_of(services, &team).await?;
    let exclusions = services.store.exclusions(team.id).await?;
    let next: Vec<String> = schedule
        .next_prompts(now, 3, &exclusions)
        .iter()
        .map(|(_, at)| format!("• {}", time::full(at.timestamp())))
        .collect();
    Ok(Response::Message(Message::public_text(format!(
        "<@{}> set up team **{}**'s stand-up: {}.\nNext prompts:{}",
        caller.user_id,
        escape_markdown(&team.name),
        describe(&stored),
        if next.is_empty() {
            format!(" {}", no_prompts(&exclusions))
        } else {
            format!("\n{}", next.join("\n"))
        }
    ))))
}

pub async fn show(services: &Services, caller: &Caller) -> HandlerResult<Response> {
    let team = team_for(services, caller).await?;
    let stored = schedule_of(services, &team).await?;
    let now = services.clock.now();
    let today = stored.schedule.local_date(now);
    let exclusions = services.store.exclusions(team.id).await?;
    let roster = services.store.members(&team).await?;
    let absences = services.store.absences(team.id, today).await?;
    let mut lines = vec![format!("**Schedule:** {}", describe(&stored))];
    if let Some(reason) = &stored.failing_reason {
        if caller.access(&team) >= Access::Admin {
            lines.push(format!("⚠️ **The stand-up cannot post.** {reason}"));
        } else {
            lines.push(
                "⚠️ The stand-up cannot post right now; an admin can see why with /standup show."
                    .into(),
            );
        }
    }
    match exclusions.paused_until {
        Some(until) if until >= today => lines.push(if exclusions.paused_until_resumed() {
            "**Paused** until /standup resume.".to_string()
        } else {
            format!("**Paused** up to and including {until}.")
        }),
        _ => {}
    }
    let next = stored.schedule.next_prompts(now, 1, &exclusions);
    lines.push(match next.first() {
        Some((_, at)) => format!("**Next prompt:** {}", time::moment(at.timestamp())),
        None => format!("**Next prompt:** {}", no_prompts(&exclusions)),
    });
    let members: Vec<String> = roster.iter().map(|m| format!("<@{m}>")).collect();
    lines.push(format!(
        "**Roster:** {}",
        if members.is_empty() {
            "nobody yet (/team add)".to_string()
        } else {
            members.join(", ")
        }
    ));
    let away: Vec<String> = absences
        .iter()
        .map(|a| format!("<@{}> {} to {}", a.member, a.range.from(), a.range.to()))
        .collect();
    if !away.is_empty() {
        lines.push(format!("**Away:** {}", away.join("; ")));
    }
    let upcoming: Vec<String> = exclusions
        .skipped
        .range(today..)
        .map(|d| d.to_string())
        .collect();
    if !upcoming.is_empty() {
        lines.push(format!("**Skipped dates:** {}", upcoming.join(", ")));
    }
    Ok(Response::Message(
        Message::default()
            .with_embed(Embed {
                title: Some(format!("Stand-up of team {}", escape_markdown(&team.name))),
                description: Some(lines.join("\n")),
                ..Embed::default()
            })
            .private(),
    ))
}

pub async fn pause(
    services: &Services,
    caller: &Caller,
    inv: &Invocation,
) -> HandlerResult<Response> {
    let team = team_for(services, caller).await?;
    caller.require(&team, Access::Admin, "pause the stand-up")?;
    let until = inv.text("until").map(parse_date).transpose()?;
    let stored = schedule_of(services, &team).await?;
    let today = stored.schedule.local_date(services.clock.now());
    if until.is_some_and(|u| u < today) {
        return Err(AppError::user(format!(
            "{} has passed. Give today ({today}) or a later date as the last day without stand-up.",
            until.unwrap_or(today)
        )));
    }
    if stored.paused_until == Some(until.unwrap_or(UNTIL_RESUMED)) {
        return Err(AppError::user(match until {
            Some(until) => format!(
                "The stand-up is already paused up to and including {until}; nothing was changed."
            ),
            None => "The stand-up is already paused until /standup resume; nothing was changed."
                .to_string(),
        }));
    }
    let silenced = services
        .store
        .pause_schedule(&team, until.unwrap_or(UNTIL_RESUMED))
        .await?;
    let mut text = match until {
        Some(until) => format!(
            "<@{}> paused the stand-up up to and including {until}.",
            caller.user_id
        ),
        None => format!(
            "<@{}> paused the stand-up until /standup resume.",
            caller.user_id
        ),
    };
    // The stand-up already open was asked for; it keeps its answers and summary, but nobody
    // is chased for it any more.
    if let Some(close_at) = silenced.iter().max() {
        text.push_str(&format!(
            " The stand-up already open still closes {} with its summary, but without a reminder.",
            time::relative(*close_at)
        ));
    }
    Ok(Response::Message(Message::public_text(text)))
}

pub async fn resume(services: &Services, caller: &Caller) -> HandlerResult<Response> {
    let team = team_for(services, caller).await?;
    caller.require(&team, Access::Admin, "resume the stand-up")?;
    let stored = schedule_of(services, &team).await?;
    let now = services.clock.now();
    let paused_now = stored
        .paused_until
        .is_some_and(|until| until >= stored.schedule.local_date(now));
    if !paused_now && stored.failing_reason.is_none() {
        return Err(AppError::user(format!(
            "The stand-up of team {} is neither paused nor failing; there is nothing to resume.",
            escape_markdown(&team.name)
        )));
    }
    // Days that went by paused (today too, once its prompt time has passed) stay unheld: not
    // reported missed, and no late prompt the reply below would not mention.
    let paused = services.store.exclusions(team.id).await?;
    let passed = stored
        .schedule
        .passed_without_prompt(now, stored.last_handled, &paused);
    services.store.resume_schedule(&team, passed).await?;
    services.scheduler_wake.notify_one();
    let exclusions = services.store.exclusions(team.id).await?;
    let next = stored.schedule.next_prompts(now, 1, &exclusions);
    let when = next
        .first()
        .map_or("none scheduled".to_string(), |(_, at)| {
            time::full(at.timestamp())
        });
    let today = stored.schedule.local_date(now);
    let today_paused = passed == Some(today)
        && stored.schedule.is_prompt_day(today, &exclusions)
        && now < stored.schedule.close_instant(today);
    let hint = if today_paused {
        " Today's stand-up stays off; /standup now opens it at once."
    } else {
        ""
    };
    Ok(Response::Message(Message::public_text(format!(
        "<@{}> resumed the stand-up. Next prompt: {when}.{hint}",
        caller.user_id
    ))))
}

pub async fn skip(
    services: &Services,
    caller: &Caller,
    inv: &Invocation,
) -> HandlerResult<Response> {
    let team = team_for(services, caller).await?;
    caller.require(&team, Access::Admin, "skip stand-up days")?;
    let date = parse_date(inv.required_text("date")?)?;
    let stored = schedule_of(services, &team).await?;
    let today = stored.schedule.local_date(services.clock.now());
    if date < today {
        return Err(AppError::user(format!(
            "{date} has passed; give today or a later date."
        )));
    }
    if !stored.schedule.is_prompt_day(date, &Exclusions::none()) {
        return Err(AppError::user(format!(
            "{date} is a {}, and the stand-up is held {} only; there is nothing to skip.",
            date.format("%A"),
            stored.schedule.days()
        )));
    }
    // A day already handled has a stand-up, or had its time pass without one (set up or
    // resumed after the prompt time): either way there is nothing left to skip.
    let handled = date <= stored.last_handled;
    if handled || !services.store.add_skip(&team, date).await? {
        return Err(match services.store.standup_day(&team, date).await? {
            Some(day) if day.status == DayStatus::Open => AppError::user(format!(
                "The stand-up of {date} is already open, so it cannot be skipped; it closes {}. /standup pause until:{date} stops its reminder and keeps later days.",
                time::moment(day.close_at)
            )),
            Some(day) if day.status == DayStatus::Closed => AppError::user(format!(
                "The stand-up of {date} has already been held, so it cannot be skipped. /standup summary date:{date} shows it."
            )),
            None if handled => AppError::user(format!(
                "The stand-up time of {date} has passed without a stand-up, so there is nothing to skip. /standup now opens one at once."
            )),
            _ => AppError::user(format!("{date} is already skipped.")),
        });
    }
    Ok(Response::Message(Message::public_text(format!(
        "<@{}> skipped the stand-up on {date}.",
        caller.user_id
    ))))
}

pub async fn away(
    services: &Services,
    caller: &Caller,
    inv: &Invocation,
) -> HandlerResult<Response> {
    let team = team_for(services, caller).await?;
    let from = parse_date(inv.required_text("from")?)?;
    let to = parse_date(inv.required_text("to")?)?;
    // The dates an absence names are stand-up dates, so "today" is the stand-up's.
    let today = standup_zone(services, &team)
        .await?
        .date_at(services.clock.now());
    let range = AwayRange::new(from, to)?.to_set_on(today)?;
    let member = inv.user("user").unwrap_or(caller.user_id);
    if member != caller.user_id {
        caller.require(&team, Access::Admin, "set other members away")?;
    }
    let added = services
        .store
        .add_away(&team, member, range, caller.user_id, services.now_unix())
        .await?;
    if !added {
        return Err(AppError::user(format!(
            "<@{member}> is already away on every day from {from} to {to}; nothing was changed. /standup show lists who is away."
        )));
    }
    Ok(Response::Message(Message::public_text(format!(
        "<@{member}> is away from {from} to {to}: not reminded, not listed missing."
    ))))
}
