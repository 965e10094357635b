//! Splits a typed command line (`/story add title:"Guest checkout" points:3`) into the words of
//! the command path and the `name:value` options, before anything is known about the command.
//!
//! Rules: words before the first option name the command, group and sub-command; an option is
//! `name:value`, the value either `"quoted"` (with `\"` and `\\` escapes) or running to the next
//! option, so `text:pays by card` is one value; `name:` alone gives an empty value.

use super::SynthError;

/// A typed line, split but not yet checked against the command definitions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedLine {
    /// Command, group and sub-command names, as typed.
    pub path: Vec<String>,
    /// Options in the order typed: (name, value).
    pub options: Vec<(String, String)>,
}

/// An option being read: its name, value so far, and whether the value was quoted.
struct OpenOption {
    name: String,
    value: String,
    quoted: bool,
}

fn is_option_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// Reads a quoted string starting after the opening quote; returns it and the rest.
fn quoted(rest: &str) -> Result<(String, &str), SynthError> {
    let mut out = String::new();
    let mut chars = rest.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, &rest[i + 1..])),
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, escaped)) => out.push(escaped),
                None => break,
            },
            other => out.push(other),
        }
    }
    Err(SynthError::new(
        "A quoted value is not closed: add the closing `\"`.",
    ))
}

/// Splits `line` into path words and options.
pub fn split(line: &str) -> Result<TypedLine, SynthError> {
    let mut path = Vec::new();
    let mut options: Vec<(String, String)> = Vec::new();
    let mut open: Option<OpenOption> = None;
    let mut rest = line.trim_start().trim_start_matches('/');
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        if let Some(after_quote) = rest.strip_prefix('"') {
            let (text, after) = quoted(after_quote)?;
            rest = after;
            match open.as_mut() {
                Some(option) if option.value.is_empty() && !option.quoted => {
                    option.value = text;
                    option.quoted = true;
                }
                _ => return Err(misplaced(&text, open.as_ref())),
            }
            continue;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        if let Some((name, value_start)) = word
            .split_once(':')
            .filter(|(name, _)| is_option_name(name))
        {
            if let Some(done) = open.take() {
                options.push((done.name, done.value));
            }
            let name = name.to_string();
            let after_colon = &rest[name.len() + 1..];
            if let Some(after_quote) = after_colon.strip_prefix('"') {
                let (text, after) = quoted(after_quote)?;
                open = Some(OpenOption {
                    name,
                    value: text,
                    quoted: true,
                });
                rest = after;
            } else {
                open = Some(OpenOption {
                    name,
                    value: value_start.to_string(),
                    quoted: false,
                });
                rest = &rest[end..];
            }
            continue;
        }
        match open.as_mut() {
            None => path.push(word.to_string()),
            Some(option) if !option.quoted => {
                if !option.value.is_empty() {
                    option.value.push(' ');
                }
                option.value.push_str(word);
            }
            Some(_) => return Err(misplaced(word, open.as_ref())),
        }
        rest = &rest[end..];
    }
    if let Some(done) = open {
        options.push((done.name, done.value));
    }
    Ok(TypedLine { path, options })
}

fn misplaced(text: &str, open: Option<&OpenOption>) -> SynthError {
    match open {
        Some(option) => SynthError::new(format!(
            "`{text}` follows the quoted value of `{}`: put the whole value in quotes.",
            option.name
        )),
        None => SynthError::new(format!(
            "`{text}` is not part of a command: options are written name:value."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(line: &str) -> Vec<(String, String)> {
        split(line).unwrap().options
    }

    fn pair(name: &str, value: &str) -> (String, String) {
        (name.to_string(), value.to_string())
    }

    #[test]
    fn path_words_come_before_the_first_option() {
        let typed = split("/story criteria add story:#3 text:\"pays by card\"").unwrap();
        assert_eq!(typed.path, ["story", "criteria", "add"]);
        assert_eq!(
            typed.options,
            [pair("story", "#3"), pair("text", "pays by card")]
        );
    }

    #[test]
    fn unquoted_values_run_to_the_next_option() {
        assert_eq!(
            options("/story add title:Guest checkout now points:3 labels:ui,checkout"),
            [
                pair("title", "Guest checkout now"),
                pair("points", "3"),
                pair("labels", "ui,checkout")
            ]
        );
    }

    #[test]
    fn quotes_keep_colons_spaces_and_escapes() {
        assert_eq!(
            options(r#"/vision set text:"Ship: fast \"and\" well\nalways""#),
            [pair("text", "Ship: fast \"and\" well\nalways")]
        );
        assert_eq!(options("/x a:\"\" b:"), [pair("a", ""), pair("b", "")]);
        assert_eq!(options("/x a: \"spaced out\""), [pair("a", "spaced out")]);
    }

    #[test]
    fn broken_quoting_is_explained() {
        assert!(split("/x a:\"open").unwrap_err().0.contains("not closed"));
        assert!(split("/x a:\"one\" two")
            .unwrap_err()
            .0
            .contains("whole value in quotes"));
        assert!(split("/x \"loose\"").unwrap_err().0.contains("name:value"));
    }
}
