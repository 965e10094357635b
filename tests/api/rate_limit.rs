//! The outbox against Discord's rate limits: a burst of posts goes out at the configured global
//! rate (the real scheduler loop under tokio's paused clock, against a fake Discord that
//! enforces R requests per second), once each and without a 429; a short global 429 is sat out
//! within the step; a long one stops the drain; a route Discord holds puts off only its rows.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use sprintmate::config::Secret;
use sprintmate::discord::outbox_sender::OutboxSender;
use sprintmate::store::outbox::{NewOutboxItem, OutboxKind};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::fake_discord::{Failure, FakeDiscord, FakeOptions, RecordedRequest};
use crate::helpers::{spawn_app_with, TestApp, TestClock, TestOptions, GUILD_ID, TOKEN};

/// The global limit of the fake and the bot's setting. Lower than Discord's 50 so that the
/// work around each send (SQLite, which the paused clock sees as idle time) stays far below the
/// gap between sends even on a loaded machine; the pacing does not depend on R.
const R: u32 = 10;
const MESSAGES: &str = "/channels/{channel}/messages";

async fn spawn(requests_per_second: Option<u32>) -> TestApp {
    let fake = FakeDiscord::start_with(FakeOptions {
        check_and_record: true,
        requests_per_second,
    })
    .await;
    let mut app = spawn_app_with(TestOptions {
        fake: Some(fake),
        scheduler_loop: false,
        ..TestOptions::default()
    })
    .await;
    // `app.scheduler()` builds its sender from these settings.
    app.settings.discord_requests_per_second = NonZeroU32::new(R).unwrap();
    app
}

/// Queues one post in `channel`.
async fn queue(app: &TestApp, channel: u64, text: &str) -> i64 {
    let item = NewOutboxItem {
        guild_id: GUILD_ID,
        kind: OutboxKind::Post,
        channel_id: channel,
        target_message_id: None,
        purpose: format!("test:{text}"),
        body: json!({ "content": text }),
        attachment: None,
    };
    app.services()
        .store
        .enqueue_post(&item, app.clock.now().timestamp())
        .await
        .expect("queued")
}

async fn unsent(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
        .fetch_one(app.services().store.pool())
        .await
        .unwrap()
}

/// Under `tokio::time::pause()`: keeps virtual time moving in 1 ms steps and the app's clock in
/// step with it. SQLite answers from its own threads, which tokio cannot see: an idle runtime
/// would jump straight to the next timer (a 15 s request timeout, the pool's acquire timeout).
/// With this ticker a jump is at most 2 ms (the timer rounds the 1 ms sleep up) and costs at
/// least 2 ms of real time, so virtual time does not run ahead of real time and a query costs in
/// virtual time about what it took in real time. (At 0.2 ms of real time a step, virtual time
/// ran up to ten times faster, and a slow stretch of the disk under the whole suite's load, with
/// the background checkpoint syncing, once cost enough virtual time to read 6.4 posts a second.)
fn follow_virtual_time(clock: Arc<TestClock>) -> JoinHandle<()> {
    let start = Instant::now();
    let base = clock.now();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(1)).await;
            clock.set(base + chrono::Duration::from_std(start.elapsed()).unwrap());
            std::thread::sleep(Duration::from_millis(2));
        }
    })
}

