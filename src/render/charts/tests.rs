//! Every chart decodes as a PNG of the documented size, with data and without. One test also
//! writes a sample of each to `target/chart-samples/` for a person to look at.

use std::path::PathBuf;

use super::*;

fn decoded_size(png_bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(png_bytes);
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).expect("PNG pixel data");
    (frame.width, frame.height)
}

fn matrix_points() -> Vec<MatrixPoint> {
    let point = |story, mean_value, mean_effort| MatrixPoint {
        story,
        mean_value,
        mean_effort,
    };
    vec![
        point(12, 4.5, 1.5),
        point(3, 4.0, 4.2),
        point(7, 2.0, 1.8),
        point(9, 1.5, 4.8),
        point(14, 3.0, 3.0),
        point(15, 3.0, 3.0),
        point(21, 5.0, 5.0),
        point(22, 1.0, 1.0),
        point(30, 3.4, 2.6),
    ]
}

fn burndown_days() -> Vec<BurndownPoint> {
    let actual = [
        Some(34),
        Some(34),
        Some(31),
        Some(36),
        Some(29),
        Some(24),
        Some(24),
        Some(19),
        None,
        None,
    ];
    let length = actual.len();
    actual
        .iter()
        .enumerate()
        .map(|(i, &actual_remaining)| BurndownPoint {
            label: format!("Mar {}", 3 + i),
            ideal_remaining: 34.0 * (length - i - 1) as f64 / length as f64,
            actual_remaining,
            scope_changed: i == 3,
        })
        .collect()
}

fn sprints() -> Vec<SprintBars> {
    let sprint = |name: &str, committed, completed| SprintBars {
        name: name.to_owned(),
        committed,
        completed,
    };
    vec![
        sprint("Sprint 1", 21, 13),
        sprint("Sprint 2", 24, 22),
        sprint("Sprint 3 - checkout revamp", 30, 31),
        sprint("Sprint 4", 26, 18),
        sprint("Sprint 5", 28, 28),
        sprint("Sprint 6", 32, 27),
    ]
}

fn members() -> Vec<MemberParticipation> {
    let member = |name: &str, answered, expected| MemberParticipation {
        display_name: name.to_owned(),
        answered,
        expected,
    };
    vec![
        member("Ada", 20, 20),
        member("Grace Hopper", 17, 20),
        member("Linus", 9, 18),
        member("Margaret Hamilton-Smith the Third", 12, 12),
        member("Ken", 0, 20),
        member("Guest", 3, 0),
    ]
}

fn long_history() -> Vec<SprintBars> {
    (1..=30)
        .map(|n| SprintBars {
            name: format!("Sprint {n}"),
            committed: n,
            completed: n / 2,
        })
        .collect()
}

fn crowd() -> Vec<MemberParticipation> {
    (1..=40)
        .map(|n| MemberParticipation {
            display_name: format!("Member {n}"),
            answered: n % 7,
            expected: 6,
        })
        .collect()
}

#[test]
fn every_chart_is_a_png_of_the_documented_size() {
    let charts = [
        value_effort_matrix(&matrix_points()),
        burndown(&burndown_days()),
        velocity(&sprints()),
        participation(&members()),
    ];
    for chart in charts {
        assert_eq!(decoded_size(&chart.expect("a chart")), (WIDTH, HEIGHT));
    }
}

#[test]
fn empty_inputs_give_a_no_data_picture_of_the_same_size() {
    let charts = [
        value_effort_matrix(&[]),
        burndown(&[]),
        velocity(&[]),
        participation(&[]),
    ];
    for chart in charts {
        assert_eq!(decoded_size(&chart.expect("a chart")), (WIDTH, HEIGHT));
    }
}

#[test]
fn all_zero_totals_give_a_picture_not_a_division_by_zero() {
    let zero_day = BurndownPoint {
        label: "Mar 3".into(),
        ideal_remaining: 0.0,
        actual_remaining: Some(0),
        scope_changed: true,
    };
    let zero_sprint = SprintBars {
        name: "Sprint 1".into(),
        committed: 0,
        completed: 0,
    };
    let zero_member = MemberParticipation {
        display_name: "Ada".into(),
        answered: 0,
        expected: 0,
    };
    let odd_point = MatrixPoint {
        story: 1,
        mean_value: f64::NAN,
        mean_effort: 9.0,
    };
    let charts = [
        value_effort_matrix(&[odd_point]),
        burndown(&[zero_day]),
        velocity(&[zero_sprint]),
        participation(&[zero_member]),
    ];
    for chart in charts {
        assert_eq!(decoded_size(&chart.expect("a chart")), (WIDTH, HEIGHT));
    }
}

#[test]
fn a_one_day_sprint_and_a_long_history_still_draw() {
    let mut one_day = burndown_days();
    one_day.truncate(1);
    let long_history: Vec<SprintBars> = (1..=30)
        .map(|n| SprintBars {
            name: format!("Sprint {n}"),
            committed: n,
            completed: n / 2,
        })
        .collect();
    let crowd: Vec<MemberParticipation> = (1..=40)
        .map(|n| MemberParticipation {
            display_name: format!("Member {n}"),
            answered: n % 7,
            expected: 6,
        })
        .collect();
    for chart in [
        burndown(&one_day),
        velocity(&long_history),
        participation(&crowd),
    ] {
        assert_eq!(decoded_size(&chart.expect("a chart")), (WIDTH, HEIGHT));
    }
}

/// Writes one picture of each chart (and the empty picture) for eyes, not assertions.
#[test]
fn samples_are_written_for_a_person_to_look_at() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/chart-samples");
    std::fs::create_dir_all(&dir).expect("sample folder");
    let samples = [
        ("value_effort.png", value_effort_matrix(&matrix_points())),
        ("burndown.png", burndown(&burndown_days())),
        ("velocity.png", velocity(&sprints())),
        ("participation.png", participation(&members())),
        ("empty.png", velocity(&[])),
        ("velocity_crowded.png", velocity(&long_history())),
        ("participation_crowded.png", participation(&crowd())),
    ];
    for (name, chart) in samples {
        std::fs::write(dir.join(name), chart.expect("a chart")).expect("sample written");
    }
}
