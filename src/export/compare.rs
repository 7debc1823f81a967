//! Charts across the runs of compare mode, shared by the TUI export and
//! the headless `run` on a preset with `[[compare]]` runs.

use std::path::Path;

use super::ExportError;
use super::charts::{curve, overlay_series, plot_function, training_points};
use super::plot::{Mark, Series, plot_svg_and_png};
use crate::app::history::MetricHistories;
use crate::train::snapshot::{FunctionView, RunInfo};
use crate::ui::theme::run_series;

/// The data of one run that the compare charts draw.
#[derive(Clone, Copy, Debug)]
pub struct CompareChartRun<'a> {
    /// Legend name of the run.
    pub label: &'a str,
    pub histories: &'a MetricHistories,
    /// Data and function view, needed only for the function chart.
    pub info: Option<&'a RunInfo>,
    pub view: Option<&'a FunctionView>,
}

/// One metric drawn with one line per run, into `<metric>.svg` and `.png`.
struct CompareMetric {
    /// Column name, one of `METRIC_NAMES`.
    metric: &'static str,
    title: &'static str,
    /// Plot `log10` of the values; values <= 0 are left out.
    log_y: bool,
}

/// The metrics that tell a lazy run from a rich one: the training loss,
/// how far the first-layer weights and the hidden features moved, and how
/// far the empirical NTK rotated.
const COMPARE_METRICS: [CompareMetric; 4] = [
    CompareMetric {
        metric: "train_loss",
        title: "train loss",
        log_y: true,
    },
    CompareMetric {
        metric: "weight_change_w",
        title: "weight change",
        log_y: false,
    },
    CompareMetric {
        metric: "feature_change",
        title: "feature change",
        log_y: false,
    },
    CompareMetric {
        metric: "kernel_distance",
        title: "kernel distance",
        log_y: false,
    },
];

/// Writes into `dir` one chart per metric of [`COMPARE_METRICS`] with one
/// line per run, each run in its colour from [`run_series`] by position.
/// For 1-D regression it also writes `function.svg` and `.png`: every
/// run's network over the overlays of the first run.
///
/// # Errors
/// The first chart that cannot be drawn or written.
pub fn write_compare_charts(dir: &Path, runs: &[CompareChartRun]) -> Result<(), ExportError> {
    for spec in &COMPARE_METRICS {
        let series: Vec<Series> = runs
            .iter()
            .enumerate()
            .map(|(index, run)| Series {
                label: run.label.to_string(),
                points: run
                    .histories
                    .metric(spec.metric)
                    .map(|s| s.line_points())
                    .unwrap_or_default(),
                rgb: run_series(index).rgb,
                mark: Mark::Line,
            })
            .collect();
        let stem = dir.join(spec.metric);
        plot_svg_and_png(&stem, spec.title, "step", spec.title, &series, spec.log_y)?;
    }
    let first = runs.first();
    let (Some(info), Some(view)) = (first.and_then(|r| r.info), first.and_then(|r| r.view)) else {
        return Ok(());
    };
    if info.input_dim != 1 || info.is_classification {
        return Ok(());
    }
    let mut series = overlay_series(info, view, false);
    for (index, run) in runs.iter().enumerate() {
        if let (Some(info), Some(view)) = (run.info, run.view) {
            let rgb = run_series(index).rgb;
            series.push(curve(info, run.label, &view.network, rgb, Mark::Line));
        }
    }
    series.push(training_points(info));
    plot_function(dir, &series)
}
