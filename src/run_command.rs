//! `lazyrich run`: one training run, or every run of a preset with
//! `[[compare]]` tables, and the exit code that the outcome maps to.

use std::path::PathBuf;
use std::process::ExitCode;

use lazyrich::config;
use lazyrich::headless::interrupt::Interrupt;
use lazyrich::headless::{self, HeadlessError, RunOptions, RunReport, format_run_line};
use lazyrich::train::TrainError;

use crate::{EXIT_DIVERGED, EXIT_INTERRUPTED, EXIT_INVALID, invalid};

/// Trains `preset` (with `overrides`) and writes its files into `out`.
pub fn run(
    preset: &str,
    steps: Option<u64>,
    overrides: &[String],
    out: PathBuf,
    plot: bool,
) -> ExitCode {
    let loaded = match config::load_preset_runs(preset, overrides) {
        Ok(loaded) => loaded,
        Err(error) => return invalid(&error),
    };
    let options = RunOptions {
        steps,
        out,
        progress: true,
        plot,
        interrupt: Some(Interrupt::install()),
    };
    if !loaded.compare.is_empty() {
        return run_compare(&loaded.compare, &options);
    }
    match headless::run(&loaded.preset, &options) {
        Ok(report) => {
            eprintln!("{}", format_run_line(&report, &options.out));
            ExitCode::from(run_exit_code(&report, "the run"))
        }
        Err(error) => headless_failure(error),
    }
}

/// Trains every compare run of a preset and prints one line per run.
fn run_compare(runs: &[config::CompareRun], options: &RunOptions) -> ExitCode {
    let reports = match headless::run_compare(runs, options) {
        Ok(reports) => reports,
        Err(error) => return headless_failure(error),
    };
    for run in &reports {
        let folder = options.out.join(&run.folder);
        eprintln!("{}: {}", run.label, format_run_line(&run.report, &folder));
    }
    eprintln!("wrote {}", options.out.join(headless::RUNS_INDEX).display());
    let codes: Vec<u8> = reports
        .iter()
        .map(|run| run_exit_code(&run.report, &format!("the run {:?}", run.label)))
        .collect();
    // An interrupt ends the whole command, so it outranks a divergence.
    let code = [EXIT_INTERRUPTED, EXIT_DIVERGED]
        .into_iter()
        .find(|code| codes.contains(code))
        .unwrap_or(0);
    ExitCode::from(code)
}

/// Prints why `report` ended early, if it did, and returns its exit code:
/// `EXIT_DIVERGED`, `EXIT_INTERRUPTED` or 0. `name` starts the message.
fn run_exit_code(report: &RunReport, name: &str) -> u8 {
    if let Some((step, reason)) = &report.divergence {
        eprintln!("error: {name} diverged at step {step}: {reason}");
        return EXIT_DIVERGED;
    }
    if report.interrupted {
        eprintln!(
            "interrupted at step {}; the files hold the run so far",
            report.steps
        );
        return EXIT_INTERRUPTED;
    }
    0
}

fn headless_failure(error: HeadlessError) -> ExitCode {
    match error {
        HeadlessError::Train(
            error @ (TrainError::Data(_) | TrainError::NetworkTooLarge { .. }),
        ) => {
            eprintln!("error: {error}");
            ExitCode::from(EXIT_INVALID)
        }
        error => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
