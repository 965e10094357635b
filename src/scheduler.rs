//! Due work: the step function [`Scheduler::run_due`] does everything due at `now` (tests drive
//! it with a controlled clock), and [`Scheduler::run`] loops it, sleeping until the next due
//! time or until a handler wakes it after queueing work.
//!
//! Each step first does the due work that queues posts (stand-ups: [`standups`]), then drains
//! the outbox, so what a step queues goes out in the same step.

pub mod standups;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Notify};

use crate::commands::{update_schedule, Services};
use crate::discord::outbox_sender::{Delivery, OutboxSender};

/// How long a claimed row stays reserved for the sender that claimed it.
const LEASE_SECS: i64 = 60;
/// Rows sent per step before the loop yields.
const BATCH: i64 = 50;
/// The loop looks again at least this often, in case a row was added without a wake-up.
const MAX_SLEEP: Duration = Duration::from_secs(60);

/// What one step did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StepReport {
    /// Weekly stakeholder updates queued.
    pub weekly_updates: usize,
    /// Votes whose time ran out and that this step closed (results queued).
    pub closed_votes: usize,
    pub sent: usize,
    pub retried: usize,
    pub rate_limited: usize,
    pub failed: usize,
    /// Stand-up days opened (prompt queued) and days skipped because their window passed.
    pub standups_opened: usize,
    pub standups_missed: usize,
    /// Stand-up posts queued (prompts, threads, answers, reminders, summaries and edits).
    pub standup_posts_queued: usize,
}

/// Runs due work against the store and Discord.
#[derive(Clone, Debug)]
pub struct Scheduler {
    services: Services,
    sender: Option<OutboxSender>,
}

impl Scheduler {
    pub fn new(services: Services, sender: Option<OutboxSender>) -> Self {
        Self { services, sender }
    }

    /// Does everything due at `now` (unix seconds) and reports it.
    pub async fn run_due(&self, now: i64) -> anyhow::Result<StepReport> {
        // Closing only queues the results, so it runs even without a sender (console, tests).
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
        let store = &self.services.store;
        for item in store.due_outbox(now, BATCH).await? {
            if !store.claim_outbox(item.id, now, now + LEASE_SECS).await? {
                continue;
            }
            match sender.deliver(&item, now).await {
                Delivery::Sent(id) => {
                    store.mark_outbox_sent(item.id, id, now).await?;
                    standups::note_sent(&self.services, &item).await?;
                    self.services.metrics.scheduler_posted();
                    report.sent += 1;
                }
                Delivery::RetryAt { at, rate_limited } => {
                    store.retry_outbox_at(item.id, at).await?;
                    if rate_limited {
                        self.services.metrics.discord_error(429);
                        report.rate_limited += 1;
                        // Everything else would be refused too until the window passes.
                        break;
                    }
                    self.services.metrics.discord_error(500);
                    report.retried += 1;
                }
                Delivery::Failed { status, reason } => {
                    tracing::warn!(outbox = item.id, purpose = %item.purpose, status, reason = %reason, "Discord refused a post");
                    self.services.metrics.discord_error(status);
                    store
                        .mark_outbox_failed(item.id, &format!("{status}: {reason}"), now)
                        .await?;
                    if status == 403 {
                        if let Some((team_id, why)) = standups::missing_permission(&item, &reason) {
                            store.mark_schedule_failing(team_id, &why).await?;
                        }
                    }
                    report.failed += 1;
                }
            }
        }
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
            let now = self.services.clock.now().timestamp();
            let pause = match self.run_due(now).await {
                // More may be waiting: go again at once.
                Ok(report)
                    if (report.sent > 0 || report.closed_votes > 0) && report.rate_limited == 0 =>
                {
                    Duration::ZERO
                }
                Ok(_) => self.pause_until_next_due(now).await,
                Err(error) => {
                    tracing::error!(error = format!("{error:#}"), "scheduler step failed");
                    Duration::from_secs(5)
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
