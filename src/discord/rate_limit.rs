//! Client-side pacing of the bot's own REST calls, so a burst of outbox posts goes out at
//! Discord's pace instead of collecting 429s:
//!
//! - global: at most R requests in any sliding window of one second plus [`JITTER_MARGIN`], so
//!   requests that reach Discord a little late or early still never put R + 1 into one of its
//!   one-second windows (R / 1.05 s is still 95 % of R);
//! - per route: Discord's bucket headers (`X-RateLimit-Bucket`, `-Remaining`, `-Reset-After`);
//!   a route whose bucket is empty waits for its reset;
//! - 429: a global one (`X-RateLimit-Global` or `"global": true`) pauses every send for its
//!   fractional `retry_after`, any other pauses its route.
//!
//! Clones of the sender share one limiter; its lock is never held across an `.await`. It reads
//! tokio's clock, so tests under `tokio::time::pause()` see exact waits.

use std::collections::{HashMap, VecDeque};
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

mod answer;

pub use answer::{RateLimitAnswer, Refusal};

/// How much longer than Discord's one second our window is: covers network jitter between
/// requests, and costs 5 % of the rate.
pub const JITTER_MARGIN: Duration = Duration::from_millis(50);

/// Expired buckets are dropped at most this often (each sweep walks the whole map).
const PRUNE_EVERY: Duration = Duration::from_secs(1);

/// How long a caller will wait for a send slot, before it would rather put the request off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Patience {
    /// For a global pause or a full window: every request waits the same, so waiting costs
    /// nothing that sending something else would save.
    pub global: Duration,
    /// For this route's bucket: other routes could go meanwhile.
    pub route: Duration,
}

impl Patience {
    /// Whether a wait of this kind is short enough to sit out.
    pub fn sits_out(&self, wait: Duration, global: bool) -> bool {
        wait <= if global { self.global } else { self.route }
    }
}

/// Why a request may not go yet: the wait, and whether it holds every request or one route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hold {
    pub wait: Duration,
    pub global: bool,
}

/// A REST route as Discord limits it: the path with ids replaced (`template`) and its major
/// parameter (the channel id for message routes), which separates buckets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Route {
    pub template: &'static str,
    pub major: u64,
}

/// What Discord last said about one bucket.
#[derive(Debug)]
struct Bucket {
    remaining: u32,
    reset_at: Instant,
}

#[derive(Debug)]
struct State {
    per_second: usize,
    /// When the last `per_second` requests were let through, oldest first.
    sent: VecDeque<Instant>,
    /// Discord's global 429: nothing goes out before this.
    paused_until: Option<Instant>,
    /// Discord's bucket hash for each route template (a handful: one per template in the code).
    bucket_names: HashMap<&'static str, String>,
    /// Buckets by (hash, or the template before the hash is known; major parameter). Entries
    /// whose reset has passed are pruned, so this holds only recently used routes.
    buckets: HashMap<(String, u64), Bucket>,
    last_prune: Instant,
}

/// The limiter the outbox sender owns (shared by its clones through an `Arc`).
#[derive(Debug)]
pub struct RateLimiter {
    state: Mutex<State>,
}

fn window() -> Duration {
    Duration::from_secs(1) + JITTER_MARGIN
}

impl RateLimiter {
    pub fn new(per_second: NonZeroU32) -> Self {
        let per_second = per_second.get() as usize;
        Self {
            state: Mutex::new(State {
                per_second,
                sent: VecDeque::with_capacity(per_second),
                paused_until: None,
                bucket_names: HashMap::new(),
                buckets: HashMap::new(),
                last_prune: Instant::now(),
            }),
        }
    }

