//! The one typeface every chart uses: DejaVu Sans, embedded in the binary and registered with
//! plotters' `ab_glyph` text renderer, so pictures render the same everywhere with no system
//! fonts and no fetch at run time. Licence: `assets/fonts/LICENSE-DejaVu.txt`.

use std::sync::OnceLock;

use plotters::style::{register_font, FontFamily, FontStyle};

const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// The family name charts ask for; plotters looks fonts up by this string.
pub const FAMILY: FontFamily<'static> = FontFamily::SansSerif;

/// Registers the embedded faces once per process. plotters' font table is global, so every
/// chart calls this before drawing; later calls only read the remembered outcome.
pub fn ensure_registered() -> Result<(), super::ChartError> {
    static OUTCOME: OnceLock<bool> = OnceLock::new();
    let registered = *OUTCOME.get_or_init(|| {
        register_font(FAMILY.as_str(), FontStyle::Normal, REGULAR).is_ok()
            && register_font(FAMILY.as_str(), FontStyle::Bold, BOLD).is_ok()
    });
    registered.then_some(()).ok_or(super::ChartError::Font)
}
