//! Tests of story search (autocomplete) on a temporary SQLite file.

use crate::domain::story::Status;
use crate::store::stories::StoryChange;
use crate::store::test_support::{found_ids, store, story, team, GUILD, USER};
use crate::store::title_indexes::TitleIndexes;
use crate::store::Store;

#[tokio::test]
async fn title_search_lists_open_stories_in_backlog_order_before_closed_ones() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let first = story(&store, &team, "Export invoices", None).await;
    story(&store, &team, "Import invoices", None).await;
    story(&store, &team, "Show the cart", None).await;
    store
        .change_status(&first, Status::Done, USER, None, 1)
        .await
        .unwrap()
        .expect("closed");
    let found = store
        .search_stories(GUILD, team.id, "INVO", 25)
        .await
        .unwrap();
    let titles: Vec<&str> = found.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Import invoices", "Export invoices"]);
    let limited = store
        .search_stories(GUILD, team.id, "invo", 1)
        .await
        .unwrap();
    assert_eq!(limited.len(), 1);
    assert!(store
        .search_stories(GUILD + 1, team.id, "invo", 25)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn text_only_a_story_deep_in_a_big_backlog_has_is_found_through_the_titles_in_memory() {
    let (store, _dir) = store().await;
    let team_id = text_only_a_story_deep_in_a_big_backlog_has_is_found(&store).await;
    assert!(store.title_indexes.holds(GUILD, team_id));
}

#[tokio::test]
async fn text_only_a_story_deep_in_a_big_backlog_has_is_found_by_a_scan_when_not_held() {
    let (store, _dir) = store_without_titles_in_memory().await;
    let team_id = text_only_a_story_deep_in_a_big_backlog_has_is_found(&store).await;
    assert!(!store.title_indexes.holds(GUILD, team_id));
}

/// A store that holds no team's titles in memory, so big teams' title searches scan, as a team
/// too big to hold does.
async fn store_without_titles_in_memory() -> (Store, tempfile::TempDir) {
    let (mut store, dir) = store().await;
    store.title_indexes = std::sync::Arc::new(TitleIndexes::with_capacity(0));
    (store, dir)
}

/// Runs the searches in the team it makes, and gives back its id.
async fn text_only_a_story_deep_in_a_big_backlog_has_is_found(store: &Store) -> i64 {
    let team = team(store).await;
    for i in 0..super::TITLE_SCAN_BUDGET + 5 {
        story(store, &team, &format!("Checkout step {i}"), None).await;
    }
    let deep = story(store, &team, "Zebra crossing for guests", None).await;

    assert_eq!(found_ids(store, team.id, "ZEBRA cross").await, [deep.id]);

    // A story added at the bottom of a backlog longer than the remembered top leaves the top
    // remembered, and is found like any deep story.
    let added = story(store, &team, "Okapi sighting", None).await;
    assert!(store.open_titles.get(GUILD, team.id).is_some());
    assert_eq!(found_ids(store, team.id, "okapi").await, [added.id]);

    // Two-letter words cannot use the titles in memory and still find it by scanning.
    let short = store
        .search_stories(GUILD, team.id, "ze cr", 25)
        .await
        .unwrap();
    assert_eq!(short.iter().map(|s| s.id).collect::<Vec<_>>(), [deep.id]);

    let renamed = retitle("Quagga crossing");
    store.update_story(&deep, &renamed, 5).await.unwrap();
    assert!(store
        .search_stories(GUILD, team.id, "zebra", 25)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store
            .search_stories(GUILD, team.id, "quagga", 25)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(store
        .search_stories(GUILD + 1, team.id, "quagga", 25)
        .await
        .unwrap()
        .is_empty());
    // A common word fills the list from the top of the backlog, in order.
    let common = store
        .search_stories(GUILD, team.id, "checkout", 3)
        .await
        .unwrap();
    let titles: Vec<&str> = common.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Checkout step 0", "Checkout step 1", "Checkout step 2"]
    );
    // A quote in the typed text is text, not syntax.
    assert!(store
        .search_stories(GUILD, team.id, "\"zeb", 25)
        .await
        .unwrap()
        .is_empty());

    // The case of letters beyond ASCII folds deep in the backlog as at its top, for long words
    // and for short words, which scan.
    let screen = story(store, &team, "Écran de connexion", None).await;
    assert_eq!(found_ids(store, team.id, "écran").await, [screen.id]);
    assert_eq!(found_ids(store, team.id, "éc de").await, [screen.id]);
    assert!(found_ids(store, team.id, "ecran").await.is_empty());
    team.id
}

#[tokio::test]
async fn closed_stories_of_a_small_team_fold_the_case_of_every_letter() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let screen = story(&store, &team, "Écran de connexion", None).await;
    story(&store, &team, "Écrire la doc", None).await;
    let scran = story(&store, &team, "Scran de tests", None).await;
    for closed in [&screen, &scran] {
        store
            .change_status(closed, Status::Done, USER, None, 1)
            .await
            .unwrap()
            .expect("closed");
    }
    // `LIKE` folds ASCII only: the scan of closed stories must find it all the same, and
    // only it (`_` for `é` also lets "Scran" through SQL, which is then turned away).
    assert_eq!(found_ids(&store, team.id, "écran de").await, [screen.id]);
    assert_eq!(found_ids(&store, team.id, "ÉCRAN DE").await, [screen.id]);
    let limited = store
        .search_stories(GUILD, team.id, "écr", 1)
        .await
        .unwrap();
    assert_eq!(limited.len(), 1);
}

