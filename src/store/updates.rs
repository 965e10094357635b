//! Stakeholder updates: drafts, publishing exactly once (the post queued in the same
//! transaction), what shipped since the last published update, and the weekly schedule with the
//! last local date it published for.

use chrono::NaiveDate;
use sqlx::{Row as _, SqliteConnection};

use super::outbox::{enqueue, NewOutboxItem};
use super::stories::Story;
use super::teams::Team;
use super::{db_id, wire_id, Store};

/// A stored update (draft, published or cancelled).
#[derive(Debug, Clone, PartialEq)]
pub struct StakeholderUpdate {
    pub id: i64,
    pub guild_id: u64,
    pub team_id: i64,
    pub channel_id: u64,
    pub status: UpdateStatus,
    /// The channel message body, as it is (or will be) posted.
    pub content: serde_json::Value,
    pub published_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateStatus {
    Draft,
    Published,
    Cancelled,
}

impl UpdateStatus {
    fn parse(raw: &str) -> Self {
        match raw {
            "published" => UpdateStatus::Published,
            "cancelled" => UpdateStatus::Cancelled,
            _ => UpdateStatus::Draft,
        }
    }
}

/// A team's weekly publication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateSchedule {
    pub team_id: i64,
    pub guild_id: u64,
    pub channel_id: u64,
    /// 0 = Monday ... 6 = Sunday.
    pub weekday: u8,
    pub local_time: String,
    pub timezone: String,
    pub last_published_date: NaiveDate,
}

fn update_from_row(row: &sqlx::sqlite::SqliteRow) -> StakeholderUpdate {
    StakeholderUpdate {
        id: row.get("id"),
        guild_id: wire_id(row.get("guild_id")),
        team_id: row.get("team_id"),
        channel_id: wire_id(row.get("channel_id")),
        status: UpdateStatus::parse(row.get("status")),
        content: serde_json::from_str(row.get("content")).unwrap_or(serde_json::Value::Null),
        published_at: row.get("published_at"),
    }
}

fn schedule_from_row(row: &sqlx::sqlite::SqliteRow) -> UpdateSchedule {
    let last: String = row.get("last_published_date");
    UpdateSchedule {
        team_id: row.get("team_id"),
        guild_id: wire_id(row.get("guild_id")),
        channel_id: wire_id(row.get("channel_id")),
        weekday: row.get::<i64, _>("weekday").clamp(0, 6) as u8,
        local_time: row.get("local_time"),
        timezone: row.get("timezone"),
        last_published_date: last.parse().unwrap_or_default(),
    }
}

/// How a press of Publish went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishOutcome {
    Published,
    AlreadyPublished,
    Cancelled,
}

impl Store {
    /// When the newest content the team has published was drafted, if it published any: what
    /// finished after that moment is in no published update yet. Not the publishing time, since
    /// a draft's text is fixed when it is drafted, and the PO may press Publish much later.
    pub async fn last_published_content_at(&self, team: &Team) -> sqlx::Result<Option<i64>> {
        sqlx::query_scalar(
            "SELECT max(created_at) FROM stakeholder_updates
             WHERE guild_id = ? AND team_id = ? AND status = 'published'",
        )
        .bind(db_id(team.guild_id))
        .bind(team.id)
        .fetch_one(self.reads())
        .await
    }

    /// Open or finished stories that reached done or accepted after `since`, still there now.
    pub async fn shipped_since(&self, team: &Team, since: i64) -> sqlx::Result<Vec<Story>> {
        let numbers: Vec<i64> = sqlx::query_scalar(
            "SELECT s.number FROM stories s WHERE s.guild_id = ? AND s.team_id = ?
               AND s.status IN ('done', 'accepted')
               AND EXISTS (SELECT 1 FROM story_status_changes c WHERE c.story_id = s.id
                           AND c.to_status IN ('done', 'accepted') AND c.changed_at > ?)
             ORDER BY s.rank",
        )
        .bind(db_id(team.guild_id))
        .bind(team.id)
        .bind(since)
        .fetch_all(self.reads())
        .await?;
        let mut stories = Vec::with_capacity(numbers.len());
        for number in numbers {
            stories.extend(self.story(team.guild_id, team.id, number).await?);
        }
        Ok(stories)
    }

    /// Stores a draft to show its author; returns its id (the Publish button carries it).
    pub async fn insert_update_draft(
        &self,
        team: &Team,
        channel_id: u64,
        content: &serde_json::Value,
        by: u64,
        now: i64,
    ) -> sqlx::Result<i64> {
        let statement = sqlx::query(
            "INSERT INTO stakeholder_updates (guild_id, team_id, channel_id, status, content, created_by, created_at)
             VALUES (?, ?, ?, 'draft', ?, ?, ?) RETURNING id",
        )
        .bind(db_id(team.guild_id))
        .bind(team.id)
        .bind(db_id(channel_id))
        .bind(content.to_string())
        .bind(db_id(by))
        .bind(now);
        let row = self.write_returning(statement).await?;
        row.ok_or(sqlx::Error::RowNotFound)?.try_get(0)
    }

    pub async fn stakeholder_update(
        &self,
        guild_id: u64,
        id: i64,
    ) -> sqlx::Result<Option<StakeholderUpdate>> {
        let row = sqlx::query("SELECT * FROM stakeholder_updates WHERE guild_id = ? AND id = ?")
            .bind(db_id(guild_id))
            .bind(id)
            .fetch_optional(self.reads())
            .await?;
        Ok(row.as_ref().map(update_from_row))
    }

