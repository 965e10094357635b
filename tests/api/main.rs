//! The integration tests: one binary (one link step, shared helpers). The bot runs for real on
//! `127.0.0.1:0` with a temporary SQLite file and a controlled clock; Discord is played by a fake
//! REST API and by signed requests to the interactions endpoint; every body that crosses the wire
//! is checked against Discord's OpenAPI spec in `tests/fixtures/`.

// The harness offers more than the current tests use; later test modules build on it.
#![allow(dead_code)]

mod backlog;
mod chat;
mod deadline;
mod estimate;
mod fake_discord;
mod fake_discord_tests;
mod fake_rate_limit;
mod helpers;
mod openapi;
mod protocol;
mod rate_limit;
mod restore;
mod scheduler_loop;
mod sprint;
mod standup;
mod standup_commands;
mod stories;
mod teams;
mod validation;
mod vote;
