//! Custom ids of planning poker buttons (prefix `pk`). A round's buttons carry only the round
//! id (and the card label), so a card keeps working after restarts; the story card's Estimate
//! button carries the team id and story number, like the story card's other buttons.

/// What a planning poker button asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PokerPress {
    /// The story card's Estimate button: open the story's round, or start one.
    Estimate { team_id: i64, number: i64 },
    /// A button of a round's card.
    Round { round_id: i64, action: RoundAction },
}

/// The buttons of a round's card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoundAction {
    /// Play a card (its label).
    Vote(String),
    SitOut,
    Reveal,
    Revote,
    /// Accept a card's points for the story.
    Accept(String),
}

impl RoundAction {
    /// This action's button id on round `round_id`.
    pub fn on(self, round_id: i64) -> PokerPress {
        PokerPress::Round {
            round_id,
            action: self,
        }
    }
}

/// Card labels are short (`coffee` is the longest), so ids stay far below 100 characters.
const CARD_MAX: usize = 8;

impl PokerPress {
    pub fn encode(&self) -> String {
        let id = match self {
            PokerPress::Estimate { team_id, number } => format!("pk:e:{team_id}:{number}"),
            PokerPress::Round { round_id, action } => match action {
                RoundAction::Vote(card) => format!("pk:v:{round_id}:{card}"),
                RoundAction::SitOut => format!("pk:s:{round_id}"),
                RoundAction::Reveal => format!("pk:r:{round_id}"),
                RoundAction::Revote => format!("pk:n:{round_id}"),
                RoundAction::Accept(card) => format!("pk:a:{round_id}:{card}"),
            },
        };
        debug_assert!(
            id.len() <= crate::render::limits::CUSTOM_ID,
            "custom id too long: {id}"
        );
        id
    }

    /// Parses an id this module made; `None` for anything else.
    pub fn parse(id: &str) -> Option<Self> {
        let parts: Vec<&str> = id.split(':').collect();
        let int = |i: usize| parts.get(i).and_then(|p| p.parse::<i64>().ok());
        let card = |i: usize| {
            parts
                .get(i)
                .filter(|c| !c.is_empty() && c.len() <= CARD_MAX)
                .map(|c| c.to_string())
        };
        if parts.first() != Some(&"pk") {
            return None;
        }
        let action = match (parts.get(1).copied()?, parts.len()) {
            ("e", 4) => {
                return Some(PokerPress::Estimate {
                    team_id: int(2)?,
                    number: int(3)?,
                })
            }
            ("v", 4) => RoundAction::Vote(card(3)?),
            ("s", 3) => RoundAction::SitOut,
            ("r", 3) => RoundAction::Reveal,
            ("n", 3) => RoundAction::Revote,
            ("a", 4) => RoundAction::Accept(card(3)?),
            _ => return None,
        };
        Some(action.on(int(2)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_press(id: i64) -> Vec<PokerPress> {
        vec![
            PokerPress::Estimate {
                team_id: id,
                number: id,
            },
            RoundAction::Vote("coffee".to_string()).on(id),
            RoundAction::SitOut.on(id),
            RoundAction::Reveal.on(id),
            RoundAction::Revote.on(id),
            RoundAction::Accept("XL".to_string()).on(id),
        ]
    }

    #[test]
    fn every_press_survives_a_round_trip_and_fits_discords_limit() {
        for press in every_press(i64::MAX).into_iter().chain(every_press(1)) {
            let id = press.encode();
            assert!(id.len() <= 100, "{id}");
            assert_eq!(PokerPress::parse(&id), Some(press));
        }
    }

    #[test]
    fn unknown_or_mangled_ids_are_rejected() {
        for id in [
            "", "pk", "pk:v:1", "pk:x:1", "pk:r:a", "pk:a:1:", "sa:1:2", "pk:r:1:2",
        ] {
            assert_eq!(PokerPress::parse(id), None, "{id}");
        }
    }
}
