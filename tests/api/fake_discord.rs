//! A fake of Discord's REST API for the integration tests: an axum server on `127.0.0.1:0` that
//! records every request in order, validates every JSON body against Discord's OpenAPI spec,
//! answers with JSON serenity 0.12.5 can read, hands out increasing snowflakes, and can be told
//! to fail the next requests to a route with 429, 500 or 403.
//!
//! The load benchmark starts it with [`FakeOptions`]: without the spec check and the request log
//! (they would dominate what is measured and grow without bound), and with a global rate limit.
//! [`FakeDiscord::set_round_trip`] makes every answer take a network round trip.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::fake_rate_limit::GlobalLimit;
use crate::openapi::{self, API_PREFIX};

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

/// A parsed request body: the JSON (or `payload_json`) and the multipart files, name and bytes.
type ParsedBody = (Option<Value>, Vec<(String, Vec<u8>)>);

/// The body as JSON and the multipart files; `Err` when it is neither empty nor JSON.
fn parse_body(headers: &HeaderMap, body: &[u8]) -> Result<ParsedBody, String> {
    if body.is_empty() {
        return Ok((None, Vec::new()));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if let Some(boundary) = content_type
        .strip_prefix("multipart/form-data")
        .and_then(|rest| rest.split("boundary=").nth(1))
    {
        return parse_multipart(boundary.trim_matches('"'), body);
    }
    serde_json::from_slice(body)
        .map(|v| (Some(v), Vec::new()))
        .map_err(|e| format!("the body is not JSON ({e})"))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Splits a multipart body on its boundary, working on bytes so binary files survive intact.
fn parse_multipart(boundary: &str, body: &[u8]) -> Result<ParsedBody, String> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut payload = None;
    let mut files = Vec::new();
    let mut rest = body;
    let mut parts = Vec::new();
    while let Some(at) = find(rest, &delimiter) {
        parts.push(&rest[..at]);
        rest = &rest[at + delimiter.len()..];
    }
    for part in parts {
        let Some(split) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..split]);
        let content = &part[split + 4..];
        let content = content.strip_suffix(b"\r\n").unwrap_or(content);
        let attribute = |key: &str| {
            head.split(';')
                .filter_map(|a| a.trim().strip_prefix(&format!("{key}=")))
                .next()
                .map(|v| {
                    v.lines()
                        .next()
                        .unwrap_or_default()
                        .trim_matches('"')
                        .to_string()
                })
        };
        if let Some(filename) = attribute("filename") {
            files.push((filename, content.to_vec()));
        } else if attribute("name").as_deref() == Some("payload_json") {
            payload = Some(
                serde_json::from_slice(content)
                    .map_err(|e| format!("payload_json is not JSON ({e})"))?,
            );
        }
    }
    Ok((payload, files))
}

/// What is wrong with a request according to the spec.
fn spec_violations(method: &str, path: &str, body: Option<&Value>) -> Vec<String> {
    let Some(template) = openapi::route_template(path) else {
        return vec!["not a route of Discord's API".to_string()];
    };
    let operation = &openapi::document()["paths"][template][method.to_ascii_lowercase()];
    if operation.is_null() {
        return vec![format!("{template} has no {method} operation")];
    }
    match body {
        Some(body) => openapi::validate_request_body(method, path, body)
            .err()
            .unwrap_or_default(),
        None if operation["requestBody"]["required"] == json!(true) => {
            vec!["the request body is required".to_string()]
        }
        None => Vec::new(),
    }
}

async fn answer(
    State(fake): State<FakeDiscord>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let half = fake.state().round_trip / 2;
    if half.is_zero() {
        return answer_now(fake, method, uri, headers, body);
    }
    tokio::time::sleep(half).await;
    let response = answer_now(fake, method, uri, headers, body);
    tokio::time::sleep(half).await;
    response
}

