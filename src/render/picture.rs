//! Replies that carry a picture. A file cannot ride in the HTTP endpoint's JSON body, so such a
//! reply is answered with a deferral first and the original response is then edited through
//! REST with the PNG attached (gateway and HTTP endpoint alike; the console prints it).

use serenity::all::{CreateAttachment, CreateEmbed, EditInteractionResponse};

use super::message::Message;

/// A PNG to attach, shown as the image of the message's last embed.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    pub filename: String,
    pub png: Vec<u8>,
}

impl Picture {
    pub fn png(filename: impl Into<String>, png: Vec<u8>) -> Self {
        Self {
            filename: filename.into(),
            png,
        }
    }
}

/// The REST edit of the deferred original response: the message with the picture attached.
pub fn follow_up_edit(message: &Message, picture: &Picture) -> EditInteractionResponse {
    let mut embeds: Vec<CreateEmbed> = message.wire_embeds();
    if let Some(last) = embeds.pop() {
        embeds.push(last.attachment(picture.filename.clone()));
    }
    let mut edit = message.to_response_edit().embeds(embeds);
    edit = edit.new_attachment(CreateAttachment::bytes(
        picture.png.clone(),
        picture.filename.clone(),
    ));
    edit
}
