//! Backlog order: moving one story to a position writes that story's rank only.

use super::stories::Story;
use super::Store;
use crate::domain::rank::Rank;

impl Store {
    /// Places an open story at `position` (1 = top) among the team's open stories; positions
    /// past the end put it last. Returns the position it now has.
    pub async fn move_to_position(&self, story: &Story, position: i64) -> sqlx::Result<i64> {
        let mut tx = self.begin_write().await?;
        tx.changes_stories_of(story.guild_id, story.team_id);
        let others: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM stories WHERE team_id = ? AND id <> ?
             AND status NOT IN ('done', 'accepted', 'archived')",
        )
        .bind(story.team_id)
        .bind(story.id)
        .fetch_one(&mut *tx)
        .await?;
        let position = position.clamp(1, others + 1);
        // The neighbours it lands between: the stories now at position-1 and position,
        // counting without the moving story itself.
        let offset = (position - 2).max(0);
        let neighbours: Vec<Vec<u8>> = sqlx::query_scalar(
            "SELECT rank FROM stories WHERE team_id = ? AND id <> ?
             AND status NOT IN ('done', 'accepted', 'archived') ORDER BY rank LIMIT 2 OFFSET ?",
        )
        .bind(story.team_id)
        .bind(story.id)
        .bind(offset)
        .fetch_all(&mut *tx)
        .await?;
        let neighbours: Vec<Rank> = neighbours.into_iter().map(Rank::from_bytes).collect();
        let (low, high) = if position == 1 {
            (None, neighbours.first())
        } else {
            (neighbours.first(), neighbours.get(1))
        };
        let rank = Rank::between(low, high);
        sqlx::query("UPDATE stories SET rank = ? WHERE id = ? AND guild_id = ?")
            .bind(rank.as_bytes())
            .bind(story.id)
            .bind(super::db_id(story.guild_id))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(position)
    }
}
