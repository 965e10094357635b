//! Sprints of a team: starting one (one active at a time), moving stories in and out (with the
//! scope-change log the burndown reads), and closing it: figures, carry-over to the top of the
//! backlog and the summary posts, in one transaction.

use chrono::NaiveDate;
use sqlx::{Row as _, SqliteConnection};

use super::outbox::{enqueue, NewOutboxItem};
use super::stories::{story_from_row, Story, STORY_COLUMNS};
use super::{db_id, wire_id, Store};
use crate::domain::rank::Rank;
use crate::domain::sprint::SprintSpan;
use crate::domain::story::Status;
use crate::domain::team::Timezone;

/// A sprint as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sprint {
    pub id: i64,
    pub guild_id: u64,
    pub team_id: i64,
    pub number: i64,
    pub name: String,
    pub goal: Option<String>,
    pub start_date: NaiveDate,
    pub days: i64,
    pub timezone: String,
    pub active: bool,
    pub started_at: i64,
    pub closed_at: Option<i64>,
    pub figures: Option<SprintFigures>,
}

/// What a closed sprint committed to and completed, measured when it closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SprintFigures {
    pub committed_points: i64,
    pub completed_points: i64,
    pub committed_stories: i64,
    pub completed_stories: i64,
}

impl Sprint {
    /// The sprint's days in its zone. Stored values were validated when the sprint started.
    pub fn span(&self) -> SprintSpan {
        let zone = Timezone::parse(&self.timezone)
            .unwrap_or_else(|_| Timezone::parse("UTC").expect("UTC is a zone"));
        SprintSpan::new(self.start_date, self.days, zone)
            .or_else(|_| SprintSpan::new(self.start_date, 1, zone))
            .expect("one day is a valid sprint")
    }
}

const SPRINT_COLUMNS: &str = "id, guild_id, team_id, number, name, goal, start_date, days, timezone, \
     status, started_at, closed_at, committed_points, completed_points, committed_stories, completed_stories";

fn sprint_from_row(row: &sqlx::sqlite::SqliteRow) -> Sprint {
    let start: String = row.get("start_date");
    let figures = row
        .get::<Option<i64>, _>("committed_points")
        .map(|committed_points| SprintFigures {
            committed_points,
            completed_points: row.get::<Option<i64>, _>("completed_points").unwrap_or(0),
            committed_stories: row.get::<Option<i64>, _>("committed_stories").unwrap_or(0),
            completed_stories: row.get::<Option<i64>, _>("completed_stories").unwrap_or(0),
        });
    Sprint {
        id: row.get("id"),
        guild_id: wire_id(row.get("guild_id")),
        team_id: row.get("team_id"),
        number: row.get("number"),
        name: row.get("name"),
        goal: row.get("goal"),
        start_date: start.parse().unwrap_or_default(),
        days: row.get("days"),
        timezone: row.get("timezone"),
        active: row.get::<String, _>("status") == "active",
        started_at: row.get("started_at"),
        closed_at: row.get("closed_at"),
        figures,
    }
}

/// What `/sprint start` asks for; `name: None` means `Sprint {number}`.
#[derive(Debug, Clone)]
pub struct NewSprint {
    pub name: Option<String>,
    pub goal: Option<String>,
    pub span: SprintSpan,
}

/// One move of a story into (`added`) or out of a sprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MembershipChange {
    pub added: bool,
    /// After the planning day: a scope change.
    pub scope_change: bool,
    pub at: i64,
}

/// A story that was ever in the sprint, with what the burndown needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SprintStoryHistory {
    pub story: Story,
    pub in_sprint: bool,
    pub membership: Vec<MembershipChange>,
    pub status_changes: Vec<(Status, i64)>,
}

/// How closing went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseOutcome {
    Closed,
    /// Someone closed it first.
    AlreadyClosed,
}

