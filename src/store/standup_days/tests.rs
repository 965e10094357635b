//! The stand-up tables against a real SQLite file.

use chrono::NaiveDate;

use super::*;
use crate::domain::schedule::AwayRange;
use crate::store::standups::ScheduleSetup;
use crate::store::test_support::workdays_schedule;

fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
}

async fn store_with_team() -> (Store, Team, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let team = store.ensure_default_team(7, "Core", 0).await.unwrap();
    (store, team, dir)
}

fn new_day(team: &Team, date: NaiveDate) -> NewDay {
    NewDay {
        team_id: team.id,
        guild_id: team.guild_id,
        date,
        channel_id: 5,
        opened_at: 100,
        remind_at: Some(200),
        close_at: 300,
    }
}

fn text(today: &str) -> AnswerText {
    AnswerText {
        yesterday: "y".into(),
        today: today.into(),
        blockers: String::new(),
    }
}

#[tokio::test]
async fn a_day_opens_once_however_often_it_is_asked() {
    let (store, team, _dir) = store_with_team().await;
    let mut conn = store.pool().acquire().await.unwrap();

    let first = insert_open_day(&mut conn, &new_day(&team, d(2)))
        .await
        .unwrap();
    let second = insert_open_day(&mut conn, &new_day(&team, d(2)))
        .await
        .unwrap();
    let skipped = insert_skipped_day(&mut conn, &new_day(&team, d(2)))
        .await
        .unwrap();

    assert!(first.is_some());
    assert_eq!(second, None);
    assert!(!skipped);
    let day = store.standup_day(&team, d(2)).await.unwrap().unwrap();
    assert_eq!(day.status, DayStatus::Open);
}

#[tokio::test]
async fn an_edited_answer_updates_its_row_and_is_pending_again() {
    let (store, team, _dir) = store_with_team().await;
    let mut conn = store.pool().acquire().await.unwrap();
    insert_open_day(&mut conn, &new_day(&team, d(2)))
        .await
        .unwrap();
    let day = store.standup_day(&team, d(2)).await.unwrap().unwrap();

    assert_eq!(
        store.save_answer(&day, 9, &text("a"), 150).await.unwrap(),
        AnswerSaved::New
    );
    assert!(claim_answer_post(&mut conn, day.id, 9, 150).await.unwrap());
    assert_eq!(
        store.save_answer(&day, 9, &text("b"), 150).await.unwrap(),
        AnswerSaved::Edited
    );

    let answers = store.answers(day.id).await.unwrap();
    assert_eq!(answers.len(), 1);
    let answer = &answers[0];
    assert_eq!((answer.today.as_str(), answer.answered_at), ("b", 150));
    assert!(answer.post_pending);
    // Same second, new version: the claim of the old version no longer matches.
    assert_eq!(answer.updated_at, 151);
    assert!(!claim_answer_post(&mut conn, day.id, 9, 150).await.unwrap());
    assert!(claim_answer_post(&mut conn, day.id, 9, 151).await.unwrap());
}

#[tokio::test]
async fn a_late_answer_marks_the_summary_of_a_closed_day_for_an_edit() {
    let (store, team, _dir) = store_with_team().await;
    let mut conn = store.pool().acquire().await.unwrap();
    let id = insert_open_day(&mut conn, &new_day(&team, d(2)))
        .await
        .unwrap()
        .unwrap();
    assert!(close_day(&mut conn, id, 300).await.unwrap());
    assert!(!close_day(&mut conn, id, 301).await.unwrap());
    let day = store.standup_day(&team, d(2)).await.unwrap().unwrap();

    store
        .save_answer(&day, 9, &text("late"), 400)
        .await
        .unwrap();

    assert!(
        store
            .standup_day(&team, d(2))
            .await
            .unwrap()
            .unwrap()
            .summary_stale
    );
    assert!(claim_summary_edit(&mut conn, id).await.unwrap());
    assert!(!claim_summary_edit(&mut conn, id).await.unwrap());
}

#[tokio::test]
async fn saving_a_schedule_again_never_moves_its_progress_back() {
    let (store, team, _dir) = store_with_team().await;
    let setup = |through| ScheduleSetup {
        channel_id: 5,
        schedule: workdays_schedule(),
        handled_through: through,
    };
    store
        .save_schedule(&team, &setup(d(4)), 1, 0)
        .await
        .unwrap();
    store
        .save_schedule(&team, &setup(d(2)), 1, 0)
        .await
        .unwrap();

    let stored = store.schedule(&team).await.unwrap().unwrap();
    assert_eq!(stored.last_handled, d(4));
    assert_eq!(stored.schedule, workdays_schedule());
    assert_eq!(store.all_schedules().await.unwrap(), vec![stored]);
}

