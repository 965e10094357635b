//! Dependencies between stories of one team: "story is blocked by blocker".

use super::stories::Story;
use super::{db_id, Store};
use crate::domain::story::Status;

/// A story another one waits for, as the card lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocker {
    pub number: i64,
    pub title: String,
    pub status: Status,
}

impl Store {
    /// Records that `story` is blocked by `blocker`; false when it already was.
    pub async fn add_dependency(
        &self,
        story: &Story,
        blocker: &Story,
        by: u64,
        now: i64,
    ) -> sqlx::Result<bool> {
        let statement = sqlx::query(
            "INSERT INTO story_dependencies (story_id, blocked_by_id, created_by, created_at)
             SELECT s.id, b.id, ?, ? FROM stories s, stories b
             WHERE s.id = ? AND b.id = ? AND s.team_id = b.team_id AND s.guild_id = ?
             ON CONFLICT DO NOTHING",
        )
        .bind(db_id(by))
        .bind(now)
        .bind(story.id)
        .bind(blocker.id)
        .bind(db_id(story.guild_id));
        let done = self.write_alone(statement).await?;
        Ok(done.rows_affected() == 1)
    }

    /// Removes the dependency; false when there was none.
    pub async fn remove_dependency(&self, story: &Story, blocker: &Story) -> sqlx::Result<bool> {
        let statement =
            sqlx::query("DELETE FROM story_dependencies WHERE story_id = ? AND blocked_by_id = ?")
                .bind(story.id)
                .bind(blocker.id);
        let done = self.write_alone(statement).await?;
        Ok(done.rows_affected() == 1)
    }

    /// Every dependency of a team as (story number, blocker number) pairs.
    pub async fn dependency_edges(
        &self,
        guild_id: u64,
        team_id: i64,
    ) -> sqlx::Result<Vec<(i64, i64)>> {
        sqlx::query_as(
            "SELECT s.number, b.number FROM story_dependencies d
             JOIN stories s ON s.id = d.story_id JOIN stories b ON b.id = d.blocked_by_id
             WHERE s.team_id = ? AND s.guild_id = ?",
        )
        .bind(team_id)
        .bind(db_id(guild_id))
        .fetch_all(self.reads())
        .await
    }
}

/// The latest rejection of a story: why, by whom, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub reason: String,
    pub by: u64,
    pub at: i64,
}
