//! Counting things in the bot's prose: "1 story", "3 stories". One helper, so every count
//! agrees with its noun the same way, whatever integer type holds it.

use std::fmt::Display;

/// `n` with `one` when it is exactly 1, else with `many` ("0 stories", "1 story", "2 stories").
pub fn counted<N: Display + PartialEq + From<u8>>(n: N, one: &str, many: &str) -> String {
    let noun = if n == N::from(1) { one } else { many };
    format!("{n} {noun}")
}

#[cfg(test)]
mod tests {
    use super::counted;

    #[test]
    fn only_exactly_one_takes_the_singular() {
        assert_eq!(counted(0_i64, "story", "stories"), "0 stories");
        assert_eq!(counted(1_usize, "story", "stories"), "1 story");
        assert_eq!(counted(2_u32, "day", "days"), "2 days");
        assert_eq!(counted(-1_i64, "point", "points"), "-1 points");
    }
}
