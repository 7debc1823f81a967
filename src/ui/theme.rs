//! Colours, plot markers and glyphs, chosen once from the environment
//! (colour depth, `NO_COLOR`, the locale) and the ASCII flag.

use ratatui::style::{Modifier, Style};
use ratatui::symbols::{Marker, border};
use ratatui::text::Span;
use tracing::info;

use super::capabilities::{ColorDepth, locale_is_utf8, process_var};
use super::palette::{dim_color, role_color, series_color};

/// Visual role of a plotted series or a piece of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    TrainLoss,
    TestLoss,
    WeightChangeW,
    WeightChangeA,
    FeatureChange,
    KernelDistance,
    KernelChange,
    KernelAlignment,
    Network,
    Ntk,
    /// Linearised network: the empirical NTK of step 0 around `g_0`.
    Linearized,
    GpMean,
    GpBand,
    Sample,
    TrainingPoints,
    Accuracy,
    NngpReference,
    NtkReference,
    Warning,
    /// One run of compare mode, by its position; see [`run_series`].
    Run(usize),
    /// Weight change of hidden layer `l` (1-based) in a per-layer chart.
    Layer(usize),
    /// Fraction of the first layer in the teacher subspace.
    TeacherAlignment,
    /// A fixed reference level, such as the teacher alignment's chance value.
    Chance,
}

impl Role {
    /// Character that marks the series when colour or braille is off, so
    /// that every series in one chart stays distinguishable.
    fn ascii_marker(self) -> char {
        match self {
            Role::TrainLoss | Role::WeightChangeW | Role::KernelDistance | Role::Network => '*',
            Role::TestLoss | Role::WeightChangeA | Role::KernelChange | Role::Ntk => '+',
            Role::FeatureChange | Role::KernelAlignment | Role::GpMean => '=',
            Role::GpBand => '.',
            Role::Sample => ':',
            Role::TrainingPoints => 'o',
            Role::Accuracy => '*',
            Role::NngpReference => '=',
            Role::NtkReference => '+',
            Role::Linearized => '~',
            Role::Warning => '!',
            Role::Run(index) => run_series(index).marker,
            // The layer number itself, in base 36 past layer 9.
            Role::Layer(layer) => u32::try_from(layer % 36)
                .ok()
                .and_then(|digit| char::from_digit(digit, 36))
                .unwrap_or('?'),
            Role::TeacherAlignment => '*',
            Role::Chance => '.',
        }
    }
}

/// Drawing style of one compare-mode run in exported images (an RGB colour)
/// and in output without colour or braille (a marker character). The
/// terminal colour comes from [`super::palette::series_color`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeriesColor {
    pub rgb: (u8, u8, u8),
    pub marker: char,
}

/// Colours and markers of the runs in compare mode. No entry shares a colour or a marker
/// with the overlays of the function view (NTK, GP, linearised network,
/// training points), so runs and theory stay apart without colour too.
const SERIES_PALETTE: [SeriesColor; 4] = [
    SeriesColor {
        rgb: (0, 150, 60),
        marker: '*',
    },
    SeriesColor {
        rgb: (210, 40, 40),
        marker: '#',
    },
    SeriesColor {
        rgb: (40, 90, 220),
        marker: 'x',
    },
    SeriesColor {
        rgb: (200, 150, 0),
        marker: '%',
    },
];

/// Returns the colour and marker of the run at `index`. The palette has
/// four entries, the most runs compare mode holds; larger indices wrap.
pub fn run_series(index: usize) -> SeriesColor {
    SERIES_PALETTE[index % SERIES_PALETTE.len()]
}

/// Text that differs between Unicode and ASCII output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Glyphs {
    pub gamma: &'static str,
    pub theta: &'static str,
    pub eta0: &'static str,
    pub lambda_min: &'static str,
    pub plus_minus: &'static str,
    pub separator: &'static str,
    /// Marks the chart that the metric keys act on.
    pub focus: &'static str,
}

const UNICODE_GLYPHS: Glyphs = Glyphs {
    gamma: "γ",
    theta: "Θ",
    eta0: "η0",
    lambda_min: "λmin",
    plus_minus: "±",
    separator: " │ ",
    focus: "▶",
};

const ASCII_GLYPHS: Glyphs = Glyphs {
    gamma: "gamma",
    theta: "Theta",
    eta0: "eta0",
    lambda_min: "lambda_min",
    plus_minus: "+/-",
    separator: " | ",
    focus: ">",
};

/// Borders drawn with `+`, `-` and `|`.
pub const ASCII_BORDER: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// Output options: the colour depth, and Unicode or plain ASCII.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub depth: ColorDepth,
    pub ascii: bool,
}

/// Series markers when colour or braille is off, in [`Theme::series_marker`]
/// order.
const SERIES_MARKERS: [char; 4] = ['*', '+', 'x', 'o'];

impl Theme {
    /// Detects the theme from the process environment with [`Theme::detect`].
    pub fn from_env(ascii: bool) -> Theme {
        let theme = Theme::detect(ascii, process_var);
        if theme.ascii && !ascii {
            info!("the locale is not UTF-8; drawing with ASCII characters");
        }
        theme
    }

