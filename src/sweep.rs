//! The `sweep` command of the binary: argument handling, printing and
//! exit codes around [`lazyrich::headless::sweep`].

use std::path::PathBuf;
use std::process::ExitCode;

use lazyrich::headless::interrupt::Interrupt;
use lazyrich::headless::sweep_grid::parse_shard;
use lazyrich::headless::sweep_plot::plot_sweep;
use lazyrich::headless::sweep_table::SweepTable;
use lazyrich::headless::{self, HeadlessError, SweepFailure, SweepOptions, format_report};
use lazyrich::train::TrainError;

use crate::{EXIT_DIVERGED, EXIT_INTERRUPTED, EXIT_INVALID};

/// The command-line arguments of `lazyrich sweep`.
#[derive(clap::Args)]
pub struct SweepArguments {
    /// Preset name or path to a preset file (omit with --merge).
    #[arg(required_unless_present = "merge")]
    preset: Option<String>,
    /// A swept key and its values, e.g. --grid model.width=256,1024 (repeatable);
    /// replaces the preset's [sweep] grid.
    #[arg(long, value_name = "SECTION.KEY=V1,V2,...")]
    grid: Vec<String>,
    /// Seeds per grid point (overrides sweep.seeds; default 1).
    #[arg(long)]
    seeds: Option<usize>,
    /// Steps of every run (overrides train.steps).
    #[arg(long)]
    steps: Option<u64>,
    /// Override a preset value in every run, e.g. --set data.kind=teacher (repeatable).
    #[arg(long = "set", value_name = "SECTION.KEY=VALUE")]
    overrides: Vec<String>,
    /// Output folder, created if missing.
    #[arg(long, default_value = "lazyrich-sweep")]
    out: PathBuf,
    /// Run only the runs whose index is i modulo n, e.g. --shard 0/4.
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Merge the output folders of sharded sweeps into --out instead of running.
    #[arg(long, num_args = 1.., value_name = "DIR", conflicts_with_all = ["preset", "grid", "shard"])]
    merge: Vec<PathBuf>,
    /// With --merge, accept folders that lack some runs of the sweep instead of
    /// rejecting them; the missing runs are left out with a warning.
    #[arg(long, requires = "merge")]
    allow_partial: bool,
    /// Also draw each metric's mean against the first numeric grid key as
    /// <metric>.svg and <metric>.png in --out.
    #[arg(long)]
    plot: bool,
}

/// Runs a sweep, or merges shard folders when `--merge` is given.
pub fn sweep_command(arguments: SweepArguments) -> ExitCode {
    match arguments.preset.clone() {
        Some(preset) if arguments.merge.is_empty() => sweep(preset, arguments),
        _ => merge(&arguments),
    }
}

fn sweep(preset: String, arguments: SweepArguments) -> ExitCode {
    let plot = arguments.plot;
    let shard = match arguments.shard.as_deref().map(parse_shard).transpose() {
        Ok(shard) => shard,
        Err(error) => return failure(&SweepFailure::Invalid(error)),
    };
    let options = SweepOptions {
        preset,
        overrides: arguments.overrides,
        grid: arguments.grid,
        seeds: arguments.seeds,
        steps: arguments.steps,
        out: arguments.out,
        shard,
        progress: true,
        interrupt: Some(Interrupt::install()),
    };
    match headless::sweep(&options) {
        Ok(report) => {
            print!("{}", format_report(&report.table));
            eprintln!(
                "{} runs; wrote {}",
                report.table.rows.len(),
                options.out.display()
            );
            if plot && !draw(&report.table, &options.out) {
                return ExitCode::FAILURE;
            }
            if report.interrupted {
                eprintln!("interrupted; the files hold the runs up to the signal");
                return ExitCode::from(EXIT_INTERRUPTED);
            }
            if report.diverged > 0 {
                eprintln!(
                    "error: {} runs diverged; see diverged in their runs/*/summary.json",
                    report.diverged
                );
                return ExitCode::from(EXIT_DIVERGED);
            }
            ExitCode::SUCCESS
        }
        Err(error) => failure(&error),
    }
}

fn merge(arguments: &SweepArguments) -> ExitCode {
    let (folders, out) = (&arguments.merge, &arguments.out);
    match headless::merge(folders, out, arguments.allow_partial) {
        Ok(table) => {
            print!("{}", format_report(&table));
            eprintln!(
                "merged {} runs from {} folders; wrote {}",
                table.rows.len(),
                folders.len(),
                out.display()
            );
            if arguments.plot && !draw(&table, out) {
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(error) => failure(&error),
    }
}

/// Writes the sweep charts and reports where; returns false when writing failed.
fn draw(table: &SweepTable, out: &std::path::Path) -> bool {
    match plot_sweep(table, out) {
        Ok(written) if written.is_empty() => {
            eprintln!("--plot: no grid key with positive numeric values to draw against");
            true
        }
        Ok(written) => {
            eprintln!("wrote {} charts in {}", written.len(), out.display());
            true
        }
        Err(error) => {
            eprintln!("error: --plot: {error}");
            false
        }
    }
}

fn failure(error: &SweepFailure) -> ExitCode {
    eprintln!("error: {error}");
    match error {
        SweepFailure::Invalid(_) | SweepFailure::Run(HeadlessError::Train(TrainError::Data(_))) => {
            ExitCode::from(EXIT_INVALID)
        }
        SweepFailure::Run(_) => ExitCode::FAILURE,
    }
}
