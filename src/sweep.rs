//! The `sweep` command of the binary: argument handling, printing and
//! exit codes around [`lazyrich::headless::sweep`].

use std::path::PathBuf;
use std::process::ExitCode;

use lazyrich::headless::interrupt::Interrupt;
use lazyrich::headless::sweep_grid::parse_shard;
use lazyrich::headless::{self, HeadlessError, SweepFailure, SweepOptions, format_report};
use lazyrich::train::TrainError;

use crate::{EXIT_DIVERGED, EXIT_INTERRUPTED, EXIT_INVALID};

/// The command-line arguments of a sweep that runs.
pub struct SweepArguments {
    pub preset: String,
    pub grid: Vec<String>,
    pub seeds: Option<usize>,
    pub steps: Option<u64>,
    pub overrides: Vec<String>,
    pub out: PathBuf,
    pub shard: Option<String>,
}

pub fn sweep(arguments: SweepArguments) -> ExitCode {
    let shard = match arguments.shard.as_deref().map(parse_shard).transpose() {
        Ok(shard) => shard,
        Err(error) => return failure(&SweepFailure::Invalid(error)),
    };
    let options = SweepOptions {
        preset: arguments.preset,
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

pub fn merge(folders: &[PathBuf], out: &std::path::Path) -> ExitCode {
    match headless::merge(folders, out) {
        Ok(table) => {
            print!("{}", format_report(&table));
            eprintln!(
                "merged {} runs from {} folders; wrote {}",
                table.rows.len(),
                folders.len(),
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => failure(&error),
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
