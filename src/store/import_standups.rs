//! The stand-up and stakeholder-update part of an import: the stand-up schedule, holidays,
//! absences, held days and their answers, stakeholder updates and the weekly schedule. Runs in
//! the write transaction of `import.rs`.

use sqlx::SqliteConnection;

use crate::backup::{StandupDoc, TeamDoc};

pub(super) async fn write_standups_and_updates(
    conn: &mut SqliteConnection,
    guild: i64,
    team_id: i64,
    team: &TeamDoc,
) -> sqlx::Result<()> {
    write_standup(conn, guild, team_id, &team.standup).await?;
    write_updates(conn, guild, team_id, team).await
}

async fn write_standup(
    conn: &mut SqliteConnection,
    guild: i64,
    team_id: i64,
    standup: &StandupDoc,
) -> sqlx::Result<()> {
    if let Some(s) = &standup.schedule {
        sqlx::query(
            "INSERT INTO standup_schedules (team_id, guild_id, channel_id, local_time, timezone,
                 days, window_minutes, reminder_minutes, paused_until, last_handled,
                 failing_reason, updated_by, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(team_id)
        .bind(guild)
        .bind(s.channel_id.db())
        .bind(&s.local_time)
        .bind(&s.timezone)
        .bind(s.days)
        .bind(s.window_minutes)
        .bind(s.reminder_minutes)
        .bind(&s.paused_until)
        .bind(&s.last_handled)
        .bind(&s.failing_reason)
        .bind(s.updated_by.db())
        .bind(s.updated_at)
        .execute(&mut *conn)
        .await?;
    }
    for date in &standup.skips {
        sqlx::query("INSERT INTO standup_skips (team_id, date) VALUES (?, ?)")
            .bind(team_id)
            .bind(date)
            .execute(&mut *conn)
            .await?;
    }
    for away in &standup.away {
        sqlx::query(
            "INSERT INTO standup_away (team_id, user_id, from_date, to_date, set_by, created_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(team_id)
        .bind(away.user_id.db())
        .bind(&away.from_date)
        .bind(&away.to_date)
        .bind(away.set_by.db())
        .bind(away.created_at)
        .execute(&mut *conn)
        .await?;
    }
    for day in &standup.days {
        let day_id: i64 = sqlx::query_scalar(
            "INSERT INTO standup_days (team_id, guild_id, date, status, channel_id, opened_at,
                 remind_at, close_at, thread_requested, reminded, closed_at, summary_stale)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(team_id)
        .bind(guild)
        .bind(&day.date)
        .bind(&day.status)
        .bind(day.channel_id.db())
        .bind(day.opened_at)
        .bind(day.remind_at)
        .bind(day.close_at)
        .bind(day.thread_requested)
        .bind(day.reminded)
        .bind(day.closed_at)
        .bind(day.summary_stale)
        .fetch_one(&mut *conn)
        .await?;
        for a in &day.answers {
            sqlx::query(
                "INSERT INTO standup_answers (day_id, user_id, yesterday, today, blockers,
                     answered_at, updated_at, post_pending)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(day_id)
            .bind(a.user_id.db())
            .bind(&a.yesterday)
            .bind(&a.today)
            .bind(&a.blockers)
            .bind(a.answered_at)
            .bind(a.updated_at)
            .bind(a.post_pending)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

async fn write_updates(
    conn: &mut SqliteConnection,
    guild: i64,
    team_id: i64,
    team: &TeamDoc,
) -> sqlx::Result<()> {
    for u in &team.updates {
        sqlx::query(
            "INSERT INTO stakeholder_updates (guild_id, team_id, channel_id, status, content,
                 created_by, created_at, published_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(guild)
        .bind(team_id)
        .bind(u.channel_id.db())
        .bind(&u.status)
        .bind(&u.content)
        .bind(u.created_by.map(|id| id.db()))
        .bind(u.created_at)
        .bind(u.published_at)
        .execute(&mut *conn)
        .await?;
    }
    if let Some(s) = &team.update_schedule {
        sqlx::query(
            "INSERT INTO update_schedules (team_id, guild_id, channel_id, weekday, local_time,
                 timezone, last_published_date, created_by, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(team_id)
        .bind(guild)
        .bind(s.channel_id.db())
        .bind(s.weekday)
        .bind(&s.local_time)
        .bind(&s.timezone)
        .bind(&s.last_published_date)
        .bind(s.created_by.db())
        .bind(s.created_at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
