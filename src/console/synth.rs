//! The interaction factory: turns what a person would do in Discord (type
//! `/story add title:"Guest checkout" points:3`, press a button, submit a form, pick
//! **Apps → Add to backlog** on a message) into the interaction JSON Discord sends for it (API v10),
//! and into serenity's [`Interaction`]. Shared by the console and the integration tests.
//!
//! ```
//! use sprintmate::console::synth::{self, Actor, Synth};
//!
//! let synth = Synth::new();
//! let actor = Actor::member(42, "ada").with_roles([7]);
//! let json = synth
//!     .command(&actor, r#"/story add title:"Guest checkout" points:3 labels:ui,checkout"#)
//!     .unwrap();
//! assert_eq!(json["data"]["options"][0]["options"][1]["value"], 3);
//! let interaction = synth::to_interaction(&json).unwrap();
//! assert!(matches!(interaction, serenity::all::Interaction::Command(_)));
//! ```
//!
//! Commands and options are checked against the registered definitions as Discord's client
//! checks them: an unknown command or option, a missing required option, a value of the wrong
//! type, outside its range or not among its choices is a [`SynthError`] that says what is wrong.

mod line;
mod resolve;
mod wire;

use std::fmt;

use serde_json::{json, Value};
use serenity::all::Interaction;

pub use line::TypedLine;
pub use wire::APPLICATION_ID;

use resolve::Mode;

/// The Manage Server permission bit: what makes a member an admin of Sprintmate.
pub const MANAGE_GUILD: u64 = 1 << 5;
/// The permission bits of an ordinary member: view channels, send messages, embed links, read
/// history, use application commands.
pub const MEMBER_PERMISSIONS: u64 = 1 << 10 | 1 << 11 | 1 << 14 | 1 << 16 | 1 << 31;

/// Who acts, and where: the fields Discord fills from the invoking member and channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub guild_id: u64,
    pub channel_id: u64,
    /// Set when the channel is a thread: its parent channel.
    pub thread_parent_id: Option<u64>,
    pub user_id: u64,
    pub username: String,
    pub role_ids: Vec<u64>,
    /// The member's permission bits in the channel (sent as a decimal string).
    pub permissions: u64,
}

impl Default for Actor {
    /// The console's default: user 100 "console", an admin, in guild 1, channel 10.
    fn default() -> Self {
        Self::admin(100, "console")
    }
}

impl Actor {
    /// An ordinary member in guild 1, channel 10.
    pub fn member(user_id: u64, username: &str) -> Self {
        Self {
            guild_id: 1,
            channel_id: 10,
            thread_parent_id: None,
            user_id,
            username: username.to_string(),
            role_ids: Vec::new(),
            permissions: MEMBER_PERMISSIONS,
        }
    }

    /// A member with Manage Server, in guild 1, channel 10.
    pub fn admin(user_id: u64, username: &str) -> Self {
        Self::member(user_id, username).with_permissions(MEMBER_PERMISSIONS | MANAGE_GUILD)
    }

    pub fn in_guild(mut self, guild_id: u64) -> Self {
        self.guild_id = guild_id;
        self
    }

    /// In a channel (not a thread).
    pub fn in_channel(mut self, channel_id: u64) -> Self {
        self.channel_id = channel_id;
        self.thread_parent_id = None;
        self
    }

    /// In a public thread of `parent_id`.
    pub fn in_thread(mut self, thread_id: u64, parent_id: u64) -> Self {
        self.channel_id = thread_id;
        self.thread_parent_id = Some(parent_id);
        self
    }

    pub fn with_roles(mut self, role_ids: impl IntoIterator<Item = u64>) -> Self {
        self.role_ids = role_ids.into_iter().collect();
        self
    }

    pub fn with_permissions(mut self, permissions: u64) -> Self {
        self.permissions = permissions;
        self
    }

    /// Whether the actor has Manage Server.
    pub fn is_admin(&self) -> bool {
        self.permissions & MANAGE_GUILD != 0
    }
}

/// Why a line or payload could not be turned into an interaction; the message says how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthError(pub String);

impl SynthError {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for SynthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SynthError {}

/// A message that a message command (e.g. **Add to backlog**) is used on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetMessage {
    pub id: u64,
    pub author_id: u64,
    pub author_name: String,
    pub content: String,
}

impl TargetMessage {
    /// A message with a fresh id, written by `author_id`.
    pub fn new(author_id: u64, author_name: &str, content: &str) -> Self {
        Self {
            id: wire::next_id(),
            author_id,
            author_name: author_name.to_string(),
            content: content.to_string(),
        }
    }
}

/// Builds interactions against a set of command definitions (by default, Sprintmate's own).
#[derive(Debug, Clone)]
pub struct Synth {
    definitions: Value,
}

impl Default for Synth {
    fn default() -> Self {
        Self::new()
    }
}

impl Synth {
    /// Against the commands the bot registers
    /// ([`commands_json`](crate::commands::registry::commands_json)).
    pub fn new() -> Self {
        Self::with_definitions(crate::commands::registry::commands_json())
    }

