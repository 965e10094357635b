//! The story commands end to end: add (options, form, message menu), show, edit (options,
//! pre-filled form), move, assign, accept/reject, criteria, dependencies, rank, archive/restore.

use serde_json::{json, Value};
use sprintmate::console::synth::{Actor, Synth, TargetMessage};

use crate::chat::*;
use crate::helpers::spawn_app;

fn admin() -> Actor {
    Actor::admin(100, "ada")
}

fn member() -> Actor {
    Actor::member(200, "bo")
}

#[tokio::test]
async fn a_story_added_with_options_gets_number_1_and_a_public_card() {
    let app = spawn_app().await;
    let reply = say(
        &app,
        &member(),
        r#"/story add title:"Guest checkout" points:3 labels:UI,checkout type:bug"#,
    )
    .await;
    assert_public(&reply);
    let shown = text(&reply);
    assert!(shown.contains("#1 · Guest checkout"), "{shown}");
    assert!(
        shown.contains("3 points") && shown.contains("`ui`") && shown.contains("`checkout`"),
        "{shown}"
    );
    assert!(
        shown.contains("Type: bug") && shown.contains("Status: new"),
        "{shown}"
    );
    let second = say(&app, &member(), r#"/story add title:"Second""#).await;
    assert!(text(&second).contains("#2 · Second"));
}

#[tokio::test]
async fn story_add_without_a_title_opens_the_form_and_the_form_adds_the_story() {
    let app = spawn_app().await;
    let modal = say(&app, &member(), "/story add").await;
    assert_eq!(modal["type"], 9);
    let reply = submit(
        &app,
        &member(),
        &modal,
        &[
            ("title", "Pay by card"),
            (
                "details",
                "As a guest, I want to pay by card, so that I can check out.",
            ),
            ("criteria", "- card accepted\n- receipt shown"),
            ("labels", "payments"),
        ],
    )
    .await;
    assert_public(&reply);
    let shown = text(&reply);
    assert!(shown.contains("#1 · Pay by card"), "{shown}");
    assert!(
        shown.contains("⬜ 1. card accepted") && shown.contains("⬜ 2. receipt shown"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_new_storys_card_is_the_card_that_show_reads_back() {
    let app = spawn_app().await;
    for title in ["First", "Second", "Third"] {
        say(&app, &member(), &format!("/story add title:{title}")).await;
    }
    for status in ["in_progress", "done"] {
        let moved = say(
            &app,
            &member(),
            &format!("/story move story:#2 status:{status}"),
        )
        .await;
        assert!(text(&moved).contains("moved #2"), "{}", text(&moved));
    }
    let modal = say(&app, &member(), "/story add").await;
    let added = submit(
        &app,
        &member(),
        &modal,
        &[
            ("title", r#"Pay "by" card \ 💳"#),
            ("details", "Line one\nLine two"),
            ("criteria", "- card accepted\n- receipt shown"),
            ("labels", "payments,ui"),
        ],
    )
    .await;
    let shown = say(&app, &member(), "/story show story:#4").await;
    assert!(
        text(&added).contains("Rank: 3 in the backlog"),
        "{}",
        text(&added)
    );
    assert_eq!(added["data"]["embeds"], shown["data"]["embeds"]);
    assert_eq!(added["data"]["components"], shown["data"]["components"]);
}

#[tokio::test]
async fn add_to_backlog_turns_a_message_into_a_story_that_links_back() {
    let app = spawn_app().await;
    let (modal, target) = add_to_backlog(
        &app,
        &member(),
        "Search is slow\nIt takes 5 seconds on mobile.",
    )
    .await;
    assert_eq!(modal["type"], 9);
    let title = &modal["data"]["components"][0]["components"][0]["value"];
    assert_eq!(title, "Search is slow");
    let reply = submit(&app, &member(), &modal, &[]).await;
    let shown = text(&reply);
    assert!(shown.contains("#1 · Search is slow"), "{shown}");
    assert!(
        shown.contains(&format!("/{}", target.id)),
        "links to the message: {shown}"
    );
}

/// **Add to backlog** on a message with no text, carrying `embeds` and `attachments`, as a
/// webhook or a bot posts it; gives back the title and details the form opens with.
async fn add_to_backlog_without_text(
    app: &crate::helpers::TestApp,
    embeds: Value,
    attachments: Value,
) -> (String, String) {
    let target = TargetMessage::new(900, "ci", "");
    let mut interaction = Synth::new()
        .message_command(&member(), "Add to backlog", &target)
        .expect("message command");
    let message = &mut interaction["data"]["resolved"]["messages"][target.id.to_string()];
    message["embeds"] = embeds;
    message["attachments"] = attachments;
    let modal = app.interact(&interaction).await;
    assert_eq!(modal["type"], 9, "{modal}");
    let value = |row: usize| {
        modal["data"]["components"][row]["components"][0]["value"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    (value(0), value(1))
}

#[tokio::test]
async fn add_to_backlog_on_a_message_without_text_fills_the_form_from_its_embed_or_files() {
    let app = spawn_app().await;
    let long = "Build failed on main ".repeat(15);
    let embeds = json!([
        { "type": "rich", "url": "https://ci.example/1" },
        {
            "type": "rich",
            "title": long,
            "description": "Job `test` failed after 3 minutes.",
        },
    ]);
    let (title, details) = add_to_backlog_without_text(&app, embeds, json!([])).await;
    assert_eq!(title.chars().count(), 200, "{title}");
    assert!(title.starts_with("Build failed on main") && title.ends_with('…'));
    assert!(
        details.ends_with("\nJob `test` failed after 3 minutes."),
        "{details}"
    );

    let files = json!([
        {
            "id": "1", "filename": "crash.log", "size": 10,
            "url": "https://cdn.example/crash.log", "proxy_url": "https://cdn.example/crash.log",
        },
        {
            "id": "2", "filename": "screen.png", "size": 10,
            "url": "https://cdn.example/screen.png", "proxy_url": "https://cdn.example/screen.png",
        },
    ]);
    let (title, details) = add_to_backlog_without_text(&app, json!([]), files).await;
    assert_eq!(title, "crash.log");
    assert_eq!(details, "crash.log\nscreen.png");
}

#[tokio::test]
async fn show_is_private_and_lists_every_field() {
    let app = spawn_app().await;
    say(
        &app,
        &member(),
        r#"/story add title:"Guest checkout" details:"As a guest..." assignee:<@300>"#,
    )
    .await;
    let reply = say(&app, &member(), "/story show story:#1").await;
    assert!(is_ephemeral(&reply));
    let shown = text(&reply);
    for needle in [
        "Guest checkout",
        "As a guest",
        "<@300>",
        "Rank: 1 in the backlog",
        "by <@200>",
        "<t:",
    ] {
        assert!(shown.contains(needle), "missing {needle} in {shown}");
    }
    let labels: Vec<String> = buttons(&reply).into_iter().map(|(_, l, _)| l).collect();
    assert!(labels.contains(&"Start".to_string()) && labels.contains(&"Done".to_string()));
}

#[tokio::test]
async fn edit_with_options_changes_only_those_fields() {
    let app = spawn_app().await;
    say(
        &app,
        &member(),
        r#"/story add title:"Old" points:2 labels:a"#,
    )
    .await;
    let reply = say(
        &app,
        &member(),
        r#"/story edit story:1 title:"New" points:5"#,
    )
    .await;
    assert_public(&reply);
    let shown = text(&reply);
    assert!(
        shown.contains("#1 · New") && shown.contains("5 points") && shown.contains("`a`"),
        "{shown}"
    );
}

#[tokio::test]
async fn edit_with_only_the_story_opens_a_prefilled_form() {
    let app = spawn_app().await;
    say(
        &app,
        &member(),
        r#"/story add title:"Old title" points:8 labels:x,y"#,
    )
    .await;
    let modal = say(&app, &member(), "/story edit story:#1").await;
    assert_eq!(modal["type"], 9);
    let values: Vec<&str> = modal["data"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["components"][0]["value"].as_str().unwrap_or(""))
        .collect();
    assert!(
        values.contains(&"Old title") && values.contains(&"8") && values.contains(&"x, y"),
        "{values:?}"
    );
    let reply = submit(
        &app,
        &member(),
        &modal,
        &[("title", "Better title"), ("points", "")],
    )
    .await;
    let shown = text(&reply);
    assert!(
        shown.contains("Better title") && shown.contains("not estimated"),
        "{shown}"
    );
    // The form sent back as it was opened changes nothing, blank points included.
    let modal = say(&app, &member(), "/story edit story:#1").await;
    assert_refused(
        &submit(&app, &member(), &modal, &[]).await,
        "Story #1 already has those values; nothing was changed.",
    );
}

#[tokio::test]
async fn moving_follows_the_flow_and_records_each_change() {
    let app = spawn_app().await;
    say(&app, &member(), r#"/story add title:"Flow""#).await;
    assert_refused(
        &say(&app, &member(), "/story move story:1 status:done").await,
        "Story #1 cannot move to done: it is new and work on it has not started. \
         Move it to in_progress first.",
    );
    let started = say(&app, &member(), "/story move story:1 status:in_progress").await;
    assert_public(&started);
    assert!(text(&started).contains("Status: in progress"));
    let done = say(&app, &member(), "/story move story:1 status:done").await;
    assert!(text(&done).contains("Status: done"));
    let changes: i64 = sqlx::query_scalar("SELECT count(*) FROM story_status_changes")
        .fetch_one(app.services().store.pool())
        .await
        .unwrap();
    assert_eq!(changes, 3, "created + two moves");
}

#[tokio::test]
async fn the_card_buttons_start_finish_and_accept_a_story() {
    let app = spawn_app().await;
    let card = say(&app, &member(), r#"/story add title:"Buttons""#).await;
    let started = press(&app, &member(), &card, "Start").await;
    assert_eq!(started["type"], 7, "the card is updated in place");
    assert!(text(&started).contains("Status: in progress"));
    let done = press(&app, &member(), &started, "Done").await;
    assert!(text(&done).contains("Status: done"));
    assert_refused(
        &press(&app, &member(), &done, "Accept (PO)").await,
        "Product Owner",
    );
    let accepted = press(&app, &admin(), &done, "Accept (PO)").await;
    assert!(
        text(&accepted).contains("Status: accepted"),
        "{}",
        text(&accepted)
    );
}

#[tokio::test]
async fn assign_defaults_to_the_caller_and_unassign_clears() {
    let app = spawn_app().await;
    say(&app, &member(), r#"/story add title:"Mine""#).await;
    let assigned = say(&app, &member(), "/story assign story:1").await;
    assert!(text(&assigned).contains("Assignee: <@200>"));
    let other = say(&app, &member(), "/story assign story:1 user:<@300>").await;
    assert!(text(&other).contains("Assignee: <@300>"));
    let cleared = say(&app, &member(), "/story unassign story:1").await;
    assert!(text(&cleared).contains("Assignee: nobody"));
}

#[tokio::test]
async fn archive_and_restore_need_the_product_owner_and_round_trip() {
    let app = spawn_app().await;
    say(&app, &member(), r#"/story add title:"Old idea""#).await;
    say(&app, &member(), "/story move story:1 status:ready").await;
    assert_refused(
        &say(&app, &member(), "/story archive story:1").await,
        "Product Owner",
    );
    let archived = say(&app, &admin(), "/story archive story:1").await;
    assert_public(&archived);
    assert!(text(&say(&app, &member(), "/backlog").await).contains("No stories here yet"));
    let filtered = text(&say(&app, &member(), "/backlog assignee:<@42>").await);
    assert!(
        filtered.contains("No open story matches") && !filtered.contains("No stories here yet"),
        "{filtered}"
    );
    let restored = say(&app, &admin(), "/story restore story:1").await;
    assert!(
        text(&restored).contains("restored #1 as **ready**"),
        "{}",
        text(&restored)
    );
}

#[tokio::test]
async fn a_product_owner_role_from_team_settings_grants_po_actions() {
    let app = spawn_app().await;
    say(&app, &member(), r#"/story add title:"Story""#).await;
    say(&app, &admin(), "/team settings po_role:<@&777>").await;
    let po = Actor::member(201, "po").with_roles([777]);
    assert_public(&say(&app, &po, "/story archive story:1").await);
}

#[tokio::test]
async fn accept_and_reject_follow_the_review_flow_and_show_the_reason() {
    let app = spawn_app().await;
    say(&app, &member(), r#"/story add title:"Review me""#).await;
    say(&app, &member(), "/story move story:1 status:in_progress").await;
    assert_refused(
        &say(&app, &admin(), "/story accept story:1").await,
        "only done stories",
    );
    say(&app, &member(), "/story move story:1 status:review").await;
    assert_refused(
        &say(&app, &member(), r#"/story reject story:1 reason:"no""#).await,
        "Product Owner",
    );
    let rejected = say(
        &app,
        &admin(),
        r#"/story reject story:1 reason:"Receipt is missing""#,
    )
    .await;
    let shown = text(&rejected);
    assert!(
        shown.contains("Status: in progress") && shown.contains("Receipt is missing"),
        "{shown}"
    );
    say(&app, &member(), "/story move story:1 status:done").await;
    let accepted = say(&app, &admin(), "/story accept story:1").await;
    assert!(text(&accepted).contains("Status: accepted"));
}

#[tokio::test]
async fn criteria_are_added_and_ticked_on_the_card() {
    let app = spawn_app().await;
    say(&app, &member(), r#"/story add title:"Checklist""#).await;
    say(
        &app,
        &member(),
        r#"/story criteria add story:1 text:"pays by card""#,
    )
    .await;
    let checked = say(&app, &member(), "/story criteria check story:1 number:1").await;
    assert!(
        text(&checked).contains("✅ 1. pays by card"),
        "{}",
        text(&checked)
    );
    let unchecked = say(&app, &member(), "/story criteria uncheck story:1 number:1").await;
    assert!(text(&unchecked).contains("⬜ 1. pays by card"));
    assert_refused(
        &say(&app, &member(), "/story criteria check story:1 number:9").await,
        "no criterion 9",
    );
}

#[tokio::test]
async fn dependencies_refuse_self_and_cycles_and_warn_about_misranking() {
    let app = spawn_app().await;
    for title in ["One", "Two", "Three"] {
        say(&app, &member(), &format!("/story add title:{title}")).await;
    }
    assert_refused(
        &say(&app, &member(), "/story depend story:1 on:1").await,
        "itself",
    );
    let recorded = say(&app, &member(), "/story depend story:1 on:3").await;
    let shown = text(&recorded);
    assert!(
        shown.contains("Blocked by") && shown.contains("#3 Three (new)"),
        "{shown}"
    );
    assert!(
        shown.contains("Ranked above a story it depends on"),
        "{shown}"
    );
    say(&app, &member(), "/story depend story:3 on:2").await;
    assert_refused(
        &say(&app, &member(), "/story depend story:2 on:1").await,
        "#2 -> #1 -> #3 -> #2",
    );
    let backlog = text(&say(&app, &member(), "/backlog").await);
    assert!(
        backlog.contains("**#1** · new · ? pts · One ⚠️"),
        "{backlog}"
    );
    say(&app, &member(), "/story undepend story:1 on:3").await;
    assert!(!text(&say(&app, &member(), "/backlog").await).contains("#1** · new · ? pts · One ⚠️"));
}

#[tokio::test]
async fn rank_moves_one_story_and_keeps_the_others_in_order() {
    let app = spawn_app().await;
    for title in ["A", "B", "C", "D"] {
        say(&app, &member(), &format!("/story add title:{title}")).await;
    }
    assert_refused(
        &say(&app, &member(), "/story rank story:4 position:1").await,
        "Product Owner",
    );
    say(&app, &admin(), "/story rank story:4 position:1").await;
    say(&app, &admin(), "/story rank story:1 position:3").await;
    let backlog = say(&app, &member(), "/backlog").await;
    assert_eq!(
        backlog_numbers(&backlog),
        [4, 2, 1, 3],
        "{}",
        text(&backlog)
    );
}

#[tokio::test]
async fn two_opposite_depends_at_once_never_make_a_cycle() {
    let app = spawn_app().await;
    for round in 0..5 {
        let (a, b) = (2 * round + 1, 2 * round + 2);
        for title in ["One", "Two"] {
            say(&app, &member(), &format!("/story add title:{title}")).await;
        }
        let (one, other) = (
            format!("/story depend story:{a} on:{b}"),
            format!("/story depend story:{b} on:{a}"),
        );
        let (member, admin) = (member(), admin());
        let (first, second) = tokio::join!(say(&app, &member, &one), say(&app, &admin, &other));
        let refused = [&first, &second]
            .iter()
            .filter(|r| is_ephemeral(r) && text(r).contains("cycle"))
            .count();
        assert_eq!(refused, 1, "{}\n{}", text(&first), text(&second));
    }
    let links: i64 = sqlx::query_scalar("SELECT count(*) FROM story_dependencies")
        .fetch_one(app.services().store.pool())
        .await
        .unwrap();
    assert_eq!(links, 5);
}

/// The edit form of story #1 with 8 points, opened before someone else changes the story.
async fn open_edit_form_of_an_estimated_story(app: &crate::helpers::TestApp) -> serde_json::Value {
    say(app, &member(), r#"/story add title:"Old title" points:8"#).await;
    let modal = say(app, &member(), "/story edit story:#1").await;
    assert_eq!(modal["type"], 9);
    modal
}

/// Submits the form as if only the title had been changed in it, and expects a refusal that
/// leaves the story as `shown`.
async fn submit_is_refused_as_stale(app: &crate::helpers::TestApp, modal: &serde_json::Value) {
    let reply = submit(app, &admin(), modal, &[("title", "Mine")]).await;
    assert_refused(
        &reply,
        "Story #1 changed since you opened the form; nothing was saved. Open it again with /story edit story:1.",
    );
}

#[tokio::test]
async fn an_edit_form_opened_before_another_edit_is_refused_and_saves_nothing() {
    let app = spawn_app().await;
    let modal = open_edit_form_of_an_estimated_story(&app).await;
    say(&app, &member(), "/story edit story:1 points:5").await;
    submit_is_refused_as_stale(&app, &modal).await;
    let shown = text(&say(&app, &member(), "/story show story:1").await);
    assert!(
        shown.contains("Old title") && shown.contains("5 points"),
        "{shown}"
    );
    // Opened again, the form carries the new points and saves.
    let modal = say(&app, &member(), "/story edit story:1").await;
    let saved = submit(&app, &member(), &modal, &[("title", "Mine")]).await;
    assert!(text(&saved).contains("Mine") && text(&saved).contains("5 points"));
}

#[tokio::test]
async fn an_edit_form_opened_before_poker_accepts_points_is_refused() {
    let app = spawn_app().await;
    let modal = open_edit_form_of_an_estimated_story(&app).await;
    let card = say(&app, &member(), "/estimate story:1").await;
    let card = press(&app, &member(), &card, "5").await;
    let card = press(&app, &member(), &card, "Reveal").await;
    let card = press(&app, &member(), &card, "Accept 5").await;
    assert!(text(&card).contains("accepted **5**"), "{}", text(&card));
    submit_is_refused_as_stale(&app, &modal).await;
    let shown = text(&say(&app, &member(), "/story show story:1").await);
    assert!(
        shown.contains("Old title") && shown.contains("5 points"),
        "{shown}"
    );
}

#[tokio::test]
async fn story_add_without_a_title_keeps_its_type_points_and_assignee_through_the_form() {
    let app = spawn_app().await;
    let modal = say(
        &app,
        &member(),
        "/story add type:bug points:3 assignee:<@300>",
    )
    .await;
    assert_eq!(modal["type"], 9, "{modal}");
    assert!(modal["data"]["custom_id"].as_str().unwrap().len() <= 100);
    let reply = submit(&app, &member(), &modal, &[("title", "Crash on pay")]).await;
    assert_public(&reply);
    let shown = text(&reply);
    for needle in [
        "#1 · Crash on pay",
        "Type: bug",
        "Points: 3 points",
        "Assignee: <@300>",
    ] {
        assert!(shown.contains(needle), "missing {needle} in {shown}");
    }
    assert_refused(
        &say_unchecked(&app, &member(), "/story add points:101").await,
        "between 0 and 100",
    );
}

#[tokio::test]
async fn a_change_pressed_on_the_private_show_card_is_announced_publicly() {
    let app = spawn_app().await;
    say(&app, &member(), r#"/story add title:"Seen by all""#).await;
    let private = say(&app, &member(), "/story show story:1").await;
    assert!(is_ephemeral(&private));
    let started = press(&app, &member(), &private, "Start").await;
    assert_public(&started);
    assert!(
        text(&started).contains("moved #1 to **in progress**"),
        "{}",
        text(&started)
    );
    say(&app, &member(), "/story move story:1 status:done").await;
    let private = say(&app, &member(), "/story show story:1").await;
    let accepted = press(&app, &admin(), &private, "Accept (PO)").await;
    assert_public(&accepted);
    assert!(text(&accepted).contains("Status: accepted"));
    // A refusal stays private.
    let private = say(&app, &member(), "/story show story:1").await;
    let mut forged = private.clone();
    forged["data"]["components"][0]["components"][0]["disabled"] = false.into();
    assert_refused(
        &press(&app, &member(), &forged, "Start").await,
        "cannot move",
    );
}

#[tokio::test]
async fn all_twenty_long_criteria_reach_the_card() {
    let app = spawn_app().await;
    let criteria: Vec<String> = (1..=20)
        .map(|i| format!("criterion {i:02} {}", "x".repeat(87)))
        .collect();
    assert!(criteria.iter().all(|c| c.chars().count() == 100));
    let modal = say(&app, &member(), "/story add").await;
    let added = submit(
        &app,
        &member(),
        &modal,
        &[("title", "Checklist"), ("criteria", &criteria.join("\n"))],
    )
    .await;
    assert_public(&added);
    let shown = say(&app, &member(), "/story show story:1").await;
    let text = text(&shown);
    for (i, criterion) in criteria.iter().enumerate() {
        let line = format!("⬜ {}. {criterion}", i + 1);
        assert!(text.contains(&line), "missing {line:?} in {text}");
    }
    for field in shown["data"]["embeds"][0]["fields"].as_array().unwrap() {
        let value = field["value"].as_str().unwrap();
        assert!(
            value.chars().count() <= 1024 && !value.ends_with('…'),
            "{value}"
        );
    }
}
