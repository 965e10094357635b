//! Planning poker: the card scales, and the statistics shown when the cards are revealed.
//!
//! `?` and coffee are cards a voter may play, shown on reveal, but they are not numbers: they
//! are left out of every statistic. Only the Fibonacci scale has them, as the product lists.

use super::story::Points;
use super::Invalid;

/// A card: what the button says, and the story points it stands for (`None` for `?`, coffee).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Card {
    label: &'static str,
    points: Option<u8>,
}

impl Card {
    const fn number(label: &'static str, points: u8) -> Self {
        Self {
            label,
            points: Some(points),
        }
    }

    pub const UNSURE: Card = Card {
        label: "?",
        points: None,
    };
    pub const COFFEE: Card = Card {
        label: "coffee",
        points: None,
    };

    pub fn label(self) -> &'static str {
        self.label
    }

    pub fn points(self) -> Option<u8> {
        self.points
    }
}

const FIBONACCI: [Card; 10] = [
    Card::number("0", 0),
    Card::number("1", 1),
    Card::number("2", 2),
    Card::number("3", 3),
    Card::number("5", 5),
    Card::number("8", 8),
    Card::number("13", 13),
    Card::number("21", 21),
    Card::UNSURE,
    Card::COFFEE,
];
const TSHIRT: [Card; 5] = [
    Card::number("XS", 1),
    Card::number("S", 2),
    Card::number("M", 3),
    Card::number("L", 5),
    Card::number("XL", 8),
];
const POWERS: [Card; 7] = [
    Card::number("0", 0),
    Card::number("1", 1),
    Card::number("2", 2),
    Card::number("4", 4),
    Card::number("8", 8),
    Card::number("16", 16),
    Card::number("32", 32),
];

/// The deck an estimate is played with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scale {
    #[default]
    Fibonacci,
    Tshirt,
    Powers,
}

impl Scale {
    pub const ALL: [Scale; 3] = [Scale::Fibonacci, Scale::Tshirt, Scale::Powers];

    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Fibonacci => "fibonacci",
            Scale::Tshirt => "tshirt",
            Scale::Powers => "powers",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let wanted = raw.trim().to_lowercase().replace(['-', ' '], "");
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == wanted)
            .ok_or_else(|| {
                Invalid::new(format!(
                    "`{}` is not a scale. Use fibonacci, tshirt or powers.",
                    super::story::truncate_plain(raw.trim(), 40)
                ))
            })
    }

    /// Every card, in the order the buttons show them.
    pub fn cards(self) -> &'static [Card] {
        match self {
            Scale::Fibonacci => &FIBONACCI,
            Scale::Tshirt => &TSHIRT,
            Scale::Powers => &POWERS,
        }
    }

    /// The card with this label (`xl` = `XL`; `☕` = coffee).
    pub fn card(self, label: &str) -> Result<Card, Invalid> {
        let wanted = match label.trim() {
            "☕" => "coffee",
            other => other,
        };
        self.cards()
            .iter()
            .copied()
            .find(|c| c.label.eq_ignore_ascii_case(wanted))
            .ok_or_else(|| {
                Invalid::new(format!(
                    "`{}` is not a card of the {} scale. Its cards are: {}.",
                    super::story::truncate_plain(label.trim(), 20),
                    self.as_str(),
                    self.labels()
                ))
            })
    }

    /// The points **Accept** sets: any numbered card of the scale.
    pub fn points_of(self, label: &str) -> Result<Points, Invalid> {
        let card = self.card(label)?;
        let points = card.points.ok_or_else(|| {
            Invalid::new(format!(
                "`{}` is not a number of points. Accept one of: {}.",
                card.label,
                self.numbered()
                    .map(|c| c.label)
                    .collect::<Vec<_>>()
                    .join(" ")
            ))
        })?;
        Points::parse(i64::from(points))
    }

    fn labels(self) -> String {
        self.cards()
            .iter()
            .map(|c| c.label)
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn numbered(self) -> impl Iterator<Item = Card> {
        self.cards().iter().copied().filter(|c| c.points.is_some())
    }

    /// The smallest numbered card worth at least `value` (the largest card if none is).
    fn round_up(self, value: f64) -> Card {
        self.numbered()
            .find(|c| c.points.is_some_and(|p| f64::from(p) >= value))
            .or_else(|| self.numbered().last())
            .expect("every scale has numbered cards")
    }
}

/// What **Reveal** shows beside the votes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PokerStats {
    /// Votes with a number; `?` and coffee are not counted.
    pub counted: usize,
    pub min: Card,
    pub max: Card,
    /// In points. For an even count, the mean of the two middle votes.
    pub median: f64,
    /// Every counted vote is the same card (true for a single counted vote).
    pub consensus: bool,
    /// The default of **Accept**: the median rounded up to the next card of the scale.
    pub suggestion: Card,
}

