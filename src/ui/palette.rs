//! Colours of plotted series and text at each colour depth.
//!
//! Series colours come in four slots that stay apart at every depth: green,
//! magenta, cyan and yellow among the 16 ANSI colours, and the Okabe-Ito
//! colour-blind-safe hues (bluish green, reddish purple, sky blue, orange;
//! M. Okabe and K. Ito, "Color Universal Design", 2008) in 24-bit colour,
//! with their nearest xterm-256 entries in between.

use ratatui::style::Color;

use super::capabilities::ColorDepth;
use super::theme::Role;

/// Number of series colours before [`series_color`] repeats.
pub const SERIES_COLORS: usize = 4;

const ANSI16_SERIES: [Color; SERIES_COLORS] = [
    Color::LightGreen,
    Color::LightMagenta,
    Color::LightCyan,
    Color::Yellow,
];

/// xterm-256 entries 36, 175, 74 and 214 are (0,175,135), (215,135,175),
/// (95,175,215) and (255,175,0), the nearest cube colours to the 24-bit set.
const ANSI256_SERIES: [Color; SERIES_COLORS] = [
    Color::Indexed(36),
    Color::Indexed(175),
    Color::Indexed(74),
    Color::Indexed(214),
];

const TRUECOLOR_SERIES: [Color; SERIES_COLORS] = [
    Color::Rgb(0, 158, 115),
    Color::Rgb(204, 121, 167),
    Color::Rgb(86, 180, 233),
    Color::Rgb(230, 159, 0),
];

/// Colour of the series at `index`: one of [`SERIES_COLORS`] slots, which
/// repeat from `index = 4` on. Compare mode gives run `i` colour `i`.
/// Without colour this is `Color::Reset`, so series must then differ by
/// marker.
pub fn series_color(depth: ColorDepth, index: usize) -> Color {
    let slot = index % SERIES_COLORS;
    match depth {
        ColorDepth::Monochrome => Color::Reset,
        ColorDepth::Ansi16 => ANSI16_SERIES[slot],
        ColorDepth::Ansi256 => ANSI256_SERIES[slot],
        ColorDepth::TrueColor => TRUECOLOR_SERIES[slot],
    }
}

/// Colours outside the series slots.
#[derive(Clone, Copy, Debug)]
struct Accents {
    band: Color,
    sample: Color,
    warning: Color,
    dim: Color,
}

fn accents(depth: ColorDepth) -> Accents {
    match depth {
        ColorDepth::Monochrome => Accents {
            band: Color::Reset,
            sample: Color::Reset,
            warning: Color::Reset,
            dim: Color::Reset,
        },
        ColorDepth::Ansi16 => Accents {
            band: Color::Blue,
            sample: Color::DarkGray,
            warning: Color::LightRed,
            dim: Color::Gray,
        },
        ColorDepth::Ansi256 => Accents {
            band: Color::Indexed(25),
            sample: Color::Indexed(244),
            warning: Color::Indexed(203),
            dim: Color::Indexed(250),
        },
        ColorDepth::TrueColor => Accents {
            band: Color::Rgb(0, 114, 178),
            sample: Color::Rgb(128, 128, 128),
            warning: Color::Rgb(213, 94, 0),
            dim: Color::Rgb(190, 190, 190),
        },
    }
}

/// Colour of `role`. The roles drawn first in each chart share slot 0, the
/// second ones slot 1 and the third ones slot 2, so one chart never repeats
/// a colour.
pub fn role_color(role: Role, depth: ColorDepth) -> Color {
    let accents = accents(depth);
    match role {
        Role::TrainLoss
        | Role::WeightChangeW
        | Role::KernelDistance
        | Role::Network
        | Role::Accuracy
        | Role::TeacherAlignment => series_color(depth, 0),
        Role::TestLoss
        | Role::WeightChangeA
        | Role::KernelChange
        | Role::Ntk
        | Role::NtkReference => series_color(depth, 1),
        Role::FeatureChange | Role::KernelAlignment | Role::GpMean | Role::NngpReference => {
            series_color(depth, 2)
        }
        Role::TrainingPoints => series_color(depth, 3),
        Role::Run(index) => series_color(depth, index),
        // Layers 1 to 4 of a per-layer chart take slots 0 to 3.
        Role::Layer(layer) => series_color(depth, layer.saturating_sub(1)),
        Role::GpBand => accents.band,
        // The linearised curve belongs to gradient descent and the sample
        // to Langevin, so the two never share a view.
        Role::Sample | Role::Linearized => accents.sample,
        Role::Warning => accents.warning,
        Role::Chance => accents.dim,
    }
}

/// Colour of secondary text such as axis labels.
pub fn dim_color(depth: ColorDepth) -> Color {
    accents(depth).dim
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RGB value of a colour as a terminal shows it by default: the xterm
    /// values for the 16 named colours, the 6x6x6 cube and grey ramp for
    /// indexed ones.
    fn rgb(color: Color) -> (f64, f64, f64) {
        let (r, g, b) = match color {
            Color::Rgb(r, g, b) => (r, g, b),
            Color::Indexed(i) if (16..232).contains(&i) => {
                let level = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
                let i = i - 16;
                (level(i / 36), level(i / 6 % 6), level(i % 6))
            }
            Color::Indexed(i) if i >= 232 => {
                let grey = 8 + 10 * (i - 232);
                (grey, grey, grey)
            }
            Color::LightGreen => (0, 255, 0),
            Color::LightMagenta => (255, 0, 255),
            Color::LightCyan => (0, 255, 255),
            Color::Yellow => (205, 205, 0),
            other => panic!("no RGB value for {other:?}"),
        };
        (f64::from(r), f64::from(g), f64::from(b))
    }

    fn distance(a: Color, b: Color) -> f64 {
        let (a, b) = (rgb(a), rgb(b));
        ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2) + (a.2 - b.2).powi(2)).sqrt()
    }

    #[test]
    fn series_colors_stay_apart() {
        // 80 of the 441 RGB units between black and white keeps two hues
        // apart to the eye. The closest pair here, the 256-colour green and
        // blue, is about 124 apart.
        const MIN_DISTANCE: f64 = 80.0;
        for depth in [
            ColorDepth::Ansi16,
            ColorDepth::Ansi256,
            ColorDepth::TrueColor,
        ] {
            for i in 0..SERIES_COLORS {
                for j in i + 1..SERIES_COLORS {
                    let (a, b) = (series_color(depth, i), series_color(depth, j));
                    assert_ne!(a, b, "{depth:?} {i} {j}");
                    let d = distance(a, b);
                    assert!(d >= MIN_DISTANCE, "{depth:?} {i} {j}: {d:.0}");
                }
            }
        }
    }

    #[test]
    fn series_colors_repeat_after_four() {
        for depth in [ColorDepth::Ansi16, ColorDepth::TrueColor] {
            assert_eq!(series_color(depth, 4), series_color(depth, 0));
            assert_eq!(series_color(depth, 7), series_color(depth, 3));
        }
        assert_eq!(series_color(ColorDepth::Monochrome, 2), Color::Reset);
    }

    #[test]
    fn ansi256_matches_truecolor() {
        // Each 256-colour entry is at most 30 RGB units from its 24-bit
        // counterpart, while other slots are more than 100 away, so 60
        // catches a slot that drifted to the wrong hue.
        for index in 0..SERIES_COLORS {
            let d = distance(ANSI256_SERIES[index], TRUECOLOR_SERIES[index]);
            assert!(d < 60.0, "slot {index}: {d:.0}");
        }
    }
}
