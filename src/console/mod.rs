//! `sprintmate console`: try every command locally, without Discord.
//!
//! - [`synth`]: the interaction factory, shared with the integration tests.

pub mod synth;
