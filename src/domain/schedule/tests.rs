//! Schedule maths across zones and daylight-saving changes, weekday sets and exclusions.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Timelike, Utc};
use proptest::prelude::*;

use super::*;

mod stored;

fn schedule(zone: &str, time: &str, days: &str) -> Schedule {
    Schedule::new(
        LocalTime::parse(time).unwrap(),
        Timezone::parse(zone).unwrap(),
        Weekdays::parse(days).unwrap(),
        DEFAULT_WINDOW_MINUTES,
        DEFAULT_REMINDER_MINUTES,
    )
    .unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

// --- construction ---

#[test]
fn the_window_and_reminder_are_checked_on_construction() {
    let (time, zone) = (
        LocalTime::parse("09:00").unwrap(),
        Timezone::parse("UTC").unwrap(),
    );
    let days = Weekdays::WORKDAYS;
    assert!(Schedule::new(time, zone, days, 0, 0).is_err());
    assert!(Schedule::new(time, zone, days, 721, 0).is_err());
    assert!(Schedule::new(time, zone, days, 720, 0).is_ok());
    let err = Schedule::new(time, zone, days, 60, 60).unwrap_err();
    assert!(err.0.contains("shorter reminder"), "{err}");
    assert!(Schedule::new(time, zone, days, 60, 59).is_ok());
}

#[test]
fn reminders_come_before_close_and_zero_means_none() {
    let s = schedule("UTC", "09:00", "daily");
    let day = date(2024, 5, 6);
    assert_eq!(s.prompt_instant(day), utc(2024, 5, 6, 9, 0));
    assert_eq!(s.close_instant(day), utc(2024, 5, 6, 13, 0));
    assert_eq!(s.reminder_instant(day), Some(utc(2024, 5, 6, 12, 0)));
    let quiet = Schedule::new(s.time(), s.zone(), s.days(), 240, 0).unwrap();
    assert_eq!(quiet.reminder_instant(day), None);
}

// --- zones and daylight saving ---

#[test]
fn new_york_prompts_follow_the_wall_clock_across_the_march_change() {
    let s = schedule("America/New_York", "09:00", "daily");
    assert_eq!(s.prompt_instant(date(2024, 3, 9)), utc(2024, 3, 9, 14, 0)); // EST, UTC-5
    assert_eq!(s.prompt_instant(date(2024, 3, 10)), utc(2024, 3, 10, 13, 0)); // EDT, UTC-4
}

#[test]
fn new_york_prompt_in_the_march_gap_fires_at_the_next_valid_minute() {
    // 2024-03-10: clocks jump from 02:00 to 03:00; 02:30 does not exist.
    let s = schedule("America/New_York", "02:30", "daily");
    assert_eq!(s.prompt_instant(date(2024, 3, 10)), utc(2024, 3, 10, 7, 0)); // 03:00 EDT
    assert_eq!(s.prompt_instant(date(2024, 3, 11)), utc(2024, 3, 11, 6, 30));
}

#[test]
fn new_york_repeated_hour_in_november_fires_once_at_the_earlier_instant() {
    // 2024-11-03: clocks go back from 02:00 EDT to 01:00 EST; 01:30 happens twice.
    let s = schedule("America/New_York", "01:30", "daily");
    assert_eq!(s.prompt_instant(date(2024, 11, 3)), utc(2024, 11, 3, 5, 30)); // 01:30 EDT
    let due_second_time = s.due(
        utc(2024, 11, 3, 6, 30),
        date(2024, 11, 3),
        &Exclusions::none(),
    );
    assert!(
        due_second_time.is_empty(),
        "the repeat must not prompt again"
    );
    let nine = schedule("America/New_York", "09:00", "daily");
    assert_eq!(
        nine.prompt_instant(date(2024, 11, 3)),
        utc(2024, 11, 3, 14, 0)
    );
}

#[test]
fn a_window_is_real_time_even_when_the_clocks_go_back_inside_it() {
    let s = schedule("America/New_York", "00:30", "daily");
    let day = date(2024, 11, 3);
    assert_eq!(s.prompt_instant(day), utc(2024, 11, 3, 4, 30));
    assert_eq!(
        s.close_instant(day) - s.prompt_instant(day),
        Duration::minutes(240)
    );
}

#[test]
fn berlin_prompts_handle_both_changes() {
    let s = schedule("Europe/Berlin", "09:00", "daily");
    assert_eq!(s.prompt_instant(date(2024, 3, 30)), utc(2024, 3, 30, 8, 0));
    assert_eq!(s.prompt_instant(date(2024, 3, 31)), utc(2024, 3, 31, 7, 0));
    assert_eq!(
        s.prompt_instant(date(2024, 10, 27)),
        utc(2024, 10, 27, 8, 0)
    );
    // 02:15 on 2024-03-31 does not exist: 03:00 CEST.
    let gap = schedule("Europe/Berlin", "02:15", "daily");
    assert_eq!(
        gap.prompt_instant(date(2024, 3, 31)),
        utc(2024, 3, 31, 1, 0)
    );
    // 02:30 on 2024-10-27 happens twice: the first time, still CEST.
    let repeat = schedule("Europe/Berlin", "02:30", "daily");
    assert_eq!(
        repeat.prompt_instant(date(2024, 10, 27)),
        utc(2024, 10, 27, 0, 30)
    );
}

#[test]
fn sydney_changes_run_the_other_way_round_the_year() {
    let s = schedule("Australia/Sydney", "09:00", "daily");
    // Daylight saving ends on 2024-04-07 (UTC+11 -> +10) and starts on 2024-10-06.
    assert_eq!(s.prompt_instant(date(2024, 4, 6)), utc(2024, 4, 5, 22, 0));
    assert_eq!(s.prompt_instant(date(2024, 4, 7)), utc(2024, 4, 6, 23, 0));
    assert_eq!(s.prompt_instant(date(2024, 10, 5)), utc(2024, 10, 4, 23, 0));
    assert_eq!(s.prompt_instant(date(2024, 10, 6)), utc(2024, 10, 5, 22, 0));
    let half_past_two = schedule("Australia/Sydney", "02:30", "daily");
    // April: 02:30 happens twice; the first time is still AEDT.
    let april = half_past_two.prompt_instant(date(2024, 4, 7));
    assert_eq!(april, utc(2024, 4, 6, 15, 30));
    // October: 02:30 does not exist; 03:00 AEDT.
    let october = half_past_two.prompt_instant(date(2024, 10, 6));
    assert_eq!(october, utc(2024, 10, 5, 16, 0));
}

#[test]
fn kolkata_keeps_its_half_hour_offset_all_year() {
    let s = schedule("Asia/Kolkata", "09:00", "daily");
    for day in [
        date(2024, 1, 15),
        date(2024, 3, 31),
        date(2024, 7, 1),
        date(2024, 11, 3),
    ] {
        assert_eq!(
            s.prompt_instant(day),
            day.and_hms_opt(3, 30, 0).unwrap().and_utc()
        );
    }
}

#[test]
fn utc_schedules_are_the_wall_clock_itself() {
    let s = schedule("UTC", "23:59", "daily");
    assert_eq!(
        s.prompt_instant(date(2024, 3, 10)),
        utc(2024, 3, 10, 23, 59)
    );
    assert_eq!(s.close_instant(date(2024, 3, 10)), utc(2024, 3, 11, 3, 59));
}

// --- next prompts ---

#[test]
fn next_prompts_keep_to_the_weekday_set() {
    let s = schedule("America/New_York", "09:00", "mon-fri");
    // Friday 2024-03-08 10:00 EST: today's prompt has passed; the weekend is skipped and
    // Monday is already on daylight time.
    let next = s.next_prompts(utc(2024, 3, 8, 15, 0), 3, &Exclusions::none());
    assert_eq!(
        next,
        [
            (date(2024, 3, 11), utc(2024, 3, 11, 13, 0)),
            (date(2024, 3, 12), utc(2024, 3, 12, 13, 0)),
            (date(2024, 3, 13), utc(2024, 3, 13, 13, 0)),
        ]
    );
    let mwf = schedule("UTC", "09:00", "mon,wed,fri");
    let dates: Vec<_> = mwf.next_prompts(utc(2024, 3, 4, 9, 0), 3, &Exclusions::none());
    assert_eq!(
        dates.iter().map(|p| p.0).collect::<Vec<_>>(),
        [date(2024, 3, 6), date(2024, 3, 8), date(2024, 3, 11)]
    );
}

#[test]
fn next_prompts_include_today_until_its_time_has_passed() {
    let s = schedule("UTC", "09:00", "daily");
    let before = s.next_prompts(utc(2024, 3, 4, 8, 59), 1, &Exclusions::none());
    assert_eq!(before[0].0, date(2024, 3, 4));
    let at = s.next_prompts(utc(2024, 3, 4, 9, 0), 1, &Exclusions::none());
    assert_eq!(at[0].0, date(2024, 3, 5), "strictly after");
}

#[test]
fn next_prompts_use_the_local_date_east_of_utc() {
    // 2024-04-04 21:00 UTC is Friday 08:00 in Sydney: Friday's prompt is still ahead.
    let s = schedule("Australia/Sydney", "09:00", "mon-fri");
    let next = s.next_prompts(utc(2024, 4, 4, 21, 0), 2, &Exclusions::none());
    assert_eq!(
        next,
        [
            (date(2024, 4, 5), utc(2024, 4, 4, 22, 0)),
            (date(2024, 4, 8), utc(2024, 4, 7, 23, 0))
        ]
    );
}

#[test]
fn weekend_and_wrapping_schedules_prompt_on_their_days_only() {
    let weekend = schedule("Europe/Berlin", "10:00", "sat-sun");
    let next: Vec<_> = weekend
        .next_prompts(utc(2024, 3, 4, 0, 0), 4, &Exclusions::none())
        .into_iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(
        next,
        [
            date(2024, 3, 9),
            date(2024, 3, 10),
            date(2024, 3, 16),
            date(2024, 3, 17)
        ]
    );
    let wrap = schedule("UTC", "10:00", "fri-mon");
    let next: Vec<_> = wrap
        .next_prompts(utc(2024, 3, 5, 0, 0), 4, &Exclusions::none())
        .into_iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(
        next,
        [
            date(2024, 3, 8),
            date(2024, 3, 9),
            date(2024, 3, 10),
            date(2024, 3, 11)
        ]
    );
}

#[test]
fn skipped_dates_and_a_pause_remove_prompts() {
    let s = schedule("UTC", "09:00", "mon-fri");
    let after = utc(2024, 3, 10, 0, 0); // Sunday
    let holiday = Exclusions {
        skipped: [date(2024, 3, 12)].into(),
        ..Exclusions::none()
    };
    let next: Vec<_> = s
        .next_prompts(after, 3, &holiday)
        .into_iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(
        next,
        [date(2024, 3, 11), date(2024, 3, 13), date(2024, 3, 14)]
    );
    let paused = Exclusions {
        paused_until: Some(date(2024, 3, 13)),
        ..Exclusions::none()
    };
    let next: Vec<_> = s
        .next_prompts(after, 3, &paused)
        .into_iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(
        next,
        [date(2024, 3, 14), date(2024, 3, 15), date(2024, 3, 18)],
        "the pause includes its last day"
    );
}

#[test]
fn a_day_already_handled_is_no_next_prompt() {
    let s = schedule("UTC", "09:00", "mon-fri");
    let handled = Exclusions {
        handled_through: Some(date(2024, 3, 11)),
        ..Exclusions::none()
    };
    // Monday 08:00, its stand-up already opened by hand: Tuesday's is next.
    let next: Vec<_> = s
        .next_prompts(utc(2024, 3, 11, 8, 0), 2, &handled)
        .into_iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(next, [date(2024, 3, 12), date(2024, 3, 13)]);
}

#[test]
fn a_pause_that_never_ends_leaves_no_prompts() {
    let s = schedule("UTC", "09:00", "daily");
    for end in [UNTIL_RESUMED, NaiveDate::MAX] {
        let forever = Exclusions {
            paused_until: Some(end),
            ..Exclusions::none()
        };
        assert!(forever.paused_until_resumed());
        assert!(s
            .next_prompts(utc(2024, 3, 10, 0, 0), 3, &forever)
            .is_empty());
    }
}

// --- what is due ---

#[test]
fn a_prompt_is_due_on_time_at_its_minute() {
    let s = schedule("Europe/Berlin", "09:00", "mon-fri");
    let due = s.due(utc(2024, 3, 4, 8, 0), date(2024, 3, 1), &Exclusions::none());
    assert_eq!(due.missed, []);
    assert_eq!(
        due.prompt,
        Some(DuePrompt {
            date: date(2024, 3, 4),
            scheduled_at: utc(2024, 3, 4, 8, 0),
            late: false
        })
    );
    assert_eq!(due.handled_through(), Some(date(2024, 3, 4)));
    assert!(s
        .due(
            utc(2024, 3, 4, 7, 59),
            date(2024, 3, 1),
            &Exclusions::none()
        )
        .is_empty());
}

#[test]
fn a_prompt_after_a_restart_inside_the_window_is_late_but_still_posted() {
    let s = schedule("Europe/Berlin", "09:00", "mon-fri");
    let due = s.due(
        utc(2024, 3, 4, 11, 59),
        date(2024, 3, 1),
        &Exclusions::none(),
    );
    let prompt = due.prompt.unwrap();
    assert!(prompt.late);
    assert_eq!(prompt.date, date(2024, 3, 4));
}

#[test]
fn after_the_window_the_day_is_skipped_and_reported() {
    let s = schedule("Europe/Berlin", "09:00", "mon-fri");
    let due = s.due(
        utc(2024, 3, 4, 12, 0),
        date(2024, 3, 1),
        &Exclusions::none(),
    );
    assert_eq!(
        due,
        Due {
            missed: vec![date(2024, 3, 4)],
            prompt: None
        }
    );
}

#[test]
fn a_handled_day_is_never_due_again() {
    let s = schedule("Europe/Berlin", "09:00", "mon-fri");
    for minutes in [0, 1, 30, 239, 240, 600] {
        let now = utc(2024, 3, 4, 8, 0) + Duration::minutes(minutes);
        assert!(s.due(now, date(2024, 3, 4), &Exclusions::none()).is_empty());
    }
}

#[test]
fn days_missed_while_down_are_reported_and_today_is_prompted_late() {
    let s = schedule("UTC", "09:00", "mon-fri");
    let holiday = Exclusions {
        skipped: [date(2024, 3, 6)].into(),
        ..Exclusions::none()
    };
    // Last handled Friday 1 March; back on Monday 11 March at 10:00.
    let due = s.due(utc(2024, 3, 11, 10, 0), date(2024, 3, 1), &holiday);
    assert_eq!(
        due.missed,
        [
            date(2024, 3, 4),
            date(2024, 3, 5),
            date(2024, 3, 7),
            date(2024, 3, 8)
        ]
    );
    assert_eq!(
        due.prompt.map(|p| (p.date, p.late)),
        Some((date(2024, 3, 11), true))
    );
}

#[test]
fn paused_and_unscheduled_days_are_not_reported_missed() {
    let s = schedule("UTC", "09:00", "mon,wed");
    let paused = Exclusions {
        paused_until: Some(date(2024, 3, 6)),
        ..Exclusions::none()
    };
    let due = s.due(utc(2024, 3, 7, 12, 0), date(2024, 3, 1), &paused);
    assert!(due.is_empty(), "{due:?}");
}

#[test]
fn paused_days_pass_as_handled_up_to_the_first_day_with_a_prompt() {
    let s = schedule("UTC", "09:00", "mon-fri");
    let paused = Exclusions {
        paused_until: Some(date(2024, 3, 5)),
        ..Exclusions::none()
    };
    // Last handled Friday 1 March. Tuesday 5 March at 10:00: the weekend and the paused Monday
    // and Tuesday have passed (Tuesday's prompt time too).
    let at_ten = utc(2024, 3, 5, 10, 0);
    assert_eq!(
        s.passed_without_prompt(at_ten, date(2024, 3, 1), &paused),
        Some(date(2024, 3, 5))
    );
    // Before Tuesday's prompt time, Tuesday has not passed yet.
    let at_eight = utc(2024, 3, 5, 8, 0);
    assert_eq!(
        s.passed_without_prompt(at_eight, date(2024, 3, 1), &paused),
        Some(date(2024, 3, 4))
    );
    // A day that should have been prompted stops the run: it is the scheduler's to handle.
    let wednesday = utc(2024, 3, 6, 10, 0);
    assert_eq!(
        s.passed_without_prompt(wednesday, date(2024, 3, 5), &paused),
        None
    );
    assert_eq!(
        s.passed_without_prompt(at_ten, date(2024, 3, 1), &Exclusions::none()),
        Some(date(2024, 3, 3))
    );
}

#[test]
fn a_late_prompt_keeps_its_reminder_only_when_it_leaves_people_time() {
    // 09:00, open 240 min, reminder 60 min before close: reminded at 12:00.
    let s = schedule("UTC", "09:00", "mon-fri");
    let day = date(2024, 3, 4);
    let noon = Some(utc(2024, 3, 4, 12, 0));
    assert_eq!(s.reminder_after_prompt(day, utc(2024, 3, 4, 9, 0)), noon);
    assert_eq!(s.reminder_after_prompt(day, utc(2024, 3, 4, 11, 45)), noon);
    assert_eq!(s.reminder_after_prompt(day, utc(2024, 3, 4, 11, 46)), None);
    assert_eq!(s.reminder_after_prompt(day, utc(2024, 3, 4, 12, 10)), None);
    // A schedule whose reminder comes 5 minutes after the prompt keeps it when on time, and
    // when late by less than those 5 minutes' worth.
    let tight = Schedule::new(
        LocalTime::parse("09:00").unwrap(),
        Timezone::parse("UTC").unwrap(),
        Weekdays::WORKDAYS,
        10,
        5,
    )
    .unwrap();
    let five_past = Some(utc(2024, 3, 4, 9, 5));
    assert_eq!(
        tight.reminder_after_prompt(day, utc(2024, 3, 4, 9, 1)),
        five_past
    );
    assert_eq!(
        tight.reminder_after_prompt(day, utc(2024, 3, 4, 9, 2)),
        None
    );
    let no_reminder = Schedule::new(
        LocalTime::parse("09:00").unwrap(),
        Timezone::parse("UTC").unwrap(),
        Weekdays::WORKDAYS,
        10,
        0,
    )
    .unwrap();
    assert_eq!(
        no_reminder.reminder_after_prompt(day, utc(2024, 3, 4, 9, 0)),
        None
    );
}

#[test]
fn the_due_day_is_the_local_date_in_sydney() {
    let s = schedule("Australia/Sydney", "09:00", "mon-fri");
    // Monday 8 April 09:05 Sydney is Sunday 7 April 23:05 UTC.
    let due = s.due(
        utc(2024, 4, 7, 23, 5),
        date(2024, 4, 5),
        &Exclusions::none(),
    );
    assert_eq!(
        due.prompt.map(|p| (p.date, p.late)),
        Some((date(2024, 4, 8), true))
    );
}

#[test]
fn a_prompt_in_the_spring_gap_is_due_at_the_next_valid_minute() {
    let s = schedule("America/New_York", "02:30", "daily");
    let before = s.due(
        utc(2024, 3, 10, 6, 59),
        date(2024, 3, 9),
        &Exclusions::none(),
    );
    assert!(before.is_empty());
    let at = s.due(
        utc(2024, 3, 10, 7, 0),
        date(2024, 3, 9),
        &Exclusions::none(),
    );
    assert_eq!(
        at.prompt.map(|p| (p.date, p.late)),
        Some((date(2024, 3, 10), false))
    );
}

#[test]
fn a_new_schedule_does_not_fire_for_a_time_already_passed_today() {
    let s = schedule("UTC", "09:00", "daily");
    let setup_after = utc(2024, 3, 4, 10, 0);
    let last = s.handled_through(setup_after);
    assert_eq!(last, date(2024, 3, 4));
    assert!(s.due(setup_after, last, &Exclusions::none()).is_empty());
    let setup_before = utc(2024, 3, 4, 8, 0);
    let last = s.handled_through(setup_before);
    assert_eq!(last, date(2024, 3, 3));
    let at_nine = s.due(utc(2024, 3, 4, 9, 0), last, &Exclusions::none());
    assert_eq!(at_nine.prompt.map(|p| p.date), Some(date(2024, 3, 4)));
}

const ZONES: [&str; 6] = [
    "America/New_York",
    "Europe/Berlin",
    "Australia/Sydney",
    "Asia/Kolkata",
    "UTC",
    "Australia/Lord_Howe",
];

proptest! {
    /// A prompt fires on its own local date, at its time or (in a gap) within two hours after,
    /// and each day's prompt comes after the previous day's.
    #[test]
    fn prompts_fire_on_their_local_date_in_order(
        zone in 0..ZONES.len(),
        days_from_2000 in 0i64..15_000,
        hour in 0u8..24,
        minute in 0u8..60,
    ) {
        let s = Schedule::new(
            LocalTime::new(hour, minute).unwrap(),
            Timezone::parse(ZONES[zone]).unwrap(),
            Weekdays::DAILY,
            240,
            60,
        ).unwrap();
        let day = date(2000, 1, 1) + Duration::days(days_from_2000);
        let at = s.prompt_instant(day).with_timezone(&s.zone().tz());
        prop_assert_eq!(at.date_naive(), day);
        let wanted = i64::from(hour) * 60 + i64::from(minute);
        let fired = i64::from(at.hour()) * 60 + i64::from(at.minute());
        prop_assert!((0..120).contains(&(fired - wanted)), "{} fired at {}", day, at);
        prop_assert!(s.prompt_instant(day) < s.prompt_instant(day.succ_opt().unwrap()));
    }

    /// Setting a schedule up never makes anything due at once, and its first listed prompt
    /// is exactly the next one the scheduler will fire.
    #[test]
    fn setup_agrees_with_the_scheduler(zone in 0..ZONES.len(), minutes in 0i64..20_000_000) {
        let s = Schedule::new(
            LocalTime::new(9, 0).unwrap(),
            Timezone::parse(ZONES[zone]).unwrap(),
            Weekdays::WORKDAYS,
            240,
            60,
        ).unwrap();
        let now = utc(2000, 1, 1, 0, 0) + Duration::minutes(minutes);
        let last = s.handled_through(now);
        prop_assert!(s.due(now, last, &Exclusions::none()).is_empty());
        let (day, at) = s.next_prompts(now, 1, &Exclusions::none())[0];
        prop_assert!(at > now);
        let due = s.due(at, last, &Exclusions::none());
        prop_assert_eq!(due.prompt, Some(DuePrompt { date: day, scheduled_at: at, late: false }));
        prop_assert!(due.missed.is_empty());
    }
}
