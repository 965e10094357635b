//! Hand-written interactions as Discord sends them from a guild text channel: slash commands
//! with a sub-command and options, button presses and modal submissions, from a chosen member.
//! (Until `sprintmate::console::synth` lands, this keeps the stand-up tests readable.)

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{json, Value};

use crate::fake_discord::message;
use crate::helpers::{APPLICATION_ID, CHANNEL_ID, GUILD_ID};

/// Permissions of an ordinary member (no Manage Server).
pub const MEMBER_PERMISSIONS: u64 = 2_248_473_465_835_073;
/// Manage Server on top: an admin.
pub const ADMIN_PERMISSIONS: u64 = MEMBER_PERMISSIONS | 0x20;

/// Who sends an interaction.
#[derive(Clone, Copy, Debug)]
pub struct Member {
    pub id: u64,
    pub permissions: u64,
}

impl Member {
    pub fn admin(id: u64) -> Self {
        Self {
            id,
            permissions: ADMIN_PERMISSIONS,
        }
    }

    pub fn ordinary(id: u64) -> Self {
        Self {
            id,
            permissions: MEMBER_PERMISSIONS,
        }
    }
}

/// A typed option value.
pub enum Opt {
    Text(&'static str),
    Int(i64),
    Channel(u64),
    User(u64),
}

fn next_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1_300_000_000_000_010_000);
    NEXT.fetch_add(1, Ordering::Relaxed).to_string()
}

fn base(kind: u8, from: Member, data: Value) -> Value {
    let id = next_id();
    let permissions = from.permissions.to_string();
    json!({
        "id": id,
        "application_id": APPLICATION_ID.to_string(),
        "type": kind,
        "data": data,
        "guild_id": GUILD_ID.to_string(),
        "guild": {"id": GUILD_ID.to_string(), "features": [], "locale": "en-US"},
        "guild_locale": "en-US",
        "channel_id": CHANNEL_ID.to_string(),
        "channel": {
            "id": CHANNEL_ID.to_string(), "type": 0, "name": "team", "guild_id": GUILD_ID.to_string(),
            "parent_id": null, "permissions": permissions, "flags": 0, "nsfw": false, "position": 3,
            "rate_limit_per_user": 0, "topic": null, "last_message_id": null,
        },
        "member": {
            "user": {
                "id": from.id.to_string(), "username": format!("user{}", from.id % 1000),
                "discriminator": "0", "global_name": null, "avatar": null, "public_flags": 0,
            },
            "nick": null, "avatar": null, "banner": null, "roles": [],
            "joined_at": "2025-11-03T10:00:00.000000+00:00", "premium_since": null,
            "deaf": false, "mute": false, "flags": 0, "pending": false,
            "permissions": permissions, "communication_disabled_until": null,
            "unusual_dm_activity_until": null,
        },
        "token": format!("token-{id}"),
        "version": 1,
        "app_permissions": MEMBER_PERMISSIONS.to_string(),
        "locale": "en-GB",
        "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD_ID.to_string()},
        "context": 0,
        "attachment_size_limit": 10485760,
    })
}

/// `/command sub name:value ...`.
pub fn slash(from: Member, command: &str, sub: &str, options: &[(&str, Opt)]) -> Value {
    let options: Vec<Value> = options
        .iter()
        .map(|(name, value)| match value {
            Opt::Text(text) => json!({"name": name, "type": 3, "value": text}),
            Opt::Int(n) => json!({"name": name, "type": 4, "value": n}),
            Opt::Channel(id) => json!({"name": name, "type": 7, "value": id.to_string()}),
            Opt::User(id) => json!({"name": name, "type": 6, "value": id.to_string()}),
        })
        .collect();
    base(
        2,
        from,
        json!({
            "id": "1300000000000000901", "name": command, "type": 1,
            "options": [{"name": sub, "type": 1, "options": options}],
        }),
    )
}

/// A press of the button `custom_id` on a message the bot posted in `channel_id`.
pub fn button(from: Member, custom_id: &str, message_id: u64, channel_id: u64) -> Value {
    let mut interaction = base(
        3,
        from,
        json!({"custom_id": custom_id, "component_type": 2}),
    );
    interaction["message"] = message(message_id, channel_id, &json!({}));
    interaction
}

/// A submitted modal `custom_id` with its text fields.
pub fn modal_submit(from: Member, custom_id: &str, fields: &[(&str, &str)]) -> Value {
    let rows: Vec<Value> = fields
        .iter()
        .map(|(id, value)| {
            json!({"type": 1, "components": [{"type": 4, "custom_id": id, "value": value}]})
        })
        .collect();
    base(5, from, json!({"custom_id": custom_id, "components": rows}))
}
