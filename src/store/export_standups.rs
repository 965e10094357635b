//! The stand-up and stakeholder-update part of an export: the stand-up schedule, holidays,
//! absences, held days and their answers, stakeholder updates and the weekly schedule. Runs in
//! the read transaction of `export.rs`.

use std::collections::HashMap;

use sqlx::Row as _;
use sqlx::SqliteConnection;

use super::export::{flake, flake_opt};
use super::export_activity::{flag, rows, OF_TEAM};
use crate::backup::{
    AwayDoc, StandupAnswerDoc, StandupDayDoc, StandupScheduleDoc, TeamDoc, UpdateDoc,
    UpdateScheduleDoc,
};

pub(super) async fn read_standups_and_updates(
    conn: &mut SqliteConnection,
    guild_id: u64,
    team_id: i64,
    team: &mut TeamDoc,
) -> sqlx::Result<()> {
    standup(conn, guild_id, team_id, team).await?;
    updates(conn, guild_id, team_id, team).await
}

async fn standup(
    conn: &mut SqliteConnection,
    guild_id: u64,
    team_id: i64,
    team: &mut TeamDoc,
) -> sqlx::Result<()> {
    let sql = format!("SELECT x.* FROM standup_schedules x {OF_TEAM}");
    if let Some(row) = rows(conn, &sql, guild_id, team_id).await?.first() {
        team.standup.schedule = Some(StandupScheduleDoc {
            channel_id: flake(row, "channel_id"),
            local_time: row.get("local_time"),
            timezone: row.get("timezone"),
            days: row.get("days"),
            window_minutes: row.get("window_minutes"),
            reminder_minutes: row.get("reminder_minutes"),
            paused_until: row.get("paused_until"),
            last_handled: row.get("last_handled"),
            failing_reason: row.get("failing_reason"),
            updated_by: flake(row, "updated_by"),
            updated_at: row.get("updated_at"),
        });
    }
    let sql = format!("SELECT x.date FROM standup_skips x {OF_TEAM} ORDER BY x.date");
    for row in rows(conn, &sql, guild_id, team_id).await? {
        team.standup.skips.push(row.get("date"));
    }
    let sql = format!("SELECT x.* FROM standup_away x {OF_TEAM} ORDER BY x.id");
    for row in rows(conn, &sql, guild_id, team_id).await? {
        team.standup.away.push(AwayDoc {
            user_id: flake(&row, "user_id"),
            from_date: row.get("from_date"),
            to_date: row.get("to_date"),
            set_by: flake(&row, "set_by"),
            created_at: row.get("created_at"),
        });
    }
    let sql = format!("SELECT x.* FROM standup_days x {OF_TEAM} ORDER BY x.date");
    let mut index = HashMap::new();
    for row in rows(conn, &sql, guild_id, team_id).await? {
        index.insert(row.get::<i64, _>("id"), team.standup.days.len());
        team.standup.days.push(StandupDayDoc {
            date: row.get("date"),
            status: row.get("status"),
            channel_id: flake(&row, "channel_id"),
            opened_at: row.get("opened_at"),
            remind_at: row.get("remind_at"),
            close_at: row.get("close_at"),
            thread_requested: flag(&row, "thread_requested"),
            reminded: flag(&row, "reminded"),
            closed_at: row.get("closed_at"),
            summary_stale: flag(&row, "summary_stale"),
            answers: Vec::new(),
        });
    }
    let sql = "SELECT a.* FROM standup_answers a JOIN standup_days x ON x.id = a.day_id \
               JOIN teams t ON t.id = x.team_id AND t.guild_id = ?1 WHERE x.team_id = ?2 \
               ORDER BY a.day_id, a.user_id";
    for row in rows(conn, sql, guild_id, team_id).await? {
        if let Some(&i) = index.get(&row.get::<i64, _>("day_id")) {
            team.standup.days[i].answers.push(StandupAnswerDoc {
                user_id: flake(&row, "user_id"),
                yesterday: row.get("yesterday"),
                today: row.get("today"),
                blockers: row.get("blockers"),
                answered_at: row.get("answered_at"),
                updated_at: row.get("updated_at"),
                post_pending: flag(&row, "post_pending"),
            });
        }
    }
    Ok(())
}

async fn updates(
    conn: &mut SqliteConnection,
    guild_id: u64,
    team_id: i64,
    team: &mut TeamDoc,
) -> sqlx::Result<()> {
    let sql = format!("SELECT x.* FROM stakeholder_updates x {OF_TEAM} ORDER BY x.id");
    for row in rows(conn, &sql, guild_id, team_id).await? {
        team.updates.push(UpdateDoc {
            channel_id: flake(&row, "channel_id"),
            status: row.get("status"),
            content: row.get("content"),
            created_by: flake_opt(&row, "created_by"),
            created_at: row.get("created_at"),
            published_at: row.get("published_at"),
        });
    }
    let sql = format!("SELECT x.* FROM update_schedules x {OF_TEAM}");
    if let Some(row) = rows(conn, &sql, guild_id, team_id).await?.first() {
        team.update_schedule = Some(UpdateScheduleDoc {
            channel_id: flake(row, "channel_id"),
            weekday: row.get("weekday"),
            local_time: row.get("local_time"),
            timezone: row.get("timezone"),
            last_published_date: row.get("last_published_date"),
            created_by: flake(row, "created_by"),
            created_at: row.get("created_at"),
        });
    }
    Ok(())
}
