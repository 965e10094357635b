//! Reading stand-up schedules back: a row whose columns are out of range (damaged or edited by
//! hand) is a decode error naming the column and value, not another weekday or window.

use chrono::{NaiveDate, Utc};

use super::ScheduleSetup;
use crate::store::test_support::{store, team, workdays_schedule, USER};

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
