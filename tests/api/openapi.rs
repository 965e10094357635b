//! Discord's OpenAPI spec (the project's copy in `tests/fixtures/`) as a test oracle: validates a
//! JSON value against a named component schema, against the request-body schema of a route, and
//! checks the limits Discord documents in prose but the schema cannot express.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::{Draft, Validator};
use serde_json::{json, Value};

/// Where the spec lives, relative to the crate root.
pub const SPEC_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/discord-openapi.json"
);

/// The prefix the REST client puts before every route of the spec.
pub const API_PREFIX: &str = "/api/v10";

/// Discord's limit on message `content` for bots (the spec says 4000; the docs win).
pub const CONTENT_LIMIT: usize = 2000;

/// Discord's limit on the text of all embeds of one message together.
pub const EMBED_TEXT_LIMIT: usize = 6000;

struct Spec {
    document: Value,
    /// Compiled validators by key: a schema name, or `METHOD /template` for a request body.
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = std::fs::read_to_string(SPEC_PATH)
            .unwrap_or_else(|e| panic!("cannot read {SPEC_PATH}: {e}"));
        let document = serde_json::from_str(&text).expect("the OpenAPI spec is JSON");
        Spec {
            document,
            validators: Mutex::new(HashMap::new()),
        }
    })
}

/// The whole spec document.
pub fn document() -> &'static Value {
    &spec().document
}

/// Compiles `schema` with the spec's components beside it, so `#/components/...` refs resolve.
fn compile(schema: &Value) -> Validator {
    let document = json!({
        "allOf": [schema],
        "components": document()["components"],
    });
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .should_ignore_unknown_formats(true)
        .build(&document)
        .unwrap_or_else(|e| panic!("the spec's schema does not compile: {e}"))
}

fn cached(key: &str, schema: impl FnOnce() -> Value) -> Arc<Validator> {
    if let Some(found) = spec().validators.lock().unwrap().get(key) {
        return found.clone();
    }
    // Compile outside the lock: other tests keep validating meanwhile.
    let validator = Arc::new(compile(&schema()));
    spec()
        .validators
        .lock()
        .unwrap()
        .entry(key.to_string())
        .or_insert(validator)
        .clone()
}

fn errors_of(validator: &Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| {
            let at = e.instance_path.as_str();
            let at = if at.is_empty() { "(root)" } else { at };
            format!("{at}: {e} (schema {})", e.schema_path.as_str())
        })
        .collect()
}

/// Validates `value` against `#/components/schemas/{name}`; the errors, if any, one per line.
pub fn validate_schema(name: &str, value: &Value) -> Result<(), Vec<String>> {
    assert!(
        document()["components"]["schemas"].get(name).is_some(),
        "the spec has no schema named {name}"
    );
    let validator = cached(
        name,
        || json!({ "$ref": format!("#/components/schemas/{name}") }),
    );
    let errors = errors_of(&validator, value);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Panics with a readable list of errors unless `value` is valid against schema `name`.
pub fn assert_valid(name: &str, value: &Value) {
    if let Err(errors) = validate_schema(name, value) {
        panic!(
            "not a valid {name}:\n  {}\nvalue: {}",
            errors.join("\n  "),
            pretty(value)
        );
    }
}

/// The spec's templated path (e.g. `/channels/{channel_id}/messages`) for a concrete request
/// path (e.g. `/api/v10/channels/123/messages?x=1`); literal segments beat parameters.
pub fn route_template(path: &str) -> Option<&'static str> {
    let path = path.split('?').next().unwrap_or_default();
    let path = path.strip_prefix(API_PREFIX).unwrap_or(path);
    let concrete: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    document()["paths"]
        .as_object()
        .expect("the spec has paths")
        .keys()
        .filter_map(|template| {
            let segments: Vec<&str> = template.split('/').collect();
            if segments.len() != concrete.len() {
                return None;
            }
            let mut literals = 0;
            for (t, c) in segments.iter().zip(&concrete) {
                if t.starts_with('{') && t.ends_with('}') {
                    if c.is_empty() {
                        return None;
                    }
                } else if t == c {
                    literals += 1;
                } else {
                    return None;
                }
            }
            Some((literals, template.as_str()))
        })
        .max_by_key(|(literals, _)| *literals)
        .map(|(_, template)| template)
}

