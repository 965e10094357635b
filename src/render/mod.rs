//! Everything the bot shows: the outgoing message model and its conversion to Discord's wire
//! builders, which is the one place that sets `allowed_mentions` and enforces Discord's size
//! limits. Cards and lists are built from store rows in the sibling modules.

pub mod backlog;
pub mod charts;
pub mod limits;
pub mod message;
pub mod picture;
pub mod poker;
pub mod sprint;
pub mod standup;
pub mod story_card;
pub mod team;
pub mod text;
pub mod time;
pub mod update;
pub mod vote;

pub use message::{Button, ButtonStyle, Embed, Message, Modal, Response, TextInput};
pub use picture::Picture;
