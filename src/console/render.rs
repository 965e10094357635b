//! Shows the bot's answers as text: a message's content, its embeds (title, description,
//! fields as `name: value`, footer), a note when only the caller sees it, and its buttons
//! numbered `[1] Start  [2] Done (disabled)`; autocomplete choices as a list. Reads the wire JSON
//! (`Response::to_json()`), so the console shows exactly what Discord would get, except that
//! Discord timestamps (`<t:1700000000:f>`) are written out in UTC as the client would show them.

use chrono::{DateTime, Utc};
use serde_json::Value;

/// The ephemeral message flag.
pub const EPHEMERAL: u64 = 1 << 6;

/// A button of a shown message, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ButtonView {
    pub custom_id: String,
    pub label: String,
    pub disabled: bool,
}

fn list(value: &Value) -> &[Value] {
    value.as_array().map(Vec::as_slice).unwrap_or_default()
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value[key].as_str().filter(|s| !s.is_empty())
}

/// Whether a message (the `data` of a response) is visible only to the caller.
pub fn is_ephemeral(data: &Value) -> bool {
    data["flags"].as_u64().unwrap_or(0) & EPHEMERAL != 0
}

/// Every button of a message, rows flattened.
pub fn buttons(data: &Value) -> Vec<ButtonView> {
    list(&data["components"])
        .iter()
        .flat_map(|row| list(&row["components"]))
        .filter(|c| c["type"].as_u64() == Some(2))
        .map(|button| ButtonView {
            custom_id: button["custom_id"].as_str().unwrap_or_default().to_string(),
            label: button["label"].as_str().unwrap_or_default().to_string(),
            disabled: button["disabled"].as_bool().unwrap_or(false),
        })
        .collect()
}

/// How the client shows `<t:UNIX:STYLE>`: relative for `R`, else the UTC date and time.
fn timestamp(unix: i64, style: &str, now: DateTime<Utc>) -> Option<String> {
    let moment = DateTime::<Utc>::from_timestamp(unix, 0)?;
    if style != "R" {
        return Some(moment.format("%Y-%m-%d %H:%M UTC").to_string());
    }
    let seconds = (now - moment).num_seconds();
    // Rounded to the nearest unit, as Discord's clients show it: a vote that closes in 24 hours
    // reads "in 1 day" a second after it opens, not "in 23 hours".
    let rounded = |unit: i64| (seconds.abs() + unit / 2) / unit;
    let (amount, unit) = if seconds.abs() < 60 {
        return Some("just now".to_string());
    } else if rounded(60) < 60 {
        (rounded(60), "minute")
    } else if rounded(3600) < 24 {
        (rounded(3600), "hour")
    } else {
        (rounded(86_400), "day")
    };
    let plural = if amount == 1 { "" } else { "s" };
    Some(if seconds > 0 {
        format!("{amount} {unit}{plural} ago")
    } else {
        format!("in {amount} {unit}{plural}")
    })
}

