//! Acceptance criteria of a story: an ordered checklist.

use super::stories::Story;
use super::Store;

impl Store {
    /// Appends a criterion; returns its number, or `None` when the story already has `max`.
    pub async fn add_criterion(
        &self,
        story: &Story,
        text: &str,
        max: i64,
    ) -> sqlx::Result<Option<i64>> {
        let mut tx = self.begin_write().await?;
        let (count, last): (i64, Option<i64>) =
            sqlx::query_as("SELECT count(*), max(position) FROM story_criteria WHERE story_id = ?")
                .bind(story.id)
                .fetch_one(&mut *tx)
                .await?;
        if count >= max {
            return Ok(None);
        }
        let position = last.unwrap_or(0) + 1;
        sqlx::query("INSERT INTO story_criteria (story_id, position, text) VALUES (?, ?, ?)")
            .bind(story.id)
            .bind(position)
            .bind(text)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(position))
    }

    /// Ticks or unticks criterion `position`. `None` when the story has no such criterion,
    /// `Some(false)` when it was already in that state (nothing is written), else `Some(true)`.
    pub async fn set_criterion_checked(
        &self,
        story: &Story,
        position: i64,
        checked: bool,
    ) -> sqlx::Result<Option<bool>> {
        let statement = sqlx::query(
            "UPDATE story_criteria SET checked = ?1
             WHERE story_id = ?2 AND position = ?3 AND checked IS NOT ?1",
        )
        .bind(checked)
        .bind(story.id)
        .bind(position);
        if self.write_alone(statement).await?.rows_affected() == 1 {
            return Ok(Some(true));
        }
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM story_criteria WHERE story_id = ? AND position = ?")
                .bind(story.id)
                .bind(position)
                .fetch_optional(self.reads())
                .await?;
        Ok(exists.map(|_| false))
    }
}

#[cfg(test)]
mod tests {
    use crate::store::test_support::{store, story, team};

    #[tokio::test]
    async fn ticking_tells_a_change_from_a_criterion_already_so_and_from_none() {
        let (store, _dir) = store().await;
        let team = team(&store).await;
        let story = story(&store, &team, "Pay", None).await;
        store.add_criterion(&story, "Visa works", 10).await.unwrap();

        let tick = |checked| store.set_criterion_checked(&story, 1, checked);
        assert_eq!(tick(true).await.unwrap(), Some(true));
        assert_eq!(tick(true).await.unwrap(), Some(false));
        assert_eq!(tick(false).await.unwrap(), Some(true));
        assert_eq!(tick(false).await.unwrap(), Some(false));
        let missing = store.set_criterion_checked(&story, 2, true).await.unwrap();
        assert_eq!(missing, None);
    }
}
