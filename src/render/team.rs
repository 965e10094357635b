//! The team overview of `/team show`.

use super::message::{Embed, Message};
use super::text::escape_markdown;
use crate::store::teams::Team;

pub fn team_overview(team: &Team, channels: &[u64], members: &[u64]) -> Message {
    let list = |ids: &[u64], prefix: &str, none: &str| {
        if ids.is_empty() {
            none.to_string()
        } else {
            ids.iter()
                .map(|id| format!("<{prefix}{id}>"))
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    let embed = Embed {
        title: Some(format!("Team {}", escape_markdown(&team.name))),
        description: Some(match &team.vision {
            Some(vision) => format!("> {}", escape_markdown(vision).replace('\n', "\n> ")),
            None => "_No vision yet. The Product Owner can set one with /vision set._".to_string(),
        }),
        fields: vec![
            (
                "Default team".to_string(),
                if team.is_default { "yes" } else { "no" }.to_string(),
                true,
            ),
            (
                "Product Owner role".to_string(),
                team.po_role_id
                    .map_or("not set (admins act as PO)".to_string(), |r| {
                        format!("<@&{r}>")
                    }),
                true,
            ),
            ("Time zone".to_string(), team.timezone.clone(), true),
            (
                "Stakeholder channel".to_string(),
                team.stakeholder_channel_id
                    .map_or("not set".to_string(), |c| format!("<#{c}>")),
                true,
            ),
            (
                "Linked channels".to_string(),
                list(
                    channels,
                    "#",
                    if team.is_default {
                        "none (this team answers in every unlinked channel)"
                    } else {
                        "none"
                    },
                ),
                false,
            ),
            (
                "Members".to_string(),
                list(members, "@", "none yet: add them with /team add"),
                false,
            ),
        ],
        ..Embed::default()
    };
    Message::default().with_embed(embed).private()
}
