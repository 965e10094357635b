//! The load generator: C clients, each sending signed interactions one after another over a
//! kept-alive connection for a fixed time, after a short warm-up that is not counted. Bodies are
//! prepared before the clock starts; signing happens per request, as Discord signs each one.
//! Answers are checked from a lean parse ([`Answer`]), not a JSON tree: the generator shares the
//! bot's two cores, and building the tree of a big answer (a backlog page) cost it about a
//! tenth as much CPU again as the floor's whole request, weighing on the scenario alone.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::Value;

use crate::cpu::{self, CpuTime};
use crate::helpers::TestApp;

/// The body client `client` sends as its `seq`th request.
pub type Bodies = Arc<dyn Fn(usize, u64) -> Bytes + Send + Sync>;

/// Whether an answer is the one the scenario expects (an error reply is a failed request).
pub type Expect = fn(&Answer) -> Result<(), String>;

/// What the checks read of an interaction response, borrowed from its bytes where it can be.
#[derive(Debug, Deserialize)]
pub struct Answer<'a> {
    #[serde(rename = "type")]
    pub kind: u64,
    #[serde(default, borrow)]
    pub data: AnswerData<'a>,
}

#[derive(Debug, Default, Deserialize)]
pub struct AnswerData<'a> {
    #[serde(default)]
    pub flags: u64,
    #[serde(default, borrow)]
    pub embeds: Vec<AnswerEmbed<'a>>,
    /// Autocomplete choices, counted.
    #[serde(default)]
    pub choices: Vec<IgnoredAny>,
}

#[derive(Debug, Deserialize)]
pub struct AnswerEmbed<'a> {
    #[serde(default, borrow)]
    pub description: Option<Cow<'a, str>>,
}

impl Answer<'_> {
    /// Checks an answer already read as JSON (the setup's requests).
    pub fn check(value: &Value, expect: Expect) -> Result<(), String> {
        let answer = Answer::deserialize(value).map_err(|e| format!("{e}: {value}"))?;
        expect(&answer).map_err(|e| format!("{e}: {value}"))
    }
}

/// The unix time to sign with: the bot checks it against its own clock.
pub type Timestamp = Arc<dyn Fn() -> i64 + Send + Sync>;

/// How long a measurement runs.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub warmup: Duration,
    pub measure: Duration,
}

/// What one measurement saw.
#[derive(Clone, Debug)]
pub struct Measured {
    pub clients: usize,
    pub requests: u64,
    pub elapsed: Duration,
    pub p50: Duration,
    pub p99: Duration,
    pub errors: u64,
    pub first_error: Option<String>,
    /// Where the machine's time went during the counted windows (`None` without `/proc`).
    pub cpu: Option<CpuTime>,
    /// Every counted request's latency in microseconds, sorted.
    latencies_us: Vec<u32>,
}

impl Measured {
    /// One measurement of several windows, e.g. the rounds of a scenario taken in turns with
    /// the floor's, so a drift of the machine's speed weighs on both alike.
    pub fn combined(parts: Vec<Measured>) -> Measured {
        let clients = parts.first().map_or(0, |m| m.clients);
        let mut latencies_us = Vec::new();
        let mut elapsed = Duration::ZERO;
        let mut errors = 0;
        let mut first_error = None;
        let mut cpu = Some(CpuTime::default());
        for part in parts {
            latencies_us.extend(part.latencies_us);
            elapsed += part.elapsed;
            errors += part.errors;
            first_error = first_error.or(part.first_error);
            cpu = cpu.zip(part.cpu).map(|(sum, part)| sum.add(part));
        }
        Measured::from_latencies(clients, latencies_us, elapsed, errors, first_error, cpu)
    }

    fn from_latencies(
        clients: usize,
        mut latencies_us: Vec<u32>,
        elapsed: Duration,
        errors: u64,
        first_error: Option<String>,
        cpu: Option<CpuTime>,
    ) -> Measured {
        latencies_us.sort_unstable();
        Measured {
            clients,
            requests: latencies_us.len() as u64,
            elapsed,
            p50: percentile(&latencies_us, 0.50),
            p99: percentile(&latencies_us, 0.99),
            errors,
            first_error,
            cpu,
            latencies_us,
        }
    }

    /// Requests per second.
    pub fn throughput(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }

    /// Microseconds of the machine's time a counted request: the bot's threads, the rest of
    /// the benchmark's process, and idle.
    pub fn cpu_per_request_us(&self) -> Option<(f64, f64, f64)> {
        let cpu = self.cpu?;
        let per = |d: Duration| d.as_secs_f64() * 1e6 / (self.requests.max(1) as f64);
        Some((per(cpu.bot), per(cpu.generator), per(cpu.idle)))
    }
}

