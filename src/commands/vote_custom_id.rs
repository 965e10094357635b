//! Custom ids of the vote buttons. `vo:` ids sit on public cards (open my ballot, apply the
//! results); `vb:` ids sit on a voter's ephemeral ballot and name the candidate they act on, so
//! a press always changes the story the voter is looking at. Everything else is read from the
//! database, so cards keep working after restarts.

/// What a ballot button does to the candidate it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BallotStep {
    /// Score 1-5 (pressing the chosen one again clears it).
    Score(u8),
    /// MoSCoW call by index into `Moscow::ALL`.
    Moscow(u8),
    Value(u8),
    Effort(u8),
    AddDot,
    RemoveDot,
    Back,
    /// Move on without marking this story.
    Next,
    Submit,
}

/// A press on a vote card or ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteAction {
    OpenBallot {
        vote_id: i64,
    },
    ApplyResults {
        vote_id: i64,
    },
    Ballot {
        vote_id: i64,
        at: usize,
        step: BallotStep,
    },
}

impl VoteAction {
    pub fn encode(&self) -> String {
        let id = match *self {
            VoteAction::OpenBallot { vote_id } => format!("vo:o:{vote_id}"),
            VoteAction::ApplyResults { vote_id } => format!("vo:a:{vote_id}"),
            VoteAction::Ballot { vote_id, at, step } => {
                let step = match step {
                    BallotStep::Score(n) => format!("s{n}"),
                    BallotStep::Moscow(n) => format!("m{n}"),
                    BallotStep::Value(n) => format!("v{n}"),
                    BallotStep::Effort(n) => format!("e{n}"),
                    BallotStep::AddDot => "+".to_string(),
                    BallotStep::RemoveDot => "-".to_string(),
                    BallotStep::Back => "b".to_string(),
                    BallotStep::Next => "n".to_string(),
                    BallotStep::Submit => "u".to_string(),
                };
                format!("vb:{vote_id}:{at}:{step}")
            }
        };
        debug_assert!(id.len() <= crate::render::limits::CUSTOM_ID);
        id
    }

    /// Parses an id this module made; `None` for anything else.
    pub fn parse(id: &str) -> Option<Self> {
        let parts: Vec<&str> = id.split(':').collect();
        match parts.as_slice() {
            ["vo", "o", vote] => Some(VoteAction::OpenBallot {
                vote_id: vote.parse().ok()?,
            }),
            ["vo", "a", vote] => Some(VoteAction::ApplyResults {
                vote_id: vote.parse().ok()?,
            }),
            ["vb", vote, at, step] => Some(VoteAction::Ballot {
                vote_id: vote.parse().ok()?,
                at: at.parse().ok()?,
                step: parse_step(step)?,
            }),
            _ => None,
        }
    }
}

fn parse_step(raw: &str) -> Option<BallotStep> {
    let rated = |max: u8| -> Option<u8> {
        let n: u8 = raw.get(1..)?.parse().ok()?;
        (n <= max).then_some(n)
    };
    Some(match raw.chars().next()? {
        's' => BallotStep::Score(rated(5).filter(|n| *n >= 1)?),
        'm' => BallotStep::Moscow(rated(3)?),
        'v' => BallotStep::Value(rated(5).filter(|n| *n >= 1)?),
        'e' => BallotStep::Effort(rated(5).filter(|n| *n >= 1)?),
        '+' if raw.len() == 1 => BallotStep::AddDot,
        '-' if raw.len() == 1 => BallotStep::RemoveDot,
        'b' if raw.len() == 1 => BallotStep::Back,
        'n' if raw.len() == 1 => BallotStep::Next,
        'u' if raw.len() == 1 => BallotStep::Submit,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vote_action_survives_a_round_trip_and_fits_discords_limit() {
        let steps = [
            BallotStep::Score(5),
            BallotStep::Moscow(3),
            BallotStep::Value(1),
            BallotStep::Effort(4),
            BallotStep::AddDot,
            BallotStep::RemoveDot,
            BallotStep::Back,
            BallotStep::Next,
            BallotStep::Submit,
        ];
        let mut actions = vec![
            VoteAction::OpenBallot { vote_id: i64::MAX },
            VoteAction::ApplyResults { vote_id: 3 },
        ];
        actions.extend(steps.into_iter().map(|step| VoteAction::Ballot {
            vote_id: i64::MAX,
            at: 24,
            step,
        }));
        for action in actions {
            let id = action.encode();
            assert!(id.len() <= 100, "{id}");
            assert_eq!(VoteAction::parse(&id), Some(action));
        }
    }

    #[test]
    fn foreign_or_mangled_ids_are_not_vote_actions() {
        for id in [
            "",
            "bl:1:0::::",
            "vo:x:1",
            "vo:o:x",
            "vb:1:2:s6",
            "vb:1:2:s0",
            "vb:1:x:n",
            "vb:1:2:nn",
            "vb:1:2:m4",
        ] {
            assert_eq!(VoteAction::parse(id), None, "{id}");
        }
    }
}
