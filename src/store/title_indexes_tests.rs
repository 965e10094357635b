//! Tests of big teams' titles in memory, through the store's title search.

use std::sync::Arc;

use super::{TitleIndexes, TitleSearch, Work};
use crate::domain::story::Status;
use crate::store::stories::Story;
use crate::store::teams::Team;
use crate::store::test_support::{found_ids, store, story, team, GUILD, USER};
use crate::store::Store;

/// More stories than the top of the backlog a search reads in order, so that text found only
/// deeper is looked up through the titles in memory.
const BIG: usize = 1_005;

async fn big_team(store: &Store, team: &Team, prefix: &str) {
    for i in 0..BIG {
        story(store, team, &format!("{prefix} step {i}"), None).await;
    }
}

async fn run(store: &Store, sql: &str, id: i64) {
    sqlx::query(sql)
        .bind(id)
        .execute(store.pool())
        .await
        .unwrap();
}

/// A search of the team's titles in memory alone, on a connection borrowed by this thread.
fn search_in_memory(store: &Store, team_id: i64, text: &str, work: Work) -> TitleSearch {
    store
        .quick_read(|connection| {
            store
                .title_indexes
                .search(connection, (GUILD, team_id), &[text], 25, work)
        })
        .unwrap()
}

/// The titles a search found, in order; any other outcome fails the test.
fn titles(found: TitleSearch) -> Vec<String> {
    match found {
        TitleSearch::Found(found) => found.into_iter().map(|s| s.title).collect(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn titles_in_memory_follow_new_stories_and_every_change_made_in_the_database() {
    let (store, _dir) = store().await;
    let core = team(&store).await;
    big_team(&store, &core, "Checkout").await;
    let web = store.create_team(GUILD, "Web", 0).await.unwrap().unwrap();
    let zebra = story(&store, &core, "Zebra crossing", None).await;
    story(&store, &web, "Zebra crossing on the web", None).await;
    assert_eq!(found_ids(&store, core.id, "zebra").await, [zebra.id]);
    assert!(store.title_indexes.holds(GUILD, core.id));

    // Stories added after the titles were read are found at the next search.
    let okapi = story(&store, &core, "Okapi sighting", None).await;
    assert_eq!(found_ids(&store, core.id, "okapi").await, [okapi.id]);

    // A title changed by this process, or by another one on the same file.
    let change = crate::store::stories::StoryChange {
        title: Some(crate::domain::story::StoryTitle::parse("Quagga crossing").unwrap()),
        ..Default::default()
    };
    store.update_story(&zebra, &change, 5).await.unwrap();
    assert!(found_ids(&store, core.id, "zebra").await.is_empty());
    assert_eq!(found_ids(&store, core.id, "quagga").await, [zebra.id]);
    run(
        &store,
        "UPDATE stories SET title = 'Walrus crossing' WHERE id = ?",
        zebra.id,
    )
    .await;
    assert!(found_ids(&store, core.id, "quagga").await.is_empty());
    assert_eq!(found_ids(&store, core.id, "walrus").await, [zebra.id]);

    // The newest story deleted (the bot never deletes one): its id is given out again, below
    // what the titles in memory cover, and the new story is still found.
    run(
        &store,
        "DELETE FROM story_status_changes WHERE story_id = ?",
        okapi.id,
    )
    .await;
    run(&store, "DELETE FROM stories WHERE id = ?", okapi.id).await;
    let narwhal = story(&store, &core, "Narwhal sighting", None).await;
    assert_eq!(narwhal.id, okapi.id);
    assert!(found_ids(&store, core.id, "okapi").await.is_empty());
    assert_eq!(found_ids(&store, core.id, "narwhal").await, [narwhal.id]);

    // A story moved to another team leaves this team's titles.
    run(
        &store,
        &format!("UPDATE stories SET team_id = {} WHERE id = ?", web.id),
        narwhal.id,
    )
    .await;
    assert!(found_ids(&store, core.id, "narwhal").await.is_empty());

    // Another guild sees nothing of the team.
    let elsewhere = store
        .search_stories(GUILD + 1, core.id, "walrus", 25)
        .await
        .unwrap();
    assert!(elsewhere.is_empty());
}

#[tokio::test]
async fn matches_come_open_first_in_backlog_order_then_done_then_archived() {
    let (store, _dir) = store().await;
    let core = team(&store).await;
    big_team(&store, &core, "Checkout").await;
    let close = |story: Story, to: Status| {
        let store = store.clone();
        async move {
            store
                .change_status(&story, to, USER, None, 1)
                .await
                .unwrap()
                .expect("changed");
        }
    };
    let archived = story(&store, &core, "Yak shaving one", None).await;
    let done = story(&store, &core, "Yak shaving two", None).await;
    let open = story(&store, &core, "Yak shaving three", None).await;
    let top = story(&store, &core, "Yak shaving four", None).await;
    close(archived.clone(), Status::Archived).await;
    close(done.clone(), Status::Done).await;
    assert_eq!(
        found_ids(&store, core.id, "shaving").await,
        [open.id, top.id, done.id, archived.id]
    );
    let two = store
        .search_stories(GUILD, core.id, "shaving", 2)
        .await
        .unwrap();
    assert_eq!(two.len(), 2);
}

#[tokio::test]
async fn titles_beyond_the_capacity_are_let_go_and_a_team_too_big_is_scanned() {
    let (mut store, _dir) = store().await;
    store.title_indexes = Arc::new(TitleIndexes::with_capacity(BIG + 100));
    let core = team(&store).await;
    let web = store.create_team(GUILD, "Web", 0).await.unwrap().unwrap();
    big_team(&store, &core, "Checkout").await;
    big_team(&store, &web, "Landing").await;
    let zebra = story(&store, &core, "Zebra crossing", None).await;
    let okapi = story(&store, &web, "Okapi sighting", None).await;

    assert_eq!(found_ids(&store, core.id, "zebra").await, [zebra.id]);
    assert!(store.title_indexes.holds(GUILD, core.id));
    assert_eq!(found_ids(&store, web.id, "okapi").await, [okapi.id]);
    assert!(store.title_indexes.holds(GUILD, web.id));
    assert!(
        !store.title_indexes.holds(GUILD, core.id),
        "used longest ago"
    );

    // Past the capacity on its own: its stories are scanned instead.
    for i in 0..100 {
        story(&store, &web, &format!("Landing extra {i}"), None).await;
    }
    assert_eq!(found_ids(&store, web.id, "okapi").await, [okapi.id]);
    assert!(!store.title_indexes.holds(GUILD, web.id));
}

#[tokio::test]
async fn on_the_calling_thread_a_search_gives_up_on_work_that_is_not_bounded() {
    use super::BOUNDED_ROWS;
    let (store, _dir) = store().await;
    let core = team(&store).await;
    big_team(&store, &core, "Checkout").await;
    let search = |text: &str, work: Work| search_in_memory(&store, core.id, text, work);
    // Nothing held yet: reading every title is not bounded.
    assert!(matches!(
        search("step 1004", Work::Bounded),
        TitleSearch::TooLong
    ));
    assert_eq!(
        titles(search("step 1004", Work::Any)),
        ["Checkout step 1004"]
    );
    assert_eq!(
        titles(search("step 1004", Work::Bounded)),
        ["Checkout step 1004"]
    );
    // Too many matches to fetch.
    assert!(matches!(
        search("checkout", Work::Bounded),
        TitleSearch::TooLong
    ));
    assert_eq!(titles(search("checkout", Work::Any)).len(), 25);
    // A few new stories are read on the way; more are not.
    for i in 0..BOUNDED_ROWS {
        story(&store, &core, &format!("Invoice run {i}"), None).await;
    }
    assert_eq!(titles(search("run 63", Work::Bounded)), ["Invoice run 63"]);
    for i in 0..=BOUNDED_ROWS {
        story(&store, &core, &format!("Refund run {i}"), None).await;
    }
    assert!(matches!(
        search("refund", Work::Bounded),
        TitleSearch::TooLong
    ));
    assert_eq!(titles(search("run 64", Work::Any)), ["Refund run 64"]);
}

#[tokio::test]
async fn searches_of_one_team_read_its_titles_side_by_side() {
    let (store, _dir) = store().await;
    let core = team(&store).await;
    big_team(&store, &core, "Checkout").await;
    let key = (GUILD, core.id);
    let search = |work: Work| search_in_memory(&store, core.id, "step 1004", work);
    assert!(matches!(search(Work::Any), TitleSearch::Found(_)));

    // Another search is reading the titles: this one reads them too, on the calling thread.
    let index = store.title_indexes.index_of(key);
    let reading = index.read().unwrap();
    assert_eq!(titles(search(Work::Bounded))[0], "Checkout step 1004");
    drop(reading);

    // One is changing them: the calling thread does not wait for it.
    let changing = index.write().unwrap();
    assert!(matches!(search(Work::Bounded), TitleSearch::TooLong));
    drop(changing);
}

#[tokio::test]
async fn titles_read_in_a_later_snapshot_answer_an_earlier_one_as_it_was() {
    use super::Search;
    let (store, dir) = store().await;
    let core = team(&store).await;
    big_team(&store, &core, "Checkout").await;
    let key = (GUILD, core.id);
    // A snapshot taken before the zebra is added.
    let earlier = rusqlite::Connection::open(dir.path().join("test.db")).unwrap();
    earlier.execute_batch("BEGIN").unwrap();
    let before: i64 = earlier
        .query_row("SELECT count(*) FROM stories", [], |row| row.get(0))
        .unwrap();
    assert_eq!(before, BIG as i64);
    let zebra = story(&store, &core, "Zebra crossing", None).await;
    assert_eq!(found_ids(&store, core.id, "zebra").await, [zebra.id]);

    let index = store.title_indexes.index_of(key);
    let in_earlier = |word: &str| {
        let search = Search {
            key,
            words: &[word],
            limit: 25,
            capacity: TitleIndexes::CAPACITY_STORIES,
            work: Work::Bounded,
        };
        titles(search.run(&earlier, &index).unwrap().0)
    };
    assert!(in_earlier("zebra").is_empty(), "not in that snapshot yet");
    assert_eq!(in_earlier("step 1004"), ["Checkout step 1004"]);
    earlier.execute_batch("COMMIT").unwrap();
}

#[tokio::test]
async fn a_search_that_panicked_while_changing_the_titles_leaves_them_to_be_read_again_once() {
    let (store, _dir) = store().await;
    let core = team(&store).await;
    big_team(&store, &core, "Checkout").await;
    assert_eq!(found_ids(&store, core.id, "step 1004").await.len(), 1);
    let index = store.title_indexes.index_of((GUILD, core.id));
    let poisoner = Arc::clone(&index);
    std::thread::spawn(move || {
        let _changing = poisoner.write().unwrap();
        panic!("a search panics while it changes the titles");
    })
    .join()
    .unwrap_err();
    assert!(index.is_poisoned());

    assert_eq!(found_ids(&store, core.id, "step 1004").await.len(), 1);
    assert!(!index.is_poisoned(), "read again, and whole from then on");
    assert!(store.title_indexes.holds(GUILD, core.id));
}
