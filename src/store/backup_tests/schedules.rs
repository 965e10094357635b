//! A stand-up schedule the scheduler could not read back is refused at import, naming the
//! team, and a row that does not decode anyway is left out of the scheduler's work list
//! instead of failing it for every guild.

use super::seed::{fingerprint, seed};
use super::{fresh, RESTORED_AT};
use crate::backup::validate;
use crate::store::test_support::{store, GUILD};

#[tokio::test]
async fn an_import_refuses_a_standup_schedule_the_bot_could_not_read_back() {
    let (source, _a) = store().await;
    seed(&source).await;
    let document = source.export_guild(GUILD, None, 1000).await.unwrap();
    let (target, _b) = fresh().await;
    let before = fingerprint(&target).await;

    let cases: [(i64, i64, i64, &str); 6] = [
        (0, 240, 60, "days 0 is not a set of weekdays"),
        (128, 240, 60, "days 128 is not a set of weekdays"),
        (31, 0, 0, "between 1 and 720 minutes; 0 is out of range"),
        (
            31,
            721,
            60,
            "between 1 and 720 minutes; 721 is out of range",
        ),
        (31, 60, 60, "only open for 60 minutes"),
        (31, 240, -1, "reminder_minutes -1 is out of range"),
    ];
    for (days, window, reminder, expected) in cases {
        let mut bad = document.clone();
        let schedule = bad.teams[0].standup.schedule.as_mut().unwrap();
        (schedule.days, schedule.window_minutes) = (days, window);
        schedule.reminder_minutes = reminder;
        let error = validate::check(&bad).unwrap_err();
        assert!(
            error.starts_with("team \"Core\": the stand-up schedule is refused: ")
                && error.contains(expected),
            "{error}"
        );
        assert!(target.import_document(&bad, RESTORED_AT).await.is_err());
    }
    assert_eq!(fingerprint(&target).await, before);

    let mut no_reminder = document.clone();
    let schedule = no_reminder.teams[0].standup.schedule.as_mut().unwrap();
    (
        schedule.days,
        schedule.window_minutes,
        schedule.reminder_minutes,
    ) = (127, 720, 0);
    validate::check(&no_reminder).unwrap();
}

#[tokio::test]
async fn a_schedule_row_that_does_not_decode_leaves_the_other_teams_schedules_listed() {
    let (store, _dir) = store().await;
    seed(&store).await;
    let mut other = store.export_guild(GUILD, None, 1000).await.unwrap();
    other.guild_id = crate::backup::Snowflake(GUILD + 1);
    other.teams[0].channels.clear();
    store.import_document(&other, RESTORED_AT).await.unwrap();
    let listed = store.all_schedules().await.unwrap();
    assert_eq!(listed.len(), 2);

    // What an import before the check could write: no weekdays at all.
    store
        .write_alone(
            sqlx::query("UPDATE standup_schedules SET days = 0 WHERE team_id = ?")
                .bind(listed[0].team_id),
        )
        .await
        .unwrap();
    let left = store.all_schedules().await.unwrap();
    assert_eq!(left, listed[1..]);
}
