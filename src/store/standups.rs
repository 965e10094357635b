//! Stand-up schedules (one per team), holidays (`/standup skip`) and absences (`/standup away`).
//! The days held and their answers are in [`super::standup_days`].

use std::collections::BTreeSet;

use chrono::NaiveDate;
use sqlx::Row as _;

use super::{db_id, wire_id, Store};
use crate::domain::schedule::{Away, AwayRange, Exclusions, Schedule};
use crate::store::teams::Team;

/// A team's schedule as stored, with where it posts and how far it has got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSchedule {
    pub team_id: i64,
    pub guild_id: u64,
    pub channel_id: u64,
    pub schedule: Schedule,
    pub paused_until: Option<NaiveDate>,
    pub last_handled: NaiveDate,
    pub failing_reason: Option<String>,
}

/// What `/standup setup` writes.
#[derive(Debug, Clone, Copy)]
pub struct ScheduleSetup {
    pub channel_id: u64,
    pub schedule: Schedule,
    /// The last day a new schedule must not fire for (see [`Schedule::handled_through`]).
    pub handled_through: NaiveDate,
}

/// Dates are stored as `YYYY-MM-DD`, which also sorts correctly as text.
pub(crate) fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

pub(crate) fn parse_stored_date(raw: &str) -> sqlx::Result<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|e| sqlx::Error::Decode(format!("stored date {raw:?}: {e}").into()))
}

fn decode(what: &str, raw: &str, why: String) -> sqlx::Error {
    sqlx::Error::Decode(format!("stored {what} {raw:?}: {why}").into())
}

fn schedule_from_row(row: &sqlx::sqlite::SqliteRow) -> sqlx::Result<StoredSchedule> {
    let team_id: i64 = row.try_get("team_id")?;
    let schedule = Schedule::from_stored(
        row.try_get("local_time")?,
        row.try_get("timezone")?,
        row.try_get("days")?,
        row.try_get("window_minutes")?,
        row.try_get("reminder_minutes")?,
    )
    .map_err(|e| {
        sqlx::Error::Decode(format!("stored stand-up schedule of team {team_id}: {e}").into())
    })?;
    Ok(StoredSchedule {
        team_id,
        guild_id: wire_id(row.try_get("guild_id")?),
        channel_id: wire_id(row.try_get("channel_id")?),
        schedule,
        paused_until: row
            .try_get::<Option<String>, _>("paused_until")?
            .map(|d| parse_stored_date(&d))
            .transpose()?,
        last_handled: parse_stored_date(row.try_get("last_handled")?)?,
        failing_reason: row.try_get("failing_reason")?,
    })
}

impl Store {
    /// Creates or replaces the team's schedule. A replaced schedule keeps its progress (the
    /// newer of the two handled days), so changing the time never re-prompts a day; it also
    /// clears a failure, since setting up again is how an admin says "try again".
    pub async fn save_schedule(
        &self,
        team: &Team,
        setup: &ScheduleSetup,
        by: u64,
        now: i64,
    ) -> sqlx::Result<()> {
        let s = setup.schedule;
        let statement = sqlx::query(
            "INSERT INTO standup_schedules (team_id, guild_id, channel_id, local_time, timezone, days,
                 window_minutes, reminder_minutes, last_handled, updated_by, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (team_id) DO UPDATE SET channel_id = excluded.channel_id,
                 local_time = excluded.local_time, timezone = excluded.timezone,
                 days = excluded.days, window_minutes = excluded.window_minutes,
                 reminder_minutes = excluded.reminder_minutes,
                 last_handled = max(last_handled, excluded.last_handled),
                 failing_reason = NULL, updated_by = excluded.updated_by,
                 updated_at = excluded.updated_at",
        )
        .bind(team.id)
        .bind(db_id(team.guild_id))
        .bind(db_id(setup.channel_id))
        .bind(s.time().to_string())
        .bind(s.zone().name())
        .bind(i64::from(s.days().bits()))
        .bind(i64::from(s.window_minutes()))
        .bind(i64::from(s.reminder_minutes()))
        .bind(date_text(setup.handled_through))
        .bind(db_id(by))
        .bind(now);
        self.write_alone(statement).await?;
        Ok(())
    }

