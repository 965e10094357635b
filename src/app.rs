//! Wiring: [`App::build`] opens and migrates the store, prepares the REST client, registers the
//! commands and binds the HTTP listener; [`App::run_until_stopped`] runs the HTTP server and the
//! gateway as sibling tasks until the shutdown signal, then stops them cleanly.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use tokio::net::TcpListener;

use crate::commands::{Clock, GuildNames, Services, SystemClock};
use crate::config::Settings;
use crate::discord::outbox_sender::OutboxSender;
use crate::discord::{endpoint, gateway, rest};
use crate::metrics::Metrics;
use crate::scheduler::Scheduler;
use crate::store::Store;

/// Said when there is nothing to run.
pub const NOTHING_TO_RUN: &str =
    "Nothing to run: set DISCORD_TOKEN (to connect to Discord's gateway) and/or \
SPRINTMATE_HTTP_LISTEN with DISCORD_PUBLIC_KEY (to serve Discord's interactions endpoint). \
To try Sprintmate without Discord, run `sprintmate console`.";

/// A built, ready-to-run bot.
pub struct App {
    settings: Settings,
    services: Services,
    listener: Option<TcpListener>,
    /// Off only in tests that step the scheduler by hand with a controlled clock.
    scheduler_loop: bool,
}

impl App {
    /// Builds the app with the real clock.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// Builds the app; tests pass a controlled clock.
    pub async fn build_with_clock(
        settings: Settings,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        if settings.discord_token.is_none() && settings.http_listen.is_none() {
            anyhow::bail!(NOTHING_TO_RUN);
        }
        let store = Store::connect(&settings.database_url).await?;
        store.migrate().await?;

        let metrics = Arc::new(Metrics::new());
        let count_failure = |error: &anyhow::Error| {
            if let Some(error) = error.downcast_ref::<serenity::Error>() {
                metrics.discord_failure(error);
            }
        };
        let mut guild_names: Option<Arc<dyn GuildNames>> = None;
        let mut rest_client = None;
        if let Some(token) = &settings.discord_token {
            let http = Arc::new(rest::build_http(&settings, token));
            match rest::ensure_application_id(&http).await {
                Ok(application_id) => {
                    match rest::register_commands(&http, settings.discord_guild_id).await {
                        Ok(count) => {
                            tracing::info!(application_id, count, "registered the slash commands")
                        }
                        Err(error) => {
                            count_failure(&error);
                            tracing::error!(
                                error = format!("{error:#}"),
                                "command registration failed"
                            )
                        }
                    }
                }
                Err(error) => {
                    count_failure(&error);
                    tracing::error!(error = format!("{error:#}"), "commands not registered")
                }
            }
            guild_names = Some(Arc::new(rest::RestGuildNames {
                http: http.clone(),
                metrics: metrics.clone(),
            }));
            rest_client = Some(http);
        } else if settings.http_listen.is_some() {
            tracing::warn!(
                "no DISCORD_TOKEN: the bot cannot post on its own (stand-ups, results, updates) \
                 and answers with a note instead of a picture"
            );
        }

        let listener = match settings.http_listen {
            Some(address) => {
                if settings.discord_public_key.is_none() {
                    anyhow::bail!("SPRINTMATE_HTTP_LISTEN is set, so DISCORD_PUBLIC_KEY is required to verify Discord's requests.");
                }
                Some(
                    TcpListener::bind(address)
                        .await
                        .with_context(|| format!("could not listen on {address}"))?,
                )
            }
            None => None,
        };
        let mut services = Services::new(store, clock, guild_names);
        services.rest = rest_client;
        services.metrics = metrics;
        Ok(Self {
            settings,
            services,
            listener,
            scheduler_loop: true,
        })
    }

    /// The bound address of the HTTP server, if it is on.
    pub fn http_addr(&self) -> Option<SocketAddr> {
        self.listener.as_ref().and_then(|l| l.local_addr().ok())
    }

    pub fn services(&self) -> &Services {
        &self.services
    }

    /// Runs without the scheduler loop, so a test can call [`Scheduler::run_due`] itself and
    /// nothing else sends at the same time.
    pub fn without_scheduler_loop(mut self) -> Self {
        self.scheduler_loop = false;
        self
    }

    /// Runs until `shutdown` completes; in-flight interactions finish before this returns.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let mut tasks = tokio::task::JoinSet::new();

        if let Some(listener) = self.listener {
            let public_key = self.settings.discord_public_key.clone().unwrap_or_default();
            let router = endpoint::router(self.services.clone(), endpoint::verifier(&public_key)?);
            let mut stop = stop_rx.clone();
            tracing::info!(address = %listener.local_addr()?, "HTTP server listening");
            tasks.spawn(async move {
                axum::serve(listener, router)
                    .with_graceful_shutdown(async move {
                        let _ = stop.wait_for(|s| *s).await;
                    })
                    .await
                    .context("HTTP server failed")
            });
        }

        if let Some(token) = self
            .settings
            .discord_token
            .as_ref()
            .filter(|_| self.scheduler_loop)
        {
            let sender = OutboxSender::new(&self.settings, token.clone());
            let scheduler = Scheduler::new(self.services.clone(), Some(sender));
            let wake = self.services.scheduler_wake.clone();
            let stop = stop_rx.clone();
            tasks.spawn(async move {
                scheduler.run(wake, stop).await;
                Ok(())
            });
        }

        if self.settings.gateway_enabled() {
            let Some(token) = &self.settings.discord_token else {
                anyhow::bail!("SPRINTMATE_GATEWAY is on but DISCORD_TOKEN is not set.");
            };
            let http = rest::build_http(&self.settings, token);
            rest::ensure_application_id(&http).await?;
            let mut client = gateway::client(http, self.services.clone()).await?;
            let shards = gateway::shard_manager(&client);
            let mut stop = stop_rx.clone();
            tasks.spawn(async move {
                tokio::select! {
                    result = client.start() => result.context("gateway connection failed"),
                    _ = async move { stop.wait_for(|s| *s).await.is_ok() } => {
                        shards.shutdown_all().await;
                        Ok(())
                    }
                }
            });
        }

        tokio::select! {
            _ = shutdown => tracing::info!("shutting down"),
            Some(result) = tasks.join_next() => {
                // A transport ended on its own: stop the rest and report why.
                let _ = stop_tx.send(true);
                while tasks.join_next().await.is_some() {}
                finish_in_flight(&self.services).await;
                self.services.store.close().await;
                return result.context("a transport task panicked")?;
            }
        }
        let _ = stop_tx.send(true);
        while let Some(result) = tasks.join_next().await {
            result.context("a transport task panicked")??;
        }
        finish_in_flight(&self.services).await;
        self.services.store.close().await;
        Ok(())
    }
}

/// Lets interactions still being answered finish (a gateway event's handler, the edit that
/// completes a deferred reply), for at most [`IN_FLIGHT_GRACE`], before the store closes.
async fn finish_in_flight(services: &Services) {
    services.in_flight.close();
    if tokio::time::timeout(IN_FLIGHT_GRACE, services.in_flight.wait())
        .await
        .is_err()
    {
        tracing::warn!(
            left = services.in_flight.len(),
            "stopped with interactions still in flight"
        );
    }
}

/// How long shutdown waits for in-flight interactions: past Discord's 3 s for a first answer
/// and the deferred edit's five tries.
const IN_FLIGHT_GRACE: std::time::Duration = std::time::Duration::from_secs(8);
