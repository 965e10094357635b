//! `/help`: a short guide to every command, generated from the registry so it never lists a
//! command that does not exist.

use serenity::all::{CreateCommand, InteractionContext};

use super::registry::{commands_json, GROUPS};
use crate::render::{Embed, Message, Response};

pub fn definition() -> CreateCommand {
    CreateCommand::new("help")
        .description("A short guide to every Sprintmate command")
        .contexts(vec![InteractionContext::Guild])
}

/// `/name sub` lines with descriptions, walking sub-command groups.
fn lines(prefix: &str, command: &serde_json::Value, out: &mut Vec<String>) {
    let subs: Vec<&serde_json::Value> = command["options"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| matches!(o["type"].as_u64(), Some(1) | Some(2)))
        .collect();
    if subs.is_empty() {
        let description = command["description"].as_str().unwrap_or_default();
        out.push(format!("`{prefix}` {description}"));
        return;
    }
    for sub in subs {
        lines(
            &format!("{prefix} {}", sub["name"].as_str().unwrap_or_default()),
            sub,
            out,
        );
    }
}

pub fn run() -> Response {
    let commands = commands_json();
    let mut fields = Vec::new();
    for (heading, names) in GROUPS {
        let mut out = Vec::new();
        for command in commands.as_array().into_iter().flatten() {
            let name = command["name"].as_str().unwrap_or_default();
            if !names.contains(&name) {
                continue;
            }
            if command["type"].as_u64() == Some(3) {
                out.push(format!(
                    "**{name}** (message menu: Apps → {name}) turns a message into a story"
                ));
            } else {
                lines(&format!("/{name}"), command, &mut out);
            }
        }
        fields.push((heading.to_string(), out.join("\n"), false));
    }
    let embed = Embed {
        title: Some("Sprintmate".to_string()),
        description: Some(
            "Your team's backlog in Discord. Stories are named `#N`; story options accept `12` or `#12` and suggest as you type. \
             Members add and move stories; the Product Owner (the team's PO role, or an admin) archives and restores them \
             and sets the vision; admins configure teams."
                .to_string(),
        ),
        fields,
        color: Some(0x5865f2),
        ..Embed::default()
    };
    Response::Message(Message::default().with_embed(embed).private())
}
