//! `lazyrich run` on a preset with `[[compare]]` runs: every run trains in
//! turn into its own subfolder, and the top folder gets an index
//! (`runs.csv`) and, with `--plot`, the charts with one line per run.

use std::path::Path;

use super::HeadlessError;
use super::files::{AtomicFile, commit_csv};
use super::number::format_float;
use super::run::{RunOptions, RunReport, run};
use crate::config::CompareRun;
use crate::export::{CompareChartRun, run_folder_names, write_compare_charts};
use crate::train::snapshot::METRIC_NAMES;

/// Index of the runs in the top folder.
pub const RUNS_INDEX: &str = "runs.csv";

/// One trained run of a compare preset.
pub struct CompareReport {
    pub label: String,
    /// Subfolder of the output folder that contains the run's files.
    pub folder: String,
    pub report: RunReport,
}

/// Trains every run of `runs` in order, each as [`run`] does, into
/// `options.out/<folder>` with the folder names of [`run_folder_names`],
/// then writes [`RUNS_INDEX`] and, with `options.plot`, the charts of
/// [`write_compare_charts`] into `options.out`.
///
/// A run that diverges does not stop the others. An interrupt stops the
/// current run, and the later runs are not started, so the returned list
/// and the index contain only the runs that trained.
///
/// # Errors
/// The first failure of a run or of a file. The files of the runs before
/// it stay.
pub fn run_compare(
    runs: &[CompareRun],
    options: &RunOptions,
) -> Result<Vec<CompareReport>, HeadlessError> {
    std::fs::create_dir_all(&options.out)
        .map_err(|source| HeadlessError::io(&options.out, source))?;
    let labels: Vec<&str> = runs.iter().map(|run| run.label.as_str()).collect();
    let folders = run_folder_names(&labels);
    let mut reports = Vec::with_capacity(runs.len());
    for (run_spec, folder) in runs.iter().zip(folders) {
        let run_options = RunOptions {
            steps: options.steps,
            out: options.out.join(&folder),
            progress: options.progress,
            plot: options.plot,
            interrupt: options.interrupt.clone(),
        };
        tracing::info!(label = %run_spec.label, %folder, "compare run starts");
        let report = run(&run_spec.preset, &run_options)?;
        let interrupted = report.interrupted;
        reports.push(CompareReport {
            label: run_spec.label.clone(),
            folder,
            report,
        });
        if interrupted {
            break;
        }
    }
    write_runs_index(&options.out.join(RUNS_INDEX), &reports)?;
    if options.plot {
        let chart_runs: Vec<CompareChartRun> = reports
            .iter()
            .map(|run| CompareChartRun {
                label: &run.label,
                histories: &run.report.histories,
                info: run.report.function.as_ref().map(|(info, _)| info),
                view: run.report.function.as_ref().map(|(_, view)| view),
            })
            .collect();
        write_compare_charts(&options.out, &chart_runs)?;
    }
    Ok(reports)
}

/// Writes the index: `label, folder, steps, diverged_at` (empty when the
/// run did not diverge), then the final value of each of `METRIC_NAMES`.
fn write_runs_index(path: &Path, reports: &[CompareReport]) -> Result<(), HeadlessError> {
    let csv_error = |error: csv::Error| HeadlessError::io(path, std::io::Error::other(error));
    let file = AtomicFile::create(path).map_err(|source| HeadlessError::io(path, source))?;
    let mut writer = csv::Writer::from_writer(file);
    let mut header = vec!["label", "folder", "steps", "diverged_at"];
    header.extend(METRIC_NAMES);
    writer.write_record(&header).map_err(csv_error)?;
    for run in reports {
        let report = &run.report;
        let diverged_at = report
            .divergence
            .as_ref()
            .map(|(step, _)| step.to_string())
            .unwrap_or_default();
        let mut record = vec![
            run.label.clone(),
            run.folder.clone(),
            report.steps.to_string(),
            diverged_at,
        ];
        record.extend(report.last.values.iter().map(|&v| format_float(v)));
        writer.write_record(&record).map_err(csv_error)?;
    }
    commit_csv(writer).map_err(|source| HeadlessError::io(path, source))
}

/// Formats the end-of-run line that `lazyrich run` prints for `report`,
/// whose files are in `folder`.
pub fn format_run_line(report: &RunReport, folder: &Path) -> String {
    format!(
        "{} steps at {:.0} steps/s; final train loss {:.3e}, test loss {:.3e}; wrote {}",
        report.steps,
        report.steps_per_second,
        report.last.values[0],
        report.last.values[1],
        folder.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_follow_labels() {
        let names = run_folder_names(&["standard", "mean-field"]);
        assert_eq!(names, ["standard", "mean-field"]);
    }

    #[test]
    fn folder_names_stay_unique() {
        let names = run_folder_names(&["a b", "a_b", "a/b", "A_B"]);
        assert_eq!(names, ["a_b", "a_b-2", "a_b-3", "A_B-4"]);
    }

    #[test]
    fn folder_names_avoid_dot_folders() {
        let names = run_folder_names(&[".", ".."]);
        assert_eq!(names, ["_", "__"]);
    }

    #[test]
    fn folder_names_avoid_top_level_files() {
        let names = run_folder_names(&["runs.csv", "loss.SVG", "x.png"]);
        assert_eq!(names, ["runs.csv-2", "loss.SVG-2", "x.png-2"]);
    }
}