    /// Against other definitions: a JSON array of application commands as sent to Discord.
    pub fn with_definitions(definitions: Value) -> Self {
        Self { definitions }
    }

    /// Splits a typed line knowing the commands' options (see [`line`]).
    fn split(&self, line: &str) -> Result<TypedLine, SynthError> {
        line::split_knowing(line, |path| resolve::option_names(&self.definitions, path))
    }

    /// An APPLICATION_COMMAND (type 2) for a typed slash command line.
    pub fn command(&self, actor: &Actor, line: &str) -> Result<Value, SynthError> {
        let typed = self.split(line)?;
        let data = resolve::command_data(&self.definitions, &typed, actor, Mode::Invoke)?;
        Ok(wire::envelope(actor, 2, data))
    }

    /// An APPLICATION_COMMAND_AUTOCOMPLETE (type 4): the last option of `line` is the one being
    /// typed (`/story show story:gue`); it is sent as a string with `"focused": true`, and
    /// required options may still be missing.
    pub fn autocomplete(&self, actor: &Actor, line: &str) -> Result<Value, SynthError> {
        let typed = self.split(line)?;
        let data = resolve::command_data(&self.definitions, &typed, actor, Mode::Autocomplete)?;
        Ok(wire::envelope(actor, 4, data))
    }

    /// A message command (type 2, `data.type` 3) such as **Add to backlog**, used on `target`
    /// in the actor's channel.
    pub fn message_command(
        &self,
        actor: &Actor,
        name: &str,
        target: &TargetMessage,
    ) -> Result<Value, SynthError> {
        let commands = self.definitions.as_array().map(Vec::as_slice);
        let found = commands
            .unwrap_or_default()
            .iter()
            .enumerate()
            .find(|(_, c)| {
                c["type"].as_u64() == Some(3) && c["name"].as_str().is_some_and(|n| n == name)
            });
        let Some((index, _)) = found else {
            let known: Vec<&str> = commands
                .unwrap_or_default()
                .iter()
                .filter(|c| c["type"].as_u64() == Some(3))
                .filter_map(|c| c["name"].as_str())
                .collect();
            return Err(SynthError::new(format!(
                "There is no message command named `{name}`. Message commands: {}.",
                known.join(", ")
            )));
        };
        let author = wire::user(
            target.author_id,
            &target.author_name,
            target.author_id == APPLICATION_ID,
        );
        let message = wire::message(actor, target.id, author, &target.content);
        let id = target.id.to_string();
        let data = json!({
            "id": wire::snowflake(resolve::FIRST_COMMAND_ID + index as u64),
            "name": name,
            "type": 3,
            "target_id": id,
            "resolved": { "messages": { id: message } },
        });
        Ok(wire::envelope(actor, 2, data))
    }

    /// A MESSAGE_COMPONENT (type 3) button press. `shown` is the message the button is on, as
    /// the bot sent it: the `data` of its interaction response (content, embeds, components,
    /// flags; `flags` 64 marks an ephemeral message). `message_id` identifies it.
    pub fn button_press(
        &self,
        actor: &Actor,
        custom_id: &str,
        message_id: u64,
        shown: &Value,
    ) -> Value {
        let mut interaction = wire::envelope(
            actor,
            3,
            json!({ "custom_id": custom_id, "component_type": 2 }),
        );
        interaction["message"] = wire::bot_message(actor, message_id, shown);
        interaction
    }

    /// A MODAL_SUBMIT (type 5): one action row per field, in the order given.
    pub fn modal_submit(&self, actor: &Actor, custom_id: &str, fields: &[(&str, &str)]) -> Value {
        let rows: Vec<Value> = fields
            .iter()
            .map(|(id, value)| {
                json!({
                    "type": 1,
                    "components": [{ "type": 4, "custom_id": id, "value": value }],
                })
            })
            .collect();
        wire::envelope(
            actor,
            5,
            json!({ "custom_id": custom_id, "components": rows }),
        )
    }

    /// A PING (type 1), as Discord sends to check the endpoint.
    pub fn ping(&self) -> Value {
        wire::ping()
    }
}

/// A fresh snowflake (for message ids and the like), unique within the process and stamped
/// with the current time.
pub fn new_id() -> u64 {
    wire::next_id()
}

/// A snowflake stamped with the given unix second, e.g. the id of a card posted back then.
pub fn id_at(unix_seconds: i64) -> u64 {
    wire::id_at(unix_seconds)
}

/// Deserialises interaction JSON into serenity's [`Interaction`], as the gateway and the HTTP
/// endpoint do.
pub fn to_interaction(json: &Value) -> Result<Interaction, SynthError> {
    serde_json::from_value(json.clone()).map_err(|error| {
        SynthError::new(format!(
            "The interaction does not deserialise as serenity expects: {error}"
        ))
    })
}

#[cfg(test)]
mod tests;
