//! The sprint burndown for `/sprint status` and `/sprint close`: the ideal line, the points
//! actually remaining at the end of each day so far, and the days the scope changed.

use plotters::prelude::*;

use super::axis::ticked;
use super::canvas::{self, text, Area, DrawResult, INK, MUTED};
use super::ChartError;

const TITLE: &str = "Burndown";
/// At most this many day labels on the x axis; longer sprints label every second or third day.
const MAX_DAY_LABELS: usize = 10;

/// One sprint day, measured at its end.
#[derive(Debug, Clone, PartialEq)]
pub struct BurndownPoint {
    /// The x-axis label, e.g. "Mar 3"; keep it short (it is cut to 8 characters).
    pub label: String,
    pub ideal_remaining: f64,
    /// `None` for days that have not begun.
    pub actual_remaining: Option<u32>,
    /// A story moved into or out of the sprint that day.
    pub scope_changed: bool,
}

pub fn burndown(days: &[BurndownPoint]) -> Result<Vec<u8>, ChartError> {
    canvas::render_png(|root| {
        let top = highest_value(days);
        if days.is_empty() || top <= 0.0 {
            return canvas::draw_no_data(root, TITLE);
        }
        draw_burndown(root, days, top)
    })
}

fn highest_value(days: &[BurndownPoint]) -> f64 {
    days.iter()
        .flat_map(|d| [d.ideal_remaining, d.actual_remaining.map_or(0.0, f64::from)])
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

fn draw_burndown(root: &Area, days: &[BurndownPoint], top: f64) -> DrawResult {
    canvas::draw_title(root, TITLE)?;
    let last = (days.len() - 1) as f64;
    let step = days.len().div_ceil(MAX_DAY_LABELS);
    let day_ticks: Vec<f64> = (0..days.len()).step_by(step).map(|i| i as f64).collect();
    let mut chart = ChartBuilder::on(&canvas::below_title(root))
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(ticked(-0.5..last + 0.5, day_ticks), 0.0..top * 1.1)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(canvas::GRID)
        .y_desc("Points remaining")
        .axis_desc_style(text(15.0, INK))
        .label_style(text(14.0, MUTED))
        .x_label_formatter(&|x| day_label(days, *x))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()?;

    let scope_days: Vec<f64> = (0..days.len())
        .filter(|&i| days[i].scope_changed)
        .map(|i| i as f64)
        .collect();
    let scope = ShapeStyle::from(&canvas::ORANGE).stroke_width(2);
    for &x in &scope_days {
        chart.draw_series(DashedLineSeries::new(
            [(x, 0.0), (x, top * 1.1)],
            6,
            4,
            scope,
        ))?;
    }
    if !scope_days.is_empty() {
        // An empty series that only carries the legend entry for the markers above.
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
            .label("Scope changed")
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], scope));
    }

    let ideal = ShapeStyle::from(&MUTED).stroke_width(2);
    let ideal_points = days
        .iter()
        .enumerate()
        .map(|(i, d)| (i as f64, d.ideal_remaining));
    chart
        .draw_series(DashedLineSeries::new(ideal_points, 8, 6, ideal))?
        .label("Ideal")
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], ideal));

    let actual: Vec<(f64, f64)> = days
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.actual_remaining.map(|r| (i as f64, f64::from(r))))
        .collect();
    let line = ShapeStyle::from(&canvas::BLUE).stroke_width(3);
    chart
        .draw_series(LineSeries::new(actual.iter().copied(), line).point_size(4))?
        .label("Remaining")
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], line));

    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font(text(14.0, INK))
        .background_style(WHITE.mix(0.9))
        .border_style(canvas::GRID)
        .draw()
}

fn day_label(days: &[BurndownPoint], x: f64) -> String {
    let index = x.round();
    if index < 0.0 || (x - index).abs() > 1e-6 {
        return String::new();
    }
    days.get(index as usize)
        .map_or_else(String::new, |d| canvas::shorten(&d.label, 8))
}
