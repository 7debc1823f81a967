//! Export of the TUI's runs into one timestamped folder.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::ExportError;
use super::charts::{curve, overlay_series, plot_function, training_points, write_run_charts};
use super::folder::create_export_folder;
use super::plot::{Mark, Series, plot_svg_and_png};
use super::tables::{write_history_csv, write_view_csv};
use crate::app::run_slot::RunSlot;
use crate::ui::compare_charts::COMPARE_CHARTS;
use crate::ui::theme::run_series;

/// Writes every run of `runs` into a new folder under `parent`, named for
/// `time` (see [`super::export_folder_name`]), and returns its path.
///
/// One run: `metrics.csv`, `predictions.csv` and the charts in the folder.
/// Several runs (compare mode): a subfolder per run (`1-standard`, ...)
/// with those files, and in the folder the compare charts with one line
/// per run and the function view with every run's network.
///
/// # Errors
/// The first file that cannot be written or drawn. Files written before it
/// stay; the runs in memory are not touched.
pub fn export_runs(
    parent: &Path,
    runs: &[RunSlot],
    time: SystemTime,
) -> Result<PathBuf, ExportError> {
    let folder = create_export_folder(parent, time)?;
    if let [run] = runs {
        write_run(&folder, run)?;
        return Ok(folder);
    }
    for (index, run) in runs.iter().enumerate() {
        let sub = folder.join(format!("{}-{}", index + 1, file_safe(run.label())));
        std::fs::create_dir(&sub).map_err(|source| ExportError::io(&sub, source))?;
        write_run(&sub, run)?;
    }
    write_compare_charts(&folder, runs)?;
    Ok(folder)
}

fn write_run(dir: &Path, run: &RunSlot) -> Result<(), ExportError> {
    write_history_csv(&dir.join("metrics.csv"), run.histories())?;
    if let (Some(info), Some(view)) = (run.info(), run.view()) {
        write_view_csv(&dir.join("predictions.csv"), info, view)?;
    }
    write_run_charts(dir, run.histories(), run.info(), run.view())
}

/// Charts with one line per run: the metrics of the TUI's compare charts
/// and, for 1-D regression, every network over run 0's overlays.
fn write_compare_charts(dir: &Path, runs: &[RunSlot]) -> Result<(), ExportError> {
    for spec in &COMPARE_CHARTS {
        let series: Vec<Series> = runs
            .iter()
            .enumerate()
            .map(|(index, run)| Series {
                label: run.label().to_string(),
                points: run
                    .histories()
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
    let (Some(info), Some(view)) = (first.and_then(RunSlot::info), first.and_then(RunSlot::view))
    else {
        return Ok(());
    };
    if info.input_dim != 1 || info.is_classification {
        return Ok(());
    }
    let mut series = overlay_series(info, view, false);
    for (index, run) in runs.iter().enumerate() {
        if let (Some(info), Some(view)) = (run.info(), run.view()) {
            let rgb = run_series(index).rgb;
            series.push(curve(info, run.label(), &view.network, rgb, Mark::Line));
        }
    }
    series.push(training_points(info));
    plot_function(dir, &series)
}

/// Replaces every character but ASCII letters, digits, `-`, `_` and `.`
/// with `_`, so that a run label can name a folder.
fn file_safe(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}
