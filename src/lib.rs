//! Sprintmate: a Product Owner bot for Discord.
pub mod config;
pub mod domain;
pub mod error;
pub mod store;
