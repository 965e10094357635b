//! Talking to the bot like a Discord client: typed command lines become signed interactions
//! (through `sprintmate::console::synth`), and replies are read back as plain text, buttons and
//! flags. Every reply passes the OpenAPI check inside `TestApp::interact`.

use serde_json::Value;
use sprintmate::console::synth::{Actor, Synth, TargetMessage};

use crate::helpers::TestApp;

/// Ephemeral messages carry this flag.
pub const EPHEMERAL: u64 = 64;

/// Sends a typed slash command as `actor` and returns the interaction response JSON.
pub async fn say(app: &TestApp, actor: &Actor, line: &str) -> Value {
    let interaction = Synth::new()
        .command(actor, line)
        .unwrap_or_else(|e| panic!("{line}: {e}"));
    app.interact(&interaction).await
}

/// Like [`say`], but as a modified client that ignores the option limits Discord's own client
/// enforces (lengths, ranges, choices): the bot must still refuse bad values itself.
pub async fn say_unchecked(app: &TestApp, actor: &Actor, line: &str) -> Value {
    fn relax(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for key in [
                    "max_length",
                    "min_length",
                    "max_value",
                    "min_value",
                    "choices",
                ] {
                    map.remove(key);
                }
                map.values_mut().for_each(relax);
            }
            Value::Array(items) => items.iter_mut().for_each(relax),
            _ => {}
        }
    }
    let mut definitions = sprintmate::commands::registry::commands_json();
    relax(&mut definitions);
    let interaction = Synth::with_definitions(definitions)
        .command(actor, line)
        .unwrap_or_else(|e| panic!("{line}: {e}"));
    app.interact(&interaction).await
}

