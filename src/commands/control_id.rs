//! A custom id Sprintmate put on a button or form, read once per interaction: a card action
//! (`custom_id.rs`), a poker press (`poker_id.rs`) or a vote press (`vote_custom_id.rs`).
//! Dispatch names the interaction's metrics label from it and routes on it; an id of none of
//! these kinds (from an older version, or sent by anyone) reads as `None`.

use super::custom_id::Action;
use super::poker_id::PokerPress;
use super::vote_custom_id::VoteAction;

/// What a button or form of Sprintmate's asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum ControlId {
    Card(Action),
    Poker(PokerPress),
    Vote(VoteAction),
}

impl ControlId {
    /// The first kind that reads `id`, in the order the kinds were made.
    pub fn parse(id: &str) -> Option<Self> {
        if let Some(action) = Action::parse(id) {
            return Some(Self::Card(action));
        }
        if let Some(press) = PokerPress::parse(id) {
            return Some(Self::Poker(press));
        }
        VoteAction::parse(id).map(Self::Vote)
    }
}

/// The metrics label of a control with `custom_id`: its head (`bl`, `pk`, `vo`, ...) when it
/// reads as one of Sprintmate's, else `unknown`, so ids anyone can send cannot grow the label
/// set.
pub fn label<'a>(custom_id: &'a str, read: Option<&ControlId>) -> &'a str {
    match custom_id.split(':').next() {
        Some(head) if read.is_some() => head,
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ids_sprintmate_made_name_their_metrics_label() {
        for (id, expected) in [
            ("sa:1:2", "sa"),
            ("bl:1:0::::", "bl"),
            ("pk:r:1", "pk"),
            ("vo:o:1", "vo"),
            ("vb:1:2:n", "vb"),
            ("abcd:1", "unknown"),
            ("zz", "unknown"),
            ("sa:x", "unknown"),
            ("", "unknown"),
        ] {
            assert_eq!(label(id, ControlId::parse(id).as_ref()), expected, "{id}");
        }
    }

    #[test]
    fn each_kind_of_id_reads_as_its_own_kind() {
        assert!(matches!(
            ControlId::parse("bl:1:0::::"),
            Some(ControlId::Card(Action::BacklogPage { team_id: 1, .. }))
        ));
        assert!(matches!(
            ControlId::parse("pk:r:1"),
            Some(ControlId::Poker(_))
        ));
        assert!(matches!(
            ControlId::parse("vo:o:7"),
            Some(ControlId::Vote(VoteAction::OpenBallot { vote_id: 7 }))
        ));
        assert_eq!(ControlId::parse("zz:1"), None);
    }
}
