//! Charts of a sweep: each metric's mean over seeds against the first
//! numeric grid key, one curve for each combination of the other keys.

use std::path::Path;

use super::sweep_table::{PointSummary, SweepTable};
use crate::export::{ExportError, Mark, Series, plot_series};
use crate::ui::theme::run_series;

/// Metrics drawn by [`plot_sweep`], each to `<metric>.svg` and `.png`.
pub const PLOTTED_METRICS: [&str; 6] = [
    "weight_change_w",
    "feature_change",
    "kernel_distance",
    "test_loss",
    "test_accuracy",
    "teacher_alignment",
];

/// Writes one chart per metric of [`PLOTTED_METRICS`] that the sweep has
/// finite values of, into `out`, and returns the paths written.
///
/// The x axis is the first grid key whose values all parse as positive
/// numbers, drawn as `log10` of the value (widths and gamma0 span decades).
/// The y axis is logarithmic when every mean is positive. A sweep without
/// such a key has nothing to draw against and writes no chart.
///
/// # Errors
/// Fails when a file cannot be written.
pub fn plot_sweep(table: &SweepTable, out: &Path) -> Result<Vec<std::path::PathBuf>, ExportError> {
    let points = table.summarise();
    let Some(axis) = numeric_axis(table, &points) else {
        return Ok(Vec::new());
    };
    let mut written = Vec::new();
    for metric in PLOTTED_METRICS {
        let Some(column) = table.column(metric) else {
            continue;
        };
        let series = curves(table, &points, axis, column);
        if series.iter().all(|s| s.points.is_empty()) {
            continue;
        }
        let log_y = series
            .iter()
            .flat_map(|s| s.points.iter())
            .all(|&(_, y)| y > 0.0);
        let x_label = format!("log10 {}", table.keys[axis]);
        for extension in ["svg", "png"] {
            let path = out.join(format!("{metric}.{extension}"));
            plot_series(&path, metric, &x_label, metric, &series, log_y)?;
            written.push(path);
        }
    }
    Ok(written)
}

/// Index of the first grid key whose values are all positive numbers.
fn numeric_axis(table: &SweepTable, points: &[PointSummary]) -> Option<usize> {
    (0..table.keys.len()).find(|&axis| {
        points
            .iter()
            .all(|point| point.values[axis].parse::<f64>().is_ok_and(|v| v > 0.0))
    })
}

/// Builds one curve of `(log10 x, mean)` per combination of the other grid values.
fn curves(table: &SweepTable, points: &[PointSummary], axis: usize, column: usize) -> Vec<Series> {
    let others_of = |point: &PointSummary| {
        let mut others = point.values.clone();
        others.remove(axis);
        others
    };
    let mut groups: Vec<Vec<String>> = Vec::new();
    for point in points {
        let others = others_of(point);
        if !groups.contains(&others) {
            groups.push(others);
        }
    }
    let other_keys: Vec<&String> = (0..table.keys.len())
        .filter(|&k| k != axis)
        .map(|k| &table.keys[k])
        .collect();
    groups
        .iter()
        .enumerate()
        .map(|(index, others)| {
            let mut pairs: Vec<(f64, f64)> = points
                .iter()
                .filter(|point| &others_of(point) == others)
                .filter_map(|point| {
                    let x: f64 = point.values[axis].parse().ok()?;
                    let y = point.means[column];
                    y.is_finite().then(|| (x.log10(), y))
                })
                .collect();
            pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
            let label = other_keys
                .iter()
                .zip(others)
                .map(|(key, value)| format!("{key}={value}"))
                .collect::<Vec<_>>()
                .join(" ");
            Series {
                label: if label.is_empty() {
                    "mean".into()
                } else {
                    label
                },
                points: pairs,
                rgb: run_series(index).rgb,
                mark: Mark::Line,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::headless::sweep_table::SweepRow;

    fn table() -> SweepTable {
        let row = |index: usize, width: &str, scaling: &str, value: f64| SweepRow {
            index,
            values: vec![width.into(), scaling.into()],
            seed: 0,
            metrics: vec![value, f64::NAN],
        };
        SweepTable {
            keys: vec!["model.width".into(), "model.scaling".into()],
            columns: vec!["weight_change_w".into(), "test_accuracy".into()],
            rows: vec![
                row(0, "256", "standard", 0.08),
                row(1, "1024", "standard", 0.04),
                row(2, "256", "mean-field", 0.7),
                row(3, "1024", "mean-field", 0.7),
            ],
        }
    }

    #[test]
    fn sweep_charts_one_curve_per_scaling() {
        let table = table();
        let points = table.summarise();
        assert_eq!(numeric_axis(&table, &points), Some(0));
        let series = curves(&table, &points, 0, 0);
        assert_eq!(series.len(), 2);
        assert_eq!(series[0].label, "model.scaling=standard");
        let x = 1024f64.log10();
        assert_eq!(series[0].points, vec![(256f64.log10(), 0.08), (x, 0.04)]);
        assert_eq!(series[1].points[1], (x, 0.7));
    }

    #[test]
    fn sweep_plot_writes_finite_metrics_only() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let written = plot_sweep(&table(), folder.path()).expect("charts written");
        let names: Vec<String> = written
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        // test_accuracy is NaN everywhere, so only the weight change is drawn.
        assert_eq!(names, ["weight_change_w.svg", "weight_change_w.png"]);
        let svg = std::fs::read_to_string(&written[0]).expect("svg readable");
        assert!(svg.contains("model.scaling=mean-field"), "{svg}");
    }

    #[test]
    fn sweep_without_numeric_key_draws_nothing() {
        let mut table = table();
        for row in &mut table.rows {
            row.values[0] = "wide".into();
        }
        let folder = tempfile::tempdir().expect("temporary folder");
        assert!(
            plot_sweep(&table, folder.path())
                .expect("no error")
                .is_empty()
        );
    }
}
