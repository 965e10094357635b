//! Replies that carry a picture. A file cannot ride in the HTTP endpoint's JSON body, so such a
//! reply is answered with a deferral first and the original response is then edited through
//! REST with the PNG attached (gateway and HTTP endpoint alike; the console prints it).

use serenity::all::{
    CreateAttachment, CreateEmbed, CreateInteractionResponseFollowup, EditInteractionResponse,
};

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

    fn attachment(&self) -> CreateAttachment {
        CreateAttachment::bytes(self.png.clone(), self.filename.clone())
    }
}

/// The REST edit of the deferred original response: the message with the picture attached.
pub fn follow_up_edit(message: &Message, picture: &Picture) -> EditInteractionResponse {
    message
        .to_response_edit()
        .embeds(embeds_showing(message, picture))
        .new_attachment(picture.attachment())
}

/// A new message with the picture attached, for a picture reply that came too late to be the
/// deferral's edit (`discord/deadline.rs`).
pub fn follow_up_message(
    message: &Message,
    picture: &Picture,
) -> CreateInteractionResponseFollowup {
    message
        .to_follow_up()
        .embeds(embeds_showing(message, picture))
        .add_file(picture.attachment())
}

/// The message's embeds, the last one showing the attached picture.
fn embeds_showing(message: &Message, picture: &Picture) -> Vec<CreateEmbed> {
    let mut embeds: Vec<CreateEmbed> = message.wire_embeds();
    if let Some(last) = embeds.pop() {
        embeds.push(last.attachment(picture.filename.clone()));
    }
    embeds
}

/// Said in place of a picture when the bot has no REST client to attach it with (the HTTP
/// endpoint running without `DISCORD_TOKEN`).
pub const LEFT_OUT: &str =
    "(The picture is left out: this bot runs without a Discord token, which attaching files needs.)";

/// The message of a picture reply, answered at once with a note instead of the picture, so a
/// bot that cannot complete a deferral never leaves a reply "thinking" for good.
pub fn without_picture(message: &Message) -> Message {
    let mut message = message.clone();
    message.content = Some(match message.content.take() {
        Some(content) if !content.is_empty() => format!("{content}\n{LEFT_OUT}"),
        _ => LEFT_OUT.to_string(),
    });
    message
}

impl super::message::Response {
    /// This reply, with a picture answered at once as its message and [`LEFT_OUT`].
    pub fn with_picture_left_out(self) -> Self {
        match self {
            Self::WithPicture(message, _) => Self::Message(without_picture(&message)),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::message::Embed;

    #[test]
    fn a_picture_left_out_keeps_the_message_and_says_why() {
        let message = Message::public_text("Sprint 3").with_embed(Embed {
            title: Some("Burndown".into()),
            ..Embed::default()
        });
        let shown = without_picture(&message);
        assert_eq!(
            shown.content.as_deref(),
            Some(&*format!("Sprint 3\n{LEFT_OUT}"))
        );
        assert_eq!(shown.embeds, message.embeds);
        assert!(!shown.ephemeral);
        let bare = without_picture(&Message::default());
        assert_eq!(bare.content.as_deref(), Some(LEFT_OUT));
    }
}
