//! Checks a typed line against the command definitions (as registered with Discord) and builds
//! the `data` of the APPLICATION_COMMAND or AUTOCOMPLETE interaction: the sub-command nesting,
//! each option typed as its definition says, and `resolved` users, members, channels and roles.

use serde_json::{json, Map, Value};

use super::line::TypedLine;
use super::wire::{self, snowflake};
use super::{Actor, SynthError, MEMBER_PERMISSIONS};

const SUB_COMMAND: u64 = 1;
const SUB_COMMAND_GROUP: u64 = 2;
/// Command ids are made up but stable: this plus the command's place in the list.
pub const FIRST_COMMAND_ID: u64 = 1_200_000_000_000_000_000;

/// Whether the line is being run, or typed with its last option focused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Invoke,
    Autocomplete,
}

fn list(value: &Value) -> &[Value] {
    value.as_array().map(Vec::as_slice).unwrap_or_default()
}

fn name(value: &Value) -> &str {
    value["name"].as_str().unwrap_or_default()
}

fn kind(value: &Value) -> u64 {
    value["type"].as_u64().unwrap_or(0)
}

fn is_sub(option: &Value) -> bool {
    matches!(kind(option), SUB_COMMAND | SUB_COMMAND_GROUP)
}

fn names<'a>(items: impl Iterator<Item = &'a Value>) -> String {
    items.map(name).collect::<Vec<_>>().join(", ")
}

/// The slash commands (type 1, the default) among the definitions, with their index.
fn slash_commands(definitions: &Value) -> impl Iterator<Item = (usize, &Value)> {
    list(definitions)
        .iter()
        .enumerate()
        .filter(|(_, c)| c["type"].as_u64().unwrap_or(1) == 1)
}

/// The option names of the command, group and sub-command `path` names; `None` when the path
/// names no command with options (the line is then refused with its own reason).
pub fn option_names(definitions: &Value, path: &[String]) -> Option<Vec<String>> {
    let (command_name, words) = path.split_first()?;
    let (_, mut level) = slash_commands(definitions).find(|(_, c)| name(c) == command_name)?;
    for word in words {
        level = list(&level["options"])
            .iter()
            .find(|o| is_sub(o) && name(o) == word)?;
    }
    let options = list(&level["options"]);
    if options.iter().any(is_sub) {
        return None;
    }
    Some(options.iter().map(|o| name(o).to_string()).collect())
}

