//! Sends outbox rows to Discord's REST API and classifies the answer: sent, retry later (429
//! with its `Retry-After`, 5xx and network errors with backoff), or failed for good (403 and
//! other refusals). Posts carry a nonce with `enforce_nonce`, so a retry after a crash or a lost
//! answer cannot create a second message.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::config::{Secret, Settings};
use crate::store::outbox::{Attachment, OutboxItem, OutboxKind};

/// Longest wait between retries of a failing send.
const MAX_BACKOFF_SECS: i64 = 300;

/// What became of one send.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// Discord created or changed the message (or thread) with this id.
    Sent(Option<u64>),
    /// Try again at this unix time; `rate_limited` when Discord said 429.
    RetryAt { at: i64, rate_limited: bool },
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

/// The REST client for the bot's own posts.
#[derive(Clone, Debug)]
pub struct OutboxSender {
    client: reqwest::Client,
    api: String,
    token: Secret,
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
        Self { client, api, token }
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

    /// Sends one row; never panics, never logs the token.
    pub async fn deliver(&self, item: &OutboxItem, now: i64) -> Delivery {
        let backoff = now + (1i64 << item.attempts.clamp(0, 8)).min(MAX_BACKOFF_SECS);
        let response = match self.request(item).send().await {
            Ok(response) => response,
            Err(error) => {
                tracing::warn!(outbox = item.id, error = %error.without_url(), "could not reach Discord");
                return Delivery::RetryAt {
                    at: backoff,
                    rate_limited: false,
                };
            }
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<f64>().ok());
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            let id = body["id"].as_str().and_then(|id| id.parse().ok());
            return Delivery::Sent(id);
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            let wait = retry_after
                .or_else(|| body["retry_after"].as_f64())
                .unwrap_or(1.0);
            return Delivery::RetryAt {
                at: now + wait.ceil().max(1.0) as i64,
                rate_limited: true,
            };
        }
        if status.is_server_error() {
            return Delivery::RetryAt {
                at: backoff,
                rate_limited: false,
            };
        }
        let reason = body["message"].as_str().unwrap_or("refused").to_string();
        Delivery::Failed {
            status: status.as_u16(),
            reason,
        }
    }
}