/// The callback schema for an interaction response of `type`.
pub fn callback_schema_for(kind: u64) -> Option<&'static str> {
    Some(match kind {
        1 => "PongInteractionCallbackRequest",
        4 | 5 => "CreateMessageInteractionCallbackRequest",
        6 | 7 => "UpdateMessageInteractionCallbackRequest",
        8 => "ApplicationCommandAutocompleteCallbackRequest",
        9 => "ModalInteractionCallbackRequest",
        _ => return None,
    })
}

/// Validates a JSON request body sent as `method` to the concrete `path` against the route's
/// request-body schema, plus the limits Discord documents outside the schema.
pub fn validate_request_body(method: &str, path: &str, body: &Value) -> Result<(), Vec<String>> {
    let body = &with_upload_ids_as_strings(body);
    let method = method.to_ascii_lowercase();
    let Some(template) = route_template(path) else {
        return Err(vec![format!("{path} is not a route of Discord's API")]);
    };
    let Some(operation) = document()["paths"][template].get(&method) else {
        return Err(vec![format!(
            "{} {template} is not an operation of Discord's API",
            method.to_uppercase()
        )]);
    };
    let is_callback = template == "/interactions/{interaction_id}/{interaction_token}/callback";
    let mut errors = if is_callback {
        // The spec's anyOf over every callback type gives poor errors; pick by `type`.
        interaction_response_errors(body)
    } else {
        let Some(schema) = operation["requestBody"]["content"]["application/json"]
            .get("schema")
            .cloned()
        else {
            return Err(vec![format!(
                "{} {template} takes no JSON body",
                method.to_uppercase()
            )]);
        };
        let key = format!("{} {template}", method.to_uppercase());
        errors_of(&cached(&key, || schema), body)
    };
    if !is_callback {
        errors.extend(message_limit_errors(body));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// `body` with the ids of its `attachments` (and `data.attachments`) as strings. Discord's docs
/// number new uploads with integers (`{"id": 0}`), and serenity sends them so; the spec types
/// every attachment id as a snowflake string. The docs win.
fn with_upload_ids_as_strings(body: &Value) -> Value {
    let mut body = body.clone();
    for pointer in ["/attachments", "/data/attachments"] {
        let attachments = body.pointer_mut(pointer).and_then(Value::as_array_mut);
        for attachment in attachments.into_iter().flatten() {
            if let Some(id) = attachment.get("id").and_then(Value::as_u64) {
                attachment["id"] = json!(id.to_string());
            }
        }
    }
    body
}

/// Errors of an interaction response (the endpoint's answer or the callback body).
pub fn interaction_response_errors(response: &Value) -> Vec<String> {
    let response = &with_upload_ids_as_strings(response);
    let Some(kind) = response["type"].as_u64() else {
        return vec![format!("(root): no numeric `type` in {response}")];
    };
    let Some(schema) = callback_schema_for(kind) else {
        return vec![format!(
            "(root): {kind} is not an interaction callback type"
        )];
    };
    let mut errors = validate_schema(schema, response).err().unwrap_or_default();
    if let Some(data) = response.get("data").filter(|d| d.is_object()) {
        errors.extend(
            message_limit_errors(data)
                .into_iter()
                .map(|e| format!("/data{e}")),
        );
    }
    errors
}

/// Panics with a readable list of errors unless `response` is a valid interaction response.
pub fn validate_interaction_response(response: &Value) {
    let errors = interaction_response_errors(response);
    if !errors.is_empty() {
        panic!(
            "not a valid interaction response:\n  {}\nresponse: {}",
            errors.join("\n  "),
            pretty(response)
        );
    }
}

/// Limits of a message body that the schema lacks: `content` <= 2000 characters and the text of
/// all embeds together <= 6000. Each error starts with the JSON pointer it concerns.
pub fn message_limit_errors(message: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    if let Some(content) = message["content"].as_str() {
        let length = content.chars().count();
        if length > CONTENT_LIMIT {
            errors.push(format!(
                "/content: {length} characters, Discord allows {CONTENT_LIMIT}"
            ));
        }
    }
    if let Some(embeds) = message["embeds"].as_array() {
        let total: usize = embeds.iter().map(embed_text_length).sum();
        if total > EMBED_TEXT_LIMIT {
            errors.push(format!(
                "/embeds: {total} characters of embed text, Discord allows {EMBED_TEXT_LIMIT}"
            ));
        }
    }
    errors
}

/// The characters Discord counts towards the 6000 limit: title, description, field names and
/// values, footer text and author name.
pub fn embed_text_length(embed: &Value) -> usize {
    let chars = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
    let fields: usize = embed["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| chars(&f["name"]) + chars(&f["value"]))
        .sum();
    chars(&embed["title"])
        + chars(&embed["description"])
        + chars(&embed["footer"]["text"])
        + chars(&embed["author"]["name"])
        + fields
}

fn pretty(value: &Value) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    if text.chars().count() > 4000 {
        format!("{}…", text.chars().take(4000).collect::<String>())
    } else {
        text
    }
}

#[test]
fn a_concrete_path_matches_its_templated_route_and_literals_win() {
    assert_eq!(
        route_template("/api/v10/channels/123/messages"),
        Some("/channels/{channel_id}/messages")
    );
    assert_eq!(
        route_template("/api/v10/channels/1/messages/pins"),
        Some("/channels/{channel_id}/messages/pins")
    );
    assert_eq!(
        route_template("/api/v10/webhooks/1/tok/messages/@original"),
        Some("/webhooks/{webhook_id}/{webhook_token}/messages/@original")
    );
    assert_eq!(route_template("/api/v10/nowhere"), None);
}

#[test]
fn the_validator_accepts_a_good_message_and_lists_what_is_wrong_with_a_bad_one() {
    let good = json!({"content": "hi", "allowed_mentions": {"parse": []}});
    validate_request_body("POST", "/api/v10/channels/1/messages", &good).expect("valid");

    let bad = json!({"content": "x".repeat(2001), "embeds": [{"title": 5}]});
    let errors = validate_request_body("POST", "/api/v10/channels/1/messages", &bad).unwrap_err();
    assert!(
        errors.iter().any(|e| e.starts_with("/embeds/0/title")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("Discord allows 2000")),
        "{errors:?}"
    );
}

#[test]
fn an_interaction_response_is_checked_against_the_schema_of_its_type() {
    validate_interaction_response(&json!({"type": 1}));
    validate_interaction_response(&json!({"type": 4, "data": {"content": "ok"}}));
    let errors = interaction_response_errors(&json!({"type": 9, "data": {"title": "t"}}));
    assert!(!errors.is_empty());
    let embed = json!({"description": "d".repeat(4000)});
    let errors =
        interaction_response_errors(&json!({"type": 4, "data": {"embeds": [embed, embed]}}));
    assert!(errors.iter().any(|e| e.contains("6000")), "{errors:?}");
}

#[test]
fn a_command_definition_breaking_discords_rules_is_rejected() {
    let good = json!({"name": "story", "description": "Stories", "type": 1});
    assert_valid("ApplicationCommandUpdateRequest", &good);
    let long_name = json!({"name": "s".repeat(33), "description": "Stories", "type": 1});
    assert!(validate_schema("ApplicationCommandUpdateRequest", &long_name).is_err());
    let put = json!([good, {"description": "no name"}]);
    let errors = validate_request_body("PUT", "/api/v10/applications/1/commands", &put)
        .expect_err("a command without a name");
    assert!(errors.iter().any(|e| e.starts_with("/1")), "{errors:?}");
}
