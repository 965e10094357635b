//! Reading a request's body as Discord would: JSON or multipart (`payload_json` and files), and
//! checking it against Discord's OpenAPI spec.

use axum::http::{header, HeaderMap};
use serde_json::{json, Value};

use crate::openapi;

/// A parsed request body: the JSON (or `payload_json`) and the multipart files, name and bytes.
pub(super) type ParsedBody = (Option<Value>, Vec<(String, Vec<u8>)>);

/// The body as JSON and the multipart files; `Err` when it is neither empty nor JSON.
pub(super) fn parse_body(headers: &HeaderMap, body: &[u8]) -> Result<ParsedBody, String> {
    if body.is_empty() {
        return Ok((None, Vec::new()));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if let Some(boundary) = content_type
        .strip_prefix("multipart/form-data")
        .and_then(|rest| rest.split("boundary=").nth(1))
    {
        return parse_multipart(boundary.trim_matches('"'), body);
    }
    serde_json::from_slice(body)
        .map(|v| (Some(v), Vec::new()))
        .map_err(|e| format!("the body is not JSON ({e})"))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Splits a multipart body on its boundary, working on bytes so binary files survive intact.
fn parse_multipart(boundary: &str, body: &[u8]) -> Result<ParsedBody, String> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut payload = None;
    let mut files = Vec::new();
    let mut rest = body;
    let mut parts = Vec::new();
    while let Some(at) = find(rest, &delimiter) {
        parts.push(&rest[..at]);
        rest = &rest[at + delimiter.len()..];
    }
    for part in parts {
        let Some(split) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..split]);
        let content = &part[split + 4..];
        let content = content.strip_suffix(b"\r\n").unwrap_or(content);
        let attribute = |key: &str| {
            head.split(';')
                .filter_map(|a| a.trim().strip_prefix(&format!("{key}=")))
                .next()
                .map(|v| {
                    v.lines()
                        .next()
                        .unwrap_or_default()
                        .trim_matches('"')
                        .to_string()
                })
        };
        if let Some(filename) = attribute("filename") {
            files.push((filename, content.to_vec()));
        } else if attribute("name").as_deref() == Some("payload_json") {
            payload = Some(
                serde_json::from_slice(content)
                    .map_err(|e| format!("payload_json is not JSON ({e})"))?,
            );
        }
    }
    Ok((payload, files))
}

/// What is wrong with a request according to the spec.
pub(super) fn spec_violations(method: &str, path: &str, body: Option<&Value>) -> Vec<String> {
    let Some(template) = openapi::route_template(path) else {
        return vec!["not a route of Discord's API".to_string()];
    };
    let operation = &openapi::document()["paths"][template][method.to_ascii_lowercase()];
    if operation.is_null() {
        return vec![format!("{template} has no {method} operation")];
    }
    match body {
        Some(body) => openapi::validate_request_body(method, path, body)
            .err()
            .unwrap_or_default(),
        None if operation["requestBody"]["required"] == json!(true) => {
            vec!["the request body is required".to_string()]
        }
        None => Vec::new(),
    }
}
