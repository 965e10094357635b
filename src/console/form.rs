//! Fills a modal the bot opened, field by field, at the prompt.

use serde_json::Value;
use tokio::io::{AsyncBufRead, AsyncWrite};

use super::terminal::Terminal;

/// One text input of a modal, as the wire JSON describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub custom_id: String,
    pub label: String,
    pub required: bool,
    pub paragraph: bool,
    pub max_length: Option<usize>,
    pub value: Option<String>,
    pub placeholder: Option<String>,
}

/// The title, custom id and fields of a modal (the `data` of a type 9 response).
pub fn fields(data: &Value) -> Vec<Field> {
    let text = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_string);
    data["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().into_iter().flatten())
        .filter(|c| c["type"].as_u64() == Some(4))
        .map(|input| Field {
            custom_id: input["custom_id"].as_str().unwrap_or_default().to_string(),
            label: input["label"].as_str().unwrap_or_default().to_string(),
            required: input["required"].as_bool().unwrap_or(true),
            paragraph: input["style"].as_u64() == Some(2),
            max_length: input["max_length"].as_u64().map(|n| n as usize),
            value: text(&input["value"]),
            placeholder: text(&input["placeholder"]),
        })
        .collect()
}

fn prompt(field: &Field) -> String {
    let mut prompt = field.label.clone();
    if field.required {
        prompt.push_str(" (required)");
    }
    match (&field.value, &field.placeholder) {
        (Some(value), _) => prompt.push_str(&format!(" [{}]", value.replace('\n', "\\n"))),
        (None, Some(hint)) => prompt.push_str(&format!(" (e.g. {hint})")),
        (None, None) => {}
    }
    prompt.push_str(": ");
    prompt
}

/// Asks for every field; `None` when the input ends first (the form is cancelled).
pub async fn fill<R, W>(
    data: &Value,
    terminal: &mut Terminal<R, W>,
) -> std::io::Result<Option<Vec<(String, String)>>>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let title = data["title"].as_str().unwrap_or("Form");
    terminal
        .say(&format!(
            "Form: {title} (empty keeps [the shown value], - clears it, \\n is a new line)"
        ))
        .await?;
    let mut answers = Vec::new();
    for field in fields(data) {
        let value = loop {
            let Some(typed) = terminal.ask(&prompt(&field)).await? else {
                return Ok(None);
            };
            let value = match typed.trim() {
                "" => field.value.clone().unwrap_or_default(),
                "-" => String::new(),
                _ => typed.replace("\\n", "\n"),
            };
            if field.required && value.trim().is_empty() {
                terminal.say("This field is required.").await?;
                continue;
            }
            if let Some(max) = field.max_length.filter(|max| value.chars().count() > *max) {
                terminal
                    .say(&format!("At most {max} characters, please."))
                    .await?;
                continue;
            }
            break value;
        };
        answers.push((field.custom_id, value));
    }
    Ok(Some(answers))
}
