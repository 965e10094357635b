//! Stand-up days (open, closed or skipped; one row per team and date, which is what makes a
//! second prompt for the same day impossible) and the answers given on them.
//!
//! The scheduler's steps claim their work with conditional updates inside the transaction that
//! queues the post (`claim_*` below), so two steps racing each other queue it once.

use chrono::NaiveDate;
use sqlx::{Row as _, SqliteConnection};

use super::standups::{date_text, parse_stored_date};
use super::{db_id, wire_id, Store};
use crate::store::teams::Team;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayStatus {
    Open,
    Closed,
    /// The bot was down for the whole window: logged, never prompted.
    Skipped,
}

impl DayStatus {
    fn parse(raw: &str) -> Self {
        match raw {
            "open" => DayStatus::Open,
            "closed" => DayStatus::Closed,
            _ => DayStatus::Skipped,
        }
    }
}

/// One team's stand-up on one local date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandupDay {
    pub id: i64,
    pub team_id: i64,
    pub guild_id: u64,
    pub date: NaiveDate,
    pub status: DayStatus,
    pub channel_id: u64,
    pub opened_at: i64,
    pub remind_at: Option<i64>,
    pub close_at: i64,
    pub thread_requested: bool,
    pub reminded: bool,
    pub closed_at: Option<i64>,
    pub summary_stale: bool,
}

/// A day about to open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewDay {
    pub team_id: i64,
    pub guild_id: u64,
    pub date: NaiveDate,
    pub channel_id: u64,
    pub opened_at: i64,
    pub remind_at: Option<i64>,
    pub close_at: i64,
}

/// A member's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub user_id: u64,
    pub yesterday: String,
    pub today: String,
    pub blockers: String,
    pub answered_at: i64,
    pub updated_at: i64,
    pub post_pending: bool,
}

/// The three fields of the answer form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerText {
    pub yesterday: String,
    pub today: String,
    pub blockers: String,
}

/// Whether an answer was new (on an open or already closed day) or replaced an earlier one, or
/// was refused as an edit of a closed day, as the day stood when the answer was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerSaved {
    New,
    /// New, on a day already closed: the summary is marked for an edit.
    Late,
    Edited,
    /// An edit of an answer after its day closed: nothing was written.
    ClosedForEdits,
}

fn day_from_row(row: &sqlx::sqlite::SqliteRow) -> sqlx::Result<StandupDay> {
    Ok(StandupDay {
        id: row.get("id"),
        team_id: row.get("team_id"),
        guild_id: wire_id(row.get("guild_id")),
        date: parse_stored_date(row.get("date"))?,
        status: DayStatus::parse(row.get("status")),
        channel_id: wire_id(row.get("channel_id")),
        opened_at: row.get("opened_at"),
        remind_at: row.get("remind_at"),
        close_at: row.get("close_at"),
        thread_requested: row.get::<i64, _>("thread_requested") != 0,
        reminded: row.get::<i64, _>("reminded") != 0,
        closed_at: row.get("closed_at"),
        summary_stale: row.get::<i64, _>("summary_stale") != 0,
    })
}

fn answer_from_row(row: &sqlx::sqlite::SqliteRow) -> Answer {
    Answer {
        user_id: wire_id(row.get("user_id")),
        yesterday: row.get("yesterday"),
        today: row.get("today"),
        blockers: row.get("blockers"),
        answered_at: row.get("answered_at"),
        updated_at: row.get("updated_at"),
        post_pending: row.get::<i64, _>("post_pending") != 0,
    }
}

/// Opens a day; `None` when the team already has a row for that date (open, closed or skipped).
pub async fn insert_open_day(
    conn: &mut SqliteConnection,
    day: &NewDay,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO standup_days (team_id, guild_id, date, status, channel_id, opened_at, remind_at, close_at)
         VALUES (?, ?, ?, 'open', ?, ?, ?, ?) ON CONFLICT (team_id, date) DO NOTHING RETURNING id",
    )
    .bind(day.team_id)
    .bind(db_id(day.guild_id))
    .bind(date_text(day.date))
    .bind(db_id(day.channel_id))
    .bind(day.opened_at)
    .bind(day.remind_at)
    .bind(day.close_at)
    .fetch_optional(conn)
    .await
}

