//! Tests of group commit for story inserts, on a temporary SQLite file.

use std::time::Duration;

use super::*;
use crate::store::test_support::{new_story, store, team, GUILD};

/// Waits until `count` inserts are queued behind a held write turn.
async fn until_waiting(store: &Store, count: usize) {
    for _ in 0..500 {
        if store.insert_queue().waiting.len() == count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    panic!("{count} inserts never queued up");
}

/// The titles on the first backlog page of the team, top first.
async fn backlog_titles(store: &Store, team_id: i64) -> Vec<String> {
    let page = store
        .backlog_page(GUILD, team_id, &Default::default(), 0, 100)
        .await
        .unwrap();
    page.lines.into_iter().map(|l| l.title).collect()
}

fn spawn_insert(
    store: &Store,
    team_id: i64,
    guild_id: u64,
    title: &str,
) -> tokio::task::JoinHandle<sqlx::Result<AddedStory>> {
    let store = store.clone();
    let new = new_story(title, None);
    tokio::spawn(async move { store.insert_story(guild_id, team_id, &new, 0).await })
}

#[tokio::test]
async fn inserts_that_wait_for_the_same_turn_commit_in_one_transaction() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let held = store.begin_write().await.unwrap();
    let inserts: Vec<_> = (1..=5)
        .map(|i| spawn_insert(&store, team.id, GUILD, &format!("Story {i}")))
        .collect();
    until_waiting(&store, 5).await;
    drop(held);

    let mut numbers = Vec::new();
    for insert in inserts {
        numbers.push(insert.await.unwrap().unwrap().story.number);
    }
    numbers.sort();
    assert_eq!(numbers, vec![1, 2, 3, 4, 5]);
    assert_eq!(
        store.story_insert_batches(),
        1,
        "one transaction for all five"
    );
    assert_eq!(
        backlog_titles(&store, team.id).await.len(),
        5,
        "all five are in the backlog"
    );
}

#[tokio::test]
async fn a_failing_insert_fails_alone_and_the_rest_of_its_batch_is_written() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let held = store.begin_write().await.unwrap();
    let good_before = spawn_insert(&store, team.id, GUILD, "Before");
    until_waiting(&store, 1).await;
    // The team belongs to another guild from this caller's view: its update finds no row.
    let foreign = spawn_insert(&store, team.id, GUILD + 1, "Foreign");
    until_waiting(&store, 2).await;
    let good_after = spawn_insert(&store, team.id, GUILD, "After");
    until_waiting(&store, 3).await;
    drop(held);

    assert!(foreign.await.unwrap().is_err(), "another guild's team");
    let before = good_before.await.unwrap().unwrap();
    let after = good_after.await.unwrap().unwrap();
    assert_eq!((before.story.number, after.story.number), (1, 2));
    assert_eq!(
        backlog_titles(&store, team.id).await,
        vec!["Before", "After"]
    );
}

#[tokio::test]
async fn an_insert_whose_caller_went_away_before_its_turn_is_never_written() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let held = store.begin_write().await.unwrap();
    let abandoned = spawn_insert(&store, team.id, GUILD, "Abandoned");
    until_waiting(&store, 1).await;
    abandoned.abort();
    let _ = abandoned.await;
    assert_eq!(store.insert_queue().waiting.len(), 0, "withdrawn");
    drop(held);

    let kept = store
        .insert_story(GUILD, team.id, &new_story("Kept", None), 0)
        .await
        .unwrap();
    assert_eq!(kept.story.number, 1, "the abandoned insert took no number");
    assert_eq!(backlog_titles(&store, team.id).await, vec!["Kept"]);
}

#[tokio::test]
async fn more_inserts_than_one_batch_holds_are_all_written() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let held = store.begin_write().await.unwrap();
    let count = MAX_BATCH + 6;
    let inserts: Vec<_> = (0..count)
        .map(|i| spawn_insert(&store, team.id, GUILD, &format!("Story {i}")))
        .collect();
    until_waiting(&store, count).await;
    drop(held);

    for insert in inserts {
        // Without a next turn for the inserts a full batch left behind, this would hang.
        tokio::time::timeout(Duration::from_secs(10), insert)
            .await
            .expect("every insert is answered")
            .unwrap()
            .unwrap();
    }
    assert_eq!(store.story_insert_batches(), 2);
}
