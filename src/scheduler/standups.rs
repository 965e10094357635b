//! The stand-up's due work, one step at a time: open due days (prompt), start the thread once
//! the prompt exists, post answers (and their edits) in it, remind the missing members, close
//! with a summary and edit the summary for late answers.
//!
//! Each change is claimed by a guarded update in the same transaction that queues its post, so
//! a step that runs twice, or two steps racing, queue everything once; the `(team, date)` key of
//! `standup_days` makes a second prompt for a day impossible even across crashes.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::commands::standup_view;
use crate::commands::Services;
use crate::render::standup as view;
use crate::store::outbox::{enqueue, NewOutboxItem, OutboxItem, OutboxKind};
use crate::store::standup_days::{self as days, purpose, DayStatus, NewDay, StandupDay};
use crate::store::standups::StoredSchedule;
use crate::store::WriteTx;

/// Threads archive after a day without messages (minutes).
const THREAD_ARCHIVE_MINUTES: u64 = 1440;

/// What the stand-up part of one step did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StandupReport {
    pub opened: usize,
    pub missed: usize,
    pub queued: usize,
}

/// Does everything stand-ups owe at `now`.
pub async fn run_due(services: &Services, now: DateTime<Utc>) -> anyhow::Result<StandupReport> {
    let mut report = StandupReport::default();
    for stored in services.store.all_schedules().await? {
        open_due_days(services, &stored, now, &mut report).await?;
    }
    for day in services.store.active_days().await? {
        follow_up(services, &day, now.timestamp(), &mut report).await?;
    }
    Ok(report)
}

async fn open_due_days(
    services: &Services,
    stored: &StoredSchedule,
    now: DateTime<Utc>,
    report: &mut StandupReport,
) -> anyhow::Result<()> {
    let exclusions = services.store.exclusions(stored.team_id).await?;
    let due = stored.schedule.due(now, stored.last_handled, &exclusions);
    // Paused, skipped and unscheduled days pass as handled, so a pause lifted later finds
    // nothing to report missed.
    let passed = stored
        .schedule
        .passed_without_prompt(now, stored.last_handled, &exclusions);
    let Some(through) = due.handled_through().max(passed) else {
        return Ok(());
    };
    let mut tx = services.store.begin_write().await?;
    // A resume (or another step) moved the pause or the progress since they were read: acting
    // on the old view could report resumed, paused days missed. The next step reads again.
    let progress = days::schedule_progress(&mut tx, stored.team_id).await?;
    if progress != Some((stored.last_handled, exclusions.paused_until)) {
        return Ok(());
    }
    for date in &due.missed {
        let day = new_day(stored, *date, stored.schedule.prompt_instant(*date));
        if days::insert_skipped_day(&mut tx, &day).await? {
            tracing::warn!(team = stored.team_id, %date, "stand-up window passed while the bot was down; day skipped");
            report.missed += 1;
        }
    }
    if let Some(prompt) = due.prompt {
        if prompt.late {
            tracing::info!(team = stored.team_id, date = %prompt.date, "posting a late stand-up prompt");
        }
        let day = new_day(stored, prompt.date, now);
        if open_in(&mut tx, &day).await? {
            report.opened += 1;
            report.queued += 1;
        }
    }
    days::advance_last_handled(&mut tx, stored.team_id, through).await?;
    tx.commit().await?;
    if !due.is_empty() {
        services.scheduler_wake.notify_one();
    }
    Ok(())
}

/// The day's row as it opens at `opened_at`: reminder and close follow the schedule's durations
/// from the scheduled prompt time, so a late prompt still closes on time (and has no reminder
/// when too little time is left before it).
fn new_day(stored: &StoredSchedule, date: chrono::NaiveDate, opened_at: DateTime<Utc>) -> NewDay {
    let schedule = &stored.schedule;
    NewDay {
        team_id: stored.team_id,
        guild_id: stored.guild_id,
        date,
        channel_id: stored.channel_id,
        opened_at: opened_at.timestamp(),
        remind_at: schedule
            .reminder_after_prompt(date, opened_at)
            .map(|t| t.timestamp()),
        close_at: schedule.close_instant(date).timestamp(),
    }
}