/// Records a day whose window passed while the bot was down.
pub async fn insert_skipped_day(conn: &mut SqliteConnection, day: &NewDay) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO standup_days (team_id, guild_id, date, status, channel_id, opened_at, close_at, closed_at)
         VALUES (?, ?, ?, 'skipped', ?, ?, ?, ?) ON CONFLICT (team_id, date) DO NOTHING",
    )
    .bind(day.team_id)
    .bind(db_id(day.guild_id))
    .bind(date_text(day.date))
    .bind(db_id(day.channel_id))
    .bind(day.opened_at)
    .bind(day.close_at)
    .bind(day.opened_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves the schedule's progress forward (never back).
pub async fn advance_last_handled(
    conn: &mut SqliteConnection,
    team_id: i64,
    date: NaiveDate,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE standup_schedules SET last_handled = max(last_handled, ?) WHERE team_id = ?",
    )
    .bind(date_text(date))
    .bind(team_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The schedule's last handled day and pause as the transaction sees them.
pub async fn schedule_progress(
    conn: &mut SqliteConnection,
    team_id: i64,
) -> sqlx::Result<Option<(NaiveDate, Option<NaiveDate>)>> {
    let row: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT last_handled, paused_until FROM standup_schedules WHERE team_id = ?",
    )
    .bind(team_id)
    .fetch_optional(conn)
    .await?;
    row.map(|(last, paused)| {
        Ok((
            parse_stored_date(&last)?,
            paused.as_deref().map(parse_stored_date).transpose()?,
        ))
    })
    .transpose()
}

/// Runs `sql` (an update guarded by its WHERE clause) and says whether this caller won.
async fn claim(conn: &mut SqliteConnection, sql: &str, day_id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(sql).bind(day_id).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

pub async fn claim_thread_request(conn: &mut SqliteConnection, day_id: i64) -> sqlx::Result<bool> {
    claim(
        conn,
        "UPDATE standup_days SET thread_requested = 1 WHERE id = ? AND thread_requested = 0",
        day_id,
    )
    .await
}

pub async fn claim_reminder(conn: &mut SqliteConnection, day_id: i64) -> sqlx::Result<bool> {
    claim(
        conn,
        "UPDATE standup_days SET reminded = 1 WHERE id = ? AND reminded = 0 AND status = 'open'",
        day_id,
    )
    .await
}

pub async fn claim_summary_edit(conn: &mut SqliteConnection, day_id: i64) -> sqlx::Result<bool> {
    claim(
        conn,
        "UPDATE standup_days SET summary_stale = 0 WHERE id = ? AND summary_stale = 1",
        day_id,
    )
    .await
}

pub async fn close_day(conn: &mut SqliteConnection, day_id: i64, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE standup_days SET status = 'closed', closed_at = ?, summary_stale = 0
         WHERE id = ? AND status = 'open'",
    )
    .bind(now)
    .bind(day_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Claims the queueing of an answer's thread post for the version last read (`updated_at`), so
/// an edit made meanwhile stays pending and gets its own edit.
pub async fn claim_answer_post(
    conn: &mut SqliteConnection,
    day_id: i64,
    user_id: u64,
    updated_at: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE standup_answers SET post_pending = 0
         WHERE day_id = ? AND user_id = ? AND updated_at = ? AND post_pending = 1",
    )
    .bind(day_id)
    .bind(db_id(user_id))
    .bind(updated_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

const DAY_SELECT: &str = "SELECT * FROM standup_days";

impl Store {
    /// Days with work left for the scheduler: open ones, summaries to edit, answers to post.
    pub async fn active_days(&self) -> sqlx::Result<Vec<StandupDay>> {
        let sql = format!(
            "{DAY_SELECT} d WHERE status = 'open' OR summary_stale = 1
               OR EXISTS (SELECT 1 FROM standup_answers a WHERE a.day_id = d.id AND a.post_pending = 1)
             ORDER BY id"
        );
        let rows = sqlx::query(&sql).fetch_all(self.reads()).await?;
        rows.iter().map(day_from_row).collect()
    }

    /// The earliest reminder or close still to come, as unix seconds.
    pub async fn next_standup_event(&self) -> sqlx::Result<Option<i64>> {
        sqlx::query_scalar(
            "SELECT min(CASE WHEN reminded = 0 AND remind_at IS NOT NULL
                             THEN min(remind_at, close_at) ELSE close_at END)
             FROM standup_days WHERE status = 'open'",
        )
        .fetch_one(self.reads())
        .await
    }

    pub async fn standup_day(
        &self,
        team: &Team,
        date: NaiveDate,
    ) -> sqlx::Result<Option<StandupDay>> {
        let sql = format!("{DAY_SELECT} WHERE team_id = ? AND guild_id = ? AND date = ?");
        let row = sqlx::query(&sql)
            .bind(team.id)
            .bind(db_id(team.guild_id))
            .bind(date_text(date))
            .fetch_optional(self.reads())
            .await?;
        row.as_ref().map(day_from_row).transpose()
    }

    pub async fn standup_day_by_id(
        &self,
        team: &Team,
        day_id: i64,
    ) -> sqlx::Result<Option<StandupDay>> {
        let sql = format!("{DAY_SELECT} WHERE id = ? AND team_id = ? AND guild_id = ?");
        let row = sqlx::query(&sql)
            .bind(day_id)
            .bind(team.id)
            .bind(db_id(team.guild_id))
            .fetch_optional(self.reads())
            .await?;
        row.as_ref().map(day_from_row).transpose()
    }

    /// The team's most recent held (open or closed) day.
    pub async fn latest_standup_day(&self, team: &Team) -> sqlx::Result<Option<StandupDay>> {
        let sql = format!(
            "{DAY_SELECT} WHERE team_id = ? AND guild_id = ? AND status != 'skipped'
             ORDER BY date DESC LIMIT 1"
        );
        let row = sqlx::query(&sql)
            .bind(team.id)
            .bind(db_id(team.guild_id))
            .fetch_optional(self.reads())
            .await?;
        row.as_ref().map(day_from_row).transpose()
    }

    /// Held days from `from` to `to` inclusive, oldest first.
    pub async fn held_days_between(
        &self,
        team: &Team,
        from: NaiveDate,
        to: NaiveDate,
    ) -> sqlx::Result<Vec<StandupDay>> {
        let sql = format!(
            "{DAY_SELECT} WHERE team_id = ? AND guild_id = ? AND status != 'skipped'
               AND date >= ? AND date <= ? ORDER BY date"
        );
        let rows = sqlx::query(&sql)
            .bind(team.id)
            .bind(db_id(team.guild_id))
            .bind(date_text(from))
            .bind(date_text(to))
            .fetch_all(self.reads())
            .await?;
        rows.iter().map(day_from_row).collect()
    }

    /// A day's answers in the order they came in.
    pub async fn answers(&self, day_id: i64) -> sqlx::Result<Vec<Answer>> {
        let rows = sqlx::query(
            "SELECT * FROM standup_answers WHERE day_id = ? ORDER BY answered_at, user_id",
        )
        .bind(day_id)
        .fetch_all(self.reads())
        .await?;
        Ok(rows.iter().map(answer_from_row).collect())
    }

    pub async fn answer(&self, day_id: i64, user_id: u64) -> sqlx::Result<Option<Answer>> {
        let row = sqlx::query("SELECT * FROM standup_answers WHERE day_id = ? AND user_id = ?")
            .bind(day_id)
            .bind(db_id(user_id))
            .fetch_optional(self.reads())
            .await?;
        Ok(row.as_ref().map(answer_from_row))
    }

    /// Stores an answer (or replaces the member's earlier one, keeping when it first came) and
    /// marks its thread post pending; on a closed day also marks the summary for an edit.
    pub async fn save_answer(
        &self,
        day: &StandupDay,
        user_id: u64,
        text: &AnswerText,
        now: i64,
    ) -> sqlx::Result<AnswerSaved> {
        let mut tx = self.begin_write().await?;
        let existed: Option<i64> = sqlx::query_scalar(
            "SELECT updated_at FROM standup_answers WHERE day_id = ? AND user_id = ?",
        )
        .bind(day.id)
        .bind(db_id(user_id))
        .fetch_optional(&mut *tx)
        .await?;
        // The day's status as of this write, not as the caller read it: a close may have come
        // in between, after which answers may still arrive but not change.
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM standup_days WHERE id = ?")
                .bind(day.id)
                .fetch_optional(&mut *tx)
                .await?;
        let closed = status.as_deref() == Some("closed");
        if closed && existed.is_some() {
            return Ok(AnswerSaved::ClosedForEdits);
        }
        // `updated_at` is the version the scheduler claims; keep it strictly increasing even
        // when two edits land in the same second.
        let version = existed.map_or(now, |previous| now.max(previous + 1));
        sqlx::query(
            "INSERT INTO standup_answers (day_id, user_id, yesterday, today, blockers, answered_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (day_id, user_id) DO UPDATE SET yesterday = excluded.yesterday,
                 today = excluded.today, blockers = excluded.blockers,
                 updated_at = excluded.updated_at, post_pending = 1",
        )
        .bind(day.id)
        .bind(db_id(user_id))
        .bind(&text.yesterday)
        .bind(&text.today)
        .bind(&text.blockers)
        .bind(now)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if closed {
            // A first answer to a closed day: its posted summary no longer tells all.
            sqlx::query("UPDATE standup_days SET summary_stale = 1 WHERE id = ?")
                .bind(day.id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(match (existed, closed) {
            (Some(_), _) => AnswerSaved::Edited,
            (None, true) => AnswerSaved::Late,
            (None, false) => AnswerSaved::New,
        })
    }
}

#[cfg(test)]
mod tests;

/// Outbox purposes of a stand-up's posts: how later steps find the messages they became.
pub mod purpose {
    use chrono::NaiveDate;

    pub fn prompt(team_id: i64, date: NaiveDate) -> String {
        format!("standup-prompt:{team_id}:{date}")
    }

    pub fn thread(team_id: i64, date: NaiveDate) -> String {
        format!("standup-thread:{team_id}:{date}")
    }

    pub fn answer(team_id: i64, date: NaiveDate, user_id: u64) -> String {
        format!("standup-answer:{team_id}:{date}:{user_id}")
    }

    pub fn reminder(team_id: i64, date: NaiveDate) -> String {
        format!("standup-reminder:{team_id}:{date}")
    }

    pub fn summary(team_id: i64, date: NaiveDate) -> String {
        format!("standup-summary:{team_id}:{date}")
    }

    /// The post's kind (`prompt`, `thread`, ...) and team, when `purpose` is a stand-up's.
    pub fn parse(purpose: &str) -> Option<(&str, i64)> {
        let rest = purpose.strip_prefix("standup-")?;
        let mut parts = rest.split(':');
        let kind = parts.next()?;
        let team_id = parts.next()?.parse().ok()?;
        Some((kind, team_id))
    }
}

/// Marks the summary for an edit when the answers differ from `snapshot` (what it was built
/// from): closes the gap between reading the answers and closing the day.
pub async fn mark_summary_stale_if_changed(
    conn: &mut SqliteConnection,
    day_id: i64,
    snapshot: &[Answer],
) -> sqlx::Result<()> {
    let (count, newest): (i64, Option<i64>) =
        sqlx::query_as("SELECT count(*), max(updated_at) FROM standup_answers WHERE day_id = ?")
            .bind(day_id)
            .fetch_one(&mut *conn)
            .await?;
    let seen_newest = snapshot.iter().map(|a| a.updated_at).max();
    if count != snapshot.len() as i64 || newest != seen_newest {
        sqlx::query("UPDATE standup_days SET summary_stale = 1 WHERE id = ?")
            .bind(day_id)
            .execute(conn)
            .await?;
    }
    Ok(())
}
