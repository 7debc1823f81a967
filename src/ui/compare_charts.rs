//! Metric charts of compare mode: one metric per chart, one line per run,
//! each run in its colour from [`super::theme::run_series`].

use ratatui::Frame;
use ratatui::layout::Rect;

use super::chart_legend::ViewPlace;
use super::chart_plot::{PlottedLine, render_view};
use super::chart_views::ChartView;
use super::theme::{Role, Theme};
use crate::app::run_slot::RunSlot;

/// A chart of one metric across the runs.
#[derive(Clone, Copy, Debug)]
pub struct CompareChartSpec {
    pub title: &'static str,
    /// Title used when the full one does not fit.
    pub short_title: &'static str,
    /// Column name, one of `METRIC_NAMES`.
    pub metric: &'static str,
    /// Plot `log10` of the values; values <= 0 are left out.
    pub log_y: bool,
}

/// The training loss, how far the hidden features moved, and how far the
/// empirical NTK rotated: the metrics that tell a lazy run from a rich one.
/// An export draws these, and the TUI's compare charts cycle through them
/// and more (see [`super::chart_views`]).
pub const COMPARE_CHARTS: [CompareChartSpec; 3] = [
    CompareChartSpec {
        title: "train loss",
        short_title: "train loss",
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
        short_title: "kernel dist.",
        metric: "kernel_distance",
        log_y: false,
    },
];

/// Draws `view` with one line per run of `runs`, each in its run's colour
/// and named by its label. Only the first metric of `view` is drawn,
/// because compare views have one.
pub fn render_compare_chart(
    frame: &mut Frame,
    area: Rect,
    runs: &[RunSlot],
    theme: &Theme,
    view: &ChartView,
    place: ViewPlace,
) {
    let Some(metric) = view.lines.first() else {
        return;
    };
    let lines: Vec<PlottedLine> = runs
        .iter()
        .enumerate()
        .map(|(index, run)| {
            let series = run.histories().metric(&metric.metric);
            let label = run.label();
            PlottedLine::new(Role::Run(index), label, label, series, view.log_y)
        })
        .collect();
    render_view(frame, area, theme, view, place, &lines);
}