#[tokio::test]
async fn a_small_team_s_search_scans_its_own_stories_and_holds_none_in_memory() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let first = story(&store, &team, "Export invoices", None).await;
    store
        .change_status(&first, Status::Done, USER, None, 1)
        .await
        .unwrap()
        .expect("closed");
    assert_eq!(found_ids(&store, team.id, "invoices").await, [first.id]);
    assert!(!store.title_indexes.holds(GUILD, team.id));
}

#[tokio::test]
async fn like_wildcards_typed_in_a_search_are_plain_text() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    story(&store, &team, "Discount of 100% on day one", None).await;
    story(&store, &team, "Rename user_name to handle", None).await;
    story(&store, &team, "Username shown twice", None).await;
    story(&store, &team, "Path C:\\Users breaks export", None).await;

    let titles = |found: Vec<super::StoryMatch>| -> Vec<String> {
        found.into_iter().map(|m| m.title).collect()
    };
    assert_eq!(
        titles(
            store
                .search_stories(GUILD, team.id, "0%", 25)
                .await
                .unwrap()
        ),
        ["Discount of 100% on day one"]
    );
    // `_` would match any one character ("Username"), `%` anything.
    assert_eq!(
        titles(
            store
                .search_stories(GUILD, team.id, "user_", 25)
                .await
                .unwrap()
        ),
        ["Rename user_name to handle"]
    );
    assert!(store
        .search_stories(GUILD, team.id, "%%", 25)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        titles(
            store
                .search_stories(GUILD, team.id, "c:\\us", 25)
                .await
                .unwrap()
        ),
        ["Path C:\\Users breaks export"]
    );
}

