//! Command line of `lazyrich`: the TUI by default, and the headless
//! commands `run`, `sweep`, `kernel`, `presets` and `check`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use lazyrich::app::event_loop::ExitReason;
use lazyrich::app::terminal::TerminalError;
use lazyrich::config::{self, PresetError};
use lazyrich::headless::{self, KernelCommandError, KernelOptions};

mod run_command;
mod sweep;
use sweep::SweepArguments;

/// Exit code of invalid input: a bad preset, override or data file, or a
/// TUI started without a usable terminal.
const EXIT_INVALID: u8 = 2;
/// Exit code of a run that diverged (NaN or infinite loss).
const EXIT_DIVERGED: u8 = 3;
/// Exit code of a run stopped by SIGINT, SIGTERM or SIGHUP (128 + SIGINT).
const EXIT_INTERRUPTED: u8 = 130;

#[derive(Parser)]
#[command(
    name = "lazyrich",
    version,
    about = "Watch rich versus lazy learning in wide neural networks",
    after_help = after_help()
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Open the terminal UI on a preset (the default command, on lazy-1d).
    Tui {
        /// Preset name or path to a preset file.
        #[arg(default_value = "lazy-1d")]
        preset: String,
        /// Override a preset value, e.g. --set model.width=1024 (repeatable).
        #[arg(long = "set", value_name = "SECTION.KEY=VALUE")]
        overrides: Vec<String>,
        /// Draw with ASCII characters only (no braille or box drawing). This is automatic
        /// when the locale (LC_ALL, LC_CTYPE or LANG) is not UTF-8.
        #[arg(long)]
        ascii: bool,
        /// Folder under which the e key creates timestamped export folders.
        #[arg(long, value_name = "DIR", default_value = ".")]
        out: PathBuf,
    },
    /// Train without a UI and write metrics.csv, predictions.csv and summary.json.
    ///
    /// A preset with [[compare]] runs trains each run into its own subfolder, named from
    /// its label, and writes runs.csv (label, folder, steps, final metrics) beside them.
    Run {
        /// Preset name or path to a preset file.
        preset: String,
        /// Number of steps (overrides train.steps; a preset with steps = 0 runs 10000).
        #[arg(long)]
        steps: Option<u64>,
        /// Override a preset value, e.g. --set model.width=1024 (repeatable).
        #[arg(long = "set", value_name = "SECTION.KEY=VALUE")]
        overrides: Vec<String>,
        /// Output folder, created if missing.
        #[arg(long, default_value = "lazyrich-out")]
        out: PathBuf,
        /// Also draw the charts (loss, change, kernel, function) as SVG and PNG into the folder;
        /// with [[compare]] runs, also the charts with one line per run.
        #[arg(long)]
        plot: bool,
    },
    /// Train every point of a grid of settings, times seeds, on all cores.
    ///
    /// Writes sweep.csv (one row per run: the grid keys, seed, the final metrics),
    /// sweep_summary.csv (mean and standard error per grid point), sweep_slopes.csv
    /// (log-log slopes against model.width, when it is swept), sweep.json and each
    /// run's own files under runs/. Seed offset s adds s to train.seed and data.seed.
    Sweep(SweepArguments),
    /// Compute the infinite-width NNGP and NTK between input points and write them as CSV.
    ///
    /// Writes nngp.csv and ntk.csv (P x P, training inputs), and with --test also
    /// nngp_test.csv and ntk_test.csv (Q x P, test rows against training rows). The kernels
    /// are those of the network output before the width scaling, so only the preset's
    /// model.activation, depth, sigma_w, sigma_b and sigma_a matter.
    Kernel {
        /// Preset name or path to a preset file.
        #[arg(default_value = "lazy-1d")]
        preset: String,
        /// Override a preset value, e.g. --set model.activation=gelu (repeatable).
        #[arg(long = "set", value_name = "SECTION.KEY=VALUE")]
        overrides: Vec<String>,
        /// CSV file of training inputs: one point per row, numbers only, optional header line.
        #[arg(long, value_name = "X.csv")]
        inputs: PathBuf,
        /// CSV file of test inputs with the same number of columns as --inputs.
        #[arg(long, value_name = "Z.csv")]
        test: Option<PathBuf>,
        /// Output folder, created if missing.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// List the available presets with their descriptions.
    Presets,
    /// Validate a preset file and report every error with its line and column.
    Check {
        /// Path to a preset file.
        file: PathBuf,
    },
}

fn after_help() -> String {
    format!(
        "Exit codes: 0 success, 1 I/O failure, 2 invalid input or no terminal for the TUI, \
         3 the run diverged, 130 stopped by a signal.\nLog file: {}",
        lazyrich::logging::log_path().display()
    )
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    lazyrich::logging::init();
    let command = cli.command.unwrap_or(Command::Tui {
        preset: "lazy-1d".into(),
        overrides: Vec::new(),
        ascii: false,
        out: PathBuf::from("."),
    });
    match command {
        Command::Tui {
            preset,
            overrides,
            ascii,
            out,
        } => tui(&preset, &overrides, ascii, out),
        Command::Run {
            preset,
            steps,
            overrides,
            out,
            plot,
        } => run_command::run(&preset, steps, &overrides, out, plot),
        Command::Sweep(arguments) => sweep::sweep_command(arguments),
        Command::Kernel {
            preset,
            overrides,
            inputs,
            test,
            out,
        } => kernel(&preset, &overrides, KernelOptions { inputs, test, out }),
        Command::Presets => {
            for entry in config::list_presets() {
                println!(
                    "{:<16} {}  [{}]",
                    entry.name, entry.description, entry.source
                );
            }
            ExitCode::SUCCESS
        }
        Command::Check { file } => check(&file),
    }
}

fn invalid(error: &PresetError) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::from(EXIT_INVALID)
}

fn tui(preset: &str, overrides: &[String], ascii: bool, out: PathBuf) -> ExitCode {
    let loaded = match config::load_preset_runs(preset, overrides) {
        Ok(loaded) => loaded,
        Err(error) => return invalid(&error),
    };
    match lazyrich::app::run_tui(loaded.preset, loaded.compare, ascii, out) {
        Ok(ExitReason::Signal(_)) => ExitCode::from(EXIT_INTERRUPTED),
        Ok(ExitReason::Quit | ExitReason::InputClosed) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            let unusable = error
                .downcast_ref::<TerminalError>()
                .is_some_and(TerminalError::is_unusable_terminal);
            if unusable {
                ExitCode::from(EXIT_INVALID)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn kernel(preset: &str, overrides: &[String], options: KernelOptions) -> ExitCode {
    let preset = match config::load_preset(preset, overrides) {
        Ok(preset) => preset,
        Err(error) => return invalid(&error),
    };
    match headless::write_kernels(&preset.model, &options) {
        Ok(report) => {
            let test = report
                .test_points
                .map(|q| format!(" and {q} x {} test kernels", report.train_points))
                .unwrap_or_default();
            eprintln!(
                "{} kernels, {p} x {p} training kernels{test} (dimension {}); wrote {}",
                preset.model.activation.name(),
                report.dimension,
                options.out.display(),
                p = report.train_points,
            );
            ExitCode::SUCCESS
        }
        Err(KernelCommandError::Input(error)) => {
            eprintln!("error: {error}");
            ExitCode::from(EXIT_INVALID)
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn check(file: &std::path::Path) -> ExitCode {
    match config::load_preset(&file.to_string_lossy(), &[]) {
        Ok(preset) => {
            println!("{}: valid preset `{}`", file.display(), preset.name);
            ExitCode::SUCCESS
        }
        Err(error) => invalid(&error),
    }
}
