//! The gateway transport: a serenity client whose only job is to hand each interaction to
//! `dispatch` and send back the response it returns.

use std::sync::Arc;

use serenity::all::{Client, Context, EventHandler, GatewayIntents, Http, Interaction, Ready};
use serenity::async_trait;

use crate::commands::{dispatch, Services};

struct Handler {
    services: Services,
}

#[async_trait]
impl EventHandler for Handler {
    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let (id, token) = (interaction.id(), interaction.token().to_string());
        let response = dispatch(&self.services, interaction).await;
        let follow_up = response.follow_up();
        if let Err(error) = ctx
            .http
            .create_interaction_response(id, &token, &response.to_wire(), Vec::new())
            .await
        {
            tracing::warn!(error = %error, "could not send an interaction response over the gateway");
            return;
        }
        if let Some(edit) = follow_up {
            super::rest::send_follow_up(&ctx.http, &token, edit).await;
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
