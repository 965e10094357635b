//! What every chart shares: the picture size, the PNG encoding of plotters' RGB buffer, the
//! palette, text styles, and the "No data yet" picture drawn instead of an empty chart.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::font::{self, FAMILY};
use super::ChartError;

/// Every chart is this many pixels wide and high: wide enough for Discord's embed preview to
/// show it unscaled on desktop, small enough to stay well under a few hundred kilobytes.
pub const WIDTH: u32 = 800;
pub const HEIGHT: u32 = 500;

pub type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;
pub type DrawError = DrawingAreaErrorKind<<BitMapBackend<'static> as DrawingBackend>::ErrorType>;
pub type DrawResult = Result<(), DrawError>;

pub const INK: RGBColor = RGBColor(40, 44, 52);
pub const MUTED: RGBColor = RGBColor(120, 126, 136);
pub const GRID: RGBColor = RGBColor(225, 228, 232);
pub const BLUE: RGBColor = RGBColor(52, 110, 200);
pub const LIGHT_BLUE: RGBColor = RGBColor(170, 196, 235);
pub const GREEN: RGBColor = RGBColor(46, 150, 90);
pub const ORANGE: RGBColor = RGBColor(230, 130, 30);
pub const RED: RGBColor = RGBColor(200, 60, 60);

pub fn text(size: f64, color: RGBColor) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&color)
}

pub fn bold(size: f64, color: RGBColor) -> TextStyle<'static> {
    (FAMILY, size, FontStyle::Bold).into_font().color(&color)
}

pub fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

/// Draws with `draw` on a white canvas of [`WIDTH`] x [`HEIGHT`] and returns the PNG bytes.
pub fn render_png(draw: impl FnOnce(&Area) -> DrawResult) -> Result<Vec<u8>, ChartError> {
    font::ensure_registered()?;
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(ChartError::draw)?;
        draw(&root).map_err(ChartError::draw)?;
        root.present().map_err(ChartError::draw)?;
    }
    encode_png(&rgb)
}

fn encode_png(rgb: &[u8]) -> Result<Vec<u8>, ChartError> {
    let mut png_bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut png_bytes, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(ChartError::encode)?;
    writer.write_image_data(rgb).map_err(ChartError::encode)?;
    writer.finish().map_err(ChartError::encode)?;
    Ok(png_bytes)
}

/// The title at the top and "No data yet" in the middle: what a chart shows when there is
/// nothing to plot (no points, no days, only zeros), rather than empty axes.
pub fn draw_no_data(root: &Area, title: &str) -> DrawResult {
    draw_title(root, title)?;
    let centre = ((WIDTH / 2) as i32, (HEIGHT / 2) as i32);
    let style = anchored(text(28.0, MUTED), HPos::Center, VPos::Center);
    root.draw(&Text::new("No data yet", centre, style))
}

pub fn draw_title(root: &Area, title: &str) -> DrawResult {
    let style = anchored(bold(22.0, INK), HPos::Center, VPos::Top);
    root.draw(&Text::new(
        title.to_owned(),
        ((WIDTH / 2) as i32, 14),
        style,
    ))
}

/// The plot area under the title, with room for the axis labels.
pub fn below_title<'a>(root: &Area<'a>) -> Area<'a> {
    root.margin(50, 20, 20, 30)
}

/// `label` cut to `max_chars` characters with an ellipsis, so axis labels never run into
/// their neighbours.
pub fn shorten(label: &str, max_chars: usize) -> String {
    if label.chars().count() <= max_chars {
        return label.to_owned();
    }
    let kept: String = label.chars().take(max_chars.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}
