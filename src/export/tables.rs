//! CSV files of what the TUI holds for a run: the decimated metric
//! histories and the curves of the function view.

use std::path::Path;

use super::ExportError;
use crate::app::history::MetricHistories;
use crate::headless::files::AtomicFile;
use crate::headless::number::format_float;
use crate::train::snapshot::{FunctionView, METRIC_NAMES, RunInfo};

/// Writes the metric histories to `path`, one row per stored bucket:
/// `metric, first_step, last_step, min, max, count`.
///
/// The TUI keeps bounded histories: long runs are merged into buckets that
/// keep each bucket's minimum and maximum, so a bucket stands for `count`
/// logged values between two steps. `test_accuracy` rows appear for
/// classification runs only. NaN and infinite values are not stored, so
/// they do not appear.
pub fn write_history_csv(path: &Path, histories: &MetricHistories) -> Result<(), ExportError> {
    let io_error = |source| ExportError::io(path, source);
    let file = AtomicFile::create(path).map_err(io_error)?;
    let mut writer = csv::Writer::from_writer(file);
    let csv_error = |e: csv::Error| ExportError::io(path, std::io::Error::other(e));
    let header = ["metric", "first_step", "last_step", "min", "max", "count"];
    writer.write_record(header).map_err(csv_error)?;
    let named = METRIC_NAMES
        .iter()
        .filter_map(|name| histories.metric(name).map(|series| (*name, series)))
        .chain(std::iter::once(("test_accuracy", histories.accuracy())));
    for (name, series) in named {
        for bucket in series.buckets() {
            let record = [
                name.to_string(),
                bucket.first_step.to_string(),
                bucket.last_step.to_string(),
                format_float(bucket.min),
                format_float(bucket.max),
                bucket.count.to_string(),
            ];
            writer.write_record(&record).map_err(csv_error)?;
        }
    }
    let file = writer
        .into_inner()
        .map_err(|e| ExportError::io(path, e.into_error()))?;
    file.commit().map_err(io_error)
}

/// Writes the function view to `path`: one row per test point with `x`
/// (the first input coordinate), `target` and every curve the view contains
/// (`network`, `sample`, `ntk`, `linearized`, `gp_mean`, `gp_sd`), all for
/// the first output. A curve that is empty, as `sample` is for GD, is left
/// out; a curve shorter than the test set gets empty cells.
pub fn write_view_csv(path: &Path, info: &RunInfo, view: &FunctionView) -> Result<(), ExportError> {
    let io_error = |source| ExportError::io(path, source);
    let curves: Vec<(&str, &[f64])> = [
        ("network", view.network.as_slice()),
        ("sample", &view.sample),
        ("ntk", &view.ntk),
        ("linearized", &view.linearized),
        ("gp_mean", &view.gp_mean),
        ("gp_sd", &view.gp_sd),
    ]
    .into_iter()
    .filter(|(_, values)| !values.is_empty())
    .collect();
    let file = AtomicFile::create(path).map_err(io_error)?;
    let mut writer = csv::Writer::from_writer(file);
    let csv_error = |e: csv::Error| ExportError::io(path, std::io::Error::other(e));
    let mut header = vec!["x", "target"];
    header.extend(curves.iter().map(|(name, _)| *name));
    writer.write_record(&header).map_err(csv_error)?;
    let cell = |values: &[f64], q: usize| values.get(q).map_or(String::new(), |v| format_float(*v));
    for (q, x) in info.x_test.iter().enumerate() {
        let mut record = vec![format_float(*x), cell(&info.y_test, q)];
        record.extend(curves.iter().map(|(_, values)| cell(values, q)));
        writer.write_record(&record).map_err(csv_error)?;
    }
    let file = writer
        .into_inner()
        .map_err(|e| ExportError::io(path, e.into_error()))?;
    file.commit().map_err(io_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::{sample_info, sample_row, sample_view};

    #[test]
    fn history_csv_has_one_row_per_bucket() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let path = folder.path().join("metrics.csv");
        let mut histories = MetricHistories::with_capacity(8);
        for step in 0..5 {
            histories.push_row(&sample_row(step * 10));
        }
        write_history_csv(&path, &histories).expect("write");
        let text = std::fs::read_to_string(&path).expect("read");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "metric,first_step,last_step,min,max,count");
        // 11 metrics and the accuracy, 5 buckets each.
        assert_eq!(lines.len(), 1 + 12 * 5);
        assert!(lines[1].starts_with("train_loss,0,0,"), "{}", lines[1]);
        assert!(
            lines
                .last()
                .is_some_and(|l| l.starts_with("test_accuracy,40,40,"))
        );
    }

    #[test]
    fn view_csv_lists_present_curves() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let path = folder.path().join("predictions.csv");
        let info = sample_info();
        let mut view = sample_view(&info);
        view.ntk.truncate(3);
        write_view_csv(&path, &info, &view).expect("write");
        let text = std::fs::read_to_string(&path).expect("read");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "x,target,network,ntk,linearized,gp_mean,gp_sd");
        assert_eq!(lines.len(), 1 + info.x_test.len());
        // The NTK column has 3 values, so later rows leave it empty.
        let cells: Vec<&str> = lines[10].split(',').collect();
        assert_eq!(cells.len(), 7);
        assert_eq!(cells[3], "");
        assert_eq!(cells[0], format_float(info.x_test[9]));
    }
}
