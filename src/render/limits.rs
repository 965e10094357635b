//! Discord's documented limits, and the cutting that keeps text inside them.

pub const CONTENT: usize = 2000;
pub const EMBED_TITLE: usize = 256;
pub const EMBED_DESCRIPTION: usize = 4096;
pub const EMBED_FIELDS: usize = 25;
pub const FIELD_NAME: usize = 256;
pub const FIELD_VALUE: usize = 1024;
pub const FOOTER: usize = 2048;
/// All embed text of one message together.
pub const EMBED_TOTAL: usize = 6000;
pub const EMBEDS: usize = 10;
pub const ACTION_ROWS: usize = 5;
pub const BUTTONS_PER_ROW: usize = 5;
pub const BUTTON_LABEL: usize = 80;
pub const CUSTOM_ID: usize = 100;
pub const MODAL_TITLE: usize = 45;
pub const MODAL_INPUTS: usize = 5;
pub const INPUT_LABEL: usize = 45;
pub const INPUT_VALUE: usize = 4000;
pub const CHOICES: usize = 25;
pub const CHOICE_NAME: usize = 100;
pub const CHOICE_VALUE: usize = 100;

/// Cuts `text` to at most `max` characters, ending with an ellipsis when cut. Never longer than
/// `max`: with `max` 0 there is no room even for the ellipsis, so the result is empty.
pub fn cut(text: &str, max: usize) -> String {
    if max == 0 {
        // `truncate_plain` would give "…" here: one character over.
        String::new()
    } else {
        crate::domain::story::truncate_plain(text, max)
    }
}

pub fn char_len(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_to_zero_characters_is_empty() {
        assert_eq!(cut("abc", 0), "");
        assert_eq!(cut("", 0), "");
    }

    #[test]
    fn cut_to_one_character_is_the_text_or_an_ellipsis() {
        assert_eq!(cut("abc", 1), "…");
        assert_eq!(cut("a", 1), "a");
        assert_eq!(cut("日本", 1), "…");
        assert_eq!(cut("", 1), "");
    }
}
