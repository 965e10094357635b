//! When a guild's data was last restored by `sprintmate import` (migration 0014). An import
//! gives every row it writes a new id, and cards already in Discord still carry the old ones in
//! their buttons, which may now name another team, vote or round of the same guild. The time
//! lets a press on such a card be refused (`commands/restored_cards.rs`) instead of acting on
//! whatever the id names now.

use rusqlite::OptionalExtension as _;
use sqlx::SqliteConnection;

use super::{db_id, Store};

impl Store {
    /// The unix time of the guild's last import, if it ever had one.
    pub async fn guild_restored_at(&self, guild_id: u64) -> sqlx::Result<Option<i64>> {
        self.quick_read(|connection| {
            connection
                .prepare_cached("SELECT restored_at FROM guild_restores WHERE guild_id = ?")?
                .query_row([db_id(guild_id)], |row| row.get(0))
                .optional()
        })
    }
}

/// Notes, inside the import's transaction, that the guild's data was restored at `now`.
pub(super) async fn note_restore(
    conn: &mut SqliteConnection,
    guild_id: u64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO guild_restores (guild_id, restored_at) VALUES (?1, ?2)
         ON CONFLICT (guild_id) DO UPDATE SET restored_at = max(restored_at, excluded.restored_at)",
    )
    .bind(db_id(guild_id))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
