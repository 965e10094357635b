//! A fake of Discord's REST API for the integration tests: an axum server on `127.0.0.1:0` that
//! records every request in order, validates every JSON body against Discord's OpenAPI spec,
//! answers with JSON serenity 0.12.5 can read, hands out increasing snowflakes, and can be told
//! to fail the next requests to a route with 429, 500 or 403.
//!
//! The load benchmark starts it with [`FakeOptions`]: without the spec check and the request log
//! (they would dominate what is measured and grow without bound), and with a global rate limit.
//! [`FakeDiscord::set_round_trip`] makes every answer take a network round trip.
//!
//! Here: the server, its state and what tests plan and read; `answers.rs` answers a request,
//! `request_body.rs` reads and checks its body, `payloads.rs` holds the JSON it answers with.
//! Its own tests are `tests/api/fake_discord_tests.rs`, outside this folder, because the load
//! benchmark compiles this folder too and has no use for them.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use serde_json::Value;

mod answers;
mod payloads;
mod request_body;

use answers::answer;

use crate::fake_rate_limit::GlobalLimit;
use crate::openapi::API_PREFIX;

/// The bot user's id (the user the fake's messages are authored by).
pub const BOT_USER_ID: u64 = 1_100_000_000_000_000_002;

/// The application id the fake reports at `GET /oauth2/applications/@me`.
pub const FAKE_APPLICATION_ID: u64 = 1_100_000_000_000_000_001;

/// The channel the fake says a webhook message (an interaction's response or follow-up) is in;
/// its paths do not name one. The tests' interactions come from this channel.
pub const WEBHOOK_CHANNEL_ID: u64 = 1_200_000_000_000_000_002;

/// The guild name the fake reports unless told otherwise.
pub const DEFAULT_GUILD_NAME: &str = "Acme Corp";

/// One request the fake received.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// The path without the query, e.g. `/api/v10/channels/1/messages`.
    pub path: String,
    pub query: Option<String>,
    /// Header names in lower case.
    pub headers: HashMap<String, String>,
    /// The JSON body; for a multipart request, its `payload_json` part.
    pub body: Option<Value>,
    /// File names of a multipart request's file parts.
    pub files: Vec<String>,
    /// The bytes of those file parts, in the same order as `files`.
    pub file_bytes: Vec<Vec<u8>>,
    /// The status the fake answered with.
    pub status: u16,
}

impl RecordedRequest {
    /// Whether this is `method` to a path matching `pattern` (see [`path_matches`]).
    pub fn is(&self, method: &str, pattern: &str) -> bool {
        self.method.eq_ignore_ascii_case(method) && path_matches(pattern, &self.path)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The `n`th path segment after `/api/v10` (0-based), e.g. the channel id of a message post.
    pub fn segment(&self, n: usize) -> &str {
        route_path(&self.path)
            .split('/')
            .filter(|s| !s.is_empty())
            .nth(n)
            .unwrap_or_default()
    }
}

/// How to fail a request.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Failure {
    /// 429 with `Retry-After` and Discord's JSON body.
    RateLimited { retry_after_secs: f64 },
    /// Discord's global 429: `X-RateLimit-Global: true` and a fractional `Retry-After`.
    GloballyRateLimited { retry_after_secs: f64 },
    /// 500.
    ServerError,
    /// 403 (`Missing Permissions`).
    Forbidden,
}

#[derive(Debug)]
struct PlannedFailure {
    method: String,
    pattern: String,
    remaining: usize,
    failure: Failure,
}

#[derive(Debug)]
struct CannedAnswer {
    method: String,
    pattern: String,
    status: u16,
    body: Value,
}

/// How the fake behaves beyond its routes.
#[derive(Clone, Copy, Debug)]
pub struct FakeOptions {
    /// Check every body against the spec and keep every request (the tests); off, the fake only
    /// counts (the benchmark).
    pub check_and_record: bool,
    /// Discord's global rate limit: this many requests per second, a global 429 beyond.
    pub requests_per_second: Option<u32>,
}

