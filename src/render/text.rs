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
        let after = &rest[start + 2..];
        let digits_from = usize::from(after.starts_with('!'));
        let digits = after[digits_from..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after.len() - digits_from);
        let end = digits_from + digits;
        if digits > 0 && after[end..].starts_with('>') {
            out.push_str(&rest[start..start + 2 + end + 1]);
            rest = &after[end + 1..];
        } else {
            out.push('<');
            out.push('@');
            rest = after;
        }
    }
    out.push_str(&escape_markdown(rest));
    out
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
