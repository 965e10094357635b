//! Discord's 3-second deadline for a first answer: an answer held up behind a busy store is
//! deferred in time and then delivered through the interaction's webhook, as the team would
//! have seen it (a public card posted, a pressed card edited).

use std::time::{Duration, Instant};

use sprintmate::console::synth::Actor;

use crate::chat::*;
use crate::fake_discord::Failure;
use crate::helpers::{spawn_app, TestApp};

fn member() -> Actor {
    Actor::member(101, "bob")
}

/// Holds the store's write turn for `held`, so every write waits behind it, as behind a
/// restore run from the command line; returns once the turn is held.
async fn hold_the_writers(app: &TestApp, held: Duration) -> tokio::task::JoinHandle<()> {
    let store = app.services().store.clone();
    let (taken, turn_taken) = tokio::sync::oneshot::channel();
    let holder = tokio::spawn(async move {
        let tx = store.begin_write().await.expect("the write turn");
        let _ = taken.send(());
        tokio::time::sleep(held).await;
        drop(tx);
    });
    turn_taken.await.expect("the holder took the turn");
    holder
}

#[tokio::test]
async fn a_new_story_held_up_past_the_deadline_is_deferred_then_posted_for_the_team() {
    let app = spawn_app().await;
    say(&app, &member(), "/story add title:First").await;
    let holder = hold_the_writers(&app, Duration::from_millis(3200)).await;

    let sent = Instant::now();
    let first = say(&app, &member(), "/story add title:Queued behind a restore").await;
    assert!(
        sent.elapsed() < Duration::from_secs(3),
        "answered after {:?}",
        sent.elapsed()
    );
    assert_eq!(first["type"], 5, "{first}");
    assert!(is_ephemeral(&first), "the placeholder is private: {first}");

    holder.await.unwrap();
    let posted = app
        .fake()
        .wait_for(
            "POST",
            "/webhooks/{app}/{token}",
            1,
            Duration::from_secs(10),
        )
        .await;
    let card = serde_json::json!({ "data": posted[0].body.clone() });
    assert!(text(&card).contains("Queued behind a restore"), "{card}");
    assert!(
        !is_ephemeral(&card),
        "the team must see the new story: {card}"
    );
    let removed = app
        .fake()
        .wait_for("DELETE", ORIGINAL_RESPONSE, 1, Duration::from_secs(5))
        .await;
    assert_eq!(removed.len(), 1, "the private placeholder stayed");
    // Discord turns the first follow-up after a deferral into the private placeholder itself,
    // so the placeholder must have been edited (ending the deferral) before the card was posted.
    let order: Vec<String> = app
        .fake()
        .requests()
        .iter()
        .filter(|r| {
            r.is("PATCH", ORIGINAL_RESPONSE)
                || r.is("POST", "/webhooks/{app}/{token}")
                || r.is("DELETE", ORIGINAL_RESPONSE)
        })
        .map(|r| r.method.clone())
        .collect();
    assert_eq!(order, ["PATCH", "POST", "DELETE"], "{order:?}");
}

#[tokio::test]
async fn a_press_held_up_past_the_deadline_is_acknowledged_then_edits_the_card() {
    let app = spawn_app().await;
    let card = say(&app, &member(), "/story add title:Pressed late").await;
    let holder = hold_the_writers(&app, Duration::from_millis(3200)).await;

    let sent = Instant::now();
    let first = press(&app, &member(), &card, "Start").await;
    assert!(
        sent.elapsed() < Duration::from_secs(3),
        "answered after {:?}",
        sent.elapsed()
    );
    assert_eq!(first["type"], 6, "{first}");

    holder.await.unwrap();
    let (edited, _) = first_edited_reply(&app).await;
    assert!(
        text(&edited).contains("in progress") || text(&edited).contains("in_progress"),
        "{edited}"
    );
}

#[tokio::test]
async fn a_late_edit_that_discord_refuses_is_not_sent_again() {
    let app = spawn_app().await;
    let card = say(&app, &member(), "/story add title:Refused late").await;
    let holder = hold_the_writers(&app, Duration::from_millis(3200)).await;
    app.fake()
        .fail_next("PATCH", ORIGINAL_RESPONSE, 1, Failure::Forbidden);

    let first = press(&app, &member(), &card, "Start").await;
    assert_eq!(first["type"], 6, "{first}");
    holder.await.unwrap();
    app.fake()
        .wait_for("PATCH", ORIGINAL_RESPONSE, 1, Duration::from_secs(10))
        .await;
    // A retry would come 200 ms after the refusal; a 403 is refused again every time.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(app.fake().requests_to("PATCH", ORIGINAL_RESPONSE).len(), 1);
}
