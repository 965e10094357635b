//! Plain text as it is stored: the one-line form of what a user types into a short field.

/// `raw` on one line: every run of whitespace (newlines and tabs too) becomes a single space,
/// and the ends are trimmed. Story titles and criteria, team names, and a sprint's name and goal
/// are stored this way (so a backup's must already be in this form); blockers are compared and
/// quoted in it.
pub fn one_line(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn whitespace_runs_become_one_space_and_the_ends_go() {
        assert_eq!(
            one_line("  Sprint \t 12\n\nship   it "),
            "Sprint 12 ship it"
        );
        assert_eq!(one_line("already fine"), "already fine");
        assert_eq!(one_line(" \n\t "), "");
        assert_eq!(one_line("été\u{00A0}2026"), "été 2026");
    }
}