    /// Picks the colour depth with [`ColorDepth::detect`], and ASCII output
    /// when `ascii` is set or the locale is not UTF-8 (see
    /// [`locale_is_utf8`]).
    pub fn detect(ascii: bool, var: impl Fn(&str) -> Option<String>) -> Theme {
        Theme {
            depth: ColorDepth::detect(&var),
            ascii: ascii || !locale_is_utf8(&var),
        }
    }

    /// Returns whether any colour is drawn.
    pub fn color(&self) -> bool {
        self.depth != ColorDepth::Monochrome
    }

    /// Style of the series at `index` in a chart of runs, such as compare
    /// mode's: the slot colour from [`series_color`], plain without colour.
    pub fn series_style(&self, index: usize) -> Style {
        if self.color() {
            Style::default().fg(series_color(self.depth, index))
        } else {
            Style::default()
        }
    }

    /// Plot marker of the series at `index`: braille in colour, else one
    /// of four characters, which repeat like the colours do.
    pub fn series_marker(&self, index: usize) -> Marker {
        if self.ascii || !self.color() {
            return Marker::Custom(SERIES_MARKERS[index % SERIES_MARKERS.len()]);
        }
        Marker::Braille
    }

    pub fn glyphs(&self) -> Glyphs {
        if self.ascii {
            ASCII_GLYPHS
        } else {
            UNICODE_GLYPHS
        }
    }

    /// Style of `role`: its colour, or without colour bold for warnings and
    /// plain for everything else.
    pub fn style(&self, role: Role) -> Style {
        if self.color() {
            return Style::default().fg(role_color(role, self.depth));
        }
        match role {
            Role::Warning => Style::default().add_modifier(Modifier::BOLD),
            _ => Style::default(),
        }
    }

    /// Style for secondary text such as axis labels and hints.
    pub fn dim(&self) -> Style {
        if self.color() {
            Style::default().fg(dim_color(self.depth))
        } else {
            Style::default()
        }
    }

    /// Style for titles and the preset name.
    pub fn bold(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    /// Plot marker of `role`: braille lines and dot points in colour, one
    /// distinct character per role when colour or Unicode is off.
    pub fn marker(&self, role: Role) -> Marker {
        if self.ascii || !self.color() {
            return Marker::Custom(role.ascii_marker());
        }
        match role {
            Role::TrainingPoints => Marker::Dot,
            _ => Marker::Braille,
        }
    }

    /// Legend sample for `role`: a coloured bar, or its marker character.
    pub fn swatch(&self, role: Role) -> Span<'static> {
        if self.ascii || !self.color() {
            return Span::raw(role.ascii_marker().to_string());
        }
        let symbol = if role == Role::TrainingPoints {
            "•"
        } else {
            "━"
        };
        Span::styled(symbol, self.style(role))
    }

    /// Border characters for panel blocks.
    pub fn border_set(&self) -> border::Set<'static> {
        if self.ascii {
            ASCII_BORDER
        } else {
            border::PLAIN
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_no_color_has_no_colours() {
        let theme = Theme {
            depth: ColorDepth::Monochrome,
            ascii: false,
        };
        for role in [Role::TrainLoss, Role::Network, Role::Warning, Role::GpBand] {
            assert_eq!(theme.style(role).fg, None, "{role:?}");
        }
        assert_eq!(theme.dim().fg, None);
    }

    #[test]
    fn theme_monochrome_markers_differ() {
        let theme = Theme {
            depth: ColorDepth::Monochrome,
            ascii: false,
        };
        let function_view = [
            Role::Network,
            Role::Ntk,
            Role::GpMean,
            Role::GpBand,
            Role::Sample,
            Role::TrainingPoints,
        ];
        let markers: Vec<Marker> = function_view.iter().map(|r| theme.marker(*r)).collect();
        for (i, a) in markers.iter().enumerate() {
            for b in &markers[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn theme_series_styles_and_markers_differ() {
        let colour = Theme {
            depth: ColorDepth::Ansi256,
            ascii: false,
        };
        let plain = Theme {
            depth: ColorDepth::Monochrome,
            ascii: false,
        };
        for i in 0..4 {
            for j in i + 1..4 {
                assert_ne!(colour.series_style(i), colour.series_style(j), "{i} {j}");
                assert_ne!(plain.series_marker(i), plain.series_marker(j), "{i} {j}");
            }
            assert_eq!(plain.series_style(i).fg, None, "{i}");
            assert_eq!(colour.series_marker(i), Marker::Braille, "{i}");
        }
    }

    #[test]
    fn theme_detect_falls_back_to_ascii() {
        let c_locale = |name: &str| match name {
            "LANG" => Some("C".to_string()),
            "TERM" => Some("xterm-256color".to_string()),
            _ => None,
        };
        let theme = Theme::detect(false, c_locale);
        assert!(theme.ascii);
        assert_eq!(theme.depth, ColorDepth::Ansi256);
        let utf8 = |name: &str| (name == "LANG").then(|| "en_US.UTF-8".to_string());
        assert!(!Theme::detect(false, utf8).ascii);
        assert!(Theme::detect(true, utf8).ascii);
    }

    #[test]
    fn theme_ascii_glyphs_are_ascii() {
        let glyphs = ASCII_GLYPHS;
        let all = [
            glyphs.gamma,
            glyphs.theta,
            glyphs.eta0,
            glyphs.lambda_min,
            glyphs.plus_minus,
            glyphs.separator,
            glyphs.focus,
        ];
        for text in all {
            assert!(text.is_ascii(), "{text}");
        }
    }
}
