//! Sends outbox rows to Discord's REST API and classifies the answer: sent, rate limited (a 429
//! and its fractional `retry_after`, or held back by the rate limiter without sending), retry
//! later (5xx and network errors, with backoff), or failed for good (403 and other refusals).
//! Posts carry a nonce with `enforce_nonce`, so a retry after a crash or a lost answer cannot
//! create a second message; a thread cannot carry one, so a retry told the message already has
//! its thread takes that thread (whose id is the message's) as created.
//!
//! Every send first waits for the [`RateLimiter`] the sender and its clones share, so the outbox
//! never goes faster than the configured global rate, nor into a route Discord said is empty.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::config::{Secret, Settings};
use crate::discord::rate_limit::{Patience, RateLimitAnswer, RateLimiter, Route};
use crate::store::outbox::{Attachment, OutboxItem, OutboxKind};

/// Discord's error code for "A thread has already been created for this message".
const THREAD_ALREADY_CREATED: u64 = 160004;

/// Longest wait between retries of a failing send.
const MAX_BACKOFF_SECS: i64 = 300;

/// How long a send waits for the limiter before it is put off instead. A global pause holds
/// every row alike, so sitting out a few seconds loses nothing; a route's hold is sat out only
/// briefly, so one busy channel cannot stall the others.
pub const PATIENCE: Patience = Patience {
    global: Duration::from_secs(5),
    route: Duration::from_secs(1),
};

/// What became of one send.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// Discord created or changed the message (or thread) with this id.
    Sent(Option<u64>),
    /// Not sent: try again after `wait`. `refused` when Discord answered 429 (false: the limiter
    /// held the row back unsent, for longer than [`PATIENCE`]); `global` when every send waits.
    RateLimited {
        wait: Duration,
        global: bool,
        refused: bool,
    },
    /// A 5xx (`status`) or a network error (`status` is `None`): try again at unix time `at`
    /// (exponential backoff).
    RetryAt { at: i64, status: Option<u16> },
    /// Discord refused for good (e.g. 403: the bot lacks a permission in that channel).
    Failed { status: u16, reason: String },
}

/// A JSON body, or with a file a `multipart/form-data` body: the JSON as `payload_json` (its
/// `attachments` naming the file as id 0) and the file as `files[0]`, as Discord expects.
fn with_body(
    builder: reqwest::RequestBuilder,
    mut body: Value,
    attachment: Option<&Attachment>,
) -> reqwest::RequestBuilder {
    let Some(attachment) = attachment else {
        return builder.json(&body);
    };
    if let Value::Object(map) = &mut body {
        map.insert(
            "attachments".into(),
            serde_json::json!([{"id": 0, "filename": attachment.name}]),
        );
    }
    let file = reqwest::multipart::Part::bytes(attachment.bytes.clone())
        .file_name(attachment.name.clone())
        .mime_str(mime_of(&attachment.name))
        .expect("a known MIME type parses");
    let form = reqwest::multipart::Form::new()
        .text("payload_json", body.to_string())
        .part("files[0]", file);
    builder.multipart(form)
}

fn mime_of(name: &str) -> &'static str {
    if name.ends_with(".png") {
        "image/png"
    } else {
        "application/octet-stream"
    }
}

/// The rate-limit route of a row: Discord's route with the channel as its major parameter.
fn route(item: &OutboxItem) -> Route {
    let template = match item.kind {
        OutboxKind::Post => "POST /channels/{channel}/messages",
        OutboxKind::Edit => "PATCH /channels/{channel}/messages/{message}",
        OutboxKind::Thread => "POST /channels/{channel}/messages/{message}/threads",
    };
    Route {
        template,
        major: item.channel_id,
    }
}

/// The REST client for the bot's own posts; clones share the client and the rate limiter.
#[derive(Clone, Debug)]
pub struct OutboxSender {
    client: reqwest::Client,
    api: String,
    token: Secret,
    limiter: Arc<RateLimiter>,
}

impl OutboxSender {
    pub fn new(settings: &Settings, token: Secret) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .expect("a default HTTP client builds");
        let api = format!(
            "{}/api/v10",
            settings.discord_api_base.trim_end_matches('/')
        );
        let limiter = Arc::new(RateLimiter::new(settings.discord_requests_per_second));
        Self {
            client,
            api,
            token,
            limiter,
        }
    }

    /// How many sends the drain keeps in flight: half a second's worth, so R a second go out
    /// even when each takes up to half a second to come back (at most 32 connections).
    pub fn max_in_flight(&self) -> usize {
        (self.limiter.per_second() / 2).clamp(1, 32)
    }

    fn request(&self, item: &OutboxItem) -> reqwest::RequestBuilder {
        let channel = item.channel_id;
        let target = item.target_message_id.unwrap_or_default();
        let builder = match item.kind {
            OutboxKind::Post => {
                let mut body = item.body.clone();
                if let Value::Object(map) = &mut body {
                    map.insert("nonce".into(), Value::String(item.nonce()));
                    map.insert("enforce_nonce".into(), Value::Bool(true));
                }
                with_body(
                    self.client
                        .post(format!("{}/channels/{channel}/messages", self.api)),
                    body,
                    item.attachment.as_ref(),
                )
            }
            OutboxKind::Edit => with_body(
                self.client
                    .patch(format!("{}/channels/{channel}/messages/{target}", self.api)),
                item.body.clone(),
                item.attachment.as_ref(),
            ),
            OutboxKind::Thread => self
                .client
                .post(format!(
                    "{}/channels/{channel}/messages/{target}/threads",
                    self.api
                ))
                .json(&item.body),
        };
        builder.header("Authorization", format!("Bot {}", self.token.expose()))
    }

    /// Waits for the rate limiter, then sends one row; never panics, never logs the token.
    pub async fn deliver(&self, item: &OutboxItem, now: i64) -> Delivery {
        let route = route(item);
        if let Err(hold) = self.limiter.acquire(route, PATIENCE).await {
            return Delivery::RateLimited {
                wait: hold.wait,
                global: hold.global,
                refused: false,
            };
        }
        let backoff = now + (1i64 << item.attempts.clamp(0, 8)).min(MAX_BACKOFF_SECS);
        let response = match self.request(item).send().await {
            Ok(response) => response,
            Err(error) => {
                tracing::warn!(outbox = item.id, error = %error.without_url(), "could not reach Discord");
                return Delivery::RetryAt {
                    at: backoff,
                    status: None,
                };
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let answer = RateLimitAnswer::read(status.as_u16(), &headers, &body);
        self.limiter.observe(route, &answer);
        if status.is_success() {
            let id = body["id"].as_str().and_then(|id| id.parse().ok());
            return Delivery::Sent(id);
        }
        if let Some(refusal) = answer.refusal {
            return Delivery::RateLimited {
                wait: refusal.retry_after,
                global: refusal.global,
                refused: true,
            };
        }
        if status.is_server_error() {
            return Delivery::RetryAt {
                at: backoff,
                status: Some(status.as_u16()),
            };
        }
        if item.kind == OutboxKind::Thread && body["code"].as_u64() == Some(THREAD_ALREADY_CREATED)
        {
            // An earlier try made it and only the answer was lost; a thread started from a
            // message has that message's id.
            return Delivery::Sent(item.target_message_id);
        }
        let reason = body["message"].as_str().unwrap_or("refused").to_string();
        Delivery::Failed {
            status: status.as_u16(),
            reason,
        }
    }
}
