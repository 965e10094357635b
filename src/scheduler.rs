//! Due work: the step function [`Scheduler::run_due`] does everything due at `now` (tests drive
//! it with a controlled clock), and [`Scheduler::run`] loops it, sleeping until the next due
//! time or until a handler wakes it after queueing work.
//!
//! Each step first does the due work that queues posts (stand-ups: [`standups`]), then drains
//! the outbox ([`drain`]), so what a step queues goes out in the same step. The drain goes at
//! the pace of the sender's rate limiter; the loop only sleeps when nothing is due.

mod drain;
pub mod standups;

pub use drain::Deliver;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Notify};

use crate::commands::{update_schedule, Services};
use crate::discord::outbox_sender::OutboxSender;
use crate::error::caught;

/// The loop looks again at least this often, in case a row was added without a wake-up.
const MAX_SLEEP: Duration = Duration::from_secs(60);

/// How long the loop waits after a step that failed (or panicked) before it tries again,
/// unless a handler wakes it sooner.
const AFTER_FAILED_STEP: Duration = Duration::from_secs(5);

/// What one step did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StepReport {
    /// Weekly stakeholder updates queued.
    pub weekly_updates: usize,
    /// Votes whose time ran out and that this step closed (results queued).
    pub closed_votes: usize,
    pub sent: usize,
    /// Sends that met a 5xx or a network error (tried again later, with backoff).
    pub retried: usize,
    /// 429s Discord answered (a short one is sat out and the row sent in the same step).
    pub rate_limited: usize,
    /// Rows put off unsent because Discord held their route, or every send, for a while.
    pub deferred: usize,
    pub failed: usize,
    /// Discord paused every send for this long, so the drain stopped early.
    pub paused_for: Option<Duration>,
    /// Stand-up days opened (prompt queued) and days skipped because their window passed.
    pub standups_opened: usize,
    pub standups_missed: usize,
    /// Stand-up posts queued (prompts, threads, answers, reminders, summaries and edits).
    pub standup_posts_queued: usize,
}

impl StepReport {
    /// Whether the step changed anything; a step that did nothing means nothing is due now.
    pub fn did_something(&self) -> bool {
        self.weekly_updates
            + self.closed_votes
            + self.sent
            + self.retried
            + self.rate_limited
            + self.deferred
            + self.failed
            + self.standups_opened
            + self.standups_missed
            + self.standup_posts_queued
            > 0
    }
}

/// Runs due work against the store and Discord.
#[derive(Clone, Debug)]
pub struct Scheduler {
    services: Services,
    sender: Option<Arc<dyn Deliver>>,
}

impl Scheduler {
    pub fn new(services: Services, sender: Option<OutboxSender>) -> Self {
        let sender = sender.map(|sender| Arc::new(sender) as Arc<dyn Deliver>);
        Self { services, sender }
    }

    /// A scheduler whose outbox goes somewhere other than Discord (the console).
    pub fn delivering_to(services: Services, sender: Arc<dyn Deliver>) -> Self {
        Self {
            services,
            sender: Some(sender),
        }
    }

    /// Does everything due at `now` (unix seconds) and reports it.
    pub async fn run_due(&self, now: i64) -> anyhow::Result<StepReport> {
        // Closing only queues the results, so it runs even without a sender (tests).
        let closed_votes = crate::commands::vote_results::close_overdue(&self.services, now)
            .await
            .map_err(|e| match e {
                crate::error::AppError::Internal(e) => e.context("closing overdue votes"),
                crate::error::AppError::User(m) => anyhow::anyhow!(m),
            })?;
        // Weekly updates are queued before the drain too, so they go out in this same step.
        let at = chrono::DateTime::from_timestamp(now, 0).unwrap_or_default();
        let weekly_updates = update_schedule::publish_due(&self.services, at).await?;
        let mut report = StepReport {
            closed_votes,
            weekly_updates,
            ..StepReport::default()
        };
        let standup = standups::run_due(&self.services, at).await?;
        report.standups_opened = standup.opened;
        report.standups_missed = standup.missed;
        report.standup_posts_queued = standup.queued;
        let Some(sender) = &self.sender else {
            return Ok(report);
        };
        drain::drain(&self.services, sender, now, &mut report).await?;
        Ok(report)
    }

    /// The earliest moment something is due: a queued post, a vote deadline, or a stand-up
    /// prompt, reminder or close.
    pub async fn next_due(&self, now: i64) -> anyhow::Result<Option<i64>> {
        let at = chrono::DateTime::from_timestamp(now, 0).unwrap_or_default();
        let store = &self.services.store;
        let outbox = store.next_outbox_due().await?;
        let vote = store.next_vote_close().await?;
        let standup = standups::next_due(&self.services, at).await?;
        Ok(outbox.into_iter().chain(vote).chain(standup).min())
    }

    /// One step of the loop: does what is due now, and says how long to sleep after it.
    async fn step(&self) -> Duration {
        let now = self.services.clock.now().timestamp();
        match self.run_due(now).await {
            Ok(StepReport {
                paused_for: Some(wait),
                ..
            }) => wait.min(MAX_SLEEP),
            // More may be waiting: go again at once (the rate limiter paces the sends).
            Ok(report) if report.did_something() => Duration::ZERO,
            Ok(_) => self.pause_until_next_due(now).await,
            Err(error) => {
                tracing::error!(error = format!("{error:#}"), "scheduler step failed");
                AFTER_FAILED_STEP
            }
        }
    }

    /// How long until [`Self::next_due`] (at most [`MAX_SLEEP`]).
    async fn pause_until_next_due(&self, now: i64) -> Duration {
        match self.next_due(now).await {
            Ok(Some(next)) => Duration::from_secs(next.saturating_sub(now).clamp(1, 60) as u64),
            _ => MAX_SLEEP,
        }
    }

    /// Loops [`Self::run_due`] until `stop` turns true.
    pub async fn run(self, wake: Arc<Notify>, mut stop: watch::Receiver<bool>) {
        loop {
            let pause = match caught(self.step()).await {
                Ok(pause) => pause,
                // Left to unwind, a panic would end this task and with it the process (and a
                // restart would meet the same row): it costs this step instead.
                Err(error) => {
                    tracing::error!(error = format!("{error:#}"), "scheduler step failed");
                    AFTER_FAILED_STEP
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = wake.notified() => {}
                _ = async { stop.wait_for(|s| *s).await.is_ok() } => return,
            }
        }
    }
}
