//! The real scheduler loop (not the hand-stepped `run_due`): under tokio's paused clock it
//! sleeps until work is due and does it by itself, once; and a step that panics does not end
//! it. No Discord here (no sender): the tests read what the loop queued in the database.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone as _, Utc};
use sprintmate::commands::{dispatch, Services};
use sprintmate::console::synth::{self, Actor, Synth};
use sprintmate::scheduler::Scheduler;
use sprintmate::store::Store;

use crate::helpers::TestClock;

async fn say(services: &Services, actor: &Actor, line: &str) {
    let json = Synth::new().command(actor, line).unwrap();
    dispatch(services, synth::to_interaction(&json).unwrap()).await;
}

async fn outbox_purposes(services: &Services) -> Vec<String> {
    sqlx::query_scalar("SELECT purpose FROM outbox ORDER BY id")
        .fetch_all(services.store.pool())
        .await
        .unwrap()
}

/// Lets virtual time pass (at most a virtual hour) until the outbox satisfies `done`.
async fn wait_until(services: &Services, done: impl Fn(&[String]) -> bool) {
    for _ in 0..3600 {
        if done(&outbox_purposes(services).await) {
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    panic!(
        "the loop did not act: {:?}",
        outbox_purposes(services).await
    );
}

/// Services on a fresh database, with a clock at 08:00 UTC on Monday 2 March 2026, and a
/// backlog of `titles` added by an admin; keep the directory alive as long as the services.
async fn backlog_at_eight(titles: &[&str]) -> (Services, Arc<TestClock>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(TestClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap(),
    ));
    let store = Store::connect(&format!("sqlite://{}/loop.db", dir.path().display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let services = Services::new(store, clock.clone(), None);
    let admin = Actor::admin(100, "ada");
    for title in titles {
        say(&services, &admin, &format!("/story add title:{title}")).await;
    }
    (services, clock, dir)
}

#[tokio::test]
async fn the_real_loop_sleeps_until_a_stand_up_and_a_vote_deadline_and_acts_once_each() {
    let (services, clock, _dir) = backlog_at_eight(&["One", "Two", "Three"]).await;
    let admin = Actor::admin(100, "ada");
    say(
        &services,
        &admin,
        "/standup setup channel:<#50> time:09:30 timezone:UTC",
    )
    .await;
    say(
        &services,
        &admin,
        "/vote start method:score stories:1,2,3 hours:2",
    )
    .await;

    tokio::time::pause();
    // SQLite answers from its own thread, which tokio cannot see: with nothing else to run it
    // would jump the paused clock straight to the pool's acquire timeout. A ticker keeps the
    // jumps to 10 ms and lets at least 0.2 ms of real time pass per jump, so the 30 s acquire
    // timeout is at least 0.6 s of real time away even on a loaded machine.
    let ticker = tokio::spawn(async {
        loop {
            tokio::time::sleep(Duration::from_millis(10)).await;
            std::thread::sleep(Duration::from_micros(200));
        }
    });
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let wake = services.scheduler_wake.clone();
    let looping = tokio::spawn(Scheduler::new(services.clone(), None).run(wake, stop_rx));

    // Before anything is due the loop only sleeps.
    tokio::time::sleep(Duration::from_secs(90)).await;
    assert!(outbox_purposes(&services).await.is_empty());

    // Past the prompt time: within its longest sleep the loop opens the day, once.
    clock.set(Utc.with_ymd_and_hms(2026, 3, 2, 9, 31, 0).unwrap());
    wait_until(&services, |p| {
        p.iter().any(|p| p.starts_with("standup-prompt"))
    })
    .await;

    // Past the vote's deadline: it closes itself, once, with one results post.
    clock.set(Utc.with_ymd_and_hms(2026, 3, 2, 10, 30, 0).unwrap());
    wait_until(&services, |p| {
        p.iter().any(|p| p.starts_with("vote-results"))
    })
    .await;
    tokio::time::sleep(Duration::from_secs(120)).await;
    let purposes = outbox_purposes(&services).await;
    let count = |prefix: &str| purposes.iter().filter(|p| p.starts_with(prefix)).count();
    assert_eq!(count("standup-prompt"), 1, "{purposes:?}");
    assert_eq!(count("vote-results"), 1, "{purposes:?}");

    stop_tx.send(true).unwrap();
    looping.await.unwrap();
    ticker.abort();
}

/// A step that panics (here a vote row whose `opened_by` was edited into text by hand, which
/// the row's reader does not expect) costs that step, not the loop: the task keeps running,
/// and once the row is mended and the loop woken, the vote closes as it should. Left to unwind,
/// the panic would end the task, and in the app the process with it.
#[tokio::test]
async fn a_panicking_step_does_not_end_the_loop() {
    let (services, clock, _dir) = backlog_at_eight(&["One", "Two"]).await;
    let admin = Actor::admin(100, "ada");
    say(
        &services,
        &admin,
        "/vote start method:score stories:1,2 hours:1",
    )
    .await;
    let pool = services.store.pool().clone();
    sqlx::query("UPDATE votes SET opened_by = 'ada'")
        .execute(&pool)
        .await
        .unwrap();
    clock.set(Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap());

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let wake = services.scheduler_wake.clone();
    let looping = tokio::spawn(Scheduler::new(services.clone(), None).run(wake.clone(), stop_rx));
    // Long enough for a few tries at the broken row (the first step runs at once).
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !looping.is_finished(),
        "the loop ended: {:?}",
        looping.await
    );
    assert!(outbox_purposes(&services).await.is_empty());

    sqlx::query("UPDATE votes SET opened_by = 100")
        .execute(&pool)
        .await
        .unwrap();
    wake.notify_one();
    for _ in 0..100 {
        if !outbox_purposes(&services).await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let purposes = outbox_purposes(&services).await;
    assert!(
        purposes.iter().any(|p| p.starts_with("vote-results")),
        "{purposes:?}"
    );
    stop_tx.send(true).unwrap();
    looping.await.unwrap();
}
