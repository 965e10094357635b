//! An export keeps the order the app shows things in: a story's labels as typed, and a poker
//! round's votes as first cast, through an import and a second export.

use super::seed::seed;
use super::{fresh, RESTORED_AT};
use crate::domain::poker::Scale;
use crate::domain::story::Labels;
use crate::store::test_support::{new_story, team, GUILD, USER};

#[tokio::test]
async fn labels_and_poker_votes_keep_the_order_the_cards_show_through_an_import() {
    let (source, _a) = crate::store::test_support::store().await;
    seed(&source).await;
    let core = team(&source).await;
    let mut new = new_story("Refunds", None);
    new.labels = Labels::parse("ui, checkout, api").unwrap();
    let story = source
        .insert_story(GUILD, core.id, &new, 80)
        .await
        .unwrap()
        .story;
    let round = source
        .start_poker_round(&story, Scale::Fibonacci, USER, 81)
        .await
        .unwrap();
    source
        .cast_poker_vote(&round, 12, Some("8"), 82)
        .await
        .unwrap();
    source
        .cast_poker_vote(&round, 11, Some("3"), 83)
        .await
        .unwrap();

    let document = source.export_guild(GUILD, None, 1000).await.unwrap();
    let exported = document.teams[0].stories.last().unwrap();
    assert_eq!(exported.labels, ["ui", "checkout", "api"]);
    let voters: Vec<u64> = document.teams[0].poker_rounds[1]
        .votes
        .iter()
        .map(|v| v.voter_id.0)
        .collect();
    assert_eq!(voters, [12, 11]);

    let (target, _b) = fresh().await;
    target
        .import_document(&document, RESTORED_AT)
        .await
        .unwrap();
    let again = target.export_guild(GUILD, None, 1000).await.unwrap();
    assert_eq!(again, document);
    let imported = target
        .story(GUILD, team(&target).await.id, exported.number)
        .await
        .unwrap()
        .unwrap();
    let extras = target.story_extras(&imported).await.unwrap();
    assert_eq!(extras.labels.as_slice(), ["ui", "checkout", "api"]);
    let round = target
        .unfinished_poker_round(&imported)
        .await
        .unwrap()
        .unwrap();
    let shown: Vec<u64> = target
        .poker_votes(&round)
        .await
        .unwrap()
        .iter()
        .map(|v| v.voter_id)
        .collect();
    assert_eq!(shown, [12, 11]);
}
