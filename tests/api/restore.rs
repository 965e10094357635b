//! Cards posted before a restore: `sprintmate import` gives the guild's rows new ids, so a
//! button on an older card is refused instead of acting on whatever its ids name now.

use sprintmate::backup::Snowflake;
use sprintmate::console::synth::{id_at, Actor};

use crate::chat::*;
use crate::helpers::{spawn_app, TestApp};

fn member() -> Actor {
    Actor::member(200, "bo")
}

/// Imports a copy of the guild's teams, renamed so they do not clash, into `guild_id`, at the
/// clock's now.
async fn restore_copy_into(app: &TestApp, guild_id: u64) {
    let store = &app.services().store;
    let now = app.clock.now().timestamp();
    let mut document = store
        .export_guild(member().guild_id, None, now)
        .await
        .unwrap();
    document.guild_id = Snowflake(guild_id);
    for team in &mut document.teams {
        team.name = format!("Restored {}", team.name);
        team.is_default = false;
        team.channels.clear();
    }
    store.import_document(&document, now).await.unwrap();
}

/// Presses the card's **Start** as if the card had been posted at `posted_at`.
async fn press_start(app: &TestApp, card: &serde_json::Value, posted_at: i64) -> serde_json::Value {
    press_on_message(app, &member(), card, "Start", id_at(posted_at)).await
}

#[tokio::test]
async fn a_card_posted_before_the_guilds_restore_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let card = say(&app, &member(), r#"/story add title:"Before the restore""#).await;
    let restored_at = app.clock.now().timestamp();
    restore_copy_into(&app, member().guild_id).await;

    let refused = press_start(&app, &card, restored_at - 60).await;
    assert_refused(&refused, "restored from a backup");
    let shown = say(&app, &member(), "/story show story:1").await;
    assert!(text(&shown).contains("Status: new"), "{}", text(&shown));

    let started = press_start(&app, &card, restored_at + 1).await;
    assert_eq!(started["type"], 7, "{started}");
    assert!(text(&started).contains("Status: in progress"));
}

#[tokio::test]
async fn another_guilds_restore_leaves_this_guilds_cards_working() {
    let app = spawn_app().await;
    let card = say(&app, &member(), r#"/story add title:"Here""#).await;
    let restored_at = app.clock.now().timestamp();
    restore_copy_into(&app, member().guild_id + 1).await;

    let started = press_start(&app, &card, restored_at - 60).await;
    assert_eq!(started["type"], 7, "{started}");
    assert!(text(&started).contains("Status: in progress"));
}
