//! Priority votes end to end over signed interactions: every method from start to apply with
//! three members, secrecy until close, re-votes, refusals, a vote whose deadline passed while
//! the app was stopped, the value/effort matrix picture, and concurrent ballots.

use std::sync::Arc;
use std::time::Duration;

use sprintmate::console::synth::Actor;

use crate::chat::*;
use crate::helpers::{spawn_app, TestApp};

fn po() -> Actor {
    Actor::admin(100, "ada")
}

fn members() -> [Actor; 3] {
    [
        Actor::member(201, "bo"),
        Actor::member(202, "cy"),
        Actor::member(203, "di"),
    ]
}

async fn backlog_of(app: &TestApp, count: usize) {
    for i in 1..=count {
        say(app, &po(), &format!(r#"/story add title:"Story {i}""#)).await;
    }
}

/// Opens the caller's ballot from the card, marks the first candidate, and submits.
async fn vote_once(
    app: &TestApp,
    who: &Actor,
    card: &serde_json::Value,
    labels: &[&str],
) -> serde_json::Value {
    let mut ballot = press(app, who, card, "Open my ballot").await;
    assert!(is_ephemeral(&ballot), "the ballot is private");
    for label in labels {
        ballot = press(app, who, &ballot, label).await;
        assert_eq!(ballot["type"], 7, "each press updates the ballot in place");
    }
    press(app, who, &ballot, "Submit").await
}

#[tokio::test]
async fn every_method_runs_from_start_to_apply_with_three_members() {
    // Each method, the presses of one ballot, and how a story not yet marked reads on it.
    let cases: [(&str, &[&str], &str); 4] = [
        ("score", &["Skip ▶", "4"], "_not scored_"),
        ("moscow", &["Skip ▶", "Must"], "_not called_"),
        (
            "value_effort",
            &["Skip ▶", "Value 5", "Effort 1"],
            "_not rated_",
        ),
        ("dots", &["Next ▶", "+ Add a dot"], "_no dots_"),
    ];
    for (method, labels, unmarked) in cases {
        let app = spawn_app().await;
        backlog_of(&app, 3).await;
        let card = say(
            &app,
            &po(),
            &format!(r#"/vote start method:{method} stories:1,2,3"#),
        )
        .await;
        assert_public(&card);
        assert!(text(&card).contains("<t:"), "{}", text(&card));
        let status = say(&app, &members()[0], "/vote status").await;
        assert!(
            text(&status).contains(": nobody has voted yet;"),
            "{}",
            text(&status)
        );
        let fresh = press(&app, &members()[0], &card, "Open my ballot").await;
        assert!(
            text(&fresh).contains(&format!("**#1** Story 1 — {unmarked}")),
            "{method}: {}",
            text(&fresh)
        );
        for who in members() {
            let receipt = vote_once(&app, &who, &card, labels).await;
            assert!(text(&receipt).contains("Your ballot"), "{}", text(&receipt));
            assert!(buttons(&receipt).is_empty());
        }
        // Card edits show who voted and never what: no response so far carried a tally.
        let edits = app
            .fake()
            .wait_for(
                "PATCH",
                "/channels/{c}/messages/{m}",
                3,
                Duration::from_secs(5),
            )
            .await;
        assert!(
            edits.len() >= 3,
            "{method}: the card was edited after each ballot"
        );
        for edit in &edits {
            let body = edit.body.clone().unwrap().to_string();
            for secret in ["weight", "×", "effort 1 ", "value 5 ", "●", "Results"] {
                assert!(
                    !body.contains(secret),
                    "{method}: the card leaked {secret}: {body}"
                );
            }
        }
        let last = edits.last().unwrap().body.clone().unwrap().to_string();
        assert!(
            last.contains("Voted: 3") && last.contains("<@203>"),
            "{last}"
        );
        let status = say(&app, &members()[0], "/vote status").await;
        assert!(
            is_ephemeral(&status) && text(&status).contains(": 3 members have voted so far;"),
            "{}",
            text(&status)
        );
        let refused = say(&app, &members()[0], "/vote close").await;
        assert_refused(&refused, "Only the Product Owner");
        let closed = say(&app, &po(), "/vote close").await;
        assert_public(&closed);
        let posts = app
            .fake()
            .wait_for("POST", "/channels/{c}/messages", 1, Duration::from_secs(5))
            .await;
        let results = posts[0].body.clone().unwrap();
        let shown = serde_json::json!({ "type": 4, "data": results });
        assert!(text(&shown).contains("Results"), "{}", text(&shown));
        // Everyone marked #2 only, so #2 tops the results and Apply moves it above #1.
        let late = vote_once_refused(&app, &card).await;
        assert_refused(&late, "no more ballots");
        let member_apply = press(&app, &members()[1], &shown, "Apply to backlog").await;
        assert_refused(&member_apply, "Only the Product Owner");
        let applied = press(&app, &po(), &shown, "Apply to backlog").await;
        assert_public(&applied);
        let backlog = say(&app, &po(), "/backlog").await;
        assert_eq!(backlog_numbers(&backlog), [2, 1, 3], "{method}");
        let again = press(&app, &po(), &shown, "Apply to backlog").await;
        assert_refused(&again, "nothing changed");
        app.fake().assert_no_violations();
    }
}

#[tokio::test]
async fn a_voted_story_archived_before_the_close_is_marked_and_left_out_of_apply() {
    let app = spawn_app().await;
    backlog_of(&app, 3).await;
    let card = say(&app, &po(), "/vote start method:score stories:1,2,3").await;
    for who in members() {
        vote_once(&app, &who, &card, &["Skip ▶", "4"]).await;
    }
    assert_public(&say(&app, &po(), "/story archive story:3").await);
    assert_public(&say(&app, &po(), "/vote close").await);
    let posts = app
        .fake()
        .wait_for("POST", "/channels/{c}/messages", 1, Duration::from_secs(5))
        .await;
    let shown = serde_json::json!({ "type": 4, "data": posts[0].body.clone().unwrap() });
    let results = text(&shown);
    let row = |number: &str| {
        results
            .lines()
            .find(|l| l.contains(&format!("**#{number}** Story {number}")))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        row("3").ends_with(" · *no longer in the backlog*"),
        "{results}"
    );
    assert!(
        !row("2").contains("no longer") && !row("1").contains("no longer"),
        "{results}"
    );

    let applied = text(&press(&app, &po(), &shown, "Apply to backlog").await);
    assert!(
        applied.contains("#2, #1 now sit in that order")
            && applied.contains("kept its place). Left out, as no longer in the backlog: #3."),
        "{applied}"
    );
    let again = press(&app, &po(), &shown, "Apply to backlog").await;
    assert_refused(
        &again,
        "already has this vote's order; nothing changed. Left out, as no longer in the backlog: #3.",
    );
    for number in [1, 2] {
        say(&app, &po(), &format!("/story archive story:{number}")).await;
    }
    assert_refused(
        &press(&app, &po(), &shown, "Apply to backlog").await,
        "None of the voted stories is in the backlog any more",
    );
}

async fn vote_once_refused(app: &TestApp, card: &serde_json::Value) -> serde_json::Value {
    press(app, &Actor::member(299, "late"), card, "Open my ballot").await
}

#[tokio::test]
async fn a_re_vote_replaces_the_first_ballot_and_the_ranking_follows_it() {
    let app = spawn_app().await;
    backlog_of(&app, 3).await;
    let card = say(&app, &po(), r#"/vote start method:score stories:1,2,3"#).await;
    let voter = &members()[0];
    vote_once(&app, voter, &card, &["1", "5"]).await;
    let second = vote_once(&app, voter, &card, &["5", "1"]).await;
    assert!(
        text(&second).contains("replaces your earlier one"),
        "{}",
        text(&second)
    );
    say(&app, &po(), "/vote close").await;
    let posts = app
        .fake()
        .wait_for("POST", "/channels/{c}/messages", 1, Duration::from_secs(5))
        .await;
    let body = posts[0].body.clone().unwrap().to_string();
    assert!(body.contains("5×1") && !body.contains("2 voters"), "{body}");
    let first_line = body.find("**#1**").unwrap();
    let second_line = body.find("**#2**").unwrap();
    assert!(
        first_line < second_line,
        "#1 (scored 5) ranks above #2: {body}"
    );
}

#[tokio::test]
async fn a_vote_whose_deadline_passed_while_stopped_is_closed_once_at_start_up() {
    let mut app = spawn_app().await;
    backlog_of(&app, 3).await;
    let card = say(&app, &po(), "/vote start method:moscow hours:1").await;
    vote_once(&app, &members()[0], &card, &["Should"]).await;
    app.clock.advance(chrono::Duration::hours(2));
    app.restart().await;
    let now = app.services().clock.now().timestamp();
    let scheduler = sprintmate::scheduler::Scheduler::new(app.services().clone(), None);
    // The running app's own scheduler may have closed it already; either way only once.
    scheduler.run_due(now).await.unwrap();
    scheduler.run_due(now).await.unwrap();
    let posts = app
        .fake()
        .wait_for("POST", "/channels/{c}/messages", 1, Duration::from_secs(5))
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let results: Vec<_> = app
        .fake()
        .requests_to("POST", "/channels/{c}/messages")
        .into_iter()
        .filter(|r| {
            r.body
                .as_ref()
                .is_some_and(|b| b.to_string().contains("Results"))
        })
        .collect();
    assert_eq!(posts.len(), 1);
    assert_eq!(results.len(), 1);
    let after = vote_once_refused(&app, &card).await;
    assert_refused(&after, "closed");
    app.fake().assert_no_violations();
}

#[tokio::test]
async fn value_effort_results_carry_the_matrix_picture_as_a_png_attachment() {
    let app = spawn_app().await;
    backlog_of(&app, 3).await;
    let card = say(&app, &po(), "/vote start method:value_effort stories:1,2,3").await;
    let ratings: [&[&str]; 3] = [
        &["Value 5", "Effort 1", "Value 2", "Effort 4"],
        &["Value 4", "Effort 2", "Skip ▶", "Value 1", "Effort 5"],
        &["Value 5", "Effort 2"],
    ];
    for (who, labels) in members().iter().zip(ratings) {
        vote_once(&app, who, &card, labels).await;
    }
    say(&app, &po(), "/vote close").await;
    let posts = app
        .fake()
        .wait_for("POST", "/channels/{c}/messages", 1, Duration::from_secs(5))
        .await;
    let results = &posts[0];
    assert!(
        results
            .header("content-type")
            .is_some_and(|t| t.starts_with("multipart/form-data")),
        "{:?}",
        results.headers
    );
    assert_eq!(results.files, ["matrix.png"]);
    let body = results.body.clone().expect("payload_json");
    assert!(body.to_string().contains("Results"), "{body}");
    assert_eq!(
        body["attachments"],
        serde_json::json!([{"id": 0, "filename": "matrix.png"}])
    );
    assert_eq!(body["embeds"][0]["image"]["url"], "attachment://matrix.png");
    let bytes = &results.file_bytes[0];
    let decoder = png::Decoder::new(bytes.as_slice());
    let reader = decoder
        .read_info()
        .expect("the attachment decodes as a PNG");
    let info = reader.info();
    assert_eq!((info.width, info.height), (800, 500));
    // The payload passed the OpenAPI check of the message-create route.
    app.fake().assert_no_violations();
}

#[tokio::test]
async fn other_methods_post_their_results_without_a_picture() {
    let app = spawn_app().await;
    backlog_of(&app, 2).await;
    let card = say(&app, &po(), "/vote start method:score stories:1,2").await;
    vote_once(&app, &members()[0], &card, &["4"]).await;
    say(&app, &po(), "/vote close").await;
    let posts = app
        .fake()
        .wait_for("POST", "/channels/{c}/messages", 1, Duration::from_secs(5))
        .await;
    assert!(posts[0].files.is_empty());
    let body = posts[0].body.clone().unwrap();
    assert_eq!(body["attachments"], serde_json::json!([]), "{body}");
    assert!(body["embeds"][0].get("image").is_none(), "{body}");
    app.fake().assert_no_violations();
}

/// Replaces every run of 15 or more digits (snowflakes: message, interaction and card ids that
/// differ from run to run) with `ID`.
fn without_snowflakes(text: &str) -> String {
    let mut out = String::new();
    let mut digits = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if digits.len() >= 15 {
            out.push_str("ID");
        } else {
            out.push_str(&digits);
        }
        digits.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// What one run of the secrecy scenario exposed before the close: every interaction response
/// except a voter's own ballot flow (labelled by who asked what), and every request the fake
/// Discord received; then the results post after the close.
struct Exposure {
    responses: Vec<(String, String)>,
    requests: Vec<String>,
    results: String,
}

/// A score vote on #1-#3: members 202 and 203 vote with `others`, then member 201 votes the
/// same ballot in every run, and the Product Owner and a non-voter check the status.
async fn secrecy_run(others: [[&str; 3]; 2]) -> Exposure {
    let app = spawn_app().await;
    backlog_of(&app, 3).await;
    let [first, second, third] = members();
    let mut responses = Vec::new();
    let mut seen = |who: &Actor, what: &str, response: &serde_json::Value| {
        responses.push((
            format!("{} {what}", who.user_id),
            without_snowflakes(&response.to_string()),
        ))
    };
    let card = say(&app, &po(), "/vote start method:score stories:1,2,3").await;
    seen(&po(), "start", &card);
    for (who, labels) in [&second, &third].into_iter().zip(others) {
        // Their own ballot shows their own marks; that flow is private (asserted ephemeral in
        // vote_once) and left out of the comparison, but its receipt is not.
        let receipt = vote_once(&app, who, &card, &labels).await;
        assert!(is_ephemeral(&receipt), "{receipt}");
        let status = say(&app, &first, "/vote status").await;
        seen(&first, "status", &status);
    }
    // The constant voter's whole flow happens with the others' ballots already in.
    let mut ballot = press(&app, &first, &card, "Open my ballot").await;
    seen(&first, "open", &ballot);
    for label in ["4", "3", "1"] {
        ballot = press(&app, &first, &ballot, label).await;
        seen(&first, label, &ballot);
    }
    let receipt = press(&app, &first, &ballot, "Submit").await;
    seen(&first, "submit", &receipt);
    for who in [po(), Actor::member(299, "late")] {
        let status = say(&app, &who, "/vote status").await;
        seen(&who, "status", &status);
    }
    let edits = app
        .fake()
        .wait_for(
            "PATCH",
            "/channels/{c}/messages/{m}",
            3,
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(edits.len(), 3, "one card edit per ballot");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let requests = app
        .fake()
        .requests()
        .iter()
        .map(|r| {
            without_snowflakes(&format!(
                "{} {} {}",
                r.method,
                r.path,
                r.body.clone().unwrap_or_default()
            ))
        })
        .collect();
    say(&app, &po(), "/vote close").await;
    let posts = app
        .fake()
        .wait_for("POST", "/channels/{c}/messages", 1, Duration::from_secs(5))
        .await;
    app.fake().assert_no_violations();
    Exposure {
        responses,
        requests,
        results: posts[0].body.clone().unwrap().to_string(),
    }
}

#[tokio::test]
async fn nothing_anyone_else_sees_before_the_close_depends_on_the_ballot_values() {
    // Two runs that differ only in the scores members 202 and 203 give (each member gives
    // distinct scores, and every story's scores change between the runs).
    let a = secrecy_run([["5", "1", "4"], ["2", "5", "3"]]).await;
    let b = secrecy_run([["1", "4", "2"], ["4", "2", "5"]]).await;
    // The runs really differ: the results (after the close) show different tallies.
    assert_ne!(a.results, b.results);
    assert!(
        a.results.contains("5×1") && a.results.contains("1×1"),
        "{}",
        a.results
    );
    // Before the close, every request to Discord (the card edits with their voter lists, and
    // anything else) and every response shown to anyone but the voter is identical: the
    // values are in no form at all, not even a count or a mean.
    assert_eq!(a.requests.len(), b.requests.len());
    for (left, right) in a.requests.iter().zip(&b.requests) {
        assert_eq!(
            left, right,
            "a request before the close depends on the ballots"
        );
    }
    assert_eq!(a.responses.len(), b.responses.len());
    for ((who, left), (_, right)) in a.responses.iter().zip(&b.responses) {
        assert_eq!(
            left, right,
            "{who} saw something that depends on the ballots"
        );
    }
    // And the card edits show who voted, with counts and mentions only.
    let edits: Vec<&String> = a
        .requests
        .iter()
        .filter(|r| r.starts_with("PATCH"))
        .collect();
    let last = edits.last().expect("card edits");
    assert!(
        last.contains("Voted: 3") && last.contains("<@201>") && last.contains("<@202>"),
        "{last}"
    );
    for secret in ["×", "/ 5", "range", "mean", "Results"] {
        for edit in &edits {
            assert!(!edit.contains(secret), "a card edit shows {secret}: {edit}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_ballots_submitted_at_once_are_each_counted_exactly_once() {
    let app = Arc::new(spawn_app().await);
    backlog_of(&app, 2).await;
    let card = say(&app, &po(), "/vote start method:score stories:1,2").await;
    let mut voting = tokio::task::JoinSet::new();
    for i in 0..20u64 {
        let (app, card) = (Arc::clone(&app), card.clone());
        voting.spawn(async move {
            let who = Actor::member(500 + i, &format!("m{i}"));
            // Member i scores #1 with (i mod 5) + 1: each score is given by exactly 4 members.
            let score = ((i % 5) + 1).to_string();
            let receipt = vote_once(&app, &who, &card, &[score.as_str()]).await;
            assert!(text(&receipt).contains("Your ballot"), "{}", text(&receipt));
        });
    }
    while let Some(done) = voting.join_next().await {
        done.expect("a voter's task");
    }
    let status = say(&app, &po(), "/vote status").await;
    assert!(
        text(&status).contains("20 members have voted"),
        "{}",
        text(&status)
    );
    say(&app, &po(), "/vote close").await;
    let posts = app
        .fake()
        .wait_for("POST", "/channels/{c}/messages", 1, Duration::from_secs(10))
        .await;
    let results = posts[0].body.clone().unwrap();
    let shown = text(&serde_json::json!({"type": 4, "data": results}));
    assert!(
        shown.contains("3.0 / 5") && shown.contains("1×4 2×4 3×4 4×4 5×4 (range 1-5)"),
        "{shown}"
    );
    assert!(shown.contains("Voted: 20"), "{shown}");
    for i in 0..20u64 {
        assert_eq!(
            shown.matches(&format!("<@{}>", 500 + i)).count(),
            1,
            "member {i} is listed once: {shown}"
        );
    }
    app.fake().assert_no_violations();
}

#[tokio::test]
async fn opening_a_ballot_from_the_private_status_copy_keeps_the_public_card_live() {
    let app = spawn_app().await;
    backlog_of(&app, 2).await;
    let card = say(&app, &po(), "/vote start method:score stories:1,2").await;
    let public_id = sprintmate::console::synth::new_id();
    let [first, second, _] = members();
    // The public card becomes known from a press on it.
    let ballot = press_on_message(&app, &first, &card, "Open my ballot", public_id).await;
    let ballot = press(&app, &first, &ballot, "4").await;
    press(&app, &first, &ballot, "Submit").await;
    // The status reply is a private copy of the card, with the same button.
    let status = say(&app, &second, "/vote status").await;
    assert!(is_ephemeral(&status), "{status}");
    let mut ballot = press(&app, &second, &status, "Open my ballot").await;
    assert!(is_ephemeral(&ballot), "{ballot}");
    ballot = press(&app, &second, &ballot, "5").await;
    press(&app, &second, &ballot, "Submit").await;
    let edits = card_edits_all_on(&app, public_id, "the public card").await;
    let last = edits[1].body.clone().unwrap().to_string();
    assert!(last.contains("Voted: 2"), "{last}");
}

#[tokio::test]
async fn a_later_open_press_on_another_message_does_not_move_the_recorded_card() {
    let app = spawn_app().await;
    backlog_of(&app, 2).await;
    let card = say(&app, &po(), "/vote start method:score stories:1,2").await;
    let public_id = sprintmate::console::synth::new_id();
    let [first, second, _] = members();
    let ballot = press_on_message(&app, &first, &card, "Open my ballot", public_id).await;
    let ballot = press(&app, &first, &ballot, "4").await;
    press(&app, &first, &ballot, "Submit").await;
    // The same button pressed on some other public message (a copy, or a forged press).
    let elsewhere = sprintmate::console::synth::new_id();
    let ballot = press_on_message(&app, &second, &card, "Open my ballot", elsewhere).await;
    let ballot = press(&app, &second, &ballot, "5").await;
    press(&app, &second, &ballot, "Submit").await;
    card_edits_all_on(&app, public_id, "the card first pressed").await;
}

/// The two card edits two ballots make, once both arrived; each must edit `card`.
async fn card_edits_all_on(
    app: &TestApp,
    card: u64,
    which: &str,
) -> Vec<crate::fake_discord::RecordedRequest> {
    let edits = app
        .fake()
        .wait_for(
            "PATCH",
            "/channels/{c}/messages/{m}",
            2,
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(edits.len(), 2, "one card edit per ballot");
    for edit in &edits {
        assert_eq!(
            edit.segment(3),
            card.to_string(),
            "every edit goes to {which}: {}",
            edit.path
        );
    }
    edits
}

#[tokio::test]
async fn applying_an_open_or_unknown_vote_is_refused_with_what_to_do() {
    let app = spawn_app().await;
    backlog_of(&app, 2).await;
    let card = say(&app, &po(), "/vote start method:dots stories:#1 #2").await;
    let (open, _, _) = buttons(&card)
        .into_iter()
        .find(|(_, label, _)| label == "Open my ballot")
        .expect("the ballot button");
    let vote_id = open.rsplit(':').next().unwrap();
    // An Apply press can only come from a results card; here it is written out.
    assert_refused(
        &press_id(&app, &po(), &card, &format!("vo:a:{vote_id}")).await,
        "Only the results of a closed vote can be applied: close it first with /vote close.",
    );
    assert_refused(
        &press_id(&app, &po(), &card, "vo:a:999999").await,
        "That vote does not exist in this server. /vote status shows this team's vote.",
    );
}
