//! Store tests for sprints: one active sprint per team, scope changes, close with carry-over.

use chrono::NaiveDate;

use super::*;
use crate::store::outbox::OutboxKind;
use crate::store::teams::Team;
use crate::store::test_support::{store, story, team, GUILD, USER};

fn two_weeks() -> NewSprint {
    let zone = Timezone::parse("Europe/Berlin").unwrap();
    let start = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    NewSprint {
        name: None,
        goal: Some("Guest checkout".into()),
        span: SprintSpan::new(start, 14, zone).unwrap(),
    }
}

/// The team's two-week sprint, started at 10 by [`USER`].
async fn active_sprint(store: &Store, team: &Team) -> Sprint {
    store
        .start_sprint(GUILD, team.id, &two_weeks(), USER, 10)
        .await
        .unwrap()
        .expect("no sprint was active")
}

#[tokio::test]
async fn a_team_has_one_active_sprint_at_a_time_named_after_its_number() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let first = store
        .start_sprint(GUILD, team.id, &two_weeks(), USER, 10)
        .await
        .unwrap();
    let first = first.expect("the first sprint starts");
    assert_eq!(first.name, "Sprint 1");
    assert_eq!(first.span().days(), 14);
    assert!(store
        .start_sprint(GUILD, team.id, &two_weeks(), USER, 11)
        .await
        .unwrap()
        .is_none());
    let outcome = store
        .close_sprint(&first, SprintFigures::default(), &[], &[], USER, 20)
        .await
        .unwrap();
    assert_eq!(outcome, CloseOutcome::Closed);
    let second = store
        .start_sprint(GUILD, team.id, &two_weeks(), USER, 30)
        .await
        .unwrap();
    assert_eq!(second.unwrap().name, "Sprint 2");
    assert_eq!(
        store.closed_sprints(GUILD, team.id, 6).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn moving_a_story_in_twice_changes_nothing_and_every_move_is_logged() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let sprint = active_sprint(&store, &team).await;
    let s = story(&store, &team, "Pay as guest", Some(3)).await;
    let changed = |outcome| assert_eq!(outcome, MembershipOutcome::Changed);
    changed(
        store
            .change_sprint_membership(&sprint, &s, true, false, USER, 11)
            .await
            .unwrap(),
    );
    assert_eq!(
        store
            .change_sprint_membership(&sprint, &s, true, false, USER, 12)
            .await
            .unwrap(),
        MembershipOutcome::Unchanged
    );
    changed(
        store
            .change_sprint_membership(&sprint, &s, false, true, USER, 13)
            .await
            .unwrap(),
    );
    assert!(!store.is_in_sprint(&sprint, &s).await.unwrap());
    let histories = store.sprint_story_histories(&sprint).await.unwrap();
    assert_eq!(histories.len(), 1);
    assert!(!histories[0].in_sprint);
    assert_eq!(
        histories[0].membership,
        [
            MembershipChange {
                added: true,
                scope_change: false,
                at: 11
            },
            MembershipChange {
                added: false,
                scope_change: true,
                at: 13
            },
        ]
    );
    assert_eq!(histories[0].status_changes, [(Status::New, 0)]);
}

#[tokio::test]
async fn closing_puts_carried_stories_on_top_in_their_order_and_queues_its_posts_once() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let sprint = active_sprint(&store, &team).await;
    let top = story(&store, &team, "Top of the backlog", None).await;
    let a = story(&store, &team, "Carried first", Some(2)).await;
    let b = story(&store, &team, "Carried second", Some(5)).await;
    let post = NewOutboxItem {
        attachment: None,
        guild_id: GUILD,
        kind: OutboxKind::Post,
        channel_id: 9,
        target_message_id: None,
        purpose: format!("sprint-summary:{}", sprint.id),
        body: serde_json::json!({"content": "summary"}),
    };
    let figures = SprintFigures {
        committed_points: 7,
        ..SprintFigures::default()
    };
    let close = |carried: Vec<Story>| {
        let (store, sprint, post) = (store.clone(), sprint.clone(), post.clone());
        async move {
            store
                .close_sprint(&sprint, figures, &carried, &[post], USER, 20)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        close(vec![a.clone(), b.clone()]).await,
        CloseOutcome::Closed
    );
    assert_eq!(
        close(vec![a.clone(), b.clone()]).await,
        CloseOutcome::AlreadyClosed
    );
    let page = store
        .backlog_page(GUILD, team.id, &Default::default(), 0, 10)
        .await
        .unwrap();
    let order: Vec<i64> = page.lines.iter().map(|l| l.id).collect();
    assert_eq!(order, [a.id, b.id, top.id]);
    assert_eq!(store.due_outbox(100, 10).await.unwrap().len(), 1);
    let closed = store.sprint_by_id(GUILD, sprint.id).await.unwrap().unwrap();
    assert!(!closed.active);
    assert_eq!(closed.figures, Some(figures));
}

#[tokio::test]
async fn a_move_read_while_the_sprint_was_active_is_refused_once_it_closed() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let s = story(&store, &team, "Pay as guest", Some(3)).await;
    // Read while active, as `/sprint add` does before it writes.
    let stale = active_sprint(&store, &team).await;
    store
        .close_sprint(&stale, SprintFigures::default(), &[], &[], USER, 20)
        .await
        .unwrap();
    assert_eq!(
        store
            .change_sprint_membership(&stale, &s, true, false, USER, 21)
            .await
            .unwrap(),
        MembershipOutcome::SprintClosed
    );
    assert_eq!(
        store
            .add_stories_to_sprint(&stale, std::slice::from_ref(&s), false, USER, 21)
            .await
            .unwrap(),
        None
    );
    assert!(!store.is_in_sprint(&stale, &s).await.unwrap());
    assert!(store
        .sprint_story_histories(&stale)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn adding_planned_stories_twice_adds_them_once_and_the_old_membership_stays_readable() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let sprint = active_sprint(&store, &team).await;
    let a = story(&store, &team, "Pay as guest", Some(3)).await;
    let b = story(&store, &team, "Save the cart", Some(2)).await;
    let before = store.sprint_membership_version(&sprint).await.unwrap();
    let planned = [a.clone(), b.clone()];
    let added = store
        .add_stories_to_sprint(&sprint, &planned, false, USER, 11)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(added.iter().map(|s| s.id).collect::<Vec<_>>(), [a.id, b.id]);
    let again = store
        .add_stories_to_sprint(&sprint, &planned, false, USER, 12)
        .await
        .unwrap()
        .unwrap();
    assert!(again.is_empty());
    assert!(store
        .sprint_members_at(&sprint, before)
        .await
        .unwrap()
        .is_empty());
    let now = store.sprint_membership_version(&sprint).await.unwrap();
    let members = store.sprint_members_at(&sprint, now).await.unwrap();
    assert_eq!(members, [a.id, b.id].into_iter().collect());
}
