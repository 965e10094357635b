//! Priority votes end to end over signed interactions: every method from start to apply with
//! three members, secrecy until close, re-votes, refusals, and a vote whose deadline passed
//! while the app was stopped.

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
    let cases: [(&str, &[&str]); 4] = [
        ("score", &["Skip ▶", "4"]),
        ("moscow", &["Skip ▶", "Must"]),
        ("value_effort", &["Skip ▶", "Value 5", "Effort 1"]),
        ("dots", &["Next ▶", "+ Add a dot"]),
    ];
    for (method, labels) in cases {
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
            is_ephemeral(&status) && text(&status).contains("3 voted"),
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
