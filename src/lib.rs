//! Sprintmate: a Product Owner bot for Discord.
//!
//! # Layout
//! - [`config`]: typed settings (built-in defaults, optional file, environment).
//! - [`domain`]: pure rules (stories, ranks, teams, access); no I/O, no clock.
//! - [`store`]: the only place with SQL (SQLite through sqlx).
//! - [`backup`]: the JSON document of `sprintmate export` / `import`, its checks and the two
//!   sub-commands.
//! - [`commands`]: command definitions and handlers; `dispatch` routes every interaction.
//! - [`render`]: the outgoing message model, limits and mention safety; cards and lists.
//! - [`discord`]: transports (gateway, HTTP endpoint), the REST client and its rate limiter.
//! - [`console`]: the local REPL and the interaction factory it shares with the tests.
//! - [`scheduler`]: due work (stand-up prompts, reminders, summaries) and the outbox drain.
//! - [`app`]: wiring: builds the services and runs transports until shutdown.
//! - [`metrics`], [`error`]: Prometheus metrics; the user-versus-internal error split.

pub mod app;
pub mod backup;
pub mod commands;
pub mod config;
pub mod console;
pub mod discord;
pub mod domain;
pub mod error;
pub mod metrics;
pub mod render;
pub mod scheduler;
pub mod store;
