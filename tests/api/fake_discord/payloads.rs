//! The JSON objects the fake answers with, shaped as Discord's (and as serenity 0.12.5 reads
//! them): the bot user, commands, the application, a guild, messages and threads.

use serde_json::{json, Value};

use super::*;

/// The bot user, as Discord describes it in messages.
pub fn bot_user() -> Value {
    json!({
        "id": BOT_USER_ID.to_string(),
        "username": "Sprintmate",
        "discriminator": "0",
        "global_name": null,
        "avatar": null,
        "bot": true,
        "public_flags": 0,
    })
}

pub(super) fn commands(
    fake: &FakeDiscord,
    application_id: u64,
    guild_id: Option<u64>,
    body: &Value,
) -> Value {
    let registered: Vec<Value> = body
        .as_array()
        .into_iter()
        .flatten()
        .map(|command| {
            let mut out = command.clone();
            let defaults = [
                ("type", json!(1)),
                ("description", json!("")),
                ("default_member_permissions", Value::Null),
                ("nsfw", json!(false)),
                ("integration_types", json!([0])),
                ("contexts", Value::Null),
                ("name_localizations", Value::Null),
                ("description_localizations", Value::Null),
            ];
            for (key, value) in defaults {
                if out.get(key).is_none() {
                    out[key] = value;
                }
            }
            out["id"] = json!(fake.next_id().to_string());
            out["application_id"] = json!(application_id.to_string());
            out["version"] = json!(fake.next_id().to_string());
            if let Some(guild_id) = guild_id {
                out["guild_id"] = json!(guild_id.to_string());
            }
            out
        })
        .collect();
    Value::Array(registered)
}

pub(super) fn application() -> Value {
    json!({
        "id": FAKE_APPLICATION_ID.to_string(),
        "name": "Sprintmate (test)",
        "icon": null,
        "description": "",
        "summary": "",
        "type": null,
        "bot_public": false,
        "bot_require_code_grant": false,
        "verify_key": "0".repeat(64),
        "flags": 0,
        "owner": bot_user(),
        "team": null,
        "bot": bot_user(),
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "role_connections_verification_url": null,
        "approximate_guild_count": 1,
    })
}

pub(super) fn guild(id: u64, name: &str) -> Value {
    json!({
        "id": id.to_string(),
        "name": name,
        "icon": null,
        "icon_hash": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": "1000000000000000001",
        "afk_channel_id": null,
        "afk_timeout": 300,
        "widget_enabled": false,
        "widget_channel_id": null,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "roles": [{
            "id": id.to_string(),
            "name": "@everyone",
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
            "hoist": false,
            "icon": null,
            "unicode_emoji": null,
            "position": 0,
            "permissions": "2248473465835073",
            "managed": false,
            "mentionable": false,
            "flags": 0,
        }],
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": null,
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "max_presences": null,
        "max_members": 500000,
        "vanity_url_code": null,
        "description": null,
        "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": null,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "nsfw_level": 0,
        "stickers": [],
        "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
    })
}

pub(super) fn now_iso() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
}

/// A message as Discord returns it, echoing what the bot sent.
pub fn message(id: u64, channel_id: u64, sent: &Value) -> Value {
    let embeds: Vec<Value> = sent["embeds"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|embed| {
            let mut embed = embed.clone();
            embed["type"] = json!("rich");
            embed
        })
        .collect();
    json!({
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": bot_user(),
        "content": sent["content"].as_str().unwrap_or_default(),
        "timestamp": now_iso(),
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": embeds,
        "components": sent.get("components").cloned().unwrap_or_else(|| json!([])),
        "pinned": false,
        "type": 0,
        "flags": sent["flags"].as_u64().unwrap_or(0),
        "nonce": sent.get("nonce").cloned().unwrap_or(Value::Null),
    })
}

/// A thread channel as Discord returns it.
pub fn thread(id: u64, parent_id: u64, sent: &Value) -> Value {
    json!({
        "id": id.to_string(),
        "type": sent["type"].as_u64().unwrap_or(11),
        "parent_id": parent_id.to_string(),
        "owner_id": BOT_USER_ID.to_string(),
        "name": sent["name"].as_str().unwrap_or("thread"),
        "last_message_id": null,
        "rate_limit_per_user": sent["rate_limit_per_user"].as_u64().unwrap_or(0),
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": false,
            "auto_archive_duration": sent["auto_archive_duration"].as_u64().unwrap_or(1440),
            "archive_timestamp": now_iso(),
            "locked": false,
            "create_timestamp": now_iso(),
        },
    })
}
