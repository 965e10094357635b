//! Tests of the plain backlog's pages and their remembered starts, on a temporary SQLite file.

use super::*;
use crate::domain::story::Status;
use crate::store::backlog::BacklogFilter;
use crate::store::stories::Story;
use crate::store::test_support::{store, story, team, GUILD, USER};

/// Story numbers of a page, as `/backlog` reads it.
async fn page_numbers(store: &Store, team_id: i64, page: i64) -> Vec<i64> {
    store
        .backlog_page(GUILD, team_id, &BacklogFilter::default(), page, 10)
        .await
        .unwrap()
        .lines
        .iter()
        .map(|line| line.number)
        .collect()
}

/// The same page, counted out with `OFFSET` over the table itself.
async fn expected_numbers(store: &Store, team_id: i64, page: i64) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT number FROM stories
         WHERE team_id = ? AND status NOT IN ('done', 'accepted', 'archived')
         ORDER BY rank, status, id LIMIT 10 OFFSET ?",
    )
    .bind(team_id)
    .bind(page * 10)
    .fetch_all(store.pool())
    .await
    .unwrap()
}

async fn order_changes(store: &Store, team_id: i64) -> i64 {
    sqlx::query_scalar("SELECT order_changes FROM backlog_totals WHERE team_id = ?")
        .bind(team_id)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

async fn stories(store: &Store, team_id: i64, count: usize) -> Vec<Story> {
    let team = store.team_by_id(GUILD, team_id).await.unwrap().unwrap();
    let mut added = Vec::new();
    for i in 1..=count {
        added.push(story(store, &team, &format!("Story {i}"), Some(1)).await);
    }
    added
}

#[tokio::test]
async fn pressing_next_page_after_page_reads_each_from_where_the_last_one_ended() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    stories(&store, team.id, 35).await;
    for page in 0..4 {
        assert_eq!(
            page_numbers(&store, team.id, page).await,
            expected_numbers(&store, team.id, page).await,
            "page {page}"
        );
        let next = (page + 1) * 10;
        assert_eq!(
            store.page_starts.holds((GUILD, team.id), next),
            next < 35,
            "the start of the page after {page}"
        );
    }
}

#[tokio::test]
async fn a_page_is_read_from_its_remembered_start_only_while_the_order_is_unchanged() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let added = stories(&store, team.id, 30).await;
    let changes = order_changes(&store, team.id).await;
    // Plant a start that is not the true one, to see which one the read follows.
    let key = (GUILD, team.id);
    let rank_of_15 = added[14].rank.as_bytes().to_vec();
    store.page_starts.put(key, 10, changes, rank_of_15);
    let from_15: Vec<i64> = (15..=24).collect();
    assert_eq!(page_numbers(&store, team.id, 1).await, from_15);

    // Any change to the order retires it: the page is counted out again.
    store.move_to_position(&added[29], 1).await.unwrap();
    assert_eq!(
        page_numbers(&store, team.id, 1).await,
        expected_numbers(&store, team.id, 1).await
    );
    assert_eq!(
        page_numbers(&store, team.id, 1).await,
        (10..=19).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_change_committed_by_another_connection_is_seen_by_the_next_page() {
    let (store, dir) = store().await;
    let team = team(&store).await;
    stories(&store, team.id, 30).await;
    page_numbers(&store, team.id, 0).await;
    page_numbers(&store, team.id, 1).await;
    assert!(store.page_starts.holds((GUILD, team.id), 10));

    // As another process on the same file would: this store hears nothing of it.
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let other = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::query("UPDATE stories SET rank = x'FF' WHERE team_id = ? AND number = 3")
        .bind(team.id)
        .execute(&other)
        .await
        .unwrap();
    other.close().await;

    let page = page_numbers(&store, team.id, 1).await;
    assert_eq!(page, expected_numbers(&store, team.id, 1).await);
    assert_eq!(page, (12..=21).collect::<Vec<_>>());
}

#[tokio::test]
async fn the_order_count_follows_every_change_that_moves_a_place_and_no_other() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let added = stories(&store, team.id, 5).await;
    let count = || order_changes(&store, team.id);
    let mut expected = count().await;
    let run = |sql: &'static str| {
        let store = store.clone();
        async move {
            sqlx::query(sql).execute(store.pool()).await.unwrap();
        }
    };

    // Not the order: a story added at the bottom, a title, an open status to another.
    stories(&store, team.id, 1).await;
    run("UPDATE stories SET title = 'Renamed' WHERE number = 2").await;
    let story_2 = store.story(GUILD, team.id, 2).await.unwrap().unwrap();
    store
        .change_status(&story_2, Status::Ready, USER, None, 0)
        .await
        .unwrap();
    assert_eq!(count().await, expected, "nothing moved");

    // The order: a move, a close, a reopen, a deletion, a story added above another, another
    // added with a rank tied to the bottom one, a story moved to another team.
    store.move_to_position(&added[4], 1).await.unwrap();
    expected += 1;
    assert_eq!(count().await, expected, "a move");
    let story_1 = store.story(GUILD, team.id, 1).await.unwrap().unwrap();
    let done = store
        .change_status(&story_1, Status::Done, USER, None, 0)
        .await
        .unwrap()
        .unwrap();
    expected += 1;
    assert_eq!(count().await, expected, "a close");
    store
        .change_status(&done, Status::New, USER, None, 0)
        .await
        .unwrap();
    expected += 1;
    assert_eq!(count().await, expected, "a reopen");
    run("DELETE FROM story_status_changes
         WHERE story_id = (SELECT id FROM stories WHERE number = 2)")
    .await;
    assert_eq!(count().await, expected, "history is not the order");
    run("DELETE FROM stories WHERE number = 2").await;
    expected += 1;
    assert_eq!(count().await, expected, "a deletion");
    for (what, sql) in [
        (
            "added above",
            "INSERT INTO stories (guild_id, team_id, number, title, kind, status, rank,
                                  created_by, created_at, updated_at)
             SELECT guild_id, team_id, 100, 'Above', 'feature', 'new', x'00', 1, 0, 0
             FROM stories WHERE number = 3",
        ),
        (
            "added tied with the bottom",
            "INSERT INTO stories (guild_id, team_id, number, title, kind, status, rank,
                                  created_by, created_at, updated_at)
             SELECT guild_id, team_id, 101, 'Tied', 'feature', 'new', rank, 1, 0, 0
             FROM stories WHERE number = 6",
        ),
    ] {
        run(sql).await;
        expected += 1;
        assert_eq!(count().await, expected, "{what}");
    }
    let other_team = store
        .create_team(GUILD, "Other", 0)
        .await
        .unwrap()
        .expect("a second team");
    let before_other = order_changes(&store, other_team.id).await;
    sqlx::query("UPDATE stories SET team_id = ? WHERE number = 3")
        .bind(other_team.id)
        .execute(store.pool())
        .await
        .unwrap();
    assert_eq!(count().await, expected + 1, "a story leaving the team");
    assert_eq!(
        order_changes(&store, other_team.id).await,
        before_other + 1,
        "a story joining the team"
    );
}

