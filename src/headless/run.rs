//! `lazyrich run`: train a preset without a terminal UI and write
//! `metrics.csv`, `predictions.csv` and `summary.json`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::config::types::{Optimizer, Preset};
use crate::train::snapshot::{FunctionView, METRIC_NAMES, MetricRow, RunInfo, layer_metric_names};
use crate::train::{TrainError, Trainer};

use super::HeadlessError;
use super::files::AtomicFile;
use super::grid::write_grid;
use super::interrupt::Interrupt;
use super::number::format_float;
use super::predictions::write_predictions;
use super::summary::{Summary, write_summary};
use crate::app::history::MetricHistories;
use crate::export::write_run_charts;

/// Steps of a headless run whose preset trains until stopped (`steps = 0`),
/// counted after the Langevin burn-in.
pub const DEFAULT_HEADLESS_STEPS: u64 = 10_000;

pub struct RunOptions {
    /// Overrides `train.steps` when set.
    pub steps: Option<u64>,
    pub out: PathBuf,
    /// Draw a progress bar on stderr (only when it is a terminal).
    pub progress: bool,
    /// Also write the charts as SVG and PNG images (see [`write_run_charts`]).
    pub plot: bool,
    /// Stops the run early, which still writes every file.
    pub interrupt: Option<Interrupt>,
}

/// Outcome of a headless run.
pub struct RunReport {
    pub steps: u64,
    pub steps_per_second: f64,
    pub last: MetricRow,
    /// Step and reason when the loss became NaN or infinite.
    pub divergence: Option<(u64, String)>,
    /// The run was stopped by a signal before its last step.
    pub interrupted: bool,
    /// Bounded histories of every metric, as the charts draw them.
    pub histories: MetricHistories,
    /// The run's data and function view at its last step, present when
    /// [`RunOptions::plot`] is set, for charts drawn across several runs.
    pub function: Option<(RunInfo, FunctionView)>,
}

/// Trains `preset` and writes the three output files into `options.out`.
pub fn run(preset: &Preset, options: &RunOptions) -> Result<RunReport, HeadlessError> {
    let burn_in = match preset.train.optimizer {
        Optimizer::Langevin => preset.train.burn_in,
        Optimizer::Gd => 0,
    };
    let steps = match options.steps.unwrap_or(preset.train.steps) {
        0 => burn_in + DEFAULT_HEADLESS_STEPS,
        n => n,
    };
    if burn_in >= steps {
        tracing::warn!(steps, burn_in, "the run ends before the Langevin burn-in");
        eprintln!(
            "warning: {steps} steps do not pass the burn-in of {burn_in} steps, so the posterior \
             mean is the last sample; pass --steps above {burn_in}"
        );
    }
    std::fs::create_dir_all(&options.out)
        .map_err(|source| HeadlessError::io(&options.out, source))?;
    let mut trainer = Trainer::new(preset)?;
    let metrics_path = options.out.join("metrics.csv");
    let columns = MetricColumns {
        classification: trainer.dataset().is_classification(),
        teacher: trainer.dataset().teacher.is_some(),
        layers: layer_metric_names(preset.model.depth),
    };
    let mut metrics = MetricsWriter::create(&metrics_path, columns)?;
    let progress = progress_bar(steps, options.progress);

    let started = Instant::now();
    // Bounded like the TUI's, so plotting a long run costs constant memory.
    let mut histories = MetricHistories::default();
    let mut last = trainer.metrics();
    metrics.write(&last)?;
    histories.push_row(&last);
    let log_every = preset.train.log_every;
    let interrupted = || options.interrupt.as_ref().is_some_and(Interrupt::is_set);
    while trainer.step_count() < steps {
        if interrupted() {
            break;
        }
        match trainer.step() {
            Ok(_) => {}
            Err(TrainError::Diverged { .. }) => break,
            Err(error) => return Err(error.into()),
        }
        let step = trainer.step_count();
        if step.is_multiple_of(log_every) || step == steps {
            last = trainer.metrics();
            metrics.write(&last)?;
            histories.push_row(&last);
            progress.set_position(step);
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    progress.finish_and_clear();
    let divergence = trainer.divergence().cloned();
    if last.step != trainer.step_count() {
        last = trainer.metrics();
        metrics.write(&last)?;
        histories.push_row(&last);
    }
    metrics.commit()?;

    let mut report = RunReport {
        steps: trainer.step_count(),
        steps_per_second: trainer.step_count() as f64 / elapsed.max(1e-9),
        last,
        divergence,
        interrupted: interrupted(),
        histories,
        function: None,
    };
    write_predictions(&trainer, &options.out.join("predictions.csv"))?;
    write_grid(&trainer, &options.out.join("grid.csv"))?;
    let summary = Summary::new(&trainer, &report);
    write_summary(&summary, &options.out.join("summary.json"))?;
    if options.plot {
        let info = trainer.info();
        let view = trainer.function_view();
        write_run_charts(&options.out, &report.histories, Some(&info), Some(&view))?;
        report.function = Some((info, view));
    }
    Ok(report)
}

fn progress_bar(steps: u64, requested: bool) -> ProgressBar {
    if !requested || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(steps), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} steps, {per_sec}, eta {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// Columns of `metrics.csv` beyond `step` and `METRIC_NAMES`.
struct MetricColumns {
    /// Adds `test_accuracy`.
    classification: bool,
    /// Adds `teacher_alignment`, for teacher data.
    teacher: bool,
    /// Per-layer weight-change columns of a deep network, empty at depth 1.
    layers: Vec<String>,
}

/// Streams metric rows to `metrics.csv`.
struct MetricsWriter {
    path: PathBuf,
    writer: csv::Writer<AtomicFile>,
    columns: MetricColumns,
}

impl MetricsWriter {
    fn create(path: &Path, columns: MetricColumns) -> Result<Self, HeadlessError> {
        let file = AtomicFile::create(path).map_err(|source| HeadlessError::io(path, source))?;
        let writer = csv::Writer::from_writer(file);
        let mut header = vec!["step"];
        header.extend(METRIC_NAMES);
        if columns.classification {
            header.push("test_accuracy");
        }
        if columns.teacher {
            header.push("teacher_alignment");
        }
        let layers = columns.layers.clone();
        header.extend(layers.iter().map(String::as_str));
        let mut this = MetricsWriter {
            path: path.to_path_buf(),
            writer,
            columns,
        };
        this.writer
            .write_record(&header)
            .map_err(|e| this.csv_error(e))?;
        Ok(this)
    }

    fn csv_error(&self, error: csv::Error) -> HeadlessError {
        HeadlessError::io(&self.path, std::io::Error::other(error))
    }

    fn write(&mut self, row: &MetricRow) -> Result<(), HeadlessError> {
        let mut record = vec![row.step.to_string()];
        record.extend(row.values.iter().map(|&v| format_float(v)));
        if self.columns.classification {
            record.push(format_float(row.test_accuracy.unwrap_or(f64::NAN)));
        }
        if self.columns.teacher {
            record.push(format_float(row.teacher_alignment.unwrap_or(f64::NAN)));
        }
        record.extend(row.layer_metric_values().into_iter().map(format_float));
        self.writer
            .write_record(&record)
            .map_err(|e| self.csv_error(e))
    }

    fn commit(self) -> Result<(), HeadlessError> {
        let path = self.path.clone();
        let file = self
            .writer
            .into_inner()
            .map_err(|e| HeadlessError::io(&path, e.into_error()))?;
        file.commit()
            .map_err(|source| HeadlessError::io(&path, source))
    }
}
