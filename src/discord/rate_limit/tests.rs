//! The limiter under tokio's paused clock: every wait is exact.

use super::*;

const LONG: Patience = Patience {
    global: Duration::from_secs(60),
    route: Duration::from_secs(60),
};

fn limiter(per_second: u32) -> RateLimiter {
    RateLimiter::new(NonZeroU32::new(per_second).unwrap())
}

fn channel(major: u64) -> Route {
    Route {
        template: "POST /channels/{channel}/messages",
        major,
    }
}

fn bucket(remaining: u32, reset_after_ms: u64) -> RateLimitAnswer {
    RateLimitAnswer {
        bucket: Some("hash".into()),
        remaining: Some(remaining),
        reset_after: Some(Duration::from_millis(reset_after_ms)),
        refusal: None,
    }
}

fn refused(retry_after_ms: u64, global: bool) -> RateLimitAnswer {
    RateLimitAnswer {
        refusal: Some(Refusal {
            retry_after: Duration::from_millis(retry_after_ms),
            global,
        }),
        ..RateLimitAnswer::default()
    }
}

/// Acquires `route` and says when (since `start`) it was let through.
async fn go(limiter: &RateLimiter, route: Route, start: Instant) -> Duration {
    limiter.acquire(route, LONG).await.expect("within LONG");
    start.elapsed()
}

#[tokio::test(start_paused = true)]
async fn never_more_than_r_requests_in_any_window_of_a_second_and_the_margin() {
    let limiter = limiter(5);
    let start = Instant::now();
    let mut times = Vec::new();
    for i in 0..20 {
        // Different channels: only the global pace applies.
        times.push(go(&limiter, channel(i), start).await);
    }
    for pair in times.windows(6) {
        assert!(pair[5] - pair[0] >= window(), "{times:?}");
    }
    // Bursts of R, one window apart: the rate is R / 1.05 s.
    let window_ms = window().as_millis();
    let expected: Vec<Duration> = (0..20u64)
        .map(|i| Duration::from_millis((i / 5) * window_ms as u64))
        .collect();
    assert_eq!(times, expected);
}

#[tokio::test(start_paused = true)]
async fn the_window_slides_a_late_request_frees_its_slot_late() {
    let limiter = limiter(2);
    let start = Instant::now();
    assert_eq!(go(&limiter, channel(1), start).await, Duration::ZERO);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(go(&limiter, channel(1), start).await.as_millis(), 500);
    assert_eq!(go(&limiter, channel(1), start).await, window());
    assert_eq!(
        go(&limiter, channel(1), start).await,
        window() + Duration::from_millis(500)
    );
}

#[tokio::test(start_paused = true)]
async fn an_empty_bucket_holds_its_route_until_the_reset_and_no_other_route() {
    let limiter = limiter(50);
    let start = Instant::now();
    limiter.observe(channel(1), &bucket(0, 2_000));
    assert_eq!(go(&limiter, channel(2), start).await, Duration::ZERO);
    assert_eq!(go(&limiter, channel(1), start).await.as_millis(), 2_000);
}

#[tokio::test(start_paused = true)]
async fn a_bucket_s_remaining_counts_down_until_discord_answers_again() {
    let limiter = limiter(50);
    let start = Instant::now();
    limiter.observe(channel(1), &bucket(1, 5_000));
    assert_eq!(go(&limiter, channel(1), start).await, Duration::ZERO);
    assert_eq!(go(&limiter, channel(1), start).await.as_millis(), 5_000);
}

#[tokio::test(start_paused = true)]
async fn a_global_429_pauses_every_route_for_its_fractional_wait() {
    let limiter = limiter(50);
    let start = Instant::now();
    limiter.observe(channel(1), &refused(300, true));
    assert_eq!(go(&limiter, channel(2), start).await.as_millis(), 300);
    assert_eq!(go(&limiter, channel(1), start).await.as_millis(), 300);
}

#[tokio::test(start_paused = true)]
async fn a_route_429_pauses_only_that_route() {
    let limiter = limiter(50);
    let start = Instant::now();
    limiter.observe(channel(1), &refused(750, false));
    assert_eq!(go(&limiter, channel(2), start).await, Duration::ZERO);
    assert_eq!(go(&limiter, channel(1), start).await.as_millis(), 750);
}

#[tokio::test(start_paused = true)]
async fn a_hold_beyond_the_callers_patience_is_returned_at_once_and_uses_no_slot() {
    let limiter = limiter(1);
    let start = Instant::now();
    let patience = Patience {
        global: Duration::from_secs(5),
        route: Duration::from_secs(1),
    };
    limiter.observe(channel(1), &refused(2_000, false));
    let hold = limiter
        .acquire(channel(1), patience)
        .await
        .expect_err("2 s is beyond the route's 1 s");
    assert_eq!(
        hold,
        Hold {
            wait: Duration::from_secs(2),
            global: false
        }
    );
    assert_eq!(start.elapsed(), Duration::ZERO);
    // The held request did not take the only slot of the window.
    assert_eq!(go(&limiter, channel(2), start).await, Duration::ZERO);

    limiter.observe(channel(2), &refused(30_000, true));
    let hold = limiter.acquire(channel(3), patience).await.unwrap_err();
    assert_eq!(
        hold,
        Hold {
            wait: Duration::from_secs(30),
            global: true
        }
    );
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_short_global_pause_is_sat_out() {
    let limiter = limiter(50);
    let start = Instant::now();
    let patience = Patience {
        global: Duration::from_secs(5),
        route: Duration::ZERO,
    };
    limiter.observe(channel(1), &refused(4_000, true));
    limiter.acquire(channel(2), patience).await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_secs(4));
}

#[tokio::test(start_paused = true)]
async fn expired_buckets_are_forgotten() {
    let limiter = limiter(50);
    for major in 0..1_000 {
        limiter.observe(channel(major), &bucket(3, 500));
    }
    assert_eq!(limiter.state().buckets.len(), 1_000);
    tokio::time::sleep(Duration::from_secs(2)).await;
    limiter.observe(channel(5_000), &bucket(3, 500));
    assert_eq!(limiter.state().buckets.len(), 1);
    // Route templates map to a bucket hash: one entry per template, not per channel.
    assert_eq!(limiter.state().bucket_names.len(), 1);
}
