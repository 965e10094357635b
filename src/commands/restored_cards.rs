//! Presses on cards posted before the guild's data was restored. `sprintmate import` writes
//! every row with a new id, while the buttons of cards already in the channels keep the ids
//! of the database they came from; after a restore, "team 3" or "vote 12" in a custom id may
//! name another team or vote of the same guild. A press (or a form opened from a card) whose
//! message is older than the guild's last import is therefore refused before anything reads
//! its ids. The message's age comes from its snowflake id, which Discord stamps with the time
//! it was posted.

use serenity::all::MessageId;

use super::Services;
use crate::error::{AppError, HandlerResult};

/// Refuses the interaction if `message` (the card it came from) was posted before the guild's
/// last import; an interaction from no message always passes.
pub async fn refuse_presses_from_before_restore(
    services: &Services,
    guild_id: u64,
    message: Option<MessageId>,
) -> HandlerResult<()> {
    let Some(message) = message else {
        return Ok(());
    };
    let Some(restored_at) = services.store.guild_restored_at(guild_id).await? else {
        return Ok(());
    };
    if message.created_at().unix_timestamp() >= restored_at {
        return Ok(());
    }
    Err(AppError::user(format!(
        "This card was posted before this server's Sprintmate data was restored from a \
         backup (<t:{restored_at}:f>), so its buttons may point at the wrong story, vote or \
         team. Nothing was changed; run the command again for a fresh card."
    )))
}
