//! The backlog order keys of a backup document: each in the form `domain/rank.rs` writes, and
//! no two open stories of a team on the same key, so `/story rank` can always place a story
//! between two neighbours. Pure.

use std::collections::HashMap;

use super::Problems;
use crate::backup::TeamDoc;
use crate::domain::rank::Rank;
use crate::domain::story::Status;

/// Refuses keys that are not hex or not in the rank form (short, ending in a zero byte, all
/// zeros), and open stories sharing a key, naming the stories.
pub(super) fn check_ranks(at: &str, team: &TeamDoc, problems: &mut Problems) {
    let mut open_by_key: HashMap<Vec<u8>, i64> = HashMap::new();
    for story in &team.stories {
        let here = format!("{at}, story #{}", story.number);
        let bytes = match hex::decode(&story.rank) {
            Ok(bytes) => bytes,
            Err(_) => {
                problems.add(&here, "the rank is not hex");
                continue;
            }
        };
        if let Err(e) = Rank::parse(bytes.clone()) {
            problems.add(&here, format!("{} ({:?})", e.0, story.rank));
            continue;
        }
        // Closed stories may share a key with an open one: earlier versions could give a moved
        // story the key of a finished one, and a real export must import. Open ones may not.
        if !Status::parse(&story.status).is_ok_and(Status::is_open) {
            continue;
        }
        if let Some(first) = open_by_key.insert(bytes, story.number) {
            problems.add(
                &here,
                format!(
                    "the rank is the same as story #{first}'s, and both are open, so nothing could be ranked between them; give one of them another rank"
                ),
            );
        }
    }
}
