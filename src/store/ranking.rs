//! Backlog order: moving one story to a position writes that story's rank only.

use sqlx::SqliteConnection;

use super::stories::Story;
use super::Store;
use crate::domain::rank::Rank;

/// Where a move put the story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    /// Its place now (1 = top).
    At(i64),
    /// It already was at that place (1 = top); nothing was written.
    Already(i64),
    /// The open stories it would go between (numbers; `None` = an end) have keys with no room
    /// between them (equal keys from an imported backup); nothing was written.
    NoRoom {
        above: Option<i64>,
        below: Option<i64>,
    },
}

impl Store {
    /// Places an open story at `position` (1 = top) among the team's open stories; positions
    /// past the end put it last.
    pub async fn move_to_position(&self, story: &Story, position: i64) -> sqlx::Result<Placed> {
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
        if others == 0 {
            // Alone in the backlog: already first.
            return Ok(Placed::Already(1));
        }
        let position = position.clamp(1, others + 1);
        // The neighbours it lands between: the stories now at position-1 and position,
        // counting without the moving story itself.
        let offset = (position - 2).max(0);
        let neighbours: Vec<(i64, Vec<u8>)> = sqlx::query_as(
            "SELECT number, rank FROM stories WHERE team_id = ? AND id <> ?
             AND status NOT IN ('done', 'accepted', 'archived') ORDER BY rank LIMIT 2 OFFSET ?",
        )
        .bind(story.team_id)
        .bind(story.id)
        .bind(offset)
        .fetch_all(&mut *tx)
        .await?;
        let (above, below) = if position == 1 {
            (None, neighbours.first())
        } else {
            (neighbours.first(), neighbours.get(1))
        };
        let current: Vec<u8> = sqlx::query_scalar("SELECT rank FROM stories WHERE id = ?")
            .bind(story.id)
            .fetch_one(&mut *tx)
            .await?;
        // Keys compare as SQLite orders BLOBs, byte by byte.
        let below_above = above.is_none_or(|(_, low)| *low < current);
        let above_below = below.is_none_or(|(_, high)| current < *high);
        if below_above && above_below {
            return Ok(Placed::Already(position));
        }
        let no_room = Placed::NoRoom {
            above: above.map(|(n, _)| *n),
            below: below.map(|(n, _)| *n),
        };
        let (low, high) = match (above, below) {
            (Some((_, low)), Some((_, high))) if low == high => return Ok(no_room),
            // Closed stories keep their keys, so the new key must not meet one of them either
            // (a tie would come back with the story): bound it by the nearest key of any story.
            (Some((_, low)), _) => {
                let high = nearest(&mut tx, story, low, "min", ">").await?;
                (Some(low.clone()), high)
            }
            (None, Some((_, high))) => {
                let low = nearest(&mut tx, story, high, "max", "<").await?;
                (low, Some(high.clone()))
            }
            (None, None) => return Ok(no_room),
        };
        let (low, high) = (low.map(Rank::from_bytes), high.map(Rank::from_bytes));
        let Ok(rank) = Rank::between(low.as_ref(), high.as_ref()) else {
            return Ok(no_room);
        };
        sqlx::query("UPDATE stories SET rank = ? WHERE id = ? AND guild_id = ?")
            .bind(rank.as_bytes())
            .bind(story.id)
            .bind(super::db_id(story.guild_id))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Placed::At(position))
    }
}

/// The key of the team's story (any status, not `story`) nearest to `rank` on one side:
/// `("min", ">")` above it, `("max", "<")` below it.
async fn nearest(
    conn: &mut SqliteConnection,
    story: &Story,
    rank: &[u8],
    pick: &str,
    side: &str,
) -> sqlx::Result<Option<Vec<u8>>> {
    let sql =
        format!("SELECT {pick}(rank) FROM stories WHERE team_id = ? AND id <> ? AND rank {side} ?");
    sqlx::query_scalar(&sql)
        .bind(story.team_id)
        .bind(story.id)
        .bind(rank)
        .fetch_one(conn)
        .await
}
