//! Headless commands (run, also with compare runs, sweep, kernel, presets
//! and check) and their CSV and JSON writers.

pub mod compare;
pub mod files;
pub mod grid;
pub mod interrupt;
pub mod kernel;
pub mod number;
pub mod predictions;
pub mod run;
pub mod summary;
pub mod sweep;
pub mod sweep_grid;
pub mod sweep_merge;
pub mod sweep_plot;
pub mod sweep_report;
pub mod sweep_table;

pub use crate::export::run_folder_names;
pub use compare::{CompareReport, RUNS_INDEX, format_run_line, run_compare};
pub use kernel::{KernelCommandError, KernelOptions, KernelReport, write_kernels};
pub use run::{RunOptions, RunReport, run};
pub use sweep::{SweepFailure, SweepOptions, SweepReport, format_report, sweep};
pub use sweep_merge::merge;

use std::path::{Path, PathBuf};

use crate::train::TrainError;

#[derive(Debug, thiserror::Error)]
pub enum HeadlessError {
    #[error(transparent)]
    Train(#[from] TrainError),
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl HeadlessError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        HeadlessError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