impl Store {
    /// Starts a sprint; `None` when the team already has an active one.
    pub async fn start_sprint(
        &self,
        guild_id: u64,
        team_id: i64,
        new: &NewSprint,
        by: u64,
        now: i64,
    ) -> sqlx::Result<Option<Sprint>> {
        let mut tx = self.begin_write().await?;
        let number: i64 = sqlx::query_scalar(
            "SELECT coalesce(max(number), 0) + 1 FROM sprints WHERE team_id = ? AND guild_id = ?",
        )
        .bind(team_id)
        .bind(db_id(guild_id))
        .fetch_one(&mut *tx)
        .await?;
        let name = new
            .name
            .clone()
            .unwrap_or_else(|| format!("Sprint {number}"));
        let sql = format!(
            "INSERT INTO sprints (guild_id, team_id, number, name, goal, start_date, days, timezone,
               status, started_by, started_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)
             ON CONFLICT DO NOTHING RETURNING {SPRINT_COLUMNS}"
        );
        // The partial unique index refuses a second active sprint, even from a racing request.
        let row = sqlx::query(&sql)
            .bind(db_id(guild_id))
            .bind(team_id)
            .bind(number)
            .bind(&name)
            .bind(new.goal.as_deref())
            .bind(new.span.start().to_string())
            .bind(i64::from(new.span.days()))
            .bind(new.span.zone().name())
            .bind(db_id(by))
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(row.as_ref().map(sprint_from_row))
    }

    pub async fn active_sprint(&self, guild_id: u64, team_id: i64) -> sqlx::Result<Option<Sprint>> {
        let sql = format!(
            "SELECT {SPRINT_COLUMNS} FROM sprints WHERE guild_id = ? AND team_id = ? AND status = 'active'"
        );
        let row = sqlx::query(&sql)
            .bind(db_id(guild_id))
            .bind(team_id)
            .fetch_optional(self.reads())
            .await?;
        Ok(row.as_ref().map(sprint_from_row))
    }

    pub async fn sprint_by_id(
        &self,
        guild_id: u64,
        sprint_id: i64,
    ) -> sqlx::Result<Option<Sprint>> {
        let sql = format!("SELECT {SPRINT_COLUMNS} FROM sprints WHERE guild_id = ? AND id = ?");
        let row = sqlx::query(&sql)
            .bind(db_id(guild_id))
            .bind(sprint_id)
            .fetch_optional(self.reads())
            .await?;
        Ok(row.as_ref().map(sprint_from_row))
    }

    /// The team's closed sprints, newest first, at most `limit`.
    pub async fn closed_sprints(
        &self,
        guild_id: u64,
        team_id: i64,
        limit: i64,
    ) -> sqlx::Result<Vec<Sprint>> {
        let sql = format!(
            "SELECT {SPRINT_COLUMNS} FROM sprints WHERE guild_id = ? AND team_id = ? AND status = 'closed'
             ORDER BY closed_at DESC, id DESC LIMIT ?"
        );
        let rows = sqlx::query(&sql)
            .bind(db_id(guild_id))
            .bind(team_id)
            .bind(limit)
            .fetch_all(self.reads())
            .await?;
        Ok(rows.iter().map(sprint_from_row).collect())
    }

    /// Whether the story is in the sprint now (its latest move was in).
    pub async fn is_in_sprint(&self, sprint: &Sprint, story: &Story) -> sqlx::Result<bool> {
        let mut conn = self.pool().acquire().await?;
        is_in(&mut conn, sprint.id, story.id).await
    }

    /// Every story ever in the sprint, in backlog order, with its moves and status history.
    pub async fn sprint_story_histories(
        &self,
        sprint: &Sprint,
    ) -> sqlx::Result<Vec<SprintStoryHistory>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT c.story_id FROM sprint_story_changes c JOIN stories s ON s.id = c.story_id
             WHERE c.sprint_id = ? AND s.guild_id = ? ORDER BY s.rank",
        )
        .bind(sprint.id)
        .bind(db_id(sprint.guild_id))
        .fetch_all(self.reads())
        .await?;
        let mut histories = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(story) = self.story_by_id(sprint.guild_id, id).await? else {
                continue;
            };
            let membership: Vec<MembershipChange> = sqlx::query(
                "SELECT added, scope_change, changed_at FROM sprint_story_changes
                 WHERE sprint_id = ? AND story_id = ? ORDER BY id",
            )
            .bind(sprint.id)
            .bind(id)
            .fetch_all(self.reads())
            .await?
            .iter()
            .map(|r| MembershipChange {
                added: r.get::<i64, _>("added") != 0,
                scope_change: r.get::<i64, _>("scope_change") != 0,
                at: r.get("changed_at"),
            })
            .collect();
            let status_changes = sqlx::query(
                "SELECT to_status, changed_at FROM story_status_changes WHERE story_id = ? ORDER BY changed_at, id",
            )
            .bind(id)
            .fetch_all(self.reads())
            .await?
            .iter()
            .filter_map(|r| {
                let status = Status::parse(r.get("to_status")).ok()?;
                Some((status, r.get::<i64, _>("changed_at")))
            })
            .collect();
            histories.push(SprintStoryHistory {
                in_sprint: membership.last().is_some_and(|m| m.added),
                story,
                membership,
                status_changes,
            });
        }
        Ok(histories)
    }

    /// The team's open stories (not done, accepted or archived) in backlog order.
    pub async fn open_stories(&self, guild_id: u64, team_id: i64) -> sqlx::Result<Vec<Story>> {
        let sql = format!(
            "SELECT {STORY_COLUMNS} FROM stories WHERE guild_id = ? AND team_id = ?
             AND status NOT IN ('done', 'accepted', 'archived') ORDER BY rank"
        );
        let rows = sqlx::query(&sql)
            .bind(db_id(guild_id))
            .bind(team_id)
            .fetch_all(self.reads())
            .await?;
        Ok(rows.iter().map(story_from_row).collect())
    }

    /// A story by its row id, within a guild.
    pub async fn story_by_id(&self, guild_id: u64, id: i64) -> sqlx::Result<Option<Story>> {
        super::stories::story_by_id_in(self.reads(), guild_id, id).await
    }

    /// Closes the sprint with its figures, puts `carried` (open stories, in their order) back at
    /// the top of the backlog, and queues the summary posts, all or nothing.
    pub async fn close_sprint(
        &self,
        sprint: &Sprint,
        figures: SprintFigures,
        carried: &[Story],
        posts: &[NewOutboxItem],
        by: u64,
        now: i64,
    ) -> sqlx::Result<CloseOutcome> {
        let mut tx = self.begin_write().await?;
        let closed = sqlx::query(
            "UPDATE sprints SET status = 'closed', closed_by = ?, closed_at = ?, committed_points = ?,
               completed_points = ?, committed_stories = ?, completed_stories = ?
             WHERE id = ? AND guild_id = ? AND status = 'active'",
        )
        .bind(db_id(by))
        .bind(now)
        .bind(figures.committed_points)
        .bind(figures.completed_points)
        .bind(figures.committed_stories)
        .bind(figures.completed_stories)
        .bind(sprint.id)
        .bind(db_id(sprint.guild_id))
        .execute(&mut *tx)
        .await?;
        if closed.rows_affected() == 0 {
            return Ok(CloseOutcome::AlreadyClosed);
        }
        tx.changes_stories_of(sprint.guild_id, sprint.team_id);
        move_to_top(&mut tx, sprint.team_id, carried).await?;
        for post in posts {
            enqueue(&mut tx, post, now).await?;
        }
        tx.commit().await?;
        Ok(CloseOutcome::Closed)
    }
}

