//! `Schedule::from_stored`: a stored row is checked column by column, never cast, and a
//! refusal names the column and its value.

use super::*;

fn stored(days: i64, window: i64, reminder: i64) -> Result<Schedule, Invalid> {
    Schedule::from_stored("09:30", "Europe/Berlin", days, window, reminder)
}

fn refusal(result: Result<Schedule, Invalid>) -> String {
    result.expect_err("refused").0
}

#[test]
fn a_good_row_reads_as_the_schedule_that_wrote_it() {
    let written = Schedule::new(
        LocalTime::parse("09:30").unwrap(),
        Timezone::parse("Europe/Berlin").unwrap(),
        Weekdays::WORKDAYS,
        240,
        60,
    )
    .unwrap();
    assert_eq!(stored(31, 240, 60).unwrap(), written);
    let every_day = stored(127, 720, 0).unwrap();
    assert_eq!(every_day.days(), Weekdays::DAILY);
    assert_eq!(stored(1, 1, 0).unwrap().days().bits(), 1);
}

#[test]
fn days_outside_one_to_127_are_refused_not_masked() {
    for days in [0, 128, 257, -1, i64::MAX] {
        let text = refusal(stored(days, 240, 60));
        assert!(
            text.starts_with(&format!("days {days} is not a set of weekdays")),
            "{text}"
        );
    }
}

#[test]
fn negative_or_too_large_minutes_are_refused() {
    let cases: [(i64, i64, &str); 6] = [
        (-1, 0, "window_minutes -1 is out of range"),
        (240, -1, "reminder_minutes -1 is out of range"),
        (1 << 32, 0, "window_minutes 4294967296 is out of range"),
        (240, 1 << 32, "reminder_minutes 4294967296 is out of range"),
        (721, 0, "between 1 and 720 minutes; 721 is out of range"),
        (240, 240, "only open for 240 minutes"),
    ];
    for (window, reminder, expected) in cases {
        let text = refusal(stored(31, window, reminder));
        assert!(text.contains(expected), "{text}");
    }
}

#[test]
fn a_bad_time_or_zone_is_refused_naming_the_column() {
    let time = refusal(Schedule::from_stored("25:00", "UTC", 31, 240, 60));
    assert!(
        time.starts_with("local_time: `25:00` is not a time"),
        "{time}"
    );
    let zone = refusal(Schedule::from_stored("09:30", "Mars/Olympus", 31, 240, 60));
    assert!(
        zone.starts_with("timezone: `Mars/Olympus` is not a time zone"),
        "{zone}"
    );
}
