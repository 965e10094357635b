//! Splits a typed command line (`/story add title:"Guest checkout" points:3`) into the words of
//! the command path and the `name:value` options, before anything is known about the command.
//!
//! Rules: words before the first option name the command, group and sub-command; an option is
//! `name:value`, the value either `"quoted"` or running to the next option, so
//! `text:pays by card` is one value; `name:` alone gives an empty value. In an unquoted value a
//! quote is just a quote, and a `word:` that is not an option of the command (`10:30`, `Note:`)
//! is part of the value. Both kinds of value read `\n` as a new line, `\"` and `\\` as `"`
//! and `\`; any other backslash stays.

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

/// The character `\` followed by `next` stands for, if it is an escape.
fn escape(next: char) -> Option<char> {
    match next {
        'n' => Some('\n'),
        '"' | '\\' => Some(next),
        _ => None,
    }
}

/// An unquoted value with its escapes read, as in a quoted one.
fn unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match chars.peek().copied().filter(|_| c == '\\').and_then(escape) {
            Some(escaped) => {
                out.push(escaped);
                chars.next();
            }
            None => out.push(c),
        }
    }
    out
}

/// Reads a quoted string starting after the opening quote; returns it and the rest.
fn quoted(rest: &str) -> Result<(String, &str), SynthError> {
    let mut out = String::new();
    let mut chars = rest.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, &rest[i + 1..])),
            '\\' => match chars.next() {
                Some((_, next)) => match escape(next) {
                    Some(escaped) => out.push(escaped),
                    None => {
                        out.push('\\');
                        out.push(next);
                    }
                },
                None => break,
            },
            other => out.push(other),
        }
    }
    Err(SynthError::new(
        "A quoted value is not closed: add the closing `\"`.",
    ))
}

impl OpenOption {
    fn done(self) -> (String, String) {
        let value = if self.quoted {
            self.value
        } else {
            unescape(&self.value)
        };
        (self.name, value)
    }
}

/// Splits `line` into path words and options, taking every `word:` for an option name (the
/// tests' shorthand; the console knows each command's options and calls [`split_knowing`]).
#[cfg(test)]
pub fn split(line: &str) -> Result<TypedLine, SynthError> {
    split_knowing(line, |_| None)
}

/// Splits `line` into path words and options; `options_of(path)` gives the option names of the
/// command the path words name (`None`: not known), so a `word:` in an unquoted value that is
/// none of them stays in the value.
pub fn split_knowing(
    line: &str,
    options_of: impl Fn(&[String]) -> Option<Vec<String>>,
) -> Result<TypedLine, SynthError> {
    let mut path = Vec::new();
    let mut options: Vec<(String, String)> = Vec::new();
    let mut open: Option<OpenOption> = None;
    // Read once the first option ends the path.
    let mut known: Option<Option<Vec<String>>> = None;
    let mut rest = line.trim_start().trim_start_matches('/');
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        // A quote inside an unquoted value is part of it.
        let in_value = matches!(&open, Some(o) if !o.quoted && !o.value.is_empty());
        if let Some(after_quote) = rest.strip_prefix('"').filter(|_| !in_value) {
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
        let option = word.split_once(':').filter(|(name, _)| {
            if !is_option_name(name) {
                return false;
            }
            if !matches!(&open, Some(o) if !o.quoted) {
                return true;
            }
            // `Meet at 10:30`: not an option of the command, so still the open value.
            let names = known.get_or_insert_with(|| options_of(&path));
            match names {
                Some(names) => names.iter().any(|known| known == name),
                None => true,
            }
        });
        if option.is_none() {
            if let Some(error) = misspelt_option(word, known.as_ref().and_then(Option::as_ref)) {
                return Err(error);
            }
        }
        if let Some((name, value_start)) = option {
            if let Some(done) = open.take() {
                options.push(done.done());
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
        options.push(done.done());
    }
    Ok(TypedLine { path, options })
}

/// A `word:` kept in a value because it is no option, but so close to one (`pionts:` for
/// `points:`) that it is more likely a typo than text: refused, rather than silently becoming
/// part of the value before it.
fn misspelt_option(word: &str, names: Option<&Vec<String>>) -> Option<SynthError> {
    let (name, _) = word.split_once(':')?;
    if name.chars().count() < 3 || !is_option_name(name) {
        return None;
    }
    let meant = names?
        .iter()
        .find(|known| edit_distance(name, known) <= 2)?;
    Some(SynthError::new(format!(
        "`{name}:` is not an option here; did you mean `{meant}:`? (If it is part of the value, put the value in quotes.)"
    )))
}

/// Levenshtein distance; option names are short, so the quadratic table is nothing.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
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
    fn a_quote_inside_an_unquoted_value_is_part_of_it() {
        assert_eq!(
            options(r#"/story add title:Support "guest" checkout points:3"#),
            [
                pair("title", r#"Support "guest" checkout"#),
                pair("points", "3")
            ]
        );
        assert_eq!(options(r#"/x a:say "hi"#), [pair("a", r#"say "hi"#)]);
    }

    #[test]
    fn a_colon_word_that_is_no_option_of_the_command_stays_in_the_value() {
        let story_add = |line| {
            split_knowing(line, |path: &[String]| {
                assert_eq!(path, ["story", "add"]);
                Some(vec!["title".into(), "details".into(), "points".into()])
            })
            .unwrap()
            .options
        };
        assert_eq!(
            story_add("/story add title:Meet at 10:30 daily points:3 details:Note: x"),
            [
                pair("title", "Meet at 10:30 daily"),
                pair("points", "3"),
                pair("details", "Note: x")
            ]
        );
        // The first option is taken as typed, so a misspelt one is still reported.
        assert_eq!(story_add("/story add pionts:3"), [pair("pionts", "3")]);
        // Without the command's options, every `word:` starts an option.
        assert_eq!(
            options("/x title:Meet at 10:30"),
            [pair("title", "Meet at"), pair("10", "30")]
        );
    }

    #[test]
    fn a_misspelt_option_after_a_value_is_refused_with_the_option_meant() {
        let names = |_: &[String]| Some(vec!["title".to_string(), "points".to_string()]);
        let error = split_knowing("/story add title:Foo pionts:3", names)
            .expect_err("a typo of points")
            .to_string();
        assert!(error.contains("did you mean `points:`"), "{error}");
        // Far from every option: text, kept in the value.
        let typed = split_knowing("/story add title:Call Bob: urgent", names).unwrap();
        assert_eq!(typed.options, [pair("title", "Call Bob: urgent")]);
        assert_eq!(edit_distance("pionts", "points"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn escapes_read_the_same_quoted_or_not() {
        for line in [
            r#"/x a:one\ntwo \"q\" c\\d"#,
            r#"/x a:"one\ntwo \"q\" c\\d""#,
        ] {
            assert_eq!(options(line), [pair("a", "one\ntwo \"q\" c\\d")], "{line}");
        }
        assert_eq!(options(r"/x a:C:\path"), [pair("a", r"C:\path")]);
        assert_eq!(options(r#"/x a:"C:\path""#), [pair("a", r"C:\path")]);
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
