//! Discord transports and REST: the gateway client, the HTTP interactions endpoint (with
//! `/healthz` and `/metrics`), and the REST client the bot uses on its own (the outbox sender,
//! paced by the rate limiter).

pub mod deadline;
pub mod endpoint;
pub mod gateway;
pub mod interaction_json;
pub mod outbox_sender;
pub mod rate_limit;
pub mod rest;
