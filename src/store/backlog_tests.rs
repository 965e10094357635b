//! Tests of the backlog page query on a temporary SQLite file.

use super::*;
use crate::store::test_support::{store, story, team, GUILD};

#[tokio::test]
async fn a_deep_page_of_the_plain_backlog_lists_its_stories_in_order_with_places() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    for i in 1..=25 {
        story(&store, &team, &format!("Story {i}"), Some(1)).await;
    }
    let page = store
        .backlog_page(GUILD, team.id, &BacklogFilter::default(), 2, 10)
        .await
        .unwrap();
    let lines: Vec<(i64, Option<i64>)> =
        page.lines.iter().map(|l| (l.number, l.position)).collect();
    assert_eq!(lines, (21..=25).map(|n| (n, Some(n))).collect::<Vec<_>>());
    assert_eq!((page.total_stories, page.total_points), (25, 25));
}

#[tokio::test]
async fn another_guild_gets_an_empty_page_and_zero_totals_for_a_team_it_does_not_own() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    story(&store, &team, "Private", Some(3)).await;
    for filter in [
        BacklogFilter::default(),
        BacklogFilter {
            status: Some(Status::New),
            ..BacklogFilter::default()
        },
    ] {
        let page = store
            .backlog_page(GUILD + 1, team.id, &filter, 0, 10)
            .await
            .unwrap();
        assert!(page.lines.is_empty(), "{filter:?}");
        assert_eq!(
            (page.total_stories, page.total_points),
            (0, 0),
            "{filter:?}"
        );
    }
}

#[tokio::test]
async fn the_backlog_order_index_answers_page_skips_and_place_counts_by_itself() {
    let (store, _dir) = store().await;
    for sql in [
        "SELECT id FROM stories INDEXED BY stories_backlog_order
         WHERE team_id = 1 AND status NOT IN ('done', 'accepted', 'archived')
         ORDER BY rank LIMIT 10 OFFSET 490",
        "SELECT count(*) FROM stories INDEXED BY stories_backlog_order
         WHERE team_id = 1 AND status NOT IN ('done', 'accepted', 'archived') AND rank < x'80'",
    ] {
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                .fetch_all(store.pool())
                .await
                .unwrap();
        assert!(
            plan.iter()
                .any(|(_, _, _, step)| step.contains("COVERING INDEX stories_backlog_order")),
            "{sql}: {plan:?}"
        );
    }
}

#[tokio::test]
async fn a_memory_database_pages_through_the_same_quick_reads() {
    // sqlx shares one in-memory database between its connections by name; the quick reads
    // must open that one, not an empty file of the same name.
    let store = Store::connect("sqlite::memory:").await.unwrap();
    store.migrate().await.unwrap();
    let team = team(&store).await;
    story(&store, &team, "Remembered", Some(2)).await;
    let page = store
        .backlog_page(GUILD, team.id, &BacklogFilter::default(), 0, 10)
        .await
        .unwrap();
    let titles: Vec<&str> = page.lines.iter().map(|l| l.title.as_str()).collect();
    assert_eq!(titles, ["Remembered"]);
    assert_eq!(store.guild_restored_at(GUILD).await.unwrap(), None);
    store.close().await;
}
