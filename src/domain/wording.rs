//! Counting things in the bot's prose: "1 story", "3 stories". One helper, so every count
//! agrees with its noun the same way, whatever integer type holds it.

use std::fmt::Display;

/// `n` with `one` when it is exactly 1, else with `many` ("0 stories", "1 story", "2 stories").
pub fn counted<N: Display + PartialEq + From<u8>>(n: N, one: &str, many: &str) -> String {
    let noun = if n == N::from(1) { one } else { many };
    format!("{n} {noun}")
}

/// Story points in the short form lists use: "1 pt", "5 pts".
pub fn pts<N: Display + PartialEq + From<u8>>(n: N) -> String {
    counted(n, "pt", "pts")
}

#[cfg(test)]
mod tests {
    use super::{counted, pts};

    #[test]
    fn only_exactly_one_takes_the_singular() {
        assert_eq!(counted(0_i64, "story", "stories"), "0 stories");
        assert_eq!(counted(1_usize, "story", "stories"), "1 story");
        assert_eq!(counted(2_u32, "day", "days"), "2 days");
        assert_eq!(counted(-1_i64, "point", "points"), "-1 points");
        assert_eq!(
            (pts(1_i64), pts(0_u32), pts(8_i64)),
            ("1 pt".into(), "0 pts".into(), "8 pts".into())
        );
    }
}
