//! What one Discord answer says about rate limits: the route's bucket (`X-RateLimit-Bucket`,
//! `-Remaining`, `-Reset-After`) and, for a 429, how long to wait and whether the pause is
//! global.

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;

/// Used when a 429 names no wait at all.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

/// A 429: wait `retry_after`; `global` when it pauses every request, not just the route.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Refusal {
    pub retry_after: Duration,
    pub global: bool,
}

/// The rate-limit facts of one answer (each absent when Discord did not send it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RateLimitAnswer {
    pub bucket: Option<String>,
    pub remaining: Option<u32>,
    pub reset_after: Option<Duration>,
    pub refusal: Option<Refusal>,
}

fn seconds(raw: f64) -> Option<Duration> {
    Duration::try_from_secs_f64(raw).ok()
}

impl RateLimitAnswer {
    /// Reads the headers, and for a 429 the JSON body, whose `retry_after` keeps the fraction
    /// that an integer `Retry-After` header may round up.
    pub fn read(status: u16, headers: &HeaderMap, body: &Value) -> Self {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let header_secs = |name: &str| {
            header(name)
                .and_then(|v| v.trim().parse::<f64>().ok())
                .and_then(seconds)
        };
        let refusal = (status == 429).then(|| Refusal {
            retry_after: body["retry_after"]
                .as_f64()
                .and_then(seconds)
                .or_else(|| header_secs("retry-after"))
                .or_else(|| header_secs("x-ratelimit-reset-after"))
                .unwrap_or(DEFAULT_RETRY_AFTER),
            global: body["global"].as_bool() == Some(true)
                || header("x-ratelimit-global").is_some_and(|v| v.eq_ignore_ascii_case("true"))
                || header("x-ratelimit-scope").is_some_and(|v| v.eq_ignore_ascii_case("global")),
        });
        Self {
            bucket: header("x-ratelimit-bucket").map(str::to_string),
            remaining: header("x-ratelimit-remaining").and_then(|v| v.trim().parse().ok()),
            reset_after: header_secs("x-ratelimit-reset-after"),
            refusal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};
    use serde_json::json;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    HeaderName::from_static(k),
                    HeaderValue::from_str(v).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn a_success_carries_its_bucket() {
        let answer = RateLimitAnswer::read(
            200,
            &headers(&[
                ("x-ratelimit-bucket", "abcd"),
                ("x-ratelimit-remaining", "4"),
                ("x-ratelimit-reset-after", "2.5"),
            ]),
            &json!({"id": "1"}),
        );
        assert_eq!(answer.bucket.as_deref(), Some("abcd"));
        assert_eq!(answer.remaining, Some(4));
        assert_eq!(answer.reset_after, Some(Duration::from_millis(2500)));
        assert_eq!(answer.refusal, None);
    }

    #[test]
    fn a_global_429_keeps_the_fraction_of_its_wait() {
        let by_header = RateLimitAnswer::read(
            429,
            &headers(&[("retry-after", "1"), ("x-ratelimit-global", "true")]),
            &json!({"retry_after": 0.25}),
        );
        assert_eq!(
            by_header.refusal,
            Some(Refusal {
                retry_after: Duration::from_millis(250),
                global: true
            })
        );
        let by_body = RateLimitAnswer::read(
            429,
            &HeaderMap::new(),
            &json!({"retry_after": 0.5, "global": true}),
        );
        assert!(by_body.refusal.unwrap().global);
    }

    #[test]
    fn a_route_429_without_a_body_falls_back_to_the_header_then_a_second() {
        let answer = RateLimitAnswer::read(
            429,
            &headers(&[("retry-after", "3"), ("x-ratelimit-global", "false")]),
            &Value::Null,
        );
        assert_eq!(
            answer.refusal,
            Some(Refusal {
                retry_after: Duration::from_secs(3),
                global: false
            })
        );
        let bare = RateLimitAnswer::read(429, &HeaderMap::new(), &json!({"retry_after": -1}));
        assert_eq!(bare.refusal.unwrap().retry_after, DEFAULT_RETRY_AFTER);
    }
}
