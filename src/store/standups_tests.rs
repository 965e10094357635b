//! Reading stand-up schedules back: a row whose columns are out of range (damaged or edited by
//! hand) is a decode error naming the column and value, not another weekday or window; a value
//! of the wrong kind is a decode error too, not a panic of the scheduler's task.

use chrono::{NaiveDate, Utc};

use super::ScheduleSetup;
use crate::domain::schedule::AwayRange;
use crate::store::test_support::{store, team, workdays_schedule, GUILD, USER};

#[tokio::test]
async fn a_row_with_days_or_minutes_out_of_range_is_a_decode_error() {
    let (store, _dir) = store().await;
    let team = team(&store).await;
    let setup = ScheduleSetup {
        channel_id: 5,
        schedule: workdays_schedule(),
        handled_through: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
    };
    store
        .save_schedule(&team, &setup, USER, Utc::now().timestamp())
        .await
        .unwrap();
    assert_eq!(
        store.schedule(&team).await.unwrap().unwrap().schedule,
        workdays_schedule()
    );

    // 257 and 129 were read as Monday (cast to u8, bits past Sunday dropped); -1 minutes as
    // a window of 4294967295.
    let cases = [
        ("days = 257", "days 257 is not a set of weekdays"),
        ("days = 129", "days 129 is not a set of weekdays"),
        ("window_minutes = -1", "window_minutes -1 is out of range"),
    ];
    for (change, expected) in cases {
        let sql = format!("UPDATE standup_schedules SET days = 31, window_minutes = 240, {change}");
        store.write_alone(sqlx::query(&sql)).await.unwrap();
        match store.schedule(&team).await {
            Err(sqlx::Error::Decode(e)) => {
                let text = e.to_string();
                assert!(
                    text.starts_with(&format!("stored stand-up schedule of team {}: ", team.id))
                        && text.contains(expected),
                    "{text}"
                );
            }
            other => panic!("{change}: expected a decode error, got {other:?}"),
        }
        assert_eq!(store.all_schedules().await.unwrap(), []);
    }
}

/// Columns the schema types loosely (SQLite keeps a text in an INTEGER column, a blob in a TEXT
/// one), each given a value of the wrong kind: reading the row fails with an error, the
/// scheduler's list leaves that team out and keeps the other, and nothing panics (a panic
/// would end the scheduler's task, and with it the process).
#[tokio::test]
async fn a_value_of_the_wrong_kind_is_an_error_and_the_other_teams_stay_listed() {
    let (store, _dir) = store().await;
    let damaged = team(&store).await;
    let healthy = store
        .ensure_default_team(GUILD + 1, "Core", 0)
        .await
        .unwrap();
    let setup = ScheduleSetup {
        channel_id: 5,
        schedule: workdays_schedule(),
        handled_through: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
    };
    for team in [&damaged, &healthy] {
        store
            .save_schedule(team, &setup, USER, Utc::now().timestamp())
            .await
            .unwrap();
    }
    let changes = [
        "guild_id = 'forty-two'",
        "channel_id = 'five'",
        "paused_until = x'00'",
        "last_handled = x'00'",
        "failing_reason = x'00'",
    ];
    for change in changes {
        let sql = format!(
            "UPDATE standup_schedules SET guild_id = {GUILD}, channel_id = 5, paused_until = NULL,
                 last_handled = '2026-03-02', failing_reason = NULL, {change}
             WHERE team_id = {}",
            damaged.id
        );
        store.write_alone(sqlx::query(&sql)).await.unwrap();
        let listed = store.all_schedules().await.unwrap();
        let teams: Vec<i64> = listed.iter().map(|s| s.team_id).collect();
        assert_eq!(teams, [healthy.id], "{change}");
        if !change.starts_with("guild_id") {
            // (With its guild id damaged the row is no longer this guild's to find.)
            assert!(store.schedule(&damaged).await.is_err(), "{change}");
        }
    }

    let range = AwayRange::new(
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        NaiveDate::from_ymd_opt(2026, 3, 6).unwrap(),
    )
    .unwrap();
    store
        .add_away(&damaged, USER, range, USER, 0)
        .await
        .unwrap();
    let since = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    assert_eq!(store.absences(damaged.id, since).await.unwrap().len(), 1);
    for change in ["user_id = 'seven'", "from_date = x'00'"] {
        let sql =
            format!("UPDATE standup_away SET user_id = {USER}, from_date = '2026-03-02', {change}");
        store.write_alone(sqlx::query(&sql)).await.unwrap();
        assert!(store.absences(damaged.id, since).await.is_err(), "{change}");
    }
}
