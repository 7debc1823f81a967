//! Top and bottom border lines of a metric chart: the title names the
//! metric, and the legend below names every line.

use ratatui::text::{Line, Span};

use super::chart_views::ChartView;
use super::format::format_value;
use super::theme::{Role, Theme};

/// Position of a view among the views of its chart, for the title.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ViewPlace {
    /// 0-based index of the view.
    pub index: usize,
    /// Number of views the chart cycles through.
    pub count: usize,
    /// Mark the chart as the one that `m` acts on.
    pub focused: bool,
}

impl ViewPlace {
    /// The only view of a chart without focus.
    pub const ONLY: ViewPlace = ViewPlace {
        index: 0,
        count: 1,
        focused: false,
    };
}

/// One legend entry: a swatch, a name and the latest value if any.
#[derive(Clone, Debug, PartialEq)]
pub struct LegendEntry {
    pub role: Role,
    pub name: String,
    pub short_name: String,
    pub latest: Option<f64>,
}

/// Builds the title of `view` that fits `width`. The forms drop, in turn,
/// the position ("2/5"), the full title and the "(log)" tag; the focus
/// marker always stays. When even the shortest form is wider, the border
/// cuts it.
pub fn chart_heading(
    view: &ChartView,
    place: ViewPlace,
    theme: &Theme,
    width: u16,
) -> Line<'static> {
    let marker = if place.focused {
        format!("{} ", theme.glyphs().focus)
    } else {
        String::new()
    };
    let position = if place.count > 1 {
        format!(" {}/{}", place.index + 1, place.count)
    } else {
        String::new()
    };
    let log = if view.log_y { " (log)" } else { "" };
    let forms = [
        (view.title.as_str(), position.as_str(), log),
        (view.title.as_str(), "", log),
        (view.short_title.as_str(), "", log),
        (view.short_title.as_str(), "", ""),
    ];
    let text =
        |(title, position, log): (&str, &str, &str)| format!(" {marker}{title}{position}{log} ");
    let heading = forms
        .into_iter()
        .map(text)
        .find(|heading| heading.chars().count() <= usize::from(width))
        .unwrap_or_else(|| text(forms[3]));
    Line::from(Span::styled(heading, theme.bold()))
}

/// How much of each entry the legend shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LegendForm {
    NameAndValue,
    ShortNameAndValue,
    Name,
    ShortName,
}

fn entry_label(entry: &LegendEntry, form: LegendForm) -> String {
    match (form, entry.latest) {
        (LegendForm::NameAndValue, Some(value)) => {
            format!(" {} {} ", entry.name, format_value(value))
        }
        (LegendForm::ShortNameAndValue, Some(value)) => {
            format!(" {} {} ", entry.short_name, format_value(value))
        }
        (LegendForm::NameAndValue | LegendForm::Name, _) => format!(" {} ", entry.name),
        (LegendForm::ShortNameAndValue | LegendForm::ShortName, _) => {
            format!(" {} ", entry.short_name)
        }
    }
}

/// Builds the legend line: a warning when `non_finite` values were left
/// out, then each entry's swatch and label in the first form that fits
/// `width`: names with values, short names with values, names, short
/// names. The warning comes first so that a narrow border cuts the legend,
/// not the warning.
pub fn chart_legend(
    entries: &[LegendEntry],
    non_finite: u64,
    theme: &Theme,
    width: u16,
) -> Line<'static> {
    let warning =
        (non_finite > 0).then(|| format!(" {} ", super::charts::non_finite_note(non_finite)));
    let fixed = 1 + warning.as_ref().map_or(0, |w| w.chars().count());
    let forms = [
        LegendForm::NameAndValue,
        LegendForm::ShortNameAndValue,
        LegendForm::Name,
        LegendForm::ShortName,
    ];
    let form = forms
        .into_iter()
        .find(|form| {
            // Each entry is a one-column swatch plus its label.
            let length: usize = entries
                .iter()
                .map(|entry| 1 + entry_label(entry, *form).chars().count())
                .sum();
            fixed + length <= usize::from(width)
        })
        .unwrap_or(LegendForm::ShortName);

    let mut spans = match warning {
        Some(text) => vec![Span::styled(text, theme.style(Role::Warning))],
        None => vec![Span::raw(" ")],
    };
    for entry in entries {
        spans.push(theme.swatch(entry.role));
        spans.push(Span::raw(entry_label(entry, form)));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::ColorDepth;

    const UNICODE: Theme = Theme {
        depth: ColorDepth::Ansi16,
        ascii: false,
    };

    fn view(log_y: bool) -> ChartView {
        ChartView {
            title: "weight change by layer (spectral)".to_string(),
            short_title: "layers (spectral)".to_string(),
            lines: Vec::new(),
            log_y,
            references: Vec::new(),
        }
    }

    fn text(line: &Line) -> String {
        line.spans
            .iter()
            .map(|span| span.content.as_ref())
            .collect()
    }

    #[test]
    fn heading_drops_parts_as_width_shrinks() {
        let place = ViewPlace {
            index: 1,
            count: 3,
            focused: true,
        };
        let cases = [
            (60, " ▶ weight change by layer (spectral) 2/3 (log) "),
            (45, " ▶ weight change by layer (spectral) (log) "),
            (30, " ▶ layers (spectral) (log) "),
            (24, " ▶ layers (spectral) "),
            (5, " ▶ layers (spectral) "),
        ];
        for (width, expected) in cases {
            let heading = chart_heading(&view(true), place, &UNICODE, width);
            assert_eq!(text(&heading), expected, "width {width}");
        }
    }

    #[test]
    fn heading_of_only_view_has_no_position() {
        let heading = chart_heading(&view(false), ViewPlace::ONLY, &UNICODE, 80);
        assert_eq!(text(&heading), " weight change by layer (spectral) ");
        let ascii = Theme {
            ascii: true,
            ..UNICODE
        };
        let place = ViewPlace {
            focused: true,
            ..ViewPlace::ONLY
        };
        let heading = chart_heading(&view(false), place, &ascii, 80);
        assert_eq!(text(&heading), " > weight change by layer (spectral) ");
    }

    #[test]
    fn legend_shortens_and_keeps_warning() {
        let entries = [
            LegendEntry {
                role: Role::Layer(1),
                name: "standard".to_string(),
                short_name: "std".to_string(),
                latest: Some(0.25),
            },
            LegendEntry {
                role: Role::Chance,
                name: "chance 1/16".to_string(),
                short_name: "chance".to_string(),
                latest: None,
            },
        ];
        let wide = text(&chart_legend(&entries, 0, &UNICODE, 60));
        assert_eq!(wide, " ━ standard 0.25 ━ chance 1/16 ");
        let short_values = text(&chart_legend(&entries, 0, &UNICODE, 27));
        assert_eq!(short_values, " ━ std 0.25 ━ chance ");
        let narrow = text(&chart_legend(&entries, 0, &UNICODE, 20));
        assert_eq!(narrow, " ━ std ━ chance ");
        let warned = text(&chart_legend(&entries, 3, &UNICODE, 60));
        assert!(
            warned.starts_with(" 3 NaN/inf skipped ━ standard"),
            "{warned}"
        );
    }
}
