//! Reading due outbox rows for some guilds only.

use super::*;
use crate::store::test_support::store;

fn post(guild_id: u64, purpose: &str) -> NewOutboxItem {
    NewOutboxItem {
        guild_id,
        kind: OutboxKind::Post,
        channel_id: 70,
        target_message_id: None,
        purpose: purpose.to_string(),
        body: serde_json::json!({ "content": purpose }),
        attachment: None,
    }
}

#[tokio::test]
async fn due_rows_of_some_guilds_are_picked_before_the_limit_whatever_the_id() {
    let (store, _dir) = store().await;
    // Stored as a negative i64: the filter must match it the same way.
    let past_i64 = (1u64 << 63) + 1;
    for (guild_id, purpose) in [
        (5, "other-1"),
        (5, "other-2"),
        (past_i64, "big"),
        (9, "nine"),
    ] {
        store
            .enqueue_post(&post(guild_id, purpose), 100)
            .await
            .unwrap();
    }
    let purposes = |items: Vec<OutboxItem>| -> Vec<String> {
        items.into_iter().map(|item| item.purpose).collect()
    };
    let picked = store
        .due_outbox_of(Some(&[past_i64, 9]), 100, 2)
        .await
        .unwrap();
    assert_eq!(purposes(picked.clone()), ["big", "nine"]);
    assert_eq!(picked[0].guild_id, past_i64);
    assert!(store
        .due_outbox_of(Some(&[]), 100, 10)
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .due_outbox_of(Some(&[9]), 99, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.due_outbox(100, 10).await.unwrap().len(), 4);
}