/// `None` when no vote has a number (nobody voted, or everyone played `?` or coffee).
pub fn statistics(scale: Scale, votes: &[Card]) -> Option<PokerStats> {
    let mut counted: Vec<Card> = votes
        .iter()
        .copied()
        .filter(|c| c.points.is_some())
        .collect();
    counted.sort_by_key(|c| c.points);
    let (&min, &max) = (counted.first()?, counted.last()?);
    let n = counted.len();
    let points = |i: usize| f64::from(counted[i].points.unwrap_or(0));
    let median = if n % 2 == 1 {
        points(n / 2)
    } else {
        (points(n / 2 - 1) + points(n / 2)) / 2.0
    };
    Some(PokerStats {
        counted: n,
        min,
        max,
        median,
        consensus: min.points == max.points,
        suggestion: scale.round_up(median),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn votes(scale: Scale, labels: &[&str]) -> Vec<Card> {
        labels.iter().map(|l| scale.card(l).unwrap()).collect()
    }

    fn stats(scale: Scale, labels: &[&str]) -> Option<PokerStats> {
        statistics(scale, &votes(scale, labels))
    }

    #[test]
    fn each_scale_has_the_cards_the_product_lists() {
        let labels = |s: Scale| s.labels();
        assert_eq!(labels(Scale::Fibonacci), "0 1 2 3 5 8 13 21 ? coffee");
        assert_eq!(labels(Scale::Tshirt), "XS S M L XL");
        assert_eq!(labels(Scale::Powers), "0 1 2 4 8 16 32");
        let tshirt: Vec<_> = Scale::Tshirt.cards().iter().map(|c| c.points()).collect();
        assert_eq!(tshirt, [Some(1), Some(2), Some(3), Some(5), Some(8)]);
    }

    #[test]
    fn scales_parse_by_name_and_default_to_fibonacci() {
        assert_eq!(Scale::parse("T-Shirt").unwrap(), Scale::Tshirt);
        assert_eq!(Scale::parse("powers").unwrap(), Scale::Powers);
        assert!(Scale::parse("linear").is_err());
        assert_eq!(Scale::default(), Scale::Fibonacci);
    }

    #[test]
    fn a_card_label_not_on_the_scale_is_refused_with_the_real_cards() {
        assert_eq!(Scale::Tshirt.card("xl").unwrap().points(), Some(8));
        assert_eq!(Scale::Fibonacci.card("☕").unwrap(), Card::COFFEE);
        let err = Scale::Fibonacci.card("4").unwrap_err();
        assert_eq!(
            err.0,
            "`4` is not a card of the fibonacci scale. Its cards are: 0 1 2 3 5 8 13 21 ? coffee."
        );
        assert!(Scale::Powers.card("?").is_err());
        assert!(Scale::Tshirt.card("3").is_err());
    }

    #[test]
    fn accepting_takes_a_numbered_card_and_gives_its_points() {
        assert_eq!(Scale::Tshirt.points_of("L").unwrap().get(), 5);
        assert_eq!(Scale::Fibonacci.points_of("21").unwrap().get(), 21);
        let err = Scale::Fibonacci.points_of("?").unwrap_err();
        assert_eq!(
            err.0,
            "`?` is not a number of points. Accept one of: 0 1 2 3 5 8 13 21."
        );
    }

    #[test]
    fn reveal_shows_min_max_and_median_of_an_odd_count() {
        let s = stats(Scale::Fibonacci, &["8", "3", "5"]).unwrap();
        assert_eq!((s.min.label(), s.max.label(), s.median), ("3", "8", 5.0));
        assert_eq!(s.suggestion.label(), "5");
        assert!(!s.consensus);
        assert_eq!(s.counted, 3);
    }

    #[test]
    fn an_even_count_takes_the_mean_of_the_two_middle_votes_rounded_up_to_the_scale() {
        let s = stats(Scale::Fibonacci, &["2", "3", "5", "13"]).unwrap();
        assert_eq!(s.median, 4.0);
        assert_eq!(s.suggestion.label(), "5");
        let s = stats(Scale::Powers, &["4", "8"]).unwrap();
        assert_eq!((s.median, s.suggestion.label()), (6.0, "8"));
    }

    #[test]
    fn question_marks_and_coffee_are_shown_but_not_counted() {
        let s = stats(Scale::Fibonacci, &["?", "3", "coffee", "3"]).unwrap();
        assert_eq!(s.counted, 2);
        assert!(s.consensus);
        assert_eq!(s.suggestion.label(), "3");
    }

    #[test]
    fn a_single_voter_is_a_consensus_of_one() {
        let s = stats(Scale::Tshirt, &["M"]).unwrap();
        assert_eq!((s.min.label(), s.max.label(), s.median), ("M", "M", 3.0));
        assert!(s.consensus);
        assert_eq!(s.suggestion.label(), "M");
    }

    #[test]
    fn all_question_marks_give_no_statistics_and_no_suggestion() {
        assert_eq!(stats(Scale::Fibonacci, &["?", "coffee", "?"]), None);
        assert_eq!(stats(Scale::Fibonacci, &[]), None);
    }

    #[test]
    fn t_shirt_medians_round_up_to_a_size() {
        // S (2) and L (5): median 3.5 points, rounded up to L.
        let s = stats(Scale::Tshirt, &["L", "S"]).unwrap();
        assert_eq!((s.min.label(), s.max.label()), ("S", "L"));
        assert_eq!(s.median, 3.5);
        assert_eq!(s.suggestion.label(), "L");
    }

    #[test]
    fn zero_votes_count_as_numbers() {
        let s = stats(Scale::Fibonacci, &["0", "0"]).unwrap();
        assert!(s.consensus);
        assert_eq!(s.suggestion.label(), "0");
    }
}