async fn is_in(conn: &mut SqliteConnection, sprint_id: i64, story_id: i64) -> sqlx::Result<bool> {
    let added: Option<i64> = sqlx::query_scalar(
        "SELECT added FROM sprint_story_changes WHERE sprint_id = ? AND story_id = ? ORDER BY id DESC LIMIT 1",
    )
    .bind(sprint_id)
    .bind(story_id)
    .fetch_optional(conn)
    .await?;
    Ok(added == Some(1))
}

/// Gives `stories` ranks before every other open story, keeping their order; one write each.
async fn move_to_top(
    conn: &mut SqliteConnection,
    team_id: i64,
    stories: &[Story],
) -> sqlx::Result<()> {
    let ids: Vec<i64> = stories.iter().map(|s| s.id).collect();
    let open: Vec<(i64, Vec<u8>)> = sqlx::query_as(
        "SELECT id, rank FROM stories WHERE team_id = ? AND status NOT IN ('done', 'accepted', 'archived')
         ORDER BY rank",
    )
    .bind(team_id)
    .fetch_all(&mut *conn)
    .await?;
    let first_other = open
        .into_iter()
        .find(|(id, _)| !ids.contains(id))
        .map(|(_, rank)| Rank::from_bytes(rank));
    // Walk backwards so each story lands just before the one after it.
    let mut next = first_other;
    for story in stories.iter().rev() {
        // No room only below an all-zero key, which only an old import could have left.
        let rank = Rank::between(None, next.as_ref())
            .map_err(|e| sqlx::Error::Decode(format!("carry-over rank: {e}").into()))?;
        sqlx::query("UPDATE stories SET rank = ? WHERE id = ? AND team_id = ?")
            .bind(rank.as_bytes())
            .bind(story.id)
            .bind(team_id)
            .execute(&mut *conn)
            .await?;
        next = Some(rank);
    }
    Ok(())
}

mod membership;
#[cfg(test)]
mod tests;

pub use membership::MembershipOutcome;

/// The goal of the team's active sprint, read inside the caller's transaction (the stand-up
/// prompt shows it).
pub async fn active_goal_in(
    conn: &mut sqlx::SqliteConnection,
    team_id: i64,
) -> sqlx::Result<Option<String>> {
    let goal: Option<Option<String>> =
        sqlx::query_scalar("SELECT goal FROM sprints WHERE team_id = ? AND status = 'active'")
            .bind(team_id)
            .fetch_optional(conn)
            .await?;
    Ok(goal.flatten().filter(|g| !g.trim().is_empty()))
}