/// Builds the interaction `data` for `typed`.
pub fn command_data(
    definitions: &Value,
    typed: &TypedLine,
    actor: &Actor,
    mode: Mode,
) -> Result<Value, SynthError> {
    let Some((command_name, path)) = typed.path.split_first() else {
        return Err(SynthError::new("Type a command, e.g. /help."));
    };
    let Some((index, command)) = slash_commands(definitions).find(|(_, c)| name(c) == command_name)
    else {
        let known: Vec<String> = slash_commands(definitions)
            .map(|(_, c)| format!("/{}", name(c)))
            .collect();
        return Err(SynthError::new(format!(
            "There is no /{command_name} command. Commands: {}.",
            known.join(", ")
        )));
    };

    let mut shown = format!("/{command_name}");
    let mut level = command;
    let mut chain: Vec<&Value> = Vec::new();
    for word in path {
        let mut subs = list(&level["options"]).iter().filter(|o| is_sub(o));
        let Some(sub) = subs.clone().find(|o| name(o) == word) else {
            return Err(if subs.next().is_none() {
                SynthError::new(format!(
                    "`{word}` is not part of {shown}: options are written name:value."
                ))
            } else {
                SynthError::new(format!(
                    "{shown} has no sub-command `{word}`. Choose one of: {}.",
                    names(list(&level["options"]).iter().filter(|o| is_sub(o)))
                ))
            });
        };
        chain.push(sub);
        level = sub;
        shown = format!("{shown} {word}");
    }
    let subs: Vec<&Value> = list(&level["options"])
        .iter()
        .filter(|o| is_sub(o))
        .collect();
    if !subs.is_empty() {
        return Err(SynthError::new(format!(
            "{shown} needs a sub-command: {}.",
            names(subs.into_iter())
        )));
    }

    let definitions_here = list(&level["options"]);
    let mut resolved = Resolved::default();
    let mut options = Vec::new();
    for (position, (option_name, raw)) in typed.options.iter().enumerate() {
        let Some(definition) = definitions_here.iter().find(|o| name(o) == option_name) else {
            let hint = if raw.starts_with("//") {
                " (A value with a colon in it must be in quotes.)"
            } else {
                ""
            };
            return Err(SynthError::new(if definitions_here.is_empty() {
                format!("{shown} takes no options.{hint}")
            } else {
                format!(
                    "{shown} has no option `{option_name}`. Its options: {}.{hint}",
                    names(definitions_here.iter())
                )
            }));
        };
        if typed.options[..position]
            .iter()
            .any(|(earlier, _)| earlier == option_name)
        {
            return Err(SynthError::new(format!("`{option_name}` is given twice.")));
        }
        let focused = mode == Mode::Autocomplete && position + 1 == typed.options.len();
        let value = if focused {
            if definition["autocomplete"] != json!(true) {
                return Err(SynthError::new(format!(
                    "`{option_name}` of {shown} does not suggest values as you type."
                )));
            }
            json!({ "name": option_name, "type": kind(definition), "value": raw, "focused": true })
        } else {
            let value = typed_value(definition, raw, actor, &mut resolved)?;
            json!({ "name": option_name, "type": kind(definition), "value": value })
        };
        options.push(value);
    }
    match mode {
        Mode::Invoke => {
            let missing: Vec<String> = definitions_here
                .iter()
                .filter(|o| o["required"] == json!(true))
                .filter(|o| !typed.options.iter().any(|(n, _)| n == name(o)))
                .map(|o| {
                    format!(
                        "`{}` ({})",
                        name(o),
                        o["description"].as_str().unwrap_or("")
                    )
                })
                .collect();
            if !missing.is_empty() {
                return Err(SynthError::new(format!(
                    "{shown} needs {}.",
                    missing.join(" and ")
                )));
            }
        }
        Mode::Autocomplete if options.is_empty() => {
            return Err(SynthError::new(format!(
                "Name the option you are typing, e.g. {shown} {}:",
                definitions_here
                    .iter()
                    .find(|o| o["autocomplete"] == json!(true))
                    .map_or("name", name)
            )));
        }
        Mode::Autocomplete => {}
    }

    for sub in chain.iter().rev() {
        options = vec![json!({ "name": name(sub), "type": kind(sub), "options": options })];
    }
    let mut data = json!({
        "id": snowflake(FIRST_COMMAND_ID + index as u64),
        "name": command_name,
        "type": 1,
        "options": options,
    });
    if let Some(resolved) = resolved.into_json() {
        data["resolved"] = resolved;
    }
    Ok(data)
}

/// The objects Discord resolves for user, channel and role options.
#[derive(Default)]
struct Resolved {
    users: Map<String, Value>,
    members: Map<String, Value>,
    channels: Map<String, Value>,
    roles: Map<String, Value>,
}

impl Resolved {
    fn into_json(self) -> Option<Value> {
        let mut out = Map::new();
        for (key, map) in [
            ("users", self.users),
            ("members", self.members),
            ("channels", self.channels),
            ("roles", self.roles),
        ] {
            if !map.is_empty() {
                out.insert(key.to_string(), Value::Object(map));
            }
        }
        (!out.is_empty()).then_some(Value::Object(out))
    }
}

/// Reads an id written as a mention (`<@123>`, `<#123>`, `<@&123>`) or bare (`123`).
fn parse_id(raw: &str, sigils: &[&str]) -> Option<u64> {
    let raw = raw.trim();
    let inner = match raw.strip_prefix('<').and_then(|r| r.strip_suffix('>')) {
        Some(inner) => sigils.iter().find_map(|s| inner.strip_prefix(s))?,
        None => raw,
    };
    inner.parse::<u64>().ok().filter(|id| *id != 0)
}

