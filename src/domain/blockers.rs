//! Whether a stand-up answer's *Blockers* text reports a blocker. The field is optional, but
//! people still type "none", "n/a" or "-" into it; those must not count as blockers in the
//! summary, in `/standup stats` or among the stakeholder update's risks.

/// Answers that say there is nothing in the way, compared trimmed, lower-cased and without
/// trailing punctuation.
const NOTHING_IN_THE_WAY: &[&str] = &[
    "",
    "-",
    "--",
    "–",
    "—",
    "/",
    "n/a",
    "na",
    "no",
    "nope",
    "none",
    "nil",
    "nothing",
    "no blockers",
    "no blocker",
    "none so far",
    "nothing blocking",
    "not blocked",
    "all good",
];

/// True when `text` reports something in the way; false for an empty answer or one that says
/// there is nothing ("None.", "n/a", "-", "Nothing!").
pub fn reports_blocker(text: &str) -> bool {
    let said = text
        .trim()
        .trim_end_matches(['.', '!', ',', ';', ':', '?'])
        .trim()
        .to_lowercase();
    let said = super::text::one_line(&said);
    !NOTHING_IN_THE_WAY.contains(&said.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn none_n_a_no_dash_and_nothing_report_no_blocker() {
        for text in [
            "",
            "  ",
            "none",
            "None.",
            " N/A ",
            "n/a.",
            "NO",
            "no!",
            "-",
            "—",
            "nothing",
            "Nothing.",
            "no  blockers",
            "All good!",
        ] {
            assert!(!reports_blocker(text), "{text:?}");
        }
    }

    #[test]
    fn anything_else_is_a_blocker() {
        for text in [
            "CI is red",
            "no access to staging",
            "None of the tests pass",
            "waiting for #3",
            "-1 on the design",
        ] {
            assert!(reports_blocker(text), "{text:?}");
        }
    }
}
