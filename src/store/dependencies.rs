//! Dependencies between stories of one team: "story is blocked by blocker".

use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::Sqlite;

use super::stories::Story;
use super::{db_id, Store};
use crate::domain::dependency::Dependency;
use crate::domain::story::{Status, StoryNumber};
use crate::domain::Invalid;

/// Every dependency of a team (`?1` team id, `?2` guild) as (story, blocker) numbers.
const EDGES_SQL: &str = "SELECT s.number, b.number FROM story_dependencies d
     JOIN stories s ON s.id = d.story_id JOIN stories b ON b.id = d.blocked_by_id
     WHERE s.team_id = ? AND s.guild_id = ?";

/// The insert of one link, same team only; a link already there changes nothing.
fn insert<'q>(
    story: &Story,
    blocker: &Story,
    by: u64,
    now: i64,
) -> Query<'q, Sqlite, SqliteArguments<'q>> {
    sqlx::query(
        "INSERT INTO story_dependencies (story_id, blocked_by_id, created_by, created_at)
         SELECT s.id, b.id, ?, ? FROM stories s, stories b
         WHERE s.id = ? AND b.id = ? AND s.team_id = b.team_id AND s.guild_id = ?
         ON CONFLICT DO NOTHING",
    )
    .bind(db_id(by))
    .bind(now)
    .bind(story.id)
    .bind(blocker.id)
    .bind(db_id(story.guild_id))
}

/// A story another one waits for, as the card lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocker {
    pub number: i64,
    pub title: String,
    pub status: Status,
}

impl Store {
    /// Records that `story` is blocked by `blocker`, unless that is on itself, already there or
    /// closes a cycle (the refusal names it). The team's links are read in the same write
    /// transaction as the insert, so two opposite depends cannot both pass the check.
    pub async fn depend(
        &self,
        story: &Story,
        blocker: &Story,
        by: u64,
        now: i64,
    ) -> sqlx::Result<Result<(), Invalid>> {
        let mut tx = self.begin_write().await?;
        let existing: Vec<(i64, i64)> = sqlx::query_as(EDGES_SQL)
            .bind(story.team_id)
            .bind(db_id(story.guild_id))
            .fetch_all(&mut *tx)
            .await?;
        let existing: Vec<Dependency> = existing
            .into_iter()
            .map(|(s, on)| Dependency::new(StoryNumber(s), StoryNumber(on)))
            .collect();
        let wanted = Dependency::new(StoryNumber(story.number), StoryNumber(blocker.number));
        if let Err(refused) = wanted.check_new(&existing) {
            return Ok(Err(refused));
        }
        insert(story, blocker, by, now).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Records that `story` is blocked by `blocker` without any check (tests' seeding); false
    /// when it already was.
    #[cfg(test)]
    pub async fn add_dependency(
        &self,
        story: &Story,
        blocker: &Story,
        by: u64,
        now: i64,
    ) -> sqlx::Result<bool> {
        let done = self.write_alone(insert(story, blocker, by, now)).await?;
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
        sqlx::query_as(EDGES_SQL)
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
