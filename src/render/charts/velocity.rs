//! The velocity picture for `/sprint history`: committed and completed points side by side for
//! each closed sprint, oldest on the left, with a legend.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::ticked;
use super::canvas::{self, anchored, text, Area, DrawResult, INK, MUTED};
use super::ChartError;

const TITLE: &str = "Velocity";
/// The newest this-many sprints are drawn; more would squeeze names and bars past reading.
pub const MAX_SPRINTS: usize = 12;
/// Width of the plot in pixels, roughly, for fitting sprint names under their bars.
const PLOT_WIDTH_PX: usize = 700;

/// One closed sprint's numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SprintBars {
    pub name: String,
    pub committed: u32,
    pub completed: u32,
}

/// `sprints` oldest first; only the newest [`MAX_SPRINTS`] are drawn.
pub fn velocity(sprints: &[SprintBars]) -> Result<Vec<u8>, ChartError> {
    let shown = &sprints[sprints.len().saturating_sub(MAX_SPRINTS)..];
    canvas::render_png(|root| {
        let top = shown
            .iter()
            .map(|s| s.committed.max(s.completed))
            .max()
            .unwrap_or(0);
        if top == 0 {
            return canvas::draw_no_data(root, TITLE);
        }
        draw_velocity(root, shown, f64::from(top))
    })
}

fn draw_velocity(root: &Area, sprints: &[SprintBars], top: f64) -> DrawResult {
    canvas::draw_title(root, TITLE)?;
    let count = sprints.len();
    let centres: Vec<f64> = (0..count).map(|i| i as f64 + 0.5).collect();
    // About 8 pixels per character at the label size.
    let name_chars = (PLOT_WIDTH_PX / count / 8).clamp(4, 18);
    let prefix = shared_prefix_to_drop(sprints, name_chars);
    let x_desc = prefix.trim_end();
    let mut chart = ChartBuilder::on(&canvas::below_title(root))
        .x_label_area_size(40)
        .y_label_area_size(50)
        // Headroom above the tallest bar keeps the legend and bar values clear of each other.
        .build_cartesian_2d(ticked(0.0..count as f64, centres), 0.0..top * 1.3)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(canvas::GRID)
        .x_desc(x_desc)
        .y_desc("Points")
        .axis_desc_style(text(15.0, INK))
        .label_style(text(14.0, MUTED))
        .x_label_formatter(&|x| sprint_name(sprints, *x, prefix.len(), name_chars))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()?;

    let bars = [
        ("Committed", canvas::LIGHT_BLUE, 0.12, 0.49),
        ("Completed", canvas::GREEN, 0.51, 0.88),
    ];
    for (series, (label, colour, from, to)) in bars.into_iter().enumerate() {
        let value = |s: &SprintBars| {
            f64::from(if series == 0 {
                s.committed
            } else {
                s.completed
            })
        };
        let rects = sprints.iter().enumerate().map(|(i, s)| {
            let x = i as f64;
            Rectangle::new([(x + from, 0.0), (x + to, value(s))], colour.filled())
        });
        chart
            .draw_series(rects)?
            .label(label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], colour.filled()));
        let numbers = sprints.iter().enumerate().map(|(i, s)| {
            let at = (i as f64 + (from + to) / 2.0, value(s));
            let style = anchored(text(13.0, INK), HPos::Center, VPos::Bottom);
            EmptyElement::at(at) + Text::new(format!("{}", value(s)), (0, -3), style)
        });
        chart.draw_series(numbers)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font(text(14.0, INK))
        .background_style(WHITE.mix(0.9))
        .border_style(canvas::GRID)
        .draw()
}

/// When names are too long to fit under their bars and all start with the same words
/// ("Sprint 1", "Sprint 2", ...), those words move to the axis title and the bars keep what
/// tells them apart. Returns the prefix to drop, ending in a space, or "".
fn shared_prefix_to_drop(sprints: &[SprintBars], max_chars: usize) -> &str {
    let Some(first) = sprints.first() else {
        return "";
    };
    if sprints.len() < 2 || sprints.iter().all(|s| s.name.chars().count() <= max_chars) {
        return "";
    }
    let shared = sprints.iter().fold(first.name.as_str(), |prefix, s| {
        let same = prefix
            .char_indices()
            .zip(s.name.chars())
            .take_while(|((_, a), b)| a == b);
        let end = same.last().map_or(0, |((i, a), _)| i + a.len_utf8());
        &prefix[..end]
    });
    shared.rfind(' ').map_or("", |space| &shared[..=space])
}

fn sprint_name(sprints: &[SprintBars], x: f64, drop_bytes: usize, max_chars: usize) -> String {
    let index = x.floor();
    if index < 0.0 {
        return String::new();
    }
    sprints.get(index as usize).map_or_else(String::new, |s| {
        canvas::shorten(&s.name[drop_bytes..], max_chars)
    })
}
