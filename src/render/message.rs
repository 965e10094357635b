//! The outgoing message model and its conversion to serenity's builders.
//!
//! Handlers describe what to show with [`Message`], [`Embed`], [`Button`] and [`Modal`]; the
//! conversions here are the only path to Discord, so every message gets explicit
//! `allowed_mentions` (no `parse`, only the users it means to ping) and every text is cut to
//! Discord's limits.

use serenity::all::{
    ButtonStyle as WireButtonStyle, CreateActionRow, CreateAllowedMentions,
    CreateAutocompleteResponse, CreateButton, CreateEmbed, CreateEmbedFooter, CreateInputText,
    CreateInteractionResponse, CreateInteractionResponseFollowup, CreateInteractionResponseMessage,
    CreateMessage, CreateModal, EditInteractionResponse, EditMessage, InputTextStyle, UserId,
};

use super::limits::{self, char_len, cut};

/// A message the bot sends: as an interaction reply, a channel post or an edit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Message {
    pub content: Option<String>,
    pub embeds: Vec<Embed>,
    /// Rows of buttons; at most 5 rows of 5 are sent.
    pub rows: Vec<Vec<Button>>,
    pub ephemeral: bool,
    /// The only users this message may ping.
    pub ping_users: Vec<u64>,
}

/// A rich embed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Embed {
    pub title: Option<String>,
    pub description: Option<String>,
    pub fields: Vec<(String, String, bool)>,
    pub footer: Option<String>,
    pub color: Option<u32>,
    pub url: Option<String>,
    /// The picture shown in the embed, e.g. `attachment://matrix.png` for a file sent with it.
    pub image: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonStyle {
    Primary,
    Secondary,
    Success,
    Danger,
}

/// A button that sends `custom_id` back to the bot.
#[derive(Debug, Clone, PartialEq)]
pub struct Button {
    pub custom_id: String,
    pub label: String,
    pub style: ButtonStyle,
    pub disabled: bool,
}

impl Button {
    pub fn new(custom_id: impl Into<String>, label: impl Into<String>, style: ButtonStyle) -> Self {
        Self {
            custom_id: custom_id.into(),
            label: label.into(),
            style,
            disabled: false,
        }
    }

    pub fn disabled(mut self, disabled: bool) -> Self {
        self.disabled = disabled;
        self
    }
}

/// A modal form.
#[derive(Debug, Clone, PartialEq)]
pub struct Modal {
    pub custom_id: String,
    pub title: String,
    pub inputs: Vec<TextInput>,
}

/// One field of a modal.
#[derive(Debug, Clone, PartialEq)]
pub struct TextInput {
    pub custom_id: String,
    pub label: String,
    pub paragraph: bool,
    pub required: bool,
    pub max_length: u16,
    pub value: Option<String>,
    pub placeholder: Option<String>,
}

/// What an interaction is answered with.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    Pong,
    /// A new message (type 4).
    Message(Message),
    /// Replaces the message the pressed button is on (type 7).
    Update(Message),
    Modal(Modal),
    /// Autocomplete choices: (shown name, value).
    Choices(Vec<(String, String)>),
    /// A new message with a picture: deferred now, completed by a REST edit
    /// (see `render::picture`).
    WithPicture(Message, super::picture::Picture),
}

/// The shared body of every conversion: the four serenity builders have the same methods but no
/// common trait, so one macro keeps mentions, embeds, rows and content identical for all.
macro_rules! wire_message {
    ($message:expr, $builder:expr) => {{
        let mut out = $builder
            .allowed_mentions($message.allowed_mentions())
            .embeds($message.wire_embeds())
            .components($message.wire_rows());
        if let Some(content) = $message.wire_content() {
            out = out.content(content);
        }
        out
    }};
}

impl Message {
    /// Plain text, visible only to the caller.
    pub fn private_text(text: impl Into<String>) -> Self {
        Self {
            content: Some(text.into()),
            ephemeral: true,
            ..Self::default()
        }
    }

    /// Plain text, visible to the channel.
    pub fn public_text(text: impl Into<String>) -> Self {
        Self {
            content: Some(text.into()),
            ..Self::default()
        }
    }

    pub fn with_embed(mut self, embed: Embed) -> Self {
        self.embeds.push(embed);
        self
    }

    pub fn with_row(mut self, row: Vec<Button>) -> Self {
        if !row.is_empty() {
            self.rows.push(row);
        }
        self
    }

    pub fn private(mut self) -> Self {
        self.ephemeral = true;
        self
    }

    fn allowed_mentions(&self) -> CreateAllowedMentions {
        CreateAllowedMentions::new().users(self.ping_users.iter().map(|id| UserId::new(*id)))
    }

