//! Tests of the planning poker store on a temporary SQLite file.

use super::*;
use crate::domain::story::{Criteria, Labels, StoryDetails, StoryKind, StoryTitle};
use crate::store::stories::NewStory;

const GUILD: u64 = 10;
const OTHER_GUILD: u64 = 20;

async fn store_with_story() -> (Store, Story, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("poker.db").display());
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let team = store.ensure_default_team(GUILD, "Core", 0).await.unwrap();
    let new = NewStory {
        title: StoryTitle::parse("Guest checkout").unwrap(),
        details: StoryDetails::parse("").unwrap(),
        kind: StoryKind::default(),
        points: None,
        labels: Labels::default(),
        criteria: Criteria::default(),
        assignee_id: None,
        source_url: None,
        created_by: 1,
    };
    let story = store
        .insert_story(GUILD, team.id, &new, 0)
        .await
        .unwrap()
        .story;
    (store, story, dir)
}

fn cards(votes: &[PokerVote]) -> Vec<(u64, Option<&str>)> {
    votes
        .iter()
        .map(|v| (v.voter_id, v.card.as_deref()))
        .collect()
}

#[tokio::test]
async fn a_second_press_replaces_the_voters_first_card() {
    let (store, story, _dir) = store_with_story().await;
    let round = store
        .start_poker_round(&story, Scale::Fibonacci, 1, 5)
        .await
        .unwrap();
    assert!(store
        .cast_poker_vote(&round, 7, Some("3"), 6)
        .await
        .unwrap());
    assert!(store.cast_poker_vote(&round, 8, None, 6).await.unwrap());
    assert!(store
        .cast_poker_vote(&round, 7, Some("8"), 7)
        .await
        .unwrap());
    let votes = store.poker_votes(&round).await.unwrap();
    assert_eq!(cards(&votes), [(7, Some("8")), (8, None)]);
}

#[tokio::test]
async fn a_revealed_round_takes_no_more_votes_until_a_re_vote_clears_them() {
    let (store, story, _dir) = store_with_story().await;
    let round = store
        .start_poker_round(&story, Scale::Tshirt, 1, 5)
        .await
        .unwrap();
    store
        .cast_poker_vote(&round, 7, Some("M"), 6)
        .await
        .unwrap();
    assert!(store.reveal_poker_round(&round).await.unwrap());
    let revealed = store.poker_round(GUILD, round.id).await.unwrap().unwrap();
    assert_eq!(revealed.status, RoundStatus::Revealed);
    assert!(!store
        .cast_poker_vote(&revealed, 8, Some("L"), 7)
        .await
        .unwrap());
    assert!(!store.reveal_poker_round(&revealed).await.unwrap());

    assert!(store.revote_poker_round(&revealed).await.unwrap());
    let again = store.poker_round(GUILD, round.id).await.unwrap().unwrap();
    assert_eq!((again.status, again.round_number), (RoundStatus::Open, 2));
    assert!(store.poker_votes(&again).await.unwrap().is_empty());
    // A press read before the re-vote does not land in the new round.
    assert!(!store
        .cast_poker_vote(&revealed, 8, Some("L"), 8)
        .await
        .unwrap());
}

#[tokio::test]
async fn accepting_sets_the_story_points_once() {
    let (store, story, _dir) = store_with_story().await;
    let round = store
        .start_poker_round(&story, Scale::Fibonacci, 1, 5)
        .await
        .unwrap();
    let points = Scale::Fibonacci.points_of("5").unwrap();
    // Not before the cards are revealed.
    assert!(!store
        .accept_poker_estimate(&round, "5", points, 1, 6)
        .await
        .unwrap());
    store.reveal_poker_round(&round).await.unwrap();
    let revealed = store.poker_round(GUILD, round.id).await.unwrap().unwrap();
    assert!(store
        .accept_poker_estimate(&revealed, "5", points, 2, 7)
        .await
        .unwrap());
    assert!(!store
        .accept_poker_estimate(&revealed, "8", points, 2, 8)
        .await
        .unwrap());
    let accepted = store.poker_round(GUILD, round.id).await.unwrap().unwrap();
    assert_eq!(accepted.status, RoundStatus::Accepted);
    assert_eq!(
        (accepted.accepted_card.as_deref(), accepted.accepted_by),
        (Some("5"), Some(2))
    );
    let story = store.poker_story(&accepted).await.unwrap().unwrap();
    assert_eq!(story.points, Some(5));
    assert_eq!(store.unfinished_poker_round(&story).await.unwrap(), None);
}

#[tokio::test]
async fn a_new_round_replaces_the_storys_unfinished_one() {
    let (store, story, _dir) = store_with_story().await;
    let first = store
        .start_poker_round(&story, Scale::Fibonacci, 1, 5)
        .await
        .unwrap();
    let second = store
        .start_poker_round(&story, Scale::Powers, 1, 6)
        .await
        .unwrap();
    let first = store.poker_round(GUILD, first.id).await.unwrap().unwrap();
    assert_eq!(first.status, RoundStatus::Replaced);
    let live = store.unfinished_poker_round(&story).await.unwrap().unwrap();
    assert_eq!((live.id, live.scale), (second.id, Scale::Powers));
}

#[tokio::test]
async fn another_guild_cannot_see_a_round() {
    let (store, story, _dir) = store_with_story().await;
    let round = store
        .start_poker_round(&story, Scale::Fibonacci, 1, 5)
        .await
        .unwrap();
    assert_eq!(
        store.poker_round(OTHER_GUILD, round.id).await.unwrap(),
        None
    );
    assert!(store
        .cast_poker_vote(&round, 7, Some("3"), 6)
        .await
        .unwrap());
    let forged = PokerRound {
        guild_id: OTHER_GUILD,
        ..round.clone()
    };
    assert_eq!(store.poker_story(&forged).await.unwrap(), None);
    assert!(store.poker_votes(&forged).await.unwrap().is_empty());
    assert_eq!(
        cards(&store.poker_votes(&round).await.unwrap()),
        [(7, Some("3"))]
    );
}

#[tokio::test]
async fn accepting_for_a_story_archived_after_the_press_was_read_writes_nothing() {
    let (store, story, _dir) = store_with_story().await;
    let round = store
        .start_poker_round(&story, Scale::Fibonacci, 1, 5)
        .await
        .unwrap();
    store.reveal_poker_round(&round).await.unwrap();
    let revealed = store.poker_round(GUILD, round.id).await.unwrap().unwrap();
    store
        .change_status(&story, crate::domain::story::Status::Archived, 1, None, 6)
        .await
        .unwrap()
        .unwrap();
    let points = Scale::Fibonacci.points_of("5").unwrap();
    assert!(!store
        .accept_poker_estimate(&revealed, "5", points, 2, 7)
        .await
        .unwrap());
    let after = store.poker_round(GUILD, round.id).await.unwrap().unwrap();
    assert_eq!(
        after.status,
        RoundStatus::Revealed,
        "the round is untouched"
    );
    let story = store.poker_story(&after).await.unwrap().unwrap();
    assert_eq!(story.points, None);
}
