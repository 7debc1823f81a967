//! The charts of a run as [`Series`] lists, and writing them as images.

use std::path::Path;

use super::ExportError;
use super::plot::{Mark, Series, plot_svg_and_png};
use crate::app::history::MetricHistories;
use crate::train::snapshot::{FunctionView, RunInfo};
use crate::ui::charts::{CHANGE_CHART, ChartSpec, KERNEL_CHART, LOSS_CHART};
use crate::ui::theme::run_series;

/// Colours of the theory overlays in exported images.
const GP_BAND_RGB: (u8, u8, u8) = (150, 170, 230);
const GP_MEAN_RGB: (u8, u8, u8) = (0, 150, 170);
const NTK_RGB: (u8, u8, u8) = (200, 0, 160);
const LINEARIZED_RGB: (u8, u8, u8) = (120, 60, 170);
const SAMPLE_RGB: (u8, u8, u8) = (150, 150, 150);
const DATA_RGB: (u8, u8, u8) = (0, 0, 0);

/// Builds one series per metric of `spec`, coloured by position with
/// [`run_series`]. Each bucket of the bounded history contributes its
/// minimum and maximum, so spikes survive decimation.
pub fn metric_series(histories: &MetricHistories, spec: &ChartSpec) -> Vec<Series> {
    spec.series
        .iter()
        .enumerate()
        .map(|(index, series)| Series {
            label: series.name.to_string(),
            points: histories
                .metric(series.metric)
                .map(|s| s.line_points())
                .unwrap_or_default(),
            rgb: run_series(index).rgb,
            mark: Mark::Line,
        })
        .collect()
}

/// Pairs the test inputs of `info` with `y`, sorted by input.
pub(super) fn curve(
    info: &RunInfo,
    label: &str,
    y: &[f64],
    rgb: (u8, u8, u8),
    mark: Mark,
) -> Series {
    let mut points: Vec<(f64, f64)> = info.x_test.iter().copied().zip(y.iter().copied()).collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    Series {
        label: label.to_string(),
        points,
        rgb,
        mark,
    }
}

/// Builds the theory overlays of `view`: GP mean with its ±2 sd band, the NTK
/// prediction and, with `linearized`, the linearised network. Empty curves
/// are left out.
pub fn overlay_series(info: &RunInfo, view: &FunctionView, linearized: bool) -> Vec<Series> {
    let mut series = Vec::new();
    if !view.gp_mean.is_empty() && view.gp_sd.len() == view.gp_mean.len() {
        for (sign, label) in [(1.0, "GP +2 sd"), (-1.0, "GP -2 sd")] {
            let band: Vec<f64> = view
                .gp_mean
                .iter()
                .zip(&view.gp_sd)
                .map(|(m, s)| m + sign * 2.0 * s)
                .collect();
            series.push(curve(info, label, &band, GP_BAND_RGB, Mark::ThinLine));
        }
    }
    if !view.gp_mean.is_empty() {
        series.push(curve(
            info,
            "GP mean",
            &view.gp_mean,
            GP_MEAN_RGB,
            Mark::Line,
        ));
    }
    if !view.ntk.is_empty() {
        series.push(curve(info, "NTK", &view.ntk, NTK_RGB, Mark::Line));
    }
    if linearized && !view.linearized.is_empty() {
        let rgb = LINEARIZED_RGB;
        series.push(curve(info, "linearized", &view.linearized, rgb, Mark::Line));
    }
    series
}

/// The whole function view of one run: overlays, the Langevin sample, the
/// network and the training points.
pub fn function_series(info: &RunInfo, view: &FunctionView) -> Vec<Series> {
    let mut series = overlay_series(info, view, true);
    if !view.sample.is_empty() {
        series.push(curve(
            info,
            "sample",
            &view.sample,
            SAMPLE_RGB,
            Mark::ThinLine,
        ));
    }
    let name = crate::ui::function_view::network_name(info);
    series.push(curve(
        info,
        name,
        &view.network,
        run_series(0).rgb,
        Mark::Line,
    ));
    series.push(training_points(info));
    series
}

/// Builds the training points of `info` (first input and first output).
pub fn training_points(info: &RunInfo) -> Series {
    Series {
        label: "data".to_string(),
        points: info
            .x_train
            .iter()
            .copied()
            .zip(info.y_train.iter().copied())
            .collect(),
        rgb: DATA_RGB,
        mark: Mark::Points,
    }
}

/// Writes `loss`, `change` and `kernel` (and `function` for a 1-D
/// regression run with a view) as `.svg` and `.png` into `dir`.
pub fn write_run_charts(
    dir: &Path,
    histories: &MetricHistories,
    info: Option<&RunInfo>,
    view: Option<&FunctionView>,
) -> Result<(), ExportError> {
    for (stem, spec) in [
        ("loss", &LOSS_CHART),
        ("change", &CHANGE_CHART),
        ("kernel", &KERNEL_CHART),
    ] {
        let series = metric_series(histories, spec);
        plot_svg_and_png(
            &dir.join(stem),
            spec.title,
            "step",
            spec.title,
            &series,
            spec.log_y,
        )?;
    }
    if let (Some(info), Some(view)) = (info, view)
        && info.input_dim == 1
        && !info.is_classification
    {
        plot_function(dir, &function_series(info, view))?;
    }
    Ok(())
}

/// Writes `function.svg` and `function.png` into `dir`.
pub(super) fn plot_function(dir: &Path, series: &[Series]) -> Result<(), ExportError> {
    plot_svg_and_png(
        &dir.join("function"),
        "function",
        "x",
        "f(x)",
        series,
        false,
    )
}
