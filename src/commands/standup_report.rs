//! `/standup summary` and `/standup stats`: a day's summary as it stands, and participation.

use chrono::Duration;

use super::caller::team_for;
use super::options::Invocation;
use super::standup_setup::standup_zone;
use super::{standup_view, Caller, Services};
use crate::domain::blockers::reports_blocker;
use crate::domain::schedule::{is_expected, parse_date};
use crate::error::{AppError, HandlerResult};
use crate::render::charts::{participation, MemberParticipation};
use crate::render::standup::{self as view, Participation};
use crate::render::text::escape_markdown;
use crate::render::Picture;
use crate::render::Response;
use crate::store::standup_days::DayStatus;

pub const STATS_DAYS_DEFAULT: i64 = 30;
pub const STATS_DAYS_MAX: i64 = 365;

pub async fn summary(
    services: &Services,
    caller: &Caller,
    inv: &Invocation,
) -> HandlerResult<Response> {
    let team = team_for(services, caller).await?;
    let day = match inv.text("date") {
        Some(raw) => {
            let date = parse_date(raw)?;
            services
                .store
                .standup_day(&team, date)
                .await?
                .ok_or_else(|| {
                    AppError::user(format!(
                        "Team {} held no stand-up on {date}. /standup summary without a date shows the latest.",
                        escape_markdown(&team.name)
                    ))
                })?
        }
        None => services
            .store
            .latest_standup_day(&team)
            .await?
            .ok_or_else(|| {
                AppError::user(format!(
                    "Team {} has not held a stand-up yet. Set one up with /standup setup, or open today's with /standup now.",
                    escape_markdown(&team.name)
                ))
            })?,
    };
    if day.status == crate::store::standup_days::DayStatus::Skipped {
        return Err(AppError::user(format!(
            "The stand-up of {} was skipped: the bot was offline for its whole window.",
            day.date
        )));
    }
    let thread = standup_view::thread_of(services, &day).await?;
    let message = standup_view::summary(services, &day, thread).await?;
    Ok(Response::Message(message.private()))
}

fn empty_row(member: u64) -> Participation {
    Participation {
        member,
        answered: 0,
        expected: 0,
        blockers: 0,
    }
}

/// The member's row, added at the end for someone outside the roster.
fn row_of(rows: &mut Vec<Participation>, member: u64) -> &mut Participation {
    let at = match rows.iter().position(|r| r.member == member) {
        Some(at) => at,
        None => {
            rows.push(empty_row(member));
            rows.len() - 1
        }
    };
    &mut rows[at]
}

pub async fn stats(
    services: &Services,
    caller: &Caller,
    inv: &Invocation,
) -> HandlerResult<Response> {
    let team = team_for(services, caller).await?;
    let days = inv.integer("days").unwrap_or(STATS_DAYS_DEFAULT);
    if !(1..=STATS_DAYS_MAX).contains(&days) {
        return Err(AppError::user(format!(
            "`days` goes from 1 to {STATS_DAYS_MAX}."
        )));
    }
    let zone = standup_zone(services, &team).await?;
    let today = zone.date_at(services.clock.now());
    let from = today - Duration::days(days - 1);
    let held = services.store.held_days_between(&team, from, today).await?;
    let absences = services.store.absences(team.id, from).await?;
    let roster = services.store.members(&team).await?;
    let mut rows: Vec<Participation> = roster.iter().map(|m| empty_row(*m)).collect();
    let mut open = 0;
    for day in &held {
        let answers = services.store.answers(day.id).await?;
        // Whoever answered was expected that day. Roster members who did not are expected
        // only once the day has closed (the open one may still get their answer) and when
        // not away; someone outside the team is never chased, so never expected otherwise.
        for answer in &answers {
            let row = row_of(&mut rows, answer.user_id);
            row.answered += 1;
            row.expected += 1;
            row.blockers += usize::from(reports_blocker(&answer.blockers));
        }
        if day.status != DayStatus::Closed {
            open += 1;
            continue;
        }
        for member in &roster {
            if !answers.iter().any(|a| a.user_id == *member)
                && is_expected(*member, day.date, &absences)
            {
                row_of(&mut rows, *member).expected += 1;
            }
        }
    }
    let message = view::stats(days, held.len() - open, open, &rows);
    // The chart labels members by their number in the list, which the text maps to mentions
    // (a picture cannot show Discord mentions).
    let bars: Vec<MemberParticipation> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| MemberParticipation {
            display_name: format!("{}", i + 1),
            answered: row.answered as u32,
            expected: row.expected as u32,
        })
        .collect();
    match participation(&bars) {
        Ok(png) => Ok(Response::WithPicture(
            message,
            Picture::png("participation.png", png),
        )),
        Err(error) => {
            tracing::warn!(error = ?error, "could not draw the participation chart");
            Ok(Response::Message(message))
        }
    }
}
