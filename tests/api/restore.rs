//! Cards posted before a restore: `sprintmate import` gives the guild's rows new ids, so a
//! button on an older card is refused instead of acting on whatever its ids name now. Also: a
//! restored stand-up schedule the bot cannot read stops no other guild's stand-up.

use sprintmate::backup::{Document, Snowflake};
use sprintmate::console::synth::{id_at, Actor};

use crate::chat::*;
use crate::helpers::{spawn_app, TestApp};

fn member() -> Actor {
    Actor::member(200, "bo")
}

/// The member's guild exported at the clock's now, addressed to `guild_id`.
async fn exported_for(app: &TestApp, guild_id: u64) -> Document {
    let now = app.clock.now().timestamp();
    let mut document = app
        .services()
        .store
        .export_guild(member().guild_id, None, now)
        .await
        .unwrap();
    document.guild_id = Snowflake(guild_id);
    document
}

/// Imports a copy of the guild's teams, renamed so they do not clash, into `guild_id`, at the
/// clock's now.
async fn restore_copy_into(app: &TestApp, guild_id: u64) {
    let store = &app.services().store;
    let now = app.clock.now().timestamp();
    let mut document = exported_for(app, guild_id).await;
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

#[tokio::test]
async fn an_import_refuses_rank_keys_no_story_could_be_ranked_between_and_names_them() {
    let app = spawn_app().await;
    for title in ["One", "Two", "Three", "Four"] {
        say(&app, &member(), &format!("/story add title:{title}")).await;
    }
    let store = &app.services().store;
    let now = app.clock.now().timestamp();
    let mut document = exported_for(&app, member().guild_id + 1).await;
    let stories = &mut document.teams[0].stories;
    let first = stories[0].rank.clone();
    stories[1].rank = "00".to_string();
    stories[2].rank = format!("{first}00");
    stories[3].rank = first;
    let stories_before: i64 = sqlx::query_scalar("SELECT count(*) FROM stories")
        .fetch_one(store.pool())
        .await
        .unwrap();

    let error = store.import_document(&document, now).await.unwrap_err();
    let error = error.to_string();
    for needle in [
        "story #2: the rank is 1 bytes long",
        "story #3: the rank ends in a zero byte",
        "story #4: the rank is the same as story #1's",
    ] {
        assert!(error.contains(needle), "{needle:?} missing from: {error}");
    }
    let stories_after: i64 = sqlx::query_scalar("SELECT count(*) FROM stories")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(
        stories_before, stories_after,
        "a refused import writes nothing"
    );

    document.teams[0].stories[1].rank = "0000000000000000".to_string();
    let error = store.import_document(&document, now).await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("story #2: the rank is all zeros"),
        "{error}"
    );
}

#[tokio::test]
async fn a_stand_up_schedule_row_the_bot_cannot_read_stops_no_other_guilds_prompt() {
    use crate::standup::{at, channel_posts, set_up, settle, spawn};
    let app = spawn().await;
    set_up(&app).await;
    let other = member().guild_id + 1;
    restore_copy_into(&app, other).await;
    // What an import could write before it checked the schedule: no weekdays at all.
    let broken =
        sqlx::query("UPDATE standup_schedules SET days = 0 WHERE guild_id = ?").bind(other as i64);
    app.services().store.write_alone(broken).await.unwrap();

    app.clock.set(at(9, 30));
    let report = settle(&app).await;

    assert_eq!(report.standups_opened, 1, "{report:?}");
    assert_eq!(app.fake().requests_to("POST", &channel_posts()).len(), 1);
}