/// Sends signed interactions to one bot.
#[derive(Clone)]
pub struct Driver {
    client: reqwest::Client,
    url: String,
    timestamp: Timestamp,
}

#[derive(Default)]
struct ClientTally {
    latencies_us: Vec<u32>,
    errors: u64,
    first_error: Option<String>,
}

impl Driver {
    pub fn new(url: String, timestamp: Timestamp) -> Self {
        let client = reqwest::Client::builder()
            .tcp_nodelay(true)
            .pool_max_idle_per_host(256)
            .timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client");
        Self {
            client,
            url,
            timestamp,
        }
    }

    /// Sends one signed body; the JSON answer.
    pub async fn send(&self, body: Bytes) -> Result<Value, String> {
        let bytes = self.post(body).await?;
        serde_json::from_slice(&bytes).map_err(|e| format!("the answer is not JSON: {e}"))
    }

    /// Sends one signed body and checks the answer with `expect`.
    async fn send_checked(&self, body: Bytes, expect: Expect) -> Result<(), String> {
        let bytes = self.post(body).await?;
        let answer: Answer =
            serde_json::from_slice(&bytes).map_err(|e| format!("the answer is not one: {e}"))?;
        expect(&answer).map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&bytes)))
    }

    /// Sends one signed body; the answer's bytes if its status is 200.
    async fn post(&self, body: Bytes) -> Result<Bytes, String> {
        let timestamp = (self.timestamp)().to_string();
        let signature = TestApp::sign(&timestamp, &body);
        let response = self
            .client
            .post(&self.url)
            .header("Content-Type", "application/json")
            .header("X-Signature-Ed25519", signature)
            .header("X-Signature-Timestamp", timestamp)
            .body(body)
            .send()
            .await
            .map_err(|e| format!("the bot did not answer: {e}"))?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| format!("the answer broke off: {e}"))?;
        if status != 200 {
            return Err(format!(
                "status {status}: {}",
                String::from_utf8_lossy(&bytes)
            ));
        }
        Ok(bytes)
    }

    /// Runs `clients` clients for `window` and measures the requests that started after the
    /// warm-up and ended within the window.
    pub async fn measure(
        &self,
        clients: usize,
        window: Window,
        bodies: Bodies,
        expect: Expect,
    ) -> Measured {
        let start = Instant::now();
        let counted_from = start + window.warmup;
        let end = counted_from + window.measure;
        // The machine's counters at the edges of the counted window, read by a task of its own
        // so no client waits for them.
        let sampler = tokio::spawn(async move {
            tokio::time::sleep_until(counted_from.into()).await;
            let before = cpu::snapshot();
            tokio::time::sleep_until(end.into()).await;
            let after = cpu::snapshot();
            before
                .zip(after)
                .map(|(before, after)| CpuTime::between(&before, &after))
        });
        let mut tasks = Vec::with_capacity(clients);
        for client in 0..clients {
            let driver = self.clone();
            let bodies = bodies.clone();
            tasks.push(tokio::spawn(async move {
                let mut tally = ClientTally::default();
                let mut seq = 0u64;
                loop {
                    let sent = Instant::now();
                    if sent >= end {
                        break;
                    }
                    let outcome = driver.send_checked(bodies(client, seq), expect).await;
                    seq += 1;
                    let done = Instant::now();
                    if sent < counted_from || done > end {
                        continue;
                    }
                    match outcome {
                        Ok(()) => tally
                            .latencies_us
                            .push(done.duration_since(sent).as_micros() as u32),
                        Err(error) => {
                            tally.errors += 1;
                            tally.first_error.get_or_insert(error);
                        }
                    }
                }
                tally
            }));
        }
        let mut latencies = Vec::new();
        let mut errors = 0;
        let mut first_error = None;
        for task in tasks {
            let tally = task.await.expect("a client task finished");
            latencies.extend(tally.latencies_us);
            errors += tally.errors;
            if first_error.is_none() {
                first_error = tally.first_error;
            }
        }
        let cpu = sampler.await.expect("the CPU sampler finished");
        Measured::from_latencies(clients, latencies, window.measure, errors, first_error, cpu)
    }
}

/// The `q` quantile of sorted microsecond samples (nearest rank).
pub fn percentile(sorted_us: &[u32], q: f64) -> Duration {
    if sorted_us.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted_us.len() as f64) * q).ceil() as usize;
    let index = rank.clamp(1, sorted_us.len()) - 1;
    Duration::from_micros(u64::from(sorted_us[index]))
}