    /// The team's schedule, if it has one.
    pub async fn schedule(&self, team: &Team) -> sqlx::Result<Option<StoredSchedule>> {
        let row = sqlx::query("SELECT * FROM standup_schedules WHERE team_id = ? AND guild_id = ?")
            .bind(team.id)
            .bind(db_id(team.guild_id))
            .fetch_optional(self.reads())
            .await?;
        row.as_ref().map(schedule_from_row).transpose()
    }

    /// Every schedule of every guild: the scheduler's work list. A row that does not decode is
    /// left out and logged with its team, so one bad team cannot stop every guild's stand-ups
    /// and the outbox drain that follows them in the step.
    pub async fn all_schedules(&self) -> sqlx::Result<Vec<StoredSchedule>> {
        let rows = sqlx::query("SELECT * FROM standup_schedules ORDER BY team_id")
            .fetch_all(self.reads())
            .await?;
        let mut schedules = Vec::with_capacity(rows.len());
        for row in &rows {
            match schedule_from_row(row) {
                Ok(schedule) => schedules.push(schedule),
                Err(error) => {
                    let team_id: Option<i64> = row.try_get("team_id").ok();
                    tracing::warn!(team_id, %error, "skipping a stand-up schedule that does not decode");
                }
            }
        }
        Ok(schedules)
    }

    /// Pauses prompts up to and including `until`; `None` lifts the pause (and clears a
    /// failure) without marking paused days handled. Tests set a pause with it; the commands
    /// use [`Self::pause_schedule`] and [`Self::resume_schedule`].
    #[cfg(test)]
    pub async fn set_paused_until(
        &self,
        team: &Team,
        until: Option<NaiveDate>,
    ) -> sqlx::Result<bool> {
        let statement = sqlx::query(
            "UPDATE standup_schedules SET paused_until = ?,
                 failing_reason = CASE WHEN ? IS NULL THEN NULL ELSE failing_reason END
             WHERE team_id = ? AND guild_id = ?",
        )
        .bind(until.map(date_text))
        .bind(until.map(date_text))
        .bind(team.id)
        .bind(db_id(team.guild_id));
        let done = self.write_alone(statement).await?;
        Ok(done.rows_affected() == 1)
    }

