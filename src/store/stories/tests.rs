//! The backlog totals the triggers of migration 0009 keep, against a count of the rows.

use crate::domain::story::{Points, Status};
use crate::store::backlog::BacklogFilter;
use crate::store::stories::StoryChange;
use crate::store::test_support::{store, story, team, GUILD, USER};
use crate::store::Store;

/// The open stories and points of a team as `/backlog` shows them: the kept totals.
async fn kept(store: &Store, guild_id: u64, team_id: i64) -> (i64, i64) {
    let page = store
        .backlog_page(guild_id, team_id, &BacklogFilter::default(), 0, 1)
        .await
        .unwrap();
    (page.total_stories, page.total_points)
}

/// The open stories and points of a team, counted the slow way.
async fn counted(store: &Store, team_id: i64) -> (i64, i64) {
    sqlx::query_as(
        "SELECT count(*), coalesce(sum(points), 0) FROM stories
         WHERE team_id = ? AND status NOT IN ('done', 'accepted', 'archived')",
    )
    .bind(team_id)
    .fetch_one(store.pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn the_kept_totals_follow_adds_status_changes_and_new_points() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    assert_eq!(kept(&store, GUILD, team.id).await, (0, 0));

    let a = story(&store, &team, "A", Some(3)).await;
    let b = story(&store, &team, "B", Some(5)).await;
    story(&store, &team, "C", None).await;
    assert_eq!(kept(&store, GUILD, team.id).await, (3, 8));

    let done = store
        .change_status(&a, Status::Done, USER, None, 1)
        .await
        .unwrap()
        .expect("the status changes");
    assert_eq!(kept(&store, GUILD, team.id).await, (2, 5));

    let change = StoryChange {
        points: Some(Some(Points::parse(8).unwrap())),
        ..StoryChange::default()
    };
    store.update_story(&b, &change, 2).await.unwrap();
    assert_eq!(kept(&store, GUILD, team.id).await, (2, 8));

    store
        .change_status(&done, Status::InProgress, USER, None, 3)
        .await
        .unwrap()
        .expect("reopened");
    let kept = kept(&store, GUILD, team.id).await;
    assert_eq!(kept, (3, 11));
    assert_eq!(kept, counted(&store, team.id).await);
}

#[tokio::test]
async fn another_guild_reads_zeros_for_a_team_it_does_not_own() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    story(&store, &team, "A", Some(3)).await;
    assert_eq!(kept(&store, GUILD + 1, team.id).await, (0, 0));
}

#[tokio::test]
async fn positions_are_exact_at_the_top_the_bottom_and_deep_in_a_big_backlog() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let count = 2 * super::POSITION_COUNT_CAP + 10;
    let mut stories = Vec::new();
    for i in 0..count {
        stories.push(story(&store, &team, &format!("Story {i}"), None).await);
    }
    // One closed story near the top: everything below it moves up by one.
    store
        .change_status(&stories[3], Status::Done, USER, None, 1)
        .await
        .unwrap()
        .expect("closed");
    let middle = (count / 2) as usize;
    for (index, expected) in [
        (0, Some(1)),
        (3, None),
        (10, Some(10)),
        (middle, Some(middle as i64)),
        (count as usize - 1, Some(count - 1)),
    ] {
        let story = store
            .story(GUILD, team.id, stories[index].number)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            store.backlog_position(&story).await.unwrap(),
            expected,
            "story at index {index}"
        );
    }
}

#[tokio::test]
async fn a_new_story_starts_its_history_as_new_by_its_author() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let added = story(&store, &team, "A", None).await;
    let history: Vec<(Option<String>, String, i64)> = sqlx::query_as(
        "SELECT from_status, to_status, changed_by FROM story_status_changes WHERE story_id = ?",
    )
    .bind(added.id)
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(history, [(None, "new".to_string(), USER as i64)]);
}