    /// Publishes a draft once: marks it published and queues its post in one transaction.
    pub async fn publish_update_draft(
        &self,
        update: &StakeholderUpdate,
        post: &NewOutboxItem,
        now: i64,
    ) -> sqlx::Result<PublishOutcome> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE stakeholder_updates SET status = 'published', published_at = ?
             WHERE id = ? AND guild_id = ? AND status = 'draft'",
        )
        .bind(now)
        .bind(update.id)
        .bind(db_id(update.guild_id))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            let status: String =
                sqlx::query_scalar("SELECT status FROM stakeholder_updates WHERE id = ?")
                    .bind(update.id)
                    .fetch_one(&mut *tx)
                    .await?;
            return Ok(match UpdateStatus::parse(&status) {
                UpdateStatus::Cancelled => PublishOutcome::Cancelled,
                _ => PublishOutcome::AlreadyPublished,
            });
        }
        enqueue(&mut tx, post, now).await?;
        tx.commit().await?;
        Ok(PublishOutcome::Published)
    }

    /// Cancels a draft; false when it was no longer a draft.
    pub async fn cancel_update_draft(&self, update: &StakeholderUpdate) -> sqlx::Result<bool> {
        let statement = sqlx::query(
            "UPDATE stakeholder_updates SET status = 'cancelled' WHERE id = ? AND guild_id = ? AND status = 'draft'",
        )
        .bind(update.id)
        .bind(db_id(update.guild_id));
        let done = self.write_alone(statement).await?;
        Ok(done.rows_affected() == 1)
    }

    /// Sets (or replaces) the team's weekly schedule.
    pub async fn set_update_schedule(
        &self,
        schedule: &UpdateSchedule,
        by: u64,
        now: i64,
    ) -> sqlx::Result<()> {
        let statement = sqlx::query(
            "INSERT INTO update_schedules (team_id, guild_id, channel_id, weekday, local_time, timezone,
               last_published_date, created_by, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (team_id) DO UPDATE SET channel_id = excluded.channel_id,
               weekday = excluded.weekday, local_time = excluded.local_time,
               timezone = excluded.timezone, last_published_date = excluded.last_published_date,
               created_by = excluded.created_by, created_at = excluded.created_at
             WHERE update_schedules.guild_id = excluded.guild_id",
        )
        .bind(schedule.team_id)
        .bind(db_id(schedule.guild_id))
        .bind(db_id(schedule.channel_id))
        .bind(i64::from(schedule.weekday))
        .bind(&schedule.local_time)
        .bind(&schedule.timezone)
        .bind(schedule.last_published_date.to_string())
        .bind(db_id(by))
        .bind(now);
        self.write_alone(statement).await?;
        Ok(())
    }

    /// Removes the team's weekly schedule; false when it had none.
    pub async fn remove_update_schedule(&self, team: &Team) -> sqlx::Result<bool> {
        let statement =
            sqlx::query("DELETE FROM update_schedules WHERE team_id = ? AND guild_id = ?")
                .bind(team.id)
                .bind(db_id(team.guild_id));
        let done = self.write_alone(statement).await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn update_schedule(&self, team: &Team) -> sqlx::Result<Option<UpdateSchedule>> {
        let row = sqlx::query("SELECT * FROM update_schedules WHERE team_id = ? AND guild_id = ?")
            .bind(team.id)
            .bind(db_id(team.guild_id))
            .fetch_optional(self.reads())
            .await?;
        Ok(row.as_ref().map(schedule_from_row))
    }

    /// Every weekly schedule (the scheduler checks each; there is one per team at most).
    pub async fn all_update_schedules(&self) -> sqlx::Result<Vec<UpdateSchedule>> {
        let rows = sqlx::query("SELECT * FROM update_schedules ORDER BY team_id")
            .fetch_all(self.reads())
            .await?;
        Ok(rows.iter().map(schedule_from_row).collect())
    }

    /// Records the weekly update for local `date` as published and queues its post, unless that
    /// date (or a later one) was already published: false then, and nothing is written.
    pub async fn publish_weekly_update(
        &self,
        schedule: &UpdateSchedule,
        date: NaiveDate,
        post: &NewOutboxItem,
        now: i64,
    ) -> sqlx::Result<bool> {
        let mut tx = self.begin_write().await?;
        // ISO dates compare correctly as text.
        let claimed = sqlx::query(
            "UPDATE update_schedules SET last_published_date = ?
             WHERE team_id = ? AND guild_id = ? AND last_published_date < ?",
        )
        .bind(date.to_string())
        .bind(schedule.team_id)
        .bind(db_id(schedule.guild_id))
        .bind(date.to_string())
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            return Ok(false);
        }
        insert_published(&mut tx, schedule, &post.body, now).await?;
        enqueue(&mut tx, post, now).await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// A weekly update, drafted and published at `now` (so `created_at` is when its text was made).
async fn insert_published(
    conn: &mut SqliteConnection,
    schedule: &UpdateSchedule,
    content: &serde_json::Value,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO stakeholder_updates (guild_id, team_id, channel_id, status, content, created_at, published_at)
         VALUES (?, ?, ?, 'published', ?, ?, ?)",
    )
    .bind(db_id(schedule.guild_id))
    .bind(schedule.team_id)
    .bind(db_id(schedule.channel_id))
    .bind(content.to_string())
    .bind(now)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests;