/// The choice the user meant (by value or by shown name), as its wire value.
fn choice(definition: &Value, raw: &str) -> Result<Option<Value>, SynthError> {
    let choices = list(&definition["choices"]);
    if choices.is_empty() {
        return Ok(None);
    }
    let wanted = raw.trim();
    let value_text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    choices
        .iter()
        .find(|c| value_text(&c["value"]) == wanted || name(c).eq_ignore_ascii_case(wanted))
        .map(|c| Some(c["value"].clone()))
        .ok_or_else(|| {
            SynthError::new(format!(
                "`{}` must be one of: {}.",
                name(definition),
                choices
                    .iter()
                    .map(|c| value_text(&c["value"]))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
}

fn check_range(definition: &Value, value: f64, shown: &str) -> Result<(), SynthError> {
    let option = name(definition);
    if let Some(min) = definition["min_value"].as_f64().filter(|min| value < *min) {
        return Err(SynthError::new(format!(
            "`{option}` must be at least {min}, not {shown}."
        )));
    }
    if let Some(max) = definition["max_value"].as_f64().filter(|max| value > *max) {
        return Err(SynthError::new(format!(
            "`{option}` must be at most {max}, not {shown}."
        )));
    }
    Ok(())
}

fn check_length(definition: &Value, text: &str) -> Result<(), SynthError> {
    let option = name(definition);
    let length = text.chars().count() as u64;
    if let Some(min) = definition["min_length"]
        .as_u64()
        .filter(|min| length < *min)
    {
        return Err(SynthError::new(format!(
            "`{option}` must be at least {min} characters long."
        )));
    }
    if let Some(max) = definition["max_length"]
        .as_u64()
        .filter(|max| length > *max)
    {
        return Err(SynthError::new(format!(
            "`{option}` must be at most {max} characters long; this is {length}."
        )));
    }
    Ok(())
}

/// The option's value as Discord sends it, checked as Discord's client checks it.
fn typed_value(
    definition: &Value,
    raw: &str,
    actor: &Actor,
    resolved: &mut Resolved,
) -> Result<Value, SynthError> {
    let option = name(definition);
    let wrong = |what: &str| {
        SynthError::new(format!(
            "`{option}` takes {what}, not `{}`.",
            crate::domain::story::truncate_plain(raw, 40)
        ))
    };
    match kind(definition) {
        3 => {
            if let Some(value) = choice(definition, raw)? {
                return Ok(value);
            }
            check_length(definition, raw)?;
            Ok(json!(raw))
        }
        4 => {
            if let Some(value) = choice(definition, raw)? {
                return Ok(value);
            }
            let number: i64 = raw.trim().parse().map_err(|_| wrong("a whole number"))?;
            check_range(definition, number as f64, raw.trim())?;
            Ok(json!(number))
        }
        10 => {
            if let Some(value) = choice(definition, raw)? {
                return Ok(value);
            }
            let number: f64 = raw
                .trim()
                .parse()
                .ok()
                .filter(|n: &f64| n.is_finite())
                .ok_or_else(|| wrong("a number"))?;
            check_range(definition, number, raw.trim())?;
            Ok(json!(number))
        }
        5 => match raw.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(json!(true)),
            "false" => Ok(json!(false)),
            _ => Err(wrong("true or false")),
        },
        6 => {
            let id = parse_id(raw, &["@!", "@"]).ok_or_else(|| wrong("a user: <@123> or 123"))?;
            let key = id.to_string();
            let (roles, permissions) = if id == actor.user_id {
                (actor.role_ids.as_slice(), actor.permissions)
            } else {
                (&[][..], MEMBER_PERMISSIONS)
            };
            resolved.users.insert(
                key.clone(),
                wire::user(id, &wire::username_of(actor, id), false),
            );
            resolved
                .members
                .insert(key.clone(), wire::partial_member(roles, permissions));
            Ok(json!(key))
        }
        7 => {
            let id = parse_id(raw, &["#"]).ok_or_else(|| wrong("a channel: <#123> or 123"))?;
            resolved.channels.insert(
                id.to_string(),
                wire::resolved_channel(id, actor.permissions),
            );
            Ok(json!(id.to_string()))
        }
        8 => {
            let id = parse_id(raw, &["@&"]).ok_or_else(|| wrong("a role: <@&123> or 123"))?;
            resolved.roles.insert(id.to_string(), wire::role(id));
            Ok(json!(id.to_string()))
        }
        other => Err(SynthError::new(format!(
            "`{option}` is an option of type {other}, which the console cannot type."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_from_mentions_or_bare() {
        assert_eq!(parse_id("<@42>", &["@!", "@"]), Some(42));
        assert_eq!(parse_id("<@!42>", &["@!", "@"]), Some(42));
        assert_eq!(parse_id("42", &["@!", "@"]), Some(42));
        assert_eq!(parse_id("<@&42>", &["@!", "@"]), None);
        assert_eq!(parse_id("<@&42>", &["@&"]), Some(42));
        assert_eq!(parse_id("<#7>", &["#"]), Some(7));
        assert_eq!(parse_id("<#7", &["#"]), None);
        assert_eq!(parse_id("0", &["#"]), None);
        assert_eq!(parse_id("bob", &["@"]), None);
    }
}
