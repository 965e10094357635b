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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_characters_are_escaped() {
        assert_eq!(
            escape_markdown("**a** _b_ `c`"),
            "\\*\\*a\\*\\* \\_b\\_ \\`c\\`"
        );
    }
}
