//! The value/effort matrix posted with `value_effort` vote results: each story at its mean
//! effort (x) and mean value (y), on a 1-5 grid split at 3 into four named quadrants.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{ticked, TickedAxis};
use super::canvas::{self, anchored, bold, text, Area, DrawResult, GRID, INK, MUTED};
use super::ChartError;

const TITLE: &str = "Value vs effort";
/// Same split as the tally's quadrants: a mean of exactly 3 counts as high.
const SPLIT: f64 = 3.0;
/// The axes run half a step past 1 and 5, leaving a band free of points for the quadrant names.
const AXIS: std::ops::Range<f64> = 0.5..5.5;

/// One voted story: its number and mean ratings (each 1-5).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatrixPoint {
    pub story: u32,
    pub mean_value: f64,
    pub mean_effort: f64,
}

pub fn value_effort_matrix(points: &[MatrixPoint]) -> Result<Vec<u8>, ChartError> {
    let spots = spots(points);
    canvas::render_png(|root| {
        if spots.is_empty() {
            return canvas::draw_no_data(root, TITLE);
        }
        draw_matrix(root, &spots)
    })
}

/// Stories whose means land on the same spot share one dot and one label ("#3, #7"), so
/// their labels do not print over each other.
struct Spot {
    effort: f64,
    value: f64,
    label: String,
}

fn spots(points: &[MatrixPoint]) -> Vec<Spot> {
    let mut spots: Vec<Spot> = Vec::new();
    for point in points {
        if !(point.mean_value.is_finite() && point.mean_effort.is_finite()) {
            continue;
        }
        let (effort, value) = (
            point.mean_effort.clamp(1.0, 5.0),
            point.mean_value.clamp(1.0, 5.0),
        );
        let same_spot =
            |s: &&mut Spot| (s.effort - effort).abs() < 0.1 && (s.value - value).abs() < 0.1;
        match spots.iter_mut().find(|s| same_spot(s)) {
            Some(spot) => spot.label.push_str(&format!(", #{}", point.story)),
            None => spots.push(Spot {
                effort,
                value,
                label: format!("#{}", point.story),
            }),
        }
    }
    spots
}

fn draw_matrix(root: &Area, spots: &[Spot]) -> DrawResult {
    canvas::draw_title(root, TITLE)?;
    let mut chart = ChartBuilder::on(&canvas::below_title(root))
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(ticked(AXIS, ticks()), ticked(AXIS, ticks()))?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("Effort (mean, 1 = least)")
        .y_desc("Value (mean, 5 = most)")
        .axis_desc_style(text(15.0, INK))
        .label_style(text(14.0, MUTED))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()?;
    draw_quadrants(&mut chart)?;
    for spot in spots {
        let at = (spot.effort, spot.value);
        chart.draw_series(std::iter::once(Circle::new(at, 6, canvas::BLUE.filled())))?;
        // Labels go right of the dot, or left of it near the right edge.
        let (h, dx) = if spot.effort > 4.3 {
            (HPos::Right, -10)
        } else {
            (HPos::Left, 10)
        };
        let style = anchored(text(15.0, INK), h, VPos::Center);
        let label = EmptyElement::at(at) + Text::new(spot.label.clone(), (dx, 0), style);
        chart.draw_series(std::iter::once(label))?;
    }
    Ok(())
}

fn ticks() -> Vec<f64> {
    vec![1.0, 2.0, 3.0, 4.0, 5.0]
}

type Matrix<'a, 'b> = ChartContext<'a, BitMapBackend<'b>, Cartesian2d<TickedAxis, TickedAxis>>;

/// Tinted cells, the split lines at 3 and each quadrant's name in its outer corner.
fn draw_quadrants(chart: &mut Matrix) -> DrawResult {
    let (low, high) = (AXIS.start, AXIS.end);
    let cells = [
        (
            "Quick wins",
            (low, SPLIT),
            (SPLIT, high),
            RGBColor(225, 245, 230),
            canvas::GREEN,
        ),
        (
            "Big bets",
            (SPLIT, high),
            (SPLIT, high),
            RGBColor(226, 236, 250),
            canvas::BLUE,
        ),
        (
            "Fill-ins",
            (low, SPLIT),
            (low, SPLIT),
            RGBColor(240, 240, 240),
            MUTED,
        ),
        (
            "Money pits",
            (SPLIT, high),
            (low, SPLIT),
            RGBColor(250, 230, 228),
            canvas::RED,
        ),
    ];
    for (_, (x0, x1), (y0, y1), tint, _) in cells {
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x0, y0), (x1, y1)],
            tint.filled(),
        )))?;
    }
    let split = ShapeStyle::from(&MUTED).stroke_width(2);
    chart.draw_series(LineSeries::new([(SPLIT, low), (SPLIT, high)], split))?;
    chart.draw_series(LineSeries::new([(low, SPLIT), (high, SPLIT)], split))?;
    for x in [1.0, 2.0, 4.0, 5.0] {
        chart.draw_series(LineSeries::new([(x, low), (x, high)], GRID))?;
        chart.draw_series(LineSeries::new([(low, x), (high, x)], GRID))?;
    }
    let inset = 0.06;
    for (name, (x0, x1), (y0, y1), _, ink) in cells {
        let left = x0 == low;
        let top = y1 == high;
        let x = if left { x0 + inset } else { x1 - inset };
        let y = if top { y1 - inset } else { y0 + inset };
        let h = if left { HPos::Left } else { HPos::Right };
        let v = if top { VPos::Top } else { VPos::Bottom };
        let style = anchored(bold(17.0, ink), h, v);
        chart.draw_series(std::iter::once(Text::new(name, (x, y), style)))?;
    }
    Ok(())
}
