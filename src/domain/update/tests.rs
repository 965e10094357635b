//! Update composition: order, no duplicates, plain words, and the risks section.

use chrono::TimeZone;

use super::*;
use crate::domain::team::Timezone;

fn story(number: i64, title: &str) -> StoryRef {
    StoryRef {
        number: StoryNumber(number),
        title: title.to_string(),
    }
}

fn open(number: i64, title: &str, status: Status) -> BacklogStory {
    BacklogStory {
        story: story(number, title),
        status,
        assignee: None,
    }
}

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, m, d).unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 9, 0, 0, 0).unwrap()
}

fn sprint(total: u32, done: u32) -> SprintFacts {
    SprintFacts {
        name: "Sprint 4".to_string(),
        goal: Some("Guests can check out".to_string()),
        // Day 6 of 10 at `now`: half the time has passed.
        span: SprintSpan::new(date(3, 4), 10, Timezone::parse("UTC").unwrap()).unwrap(),
        scope: ScopeAt { total, done },
        planning_ends_at: Utc.with_ymd_and_hms(2024, 3, 5, 0, 0, 0).unwrap(),
    }
}

fn with_standup() -> Vec<StandupBlockers> {
    vec![StandupBlockers {
        date: date(3, 8),
        blockers: vec![],
    }]
}

fn section<'a>(update: &'a Update, heading: &str) -> &'a [String] {
    &update
        .sections
        .iter()
        .find(|s| s.heading == heading)
        .unwrap_or_else(|| panic!("no {heading}"))
        .lines
}

#[test]
fn sections_come_in_reading_order() {
    let input = UpdateInput {
        team: "Core".into(),
        vision: Some("Checkout in one tap".into()),
        ..UpdateInput::default()
    };
    let update = compose(&input, now());
    assert_eq!(update.title, "Update from Core");
    let headings: Vec<&str> = update.sections.iter().map(|s| s.heading.as_str()).collect();
    assert_eq!(
        headings,
        [
            "Vision",
            "Sprint",
            "Shipped since the last update",
            "In progress",
            "Next up",
            "Risks and blockers"
        ]
    );
    assert_eq!(section(&update, "Vision"), ["Checkout in one tap"]);
}

#[test]
fn without_a_vision_the_update_starts_with_the_sprint() {
    let update = compose(&UpdateInput::default(), now());
    assert_eq!(update.sections[0].heading, "Sprint");
    assert_eq!(section(&update, "Sprint"), ["No sprint is running."]);
}

#[test]
fn shipped_lists_accepted_then_done_and_never_a_story_twice() {
    let shipped = vec![
        ShippedStory {
            story: story(3, "Receipts by email"),
            status: Status::Done,
        },
        ShippedStory {
            story: story(1, "Guest checkout"),
            status: Status::Accepted,
        },
        ShippedStory {
            story: story(3, "Receipts by email"),
            status: Status::Done,
        },
        ShippedStory {
            story: story(5, "Saved cards"),
            status: Status::InProgress,
        },
        ShippedStory {
            story: story(2, "Apple Pay"),
            status: Status::Accepted,
        },
    ];
    let update = compose(
        &UpdateInput {
            shipped,
            ..UpdateInput::default()
        },
        now(),
    );
    assert_eq!(
        section(&update, "Shipped since the last update"),
        [
            "Guest checkout (#1), accepted",
            "Apple Pay (#2), accepted",
            "Receipts by email (#3), finished, awaiting sign-off",
        ]
    );
}

#[test]
fn in_progress_and_next_up_come_from_the_backlog_in_order() {
    let mut working = open(4, "Saved cards", Status::InProgress);
    working.assignee = Some("Ana".into());
    let backlog = vec![
        open(9, "Search", Status::Ready),
        working,
        open(6, "Coupons", Status::Review),
        open(10, "Wishlist", Status::New),
        open(11, "Reviews", Status::New),
        open(12, "Gift cards", Status::New),
        open(13, "Dark mode", Status::New),
        open(14, "Sixth in line", Status::New),
    ];
    let update = compose(
        &UpdateInput {
            backlog,
            ..UpdateInput::default()
        },
        now(),
    );
    assert_eq!(
        section(&update, "In progress"),
        ["Saved cards (#4) (Ana)", "Coupons (#6), in review"]
    );
    assert_eq!(
        section(&update, "Next up"),
        [
            "Search (#9)",
            "Wishlist (#10)",
            "Reviews (#11)",
            "Gift cards (#12)",
            "Dark mode (#13)"
        ]
    );
}

#[test]
fn empty_sections_say_so_in_a_sentence() {
    let update = compose(
        &UpdateInput {
            standups: with_standup(),
            ..UpdateInput::default()
        },
        now(),
    );
    assert_eq!(
        section(&update, "Shipped since the last update"),
        ["Nothing new has shipped since the last update."]
    );
    assert_eq!(
        section(&update, "In progress"),
        ["No work is in progress right now."]
    );
    assert_eq!(
        section(&update, "Next up"),
        ["Nothing is waiting to be started."]
    );
    assert_eq!(
        section(&update, "Risks and blockers"),
        ["No known risks or blockers."]
    );
}

