//! What the `/story edit` form was filled with, as one number its custom id carries: a hash of
//! the fields the form writes (title, details, type, points, labels). A submit is refused when
//! the story's fields no longer hash to it, whoever changed them (an edit, poker's Accept, an
//! import), so a form left open never wipes someone else's change. A content hash rather than
//! `updated_at`, which two changes in one second share and which other fields also move.

use super::Story;
use crate::domain::fingerprint::Fingerprint;

/// The hash of a story's editable fields (FNV-1a, 64 bits: fixed, so a form opened before a
/// restart or an upgrade still matches).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FormVersion(pub u64);

impl FormVersion {
    pub fn of(story: &Story, labels: &[String]) -> Self {
        let mut hash = Fingerprint::default();
        hash.field(story.title.as_bytes());
        hash.field(story.details.as_bytes());
        hash.field(story.kind.as_str().as_bytes());
        hash.field(
            story
                .points
                .map(|p| p.to_string())
                .unwrap_or_default()
                .as_bytes(),
        );
        for label in labels {
            hash.field(label.as_bytes());
        }
        Self(hash.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rank::Rank;
    use crate::domain::story::{Status, StoryKind};

    fn story() -> Story {
        Story {
            id: 1,
            guild_id: 2,
            team_id: 3,
            number: 4,
            title: "Title".into(),
            details: "Details".into(),
            kind: StoryKind::Feature,
            status: Status::New,
            points: Some(8),
            assignee_id: None,
            rank: Rank::first(),
            source_url: None,
            created_by: 5,
            created_at: 6,
            updated_at: 7,
        }
    }

    #[test]
    fn every_field_the_form_writes_changes_the_version_and_nothing_else_does() {
        let labels = vec!["a".to_string(), "b".to_string()];
        let base = FormVersion::of(&story(), &labels);
        let changed: [fn(&mut Story); 4] = [
            |s| s.title.push('!'),
            |s| s.details.clear(),
            |s| s.kind = StoryKind::Bug,
            |s| s.points = None,
        ];
        for change in changed {
            let mut s = story();
            change(&mut s);
            assert_ne!(FormVersion::of(&s, &labels), base);
        }
        assert_ne!(FormVersion::of(&story(), &labels[..1]), base);
        assert_ne!(
            FormVersion::of(&story(), &["ab".into()]),
            FormVersion::of(&story(), &["a".into(), "b".into()])
        );
        let mut moved = story();
        moved.status = Status::Done;
        moved.assignee_id = Some(9);
        moved.updated_at = 99;
        assert_eq!(FormVersion::of(&moved, &labels), base);
    }
}