#[tokio::test]
async fn a_start_is_not_kept_where_two_stories_tie_in_rank() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    stories(&store, team.id, 25).await;
    // Stories 10 and 11 (offsets 9 and 10) share a rank.
    sqlx::query(
        "UPDATE stories SET rank = (SELECT rank FROM stories WHERE team_id = ?1 AND number = 10)
         WHERE team_id = ?1 AND number = 11",
    )
    .bind(team.id)
    .execute(store.pool())
    .await
    .unwrap();
    assert_eq!(
        page_numbers(&store, team.id, 0).await,
        expected_numbers(&store, team.id, 0).await
    );
    assert!(!store.page_starts.holds((GUILD, team.id), 10));
    assert_eq!(
        page_numbers(&store, team.id, 1).await,
        expected_numbers(&store, team.id, 1).await
    );
}

#[tokio::test]
async fn a_page_deeper_than_the_calling_thread_may_skip_is_read_off_it_and_remembered() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let total = SKIP_ON_CALLING_THREAD + 25;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?3)
         INSERT INTO stories (guild_id, team_id, number, title, kind, status, rank,
                              created_by, created_at, updated_at)
         SELECT ?1, ?2, i, 'Story ' || i, 'feature', 'new',
                CAST(printf('%08d', i) AS BLOB), 1, 0, 0 FROM n",
    )
    .bind(db_id(GUILD))
    .bind(team.id)
    .bind(total)
    .execute(store.pool())
    .await
    .unwrap();
    let deep = (SKIP_ON_CALLING_THREAD + 10) / 10;
    let key = (GUILD, team.id);
    assert!(!store.page_starts.holds(key, deep * 10));
    let first_read = page_numbers(&store, team.id, deep).await;
    assert_eq!(first_read, expected_numbers(&store, team.id, deep).await);
    assert_eq!(first_read.first(), Some(&(deep * 10 + 1)));
    assert!(store.page_starts.holds(key, deep * 10), "its own start");
    assert!(
        store.page_starts.holds(key, deep * 10 + 10),
        "the next page's"
    );
    assert_eq!(page_numbers(&store, team.id, deep).await, first_read);
}

#[tokio::test]
async fn another_guild_reads_nothing_and_remembers_nothing() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    stories(&store, team.id, 15).await;
    let page = store
        .backlog_page(GUILD + 1, team.id, &BacklogFilter::default(), 0, 10)
        .await
        .unwrap();
    assert!(page.lines.is_empty());
    assert_eq!((page.total_stories, page.total_points), (0, 0));
    assert!(!store.page_starts.holds((GUILD + 1, team.id), 10));
}
