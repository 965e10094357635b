//! How the fake answers a request: parses and checks its body, records it, and answers with a
//! planned failure, the global rate limit's 429, a canned answer or the route's own JSON.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::payloads::{application, commands, guild, message, thread};
use super::request_body::{parse_body, spec_violations};
use super::*;

pub(super) async fn answer(
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
        "DELETE" if m("/webhooks/{app}/{token}/messages/@original") => (204, None),
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