/// Opens the day and queues its prompt in the caller's transaction; false when it already had
/// a row (never prompted twice).
async fn open_in(conn: &mut sqlx::SqliteConnection, day: &NewDay) -> anyhow::Result<bool> {
    let Some(day_id) = days::insert_open_day(conn, day).await? else {
        return Ok(false);
    };
    let button = crate::commands::custom_id::Action::StandupAnswerForm {
        team_id: day.team_id,
        day_id,
    }
    .encode();
    let goal = crate::store::sprints::active_goal_in(conn, day.team_id).await?;
    let message = view::prompt(day.date, day.close_at, goal.as_deref(), button);
    enqueue(
        conn,
        &NewOutboxItem {
            attachment: None,
            guild_id: day.guild_id,
            kind: OutboxKind::Post,
            channel_id: day.channel_id,
            target_message_id: None,
            purpose: purpose::prompt(day.team_id, day.date),
            body: serde_json::to_value(message.to_channel_message())?,
        },
        day.opened_at,
    )
    .await?;
    Ok(true)
}

/// `/standup now`: opens today's stand-up at once, closing `window` minutes from now.
pub async fn open_now(
    services: &Services,
    stored: &StoredSchedule,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let date = stored.schedule.local_date(now);
    let window = chrono::Duration::minutes(stored.schedule.window_minutes().into());
    let close_at = now + window;
    let reminder = stored.schedule.reminder_minutes();
    let day = NewDay {
        team_id: stored.team_id,
        guild_id: stored.guild_id,
        date,
        channel_id: stored.channel_id,
        opened_at: now.timestamp(),
        remind_at: (reminder > 0)
            .then(|| (close_at - chrono::Duration::minutes(reminder.into())).timestamp()),
        close_at: close_at.timestamp(),
    };
    let mut tx = services.store.begin_write().await?;
    let opened = open_in(&mut tx, &day).await?;
    days::advance_last_handled(&mut tx, stored.team_id, date).await?;
    tx.commit().await?;
    services.scheduler_wake.notify_one();
    Ok(opened)
}

/// Queues `post` (when the step that allows it was claimed in `tx`) and commits: the claim and
/// its post land together or not at all.
async fn queue_and_commit(
    mut tx: WriteTx,
    post: Option<NewOutboxItem>,
    now: i64,
    report: &mut StandupReport,
) -> anyhow::Result<()> {
    if let Some(post) = post {
        enqueue(&mut tx, &post, now).await?;
        report.queued += 1;
    }
    tx.commit().await?;
    Ok(())
}

fn item(
    day: &StandupDay,
    kind: OutboxKind,
    channel_id: u64,
    target: Option<u64>,
    purpose: String,
    body: serde_json::Value,
) -> NewOutboxItem {
    NewOutboxItem {
        attachment: None,
        guild_id: day.guild_id,
        kind,
        channel_id,
        target_message_id: target,
        purpose,
        body,
    }
}

async fn follow_up(
    services: &Services,
    day: &StandupDay,
    now: i64,
    report: &mut StandupReport,
) -> anyhow::Result<()> {
    let store = &services.store;
    if day.status == DayStatus::Open && !day.thread_requested {
        start_thread(services, day, now, report).await?;
    }
    let thread_id = store
        .sent_message_for(day.guild_id, &purpose::thread(day.team_id, day.date))
        .await?
        .map(|(_, thread)| thread);
    if let Some(thread_id) = thread_id {
        post_pending_answers(services, day, thread_id, now, report).await?;
        if day.status == DayStatus::Open && !day.reminded && day.remind_at.is_some_and(|t| t <= now)
        {
            remind(services, day, thread_id, now, report).await?;
        }
    }
    if day.status == DayStatus::Open && day.close_at <= now {
        close(services, day, thread_id, now, report).await?;
    } else if day.status == DayStatus::Closed && day.summary_stale {
        edit_summary(services, day, thread_id, now, report).await?;
    }
    Ok(())
}

