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

    /// Ticks or unticks criterion `position`; false when the story has no such criterion.
    pub async fn set_criterion_checked(
        &self,
        story: &Story,
        position: i64,
        checked: bool,
    ) -> sqlx::Result<bool> {
        let statement = sqlx::query(
            "UPDATE story_criteria SET checked = ? WHERE story_id = ? AND position = ?",
        )
        .bind(checked)
        .bind(story.id)
        .bind(position);
        let done = self.write_alone(statement).await?;
        Ok(done.rows_affected() == 1)
    }
}
