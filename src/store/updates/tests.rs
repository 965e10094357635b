//! Store tests for stakeholder updates: drafts, publishing once, the weekly schedule.

use super::*;
use crate::domain::story::Status;
use crate::store::outbox::OutboxKind;
use crate::store::test_support::{store, story, team, GUILD, USER};

fn post(purpose: &str) -> NewOutboxItem {
    NewOutboxItem {
        attachment: None,
        guild_id: GUILD,
        kind: OutboxKind::Post,
        channel_id: 9,
        target_message_id: None,
        purpose: purpose.into(),
        body: serde_json::json!({"content": "update"}),
    }
}

fn date(raw: &str) -> NaiveDate {
    raw.parse().unwrap()
}

#[tokio::test]
async fn a_draft_is_published_once_and_a_cancelled_one_never() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let content = serde_json::json!({"content": "draft"});
    let id = store
        .insert_update_draft(&team, 9, &content, USER, 100)
        .await
        .unwrap();
    let draft = store.stakeholder_update(GUILD, id).await.unwrap().unwrap();
    assert_eq!(draft.status, UpdateStatus::Draft);
    assert_eq!(draft.content, content);
    let first = store
        .publish_update_draft(&draft, &post("update:1"), 200)
        .await
        .unwrap();
    let again = store
        .publish_update_draft(&draft, &post("update:1"), 201)
        .await
        .unwrap();
    assert_eq!(
        (first, again),
        (PublishOutcome::Published, PublishOutcome::AlreadyPublished)
    );
    assert_eq!(store.due_outbox(300, 10).await.unwrap().len(), 1);
    // The next update counts from when this one's text was drafted, not from the press.
    assert_eq!(
        store.last_published_content_at(&team).await.unwrap(),
        Some(100)
    );

    let id = store
        .insert_update_draft(&team, 9, &content, USER, 300)
        .await
        .unwrap();
    let other = store.stakeholder_update(GUILD, id).await.unwrap().unwrap();
    assert!(store.cancel_update_draft(&other).await.unwrap());
    let late = store
        .publish_update_draft(&other, &post("update:2"), 301)
        .await
        .unwrap();
    assert_eq!(late, PublishOutcome::Cancelled);
    assert!(store
        .stakeholder_update(GUILD + 1, id)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn shipped_since_lists_stories_finished_after_the_moment_and_still_finished() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let old = story(&store, &team, "Finished long ago", Some(1)).await;
    let new = story(&store, &team, "Finished lately", Some(1)).await;
    let reopened = story(&store, &team, "Reopened", Some(1)).await;
    let walk = |s: Story, at: i64| {
        let store = store.clone();
        async move {
            let s = store
                .change_status(&s, Status::InProgress, USER, None, at)
                .await
                .unwrap()
                .unwrap();
            store
                .change_status(&s, Status::Done, USER, None, at + 1)
                .await
                .unwrap()
                .unwrap()
        }
    };
    walk(old, 10).await;
    walk(new.clone(), 100).await;
    let back = walk(reopened, 100).await;
    store
        .change_status(&back, Status::InProgress, USER, None, 150)
        .await
        .unwrap();
    let shipped = store.shipped_since(&team, 50).await.unwrap();
    assert_eq!(shipped.iter().map(|s| s.id).collect::<Vec<_>>(), [new.id]);
}

#[tokio::test]
async fn a_weekly_date_is_published_once_even_when_asked_twice() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let schedule = UpdateSchedule {
        team_id: team.id,
        guild_id: GUILD,
        channel_id: 9,
        weekday: 0,
        local_time: "09:00".into(),
        timezone: "Europe/Berlin".into(),
        last_published_date: date("2026-02-23"),
    };
    store.set_update_schedule(&schedule, USER, 0).await.unwrap();
    let monday = date("2026-03-02");
    assert!(store
        .publish_weekly_update(&schedule, monday, &post("weekly"), 10)
        .await
        .unwrap());
    assert!(!store
        .publish_weekly_update(&schedule, monday, &post("weekly"), 11)
        .await
        .unwrap());
    let stored = store.update_schedule(&team).await.unwrap().unwrap();
    assert_eq!(stored.last_published_date, monday);
    assert_eq!(store.due_outbox(100, 10).await.unwrap().len(), 1);
    assert_eq!(
        store.last_published_content_at(&team).await.unwrap(),
        Some(10)
    );
    assert!(store.remove_update_schedule(&team).await.unwrap());
    assert!(store.all_update_schedules().await.unwrap().is_empty());
}
