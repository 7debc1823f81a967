//! Metric charts of compare mode: one metric per chart, one line per run,
//! each run in its colour from [`super::theme::run_series`].

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::charts::render_step_lines;
use super::format::format_value;
use super::theme::{Role, Theme};
use crate::app::run_slot::RunSlot;

/// A chart of one metric across the runs.
#[derive(Clone, Copy, Debug)]
pub struct CompareChartSpec {
    pub title: &'static str,
    /// Title used when the full one leaves no room for the legend.
    pub short_title: &'static str,
    /// Column name, one of `METRIC_NAMES`.
    pub metric: &'static str,
    /// Plot `log10` of the values; values <= 0 are left out.
    pub log_y: bool,
}

/// The three charts of compare mode: the training loss, how far the hidden
/// features moved, and how far the empirical NTK rotated. These are the
/// metrics that tell a lazy run from a rich one.
pub const COMPARE_CHARTS: [CompareChartSpec; 3] = [
    CompareChartSpec {
        title: "train loss",
        short_title: "loss",
        metric: "train_loss",
        log_y: true,
    },
    CompareChartSpec {
        title: "feature change",
        short_title: "features",
        metric: "feature_change",
        log_y: false,
    },
    CompareChartSpec {
        title: "kernel distance",
        short_title: "kernel",
        metric: "kernel_distance",
        log_y: false,
    },
];

/// Points of one run's series ready to plot, and its legend value.
struct RunLine<'a> {
    label: &'a str,
    role: Role,
    points: Vec<(f64, f64)>,
    latest: Option<f64>,
    non_finite: u64,
}

fn run_line<'a>(index: usize, run: &'a RunSlot, spec: &CompareChartSpec) -> RunLine<'a> {
    let series = run.histories().metric(spec.metric);
    let mut points = series.map(|s| s.line_points()).unwrap_or_default();
    if spec.log_y {
        points = points
            .into_iter()
            .filter(|p| p.1 > 0.0)
            .map(|(x, y)| (x, y.log10()))
            .collect();
    }
    RunLine {
        label: run.label(),
        role: Role::Run(index),
        points,
        latest: series.and_then(|s| s.latest()),
        non_finite: series.map_or(0, |s| s.non_finite_count()),
    }
}

/// Draws the chart `spec` with one line per run of `runs`.
pub fn render_compare_chart(
    frame: &mut Frame,
    area: Rect,
    runs: &[RunSlot],
    theme: &Theme,
    spec: &CompareChartSpec,
) {
    let lines: Vec<RunLine> = runs
        .iter()
        .enumerate()
        .map(|(i, run)| run_line(i, run, spec))
        .collect();
    let title = compare_title(spec, &lines, theme, area.width.saturating_sub(2));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .title(title);
    if lines.iter().all(|l| l.points.is_empty()) {
        let message = Paragraph::new("waiting for data")
            .style(theme.dim())
            .alignment(Alignment::Center)
            .block(block);
        frame.render_widget(message, area);
        return;
    }

    let steps = runs
        .iter()
        .filter_map(|run| run.histories().metric(spec.metric)?.step_range())
        .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)));
    let plotted: Vec<(Role, &[(f64, f64)])> = lines
        .iter()
        .map(|l| (l.role, l.points.as_slice()))
        .collect();
    render_step_lines(frame, area, block, &plotted, spec.log_y, steps, theme);
}

/// Title with an inline legend: each run's swatch, label and latest value.
/// When that does not fit `width`, the values go first and then the title
/// shrinks to its short form. The run labels stay, because only they
/// identify the lines.
fn compare_title(
    spec: &CompareChartSpec,
    lines: &[RunLine],
    theme: &Theme,
    width: u16,
) -> Line<'static> {
    let heading = |title: &str| {
        if spec.log_y {
            format!(" {title} (log) ")
        } else {
            format!(" {title} ")
        }
    };
    let non_finite: u64 = lines.iter().map(|l| l.non_finite).sum();
    let warning = (non_finite > 0).then(|| format!("{non_finite} non-finite "));
    let label = |line: &RunLine, values: bool| match (values, line.latest) {
        (true, Some(value)) => format!(" {} {} ", line.label, format_value(value)),
        _ => format!(" {} ", line.label),
    };
    let warning_width = warning.as_ref().map_or(0, |w| w.chars().count());
    let legend_width = |values: bool| -> usize {
        lines
            .iter()
            .map(|l| 1 + label(l, values).chars().count())
            .sum()
    };
    let fits = |title: &str, values: bool| {
        let total = heading(title).chars().count() + warning_width + legend_width(values);
        total <= usize::from(width)
    };
    let forms = [
        (spec.title, true),
        (spec.title, false),
        (spec.short_title, false),
    ];
    let (title, values) = forms
        .into_iter()
        .find(|(title, values)| fits(title, *values))
        .unwrap_or((spec.short_title, false));
    let heading = heading(title);

    let mut spans = vec![Span::styled(heading, theme.bold())];
    if let Some(text) = warning {
        spans.push(Span::styled(text, theme.style(Role::Warning)));
    }
    for line in lines {
        spans.push(theme.swatch(line.role));
        spans.push(Span::raw(label(line, values)));
    }
    Line::from(spans)
}
