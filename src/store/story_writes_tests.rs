//! Tests of the batch that adds stories, on a temporary SQLite file.

use super::*;
use crate::domain::story::{Criteria, Labels, Status, StoryDetails};
use crate::store::test_support::{new_story, store, story, team, GUILD, USER};
use crate::store::Store;

/// Writes `batch` as the group commit does: one direct transaction, committed if it worked.
async fn write_in_one_transaction(
    store: &Store,
    batch: &[StoryToWrite],
) -> sqlx::Result<Vec<AddedStory>> {
    let batch = batch.to_vec();
    let turn = store.write_turn().await?;
    store
        .write_directly(
            super::super::write_direct::WriteThread::Blocking,
            turn,
            Vec::new(),
            move |tx| write_stories(tx, &batch),
        )
        .await
}

#[tokio::test]
async fn one_batch_numbers_ranks_and_places_each_teams_stories_and_reads_back_exactly() {
    let (store, _dir) = store().await;
    let core = team(&store).await;
    let other = store
        .ensure_default_team(GUILD + 1, "Other", 0)
        .await
        .unwrap();
    let old = story(&store, &core, "Old", None).await;
    store
        .change_status(&old, Status::Done, USER, None, 1)
        .await
        .unwrap();

    let mut one = new_story("One", Some(3));
    one.labels = Labels::parse("ui, checkout").unwrap();
    one.criteria = Criteria::parse_lines("- card accepted\n- receipt shown").unwrap();
    let uno = new_story("Uno", None);
    let mut two = new_story(r#"Two "quoted" \ 💳"#, None);
    two.details = StoryDetails::parse("nul \0 tab \t line\nend").unwrap();
    let batch = [
        StoryToWrite {
            guild_id: GUILD,
            team_id: core.id,
            new: one.clone(),
            now: 5,
        },
        StoryToWrite {
            guild_id: GUILD + 1,
            team_id: other.id,
            new: uno.clone(),
            now: 5,
        },
        StoryToWrite {
            guild_id: GUILD,
            team_id: core.id,
            new: two.clone(),
            now: 6,
        },
    ];
    let added = write_in_one_transaction(&store, &batch).await.unwrap();

    let numbers: Vec<_> = added
        .iter()
        .map(|a| (a.story.team_id, a.story.number))
        .collect();
    assert_eq!(numbers, [(core.id, 2), (other.id, 1), (core.id, 3)]);
    let positions: Vec<_> = added.iter().map(|a| a.position).collect();
    assert_eq!(positions, [1, 1, 2], "the done story holds no place");
    assert!(old.rank < added[0].story.rank && added[0].story.rank < added[2].story.rank);
    for a in &added {
        let read = store
            .story(a.story.guild_id, a.story.team_id, a.story.number)
            .await
            .unwrap();
        assert_eq!(read.as_ref(), Some(&a.story), "read back as written");
        let place = store.backlog_position(&a.story).await.unwrap();
        assert_eq!(place, Some(a.position), "{}", a.story.title);
    }
    assert_eq!(added[2].story.details, "nul \0 tab \t line\nend");
    assert_eq!(
        (added[0].story.points, added[0].story.created_at),
        (Some(3), 5)
    );
    let extras = store.story_extras(&added[0].story).await.unwrap();
    assert_eq!(extras.labels, one.labels);
    let texts: Vec<_> = extras
        .criteria
        .iter()
        .map(|c| (c.position, c.text.as_str()))
        .collect();
    assert_eq!(texts, [(1, "card accepted"), (2, "receipt shown")]);
    assert!(store
        .story_extras(&added[1].story)
        .await
        .unwrap()
        .labels
        .as_slice()
        .is_empty());
}

#[tokio::test]
async fn a_batch_with_a_team_of_another_guild_writes_nothing() {
    let (store, _dir) = store().await;
    let core = team(&store).await;
    let fine = new_story("Fine", None);
    let batch = [
        StoryToWrite {
            guild_id: GUILD,
            team_id: core.id,
            new: fine.clone(),
            now: 1,
        },
        StoryToWrite {
            guild_id: GUILD + 1,
            team_id: core.id,
            new: fine.clone(),
            now: 1,
        },
    ];
    assert!(write_in_one_transaction(&store, &batch).await.is_err());
    assert_eq!(store.story(GUILD, core.id, 1).await.unwrap(), None);
    let again = store.insert_story(GUILD, core.id, &fine, 2).await.unwrap();
    assert_eq!(
        (again.story.number, again.position),
        (1, 1),
        "no number was used up"
    );
}
