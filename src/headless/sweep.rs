//! `lazyrich sweep`: trains every point of a grid (times seeds) on all
//! cores through the headless `run`, then writes and prints the results.
//!
//! Output folder: `runs/NNNN/` contains each run's own files, `sweep.csv`
//! one row per run, `sweep_summary.csv` the mean and standard error per grid
//! point, `sweep_slopes.csv` the width slopes (for a grid on `model.width`)
//! and `sweep.json` the manifest that `--merge` checks.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::load_preset;
use crate::train::snapshot::METRIC_NAMES;

use super::HeadlessError;
use super::files::write_atomic;
use super::interrupt::Interrupt;
use super::run::{RunOptions, run};
use super::sweep_grid::{
    GridAxis, RunSpec, Shard, SweepError, all_runs, parse_axes, point_overrides, shard_runs,
    validate_axes,
};
use super::sweep_report::{format_slopes, format_table, width_slopes, write_slopes};
use super::sweep_table::{SweepRow, SweepTable};

/// Metrics read from each run's `summary.json` besides [`METRIC_NAMES`]:
/// the first two from `final`, the others from `theory`.
const EXTRA_METRICS: [&str; 4] = [
    "test_accuracy",
    "teacher_alignment",
    "nngp_accuracy",
    "ntk_accuracy",
];

/// Settings of a sweep: the preset, the grid, the seeds and the output.
pub struct SweepOptions {
    pub preset: String,
    /// `--set` arguments applied to every run.
    pub overrides: Vec<String>,
    /// `--grid` entries; when empty the preset's `[sweep] grid` is used.
    pub grid: Vec<String>,
    /// Seeds per grid point; `None` takes the preset's `sweep.seeds`.
    pub seeds: Option<usize>,
    pub steps: Option<u64>,
    pub out: PathBuf,
    pub shard: Option<Shard>,
    pub progress: bool,
    pub interrupt: Option<Interrupt>,
}

/// The description of a sweep that `--merge` compares between shards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub preset: String,
    pub overrides: Vec<String>,
    pub grid: Vec<GridAxis>,
    pub seeds: usize,
    pub steps: Option<u64>,
    pub shard: Option<Shard>,
    /// Run indices in this folder.
    pub runs: Vec<usize>,
}