async fn start_thread(
    services: &Services,
    day: &StandupDay,
    now: i64,
    report: &mut StandupReport,
) -> anyhow::Result<()> {
    let Some((channel, prompt_id)) = services
        .store
        .sent_message_for(day.guild_id, &purpose::prompt(day.team_id, day.date))
        .await?
    else {
        return Ok(());
    };
    let body = json!({
        "name": view::thread_name(day.date),
        "auto_archive_duration": THREAD_ARCHIVE_MINUTES,
    });
    let mut tx = services.store.begin_write().await?;
    let thread = days::claim_thread_request(&mut tx, day.id).await?.then(|| {
        item(
            day,
            OutboxKind::Thread,
            channel,
            Some(prompt_id),
            purpose::thread(day.team_id, day.date),
            body,
        )
    });
    queue_and_commit(tx, thread, now, report).await
}

async fn post_pending_answers(
    services: &Services,
    day: &StandupDay,
    thread_id: u64,
    now: i64,
    report: &mut StandupReport,
) -> anyhow::Result<()> {
    let store = &services.store;
    let team = standup_view::team_of(services, day).await?;
    for answer in store
        .answers(day.id)
        .await?
        .into_iter()
        .filter(|a| a.post_pending)
    {
        let answer_purpose = purpose::answer(day.team_id, day.date, answer.user_id);
        let posted = store
            .sent_message_for(day.guild_id, &answer_purpose)
            .await?;
        if posted.is_none()
            && store
                .outbox_waiting_for(day.guild_id, &answer_purpose)
                .await?
        {
            // The first post is still on its way; the edit follows once it has an id.
            continue;
        }
        let titles =
            standup_view::titles_for(services, &team, std::slice::from_ref(&answer)).await?;
        let message = view::answer_post(&answer, &titles);
        let post = match posted {
            Some((_, message_id)) => {
                let body = serde_json::to_value(message.to_message_edit())?;
                let target = Some(message_id);
                item(
                    day,
                    OutboxKind::Edit,
                    thread_id,
                    target,
                    answer_purpose,
                    body,
                )
            }
            None => {
                let body = serde_json::to_value(message.to_channel_message())?;
                item(day, OutboxKind::Post, thread_id, None, answer_purpose, body)
            }
        };
        let mut tx = store.begin_write().await?;
        let claimed =
            days::claim_answer_post(&mut tx, day.id, answer.user_id, answer.updated_at).await?;
        queue_and_commit(tx, claimed.then_some(post), now, report).await?;
    }
    Ok(())
}

async fn remind(
    services: &Services,
    day: &StandupDay,
    thread_id: u64,
    now: i64,
    report: &mut StandupReport,
) -> anyhow::Result<()> {
    let team = standup_view::team_of(services, day).await?;
    let answers = services.store.answers(day.id).await?;
    let missing = standup_view::missing_members(services, &team, day, &answers).await?;
    let mut tx = services.store.begin_write().await?;
    // Past close the summary says who is missing; a reminder then would only be noise.
    let post = if days::claim_reminder(&mut tx, day.id).await?
        && !missing.is_empty()
        && day.close_at > now
    {
        let body =
            serde_json::to_value(view::reminder(&missing, day.close_at).to_channel_message())?;
        Some(item(
            day,
            OutboxKind::Post,
            thread_id,
            None,
            purpose::reminder(day.team_id, day.date),
            body,
        ))
    } else {
        None
    };
    queue_and_commit(tx, post, now, report).await
}

async fn close(
    services: &Services,
    day: &StandupDay,
    thread_id: Option<u64>,
    now: i64,
    report: &mut StandupReport,
) -> anyhow::Result<()> {
    let snapshot = services.store.answers(day.id).await?;
    let message = standup_view::summary(services, day, thread_id).await?;
    let body = serde_json::to_value(message.to_channel_message())?;
    let mut tx = services.store.begin_write().await?;
    if days::close_day(&mut tx, day.id, now).await? {
        let post = item(
            day,
            OutboxKind::Post,
            day.channel_id,
            None,
            purpose::summary(day.team_id, day.date),
            body,
        );
        enqueue(&mut tx, &post, now).await?;
        // An answer that landed between reading and closing is not in this summary: edit it.
        days::mark_summary_stale_if_changed(&mut tx, day.id, &snapshot).await?;
        report.queued += 1;
    }
    tx.commit().await?;
    Ok(())
}