impl Default for FakeOptions {
    fn default() -> Self {
        Self {
            check_and_record: true,
            requests_per_second: None,
        }
    }
}

#[derive(Debug, Default)]
struct FakeState {
    requests: Vec<RecordedRequest>,
    violations: Vec<String>,
    failures: Vec<PlannedFailure>,
    canned: Vec<CannedAnswer>,
    guild_names: HashMap<u64, String>,
    limit: Option<GlobalLimit>,
    /// Successful `POST`s per path: more than one to the same new-message or new-thread path
    /// is a duplicate post.
    posts_by_path: HashMap<String, u32>,
    /// Requests answered with a 2xx.
    succeeded: u64,
    /// Half before the request counts (the way there), half after (the way back).
    round_trip: Duration,
}

#[derive(Debug)]
struct Inner {
    address: SocketAddr,
    options: FakeOptions,
    state: Mutex<FakeState>,
    changed: tokio::sync::Notify,
}

/// A running fake; clones share it.
#[derive(Clone, Debug)]
pub struct FakeDiscord {
    inner: Arc<Inner>,
}

/// Whether a concrete path matches `pattern`. Both may carry the `/api/v10` prefix or not; a
/// pattern segment `{anything}` or `*` matches any one segment.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = route_path(pattern).split('/').collect();
    let path: Vec<&str> = route_path(path).split('/').collect();
    pattern.len() == path.len()
        && pattern.iter().zip(&path).all(|(p, c)| {
            *p == "*" || (p.starts_with('{') && p.ends_with('}') && !c.is_empty()) || p == c
        })
}

fn route_path(path: &str) -> &str {
    let path = path.split('?').next().unwrap_or_default();
    path.strip_prefix(API_PREFIX)
        .unwrap_or(path)
        .trim_end_matches('/')
}

impl FakeDiscord {
    /// Starts the fake on a free local port, in the current tokio runtime.
    pub async fn start() -> Self {
        Self::start_with(FakeOptions::default()).await
    }