#[test]
fn without_stand_up_data_a_sentence_says_so() {
    let update = compose(&UpdateInput::default(), now());
    let risks = section(&update, "Risks and blockers");
    assert!(
        risks.iter().any(|l| l.contains("no stand-up data")),
        "{risks:?}"
    );
}

#[test]
fn blockers_come_from_the_last_three_stand_ups_newest_first() {
    let standup = |d, who: &str, text: &str| StandupBlockers {
        date: date(3, d),
        blockers: vec![(who.into(), text.into())],
    };
    let standups = vec![
        standup(4, "Old", "too old to show"),
        standup(7, "Ben", "waiting for   API keys"),
        standup(8, "Ana", "staging is down"),
        standup(5, "Cy", "also too old"),
        StandupBlockers {
            date: date(3, 6),
            blockers: vec![],
        },
    ];
    let update = compose(
        &UpdateInput {
            standups,
            ..UpdateInput::default()
        },
        now(),
    );
    let risks = section(&update, "Risks and blockers");
    assert_eq!(
        risks,
        [
            "Ana at the stand-up of Fri 8 Mar: staging is down",
            "Ben at the stand-up of Thu 7 Mar: waiting for API keys"
        ]
    );
}

#[test]
fn stories_waiting_on_unfinished_work_are_named_with_their_blockers() {
    let blocked = vec![BlockedStory {
        story: story(7, "One-tap checkout"),
        waiting_on: vec![
            (story(3, "Payment API"), Status::InProgress),
            (story(8, "Fraud checks"), Status::New),
        ],
    }];
    let update = compose(
        &UpdateInput {
            blocked,
            standups: with_standup(),
            ..UpdateInput::default()
        },
        now(),
    );
    assert_eq!(
        section(&update, "Risks and blockers"),
        ["One-tap checkout (#7) is waiting on Payment API (#3), in progress; Fraud checks (#8), not started."]
    );
}

#[test]
fn a_sprint_on_track_shows_its_day_points_and_bar() {
    let update = compose(
        &UpdateInput {
            sprint: Some(sprint(40, 20)),
            standups: with_standup(),
            ..UpdateInput::default()
        },
        now(),
    );
    assert_eq!(
        section(&update, "Sprint"),
        [
            "Sprint 4: Guests can check out",
            "Day 6 of 10, 5 days left.",
            "20 of 40 points done [█████░░░░░] 50%",
            "On track."
        ]
    );
    assert_eq!(
        section(&update, "Risks and blockers"),
        ["No known risks or blockers."]
    );
}

#[test]
fn a_sprint_at_risk_is_a_risk() {
    let update = compose(
        &UpdateInput {
            sprint: Some(sprint(40, 10)),
            standups: with_standup(),
            ..UpdateInput::default()
        },
        now(),
    );
    assert!(section(&update, "Sprint")
        .last()
        .unwrap()
        .starts_with("At risk"));
    assert_eq!(
        section(&update, "Risks and blockers"),
        ["Sprint 4 is behind plan: about 20 points planned by now, 10 done (40 in all)."]
    );
}

#[test]
fn a_one_point_sprint_reads_in_the_singular() {
    let update = compose(
        &UpdateInput {
            sprint: Some(sprint(1, 0)),
            ..UpdateInput::default()
        },
        now(),
    );
    assert_eq!(
        section(&update, "Sprint")[2],
        "0 of 1 point done [░░░░░░░░░░] 0%"
    );
}

#[test]
fn a_sprint_not_yet_started_or_already_ended_says_so() {
    let early = Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap();
    let update = compose(
        &UpdateInput {
            sprint: Some(sprint(40, 0)),
            ..UpdateInput::default()
        },
        early,
    );
    assert_eq!(
        section(&update, "Sprint")[1],
        "Starts on 2024-03-04, runs 10 days."
    );
    let late = Utc.with_ymd_and_hms(2024, 3, 20, 0, 0, 0).unwrap();
    let update = compose(
        &UpdateInput {
            sprint: Some(sprint(40, 40)),
            ..UpdateInput::default()
        },
        late,
    );
    assert_eq!(
        section(&update, "Sprint")[1],
        "Ended on 2024-03-13; the team is wrapping it up."
    );
}

#[test]
fn the_update_uses_no_internal_jargon() {
    let input = UpdateInput {
        team: "Core".into(),
        sprint: Some(sprint(40, 5)),
        shipped: vec![ShippedStory {
            story: story(1, "Guest checkout"),
            status: Status::Done,
        }],
        backlog: Status::ALL
            .iter()
            .enumerate()
            .map(|(i, s)| open(i as i64 + 10, "Story", *s))
            .collect(),
        blocked: vec![BlockedStory {
            story: story(2, "A"),
            waiting_on: vec![(story(3, "B"), Status::InProgress)],
        }],
        ..UpdateInput::default()
    };
    let update = compose(&input, now());
    let text: String = update
        .sections
        .iter()
        .flat_map(|s| s.lines.iter().chain([&s.heading]))
        .cloned()
        .collect();
    for jargon in ["in_progress", "_", "Status::", "InProgress"] {
        assert!(!text.contains(jargon), "{jargon} in {text}");
    }
}
