//! Accuracy view for classification runs: the network's test accuracy over
//! steps, with the NNGP and NTK accuracies as horizontal reference lines.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Chart, Dataset, GraphType, Paragraph};

use super::axis;
use super::charts::styled_axis;
use super::theme::{Role, Theme};
use crate::app::history::Series;
use crate::train::snapshot::RunInfo;

fn format_percent(accuracy: Option<f64>) -> String {
    match accuracy {
        Some(value) if value.is_finite() => format!("{:.1}%", 100.0 * value),
        _ => "n/a".to_string(),
    }
}

/// Legend with the latest network accuracy and both reference accuracies.
/// The network is called "NN" when the full legend is wider than `width`.
fn legend(info: &RunInfo, series: &Series, theme: &Theme, width: u16) -> Line<'static> {
    let entries = |network_name: &'static str| {
        [
            (Role::Accuracy, network_name, series.latest()),
            (Role::NngpReference, "NNGP", info.nngp_accuracy),
            (Role::NtkReference, "NTK", info.ntk_accuracy),
        ]
    };
    let spans_for = |network_name| {
        let mut spans = vec![Span::raw(" ")];
        for (role, name, value) in entries(network_name) {
            spans.push(theme.swatch(role));
            spans.push(Span::raw(format!(" {name} {}  ", format_percent(value))));
        }
        Line::from(spans)
    };
    let full = spans_for("network");
    if full.width() <= usize::from(width) {
        full
    } else {
        spans_for("NN")
    }
}

/// Returns the end points of a horizontal line at `level` from step `x0`
/// to `x1`, or no points when `level` is missing or not finite.
fn reference_line(level: Option<f64>, x0: f64, x1: f64) -> Vec<(f64, f64)> {
    match level {
        Some(y) if y.is_finite() => vec![(x0, y), (x1, y)],
        _ => Vec::new(),
    }
}

/// Draws the accuracy chart of a classification run into `area`.
pub fn render_accuracy_view(
    frame: &mut Frame,
    area: Rect,
    info: &RunInfo,
    series: &Series,
    theme: &Theme,
) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .title(Span::styled(" test accuracy ", theme.bold()))
        .title_bottom(legend(info, series, theme, area.width.saturating_sub(2)));
    if series.is_empty() {
        let message = Paragraph::new("waiting for data")
            .style(theme.dim())
            .alignment(Alignment::Center)
            .block(block);
        frame.render_widget(message, area);
        return;
    }

    let x_scale = axis::step_axis(series.step_range());
    let [x0, x1] = x_scale.bounds;
    let network = series.line_points();
    let nngp = reference_line(info.nngp_accuracy, x0, x1);
    let ntk = reference_line(info.ntk_accuracy, x0, x1);
    let y_range = axis::finite_range(network.iter().chain(&nngp).chain(&ntk).map(|p| p.1));
    let label_count = if area.height >= 14 { 5 } else { 3 };
    let y_scale = axis::linear_axis(y_range, 0.05, label_count);

    let layers = [
        (Role::NngpReference, &nngp),
        (Role::NtkReference, &ntk),
        (Role::Accuracy, &network),
    ];
    let datasets = layers
        .iter()
        .map(|(role, points)| {
            Dataset::default()
                .marker(theme.marker(*role))
                .graph_type(GraphType::Line)
                .style(theme.style(*role))
                .data(points)
        })
        .collect();
    let chart = Chart::new(datasets)
        .block(block)
        .x_axis(styled_axis(x_scale, theme))
        .y_axis(styled_axis(y_scale, theme));
    frame.render_widget(chart, area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::{buffer_lines, classification_info, render_with};
    use crate::ui::ColorDepth;

    const ASCII: Theme = Theme {
        depth: ColorDepth::Ansi16,
        ascii: true,
    };

    fn render_view(series: &Series, width: u16) -> String {
        // References far enough apart to land on different rows.
        let info = RunInfo {
            nngp_accuracy: Some(0.712),
            ..classification_info()
        };
        let buffer = render_with(width, 16, |frame| {
            render_accuracy_view(frame, frame.area(), &info, series, &ASCII);
        });
        buffer_lines(&buffer).join("\n")
    }

    #[test]
    fn accuracy_view_draws_references() {
        let mut series = Series::with_capacity(64);
        for step in 0..100u64 {
            series.push(step * 10, 0.5 + 0.004 * step as f64);
        }
        let text = render_view(&series, 70);
        assert!(text.contains("network 89.6%"), "{text}");
        assert!(text.contains("NNGP 71.2%"), "{text}");
        assert!(text.contains("NTK 93.4%"), "{text}");
        // Reference lines: NNGP '=' and NTK '+' in ASCII mode.
        let nngp_row = text.lines().find(|l| l.matches('=').count() > 30);
        assert!(nngp_row.is_some(), "NNGP line missing:\n{text}");
        let ntk_row = text.lines().find(|l| l.matches('+').count() > 30);
        assert!(ntk_row.is_some(), "NTK line missing:\n{text}");
    }

    #[test]
    fn accuracy_view_short_legend_and_empty() {
        let mut series = Series::with_capacity(8);
        series.push(0, 0.5);
        let narrow = render_view(&series, 40);
        assert!(narrow.contains("NN 50.0%"), "{narrow}");
        let empty = render_view(&Series::with_capacity(8), 40);
        assert!(empty.contains("waiting for data"), "{empty}");
        assert!(empty.contains("NN n/a"), "{empty}");
    }
}
