//! The REST client: built from the settings (pointing at `DISCORD_API_BASE`), command
//! registration, and guild look-ups.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use async_trait::async_trait;
use serenity::all::{ApplicationId, GuildId, Http, HttpBuilder};

use crate::commands::registry::all_commands;
use crate::commands::GuildNames;
use crate::config::{Secret, Settings};
use crate::metrics::Metrics;

const DISCORD: &str = "https://discord.com";

/// A REST client for `token`. Any base other than Discord's own disables serenity's rate
/// limiter, because serenity only honours its proxy setting with the limiter off.
pub fn build_http(settings: &Settings, token: &Secret) -> Http {
    let mut builder = HttpBuilder::new(token.expose());
    let base = settings.discord_api_base.trim_end_matches('/');
    if base != DISCORD {
        builder = builder.proxy(base).ratelimiter_disabled(true);
    }
    if let Some(id) = settings.discord_application_id {
        builder = builder.application_id(ApplicationId::new(id));
    }
    builder.build()
}

/// Makes sure the client knows the application id, asking Discord when it was not configured.
pub async fn ensure_application_id(http: &Http) -> anyhow::Result<u64> {
    if let Some(id) = http.application_id() {
        return Ok(id.get());
    }
    let info = http
        .get_current_application_info()
        .await
        .context("could not read the application id from Discord; set DISCORD_APPLICATION_ID")?;
    http.set_application_id(info.id);
    Ok(info.id.get())
}

/// Registers every command: globally, or in one guild when `DISCORD_GUILD_ID` is set.
pub async fn register_commands(http: &Http, guild: Option<u64>) -> anyhow::Result<usize> {
    let commands = all_commands();
    let registered = match guild {
        Some(guild) => {
            http.create_guild_commands(GuildId::new(guild), &commands)
                .await
        }
        None => http.create_global_commands(&commands).await,
    }
    .context("registering the slash commands with Discord failed")?;
    Ok(registered.len())
}

/// Guild names from Discord's API, with a short timeout: a slow answer just means the default
/// team is called "Team".
#[derive(Debug)]
pub struct RestGuildNames {
    pub http: Arc<Http>,
    pub metrics: Arc<Metrics>,
}

#[async_trait]
impl GuildNames for RestGuildNames {
    async fn guild_name(&self, guild_id: u64) -> Option<String> {
        let lookup = self.http.get_guild(GuildId::new(guild_id));
        match tokio::time::timeout(Duration::from_millis(1500), lookup).await {
            Ok(Ok(guild)) => Some(guild.name),
            Ok(Err(error)) => {
                self.metrics.discord_failure(&error);
                tracing::warn!(guild = guild_id, error = %error, "could not read the guild's name");
                None
            }
            Err(_) => None,
        }
    }
}

/// Completes a deferred reply by editing the original response (e.g. to attach a picture).
pub async fn send_follow_up(
    http: &Http,
    metrics: &Metrics,
    token: &str,
    edit: serenity::all::EditInteractionResponse,
) {
    with_retries(metrics, "complete a deferred reply", || {
        serenity::builder::Builder::execute(edit.clone(), http, token)
    })
    .await;
}

/// Runs a request to an interaction's webhook up to five times, 200, 400 ... ms apart: over
/// the HTTP endpoint the request can reach Discord before the first answer it builds on.
/// Only a failure that a later try can mend is tried again ([`worth_retrying`]). Every failure
/// is counted; the last is logged as `what` failing. Whether it succeeded.
pub async fn with_retries<T, F>(
    metrics: &Metrics,
    what: &'static str,
    mut request: impl FnMut() -> F,
) -> bool
where
    F: std::future::Future<Output = serenity::Result<T>>,
{
    for attempt in 1..=5u64 {
        match request().await {
            Ok(_) => return true,
            Err(error) => {
                metrics.discord_failure(&error);
                if attempt == 5 || !worth_retrying(&error) {
                    tracing::warn!(error = %error, "could not {what}");
                    return false;
                } else {
                    tokio::time::sleep(Duration::from_millis(200 * attempt)).await;
                }
            }
        }
    }
    false
}

/// Whether a failed webhook request may succeed if sent again: the webhook not known yet (404,
/// the first answer still on its way), a rate limit, Discord's own failure (5xx) or the
/// network. A refusal of the request itself (another 4xx, or serenity refusing to send it)
/// fails the same way every time.
fn worth_retrying(error: &serenity::Error) -> bool {
    use serenity::http::HttpError;
    match error {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(answer)) => {
            let status = answer.status_code.as_u16();
            status == 404 || status == 429 || status >= 500
        }
        serenity::Error::Http(_) | serenity::Error::Io(_) => true,
        _ => false,
    }
}
