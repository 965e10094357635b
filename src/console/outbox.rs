//! The console's end of the outbox. What the bot posts on its own (vote results, the vote card's
//! count, stand-up prompts, threads, answers, reminders and summaries, stakeholder updates) is
//! queued in the `outbox` table as for Discord; the console runs the scheduler's own step with
//! [`ConsoleOutbox`] as its [`Deliver`], so rows are leased and marked sent (with a synthetic
//! message id) by the same drain, and the console shows each one as text.
//!
//! Only rows of the guilds the console acts in are taken: run against a live bot's database,
//! the console must not swallow posts meant for a real guild.

use std::collections::HashSet;
use std::sync::Mutex;

use async_trait::async_trait;
use serde_json::Value;

use super::render;
use super::synth;
use crate::discord::outbox_sender::Delivery;
use crate::scheduler::Deliver;
use crate::store::outbox::{OutboxItem, OutboxKind};

/// One row the console delivered.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub kind: OutboxKind,
    pub channel_id: u64,
    /// The message posted, edited or started a thread from (a thread's id is its message's).
    pub message_id: u64,
    pub body: Value,
    /// A file sent with it: name and size.
    pub attachment: Option<(String, usize)>,
}

/// Collects what the drain delivers until the console shows it.
#[derive(Debug, Default)]
pub struct ConsoleOutbox {
    delivered: Mutex<Vec<Delivered>>,
    guilds: Mutex<HashSet<u64>>,
}

impl ConsoleOutbox {
    /// Takes the rows of `guild_id` from now on.
    pub fn serve(&self, guild_id: u64) {
        self.guilds.lock().expect("not poisoned").insert(guild_id);
    }

    /// What was delivered since the last call, in the order it was sent.
    pub fn take(&self) -> Vec<Delivered> {
        std::mem::take(&mut *self.delivered.lock().expect("not poisoned"))
    }
}

#[async_trait]
impl Deliver for ConsoleOutbox {
    /// One at a time, so rows are shown in the order they were queued.
    fn max_in_flight(&self) -> usize {
        1
    }

    fn only_guilds(&self) -> Option<Vec<u64>> {
        let guilds = self.guilds.lock().expect("not poisoned");
        Some(guilds.iter().copied().collect())
    }

    async fn deliver(&self, item: &OutboxItem, _now: i64) -> Delivery {
        let message_id = match item.kind {
            OutboxKind::Post => synth::new_id(),
            OutboxKind::Edit | OutboxKind::Thread => {
                item.target_message_id.unwrap_or_else(synth::new_id)
            }
        };
        let delivered = Delivered {
            kind: item.kind,
            channel_id: item.channel_id,
            message_id,
            body: item.body.clone(),
            attachment: item
                .attachment
                .as_ref()
                .map(|file| (file.name.clone(), file.bytes.len())),
        };
        self.delivered.lock().expect("not poisoned").push(delivered);
        Delivery::Sent(Some(message_id))
    }
}

/// The line above a delivered row's text: where it went and under which id.
pub fn heading(delivered: &Delivered) -> String {
    let (channel, id) = (delivered.channel_id, delivered.message_id);
    let mut heading = match delivered.kind {
        OutboxKind::Post => format!("[posted in <#{channel}> as message {id}]"),
        OutboxKind::Edit => format!("[edited message {id} in <#{channel}>]"),
        OutboxKind::Thread => {
            let name = delivered.body["name"].as_str().unwrap_or("a thread");
            format!("[started thread <#{id}> \"{name}\" on message {id} in <#{channel}>]")
        }
    };
    if let Some((name, bytes)) = &delivered.attachment {
        heading.push_str(&format!("\n[picture {name}: {bytes} bytes of PNG]"));
    }
    heading
}

/// `message` with an edit's fields laid over it (an edit may change only some of them).
pub fn edited(message: &Value, edit: &Value) -> Value {
    let mut merged = message.clone();
    if let (Value::Object(merged), Value::Object(edit)) = (&mut merged, edit) {
        for (key, value) in edit {
            merged.insert(key.clone(), value.clone());
        }
    }
    merged
}

/// A delivered row as the console prints it (`shown`: the message's whole text after an edit).
pub fn text(delivered: &Delivered, shown: &Value) -> String {
    match delivered.kind {
        OutboxKind::Thread => heading(delivered),
        OutboxKind::Post | OutboxKind::Edit => {
            format!("{}\n{}", heading(delivered), render::message(shown))
        }
    }
}
