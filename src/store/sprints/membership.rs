//! Moving stories in and out of an active sprint. Every write is conditional, in its own
//! transaction, on the sprint still being active, so a move racing `/sprint close` is refused
//! instead of landing in a closed sprint; **Add these** writes its whole plan in one transaction.

use std::collections::HashSet;

use sqlx::SqliteConnection;

use super::{is_in, Sprint};
use crate::store::stories::Story;
use crate::store::{db_id, Store};

/// How a move went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipOutcome {
    Changed,
    /// The story already was in (or out of) the sprint.
    Unchanged,
    /// The sprint closed (or is not this team's) before the move was written.
    SprintClosed,
}

impl Store {
    /// Moves a story into (`added`) or out of the sprint, only while the sprint is active.
    pub async fn change_sprint_membership(
        &self,
        sprint: &Sprint,
        story: &Story,
        added: bool,
        scope_change: bool,
        by: u64,
        now: i64,
    ) -> sqlx::Result<MembershipOutcome> {
        if story.team_id != sprint.team_id || story.guild_id != sprint.guild_id {
            return Ok(MembershipOutcome::Unchanged);
        }
        let mut tx = self.begin_write().await?;
        if !is_active(&mut tx, sprint).await? {
            return Ok(MembershipOutcome::SprintClosed);
        }
        if is_in(&mut tx, sprint.id, story.id).await? == added {
            return Ok(MembershipOutcome::Unchanged);
        }
        log_move(&mut tx, sprint, story.id, added, scope_change, by, now).await?;
        tx.commit().await?;
        Ok(MembershipOutcome::Changed)
    }

    /// Adds those of `stories` not yet in the sprint, all in one transaction; answers the ones
    /// it added (as they are now), or `None` when the sprint is no longer active.
    pub async fn add_stories_to_sprint(
        &self,
        sprint: &Sprint,
        stories: &[Story],
        scope_change: bool,
        by: u64,
        now: i64,
    ) -> sqlx::Result<Option<Vec<Story>>> {
        let mut tx = self.begin_write().await?;
        if !is_active(&mut tx, sprint).await? {
            return Ok(None);
        }
        let mut added = Vec::new();
        for story in stories {
            if story.team_id != sprint.team_id || story.guild_id != sprint.guild_id {
                continue;
            }
            // Read again in the transaction: points for the reply, and a story archived or
            // accepted since the plan was shown stays out.
            let Some(now_story) =
                super::super::stories::story_by_id_in(&mut *tx, sprint.guild_id, story.id).await?
            else {
                continue;
            };
            if !now_story.status.is_open() || is_in(&mut tx, sprint.id, story.id).await? {
                continue;
            }
            log_move(&mut tx, sprint, story.id, true, scope_change, by, now).await?;
            added.push(now_story);
        }
        tx.commit().await?;
        Ok(Some(added))
    }

    /// The sprint's membership version: the id of its latest move (0 before any).
    pub async fn sprint_membership_version(&self, sprint: &Sprint) -> sqlx::Result<i64> {
        sqlx::query_scalar(
            "SELECT coalesce(max(id), 0) FROM sprint_story_changes WHERE sprint_id = ?",
        )
        .bind(sprint.id)
        .fetch_one(self.reads())
        .await
    }

    /// The ids of the stories that were in the sprint at membership version `version`.
    pub async fn sprint_members_at(
        &self,
        sprint: &Sprint,
        version: i64,
    ) -> sqlx::Result<HashSet<i64>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT c.story_id FROM sprint_story_changes c
             WHERE c.sprint_id = ? AND c.added = 1 AND c.id = (
               SELECT max(l.id) FROM sprint_story_changes l
               WHERE l.sprint_id = c.sprint_id AND l.story_id = c.story_id AND l.id <= ?)",
        )
        .bind(sprint.id)
        .bind(version)
        .fetch_all(self.reads())
        .await?;
        Ok(ids.into_iter().collect())
    }
}

async fn is_active(conn: &mut SqliteConnection, sprint: &Sprint) -> sqlx::Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM sprints WHERE id = ? AND guild_id = ? AND team_id = ? AND status = 'active'",
    )
    .bind(sprint.id)
    .bind(db_id(sprint.guild_id))
    .bind(sprint.team_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

async fn log_move(
    conn: &mut SqliteConnection,
    sprint: &Sprint,
    story_id: i64,
    added: bool,
    scope_change: bool,
    by: u64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO sprint_story_changes (sprint_id, story_id, added, scope_change, changed_by, changed_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(sprint.id)
    .bind(story_id)
    .bind(added)
    .bind(scope_change)
    .bind(db_id(by))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
