//! `sprintmate console`: try every command locally, without Discord. A prompt where you type a
//! slash command (`/story add title:"Guest checkout" points:3`), see the reply as text, press
//! buttons by number and fill forms field by field. Lines become real interaction JSON
//! ([`synth`]) answered by the same [`dispatch`](crate::commands::dispatch) as Discord's
//! transports, against the configured database.
//!
//! - [`synth`]: the interaction factory, shared with the integration tests.
//! - `session`: the read–dispatch–show loop; `form`: filling modals; `meta`: the console's own
//!   commands; `terminal`: line input and output; [`render`]: replies as text; `outbox`: what
//!   the bot posts on its own, delivered by the scheduler's drain to the console and shown.

mod form;
mod meta;
mod outbox;
pub mod render;
mod session;
pub mod synth;
mod terminal;

use std::io::IsTerminal as _;
use std::sync::Arc;

use async_trait::async_trait;

use crate::commands::{GuildNames, Services, SystemClock};
use crate::config::Settings;
use crate::store::Store;

pub use session::Console;

/// The services the console answers with: the configured database (migrated), the real clock,
/// no Discord look-ups.
pub async fn services(settings: &Settings) -> anyhow::Result<Services> {
    let store = Store::connect(&settings.database_url).await?;
    store.migrate().await?;
    let names: Arc<dyn GuildNames> = Arc::new(ConsoleGuildNames);
    Ok(Services::new(store, Arc::new(SystemClock), Some(names)))
}

/// The console's guilds are not on Discord and have no name to give their default team, which
/// would then be called "Team" and sign its cards "Team Team".
#[derive(Debug)]
struct ConsoleGuildNames;

#[async_trait]
impl GuildNames for ConsoleGuildNames {
    async fn guild_name(&self, _guild_id: u64) -> Option<String> {
        Some("Console".to_owned())
    }
}

/// How often the console looks for due work (stand-up reminders, vote deadlines) while idle.
const IDLE_TICK: std::time::Duration = std::time::Duration::from_secs(5);

/// Runs the console on stdin and stdout; when stdin is not a terminal, each line read is echoed
/// so the output reads like a transcript.
pub async fn run_stdio(settings: Settings) -> anyhow::Result<()> {
    let services = services(&settings).await?;
    let echo = !std::io::stdin().is_terminal();
    let input = tokio::io::BufReader::new(tokio::io::stdin());
    Console::new(services.clone())
        .with_echo(echo)
        .with_idle_tick(IDLE_TICK)
        .run(input, tokio::io::stdout())
        .await?;
    services.store.close().await;
    Ok(())
}

#[cfg(test)]
mod tests;