/// Failure of a sweep: an invalid request or a failed run.
#[derive(Debug, thiserror::Error)]
pub enum SweepFailure {
    #[error(transparent)]
    Invalid(#[from] SweepError),
    #[error(transparent)]
    Run(#[from] HeadlessError),
}

/// Results of a sweep, for printing.
pub struct SweepReport {
    pub table: SweepTable,
    /// Runs whose loss diverged; their rows hold the last finite state.
    pub diverged: usize,
    pub interrupted: bool,
}

/// Runs the sweep that `options` describes and writes its files.
pub fn sweep(options: &SweepOptions) -> Result<SweepReport, SweepFailure> {
    let base = load_preset(&options.preset, &options.overrides).map_err(SweepError::from)?;
    let entries = if options.grid.is_empty() {
        base.sweep.grid.clone()
    } else {
        options.grid.clone()
    };
    let axes = parse_axes(&entries)?;
    validate_axes(&options.preset, &options.overrides, &axes)?;
    let seeds = options.seeds.unwrap_or(base.sweep.seeds).max(1);
    let mut runs = all_runs(&axes, seeds);
    if let Some(shard) = options.shard {
        runs = shard_runs(runs, shard);
    }
    std::fs::create_dir_all(&options.out)
        .map_err(|source| HeadlessError::io(&options.out, source))?;

    let bar = progress_bar(runs.len() as u64, options.progress);
    let outcomes: Vec<Result<(SweepRow, bool), SweepFailure>> = runs
        .par_iter()
        .map(|spec| {
            let outcome = run_one(options, &axes, spec);
            bar.inc(1);
            outcome
        })
        .collect();
    bar.finish_and_clear();

    let mut rows = Vec::with_capacity(outcomes.len());
    let mut diverged = 0;
    for outcome in outcomes {
        let (row, run_diverged) = outcome?;
        diverged += usize::from(run_diverged);
        rows.push(row);
    }
    let table = SweepTable {
        keys: axes.iter().map(|axis| axis.key.clone()).collect(),
        columns: metric_columns(),
        rows,
    };
    let manifest = Manifest {
        preset: options.preset.clone(),
        overrides: options.overrides.clone(),
        grid: axes,
        seeds,
        steps: options.steps,
        shard: options.shard,
        runs: runs.iter().map(|run| run.index).collect(),
    };
    write_outputs(&options.out, &table, &manifest)?;
    let interrupted = options.interrupt.as_ref().is_some_and(Interrupt::is_set);
    Ok(SweepReport {
        table,
        diverged,
        interrupted,
    })
}

/// Returns the metric columns of `sweep.csv`, in order.
pub fn metric_columns() -> Vec<String> {
    METRIC_NAMES
        .iter()
        .chain(EXTRA_METRICS.iter())
        .map(|name| name.to_string())
        .collect()
}

/// Trains one run into `runs/NNNN/` and reads its final metrics back from
/// its `summary.json`. Returns the row and whether the run diverged.
fn run_one(
    options: &SweepOptions,
    axes: &[GridAxis],
    spec: &RunSpec,
) -> Result<(SweepRow, bool), SweepFailure> {
    let mut overrides = options.overrides.clone();
    overrides.extend(point_overrides(axes, &spec.values));
    let point = load_preset(&options.preset, &overrides).map_err(SweepError::from)?;
    // Both seeds move together, so the spread over seeds covers both the
    // data sample and the initialisation.
    overrides.push(format!(
        "train.seed={}",
        point.train.seed + spec.seed as u64
    ));
    overrides.push(format!("data.seed={}", point.data.seed + spec.seed as u64));
    let preset = load_preset(&options.preset, &overrides).map_err(SweepError::from)?;

    let out = options.out.join("runs").join(format!("{:04}", spec.index));
    let run_options = RunOptions {
        steps: options.steps,
        out: out.clone(),
        progress: false,
        interrupt: options.interrupt.clone(),
        plot: false,
    };
    let report = run(&preset, &run_options)?;
    let summary_path = out.join("summary.json");
    let metrics = read_final_metrics(&summary_path)?;
    let row = SweepRow {
        index: spec.index,
        values: spec.values.clone(),
        seed: spec.seed,
        metrics,
    };
    Ok((row, report.divergence.is_some()))
}

/// Reads the metric columns from a run's `summary.json`: `final.<name>`,
/// else `theory.<name>`, else NaN.
fn read_final_metrics(path: &Path) -> Result<Vec<f64>, HeadlessError> {
    let text = std::fs::read_to_string(path).map_err(|source| HeadlessError::io(path, source))?;
    let summary: serde_json::Value = serde_json::from_str(&text)
        .map_err(|error| HeadlessError::io(path, std::io::Error::other(error)))?;
    let value = |name: &str| {
        summary["final"][name]
            .as_f64()
            .or_else(|| summary["theory"][name].as_f64())
            .unwrap_or(f64::NAN)
    };
    Ok(metric_columns().iter().map(|name| value(name)).collect())
}

/// Writes `sweep.csv`, `sweep_summary.csv`, `sweep_slopes.csv` (for a
/// width grid) and `sweep.json` into `out`.
pub fn write_outputs(
    out: &Path,
    table: &SweepTable,
    manifest: &Manifest,
) -> Result<(), HeadlessError> {
    table.write_runs(&out.join("sweep.csv"))?;
    table.write_summary(&out.join("sweep_summary.csv"))?;
    let slopes = width_slopes(table);
    if !slopes.is_empty() {
        write_slopes(table, &slopes, &out.join("sweep_slopes.csv"))?;
    }
    let path = out.join("sweep.json");
    let mut text = serde_json::to_string_pretty(manifest).unwrap_or_default();
    text.push('\n');
    write_atomic(&path, text.as_bytes()).map_err(|source| HeadlessError::io(&path, source))
}

/// Returns the printed report: the table, then the slopes when there are any.
pub fn format_report(table: &SweepTable) -> String {
    let mut text = format_table(table);
    let slopes = width_slopes(table);
    if !slopes.is_empty() {
        text.push('\n');
        text.push_str(&format_slopes(table, &slopes));
    }
    text
}

fn progress_bar(runs: u64, requested: bool) -> ProgressBar {
    if !requested || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(runs), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} runs, eta {eta}") {
        bar.set_style(style);
    }
    bar
}
