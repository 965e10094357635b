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
    /// Records that `story` is blocked by `blocker`, unless that is on itself, already there,
    /// closes a cycle or either story is archived (the refusal names it). The team's links and
    /// the two statuses are read in the same write transaction as the insert, so neither an
    /// opposite depend nor an archive landing after the caller read the stories can slip by.
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
        let archived: Option<i64> = sqlx::query_scalar(
            "SELECT number FROM stories
             WHERE id IN (?, ?) AND guild_id = ? AND status = 'archived'
             ORDER BY id = ? DESC LIMIT 1",
        )
        .bind(story.id)
        .bind(blocker.id)
        .bind(db_id(story.guild_id))
        .bind(story.id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(number) = archived {
            return Ok(Err(crate::domain::story::archived(number)));
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

#[cfg(test)]
mod tests {
    use crate::domain::story::Status;
    use crate::store::test_support::{store, story, team, USER};

    #[tokio::test]
    async fn a_depend_on_a_story_archived_after_it_was_read_is_refused_and_links_nothing() {
        let (store, _dir) = store().await;
        let team = team(&store).await;
        let waiting = story(&store, &team, "Checkout", None).await;
        let blocker = story(&store, &team, "Payments", None).await;
        // Archived after the command read both stories, before its write.
        store
            .change_status(&blocker, Status::Archived, USER, None, 1)
            .await
            .unwrap()
            .expect("archived");

        let refused = store.depend(&waiting, &blocker, USER, 2).await.unwrap();
        let message = refused.expect_err("linked to an archived story").0;
        assert!(message.contains("#2 is archived"), "{message}");
        let edges = store
            .dependency_edges(team.guild_id, team.id)
            .await
            .unwrap();
        assert!(edges.is_empty(), "{edges:?}");

        // Stories that are not archived still link.
        let other = story(&store, &team, "Fraud checks", None).await;
        store
            .depend(&waiting, &other, USER, 3)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            store
                .dependency_edges(team.guild_id, team.id)
                .await
                .unwrap(),
            [(1, 3)]
        );
    }
}