/// Queues `n` posts, each in its own channel (like stand-up prompts: only the global limit
/// applies), runs the real scheduler loop under the paused clock until all are delivered, and
/// checks the pace: no 429, a sustained rate of at least 0.9 R, each post sent once.
async fn burst(app: &TestApp, n: u64) {
    let fake = app.fake().clone();
    for i in 0..n {
        queue(app, 10_000 + i, &format!("prompt {i}")).await;
    }
    let before = fake.succeeded_count();

    tokio::time::pause();
    // The app's start-up request (command registration) went through serenity, not the outbox's
    // limiter; let the fake's window that holds it end first.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let ticker = follow_virtual_time(app.clock.clone());
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let wake = app.services().scheduler_wake.clone();
    let start = Instant::now();
    let looping = tokio::spawn(app.scheduler().run(wake, stop_rx));
    // When the first post and the first of the last R posts were delivered: R windows apart
    // when the pace is exact, whatever time each burst takes to go out.
    let (mut first, mut last_window) = (None, None);
    loop {
        let sent = fake.succeeded_count() - before;
        if sent >= 1 && first.is_none() {
            first = Some(start.elapsed());
        }
        if sent > n - u64::from(R) && last_window.is_none() {
            last_window = Some(start.elapsed());
        }
        if sent >= n {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "only {sent} of {n} sent in a virtual minute"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = start.elapsed();
    stop_tx.send(true).unwrap();
    looping.await.unwrap();
    // Real time again before the ticker stops, so the checks' queries cannot time out.
    tokio::time::resume();
    ticker.abort();

    assert_eq!(fake.rate_limited_count(), 0, "429s in {elapsed:?}");
    // The sustained rate: the N - R posts after the first went out over this span.
    let span = last_window.unwrap() - first.unwrap();
    let rate = (n - u64::from(R)) as f64 / span.as_secs_f64();
    assert!(
        (0.9 * f64::from(R)..=f64::from(R)).contains(&rate),
        "{} posts after the first went out in {span:?}: {rate:.1}/s",
        n - u64::from(R)
    );
    assert!(n as f64 / elapsed.as_secs_f64() >= 0.9 * f64::from(R));
    assert_eq!(fake.duplicate_posts(), 0);
    let posts = fake.requests_to("POST", MESSAGES);
    assert_eq!(posts.len() as u64, n, "one request per post");
    assert!(posts.iter().all(|p| p.status == 200));
    assert_eq!(unsent(app).await, 0);
    fake.assert_no_violations();
}

#[tokio::test]
async fn a_burst_of_posts_goes_out_at_the_global_rate_once_each_without_a_429() {
    let app = spawn(Some(R)).await;
    // Eight windows: longer than one step's drain budget (5 s), so the loop steps again.
    burst(&app, 8 * u64::from(R)).await;
}

#[tokio::test]
async fn a_round_trip_to_discord_does_not_cap_the_rate() {
    let app = spawn(Some(R)).await;
    // One at a time, 300 ms each would allow only 3.3 posts a second.
    app.fake().set_round_trip(Duration::from_millis(300));
    burst(&app, 4 * u64::from(R)).await;
}

#[tokio::test]
async fn a_short_global_429_is_sat_out_and_the_post_sent_in_the_same_step() {
    let app = spawn(None).await;
    let fake = app.fake().clone();
    for i in 0..3 {
        queue(&app, 20 + i, &format!("post {i}")).await;
    }
    fake.fail_next(
        "POST",
        MESSAGES,
        1,
        Failure::GloballyRateLimited {
            retry_after_secs: 0.3,
        },
    );

    let start = Instant::now();
    let report = app.step_scheduler().await;

    assert!(start.elapsed() >= Duration::from_millis(300), "waited");
    assert_eq!(
        (report.sent, report.rate_limited, report.deferred),
        (3, 1, 0)
    );
    assert_eq!(report.paused_for, None);
    // The three went out together; the one refused went again after the pause.
    let posts = fake.requests_to("POST", MESSAGES);
    let nonce = |p: &RecordedRequest| p.body.as_ref().unwrap()["nonce"].clone();
    let refused: Vec<_> = posts.iter().filter(|p| p.status == 429).collect();
    let sent: Vec<_> = posts
        .iter()
        .filter(|p| p.status == 200)
        .map(nonce)
        .collect();
    assert_eq!((refused.len(), sent.len()), (1, 3));
    assert!(
        sent.contains(&nonce(refused[0])),
        "the same post, tried again"
    );
    assert_eq!(fake.duplicate_posts(), 0);
    assert_eq!(unsent(&app).await, 0);
}

#[tokio::test]
async fn a_long_global_429_stops_the_drain_until_it_is_over() {
    let app = spawn(None).await;
    let fake = app.fake().clone();
    let in_flight = OutboxSender::new(&app.settings, Secret::new(TOKEN)).max_in_flight();
    let rows = 3 * in_flight;
    for i in 0..rows {
        queue(&app, 20 + i as u64, &format!("post {i}")).await;
    }
    fake.fail_next(
        "POST",
        MESSAGES,
        1,
        Failure::GloballyRateLimited {
            retry_after_secs: 12.5,
        },
    );

    let report = app.step_scheduler().await;

    assert_eq!(report.rate_limited, 1);
    assert_eq!(report.paused_for, Some(Duration::from_millis(12_500)));
    // Only the sends already in flight when the 429 came went out; the drain took no more.
    let requests = fake.requests_to("POST", MESSAGES).len();
    assert!(requests <= in_flight, "{requests} requests");
    assert_eq!(report.sent, requests - 1);
    assert_eq!(unsent(&app).await, (rows - report.sent) as i64);
    // After the pause (a fresh sender: tokio's clock did not move) the rest goes, once each.
    app.clock.advance(chrono::Duration::seconds(13));
    let later = app.step_scheduler().await;
    assert_eq!(report.sent + later.sent, rows);
    assert_eq!(fake.duplicate_posts(), 0);
    assert_eq!(unsent(&app).await, 0);
}

#[tokio::test]
async fn a_route_discord_holds_puts_off_its_own_posts_and_lets_other_channels_go() {
    let app = spawn(None).await;
    let fake = app.fake().clone();
    queue(&app, 31, "first in 31").await;
    queue(&app, 31, "second in 31").await;
    queue(&app, 32, "only in 32").await;
    fake.fail_next(
        "POST",
        "/channels/31/messages",
        1,
        Failure::RateLimited {
            retry_after_secs: 30.0,
        },
    );

    let start = Instant::now();
    let report = app.step_scheduler().await;

    assert!(
        start.elapsed() < Duration::from_secs(5),
        "nothing sat out 30 s"
    );
    assert_eq!(
        (report.sent, report.rate_limited, report.deferred),
        (1, 1, 1)
    );
    assert_eq!(report.paused_for, None, "only channel 31 is held");
    assert_eq!(fake.requests_to("POST", "/channels/31/messages").len(), 1);
    assert_eq!(fake.requests_to("POST", "/channels/32/messages").len(), 1);

    app.clock.advance(chrono::Duration::seconds(30));
    let report = app.step_scheduler().await;
    assert_eq!(report.sent, 2);
    let in_31 = fake.requests_to("POST", "/channels/31/messages");
    let contents: Vec<&str> = in_31
        .iter()
        .map(|p| p.body.as_ref().unwrap()["content"].as_str().unwrap())
        .collect();
    assert_eq!(contents, ["first in 31", "first in 31", "second in 31"]);
    // Two posts in one channel, each once (the fake's `duplicate_posts` counts per channel).
    let nonces: Vec<_> = in_31
        .iter()
        .filter(|p| p.status == 200)
        .map(|p| p.body.as_ref().unwrap()["nonce"].clone())
        .collect();
    assert_eq!(nonces.len(), 2);
    assert_ne!(nonces[0], nonces[1]);
    assert_eq!(unsent(&app).await, 0);
}