/// Replaces every Discord timestamp in `text`.
fn timestamps(text: &str, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<t:") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 3..];
        let shown = after.find('>').and_then(|end| {
            let (unix, style) = after[..end].split_once(':').unwrap_or((&after[..end], "f"));
            let shown = timestamp(unix.parse().ok()?, style, now)?;
            Some((shown, end))
        });
        match shown {
            Some((shown, end)) => {
                out.push_str(&shown);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str("<t:");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn embed(embed: &Value, out: &mut Vec<String>) {
    if let Some(title) = text(embed, "title") {
        out.push(format!("== {title} =="));
    }
    if let Some(description) = text(embed, "description") {
        out.push(description.to_string());
    }
    for field in list(&embed["fields"]) {
        let name = field["name"].as_str().unwrap_or_default();
        let value = field["value"].as_str().unwrap_or_default();
        if value.contains('\n') {
            out.push(format!("{name}:"));
            out.extend(value.lines().map(|line| format!("  {line}")));
        } else {
            out.push(format!("{name}: {value}"));
        }
    }
    if let Some(footer) = embed["footer"]["text"].as_str().filter(|s| !s.is_empty()) {
        out.push(format!("-- {footer}"));
    }
}

/// A message as lines of text; the buttons are numbered from 1 across all rows.
pub fn message(data: &Value) -> String {
    let mut out = Vec::new();
    if is_ephemeral(data) {
        out.push("(only you see this)".to_string());
    }
    if let Some(content) = text(data, "content") {
        out.push(content.to_string());
    }
    for each in list(&data["embeds"]) {
        embed(each, &mut out);
    }
    let mut number = 0;
    for row in list(&data["components"]) {
        let labels: Vec<String> = list(&row["components"])
            .iter()
            .filter(|c| c["type"].as_u64() == Some(2))
            .map(|button| {
                number += 1;
                let label = button["label"].as_str().unwrap_or("?");
                if button["disabled"].as_bool().unwrap_or(false) {
                    format!("[{number}] {label} (disabled)")
                } else {
                    format!("[{number}] {label}")
                }
            })
            .collect();
        if !labels.is_empty() {
            out.push(labels.join("  "));
        }
    }
    if out.is_empty() {
        out.push("(an empty message)".to_string());
    }
    timestamps(&out.join("\n"), Utc::now())
}

/// Autocomplete choices (the `data` of a type 8 response) as `name  → value` lines.
pub fn choices(data: &Value) -> String {
    let choices = list(&data["choices"]);
    if choices.is_empty() {
        return "No suggestions.".to_string();
    }
    let mut out = vec!["Suggestions:".to_string()];
    for choice in choices {
        let value = match &choice["value"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        out.push(format!(
            "  {}  → {value}",
            choice["name"].as_str().unwrap_or_default()
        ));
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Button, ButtonStyle, Embed, Message, Response};

    #[test]
    fn a_message_shows_content_embed_fields_footer_and_numbered_buttons() {
        let message = Message::public_text("Hello")
            .with_embed(Embed {
                title: Some("Card".to_string()),
                description: Some("About it".to_string()),
                fields: vec![
                    ("Status".to_string(), "New".to_string(), true),
                    ("Criteria".to_string(), "one\ntwo".to_string(), false),
                ],
                footer: Some("Team A".to_string()),
                ..Embed::default()
            })
            .with_row(vec![
                Button::new("a", "Start", ButtonStyle::Primary),
                Button::new("b", "Done", ButtonStyle::Success).disabled(true),
            ])
            .with_row(vec![Button::new("c", "More", ButtonStyle::Secondary)]);
        let wire = Response::Message(message).to_json();
        assert_eq!(
            super::message(&wire["data"]),
            "Hello\n== Card ==\nAbout it\nStatus: New\nCriteria:\n  one\n  two\n-- Team A\n\
             [1] Start  [2] Done (disabled)\n[3] More"
        );
        let pressed: Vec<String> = buttons(&wire["data"])
            .into_iter()
            .map(|b| b.custom_id)
            .collect();
        assert_eq!(pressed, ["a", "b", "c"]);
    }

    #[test]
    fn an_ephemeral_message_says_only_you_see_it() {
        let wire = Response::Message(Message::private_text("psst")).to_json();
        assert_eq!(super::message(&wire["data"]), "(only you see this)\npsst");
        let public = Response::Message(Message::public_text("hi")).to_json();
        assert!(!is_ephemeral(&public["data"]));
    }

    #[test]
    fn discord_timestamps_are_written_out() {
        let now = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap();
        assert_eq!(
            timestamps("by <@1> <t:1699996400:f> (<t:1699996400:R>)", now),
            "by <@1> 2023-11-14 21:13 UTC (1 hour ago)"
        );
        assert_eq!(timestamps("<t:1700000010:R>", now), "just now");
        assert_eq!(timestamps("<t:1700172800:R>", now), "in 2 days");
        // Rounded, not cut: a day less a second is a day; 89 minutes are 1 hour, 90 are 2.
        assert_eq!(timestamps("<t:1700086399:R>", now), "in 1 day");
        assert_eq!(timestamps("<t:1699994660:R>", now), "1 hour ago");
        assert_eq!(timestamps("<t:1699994600:R>", now), "2 hours ago");
        assert_eq!(timestamps("<t:1700003570:R>", now), "in 1 hour");
        assert_eq!(timestamps("<t:1700000000>", now), "2023-11-14 22:13 UTC");
        assert_eq!(timestamps("<t:oops:f> <t:", now), "<t:oops:f> <t:");
    }

    #[test]
    fn choices_are_listed_with_their_values() {
        let wire =
            Response::Choices(vec![("#1 Guest checkout (New)".into(), "1".into())]).to_json();
        assert_eq!(
            choices(&wire["data"]),
            "Suggestions:\n  #1 Guest checkout (New)  → 1"
        );
        let none = Response::Choices(Vec::new()).to_json();
        assert_eq!(choices(&none["data"]), "No suggestions.");
    }
}
