//! Colours, plot markers and glyphs, chosen once from `NO_COLOR` and the
//! ASCII flag.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::{Marker, border};
use ratatui::text::Span;

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
    /// One run of compare mode, by its position; see [`series_color`].
    Run(usize),
}

impl Role {
    fn color(self) -> Color {
        match self {
            Role::TrainLoss | Role::WeightChangeW | Role::KernelDistance | Role::Network => {
                Color::LightGreen
            }
            Role::TestLoss | Role::WeightChangeA | Role::KernelChange | Role::Ntk => {
                Color::LightMagenta
            }
            Role::FeatureChange | Role::KernelAlignment | Role::GpMean => Color::LightCyan,
            Role::GpBand => Color::Blue,
            Role::Sample => Color::DarkGray,
            Role::TrainingPoints => Color::Yellow,
            Role::Accuracy => Color::LightGreen,
            Role::NngpReference => Color::LightCyan,
            Role::NtkReference => Color::LightMagenta,
            Role::Linearized => Color::Magenta,
            Role::Warning => Color::LightRed,
            Role::Run(index) => series_color(index).color,
        }
    }

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
            Role::Run(index) => series_color(index).marker,
        }
    }
}

/// How one run of compare mode is drawn: a terminal colour, the same colour
/// as RGB for exported images, and a marker character for output without
/// colour or braille.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeriesColor {
    pub color: Color,
    pub rgb: (u8, u8, u8),
    pub marker: char,
}

/// Colours and markers of the runs in compare mode. No entry shares a colour or a marker
/// with the overlays of the function view (NTK, GP, linearised network,
/// training points), so runs and theory stay apart without colour too.
const SERIES_PALETTE: [SeriesColor; 4] = [
    SeriesColor {
        color: Color::LightGreen,
        rgb: (0, 150, 60),
        marker: '*',
    },
    SeriesColor {
        color: Color::LightRed,
        rgb: (210, 40, 40),
        marker: '#',
    },
    SeriesColor {
        color: Color::LightBlue,
        rgb: (40, 90, 220),
        marker: 'x',
    },
    SeriesColor {
        color: Color::LightYellow,
        rgb: (200, 150, 0),
        marker: '%',
    },
];

/// Returns the colour and marker of the run at `index`. The palette has
/// four entries, the most runs compare mode holds; larger indices wrap.
pub fn series_color(index: usize) -> SeriesColor {
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
}

const UNICODE_GLYPHS: Glyphs = Glyphs {
    gamma: "γ",
    theta: "Θ",
    eta0: "η0",
    lambda_min: "λmin",
    plus_minus: "±",
    separator: " │ ",
};

const ASCII_GLYPHS: Glyphs = Glyphs {
    gamma: "gamma",
    theta: "Theta",
    eta0: "eta0",
    lambda_min: "lambda_min",
    plus_minus: "+/-",
    separator: " | ",
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

/// Output options: colour on or off, Unicode or plain ASCII.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub ascii: bool,
}

impl Theme {
    /// Colour is on unless `NO_COLOR` is set to a non-empty value
    /// (the convention of no-color.org).
    pub fn from_env(ascii: bool) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme {
            color: !no_color,
            ascii,
        }
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
        if self.color {
            return Style::default().fg(role.color());
        }
        match role {
            Role::Warning => Style::default().add_modifier(Modifier::BOLD),
            _ => Style::default(),
        }
    }

    /// Style for secondary text such as axis labels and hints.
    pub fn dim(&self) -> Style {
        if self.color {
            Style::default().fg(Color::Gray)
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
        if self.ascii || !self.color {
            return Marker::Custom(role.ascii_marker());
        }
        match role {
            Role::TrainingPoints => Marker::Dot,
            _ => Marker::Braille,
        }
    }

    /// Legend sample for `role`: a coloured bar, or its marker character.
    pub fn swatch(&self, role: Role) -> Span<'static> {
        if self.ascii || !self.color {
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
            color: false,
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
            color: false,
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
    fn theme_ascii_glyphs_are_ascii() {
        let glyphs = ASCII_GLYPHS;
        let all = [
            glyphs.gamma,
            glyphs.theta,
            glyphs.eta0,
            glyphs.lambda_min,
            glyphs.plus_minus,
            glyphs.separator,
        ];
        for text in all {
            assert!(text.is_ascii(), "{text}");
        }
    }
}