    fn wire_content(&self) -> Option<String> {
        self.content.as_deref().map(|c| cut(c, limits::CONTENT))
    }

    pub(crate) fn wire_embeds(&self) -> Vec<CreateEmbed> {
        let mut budget = limits::EMBED_TOTAL;
        self.embeds
            .iter()
            .take(limits::EMBEDS)
            .map(|embed| embed.to_wire(&mut budget))
            .collect()
    }

    fn wire_rows(&self) -> Vec<CreateActionRow> {
        self.rows
            .iter()
            .filter(|row| !row.is_empty())
            .take(limits::ACTION_ROWS)
            .map(|row| {
                CreateActionRow::Buttons(
                    row.iter()
                        .take(limits::BUTTONS_PER_ROW)
                        .map(Button::to_wire)
                        .collect(),
                )
            })
            .collect()
    }

    /// As the body of an interaction response.
    pub fn to_interaction_message(&self) -> CreateInteractionResponseMessage {
        wire_message!(
            self,
            CreateInteractionResponseMessage::new().ephemeral(self.ephemeral)
        )
    }

    /// As a message posted in a channel.
    pub fn to_channel_message(&self) -> CreateMessage {
        wire_message!(self, CreateMessage::new())
    }

    /// As an edit of a message the bot posted earlier (`PATCH /channels/{c}/messages/{m}`).
    pub fn to_message_edit(&self) -> EditMessage {
        wire_message!(self, EditMessage::new())
    }

    /// As an edit of an interaction's original response.
    pub fn to_response_edit(&self) -> EditInteractionResponse {
        wire_message!(self, EditInteractionResponse::new())
    }

    /// A new message after an interaction's first answer (an answer that came too late).
    pub fn to_follow_up(&self) -> CreateInteractionResponseFollowup {
        wire_message!(self, CreateInteractionResponseFollowup::new()).ephemeral(self.ephemeral)
    }
}

impl Embed {
    /// Converts, cutting each part to its own limit and all parts to the shared `budget`.
    fn to_wire(&self, budget: &mut usize) -> CreateEmbed {
        let mut take = |text: &str, max: usize| -> String {
            let out = cut(text, max.min(*budget));
            *budget -= char_len(&out);
            out
        };
        let mut embed = CreateEmbed::new();
        if let Some(title) = &self.title {
            embed = embed.title(take(title, limits::EMBED_TITLE));
        }
        if let Some(footer) = &self.footer {
            embed = embed.footer(CreateEmbedFooter::new(take(footer, limits::FOOTER)));
        }
        for (name, value, inline) in self.fields.iter().take(limits::EMBED_FIELDS) {
            let name = take(name, limits::FIELD_NAME);
            let value = take(value, limits::FIELD_VALUE);
            if name.is_empty() || value.is_empty() {
                break;
            }
            embed = embed.field(name, value, *inline);
        }
        if let Some(description) = &self.description {
            let description = take(description, limits::EMBED_DESCRIPTION);
            if !description.is_empty() {
                embed = embed.description(description);
            }
        }
        if let Some(color) = self.color {
            embed = embed.color(color);
        }
        if let Some(image) = &self.image {
            embed = embed.image(image);
        }
        if let Some(url) = &self.url {
            embed = embed.url(url);
        }
        embed
    }
}

impl Button {
    fn to_wire(&self) -> CreateButton {
        debug_assert!(
            self.custom_id.len() <= limits::CUSTOM_ID,
            "custom id too long: {}",
            self.custom_id
        );
        CreateButton::new(self.custom_id.clone())
            .label(cut(&self.label, limits::BUTTON_LABEL))
            .style(match self.style {
                ButtonStyle::Primary => WireButtonStyle::Primary,
                ButtonStyle::Secondary => WireButtonStyle::Secondary,
                ButtonStyle::Success => WireButtonStyle::Success,
                ButtonStyle::Danger => WireButtonStyle::Danger,
            })
            .disabled(self.disabled)
    }
}

impl Modal {
    fn to_wire(&self) -> CreateModal {
        let rows = self
            .inputs
            .iter()
            .take(limits::MODAL_INPUTS)
            .map(|input| {
                let style = if input.paragraph {
                    InputTextStyle::Paragraph
                } else {
                    InputTextStyle::Short
                };
                let mut wire = CreateInputText::new(
                    style,
                    cut(&input.label, limits::INPUT_LABEL),
                    input.custom_id.clone(),
                )
                .required(input.required)
                .max_length(input.max_length.min(limits::INPUT_VALUE as u16));
                if let Some(value) = input.value.as_deref().filter(|v| !v.is_empty()) {
                    wire = wire.value(cut(value, usize::from(input.max_length)));
                }
                if let Some(placeholder) = &input.placeholder {
                    wire = wire.placeholder(cut(placeholder, 100));
                }
                CreateActionRow::InputText(wire)
            })
            .collect();
        CreateModal::new(
            self.custom_id.clone(),
            cut(&self.title, limits::MODAL_TITLE),
        )
        .components(rows)
    }
}