async fn edit_summary(
    services: &Services,
    day: &StandupDay,
    thread_id: Option<u64>,
    now: i64,
    report: &mut StandupReport,
) -> anyhow::Result<()> {
    let Some((channel, summary_id)) = services
        .store
        .sent_message_for(day.guild_id, &purpose::summary(day.team_id, day.date))
        .await?
    else {
        return Ok(());
    };
    let message = standup_view::summary(services, day, thread_id).await?;
    let body = serde_json::to_value(message.to_message_edit())?;
    let mut tx = services.store.begin_write().await?;
    let edit = days::claim_summary_edit(&mut tx, day.id).await?.then(|| {
        item(
            day,
            OutboxKind::Edit,
            channel,
            Some(summary_id),
            purpose::summary(day.team_id, day.date),
            body,
        )
    });
    queue_and_commit(tx, edit, now, report).await
}

/// The next moment a stand-up needs the scheduler: a prompt, reminder or close.
pub async fn next_due(services: &Services, now: DateTime<Utc>) -> anyhow::Result<Option<i64>> {
    let mut next = services.store.next_standup_event().await?;
    for stored in services.store.all_schedules().await? {
        let exclusions = services.store.exclusions(stored.team_id).await?;
        if let Some((_, at)) = stored.schedule.next_prompts(now, 1, &exclusions).first() {
            next = Some(next.map_or(at.timestamp(), |n| n.min(at.timestamp())));
        }
    }
    Ok(next)
}

/// After Discord refused a stand-up post with 403: the team and what permission it lacks.
pub fn missing_permission(item: &OutboxItem, discord_said: &str) -> Option<(i64, String)> {
    let (kind, team_id) = purpose::parse(&item.purpose)?;
    let permission = if discord_said.contains("Missing Access") {
        "View Channel"
    } else {
        match kind {
            "thread" => "Create Public Threads",
            "answer" | "reminder" => "Send Messages in Threads",
            _ => "Send Messages",
        }
    };
    Some((
        team_id,
        format!(
            "Discord refused the stand-up's {kind} in <#{}> ({discord_said}): give Sprintmate the **{permission}** permission there (and **View Channel**), then run /standup resume.",
            item.channel_id
        ),
    ))
}

/// A stand-up post went through: clear its schedule's failure.
pub async fn note_sent(services: &Services, item: &OutboxItem) -> anyhow::Result<()> {
    if let Some((_, team_id)) = purpose::parse(&item.purpose) {
        services.store.clear_schedule_failing(team_id).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(purpose: &str) -> OutboxItem {
        OutboxItem {
            attachment: None,
            id: 1,
            guild_id: 1,
            kind: OutboxKind::Post,
            channel_id: 50,
            target_message_id: None,
            purpose: purpose.to_string(),
            body: serde_json::Value::Null,
            attempts: 0,
        }
    }

    #[test]
    fn a_refused_post_names_the_permission_its_kind_needs() {
        let cases = [
            (
                "standup-prompt:7:2026-03-02",
                "Missing Permissions",
                "**Send Messages**",
            ),
            (
                "standup-thread:7:2026-03-02",
                "Missing Permissions",
                "**Create Public Threads**",
            ),
            (
                "standup-reminder:7:2026-03-02",
                "Missing Permissions",
                "**Send Messages in Threads**",
            ),
            (
                "standup-summary:7:2026-03-02",
                "Missing Access",
                "**View Channel**",
            ),
        ];
        for (purpose, said, permission) in cases {
            let (team, why) = missing_permission(&refused(purpose), said).unwrap();
            assert_eq!(team, 7);
            assert!(why.contains(permission) && why.contains("<#50>"), "{why}");
        }
    }

    #[test]
    fn other_posts_are_not_the_stand_ups_business() {
        assert_eq!(
            missing_permission(&refused("vote-result:3"), "Missing Access"),
            None
        );
    }
}