#[tokio::test]
async fn holidays_pauses_and_absences_come_back_as_the_domain_types() {
    let (store, team, _dir) = store_with_team().await;
    let setup = ScheduleSetup {
        channel_id: 5,
        schedule: workdays_schedule(),
        handled_through: d(1),
    };
    store.save_schedule(&team, &setup, 1, 0).await.unwrap();
    assert!(store.add_skip(&team, d(6)).await.unwrap());
    assert!(!store.add_skip(&team, d(6)).await.unwrap());
    store.set_paused_until(&team, Some(d(3))).await.unwrap();
    let range = AwayRange::new(d(4), d(5)).unwrap();
    store.add_away(&team, 9, range, 1, 0).await.unwrap();

    let exclusions = store.exclusions(team.id).await.unwrap();
    assert!(exclusions.excludes(d(6)) && exclusions.excludes(d(3)) && !exclusions.excludes(d(4)));
    let away = store.absences(team.id, d(5)).await.unwrap();
    assert_eq!((away.len(), away[0].member), (1, 9));
    assert!(store.absences(team.id, d(6)).await.unwrap().is_empty());

    store.set_paused_until(&team, None).await.unwrap();
    assert_eq!(store.exclusions(team.id).await.unwrap().paused_until, None);
}

#[tokio::test]
async fn resuming_lifts_the_pause_and_never_moves_progress_back() {
    let (store, team, _dir) = store_with_team().await;
    let setup = ScheduleSetup {
        channel_id: 5,
        schedule: workdays_schedule(),
        handled_through: d(4),
    };
    store.save_schedule(&team, &setup, 1, 0).await.unwrap();
    store.set_paused_until(&team, Some(d(9))).await.unwrap();

    assert!(store.resume_schedule(&team, Some(d(3))).await.unwrap());
    let stored = store.schedule(&team).await.unwrap().unwrap();
    assert_eq!((stored.paused_until, stored.last_handled), (None, d(4)));
    store.resume_schedule(&team, Some(d(6))).await.unwrap();
    store.resume_schedule(&team, None).await.unwrap();
    let stored = store.schedule(&team).await.unwrap().unwrap();
    assert_eq!(stored.last_handled, d(6));
}

#[tokio::test]
async fn an_open_day_cannot_be_skipped_and_a_pause_cancels_its_pending_reminder() {
    let (store, team, _dir) = store_with_team().await;
    let setup = ScheduleSetup {
        channel_id: 5,
        schedule: workdays_schedule(),
        handled_through: d(1),
    };
    store.save_schedule(&team, &setup, 1, 0).await.unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    insert_open_day(&mut conn, &new_day(&team, d(2)))
        .await
        .unwrap();
    drop(conn);

    assert!(!store.add_skip(&team, d(2)).await.unwrap());
    assert!(store.add_skip(&team, d(3)).await.unwrap());
    assert_eq!(store.pause_schedule(&team, d(9)).await.unwrap(), [300]);
    let day = store.standup_day(&team, d(2)).await.unwrap().unwrap();
    assert!(day.reminded && day.status == DayStatus::Open);
    assert!(store.pause_schedule(&team, d(9)).await.unwrap().is_empty());
    let exclusions = store.exclusions(team.id).await.unwrap();
    assert_eq!(exclusions.paused_until, Some(d(9)));
    assert!(!exclusions.skipped.contains(&d(2)));
}

#[tokio::test]
async fn a_failing_schedule_remembers_why_until_a_post_goes_through() {
    let (store, team, _dir) = store_with_team().await;
    let setup = ScheduleSetup {
        channel_id: 5,
        schedule: workdays_schedule(),
        handled_through: d(1),
    };
    store.save_schedule(&team, &setup, 1, 0).await.unwrap();

    store
        .mark_schedule_failing(team.id, "Send Messages")
        .await
        .unwrap();
    let reason = store.schedule(&team).await.unwrap().unwrap().failing_reason;
    assert_eq!(reason.as_deref(), Some("Send Messages"));

    store.clear_schedule_failing(team.id).await.unwrap();
    assert_eq!(
        store.schedule(&team).await.unwrap().unwrap().failing_reason,
        None
    );
}

#[tokio::test]
async fn an_edit_read_while_the_day_was_open_is_refused_once_it_closed() {
    let (store, team, _dir) = store_with_team().await;
    let mut conn = store.pool().acquire().await.unwrap();
    let id = insert_open_day(&mut conn, &new_day(&team, d(2)))
        .await
        .unwrap()
        .unwrap();
    let stale = store.standup_day(&team, d(2)).await.unwrap().unwrap();
    assert_eq!(
        store.save_answer(&stale, 9, &text("a"), 150).await.unwrap(),
        AnswerSaved::New
    );
    assert!(close_day(&mut conn, id, 300).await.unwrap());

    assert_eq!(
        store.save_answer(&stale, 9, &text("b"), 400).await.unwrap(),
        AnswerSaved::ClosedForEdits
    );
    let answers = store.answers(id).await.unwrap();
    assert_eq!(answers.len(), 1);
    assert_eq!(
        (answers[0].today.as_str(), answers[0].updated_at),
        ("a", 150)
    );
    assert!(
        !store
            .standup_day(&team, d(2))
            .await
            .unwrap()
            .unwrap()
            .summary_stale
    );
    // A first answer after the close is a late one, still accepted.
    assert_eq!(
        store
            .save_answer(&stale, 10, &text("c"), 400)
            .await
            .unwrap(),
        AnswerSaved::Late
    );
}
