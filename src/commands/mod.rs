//! Slash commands, buttons, modals and autocomplete: one file per command family, each with its
//! definitions and handlers. [`dispatch`] routes every interaction (from the gateway, the HTTP
//! endpoint or the console) to exactly one handler; [`registry`] lists every command.

pub mod autocomplete;
pub mod backlog;
pub mod caller;
pub mod control_id;
pub mod custom_id;
pub mod dispatch;
pub mod estimate;
pub mod estimate_press;
pub mod help;
pub mod options;
pub mod poker_id;
pub mod registry;
pub mod restored_cards;
pub mod sprint;
pub mod sprint_facts;
pub mod sprint_plan;
pub mod sprint_report;
pub mod standup;
pub mod standup_answer;
pub mod standup_report;
pub mod standup_setup;
pub mod standup_view;
pub mod story;
pub mod story_criteria;
pub mod story_definition;
pub mod story_depend;
pub mod story_flow;
pub mod story_modal;
pub mod team;
pub mod update;
pub mod update_draft;
pub mod update_schedule;
pub mod vision;
pub mod vote;
pub mod vote_ballot;
pub mod vote_custom_id;
pub mod vote_results;
pub mod vote_tally;
#[cfg(test)]
mod vote_tests;

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::store::Store;

pub use caller::Caller;
pub use dispatch::dispatch;

/// The time source; tests substitute a controlled clock.
pub trait Clock: Send + Sync + fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Looks up a guild's name (to name its default team); `None` when it cannot be known.
#[async_trait::async_trait]
pub trait GuildNames: Send + Sync + fmt::Debug {
    async fn guild_name(&self, guild_id: u64) -> Option<String>;
}

/// What every handler may use: the store, the clock and Discord look-ups.
#[derive(Clone, Debug)]
pub struct Services {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub guild_names: Option<Arc<dyn GuildNames>>,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Discord's REST API, when a token is configured (follow-ups with pictures).
    pub rest: Option<Arc<serenity::all::Http>>,
    /// Wakes the scheduler after a handler queued work for it.
    pub scheduler_wake: Arc<tokio::sync::Notify>,
    /// Interaction work that outlives its request (a gateway event, a deferred reply's edit);
    /// shutdown waits for it before the store closes.
    pub in_flight: tokio_util::task::TaskTracker,
}

impl Services {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        guild_names: Option<Arc<dyn GuildNames>>,
    ) -> Self {
        Self {
            store,
            clock,
            guild_names,
            rest: None,
            metrics: Arc::new(crate::metrics::Metrics::new()),
            scheduler_wake: Arc::new(tokio::sync::Notify::new()),
            in_flight: tokio_util::task::TaskTracker::new(),
        }
    }

    pub fn now_unix(&self) -> i64 {
        self.clock.now().timestamp()
    }
}
