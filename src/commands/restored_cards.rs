//! Presses on cards posted before the guild's data was restored. `sprintmate import` writes
//! every row with a new id, while the buttons of cards already in the channels keep the ids
//! of the database they came from; after a restore, "team 3" or "vote 12" in a custom id may
//! name another team or vote of the same guild. A press (or a form opened from a card) whose
//! message is older than the guild's last import is therefore refused before anything reads
//! its ids. The message's age comes from its snowflake id, which Discord stamps with the time
//! it was posted; it is compared with this machine's clock at the import, so a card posted
//! within the two clocks' difference of the import may be refused (harmlessly) or let through.

use serenity::all::{Interaction, MessageId};

use super::Services;
use crate::error::{AppError, HandlerResult};

/// Refuses a button press or form whose card was posted before its guild's last import;
/// commands, and forms opened from no card, always pass.
pub async fn refuse_presses_from_before_restore(
    services: &Services,
    interaction: &Interaction,
) -> HandlerResult<()> {
    let Some((guild_id, message)) = card_of(interaction) else {
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

/// The guild and the message (card) a press or form came from.
fn card_of(interaction: &Interaction) -> Option<(u64, MessageId)> {
    let (guild_id, message) = match interaction {
        Interaction::Component(press) => (press.guild_id?, press.message.id),
        Interaction::Modal(form) => (form.guild_id?, form.message.as_ref()?.id),
        _ => return None,
    };
    Some((guild_id.get(), message))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::card_of;
    use crate::console::synth::{id_at, to_interaction, Actor, Synth};

    #[test]
    fn a_press_or_a_form_from_a_card_names_the_card_and_nothing_else_does() {
        let synth = Synth::new();
        let member = Actor::member(200, "bo");
        let card = id_at(1_772_442_000);
        let press = synth.button_press(&member, "sa:1:1", card, &json!({ "content": "#1" }));
        let found = card_of(&to_interaction(&press).unwrap());
        assert_eq!(found, Some((member.guild_id, card.into())));

        let mut form = synth.modal_submit(&member, "fe:1:1", &[("title", "New title")]);
        assert_eq!(card_of(&to_interaction(&form).unwrap()), None);
        form["message"] = press["message"].clone();
        let found = card_of(&to_interaction(&form).unwrap());
        assert_eq!(found, Some((member.guild_id, card.into())));

        let command = synth.command(&member, "/backlog").unwrap();
        assert_eq!(card_of(&to_interaction(&command).unwrap()), None);
    }
}
