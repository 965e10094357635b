//! The outbox drain: sends due rows as fast as the sender's rate limiter lets them go, until
//! none is due or the step has drained for [`DRAIN_BUDGET`].
//!
//! Several rows are in flight at once (the sender says how many), so a round trip to Discord
//! does not cap the rate; one per channel, so a channel's posts arrive in the order queued.
//! Each row is leased before it is sent, so two drains never send it twice (and its nonce
//! makes a resend after a crash harmless). A short 429 is sat out and the row tried again in
//! this step; a longer wait, a 5xx or a network error is stored on the row (`not_before`).

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::{standups, StepReport};
use crate::commands::Services;
use crate::discord::outbox_sender::{Delivery, OutboxSender, PATIENCE};
use crate::store::outbox::OutboxItem;

/// How long a claimed row stays reserved for the sender that claimed it.
const LEASE_SECS: i64 = 60;
/// Rows read per query.
const BATCH: i64 = 50;
/// The drain stops taking new rows after this long, so the step's other due work (stand-ups,
/// vote deadlines) is not put off behind a long queue; the loop goes again at once.
const DRAIN_BUDGET: Duration = Duration::from_secs(5);
/// Sends of one row per step. Two tries, each at most a 5 s wait and a 15 s request timeout,
/// end well inside the row's 60 s lease.
const MAX_TRIES: u32 = 2;

/// The step's `now`, moved on by the time the drain has run: a lease starts when its row is
/// claimed, not when the step began.
#[derive(Clone, Copy)]
struct StepClock {
    now: i64,
    started: Instant,
}

impl StepClock {
    fn at(&self) -> i64 {
        self.now + self.started.elapsed().as_secs() as i64
    }
}

/// Where the drain delivers rows: Discord's REST API ([`OutboxSender`]), or the console, which
/// shows them as text. The drain (leases, retries, stand-up bookkeeping) is the same for both.
#[async_trait]
pub trait Deliver: Send + Sync + std::fmt::Debug {
    /// How many sends the drain keeps in flight at once.
    fn max_in_flight(&self) -> usize;
    /// The guilds whose rows this sender sends, or `None` for every guild; other rows are left
    /// alone, unclaimed.
    fn only_guilds(&self) -> Option<Vec<u64>> {
        None
    }
    /// Sends one row and says what became of it.
    async fn deliver(&self, item: &OutboxItem, now: i64) -> Delivery;
}

#[async_trait]
impl Deliver for OutboxSender {
    fn max_in_flight(&self) -> usize {
        OutboxSender::max_in_flight(self)
    }

    async fn deliver(&self, item: &OutboxItem, now: i64) -> Delivery {
        OutboxSender::deliver(self, item, now).await
    }
}

/// What one row's send added to the step's report.
type Sent = anyhow::Result<(OutboxItem, StepReport)>;

/// Sends what is due at `now`, adding to `report`.
pub(super) async fn drain(
    services: &Services,
    sender: &Arc<dyn Deliver>,
    now: i64,
    report: &mut StepReport,
) -> anyhow::Result<()> {
    let clock = StepClock {
        now,
        started: Instant::now(),
    };
    let most = sender.max_in_flight();
    let mut queue = VecDeque::new();
    let mut flying: JoinSet<Sent> = JoinSet::new();
    // Channels (and rows) with a send in flight.
    let mut channels = HashSet::new();
    let mut rows = HashSet::new();
    loop {
        let taking = report.paused_for.is_none() && clock.started.elapsed() < DRAIN_BUDGET;
        if taking && queue.is_empty() && flying.len() < most {
            let guilds = sender.only_guilds();
            let store = &services.store;
            queue = store
                .due_outbox_of(guilds.as_deref(), clock.at(), BATCH)
                .await?
                .into();
            queue.retain(|item: &OutboxItem| !rows.contains(&item.id));
        }
        while taking && flying.len() < most {
            let Some(at) = queue
                .iter()
                .position(|item| !channels.contains(&item.channel_id))
            else {
                break;
            };
            let item = queue.remove(at).expect("a position in the queue");
            channels.insert(item.channel_id);
            rows.insert(item.id);
            let (services, sender) = (services.clone(), sender.clone());
            flying.spawn(async move { send_one(&services, &sender, item, clock).await });
        }
        let Some(done) = flying.join_next().await else {
            // Nothing in flight and nothing more to start.
            return Ok(());
        };
        let (item, part) = done??;
        channels.remove(&item.channel_id);
        rows.remove(&item.id);
        add(report, part);
    }
}

fn add(report: &mut StepReport, part: StepReport) {
    report.sent += part.sent;
    report.retried += part.retried;
    report.rate_limited += part.rate_limited;
    report.deferred += part.deferred;
    report.failed += part.failed;
    report.paused_for = report.paused_for.max(part.paused_for);
}

/// Claims one row and sends it, sitting out a short 429 once; records the outcome.
async fn send_one(
    services: &Services,
    sender: &Arc<dyn Deliver>,
    item: OutboxItem,
    clock: StepClock,
) -> Sent {
    let mut report = StepReport::default();
    record(services, sender, &item, clock, &mut report).await?;
    Ok((item, report))
}

async fn record(
    services: &Services,
    sender: &Arc<dyn Deliver>,
    item: &OutboxItem,
    clock: StepClock,
    report: &mut StepReport,
) -> anyhow::Result<()> {
    let store = &services.store;
    let claimed_at = clock.at();
    if !store
        .claim_outbox(item.id, claimed_at, claimed_at + LEASE_SECS)
        .await?
    {
        return Ok(());
    }
    let mut tries = 0;
    loop {
        tries += 1;
        match sender.deliver(item, clock.at()).await {
            Delivery::Sent(id) => {
                store.mark_outbox_sent(item.id, id, clock.at()).await?;
                standups::note_sent(services, item).await?;
                services.metrics.scheduler_posted();
                report.sent += 1;
                return Ok(());
            }
            Delivery::RateLimited {
                wait,
                global,
                refused,
            } => {
                if refused {
                    services.metrics.discord_error(429);
                    report.rate_limited += 1;
                    // The limiter now holds this route (or everything) until the wait is over,
                    // so the next try waits exactly that long, then goes.
                    if tries < MAX_TRIES && PATIENCE.sits_out(wait, global) {
                        continue;
                    }
                }
                let resume = clock.at() + wait.as_secs_f64().ceil().max(1.0) as i64;
                if refused {
                    store.retry_outbox_at(item.id, resume).await?;
                } else {
                    store.defer_outbox(item.id, resume).await?;
                    report.deferred += 1;
                }
                if global {
                    // Nothing else could go either: the drain stops taking rows.
                    report.paused_for = Some(wait);
                }
                return Ok(());
            }
            Delivery::RetryAt { at, status } => {
                store.retry_outbox_at(item.id, at).await?;
                match status {
                    Some(status) => services.metrics.discord_error(status),
                    None => services.metrics.discord_unreachable(),
                }
                report.retried += 1;
                return Ok(());
            }
            Delivery::Failed { status, reason } => {
                tracing::warn!(outbox = item.id, purpose = %item.purpose, status, reason = %reason, "Discord refused a post");
                services.metrics.discord_error(status);
                store
                    .mark_outbox_failed(item.id, &format!("{status}: {reason}"), clock.at())
                    .await?;
                if status == 403 {
                    if let Some((team_id, why)) = standups::missing_permission(item, &reason) {
                        store.mark_schedule_failing(team_id, &why).await?;
                    }
                }
                report.failed += 1;
                return Ok(());
            }
        }
    }
}
