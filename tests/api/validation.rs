//! Bad input is refused with a clear, ephemeral message and changes nothing; nothing a user
//! types can ping `@everyone`, `@here` or a role.

use serde_json::Value;
use sprintmate::console::synth::{Actor, Synth};

use crate::chat::*;
use crate::helpers::{spawn_app, TestApp};

fn member() -> Actor {
    Actor::member(200, "bo")
}

/// Row counts of every table a refused command could touch, and the stories' content and
/// last-change time.
async fn snapshot(app: &TestApp) -> Vec<String> {
    let pool = app.services().store.pool();
    let mut out = Vec::new();
    for table in [
        "teams",
        "stories",
        "story_labels",
        "story_criteria",
        "story_status_changes",
        "story_dependencies",
        "team_members",
        "team_channels",
    ] {
        let count: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(pool)
            .await
            .unwrap();
        out.push(format!("{table}: {count}"));
    }
    let stories: Vec<String> = sqlx::query_scalar(
        "SELECT concat_ws(' | ', title, details, quote(points), status, quote(assignee_id), updated_at) FROM stories ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    out.push(format!("{stories:?}"));
    let checked: Vec<bool> =
        sqlx::query_scalar("SELECT checked FROM story_criteria ORDER BY rowid")
            .fetch_all(pool)
            .await
            .unwrap();
    out.push(format!("{checked:?}"));
    out
}

async fn refused_without_change(app: &TestApp, actor: &Actor, line: &str, needle: &str) {
    let before = snapshot(app).await;
    let reply = say_unchecked(app, actor, line).await;
    assert_refused(&reply, needle);
    assert_eq!(before, snapshot(app).await, "{line} changed something");
}

#[tokio::test]
async fn every_bad_story_input_is_refused_clearly_and_changes_nothing() {
    let app = spawn_app().await;
    say(&app, &member(), r#"/story add title:"Existing" points:1"#).await;
    let long_title = format!("/story add title:\"{}\"", "t".repeat(201));
    let long_details = format!("/story add title:ok details:\"{}\"", "d".repeat(2001));
    let long_label = format!("/story add title:ok labels:{}", "l".repeat(33));
    let many_labels = format!(
        "/story add title:ok labels:{}",
        (0..11)
            .map(|i| format!("l{i}"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let cases: Vec<(String, &str)> = vec![
        (
            "/story show story:#99".into(),
            "Story #99 does not exist in team",
        ),
        ("/story show story:abc".into(), "not a story number"),
        (long_title, "limit is 200"),
        (long_details, "limit is 2000"),
        (long_label, "at most 32"),
        (many_labels, "at most 10"),
        (
            "/story add title:ok labels:\"two words\"".into(),
            "characters labels cannot have",
        ),
        ("/story add title:ok points:101".into(), "between 0 and 100"),
        ("/story add title:ok points:-1".into(), "between 0 and 100"),
        ("/story edit story:1 points:500".into(), "between 0 and 100"),
        ("/story add title:\"   \"".into(), "title is empty"),
        (
            "/story move story:1 status:accepted".into(),
            "/story accept",
        ),
        ("/story archive story:1".into(), "Only the Product Owner"),
        (
            "/story rank story:1 position:1".into(),
            "Only the Product Owner",
        ),
        ("/backlog label:\"a,b\"".into(), "one label"),
        ("/story criteria add story:1 text:\"   \"".into(), "empty"),
    ];
    for (line, needle) in cases {
        refused_without_change(&app, &member(), &line, needle).await;
    }
}

#[tokio::test]
async fn an_unknown_status_sent_by_a_modified_client_is_refused() {
    let app = spawn_app().await;
    say(&app, &member(), r#"/story add title:"x""#).await;
    let mut interaction: Value = Synth::new()
        .command(&member(), "/story move story:1 status:ready")
        .unwrap();
    interaction["data"]["options"][0]["options"][1]["value"] = "shipped".into();
    let reply = app.interact(&interaction).await;
    assert_refused(&reply, "not a status");
}

#[tokio::test]
async fn a_form_with_a_bad_field_is_refused_and_saves_nothing() {
    let app = spawn_app().await;
    say(&app, &member(), r#"/story add title:"Keep me" points:2"#).await;
    let modal = say(&app, &member(), "/story edit story:1").await;
    let before = snapshot(&app).await;
    let reply = submit(
        &app,
        &member(),
        &modal,
        &[("title", "New"), ("points", "lots")],
    )
    .await;
    assert_refused(&reply, "whole number");
    let reply = submit(&app, &member(), &modal, &[("title", ""), ("points", "3")]).await;
    assert_refused(&reply, "title is empty");
    let reply = submit(&app, &member(), &modal, &[("type", "epic")]).await;
    assert_refused(&reply, "not a story type");
    assert_eq!(before, snapshot(&app).await);
    let add = say(&app, &member(), "/story add").await;
    let many = (0..21)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join("\n");
    assert_refused(
        &submit(
            &app,
            &member(),
            &add,
            &[("title", "x"), ("criteria", &many)],
        )
        .await,
        "at most 20",
    );
    assert_eq!(before, snapshot(&app).await);
}

#[tokio::test]
async fn mentions_typed_into_a_story_never_ping() {
    let app = spawn_app().await;
    let reply = say(
        &app,
        &member(),
        r#"/story add title:"@everyone @here <@&55> ship it" details:"<@&55> please""#,
    )
    .await;
    assert_public(&reply);
    let mentions = &reply["data"]["allowed_mentions"];
    assert_eq!(mentions["parse"], serde_json::json!([]), "{reply}");
    assert_eq!(mentions["roles"], serde_json::json!([]));
    assert_eq!(mentions["users"], serde_json::json!([]));
    assert!(text(&reply).contains("@everyone"));
    for line in ["/story show story:1", "/backlog public:true", "/help"] {
        let reply = say(&app, &member(), line).await;
        assert_eq!(
            reply["data"]["allowed_mentions"]["parse"],
            serde_json::json!([]),
            "{line}"
        );
    }
}

#[tokio::test]
async fn commands_in_direct_messages_are_refused() {
    let app = spawn_app().await;
    let mut interaction: Value = Synth::new().command(&member(), "/backlog").unwrap();
    let user = interaction["member"]["user"].clone();
    interaction.as_object_mut().unwrap().remove("member");
    interaction.as_object_mut().unwrap().remove("guild_id");
    interaction["user"] = user;
    let reply = app.interact(&interaction).await;
    assert_refused(&reply, "inside a server");
}

#[tokio::test]
async fn every_change_to_an_archived_story_is_refused_up_front_and_changes_nothing() {
    let app = spawn_app().await;
    let po = Actor::admin(100, "ada");
    for title in ["Kept", "Gone"] {
        say(&app, &member(), &format!("/story add title:{title}")).await;
    }
    say(
        &app,
        &member(),
        r#"/story criteria add story:2 text:"works""#,
    )
    .await;
    say(&app, &member(), "/story depend story:2 on:1").await;
    assert_public(&say(&app, &po, "/story archive story:2").await);
    let archived = "Story #2 is archived. Restore it with /story restore story:2, then try again.";
    for line in [
        "/story edit story:2",
        "/story edit story:2 title:New",
        "/story assign story:2",
        "/story assign story:2 user:<@300>",
        "/story unassign story:2",
        r#"/story criteria add story:2 text:"more""#,
        "/story criteria check story:2 number:1",
        "/story criteria uncheck story:2 number:1",
        "/story depend story:2 on:1",
        "/story undepend story:2 on:1",
        "/story depend story:1 on:2",
    ] {
        refused_without_change(&app, &member(), line, archived).await;
    }
    // Restored, the same changes work again.
    say(&app, &po, "/story restore story:2").await;
    assert_public(&say(&app, &member(), "/story assign story:2").await);
    assert_eq!(say(&app, &member(), "/story edit story:2").await["type"], 9);
}

#[tokio::test]
async fn a_change_to_what_is_already_there_is_refused_and_posts_nothing() {
    let app = spawn_app().await;
    say(
        &app,
        &member(),
        r#"/story add title:"Same" details:"As is" type:bug points:3 labels:"ui, api""#,
    )
    .await;
    say(
        &app,
        &member(),
        r#"/story criteria add story:1 text:"works""#,
    )
    .await;
    say(&app, &member(), "/story criteria check story:1 number:1").await;
    say(&app, &member(), "/story assign story:1 user:<@300>").await;
    // The clock stands still in tests, so a later write would not move `updated_at`; advance it.
    app.clock.advance(chrono::Duration::minutes(1));
    let nothing = "nothing was changed";
    for line in [
        "/story assign story:1 user:<@300>",
        "/story criteria check story:1 number:1",
        r#"/story edit story:1 title:"Same" type:bug points:3 labels:"UI,api""#,
        r#"/story edit story:1 details:"As is""#,
    ] {
        refused_without_change(&app, &member(), line, nothing).await;
    }
    say(&app, &member(), "/story unassign story:1").await;
    say(&app, &member(), "/story criteria uncheck story:1 number:1").await;
    app.clock.advance(chrono::Duration::minutes(1));
    for line in [
        "/story unassign story:1",
        "/story criteria uncheck story:1 number:1",
    ] {
        refused_without_change(&app, &member(), line, nothing).await;
    }
    // A real change still goes through: labels in another order are shown in that order.
    assert_public(&say(&app, &member(), r#"/story edit story:1 labels:"api,ui""#).await);
}

#[tokio::test]
async fn ranking_a_story_to_the_place_it_holds_is_refused_and_writes_no_key() {
    let app = spawn_app().await;
    let po = Actor::admin(100, "ada");
    for title in ["One", "Two", "Three"] {
        say(&app, &member(), &format!("/story add title:{title}")).await;
    }
    let keys = || async {
        let keys: Vec<Vec<u8>> = sqlx::query_scalar("SELECT rank FROM stories ORDER BY id")
            .fetch_all(app.services().store.pool())
            .await
            .unwrap();
        keys
    };
    let before = keys().await;
    for (line, place) in [
        ("/story rank story:1 position:1", 1),
        ("/story rank story:2 position:2", 2),
        // Past the end means last, where #3 already is.
        ("/story rank story:3 position:9", 3),
    ] {
        let refused = format!("is already at position {place}; nothing was changed");
        refused_without_change(&app, &po, line, &refused).await;
    }
    assert_eq!(before, keys().await);
    assert_public(&say(&app, &po, "/story rank story:3 position:1").await);
    assert_eq!(
        backlog_numbers(&say(&app, &po, "/backlog").await),
        [3, 1, 2]
    );
}
