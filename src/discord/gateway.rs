//! The gateway transport: a serenity client whose only job is to hand each interaction to
//! `dispatch` and send back the response it returns (deferred when it is not ready in time,
//! `deadline.rs`).

use std::sync::Arc;

use serenity::all::{Client, Context, EventHandler, GatewayIntents, Http, Interaction, Ready};
use serenity::async_trait;

use super::deadline::{answer_within, complete_late, FirstAnswer, DEFER_AFTER};
use crate::commands::Services;

struct Handler {
    services: Services,
}

#[async_trait]
impl EventHandler for Handler {
    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        // serenity runs each event in a task of its own; shutdown waits for this one.
        let _in_flight = self.services.in_flight.token();
        let (id, token) = (interaction.id(), interaction.token().to_string());
        let metrics = &self.services.metrics;
        let response = match answer_within(&self.services, interaction, DEFER_AFTER).await {
            FirstAnswer::Now(response) => response,
            FirstAnswer::Late(deferral, work) => {
                let deferred = ctx
                    .http
                    .create_interaction_response(id, &token, &deferral.to_wire(), Vec::new())
                    .await;
                if let Err(error) = deferred {
                    metrics.discord_failure(&error);
                    tracing::warn!(error = %error, "could not defer an interaction over the gateway");
                }
                // The work finishes either way, so a change it started is not cut off.
                complete_late(&ctx.http, metrics, &token, deferral, work).await;
                return;
            }
        };
        let follow_up = response.follow_up();
        if let Err(error) = ctx
            .http
            .create_interaction_response(id, &token, &response.to_wire(), Vec::new())
            .await
        {
            metrics.discord_failure(&error);
            tracing::warn!(error = %error, "could not send an interaction response over the gateway");
            return;
        }
        if let Some(edit) = follow_up {
            super::rest::send_follow_up(&ctx.http, metrics, &token, edit).await;
        }
    }

    async fn ready(&self, _ctx: Context, ready: Ready) {
        tracing::info!(
            guilds = ready.guilds.len(),
            "connected to the Discord gateway"
        );
    }
}

/// Builds the gateway client. Interactions need no privileged intents.
pub async fn client(http: Http, services: Services) -> anyhow::Result<Client> {
    Ok(
        serenity::client::ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
            .event_handler(Handler { services })
            .await?,
    )
}

/// Keeps the shard manager reachable for shutdown.
pub fn shard_manager(client: &Client) -> Arc<serenity::gateway::ShardManager> {
    client.shard_manager.clone()
}