fn answer_now(
    fake: FakeDiscord,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let method = method.as_str().to_string();
    let path = uri.path().to_string();
    let checked = fake.inner.options.check_and_record;
    let mut violations = Vec::new();
    let (json_body, files) = match parse_body(&headers, &body) {
        Ok(parsed) => parsed,
        Err(problem) => {
            violations.push(problem);
            (None, Vec::new())
        }
    };
    if checked {
        violations.extend(spec_violations(&method, &path, json_body.as_ref()));
    }

    let (status, answer_headers, answer_body) = if let Some(wait) = fake.over_global_limit() {
        failure_answer(Failure::GloballyRateLimited {
            retry_after_secs: wait.as_secs_f64(),
        })
    } else if let Some(failure) = fake.take_failure(&method, &path) {
        failure_answer(failure)
    } else if let Some((status, body)) = fake.canned(&method, &path) {
        (status, Vec::new(), Some(body))
    } else {
        match route_answer(&fake, &method, &path, json_body.as_ref()) {
            Some((status, body)) => (status, Vec::new(), body),
            None => {
                violations.push("the fake Discord has no answer for this route".to_string());
                (
                    404,
                    Vec::new(),
                    Some(json!({"message": "404: Not Found", "code": 0})),
                )
            }
        }
    };

    fake.count(&method, &path, status);
    if !checked {
        return finish(status, answer_headers, answer_body);
    }
    let violations = violations
        .into_iter()
        .map(|v| format!("{method} {path}: {v}"))
        .collect();
    fake.record(
        RecordedRequest {
            method,
            path,
            query: uri.query().map(str::to_string),
            headers: headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        v.to_str().unwrap_or_default().to_string(),
                    )
                })
                .collect(),
            body: json_body,
            files: files.iter().map(|(name, _)| name.clone()).collect(),
            file_bytes: files.into_iter().map(|(_, bytes)| bytes).collect(),
            status,
        },
        violations,
    );
    finish(status, answer_headers, answer_body)
}

