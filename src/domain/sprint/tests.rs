//! Sprint span, progress, burndown, carry-over and the progress bar.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn span(zone: &str, start: NaiveDate, days: i64) -> SprintSpan {
    SprintSpan::new(start, days, Timezone::parse(zone).unwrap()).unwrap()
}

fn changes(list: &[(DateTime<Utc>, Status)]) -> Vec<StatusChange> {
    list.iter()
        .map(|&(at, to)| StatusChange { at, to })
        .collect()
}

fn story(points: u8, history: &[(DateTime<Utc>, Status)]) -> BurndownStory {
    BurndownStory {
        points: Some(points),
        in_at_start: true,
        status_changes: changes(history),
        scope_changes: vec![],
    }
}

fn remaining(chart: &Burndown) -> Vec<Option<u32>> {
    chart.days.iter().map(|d| d.remaining).collect()
}

// --- span ---

#[test]
fn a_sprint_lasts_between_one_and_sixty_days() {
    let zone = Timezone::parse("UTC").unwrap();
    assert!(SprintSpan::new(date(2024, 3, 4), 0, zone).is_err());
    assert!(SprintSpan::new(date(2024, 3, 4), -3, zone).is_err());
    assert!(SprintSpan::new(date(2024, 3, 4), 61, zone)
        .unwrap_err()
        .0
        .contains("between 1 and 60"));
    assert_eq!(
        SprintSpan::new(date(2024, 3, 4), 14, zone)
            .unwrap()
            .last_day(),
        date(2024, 3, 17)
    );
}

#[test]
fn a_sprint_runs_from_local_midnight_to_local_midnight() {
    let berlin = span("Europe/Berlin", date(2024, 3, 25), 14);
    assert_eq!(berlin.starts_at(), utc(2024, 3, 24, 23, 0));
    assert_eq!(
        berlin.ends_at(),
        utc(2024, 4, 7, 22, 0),
        "summer time began on the way"
    );
}

#[test]
fn planning_lasts_the_first_day_or_the_local_day_the_sprint_was_started_on_if_later() {
    let berlin = span("Europe/Berlin", date(2026, 3, 2), 10);
    let first_day_ends = utc(2026, 3, 2, 23, 0);
    // Started ahead of time or on its first day: planning is the first day.
    assert_eq!(
        berlin.planning_ends_at(utc(2026, 2, 27, 9, 0)),
        first_day_ends
    );
    assert_eq!(
        berlin.planning_ends_at(utc(2026, 3, 2, 9, 0)),
        first_day_ends
    );
    // Started late, on Wednesday (Berlin) with Monday as its start: Wednesday is for planning.
    assert_eq!(
        berlin.planning_ends_at(utc(2026, 3, 4, 22, 30)),
        utc(2026, 3, 4, 23, 0)
    );
}

#[test]
fn days_left_count_today_and_stop_at_zero() {
    let s = span("UTC", date(2024, 3, 4), 5);
    assert_eq!(s.days_left(utc(2024, 3, 1, 12, 0)), 5);
    assert_eq!(s.days_left(utc(2024, 3, 4, 0, 0)), 5);
    assert_eq!(s.days_left(utc(2024, 3, 8, 23, 59)), 1);
    assert_eq!(s.days_left(utc(2024, 3, 9, 0, 0)), 0);
    assert_eq!(s.days_left(utc(2025, 1, 1, 0, 0)), 0);
}

#[test]
fn days_left_follow_the_team_zone() {
    let sydney = span("Australia/Sydney", date(2024, 3, 4), 5);
    // 2024-03-08 14:00 UTC is already 9 March in Sydney: the sprint is over there.
    assert_eq!(sydney.days_left(utc(2024, 3, 8, 14, 0)), 0);
}

// --- progress ---

/// Progress of a sprint started on its first day, so planning ends with that day.
fn progress(s: &SprintSpan, scope: ScopeAt, now: DateTime<Utc>) -> Progress {
    super::progress(s, scope, now, s.day_ends_at(0))
}

#[test]
fn a_sprint_is_at_risk_when_done_lags_the_ideal_by_more_than_twenty_percent() {
    let s = span("UTC", date(2024, 3, 4), 10);
    let halfway = utc(2024, 3, 9, 0, 0);
    let at = |done| progress(&s, ScopeAt { total: 40, done }, halfway);
    assert_eq!(at(20).ideal_done, 20.0);
    assert_eq!(
        at(16).health,
        Health::OnTrack,
        "exactly 80 % of the ideal is still on track"
    );
    assert_eq!(at(15).health, Health::AtRisk);
    assert_eq!(at(40).health, Health::OnTrack);
}

