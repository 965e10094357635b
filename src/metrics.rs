//! Prometheus metrics: interactions by command and outcome, a handler latency histogram,
//! scheduler posts and Discord API errors. One registry per app (no global state), rendered in
//! the text format by `GET /metrics`.

use std::sync::Mutex;
use std::time::Duration;

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct InteractionLabels {
    command: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CommandLabel {
    command: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    status: String,
}

fn latency_histogram() -> Histogram {
    // 0.25 ms .. ~4 s
    Histogram::new(exponential_buckets(0.000_25, 2.0, 15))
}

/// The `status` of a failed request to Discord that got no answer.
const NO_ANSWER: &str = "network";

/// The app's metrics.
#[derive(Debug)]
pub struct Metrics {
    registry: Mutex<Registry>,
    interactions: Family<InteractionLabels, Counter>,
    latency: Family<CommandLabel, Histogram, fn() -> Histogram>,
    scheduler_posts: Counter,
    discord_errors: Family<StatusLabel, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("sprintmate");
        let interactions = Family::<InteractionLabels, Counter>::default();
        let latency = Family::<CommandLabel, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        let scheduler_posts = Counter::default();
        let discord_errors = Family::<StatusLabel, Counter>::default();
        registry.register(
            "interactions",
            "Interactions handled, by command and outcome",
            interactions.clone(),
        );
        registry.register(
            "handler_seconds",
            "Time to answer an interaction, by command",
            latency.clone(),
        );
        registry.register(
            "scheduler_posts",
            "Messages the bot posted on its own",
            scheduler_posts.clone(),
        );
        registry.register(
            "discord_api_errors",
            "Failed requests to Discord's API, by the status it answered (`network`: no answer)",
            discord_errors.clone(),
        );
        Self {
            registry: Mutex::new(registry),
            interactions,
            latency,
            scheduler_posts,
            discord_errors,
        }
    }

    pub fn observe_interaction(&self, command: &str, outcome: &str, elapsed: Duration) {
        self.interactions
            .get_or_create(&InteractionLabels {
                command: command.to_string(),
                outcome: outcome.to_string(),
            })
            .inc();
        self.latency
            .get_or_create(&CommandLabel {
                command: command.to_string(),
            })
            .observe(elapsed.as_secs_f64());
    }

    pub fn scheduler_posted(&self) {
        self.scheduler_posts.inc();
    }

    /// A request Discord answered with this failing status.
    pub fn discord_error(&self, status: u16) {
        self.count_discord_error(status.to_string());
    }

    /// A request to Discord that got no answer (timeout, connection refused).
    pub fn discord_unreachable(&self) {
        self.count_discord_error(NO_ANSWER.to_string());
    }

    /// A request to Discord made through serenity that failed: counted under the status Discord
    /// answered, or as unanswered.
    pub fn discord_failure(&self, error: &serenity::Error) {
        match error {
            serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(answer)) => {
                self.discord_error(answer.status_code.as_u16())
            }
            _ => self.discord_unreachable(),
        }
    }

    fn count_discord_error(&self, status: String) {
        self.discord_errors
            .get_or_create(&StatusLabel { status })
            .inc();
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let registry = self
            .registry
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        encode(&mut out, &registry).expect("writing to a String cannot fail");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interactions_are_counted_by_command_and_outcome() {
        let metrics = Metrics::new();
        metrics.observe_interaction("story add", "ok", Duration::from_millis(3));
        metrics.observe_interaction("story add", "ok", Duration::from_millis(4));
        let text = metrics.render();
        assert!(
            text.contains("sprintmate_interactions_total{command=\"story add\",outcome=\"ok\"} 2"),
            "{text}"
        );
        assert!(text.contains("sprintmate_handler_seconds_bucket"), "{text}");
    }
}