/// Autocomplete for the last option of `line`; returns the (name, value) choices.
pub async fn complete(app: &TestApp, actor: &Actor, line: &str) -> Vec<(String, String)> {
    let interaction = Synth::new()
        .autocomplete(actor, line)
        .unwrap_or_else(|e| panic!("{line}: {e}"));
    let response = app.interact(&interaction).await;
    assert_eq!(response["type"], 8, "{response}");
    response["data"]["choices"]
        .as_array()
        .expect("choices")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Presses the button labelled `label` on the message `response` showed.
pub async fn press(app: &TestApp, actor: &Actor, response: &Value, label: &str) -> Value {
    let message_id = sprintmate::console::synth::new_id();
    press_on_message(app, actor, response, label, message_id).await
}

/// Like [`press`], on the message `response` showed as if posted with id `message_id` (whose
/// snowflake tells when it was posted).
pub async fn press_on_message(
    app: &TestApp,
    actor: &Actor,
    response: &Value,
    label: &str,
    message_id: u64,
) -> Value {
    let (custom_id, _, disabled) = buttons(response)
        .into_iter()
        .find(|(_, l, _)| l == label)
        .unwrap_or_else(|| panic!("no button {label} in {response}"));
    assert!(!disabled, "the {label} button is disabled");
    let interaction = Synth::new().button_press(actor, &custom_id, message_id, &response["data"]);
    app.interact(&interaction).await
}

/// Presses a button by custom id on the message `response` showed.
pub async fn press_id(app: &TestApp, actor: &Actor, response: &Value, custom_id: &str) -> Value {
    let message_id = sprintmate::console::synth::new_id();
    let interaction = Synth::new().button_press(actor, custom_id, message_id, &response["data"]);
    app.interact(&interaction).await
}

/// Submits the modal `response` opened, with the given field values (others left as shown).
pub async fn submit(app: &TestApp, actor: &Actor, modal: &Value, values: &[(&str, &str)]) -> Value {
    assert_eq!(modal["type"], 9, "expected a modal, got {modal}");
    let custom_id = modal["data"]["custom_id"].as_str().unwrap();
    let mut fields: Vec<(String, String)> = Vec::new();
    for row in modal["data"]["components"].as_array().unwrap() {
        let input = &row["components"][0];
        let id = input["custom_id"].as_str().unwrap().to_string();
        let shown = input["value"].as_str().unwrap_or_default().to_string();
        let value = values
            .iter()
            .find(|(k, _)| *k == id)
            .map(|(_, v)| v.to_string())
            .unwrap_or(shown);
        fields.push((id, value));
    }
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let interaction = Synth::new().modal_submit(actor, custom_id, &borrowed);
    app.interact(&interaction).await
}

/// Uses the **Add to backlog** message command on a message with `content`.
pub async fn add_to_backlog(app: &TestApp, actor: &Actor, content: &str) -> (Value, TargetMessage) {
    let target = TargetMessage::new(actor.user_id + 1, "author", content);
    let interaction = Synth::new()
        .message_command(actor, "Add to backlog", &target)
        .expect("message command");
    (app.interact(&interaction).await, target)
}

/// The route of the REST edit that completes a deferred reply.
pub const ORIGINAL_RESPONSE: &str = "/webhooks/{app}/{token}/messages/@original";

/// The first edit of an original response (a deferred reply completed), once it arrived (up to
/// 10 s), as a reply-shaped value for [`text`]; its files are on the request.
pub async fn first_edited_reply(app: &TestApp) -> (Value, crate::fake_discord::RecordedRequest) {
    let edits = app
        .fake()
        .wait_for(
            "PATCH",
            ORIGINAL_RESPONSE,
            1,
            std::time::Duration::from_secs(10),
        )
        .await;
    let edit = edits
        .into_iter()
        .next()
        .expect("no deferred reply was completed");
    (serde_json::json!({ "data": edit.body.clone() }), edit)
}

/// All the text a reply shows: content, embed titles, descriptions, fields and footers.
pub fn text(response: &Value) -> String {
    let data = &response["data"];
    let mut out = String::new();
    if let Some(content) = data["content"].as_str() {
        out.push_str(content);
        out.push('\n');
    }
    for embed in data["embeds"].as_array().into_iter().flatten() {
        for key in ["title", "description"] {
            if let Some(t) = embed[key].as_str() {
                out.push_str(t);
                out.push('\n');
            }
        }
        for field in embed["fields"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "{}: {}\n",
                field["name"].as_str().unwrap_or_default(),
                field["value"].as_str().unwrap_or_default()
            ));
        }
        if let Some(footer) = embed["footer"]["text"].as_str() {
            out.push_str(footer);
            out.push('\n');
        }
    }
    out
}

pub fn is_ephemeral(response: &Value) -> bool {
    response["data"]["flags"].as_u64().unwrap_or(0) & EPHEMERAL != 0
}

/// (custom id, label, disabled) of every button.
pub fn buttons(response: &Value) -> Vec<(String, String, bool)> {
    response["data"]["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter(|c| c["type"] == 2)
        .map(|c| {
            (
                c["custom_id"].as_str().unwrap_or_default().to_string(),
                c["label"].as_str().unwrap_or_default().to_string(),
                c["disabled"].as_bool().unwrap_or(false),
            )
        })
        .collect()
}

/// Asserts a reply is an ephemeral error that mentions `needle`.
pub fn assert_refused(response: &Value, needle: &str) {
    assert_eq!(response["type"], 4, "{response}");
    assert!(is_ephemeral(response), "errors are ephemeral: {response}");
    let shown = text(response);
    assert!(
        shown.to_lowercase().contains(&needle.to_lowercase()),
        "expected the error to mention {needle:?}, got: {shown}"
    );
}

/// Asserts a public (non-ephemeral) message reply.
pub fn assert_public(response: &Value) {
    assert_eq!(response["type"], 4, "{response}");
    assert!(
        !is_ephemeral(response),
        "mutations reply publicly: {}",
        text(response)
    );
}

/// The story numbers a `/backlog` page lists, top to bottom.
pub fn backlog_numbers(response: &Value) -> Vec<i64> {
    text(response)
        .lines()
        .filter_map(|line| {
            let start = line.find("**#")? + 3;
            let end = start + line[start..].find("**")?;
            line[start..end].parse().ok()
        })
        .collect()
}