fn finish(
    status: u16,
    answer_headers: Vec<(&'static str, String)>,
    answer_body: Option<Value>,
) -> Response {
    let status = StatusCode::from_u16(status).expect("a valid status");
    let mut response = match answer_body {
        Some(body) => (status, Json(body)).into_response(),
        None => status.into_response(),
    };
    for (name, value) in answer_headers {
        response.headers_mut().insert(
            name,
            HeaderValue::from_str(&value).expect("a valid header value"),
        );
    }
    response
}

type Answer = (u16, Vec<(&'static str, String)>, Option<Value>);

fn failure_answer(failure: Failure) -> Answer {
    match failure {
        Failure::RateLimited { retry_after_secs } => (
            429,
            vec![
                ("retry-after", format!("{}", retry_after_secs.ceil() as u64)),
                ("x-ratelimit-global", "false".to_string()),
                ("x-ratelimit-scope", "user".to_string()),
            ],
            Some(json!({
                "message": "You are being rate limited.",
                "retry_after": retry_after_secs,
                "global": false,
            })),
        ),
        Failure::GloballyRateLimited { retry_after_secs } => (
            429,
            vec![
                ("retry-after", format!("{retry_after_secs:.3}")),
                ("x-ratelimit-global", "true".to_string()),
                ("x-ratelimit-scope", "global".to_string()),
            ],
            Some(json!({
                "message": "You are being rate limited.",
                "retry_after": retry_after_secs,
                "global": true,
            })),
        ),
        Failure::ServerError => (
            500,
            Vec::new(),
            Some(json!({"message": "500: Internal Server Error", "code": 0})),
        ),
        Failure::Forbidden => (
            403,
            Vec::new(),
            Some(json!({"message": "Missing Permissions", "code": 50013})),
        ),
    }
}

/// The normal answer for a route, or `None` when the fake does not know it.
fn route_answer(
    fake: &FakeDiscord,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Option<(u16, Option<Value>)> {
    let empty = json!({});
    let body = body.unwrap_or(&empty);
    let segments: Vec<&str> = route_path(path).split('/').skip(1).collect();
    let id = |i: usize| segments[i].parse::<u64>().unwrap_or(0);
    let m = |pattern: &str| path_matches(pattern, path);
    let answer = match method {
        "PUT" if m("/applications/{app}/commands") => {
            (200, Some(commands(fake, id(1), None, body)))
        }
        "PUT" if m("/applications/{app}/guilds/{guild}/commands") => {
            (200, Some(commands(fake, id(1), Some(id(3)), body)))
        }
        "GET" if m("/oauth2/applications/@me") => (200, Some(application())),
        "GET" if m("/guilds/{guild}") => {
            let name = fake
                .state()
                .guild_names
                .get(&id(1))
                .cloned()
                .unwrap_or_else(|| DEFAULT_GUILD_NAME.to_string());
            (200, Some(guild(id(1), &name)))
        }
        "POST" if m("/channels/{channel}/messages") => {
            (200, Some(message(fake.next_id(), id(1), body)))
        }
        "PATCH" if m("/channels/{channel}/messages/{message}") => {
            (200, Some(message(id(3), id(1), body)))
        }
        "DELETE" if m("/channels/{channel}/messages/{message}") => (204, None),
        "POST" if m("/interactions/{id}/{token}/callback") => (204, None),
        "PATCH" if m("/webhooks/{app}/{token}/messages/@original") => {
            let mut answer = message(fake.next_id(), WEBHOOK_CHANNEL_ID, body);
            answer["webhook_id"] = json!(segments[1]);
            answer["application_id"] = json!(segments[1]);
            (200, Some(answer))
        }
        "POST" if m("/webhooks/{app}/{token}") => {
            let mut answer = message(fake.next_id(), WEBHOOK_CHANNEL_ID, body);
            answer["webhook_id"] = json!(segments[1]);
            (200, Some(answer))
        }
        "POST" if m("/channels/{channel}/threads") => {
            (201, Some(thread(fake.next_id(), id(1), body)))
        }
        "POST" if m("/channels/{channel}/messages/{message}/threads") => {
            // Discord names a thread started from a message with the message's id.
            (201, Some(thread(id(3), id(1), body)))
        }
        _ => return None,
    };
    Some(answer)
}

/// The bot user, as Discord describes it in messages.
pub fn bot_user() -> Value {
    json!({
        "id": BOT_USER_ID.to_string(),
        "username": "Sprintmate",
        "discriminator": "0",
        "global_name": null,
        "avatar": null,
        "bot": true,
        "public_flags": 0,
    })
}

fn commands(fake: &FakeDiscord, application_id: u64, guild_id: Option<u64>, body: &Value) -> Value {
    let registered: Vec<Value> = body
        .as_array()
        .into_iter()
        .flatten()
        .map(|command| {
            let mut out = command.clone();
            let defaults = [
                ("type", json!(1)),
                ("description", json!("")),
                ("default_member_permissions", Value::Null),
                ("nsfw", json!(false)),
                ("integration_types", json!([0])),
                ("contexts", Value::Null),
                ("name_localizations", Value::Null),
                ("description_localizations", Value::Null),
            ];
            for (key, value) in defaults {
                if out.get(key).is_none() {
                    out[key] = value;
                }
            }
            out["id"] = json!(fake.next_id().to_string());
            out["application_id"] = json!(application_id.to_string());
            out["version"] = json!(fake.next_id().to_string());
            if let Some(guild_id) = guild_id {
                out["guild_id"] = json!(guild_id.to_string());
            }
            out
        })
        .collect();
    Value::Array(registered)
}

fn application() -> Value {
    json!({
        "id": FAKE_APPLICATION_ID.to_string(),
        "name": "Sprintmate (test)",
        "icon": null,
        "description": "",
        "summary": "",
        "type": null,
        "bot_public": false,
        "bot_require_code_grant": false,
        "verify_key": "0".repeat(64),
        "flags": 0,
        "owner": bot_user(),
        "team": null,
        "bot": bot_user(),
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "role_connections_verification_url": null,
        "approximate_guild_count": 1,
    })
}

fn guild(id: u64, name: &str) -> Value {
    json!({
        "id": id.to_string(),
        "name": name,
        "icon": null,
        "icon_hash": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": "1000000000000000001",
        "afk_channel_id": null,
        "afk_timeout": 300,
        "widget_enabled": false,
        "widget_channel_id": null,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "roles": [{
            "id": id.to_string(),
            "name": "@everyone",
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
            "hoist": false,
            "icon": null,
            "unicode_emoji": null,
            "position": 0,
            "permissions": "2248473465835073",
            "managed": false,
            "mentionable": false,
            "flags": 0,
        }],
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": null,
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "max_presences": null,
        "max_members": 500000,
        "vanity_url_code": null,
        "description": null,
        "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": null,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "nsfw_level": 0,
        "stickers": [],
        "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
    })
}

fn now_iso() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
}

/// A message as Discord returns it, echoing what the bot sent.
pub fn message(id: u64, channel_id: u64, sent: &Value) -> Value {
    let embeds: Vec<Value> = sent["embeds"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|embed| {
            let mut embed = embed.clone();
            embed["type"] = json!("rich");
            embed
        })
        .collect();
    json!({
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": bot_user(),
        "content": sent["content"].as_str().unwrap_or_default(),
        "timestamp": now_iso(),
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": embeds,
        "components": sent.get("components").cloned().unwrap_or_else(|| json!([])),
        "pinned": false,
        "type": 0,
        "flags": sent["flags"].as_u64().unwrap_or(0),
        "nonce": sent.get("nonce").cloned().unwrap_or(Value::Null),
    })
}

/// A thread channel as Discord returns it.
pub fn thread(id: u64, parent_id: u64, sent: &Value) -> Value {
    json!({
        "id": id.to_string(),
        "type": sent["type"].as_u64().unwrap_or(11),
        "parent_id": parent_id.to_string(),
        "owner_id": BOT_USER_ID.to_string(),
        "name": sent["name"].as_str().unwrap_or("thread"),
        "last_message_id": null,
        "rate_limit_per_user": sent["rate_limit_per_user"].as_u64().unwrap_or(0),
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": false,
            "auto_archive_duration": sent["auto_archive_duration"].as_u64().unwrap_or(1440),
            "archive_timestamp": now_iso(),
            "locked": false,
            "create_timestamp": now_iso(),
        },
    })
}

/// A serenity client pointed at `fake`, as the app builds it.
fn serenity_client(fake: &FakeDiscord) -> serenity::all::Http {
    serenity::all::HttpBuilder::new("test-token")
        .proxy(fake.base_url())
        .ratelimiter_disabled(true)
        .application_id(serenity::all::ApplicationId::new(FAKE_APPLICATION_ID))
        .build()
}

#[tokio::test]
async fn serenity_reads_every_answer_of_the_fake_and_the_bots_bodies_pass_the_spec() {
    use serenity::all::{
        ChannelId, ChannelType, CreateAttachment, CreateThread, EditMessage, GuildId,
        InteractionId, MessageId,
    };
    use sprintmate::commands::registry::all_commands;
    use sprintmate::render::{Button, ButtonStyle, Embed, Message, Response};

    let fake = FakeDiscord::start().await;
    let http = serenity_client(&fake);
    let card = Message::public_text("Story #1 added")
        .with_embed(Embed {
            title: Some("#1 Guest checkout".into()),
            description: Some("As a guest I can pay".into()),
            fields: vec![("Points".into(), "3".into(), true)],
            footer: Some("Core".into()),
            color: Some(0x5865F2),
            url: None,
            image: None,
        })
        .with_row(vec![Button::new("st:1:done", "Done", ButtonStyle::Success)]);

    let info = http
        .get_current_application_info()
        .await
        .expect("application");
    assert_eq!(info.id.get(), FAKE_APPLICATION_ID);
    let global = http
        .create_global_commands(&all_commands())
        .await
        .expect("commands");
    assert_eq!(global.len(), all_commands().len());
    let guild = http
        .create_guild_commands(GuildId::new(5), &all_commands())
        .await
        .expect("guild commands");
    assert_eq!(guild[0].guild_id, Some(GuildId::new(5)));
    fake.set_guild_name(5, "Initech");
    let partial = http.get_guild(GuildId::new(5)).await.expect("guild");
    assert_eq!(partial.name, "Initech");
    let posted = ChannelId::new(10)
        .send_message(&http, card.to_channel_message())
        .await
        .expect("message");
    assert_eq!(posted.content, "Story #1 added");
    assert_eq!(posted.embeds[0].fields[0].value, "3");
    assert_eq!(posted.components[0].components.len(), 1);
    http.create_interaction_response(
        InteractionId::new(7),
        "token",
        &Response::Message(card.clone()).to_wire(),
        Vec::new(),
    )
    .await
    .expect("callback");
    let edited = http
        .edit_original_interaction_response("token", &card.to_response_edit(), Vec::new())
        .await
        .expect("original edited");
    assert_eq!(edited.content, "Story #1 added");
    let edited = ChannelId::new(10)
        .edit_message(&http, posted.id, EditMessage::new().content("changed"))
        .await
        .expect("message edited");
    assert_eq!((edited.id, edited.content.as_str()), (posted.id, "changed"));
    let thread = ChannelId::new(10)
        .create_thread(
            &http,
            CreateThread::new("Sprint 4").kind(ChannelType::PublicThread),
        )
        .await
        .expect("thread");
    assert_eq!(thread.parent_id, Some(ChannelId::new(10)));
    let from_message = ChannelId::new(10)
        .create_thread_from_message(&http, MessageId::new(99), CreateThread::new("Story #1"))
        .await
        .expect("thread from a message");
    assert_eq!(from_message.id.get(), 99);

    let with_file = ChannelId::new(10)
        .send_files(
            &http,
            [CreateAttachment::bytes(b"\x89PNG".to_vec(), "burndown.png")],
            card.to_channel_message(),
        )
        .await
        .expect("message with a file");
    assert_eq!(with_file.content, "Story #1 added");
    let upload = fake.requests().pop().expect("the upload");
    assert_eq!(upload.files, ["burndown.png"]);
    assert_eq!(upload.file_bytes, [b"\x89PNG".to_vec()]);
    assert_eq!(
        upload.body.expect("payload_json")["content"],
        "Story #1 added"
    );

    assert_eq!(fake.requests().len(), 11);
    fake.assert_no_violations();
}

#[tokio::test]
async fn a_route_told_to_fail_answers_429_with_retry_after_then_recovers() {
    let fake = FakeDiscord::start().await;
    let http = serenity_client(&fake);
    fake.fail_next(
        "POST",
        "/channels/{channel_id}/messages",
        2,
        Failure::RateLimited {
            retry_after_secs: 1.5,
        },
    );
    let client = reqwest::Client::new();
    let url = format!("{}/api/v10/channels/10/messages", fake.base_url());

    let raw = client
        .post(&url)
        .json(&json!({"content": "hi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 429);
    assert_eq!(raw.headers()["retry-after"], "2");
    let body: Value = raw.json().await.unwrap();
    assert_eq!(body["retry_after"], 1.5);
    assert_eq!(body["global"], false);

    let refused = serenity::all::ChannelId::new(10)
        .say(&http, "hi")
        .await
        .expect_err("rate limited");
    match refused {
        serenity::Error::Http(error) => {
            assert_eq!(error.status_code().map(|s| s.as_u16()), Some(429))
        }
        other => panic!("unexpected error {other:?}"),
    }

    let first = serenity::all::ChannelId::new(10)
        .say(&http, "hi")
        .await
        .unwrap();
    let second = serenity::all::ChannelId::new(10)
        .say(&http, "hi")
        .await
        .unwrap();
    assert!(second.id > first.id, "snowflakes increase");
    let statuses: Vec<u16> = fake.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 429, 200, 200]);
    fake.assert_no_violations();
}

#[tokio::test]
async fn a_route_told_to_fail_answers_500_or_403_as_discord_does() {
    let fake = FakeDiscord::start().await;
    let http = serenity_client(&fake);
    fake.fail_next("GET", "/guilds/{guild_id}", 1, Failure::ServerError);
    fake.fail_next("GET", "/guilds/{guild_id}", 1, Failure::Forbidden);

    let status = |e: serenity::Error| match e {
        serenity::Error::Http(error) => error.status_code().map(|s| s.as_u16()),
        _ => None,
    };
    let guild = serenity::all::GuildId::new(5);
    assert_eq!(
        http.get_guild(guild).await.map_err(status).unwrap_err(),
        Some(500)
    );
    assert_eq!(
        http.get_guild(guild).await.map_err(status).unwrap_err(),
        Some(403)
    );
    assert_eq!(
        http.get_guild(guild).await.unwrap().name,
        DEFAULT_GUILD_NAME
    );
}

#[tokio::test]
async fn a_body_the_spec_rejects_and_an_unknown_route_are_recorded_as_violations() {
    let fake = FakeDiscord::start().await;
    let client = reqwest::Client::new();

    client
        .post(format!("{}/api/v10/channels/10/messages", fake.base_url()))
        .json(&json!({"content": "x".repeat(2001), "embeds": [{"title": 5}]}))
        .send()
        .await
        .unwrap();
    let unknown = client
        .get(format!("{}/api/v10/nowhere/1", fake.base_url()))
        .send()
        .await
        .unwrap();

    assert_eq!(unknown.status().as_u16(), 404);
    let violations = fake.violations();
    assert!(
        violations.iter().any(|v| v.contains("/embeds/0/title")),
        "{violations:#?}"
    );
    assert!(
        violations.iter().any(|v| v.contains("Discord allows 2000")),
        "{violations:#?}"
    );
    assert!(
        violations
            .iter()
            .any(|v| v.contains("GET /api/v10/nowhere/1")),
        "{violations:#?}"
    );
}