#[tokio::test]
async fn a_team_too_big_to_hold_is_scanned_past_its_top_open_stories_first() {
    let (store, _dir) = store_without_titles_in_memory().await;
    let team = team(&store).await;
    let budget = super::TITLE_SCAN_BUDGET;
    // A closed story at the top does not count against the top's budget, and comes last.
    let closed = story(&store, &team, "Zebra crossing, closed", None).await;
    store
        .change_status(&closed, Status::Done, USER, None, 1)
        .await
        .unwrap()
        .expect("closed");
    for i in 1..budget {
        story(&store, &team, &format!("Checkout step {i}"), None).await;
    }
    let last_in_top = story(&store, &team, "Zebra crossing at the edge", None).await;
    let past_top = story(&store, &team, "Zebra crossing past it", None).await;
    assert_eq!(
        found_ids(&store, team.id, "zebra").await,
        [last_in_top.id, past_top.id, closed.id]
    );
    assert!(!store.title_indexes.holds(GUILD, team.id));
    // No index on disk is left to ask (migration 0018).
    let left: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_schema
         WHERE name LIKE 'story_title_search%' OR name LIKE 'story_title_index%'",
    )
    .fetch_one(store.reads())
    .await
    .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn a_change_to_a_team_s_stories_is_seen_by_its_next_search_and_other_teams_stay_remembered() {
    let (store, _dir) = store().await;
    let core = team(&store).await;
    let web = store
        .create_team(GUILD, "Web", 0)
        .await
        .unwrap()
        .expect("a new team");
    let first = story(&store, &core, "Export invoices", None).await;
    let second = story(&store, &core, "Import invoices", None).await;
    story(&store, &web, "Invoices page", None).await;
    let search = |team_id: i64, text: &'static str| {
        let store = store.clone();
        async move {
            store
                .search_stories(GUILD, team_id, text, 25)
                .await
                .unwrap()
                .into_iter()
                .map(|m| m.title)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        search(core.id, "invoices").await,
        ["Export invoices", "Import invoices"]
    );
    assert_eq!(search(web.id, "invoices").await, ["Invoices page"]);

    // Each kind of change, then the next search: the changed team is read again, and the
    // other team's list is still remembered (the change named its team).
    story(&store, &core, "Refund invoices", None).await;
    assert_eq!(
        search(core.id, "invoices").await,
        ["Export invoices", "Import invoices", "Refund invoices"]
    );
    let renamed = retitle("Export bills");
    let first = store.update_story(&first, &renamed, 2).await.unwrap();
    assert_eq!(
        search(core.id, "invoices").await,
        ["Import invoices", "Refund invoices"]
    );
    store.move_to_position(&second, 3).await.unwrap();
    assert_eq!(
        search(core.id, "invoices").await,
        ["Refund invoices", "Import invoices"]
    );
    store
        .change_status(&first, Status::Done, USER, None, 3)
        .await
        .unwrap()
        .expect("closed");
    assert_eq!(search(core.id, "export").await, ["Export bills"]);
    assert_eq!(
        search(core.id, "").await,
        ["Refund invoices", "Import invoices", "Export bills"],
        "a closed story leaves the open top for the closed ones after it"
    );
    assert!(
        store.open_titles.get(GUILD, web.id).is_some(),
        "the other team was not forgotten"
    );
}

#[tokio::test]
async fn a_story_written_without_naming_its_team_makes_every_team_be_read_again() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let written = story(&store, &team, "Export invoices", None).await;
    assert_eq!(
        store
            .search_stories(GUILD, team.id, "invoices", 25)
            .await
            .unwrap()
            .len(),
        1
    );

    // A transaction that changes a story but is abandoned changes nothing.
    let mut abandoned = store.begin_write().await.unwrap();
    sqlx::query("UPDATE stories SET title = 'Gone' WHERE id = ?")
        .bind(written.id)
        .execute(&mut *abandoned)
        .await
        .unwrap();
    drop(abandoned);
    let found = store
        .search_stories(GUILD, team.id, "invoices", 25)
        .await
        .unwrap();
    assert_eq!(found[0].title, "Export invoices");

    // One that commits without `changes_stories_of` is caught by the update hook.
    let mut tx = store.begin_write().await.unwrap();
    sqlx::query("UPDATE stories SET title = 'Export receipts' WHERE id = ?")
        .bind(written.id)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(store
        .search_stories(GUILD, team.id, "invoices", 25)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store
            .search_stories(GUILD, team.id, "receipts", 25)
            .await
            .unwrap()
            .len(),
        1
    );
}

/// A change that gives a story a new title.
fn retitle(title: &str) -> StoryChange {
    StoryChange {
        title: Some(crate::domain::story::StoryTitle::parse(title).unwrap()),
        ..StoryChange::default()
    }
}
