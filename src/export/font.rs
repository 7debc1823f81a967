//! The font of chart text, bundled into the binary so that PNG charts need
//! no system font library (fontconfig, freetype) and no font file at run
//! time.

use std::sync::OnceLock;

use plotters::style::{FontStyle, register_font};

/// DejaVu Sans cut down to Latin, Greek and common math characters (see
/// `assets/fonts/README.md`). A character outside that set is drawn as the
/// font's replacement box.
const SANS_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-subset.ttf");

/// Registers the bundled font as plotters' `sans-serif` family, the family
/// of every chart text, on the first call of the process.
///
/// Both backends need it, because the bitmap backend draws the glyphs with
/// it and the SVG backend measures text with it to place captions, tick
/// labels and the legend.
///
/// # Errors
/// A message when the bundled bytes are not a font that `ab_glyph` can
/// parse. Every later call returns the same outcome.
pub(super) fn register_chart_font() -> Result<(), String> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let registered = *REGISTERED
        .get_or_init(|| register_font("sans-serif", FontStyle::Normal, SANS_TTF).is_ok());
    if registered {
        Ok(())
    } else {
        Err("the bundled chart font (DejaVu Sans) cannot be parsed".to_string())
    }
}