impl Response {
    /// The wire form, for both the gateway and the HTTP endpoint.
    pub fn to_wire(&self) -> CreateInteractionResponse {
        match self {
            Response::Pong => CreateInteractionResponse::Pong,
            Response::Message(message) => {
                CreateInteractionResponse::Message(message.to_interaction_message())
            }
            Response::Update(message) => {
                CreateInteractionResponse::UpdateMessage(message.to_interaction_message())
            }
            Response::Modal(modal) => CreateInteractionResponse::Modal(modal.to_wire()),
            Response::Choices(choices) => {
                let mut wire = CreateAutocompleteResponse::new();
                for (name, value) in choices.iter().take(limits::CHOICES) {
                    wire = wire.add_string_choice(
                        cut(name, limits::CHOICE_NAME),
                        cut(value, limits::CHOICE_VALUE),
                    );
                }
                CreateInteractionResponse::Autocomplete(wire)
            }
            Response::WithPicture(message, _) => CreateInteractionResponse::Defer(
                CreateInteractionResponseMessage::new().ephemeral(message.ephemeral),
            ),
        }
    }

    /// The REST edit that completes a deferred reply, if this reply needs one.
    pub fn follow_up(&self) -> Option<EditInteractionResponse> {
        match self {
            Response::WithPicture(message, picture) => {
                Some(super::picture::follow_up_edit(message, picture))
            }
            _ => None,
        }
    }

    /// The JSON body of the HTTP endpoint's answer.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.to_body()).expect("a response body is JSON")
    }

    /// The interaction response as the endpoint's body, written straight from serenity's
    /// builders (no intermediate JSON tree).
    pub fn to_body(&self) -> Vec<u8> {
        match self {
            // serenity writes `"data": null` for PONG; Discord documents the bare form.
            Response::Pong => br#"{"type":1}"#.to_vec(),
            other => serde_json::to_vec(&other.to_wire()).expect("response builders serialise"),
        }
    }

    /// Whether the answer is visible only to the caller.
    pub fn is_ephemeral(&self) -> bool {
        matches!(self, Response::Message(m) | Response::Update(m) | Response::WithPicture(m, _) if m.ephemeral)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_sets_allowed_mentions_with_no_parse() {
        let json = Response::Message(Message::public_text("@everyone look")).to_json();
        let mentions = &json["data"]["allowed_mentions"];
        assert_eq!(mentions["parse"], serde_json::json!([]));
        assert_eq!(mentions["users"], serde_json::json!([]));
        assert_eq!(mentions["roles"], serde_json::json!([]));
    }

    #[test]
    fn long_content_is_cut_to_2000_characters() {
        let json = Response::Message(Message::public_text("x".repeat(5000))).to_json();
        assert_eq!(
            json["data"]["content"].as_str().unwrap().chars().count(),
            2000
        );
    }

    #[test]
    fn embed_text_stays_within_6000_characters_in_total() {
        let embed = Embed {
            title: Some("t".repeat(300)),
            description: Some("d".repeat(5000)),
            fields: (0..40)
                .map(|i| (format!("f{i}"), "v".repeat(2000), false))
                .collect(),
            ..Embed::default()
        };
        let json = Response::Message(Message::default().with_embed(embed)).to_json();
        let e = &json["data"]["embeds"][0];
        let mut total = e["title"].as_str().unwrap().chars().count();
        total += e["description"].as_str().map_or(0, |d| d.chars().count());
        let fields = e["fields"].as_array().unwrap();
        assert!(fields.len() <= 25);
        for f in fields {
            assert!(f["value"].as_str().unwrap().chars().count() <= 1024);
            total += f["name"].as_str().unwrap().chars().count()
                + f["value"].as_str().unwrap().chars().count();
        }
        assert!(total <= 6000, "{total}");
        assert_eq!(e["title"].as_str().unwrap().chars().count(), 256);
    }

    #[test]
    fn at_most_five_rows_of_five_buttons_are_sent() {
        let row: Vec<Button> = (0..7)
            .map(|i| Button::new(format!("b{i}"), "x", ButtonStyle::Primary))
            .collect();
        let mut message = Message::default();
        for _ in 0..7 {
            message = message.with_row(row.clone());
        }
        let json = Response::Message(message).to_json();
        let rows = json["data"]["components"].as_array().unwrap();
        assert_eq!(rows.len(), 5);
        assert!(rows
            .iter()
            .all(|r| r["components"].as_array().unwrap().len() == 5));
    }
}
