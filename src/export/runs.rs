//! Export of the TUI's runs into one timestamped folder.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::ExportError;
use super::charts::write_run_charts;
use super::compare::{CompareChartRun, write_compare_charts};
use super::folder::{create_export_folder, run_folder_names};
use super::tables::{write_history_csv, write_view_csv};
use crate::app::run_slot::RunSlot;

/// Writes every run of `runs` into a new folder under `parent`, named for
/// `time` (see [`super::export_folder_name`]), and returns its path.
///
/// One run: `metrics.csv`, `predictions.csv` and the charts in the folder.
/// Several runs (compare mode): a subfolder per run (`standard`, ...,
/// named as `lazyrich run` names them, see [`run_folder_names`])
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
    let labels: Vec<&str> = runs.iter().map(|run| run.label()).collect();
    for (run, name) in runs.iter().zip(run_folder_names(&labels)) {
        let sub = folder.join(name);
        std::fs::create_dir(&sub).map_err(|source| ExportError::io(&sub, source))?;
        write_run(&sub, run)?;
    }
    let chart_runs: Vec<CompareChartRun> = runs
        .iter()
        .map(|run| CompareChartRun {
            label: run.label(),
            histories: run.histories(),
            info: run.info(),
            view: run.view(),
        })
        .collect();
    write_compare_charts(&folder, &chart_runs)?;
    Ok(folder)
}

fn write_run(dir: &Path, run: &RunSlot) -> Result<(), ExportError> {
    write_history_csv(&dir.join("metrics.csv"), run.histories())?;
    if let (Some(info), Some(view)) = (run.info(), run.view()) {
        write_view_csv(&dir.join("predictions.csv"), info, view)?;
    }
    write_run_charts(dir, run.histories(), run.info(), run.view())
}