#[test]
fn nothing_is_expected_at_the_start_or_with_no_points() {
    let s = span("UTC", date(2024, 3, 4), 10);
    assert_eq!(
        progress(&s, ScopeAt { total: 40, done: 0 }, utc(2024, 3, 4, 0, 0)).health,
        Health::OnTrack
    );
    assert_eq!(
        progress(&s, ScopeAt { total: 40, done: 0 }, utc(2024, 3, 1, 0, 0)).health,
        Health::OnTrack
    );
    let empty = progress(&s, ScopeAt::default(), utc(2024, 3, 13, 0, 0));
    assert_eq!((empty.ideal_done, empty.health), (0.0, Health::OnTrack));
}

#[test]
fn a_lag_of_less_than_a_point_is_not_a_risk() {
    let s = span("UTC", date(2024, 3, 4), 10);
    // Nine hours into a 10-day sprint of 5 points the ideal is under a fifth of a point.
    let early = progress(&s, ScopeAt { total: 5, done: 0 }, utc(2024, 3, 4, 9, 0));
    assert!(early.ideal_done > 0.0 && early.ideal_done < 1.0);
    assert_eq!(early.health, Health::OnTrack);
    // Halfway, 2.5 points are planned: none done is a risk.
    let halfway = progress(&s, ScopeAt { total: 5, done: 0 }, utc(2024, 3, 9, 0, 0));
    assert_eq!(halfway.health, Health::AtRisk);
}

#[test]
fn nothing_is_judged_before_planning_ends_however_late_the_sprint_started() {
    let s = span("Europe/Berlin", date(2024, 3, 4), 10);
    let scope = ScopeAt { total: 40, done: 0 };
    // 23:30 in Berlin on day one: the ideal is nearly 4 points, but the day is not over.
    let evening = progress(&s, scope, utc(2024, 3, 4, 22, 30));
    assert!(evening.ideal_done > 3.5, "{evening:?}");
    assert_eq!(evening.health, Health::OnTrack);
    // Half an hour later it is day two there, and nothing done is a risk.
    assert_eq!(
        progress(&s, scope, utc(2024, 3, 4, 23, 0)).health,
        Health::AtRisk
    );
    // Started on day three with the first day as its start date: planning is that day.
    let started = utc(2024, 3, 6, 17, 0);
    let planning_ends = s.planning_ends_at(started);
    let judged = |now| super::progress(&s, scope, now, planning_ends).health;
    assert_eq!(judged(utc(2024, 3, 6, 18, 0)), Health::OnTrack);
    assert_eq!(judged(utc(2024, 3, 6, 23, 0)), Health::AtRisk);
}

#[test]
fn a_sprint_past_its_end_with_work_left_is_at_risk() {
    let s = span("UTC", date(2024, 3, 4), 10);
    let late = progress(
        &s,
        ScopeAt {
            total: 40,
            done: 30,
        },
        utc(2024, 4, 1, 0, 0),
    );
    assert_eq!((late.ideal_done, late.health), (40.0, Health::AtRisk));
}

// --- burndown ---

#[test]
fn the_ideal_line_falls_evenly_from_the_commitment_to_zero() {
    let s = span("UTC", date(2024, 3, 4), 4);
    let chart = burndown(&s, &[story(8, &[])], utc(2024, 3, 4, 12, 0));
    assert_eq!(chart.committed, 8);
    let ideal: Vec<f64> = chart.days.iter().map(|d| d.ideal_remaining).collect();
    assert_eq!(ideal, [6.0, 4.0, 2.0, 0.0]);
    assert_eq!(
        chart.days.iter().map(|d| d.date).collect::<Vec<_>>()[3],
        date(2024, 3, 7)
    );
}

#[test]
fn points_burn_on_done_or_accepted_and_future_days_have_no_value() {
    let s = span("UTC", date(2024, 3, 4), 5);
    let stories = [
        story(
            5,
            &[
                (utc(2024, 3, 4, 10, 0), Status::InProgress),
                (utc(2024, 3, 5, 10, 0), Status::Done),
            ],
        ),
        story(
            3,
            &[
                (utc(2024, 3, 6, 9, 0), Status::Review),
                (utc(2024, 3, 6, 10, 0), Status::Accepted),
            ],
        ),
        story(2, &[(utc(2024, 3, 4, 10, 0), Status::InProgress)]),
    ];
    let chart = burndown(&s, &stories, utc(2024, 3, 7, 12, 0));
    assert_eq!(
        remaining(&chart),
        [Some(10), Some(5), Some(2), Some(2), None]
    );
}

#[test]
fn reopening_a_done_story_puts_its_points_back() {
    let s = span("UTC", date(2024, 3, 4), 3);
    let reopened = story(
        5,
        &[
            (utc(2024, 3, 4, 10, 0), Status::Done),
            (utc(2024, 3, 5, 10, 0), Status::InProgress),
            (utc(2024, 3, 6, 10, 0), Status::Done),
        ],
    );
    let chart = burndown(&s, &[reopened, story(1, &[])], utc(2024, 3, 10, 0, 0));
    assert_eq!(remaining(&chart), [Some(1), Some(6), Some(1)]);
}

