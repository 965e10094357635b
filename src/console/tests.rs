//! Scripted console sessions against a temporary database: what a person types, and what the
//! console prints back.

use super::{services, Console};
use crate::config::Settings;

/// Runs `script` (one line per entry) in a fresh console and returns everything it printed.
async fn session(script: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::defaults();
    settings.database_url = format!("sqlite://{}", dir.path().join("console.db").display());
    let services = services(&settings).await.unwrap();
    let input = script.join("\n") + "\n";
    let mut output = Vec::new();
    Console::new(services)
        .with_echo(true)
        .run(input.as_bytes(), &mut output)
        .await
        .unwrap();
    String::from_utf8(output).unwrap()
}

fn assert_shows(output: &str, expected: &str) {
    assert!(
        output.contains(expected),
        "expected to see\n{expected}\n--- in ---\n{output}"
    );
}

#[tokio::test]
async fn a_session_adds_shows_fills_a_form_presses_buttons_and_pages_the_backlog() {
    let mut script = vec![
        r#"/story add title:"Guest checkout" points:3 labels:ui,checkout"#,
        "/story show story:#1",
        "1",
        "/story add",
        "Pay by card",
        "As a guest, I want to pay by card",
        r"pays by card\nshows receipt",
        "",
    ];
    let more: Vec<String> = (3..=12)
        .map(|n| format!("/story add title:Story {n}"))
        .collect();
    script.extend(more.iter().map(String::as_str));
    script.extend(["/backlog", "2", "quit"]);
    let output = session(&script).await;

    assert_shows(
        &output,
        "> /story add title:\"Guest checkout\" points:3 labels:ui,checkout\n\
         <@100> added #1 to the backlog of Console.\n== #1 · Guest checkout ==",
    );
    assert_shows(
        &output,
        "Points: 3 points\nAssignee: nobody\nRank: 1 in the backlog\nLabels: `ui` `checkout`",
    );
    assert_shows(
        &output,
        "-- Team Console\n[1] Start  [2] Done (disabled)  [3] Accept (PO) (disabled)",
    );
    assert_shows(
        &output,
        "> /story show story:#1\n(only you see this)\n== #1 · Guest checkout ==",
    );
    assert_shows(
        &output,
        // Pressed on the private card, the change is announced in a new public card.
        "> 1\n<@100> moved #1 to **in progress**.\n== #1 · Guest checkout ==",
    );
    assert_shows(&output, "Status: in progress");
    assert_shows(
        &output,
        "[1] Start (disabled)  [2] Done  [3] Accept (PO) (disabled)",
    );
    assert_shows(
        &output,
        "> /story add\nForm: New story (empty keeps [the shown value], - clears it, \\n is a new line)\n\
         Title (required): Pay by card\n",
    );
    assert_shows(&output, "<@100> added #2 to the backlog of Console.\n== #2 · Pay by card ==\nAs a guest, I want to pay by card");
    assert_shows(
        &output,
        "Acceptance criteria:\n  ⬜ 1. pays by card\n  ⬜ 2. shows receipt",
    );
    assert_shows(
        &output,
        "> /backlog\n(only you see this)\n== Backlog · Console ==\n**12 stories** · 3 points",
    );
    assert_shows(
        &output,
        "`1.` **#1** · in progress · 3 pts · Guest checkout",
    );
    assert_shows(&output, "-- Page 1 of 2\n[1] Previous (disabled)  [2] Next");
    assert_shows(
        &output,
        "> 2\n(the message now reads)\n(only you see this)\n== Backlog · Console ==",
    );
    assert_shows(&output, "`11.` **#11** · new · ? pts · Story 11");
    assert_shows(&output, "-- Page 2 of 2\n[1] Previous  [2] Next (disabled)");
    assert!(output.ends_with("> quit\nBye.\n"), "{output}");
}

#[tokio::test]
async fn console_commands_suggestions_and_mistakes() {
    let output = session(&[
        "1",
        "/story add title:Guest checkout",
        "?/story show story:gue",
        "menu Add to backlog: Dark mode\\nfor night owls",
        "",
        "",
        "",
        "-",
        "as 42 member 7",
        "/story archive story:1",
        "3",
        "as 100 admin",
        "channel 600 60",
        "/nope",
        "hello",
        "help",
        "/story add",
        "",
    ])
    .await;
    assert_shows(&output, "> 1\nNo message with buttons yet.");
    assert_shows(
        &output,
        "> ?/story show story:gue\nSuggestions:\n  #1 Guest checkout (new)  → 1",
    );
    assert_shows(&output, "Title (required) [Dark mode]: ");
    assert_shows(&output, "Details [Dark mode\\nfor night owls]: ");
    assert_shows(
        &output,
        "<@100> added #2 to the backlog of Console.\n== #2 · Dark mode ==",
    );
    assert_shows(
        &output,
        "[Source message](https://discord.com/channels/1/10/",
    );
    assert_shows(
        &output,
        "You are user 42 (user42), a member with roles 7, in guild 1, channel 10.",
    );
    assert_shows(&output, "⚠️ Only the Product Owner can archive stories.");
    assert_shows(&output, "> 3\n[3] Accept (PO) is disabled.");
    assert_shows(
        &output,
        "You are user 100 (console), an admin, in guild 1, thread 600 of channel 60.",
    );
    assert_shows(
        &output,
        "error: There is no /nope command. Commands: /story, /backlog",
    );
    assert_shows(&output, "`hello` is not a command.");
    assert_shows(&output, "menu Add to backlog: <text>");
    assert_shows(&output, "Title (required): \nThis field is required.\nTitle (required): \nForm cancelled.\n> \nBye.");
}