    /// Starts a fake that behaves as `options` say.
    pub async fn start_with(options: FakeOptions) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the fake Discord binds a local port");
        let state = FakeState {
            limit: options.requests_per_second.map(GlobalLimit::new),
            ..FakeState::default()
        };
        let fake = Self {
            inner: Arc::new(Inner {
                address: listener.local_addr().expect("a bound address"),
                options,
                state: Mutex::new(state),
                changed: tokio::sync::Notify::new(),
            }),
        };
        let router = Router::new().fallback(answer).with_state(fake.clone());
        tokio::spawn(async move {
            axum::serve(listener, router)
                .await
                .expect("the fake Discord serves");
        });
        fake
    }

    /// `http://127.0.0.1:PORT`: what `DISCORD_API_BASE` is set to.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.inner.address)
    }

    /// A fresh snowflake, larger than every one handed out before and stamped with the time, as
    /// Discord's are; drawn from the same counter as the synthetic interactions' ids, so a
    /// message the fake posts never shares an id with one a test made up.
    pub fn next_id(&self) -> u64 {
        sprintmate::console::synth::new_id()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, FakeState> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Every request so far, in the order received.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state().requests.clone()
    }

    /// The requests that were `method` to a path matching `pattern`.
    pub fn requests_to(&self, method: &str, pattern: &str) -> Vec<RecordedRequest> {
        self.state()
            .requests
            .iter()
            .filter(|r| r.is(method, pattern))
            .cloned()
            .collect()
    }

    /// From now on, Discord's global rate limit of `per_second` requests a second.
    pub fn limit_rate(&self, per_second: u32) {
        self.state().limit = Some(GlobalLimit::new(per_second));
    }

    /// Global 429s answered so far (with a rate limit set).
    pub fn rate_limited_count(&self) -> u64 {
        self.state().limit.as_ref().map_or(0, GlobalLimit::refused)
    }

    /// Requests answered with a 2xx so far.
    pub fn succeeded_count(&self) -> u64 {
        self.state().succeeded
    }

    /// Successful `POST`s beyond the first to the same path (a message or thread posted twice).
    pub fn duplicate_posts(&self) -> u64 {
        self.state()
            .posts_by_path
            .values()
            .map(|&n| u64::from(n.saturating_sub(1)))
            .sum()
    }

    /// Forgets the requests recorded so far (violations are kept).
    pub fn clear_requests(&self) {
        self.state().requests.clear();
    }

    /// Waits up to `timeout` until `count` requests matched; returns them (fewer on timeout).
    pub async fn wait_for(
        &self,
        method: &str,
        pattern: &str,
        count: usize,
        timeout: Duration,
    ) -> Vec<RecordedRequest> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let changed = self.inner.changed.notified();
            let found = self.requests_to(method, pattern);
            if found.len() >= count {
                return found;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return self.requests_to(method, pattern);
            }
        }
    }

    /// What was wrong with the requests so far: bodies the spec rejects, routes the spec does
    /// not have, routes the fake cannot answer.
    pub fn violations(&self) -> Vec<String> {
        self.state().violations.clone()
    }

    /// Panics with the list of violations, if any.
    pub fn assert_no_violations(&self) {
        let violations = self.violations();
        assert!(
            violations.is_empty(),
            "the fake Discord saw {} bad request(s):\n  {}",
            violations.len(),
            violations.join("\n  ")
        );
    }

    /// Answers the next `times` requests of `method` to `pattern` with `failure`.
    pub fn fail_next(&self, method: &str, pattern: &str, times: usize, failure: Failure) {
        self.state().failures.push(PlannedFailure {
            method: method.to_string(),
            pattern: pattern.to_string(),
            remaining: times,
            failure,
        });
    }

    /// Answers every later request of `method` to `pattern` with `status` and `body`; the
    /// latest canned answer for a route wins.
    pub fn respond_with(&self, method: &str, pattern: &str, status: u16, body: Value) {
        self.state().canned.push(CannedAnswer {
            method: method.to_string(),
            pattern: pattern.to_string(),
            status,
            body,
        });
    }

    /// Makes every later answer take `round_trip` (tokio's clock: exact under paused time).
    pub fn set_round_trip(&self, round_trip: Duration) {
        self.state().round_trip = round_trip;
    }

    /// The name `GET /guilds/{guild_id}` reports for `guild_id`.
    pub fn set_guild_name(&self, guild_id: u64, name: &str) {
        self.state().guild_names.insert(guild_id, name.to_string());
    }

    fn take_failure(&self, method: &str, path: &str) -> Option<Failure> {
        let mut state = self.state();
        let planned = state.failures.iter_mut().find(|f| {
            f.remaining > 0
                && f.method.eq_ignore_ascii_case(method)
                && path_matches(&f.pattern, path)
        })?;
        planned.remaining -= 1;
        Some(planned.failure)
    }

    fn canned(&self, method: &str, path: &str) -> Option<(u16, Value)> {
        self.state()
            .canned
            .iter()
            .rev()
            .find(|c| c.method.eq_ignore_ascii_case(method) && path_matches(&c.pattern, path))
            .map(|c| (c.status, c.body.clone()))
    }

    /// `Some(wait)` when the global rate limit refuses this request.
    fn over_global_limit(&self) -> Option<Duration> {
        let mut state = self.state();
        let limit = state.limit.as_mut()?;
        limit.admit(tokio::time::Instant::now()).err()
    }

    fn count(&self, method: &str, path: &str, status: u16) {
        if !(200..300).contains(&status) {
            return;
        }
        let mut state = self.state();
        state.succeeded += 1;
        if method == "POST" {
            *state.posts_by_path.entry(path.to_string()).or_default() += 1;
        }
    }

    fn record(&self, request: RecordedRequest, violations: Vec<String>) {
        {
            let mut state = self.state();
            state.violations.extend(violations);
            state.requests.push(request);
        }
        self.inner.changed.notify_waiters();
    }
}
