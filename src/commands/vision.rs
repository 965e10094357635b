//! `/vision set|show`: the product vision, shown atop `/backlog` and in updates.

use serenity::all::{CommandOptionType, CreateCommand, CreateCommandOption, InteractionContext};

use super::caller::team_for;
use super::options::Invocation;
use super::{Caller, Services};
use crate::domain::access::Access;
use crate::domain::team::{Vision, VISION_MAX};
use crate::error::{AppError, HandlerResult};
use crate::render::text::escape_markdown;
use crate::render::{Embed, Message, Response};

pub fn definition() -> CreateCommand {
    CreateCommand::new("vision")
        .description("The product vision")
        .contexts(vec![InteractionContext::Guild])
        .add_option(
            CreateCommandOption::new(
                CommandOptionType::SubCommand,
                "set",
                "Set the product vision (Product Owner)",
            )
            .add_sub_option(
                CreateCommandOption::new(
                    CommandOptionType::String,
                    "text",
                    "The vision, up to 1000 characters",
                )
                .required(true)
                .max_length(VISION_MAX as u16),
            ),
        )
        .add_option(CreateCommandOption::new(
            CommandOptionType::SubCommand,
            "show",
            "Show the product vision",
        ))
}

fn vision_embed(team_name: &str, vision: &str) -> Embed {
    Embed {
        title: Some(format!("Vision · {}", escape_markdown(team_name))),
        description: Some(escape_markdown(vision)),
        color: Some(0x5865f2),
        ..Embed::default()
    }
}

pub async fn run(
    services: &Services,
    caller: &Caller,
    inv: &Invocation,
) -> HandlerResult<Response> {
    let team = team_for(services, caller).await?;
    match inv.path.as_str() {
        "vision set" => {
            caller.require(&team, Access::ProductOwner, "set the vision")?;
            let vision = Vision::parse(inv.required_text("text")?)?;
            if team.vision.as_deref() == Some(vision.as_str()) {
                return Err(AppError::user(format!(
                    "The vision of {} already reads exactly like that; nothing was changed.",
                    escape_markdown(&team.name)
                )));
            }
            services.store.set_vision(&team, vision.as_str()).await?;
            let message = Message::public_text(format!(
                "<@{}> set the vision of {}.",
                caller.user_id,
                escape_markdown(&team.name)
            ))
            .with_embed(vision_embed(&team.name, vision.as_str()));
            Ok(Response::Message(message))
        }
        "vision show" => Ok(Response::Message(match &team.vision {
            Some(vision) => Message::default()
                .with_embed(vision_embed(&team.name, vision))
                .private(),
            None => Message::private_text(format!(
                "Team {} has no vision yet. The Product Owner can set one with /vision set.",
                escape_markdown(&team.name)
            )),
        })),
        other => Err(AppError::Internal(anyhow::anyhow!(
            "no handler for /{other}"
        ))),
    }
}
