//! Text helpers for what users typed: shown literally, never as markdown or mentions.

/// Escapes Discord markdown so a title like `**big**` shows as typed.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '~' | '|' | '`' | '>' | '#' | '[' | ']'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// [`escape_markdown`], except that user mentions (`<@123>`, `<@!123>`) are kept as they are, so
/// text the bot composed around a mention still shows the member. (An escaped `>` breaks the
/// mention: Discord then shows `<@123>` as plain text.) Nothing else is kept: a role, channel or
/// `@everyone` is escaped like any text, and no mention pings from an embed anyway.
pub fn escape_markdown_keeping_mentions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<@") {
        out.push_str(&escape_markdown(&rest[..start]));
        // A mention is copied whole; a `<@` that starts none is copied and the rest goes on.
        let kept = user_mention_len(&rest[start..]).unwrap_or("<@".len());
        out.push_str(&rest[start..start + kept]);
        rest = &rest[start + kept..];
    }
    out.push_str(&escape_markdown(rest));
    out
}

/// The length of the user mention (`<@123>` or `<@!123>`) `text` starts with, if it does.
fn user_mention_len(text: &str) -> Option<usize> {
    let body = text.strip_prefix("<@")?;
    let id = body.strip_prefix('!').unwrap_or(body);
    let digits = id.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && id[digits..].starts_with('>')).then(|| text.len() - id.len() + digits + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_mentions_are_kept_and_everything_else_escaped() {
        assert_eq!(
            escape_markdown_keeping_mentions("**Login** (#1) (<@42>) by <@!7>"),
            "\\*\\*Login\\*\\* (\\#1) (<@42>) by <@!7>"
        );
        assert_eq!(
            escape_markdown_keeping_mentions("<@&5> <@> <@12 <@x> a>b"),
            "<@&5\\> <@\\> <@12 <@x\\> a\\>b"
        );
    }

    #[test]
    fn markdown_characters_are_escaped() {
        assert_eq!(
            escape_markdown("**a** _b_ `c`"),
            "\\*\\*a\\*\\* \\_b\\_ \\`c\\`"
        );
    }
}
