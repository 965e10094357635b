//! Teams, channels and guilds: default teams named after the guild, linked channels and
//! threads, rosters and settings, the vision, `/help`, and isolation between guilds.

use sprintmate::console::synth::Actor;

use crate::chat::*;
use crate::helpers::spawn_app;

fn admin() -> Actor {
    Actor::admin(100, "ada")
}

#[tokio::test]
async fn the_first_command_creates_a_default_team_named_after_the_guild() {
    let app = spawn_app().await;
    app.fake().set_guild_name(1, "Acme Robots");
    let reply = say(&app, &admin(), "/team show").await;
    assert!(is_ephemeral(&reply));
    assert!(
        text(&reply).contains("Team Acme Robots"),
        "{}",
        text(&reply)
    );
}

#[tokio::test]
async fn a_linked_channel_and_its_threads_use_their_own_team_and_numbering() {
    let app = spawn_app().await;
    assert_public(&say(&app, &admin(), "/team create name:Core").await);
    assert_refused(
        &say(&app, &admin(), "/team create name:core").await,
        "already exists",
    );
    assert_public(&say(&app, &admin(), "/team link channel:<#20> team:Core").await);
    assert_refused(
        &say(&app, &admin(), "/team link channel:<#20> team:core").await,
        "<#20> is already linked to team Core; nothing was changed.",
    );
    say(&app, &admin(), r#"/story add title:"Default team story""#).await;
    let in_core = admin().in_channel(20);
    let core_story = say(&app, &in_core, r#"/story add title:"Core story""#).await;
    assert!(
        text(&core_story).contains("#1 · Core story") && text(&core_story).contains("Team Core")
    );
    let in_thread = admin().in_thread(21, 20);
    let shown = say(&app, &in_thread, "/story show story:1").await;
    assert!(
        text(&shown).contains("Core story"),
        "threads resolve through their parent"
    );
    assert_refused(
        &say(&app, &in_core, "/story show story:2").await,
        "does not exist in team Core",
    );
}

#[tokio::test]
async fn team_link_suggests_team_names() {
    let app = spawn_app().await;
    say(&app, &admin(), "/team create name:Core").await;
    say(&app, &admin(), "/team create name:Payments").await;
    let choices = complete(&app, &admin(), "/team link channel:<#20> team:pay").await;
    assert_eq!(choices, [("Payments".to_string(), "Payments".to_string())]);
}

#[tokio::test]
async fn rosters_and_settings_are_admin_only_and_shown_by_team_show() {
    let app = spawn_app().await;
    let member = Actor::member(200, "bo");
    assert_refused(
        &say(&app, &member, "/team add user:<@300>").await,
        "Only admins",
    );
    assert_refused(
        &say(&app, &member, "/team create name:X").await,
        "Only admins",
    );
    assert_public(&say(&app, &admin(), "/team add user:<@300>").await);
    assert_refused(
        &say(&app, &admin(), "/team add user:<@300>").await,
        "already in team",
    );
    let settings = say(
        &app,
        &admin(),
        "/team settings timezone:Europe/Berlin stakeholder_channel:<#30> po_role:<@&77>",
    )
    .await;
    assert_public(&settings);
    let shown = text(&say(&app, &member, "/team show").await);
    for needle in ["Europe/Berlin", "<#30>", "<@&77>", "<@300>"] {
        assert!(shown.contains(needle), "missing {needle}: {shown}");
    }
    assert_public(&say(&app, &admin(), "/team remove user:<@300>").await);
    assert_refused(
        &say(&app, &admin(), "/team remove user:<@300>").await,
        "is not in team",
    );
    assert_refused(
        &say(&app, &admin(), "/team settings timezone:Mars/Base").await,
        "not a time zone",
    );
    assert_refused(
        &say(&app, &admin(), "/team settings").await,
        "at least one setting",
    );
}

#[tokio::test]
async fn the_vision_is_set_by_the_product_owner_and_shown_to_all() {
    let app = spawn_app().await;
    let member = Actor::member(200, "bo");
    assert_refused(&say(&app, &member, "/vision show").await, "no vision yet");
    assert_refused(
        &say(&app, &member, r#"/vision set text:"Mine""#).await,
        "Product Owner",
    );
    assert_public(
        &say(
            &app,
            &admin(),
            r#"/vision set text:"Fast checkout for everyone""#,
        )
        .await,
    );
    let shown = say(&app, &member, "/vision show").await;
    assert!(is_ephemeral(&shown) && text(&shown).contains("Fast checkout for everyone"));
    assert_refused(
        &say(
            &app,
            &admin(),
            r#"/vision set text:"Fast checkout for everyone""#,
        )
        .await,
        "already reads exactly like that; nothing was changed",
    );
    let too_long = format!("/vision set text:\"{}\"", "v".repeat(1001));
    assert_refused(
        &say_unchecked(&app, &admin(), &too_long).await,
        "limit is 1000",
    );
}

#[tokio::test]
async fn help_lists_every_command_privately() {
    let app = spawn_app().await;
    let reply = say(&app, &Actor::member(200, "bo"), "/help").await;
    assert!(is_ephemeral(&reply));
    let shown = text(&reply);
    for needle in [
        "/story add",
        "/story criteria check",
        "/backlog",
        "/team link",
        "/vision set",
        "Add to backlog",
    ] {
        assert!(shown.contains(needle), "missing {needle}: {shown}");
    }
}

#[tokio::test]
async fn another_guild_can_neither_see_change_nor_find_a_story() {
    let app = spawn_app().await;
    let in_a = admin();
    let in_b = Actor::admin(100, "ada").in_guild(2);
    say(&app, &in_a, r#"/story add title:"Secret plan""#).await;
    assert_refused(
        &say(&app, &in_b, "/story show story:1").await,
        "does not exist",
    );
    assert_refused(
        &say(&app, &in_b, r#"/story edit story:1 title:"Hacked""#).await,
        "does not exist",
    );
    assert_refused(
        &say(&app, &in_b, "/story archive story:1").await,
        "does not exist",
    );
    assert!(complete(&app, &in_b, "/story show story:secret")
        .await
        .is_empty());
    assert!(complete(&app, &in_b, "/story show story:1")
        .await
        .is_empty());
    let still = say(&app, &in_a, "/story show story:1").await;
    assert!(text(&still).contains("Secret plan"));
    // A custom id naming guild A's team, pressed in guild B, is refused too.
    let list = say(&app, &in_a, "/backlog").await;
    let card = say(&app, &in_a, "/story show story:1").await;
    assert_refused(
        &press(&app, &in_b, &card, "Start").await,
        "That card belongs to a team this server does not have.",
    );
    // A page turn of guild A's backlog (one page: no buttons shown, so the id is written out).
    let (start, _, _) = buttons(&card).into_iter().next().expect("card buttons");
    let team_a = start
        .split(':')
        .nth(1)
        .expect("a team id in the story move id");
    let next = format!("bl:{team_a}:1::::");
    let turned = press_id(&app, &in_b, &list, &next).await;
    assert_refused(
        &turned,
        "That backlog belongs to a team this server does not have. Run the command again here for a fresh one.",
    );
    assert!(!text(&turned).contains("Secret plan"), "{turned}");
}

/// The channel types Discord may offer for `option` of the `/command sub` definition.
fn offered_channel_types(command: &str, sub: &str, option: &str) -> Vec<u64> {
    let all = sprintmate::commands::registry::commands_json();
    let command = all
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == command)
        .unwrap_or_else(|| panic!("no /{command}"));
    let sub = command["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == sub)
        .unwrap_or_else(|| panic!("no /{command} {sub}"));
    let option = sub["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == option)
        .unwrap_or_else(|| panic!("no option {option}"));
    let mut types: Vec<u64> = option["channel_types"]
        .as_array()
        .expect("channel_types")
        .iter()
        .map(|t| t.as_u64().unwrap())
        .collect();
    types.sort();
    types
}

#[test]
fn only_channels_the_bot_can_post_in_are_offered_for_its_posts() {
    // 0 = text, 5 = announcement, 15 = forum: posting a message in a forum needs a thread.
    for (command, sub, option) in [
        ("team", "settings", "stakeholder_channel"),
        ("update", "post", "channel"),
        ("update", "schedule", "channel"),
    ] {
        assert_eq!(
            offered_channel_types(command, sub, option),
            [0, 5],
            "/{command} {sub} {option}"
        );
    }
    // A forum may still be linked to a team: commands in its posts (threads) use that team.
    assert_eq!(offered_channel_types("team", "link", "channel"), [0, 5, 15]);
}

#[tokio::test]
async fn a_team_name_with_markdown_characters_is_shown_as_typed() {
    let app = spawn_app().await;
    let escaped = r"a\*b\_c";
    let in_team = admin().in_channel(20);
    let mut replies = vec![
        say(&app, &admin(), "/team create name:a*b_c").await,
        say(&app, &admin(), "/team create name:a*b_c").await,
        say(&app, &admin(), "/team link channel:<#20> team:a*b_c").await,
    ];
    for title in ["Guest checkout", "Saved carts"] {
        let added = say(&app, &in_team, &format!(r#"/story add title:"{title}""#)).await;
        // The headline; the card's footer is plain text (Discord renders no markdown there).
        let headline = added["data"]["content"].as_str().unwrap_or_default();
        assert!(
            headline.contains(&format!("backlog of {escaped}.")),
            "{headline}"
        );
    }
    for line in [
        "/story show story:99",
        "/standup summary",
        "/standup summary date:2026-01-05",
        "/standup show",
        "/standup setup channel:<#20> time:09:00",
        "/standup show",
    ] {
        replies.push(say(&app, &in_team, line).await);
    }
    for line in [
        "/team add user:<@300>",
        "/team add user:<@300>",
        "/team remove user:<@300>",
        "/team remove user:<@300>",
        "/team settings timezone:Europe/Berlin",
        "/team show",
        "/backlog",
        "/vision show",
        r#"/vision set text:"Fast checkout""#,
        "/vision show",
        "/vote status",
        "/vote start method:score",
        "/vote status",
        "/vote close",
        "/update unschedule",
        "/update post channel:<#50>",
        "/sprint status",
    ] {
        replies.push(say(&app, &in_team, line).await);
    }
    say(
        &app,
        &in_team,
        "/update schedule channel:<#50> day:mon time:09:00",
    )
    .await;
    replies.push(say(&app, &in_team, "/update unschedule").await);
    // The poker card names the team only in its footer, which Discord shows as plain text.
    let poker = say(&app, &in_team, "/estimate story:1").await;
    assert_eq!(
        poker["data"]["embeds"][0]["footer"]["text"],
        "Team a*b_c · planning poker"
    );
    for reply in &replies {
        let shown = text(reply);
        assert!(shown.contains(escaped), "{shown}");
        assert!(!shown.contains("a*b_c"), "{shown}");
    }
}