    /// The global rate R this limiter keeps to.
    pub fn per_second(&self) -> usize {
        self.state().per_second
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until a request to `route` may go, and counts it. When that is further away than
    /// `patience` allows, returns the hold at once without counting anything, so the caller can
    /// put the request off instead of holding everything else up.
    pub async fn acquire(&self, route: Route, patience: Patience) -> Result<(), Hold> {
        loop {
            let until = {
                let mut state = self.state();
                let now = Instant::now();
                let everything = state.global_earliest(now);
                let this_route = state.route_earliest(route, now);
                if everything.max(this_route) <= now {
                    state.admit(route, now);
                    return Ok(());
                }
                if everything - now > patience.global {
                    return Err(Hold {
                        wait: everything.max(this_route) - now,
                        global: true,
                    });
                }
                if this_route.saturating_duration_since(now) > patience.route {
                    return Err(Hold {
                        wait: this_route - now,
                        global: false,
                    });
                }
                everything.max(this_route)
            };
            // Look again after the wait: a clone may have taken the slot, or a 429 arrived.
            tokio::time::sleep_until(until).await;
        }
    }

    /// Learns from Discord's answer to a request to `route`: its bucket, and a 429's pause.
    pub fn observe(&self, route: Route, answer: &RateLimitAnswer) {
        let mut state = self.state();
        let now = Instant::now();
        if let Some(hash) = &answer.bucket {
            if state.bucket_names.get(route.template) != Some(hash) {
                state.bucket_names.insert(route.template, hash.clone());
            }
        }
        if let (Some(remaining), Some(reset_after)) = (answer.remaining, answer.reset_after) {
            let key = state.bucket_key(route);
            state.buckets.insert(
                key,
                Bucket {
                    remaining,
                    reset_at: now + reset_after,
                },
            );
        }
        if let Some(refusal) = answer.refusal {
            let until = now + refusal.retry_after;
            if refusal.global {
                state.paused_until = Some(state.paused_until.map_or(until, |p| p.max(until)));
            } else {
                let key = state.bucket_key(route);
                let bucket = state.buckets.entry(key).or_insert(Bucket {
                    remaining: 0,
                    reset_at: until,
                });
                bucket.remaining = 0;
                bucket.reset_at = bucket.reset_at.max(until);
            }
        }
        state.prune(now);
    }
}

impl State {
    fn bucket_key(&self, route: Route) -> (String, u64) {
        let name = self
            .bucket_names
            .get(route.template)
            .cloned()
            .unwrap_or_else(|| route.template.to_string());
        (name, route.major)
    }

    /// The first moment any request may go: after a global pause, and once the oldest of the
    /// last R requests has left the window.
    fn global_earliest(&self, now: Instant) -> Instant {
        let mut earliest = now;
        if let Some(until) = self.paused_until {
            earliest = earliest.max(until);
        }
        if self.sent.len() >= self.per_second {
            if let Some(oldest) = self.sent.front() {
                earliest = earliest.max(*oldest + window());
            }
        }
        earliest
    }

    /// The first moment `route`'s bucket lets a request go: at once unless it is empty.
    fn route_earliest(&self, route: Route, now: Instant) -> Instant {
        match self.buckets.get(&self.bucket_key(route)) {
            Some(bucket) if bucket.remaining == 0 => now.max(bucket.reset_at),
            _ => now,
        }
    }

    fn admit(&mut self, route: Route, now: Instant) {
        if self.sent.len() >= self.per_second {
            self.sent.pop_front();
        }
        self.sent.push_back(now);
        let key = self.bucket_key(route);
        if let Some(bucket) = self.buckets.get_mut(&key) {
            if bucket.reset_at > now {
                // Until Discord answers, assume this request used one.
                bucket.remaining = bucket.remaining.saturating_sub(1);
            }
        }
        self.prune(now);
    }

    fn prune(&mut self, now: Instant) {
        if now.duration_since(self.last_prune) < PRUNE_EVERY {
            return;
        }
        self.last_prune = now;
        self.buckets.retain(|_, bucket| bucket.reset_at > now);
        if self.paused_until.is_some_and(|until| until <= now) {
            self.paused_until = None;
        }
    }
}

#[cfg(test)]
mod tests;
