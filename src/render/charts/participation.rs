//! The stand-up participation picture for `/standup stats`: one horizontal bar per member,
//! answered over expected, with the count and rate written beside it.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::ticked;
use super::canvas::{self, anchored, text, Area, DrawResult, INK, MUTED};
use super::ChartError;

const TITLE: &str = "Stand-up participation";
/// Rows that fit the picture with readable names; the first this-many members are drawn.
pub const MAX_MEMBERS: usize = 20;

/// One member's stand-ups over the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberParticipation {
    pub display_name: String,
    pub answered: u32,
    /// Stand-ups the member was due to answer (not away, not skipped days).
    pub expected: u32,
}

/// `members` in the order to show them, top to bottom; only the first [`MAX_MEMBERS`] are
/// drawn and the title says how many were left out.
pub fn participation(members: &[MemberParticipation]) -> Result<Vec<u8>, ChartError> {
    let shown = &members[..members.len().min(MAX_MEMBERS)];
    let title = match members.len() - shown.len() {
        0 => TITLE.to_owned(),
        hidden => format!("{TITLE} (first {MAX_MEMBERS}, {hidden} more not shown)"),
    };
    canvas::render_png(|root| {
        let top = shown
            .iter()
            .map(|m| m.expected.max(m.answered))
            .max()
            .unwrap_or(0);
        if top == 0 {
            return canvas::draw_no_data(root, &title);
        }
        draw_participation(root, &title, shown, f64::from(top))
    })
}

fn draw_participation(
    root: &Area,
    title: &str,
    members: &[MemberParticipation],
    top: f64,
) -> DrawResult {
    canvas::draw_title(root, title)?;
    let rows = members.len();
    let centres: Vec<f64> = (0..rows).map(|i| i as f64 + 0.5).collect();
    let mut chart = ChartBuilder::on(&canvas::below_title(root))
        .x_label_area_size(40)
        .y_label_area_size(170)
        // Room right of the longest bar for its "answered/expected (rate)" note.
        .build_cartesian_2d(0.0..top * 1.35, ticked(0.0..rows as f64, centres))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(canvas::GRID)
        .x_desc("Stand-ups")
        .axis_desc_style(text(15.0, INK))
        .label_style(text(14.0, INK))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| member_name(members, *y))
        .draw()?;

    // Row 0 is drawn at the top: plotters' y grows upwards.
    let row_bottom = |i: usize| (rows - 1 - i) as f64;
    let expected = members.iter().enumerate().map(|(i, m)| {
        let y = row_bottom(i);
        Rectangle::new(
            [(0.0, y + 0.15), (f64::from(m.expected), y + 0.85)],
            canvas::GRID.filled(),
        )
    });
    chart.draw_series(expected)?;
    let answered = members.iter().enumerate().map(|(i, m)| {
        let y = row_bottom(i);
        Rectangle::new(
            [(0.0, y + 0.15), (f64::from(m.answered), y + 0.85)],
            canvas::BLUE.filled(),
        )
    });
    chart.draw_series(answered)?;
    let notes = members.iter().enumerate().map(|(i, m)| {
        let at = (f64::from(m.expected.max(m.answered)), row_bottom(i) + 0.5);
        let style = anchored(text(13.0, MUTED), HPos::Left, VPos::Center);
        EmptyElement::at(at) + Text::new(note(m), (6, 0), style)
    });
    chart.draw_series(notes)?;
    Ok(())
}

/// "8/10 (80%)"; just "3 answered" when nothing was expected (someone off the roster who
/// answered anyway), so there is never a division by zero.
fn note(member: &MemberParticipation) -> String {
    let (answered, expected) = (member.answered, member.expected);
    if expected == 0 {
        return format!("{answered} answered");
    }
    let rate = f64::from(answered) * 100.0 / f64::from(expected);
    format!("{answered}/{expected} ({rate:.0}%)")
}

fn member_name(members: &[MemberParticipation], y: f64) -> String {
    let from_bottom = y.floor();
    if from_bottom < 0.0 || from_bottom as usize >= members.len() {
        return String::new();
    }
    let index = members.len() - 1 - from_bottom as usize;
    canvas::shorten(&members[index].display_name, 20)
}
