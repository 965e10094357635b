//! Scripted console sessions against a temporary database: what a person types, and what the
//! console prints back.

use super::{services, Console};
use crate::commands::Services;
use crate::config::Settings;
use crate::store::outbox::{NewOutboxItem, OutboxKind};

/// Runs `script` (one line per entry) in a fresh console and returns everything it printed.
async fn session(script: &[&str]) -> String {
    session_keeping(script).await.0
}

/// [`session`], also returning its services and the folder of its database, to look at after.
async fn session_keeping(script: &[&str]) -> (String, Services, tempfile::TempDir) {
    let (services, dir) = fresh().await;
    (run(&services, script).await, services, dir)
}

/// Services on a fresh database in a temporary folder.
async fn fresh() -> (Services, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::defaults();
    settings.database_url = format!("sqlite://{}", dir.path().join("console.db").display());
    (services(&settings).await.unwrap(), dir)
}

/// Runs `script` in a console on `services` and returns everything it printed.
async fn run(services: &Services, script: &[&str]) -> String {
    let input = script.join("\n") + "\n";
    let mut output = Vec::new();
    Console::new(services.clone())
        .with_echo(true)
        .run(input.as_bytes(), &mut output)
        .await
        .unwrap();
    String::from_utf8(output).unwrap()
}

/// A post the bot queued in `guild_id`, channel 70.
fn post(guild_id: u64, content: &str) -> NewOutboxItem {
    NewOutboxItem {
        guild_id,
        kind: OutboxKind::Post,
        channel_id: 70,
        target_message_id: None,
        purpose: "test".to_string(),
        body: serde_json::json!({ "content": content }),
        attachment: None,
    }
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

/// A dot vote: `/vote start`, open the ballot, add a dot to #1 and submit.
const DOT_VOTE: [&str; 5] = [
    "/story add title:A",
    "/story add title:B",
    "/vote start method:dots stories:#1 #2",
    "1",
    "2",
];

#[tokio::test]
async fn what_the_bot_posts_on_its_own_is_shown_and_its_buttons_pressed() {
    let mut script = DOT_VOTE.to_vec();
    script.extend(["5", "/vote close", "1"]);
    let (output, services, _dir) = session_keeping(&script).await;

    // The vote card's count, an outbox edit of the card the reply showed.
    assert_shows(&output, "Dot vote ==");
    let edit = output.find("[edited message ").expect("the card's edit");
    assert_shows(&output[edit..], "Voted: 1: <@100>");
    assert_shows(
        &output,
        "The results follow in a moment.\n[posted in <#10> as message ",
    );
    assert_shows(&output, "== 📊 Results of the dot vote ==\n**1.** **#1** A");
    assert_shows(&output, "[1] Apply to backlog\n");
    // Pressing 1 after the results presses Apply on the posted results.
    let pressed = output.rfind("> 1\n").unwrap();
    assert_shows(&output[pressed..], "this vote's order");
    // Nothing is left for a later `sprintmate run` to post to the console's made-up channels.
    let far = services.clock.now().timestamp() + 86_400 * 30;
    assert_eq!(services.store.due_outbox(far, 10).await.unwrap().len(), 0);
}

#[tokio::test]
async fn a_stand_up_prompt_is_posted_with_its_answer_button_and_thread() {
    let output = session(&[
        "/standup setup channel:<#10> time:09:00",
        "/standup now",
        "1",
        "Shipped the login page",
        "Checkout",
        "none",
    ])
    .await;
    assert_shows(
        &output,
        "the prompt is on its way to <#10>.\n[posted in <#10> as message ",
    );
    assert_shows(&output, "☀️ **Stand-up for ");
    assert_shows(&output, "\n[1] Answer\n[started thread <#");
    assert_shows(&output, "> 1\nForm: Stand-up ");
    // The answer goes to the thread the prompt started (a thread's id is its message's).
    let thread = output.split("[started thread <#").nth(1).unwrap();
    let thread = &thread[..thread.find('>').unwrap()];
    assert_shows(&output, &format!("[posted in <#{thread}> as message "));
    assert_shows(
        &output,
        "**Yesterday:** Shipped the login page\n**Today:** Checkout",
    );
}

#[tokio::test]
async fn an_update_without_buttons_leaves_the_earlier_message_pressable() {
    let mut script = DOT_VOTE.to_vec();
    // Submit turns the ballot into a note without buttons; 1 then opens the ballot again
    // from the vote card.
    script.extend(["5", "1"]);
    let output = session(&script).await;
    assert_shows(
        &output,
        "> 5\n(the message now reads)\n(only you see this)\n✅ Your ballot",
    );
    assert_shows(
        &output,
        "-- Unused dots are simply not cast.\n(1 to 1 press the buttons of the earlier message again)",
    );
    let pressed = output.rfind("> 1\n").unwrap();
    assert_shows(
        &output[pressed..],
        "== Your ballot · dot vote · story 1 of 2 ==",
    );
}

#[tokio::test]
async fn posts_queued_for_a_guild_the_console_is_not_in_are_left_for_the_bot() {
    let (services, _dir) = fresh().await;
    let now = services.clock.now().timestamp();
    // More of a real guild's posts queued first than the drain reads at once: the console's own
    // must still come through.
    let real_guilds = std::iter::repeat_n((777, "for a real guild"), 60);
    for (guild_id, content) in real_guilds.chain([(1, "for the console")]) {
        services
            .store
            .enqueue_post(&post(guild_id, content), now)
            .await
            .unwrap();
    }
    let output = run(&services, &["quit"]).await;
    assert_shows(&output, "[posted in <#70> as message ");
    assert_shows(&output, "for the console");
    assert!(!output.contains("for a real guild"), "{output}");
    let left = services.store.due_outbox(now, 100).await.unwrap();
    assert_eq!(left.len(), 60);
    assert!(left.iter().all(|item| item.guild_id == 777));
}

#[tokio::test]
async fn while_nobody_types_what_falls_due_is_shown() {
    use tokio::io::AsyncWriteExt as _;

    let (services, _dir) = fresh().await;
    let (mut typing, input) = tokio::io::duplex(1024);
    let console = Console::new(services.clone())
        .with_echo(true)
        .with_idle_tick(std::time::Duration::from_millis(20));
    let session = tokio::spawn(async move {
        let mut console = console;
        let mut output = Vec::new();
        let input = tokio::io::BufReader::new(input);
        console.run(input, &mut output).await.unwrap();
        String::from_utf8(output).unwrap()
    });
    typing.write_all(b"whoami\n").await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    // Something falls due while the console waits at its prompt, e.g. a reminder.
    let now = services.clock.now().timestamp();
    let reminder = post(1, "A reminder");
    services.store.enqueue_post(&reminder, now).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    typing.write_all(b"quit\n").await.unwrap();
    let output = session.await.unwrap();
    assert_shows(&output, "channel 10.\n> \n[posted in <#70> as message ");
    assert_shows(&output, "A reminder\n> quit\nBye.");
}