    /// Pauses prompts up to and including `until` and, in the same transaction, cancels the
    /// reminders not yet sent of the team's days already open (they still close with their
    /// summary): the close times of those days.
    pub async fn pause_schedule(&self, team: &Team, until: NaiveDate) -> sqlx::Result<Vec<i64>> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE standup_schedules SET paused_until = ? WHERE team_id = ? AND guild_id = ?",
        )
        .bind(date_text(until))
        .bind(team.id)
        .bind(db_id(team.guild_id))
        .execute(&mut *tx)
        .await?;
        let silenced = sqlx::query_scalar(
            "UPDATE standup_days SET reminded = 1
             WHERE team_id = ? AND guild_id = ? AND status = 'open' AND reminded = 0
               AND remind_at IS NOT NULL
             RETURNING close_at",
        )
        .bind(team.id)
        .bind(db_id(team.guild_id))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(silenced)
    }

    /// Lifts the pause and clears a failure; `passed`, the last day that went by paused (see
    /// [`Schedule::passed_without_prompt`]), becomes handled in the same statement, so no step
    /// sees the paused days unpaused and unhandled.
    pub async fn resume_schedule(
        &self,
        team: &Team,
        passed: Option<NaiveDate>,
    ) -> sqlx::Result<bool> {
        let statement = sqlx::query(
            "UPDATE standup_schedules SET paused_until = NULL, failing_reason = NULL,
                 last_handled = max(last_handled, coalesce(?, last_handled))
             WHERE team_id = ? AND guild_id = ?",
        )
        .bind(passed.map(date_text))
        .bind(team.id)
        .bind(db_id(team.guild_id));
        let done = self.write_alone(statement).await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records why the bot cannot post for this team's stand-up.
    pub async fn mark_schedule_failing(&self, team_id: i64, reason: &str) -> sqlx::Result<()> {
        let statement =
            sqlx::query("UPDATE standup_schedules SET failing_reason = ? WHERE team_id = ?")
                .bind(reason)
                .bind(team_id);
        self.write_alone(statement).await?;
        Ok(())
    }

    /// A post went through: whatever was missing has been fixed.
    pub async fn clear_schedule_failing(&self, team_id: i64) -> sqlx::Result<()> {
        let statement = sqlx::query(
            "UPDATE standup_schedules SET failing_reason = NULL
             WHERE team_id = ? AND failing_reason IS NOT NULL",
        )
        .bind(team_id);
        self.write_alone(statement).await?;
        Ok(())
    }

    /// Adds a holiday; false when it was already skipped, or when that day already has its
    /// stand-up (open, held or missed): checked in the same statement, so a prompt opening at
    /// that moment cannot slip in between.
    pub async fn add_skip(&self, team: &Team, date: NaiveDate) -> sqlx::Result<bool> {
        let statement = sqlx::query(
            "INSERT INTO standup_skips (team_id, date) SELECT ?1, ?2
             WHERE NOT EXISTS (SELECT 1 FROM standup_days WHERE team_id = ?1 AND date = ?2)
             ON CONFLICT DO NOTHING",
        )
        .bind(team.id)
        .bind(date_text(date));
        let done = self.write_alone(statement).await?;
        Ok(done.rows_affected() == 1)
    }

    /// The team's holidays and pause, and the last day it has handled.
    pub async fn exclusions(&self, team_id: i64) -> sqlx::Result<Exclusions> {
        let skipped: Vec<String> =
            sqlx::query_scalar("SELECT date FROM standup_skips WHERE team_id = ?")
                .bind(team_id)
                .fetch_all(self.reads())
                .await?;
        let progress: Option<(Option<String>, String)> = sqlx::query_as(
            "SELECT paused_until, last_handled FROM standup_schedules WHERE team_id = ?",
        )
        .bind(team_id)
        .fetch_optional(self.reads())
        .await?;
        let (paused, handled) = progress.unzip();
        Ok(Exclusions {
            skipped: skipped
                .iter()
                .map(|d| parse_stored_date(d))
                .collect::<sqlx::Result<BTreeSet<_>>>()?,
            paused_until: paused
                .flatten()
                .map(|d| parse_stored_date(&d))
                .transpose()?,
            handled_through: handled.map(|d| parse_stored_date(&d)).transpose()?,
        })
    }

    /// Excuses a member on the dates of `range`; false, storing nothing, when one of their
    /// absences already covers every one of those dates.
    pub async fn add_away(
        &self,
        team: &Team,
        user_id: u64,
        range: AwayRange,
        by: u64,
        now: i64,
    ) -> sqlx::Result<bool> {
        // One statement, so two identical requests at once cannot both be stored.
        let statement = sqlx::query(
            "INSERT INTO standup_away (team_id, user_id, from_date, to_date, set_by, created_at)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6
             WHERE NOT EXISTS (SELECT 1 FROM standup_away
                               WHERE team_id = ?1 AND user_id = ?2
                                 AND from_date <= ?3 AND to_date >= ?4)",
        )
        .bind(team.id)
        .bind(db_id(user_id))
        .bind(date_text(range.from()))
        .bind(date_text(range.to()))
        .bind(db_id(by))
        .bind(now);
        Ok(self.write_alone(statement).await?.rows_affected() == 1)
    }

    /// The team's absences that end on or after `since`.
    pub async fn absences(&self, team_id: i64, since: NaiveDate) -> sqlx::Result<Vec<Away>> {
        let rows = sqlx::query(
            "SELECT user_id, from_date, to_date FROM standup_away
             WHERE team_id = ? AND to_date >= ? ORDER BY from_date, user_id",
        )
        .bind(team_id)
        .bind(date_text(since))
        .fetch_all(self.reads())
        .await?;
        rows.iter()
            .map(|row| {
                let from = parse_stored_date(row.try_get("from_date")?)?;
                let to = parse_stored_date(row.try_get("to_date")?)?;
                let range = AwayRange::new(from, to).map_err(|e| decode("absence", "", e.0))?;
                Ok(Away {
                    member: wire_id(row.try_get("user_id")?),
                    range,
                })
            })
            .collect()
    }
}

#[cfg(test)]
#[path = "standups_tests.rs"]
mod tests;
