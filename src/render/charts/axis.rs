//! A numeric axis whose ticks sit exactly where a chart puts them (under each bar, on chosen
//! days, on 1..5), instead of at the round numbers plotters would pick.
//!
//! plotters' own `with_key_points` would do, but its float axis has no default label
//! formatter, so a chart built on it cannot draw its mesh; this small type can.

use std::ops::Range;

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;

pub struct TickedAxis {
    linear: RangedCoordf64,
    ticks: Vec<f64>,
}

/// The axis over `range` with labelled ticks at `ticks` (charts format the labels).
pub fn ticked(range: Range<f64>, ticks: Vec<f64>) -> TickedAxis {
    TickedAxis {
        linear: range.into(),
        ticks,
    }
}

impl Ranged for TickedAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.linear.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Only bold ticks: no light grid lines between them.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.linear.range()
    }
}

impl ValueFormatter<f64> for TickedAxis {
    fn format(value: &f64) -> String {
        format!("{value}")
    }
}
