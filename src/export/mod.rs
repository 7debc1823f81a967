//! Export of runs as files: metrics and predictions as CSV, and the charts
//! (loss, changes, kernel metrics, function view with its overlays) as SVG
//! and PNG images.
//!
//! [`plot_series`] draws any set of curves and is the entry point for other
//! commands. [`export_runs`] writes what the TUI holds for its runs into a
//! new timestamped folder, [`write_run_charts`] the charts of one run and
//! [`write_compare_charts`] the charts with one line per run.

mod charts;
mod compare;
mod folder;
mod font;
mod plot;
mod runs;
mod tables;
mod ticks;

pub use charts::{function_series, metric_series, write_run_charts};
pub use compare::{CompareChartRun, write_compare_charts};
pub use folder::{create_export_folder, export_folder_name, file_safe, run_folder_names};
pub use plot::{IMAGE_SIZE, Mark, Series, plot_series, plot_svg_and_png};
pub use runs::export_runs;
pub use tables::{write_history_csv, write_view_csv};

use std::path::{Path, PathBuf};

/// A failed export. The runs in memory are untouched.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot draw {}: {message}", path.display())]
    Plot { path: PathBuf, message: String },
    #[error("unsupported image format for {}: the extension must be .svg or .png", .0.display())]
    Format(PathBuf),
}

impl ExportError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        ExportError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
