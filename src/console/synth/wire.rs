//! The JSON objects Discord puts around an interaction (API v10): the envelope with its
//! required fields, users, members, channels, roles and messages. Snowflakes are strings.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{json, Value};

use super::Actor;

/// The application id every synthetic interaction is addressed to.
pub const APPLICATION_ID: u64 = 1_100_000_000_000_000_001;
/// Permissions granted to the bot in the channel (`app_permissions`): view the channel, send
/// messages, embed links, attach files, read history, use application commands, send messages in
/// threads.
const APP_PERMISSIONS: u64 = 1 << 10 | 1 << 11 | 1 << 14 | 1 << 15 | 1 << 16 | 1 << 31 | 1 << 38;
/// Discord's attachment size limit for unboosted guilds: 10 MiB.
const ATTACHMENT_SIZE_LIMIT: u64 = 10 * 1024 * 1024;
const LOCALE: &str = "en-US";
const TIMESTAMP: &str = "2025-01-01T00:00:00.000000+00:00";

/// Discord's epoch, 2015-01-01, in unix milliseconds: a snowflake's top 42 bits count from it.
const DISCORD_EPOCH_MS: i64 = 1_420_070_400_000;

/// A fresh snowflake for interactions and messages, unique within the process and stamped
/// with the time it was made, as Discord's are (the bot reads a card's age from its id).
pub fn next_id() -> u64 {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = id_at_millis(chrono::Utc::now().timestamp_millis());
    let previous = LAST
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| {
            Some(now.max(last + 1))
        })
        .expect("the update always gives a value");
    now.max(previous + 1)
}

/// The first snowflake of the given unix second, e.g. for a message posted back then.
pub fn id_at(unix_seconds: i64) -> u64 {
    id_at_millis(unix_seconds * 1000)
}

fn id_at_millis(unix_millis: i64) -> u64 {
    let since_epoch = u64::try_from(unix_millis - DISCORD_EPOCH_MS).unwrap_or(0);
    since_epoch << 22
}

/// Discord writes ids as strings.
pub fn snowflake(id: u64) -> Value {
    Value::String(id.to_string())
}

/// A user object; `bot` marks the application's own user.
pub fn user(id: u64, username: &str, bot: bool) -> Value {
    let mut user = json!({
        "id": snowflake(id),
        "username": username,
        "global_name": if bot { Value::Null } else { json!(username) },
        "discriminator": "0",
        "avatar": null,
        "avatar_decoration_data": null,
        "banner": null,
        "accent_color": null,
        "clan": null,
        "primary_guild": null,
        "collectibles": null,
        "public_flags": 0,
        "flags": 0,
    });
    if bot {
        user["bot"] = json!(true);
    }
    user
}

/// The name a user other than the actor is given.
pub fn username_of(actor: &Actor, id: u64) -> String {
    if id == actor.user_id {
        actor.username.clone()
    } else {
        format!("user{id}")
    }
}

/// A member object without its user (as in `resolved.members`).
pub fn partial_member(roles: &[u64], permissions: u64) -> Value {
    json!({
        "avatar": null,
        "banner": null,
        "communication_disabled_until": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "joined_at": TIMESTAMP,
        "nick": null,
        "pending": false,
        "permissions": permissions.to_string(),
        "premium_since": null,
        "roles": roles.iter().map(|r| snowflake(*r)).collect::<Vec<_>>(),
        "unusual_dm_activity_until": null,
    })
}

/// The invoking member, with its user.
pub fn member(actor: &Actor) -> Value {
    let mut member = partial_member(&actor.role_ids, actor.permissions);
    member["user"] = user(actor.user_id, &actor.username, false);
    member
}

/// The channel the interaction came from: a text channel, or a public thread in its parent.
pub fn channel(actor: &Actor) -> Value {
    let mut channel = json!({
        "id": snowflake(actor.channel_id),
        "guild_id": snowflake(actor.guild_id),
        "name": format!("channel-{}", actor.channel_id),
        "type": 0,
        "nsfw": false,
        "permissions": actor.permissions.to_string(),
        "flags": 0,
    });
    if let Some(parent) = actor.thread_parent_id {
        channel["type"] = json!(11);
        channel["name"] = json!(format!("thread-{}", actor.channel_id));
        channel["parent_id"] = snowflake(parent);
        channel["thread_metadata"] = json!({
            "archived": false,
            "auto_archive_duration": 1440,
            "archive_timestamp": TIMESTAMP,
            "locked": false,
            "create_timestamp": TIMESTAMP,
        });
    }
    channel
}

