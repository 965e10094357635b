//! The scheduler burst: many teams' stand-ups due at the same minute, each in its own channel,
//! against a fake Discord that allows R requests a second and answers a global 429 beyond. The
//! bot's clock is moved to the due minute and then runs at real speed; the fake counts what
//! arrives (prompts, then their threads), the 429s it gave and any post made twice.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use chrono::{DateTime, TimeZone as _, Utc};
use sprintmate::commands::Clock;
use sprintmate::console::synth::{Actor, Synth};

use crate::bot::{self, Bot};
use crate::driver::Driver;
use crate::plan::Plan;
use crate::seed;

/// Team `i`'s stand-up channel is `FIRST_CHANNEL + i`.
const FIRST_CHANNEL: u64 = 1_400_000_000_000_100_000;
/// Requests each stand-up makes at its prompt time: the prompt, then its thread.
const REQUESTS_PER_STANDUP: u64 = 2;

/// A clock that runs at real speed from a time the benchmark sets.
#[derive(Debug)]
struct ShiftedClock(Mutex<(DateTime<Utc>, Instant)>);

impl ShiftedClock {
    fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new((at, Instant::now())))
    }

    fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().expect("the clock") = (at, Instant::now());
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        let (at, since) = *self.0.lock().expect("the clock");
        at + chrono::Duration::from_std(since.elapsed()).unwrap_or_default()
    }
}

/// What the burst achieved.
pub struct Burst {
    pub standups: u64,
    pub rate: u32,
    /// Successful requests to the fake after the due minute.
    pub delivered: u64,
    /// From the due minute to the last delivery.
    pub took: Duration,
    pub rate_limited: u64,
    pub duplicates: u64,
}

impl Burst {
    /// Achieved requests per second over R.
    pub fn ratio(&self) -> f64 {
        self.delivered as f64 / self.took.as_secs_f64().max(f64::EPSILON) / f64::from(self.rate)
    }

    /// Rate-limit windows (one second each) the burst spanned.
    pub fn windows(&self) -> u64 {
        self.took.as_secs_f64().ceil() as u64
    }
}

pub async fn run(plan: &Plan) -> Burst {
    let world = seed::world(plan.burst_standups, 0, &[]).await;
    let fake = &world.fake;

    // Monday 2026-03-02, an hour before the stand-ups.
    let due = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let clock = Arc::new(ShiftedClock::new(due - chrono::Duration::hours(1)));
    let mut settings = bot::settings(&world.database, &fake.base_url());
    // The bot paces itself to the rate it is told Discord allows (50/s, Discord's global
    // limit, unless configured otherwise); the fake enforces the same R.
    settings.discord_requests_per_second =
        std::num::NonZeroU32::new(plan.burst_rate).expect("R is not zero");
    let bot = Bot::start_with_clock(settings, clock.clone());
    let signing_clock = clock.clone();
    let driver = Driver::new(
        bot.interactions_url(),
        Arc::new(move || signing_clock.now().timestamp()),
    );

    // Every team's admin sets up a 09:00 UTC stand-up in the team's own channel.
    let synth = Synth::new();
    let setups: Vec<Bytes> = (0..plan.burst_standups)
        .map(|i| {
            let channel = FIRST_CHANNEL + i;
            let actor = Actor::admin(5, "po")
                .in_guild(seed::FIRST_GUILD + i)
                .in_channel(channel);
            let line = format!("/standup setup channel:<#{channel}> time:09:00 timezone:UTC");
            Bytes::from(serde_json::to_vec(&synth.command(&actor, &line).expect(&line)).unwrap())
        })
        .collect();
    for body in setups {
        let reply = driver.send(body).await.expect("the setup answers");
        crate::driver::Answer::check(&reply, crate::scenarios::expect_public_reply)
            .expect("the stand-up is set up");
    }

    fake.limit_rate(plan.burst_rate);
    let before = fake.succeeded_count();
    let expected = plan.burst_standups * REQUESTS_PER_STANDUP;
    clock.set(due);
    let started = Instant::now();
    bot.services.scheduler_wake.notify_one();

    // Generous: three times what R allows, plus a minute for a slow machine.
    let limit = Duration::from_secs_f64(expected as f64 / f64::from(plan.burst_rate) * 3.0 + 60.0);
    let mut last_count = before;
    let mut last_change = started;
    while started.elapsed() < limit {
        let count = fake.succeeded_count();
        if count != last_count {
            last_count = count;
            last_change = Instant::now();
        }
        if count - before >= expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // A little longer, to catch a duplicate sent after the expected count.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let burst = Burst {
        standups: plan.burst_standups,
        rate: plan.burst_rate,
        delivered: last_count - before,
        took: last_change.duration_since(started),
        rate_limited: fake.rate_limited_count(),
        duplicates: fake.duplicate_posts(),
    };
    drop(bot);
    burst
}