#[test]
fn today_is_measured_at_now() {
    let s = span("UTC", date(2024, 3, 4), 3);
    let done_late = story(5, &[(utc(2024, 3, 5, 18, 0), Status::Done)]);
    assert_eq!(
        remaining(&burndown(
            &s,
            std::slice::from_ref(&done_late),
            utc(2024, 3, 5, 12, 0)
        )),
        [Some(5), Some(5), None]
    );
    assert_eq!(
        remaining(&burndown(&s, &[done_late], utc(2024, 3, 5, 19, 0))),
        [Some(5), Some(0), None]
    );
}

#[test]
fn scope_changes_move_the_actual_line_and_mark_their_day() {
    let s = span("UTC", date(2024, 3, 4), 4);
    let added = BurndownStory {
        points: Some(3),
        in_at_start: false,
        scope_changes: vec![ScopeChange {
            at: utc(2024, 3, 5, 9, 0),
            added: true,
        }],
        ..BurndownStory::default()
    };
    let removed = BurndownStory {
        points: Some(2),
        in_at_start: true,
        scope_changes: vec![ScopeChange {
            at: utc(2024, 3, 6, 9, 0),
            added: false,
        }],
        ..BurndownStory::default()
    };
    let chart = burndown(&s, &[story(5, &[]), added, removed], utc(2024, 3, 10, 0, 0));
    assert_eq!(chart.committed, 7);
    assert_eq!(remaining(&chart), [Some(7), Some(10), Some(8), Some(8)]);
    let marked: Vec<bool> = chart.days.iter().map(|d| d.scope_changed).collect();
    assert_eq!(marked, [false, true, true, false]);
    assert_eq!((chart.added_points, chart.removed_points), (3, 2));
    assert_eq!(
        chart.days[0].ideal_remaining,
        7.0 * 3.0 / 4.0,
        "the ideal line keeps to the commitment"
    );
}

#[test]
fn a_sprint_without_points_draws_flat_lines_without_dividing_by_zero() {
    let s = span("UTC", date(2024, 3, 4), 3);
    let unestimated = BurndownStory {
        in_at_start: true,
        ..BurndownStory::default()
    };
    for stories in [vec![], vec![unestimated]] {
        let chart = burndown(&s, &stories, utc(2024, 3, 10, 0, 0));
        assert_eq!(chart.committed, 0);
        assert!(chart
            .days
            .iter()
            .all(|d| d.ideal_remaining == 0.0 && d.remaining == Some(0)));
    }
}

#[test]
fn burndown_days_follow_the_team_zone() {
    // Day 1 in Sydney ends at 2024-03-04 13:00 UTC; work done at 14:00 UTC belongs to day 2.
    let s = span("Australia/Sydney", date(2024, 3, 4), 2);
    let chart = burndown(
        &s,
        &[story(4, &[(utc(2024, 3, 4, 14, 0), Status::Done)])],
        utc(2024, 3, 9, 0, 0),
    );
    assert_eq!(remaining(&chart), [Some(4), Some(0)]);
}

// --- velocity from the same data ---

#[test]
fn a_closed_sprint_measures_committed_at_start_and_completed_at_close() {
    let s = span("UTC", date(2024, 3, 4), 5);
    let added_and_done = BurndownStory {
        points: Some(2),
        in_at_start: false,
        status_changes: changes(&[(utc(2024, 3, 6, 0, 0), Status::Done)]),
        scope_changes: vec![ScopeChange {
            at: utc(2024, 3, 5, 0, 0),
            added: true,
        }],
    };
    let stories = [
        story(5, &[(utc(2024, 3, 5, 0, 0), Status::Done)]),
        story(3, &[]),
        added_and_done,
    ];
    let result = SprintResult::measure(&s, &stories, utc(2024, 3, 9, 0, 0));
    assert_eq!(
        result,
        SprintResult {
            committed: 8,
            completed: 7
        }
    );
}

// --- carry-over and bar ---

#[test]
fn unfinished_stories_go_back_to_the_top_of_the_backlog_in_their_order() {
    let n = StoryNumber;
    let sprint = [
        (n(4), Status::Done),
        (n(2), Status::InProgress),
        (n(9), Status::Accepted),
        (n(7), Status::New),
        (n(3), Status::Archived),
    ];
    let carried = carried_over(&sprint);
    assert_eq!(carried, [n(2), n(7)]);
    let backlog = [n(10), n(2), n(11), n(7), n(12)];
    assert_eq!(
        backlog_after_carry_over(&backlog, &carried),
        [n(2), n(7), n(10), n(11), n(12)]
    );
}

#[test]
fn the_progress_bar_fills_in_proportion_and_rounds_down() {
    assert_eq!(progress_bar(6, 10, 10), "[██████░░░░] 60%");
    assert_eq!(progress_bar(29, 100, 10), "[██░░░░░░░░] 29%");
    assert_eq!(progress_bar(99, 100, 10), "[█████████░] 99%");
    assert_eq!(progress_bar(12, 10, 5), "[█████] 100%");
    assert_eq!(progress_bar(0, 0, 4), "[░░░░] 0%");
}
