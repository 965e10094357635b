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

/// Cuts text to at most `max` characters, ending with an ellipsis when cut (the domain's
/// truncation under the name the renderers use).
pub use crate::domain::story::truncate_plain as cut;

pub fn char_len(text: &str) -> usize {
    text.chars().count()
}

/// Joins whole `items` with `separator` in at most `max` characters: as many as fit, then the
/// separator and `more(n)` for the `n` left out (just `more(n)` when none fits), so no item (a
/// mention) is ever cut in half. An empty list gives "". If not even `more(n)` alone fits, it
/// is cut to `max`.
pub fn join_within(
    items: &[String],
    separator: &str,
    max: usize,
    more: impl Fn(usize) -> String,
) -> String {
    let sep = char_len(separator);
    // joined[k]: the length of the first k items joined.
    let mut joined = vec![0];
    for (i, item) in items.iter().enumerate() {
        let sep_before = if i > 0 { sep } else { 0 };
        joined.push(joined[i] + sep_before + char_len(item));
    }
    let total = items.len();
    if joined[total] <= max {
        return items.join(separator);
    }
    // Longest first, every count tried: the tail gets shorter as its number loses digits.
    let fits = |k: usize| {
        let sep_before = if k > 0 { sep } else { 0 };
        joined[k] + sep_before + char_len(&more(total - k)) <= max
    };
    match (0..total).rev().find(|k| fits(*k)) {
        Some(0) => more(total),
        Some(shown) => format!(
            "{}{separator}{}",
            items[..shown].join(separator),
            more(total - shown)
        ),
        None => cut(&more(total), max),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|t| t.to_string()).collect()
    }

    fn and_more(n: usize) -> String {
        format!("and {n} more")
    }

    #[test]
    fn join_within_an_empty_list_is_empty() {
        assert_eq!(join_within(&[], ", ", 10, and_more), "");
        assert_eq!(join_within(&[], ", ", 0, and_more), "");
    }

    #[test]
    fn join_within_joins_everything_that_fits_without_a_tail() {
        let list = items(&["ab", "cd", "ef"]);
        assert_eq!(join_within(&list, ", ", 10, and_more), "ab, cd, ef");
        assert_eq!(join_within(&list, ", ", 100, and_more), "ab, cd, ef");
    }

    #[test]
    fn join_within_cuts_between_items_and_counts_the_rest() {
        let list = items(&["aaaa", "bbbb", "cccc", "dddd", "eeee"]);
        // "aaaa, bbbb, and 3 more" is 22 characters; one more item would need 28.
        assert_eq!(
            join_within(&list, ", ", 22, and_more),
            "aaaa, bbbb, and 3 more"
        );
        assert_eq!(
            join_within(&list, ", ", 27, and_more),
            "aaaa, bbbb, and 3 more"
        );
        assert_eq!(join_within(&list, ", ", 12, and_more), "and 5 more");
        assert_eq!(join_within(&list, ", ", 5, and_more), "and …");
        assert_eq!(join_within(&list, ", ", 0, and_more), "");
    }

    #[test]
    fn join_within_is_never_longer_than_its_budget_counting_characters() {
        // Multi-byte items, separator and tail: bytes would overcount, so chars must be used.
        let list = items(&["日本語", "é", "<@1>", "ünïcödé", "🦀🦀", "x", "ωω"]);
        for separator in [", ", " · ", "\n", "—"] {
            for max in 0..60 {
                let out = join_within(&list, separator, max, |n| format!("… and {n} more"));
                assert!(char_len(&out) <= max, "{max} {separator:?}: {out:?}");
                let whole = list.join(separator);
                if char_len(&whole) <= max {
                    assert_eq!(out, whole);
                    continue;
                }
                // Whole items then a tail counting exactly the rest, with as many items as fit.
                let with = |k: usize| {
                    let tail = format!("… and {} more", list.len() - k);
                    match k {
                        0 => tail,
                        _ => format!("{}{separator}{tail}", list[..k].join(separator)),
                    }
                };
                match (0..list.len()).find(|k| with(*k) == out) {
                    Some(k) => assert!(char_len(&with(k + 1)) > max, "{max}: {out:?}"),
                    None => assert_eq!(out, cut(&with(0), max)),
                }
            }
        }
    }

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