/// A channel named by an option (`resolved.channels`); the console cannot know its kind, so it
/// is a text channel.
pub fn resolved_channel(id: u64, permissions: u64) -> Value {
    json!({
        "id": snowflake(id),
        "name": format!("channel-{id}"),
        "type": 0,
        "permissions": permissions.to_string(),
        "flags": 0,
    })
}

/// A role named by an option (`resolved.roles`).
pub fn role(id: u64) -> Value {
    json!({
        "id": snowflake(id),
        "name": format!("role-{id}"),
        "color": 0,
        "colors": { "primary_color": 0, "secondary_color": null, "tertiary_color": null },
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": 1,
        "permissions": "0",
        "managed": false,
        "mentionable": true,
        "flags": 0,
    })
}

/// A message in the actor's channel.
pub fn message(actor: &Actor, id: u64, author: Value, content: &str) -> Value {
    json!({
        "id": snowflake(id),
        "channel_id": snowflake(actor.channel_id),
        "author": author,
        "content": content,
        "timestamp": TIMESTAMP,
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": false,
        "type": 0,
        "flags": 0,
    })
}

/// The bot's message a button was on, from the interaction response `data` it was sent as.
pub fn bot_message(actor: &Actor, id: u64, shown: &Value) -> Value {
    let mut message = message(
        actor,
        id,
        user(APPLICATION_ID, "Sprintmate", true),
        shown["content"].as_str().unwrap_or_default(),
    );
    message["type"] = json!(20);
    message["application_id"] = snowflake(APPLICATION_ID);
    message["webhook_id"] = snowflake(APPLICATION_ID);
    for key in ["embeds", "components"] {
        if let Some(list) = shown[key].as_array() {
            message[key] = Value::Array(list.clone());
        }
    }
    message["flags"] = json!(shown["flags"].as_u64().unwrap_or(0));
    message
}

/// The fields every interaction carries, around its `type` and `data`.
pub fn envelope(actor: &Actor, kind: u8, data: Value) -> Value {
    let id = next_id();
    json!({
        "id": snowflake(id),
        "application_id": snowflake(APPLICATION_ID),
        "type": kind,
        "data": data,
        "guild_id": snowflake(actor.guild_id),
        "guild": { "id": snowflake(actor.guild_id), "locale": LOCALE, "features": [] },
        "channel_id": snowflake(actor.channel_id),
        "channel": channel(actor),
        "member": member(actor),
        "token": format!("synthetic-token-{id}"),
        "version": 1,
        "app_permissions": APP_PERMISSIONS.to_string(),
        "locale": LOCALE,
        "guild_locale": LOCALE,
        "entitlements": [],
        "authorizing_integration_owners": { "0": snowflake(actor.guild_id) },
        "context": 0,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    })
}

/// A PING: only what Discord sends for it.
pub fn ping() -> Value {
    let id = next_id();
    json!({
        "id": snowflake(id),
        "application_id": snowflake(APPLICATION_ID),
        "type": 1,
        "token": format!("synthetic-token-{id}"),
        "version": 1,
    })
}

#[cfg(test)]
mod tests {
    use serenity::all::MessageId;

    use super::{id_at, next_id};

    fn posted_at(id: u64) -> i64 {
        MessageId::new(id).created_at().unix_timestamp()
    }

    #[test]
    fn ids_carry_the_time_they_stand_for_and_never_repeat() {
        assert_eq!(posted_at(id_at(1_772_442_000)), 1_772_442_000);
        let before = chrono::Utc::now().timestamp();
        let (first, second) = (next_id(), next_id());
        let after = chrono::Utc::now().timestamp();
        assert!(second > first);
        assert!((before..=after).contains(&posted_at(first)));
    }
}
