//! Results of a sweep: one row per run, `sweep.csv`, and per grid point the
//! mean and standard error over seeds, `sweep_summary.csv`.

use std::path::Path;

use super::HeadlessError;
use super::files::write_atomic;
use super::number::format_float;

/// The final metrics of one run, in the table's column order.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepRow {
    /// Position in the full, unsharded run order.
    pub index: usize,
    /// Grid value of each axis, as written on the command line.
    pub values: Vec<String>,
    pub seed: usize,
    /// One value per metric column; NaN where a run lacks the metric.
    pub metrics: Vec<f64>,
}

/// Every run of a sweep (or of one shard).
#[derive(Clone, Debug, PartialEq)]
pub struct SweepTable {
    /// Swept keys, e.g. `model.width`.
    pub keys: Vec<String>,
    /// Metric names, as in `summary.json`.
    pub columns: Vec<String>,
    pub rows: Vec<SweepRow>,
}

/// Mean and standard error over the seeds of one grid point.
#[derive(Clone, Debug, PartialEq)]
pub struct PointSummary {
    pub values: Vec<String>,
    pub runs: usize,
    pub means: Vec<f64>,
    /// `sd / sqrt(runs)` with the sample sd (divisor `runs - 1`); NaN for
    /// a single run.
    pub standard_errors: Vec<f64>,
}

impl SweepTable {
    /// Writes `sweep.csv`: the keys, `seed`, then the metrics.
    pub fn write_runs(&self, path: &Path) -> Result<(), HeadlessError> {
        let mut header: Vec<String> = self.keys.clone();
        header.push("seed".into());
        header.extend(self.columns.iter().cloned());
        let records = self.rows.iter().map(|row| {
            let mut record = row.values.clone();
            record.push(row.seed.to_string());
            record.extend(row.metrics.iter().map(|value| format_float(*value)));
            record
        });
        write_csv(path, header, records)
    }

    /// Groups the rows by grid point, in order of first appearance.
    pub fn summarise(&self) -> Vec<PointSummary> {
        let mut groups: Vec<(Vec<String>, Vec<&SweepRow>)> = Vec::new();
        for row in &self.rows {
            match groups.iter_mut().find(|(values, _)| *values == row.values) {
                Some((_, members)) => members.push(row),
                None => groups.push((row.values.clone(), vec![row])),
            }
        }
        groups
            .into_iter()
            .map(|(values, members)| {
                let column = |c: usize| members.iter().map(move |row| row.metrics[c]);
                let count = self.columns.len();
                PointSummary {
                    values,
                    runs: members.len(),
                    means: (0..count).map(|c| mean(column(c))).collect(),
                    standard_errors: (0..count).map(|c| standard_error(column(c))).collect(),
                }
            })
            .collect()
    }

    /// Writes `sweep_summary.csv`: the keys, `runs`, then `<metric>_mean`
    /// and `<metric>_se` for each metric.
    pub fn write_summary(&self, path: &Path) -> Result<(), HeadlessError> {
        let mut header: Vec<String> = self.keys.clone();
        header.push("runs".into());
        for name in &self.columns {
            header.push(format!("{name}_mean"));
            header.push(format!("{name}_se"));
        }
        let records = self.summarise().into_iter().map(|point| {
            let mut record = point.values.clone();
            record.push(point.runs.to_string());
            for (mean, se) in point.means.iter().zip(&point.standard_errors) {
                record.push(format_float(*mean));
                record.push(format_float(*se));
            }
            record
        });
        write_csv(path, header, records)
    }

    /// Index of a metric column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|column| column == name)
    }
}

/// Arithmetic mean; NaN for no values.
pub fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, count) = values.fold((0.0, 0usize), |(sum, count), x| (sum + x, count + 1));
    if count == 0 {
        f64::NAN
    } else {
        sum / count as f64
    }
}

/// `s / sqrt(n)` with the sample standard deviation `s` (divisor `n - 1`);
/// NaN for fewer than two values.
pub fn standard_error(values: impl Iterator<Item = f64> + Clone) -> f64 {
    let count = values.clone().count();
    if count < 2 {
        return f64::NAN;
    }
    let average = mean(values.clone());
    let squares: f64 = values.map(|x| (x - average) * (x - average)).sum();
    (squares / (count - 1) as f64).sqrt() / (count as f64).sqrt()
}

pub(super) fn write_csv(
    path: &Path,
    header: Vec<String>,
    records: impl Iterator<Item = Vec<String>>,
) -> Result<(), HeadlessError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let csv_error = |error: csv::Error| HeadlessError::io(path, std::io::Error::other(error));
    writer.write_record(&header).map_err(csv_error)?;
    for record in records {
        writer.write_record(&record).map_err(csv_error)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| HeadlessError::io(path, error.into_error()))?;
    write_atomic(path, &bytes).map_err(|source| HeadlessError::io(path, source))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(index: usize, width: &str, seed: usize, loss: f64) -> SweepRow {
        SweepRow {
            index,
            values: vec![width.to_string()],
            seed,
            metrics: vec![loss],
        }
    }

    fn table() -> SweepTable {
        SweepTable {
            keys: vec!["model.width".into()],
            columns: vec!["train_loss".into()],
            rows: vec![
                row(0, "16", 0, 1.0),
                row(1, "16", 1, 3.0),
                row(2, "64", 0, 5.0),
            ],
        }
    }

    #[test]
    fn summary_groups_by_point() {
        let points = table().summarise();
        assert_eq!(points.len(), 2);
        assert_eq!(points[0].runs, 2);
        assert_eq!(points[0].means, [2.0]);
        // Sample sd of {1, 3} is sqrt(2), so the standard error is 1.
        assert!((points[0].standard_errors[0] - 1.0).abs() < 1e-15);
        assert!(points[1].standard_errors[0].is_nan());
    }

    #[test]
    fn csv_columns_follow_keys_seed_metrics() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let path = folder.path().join("sweep.csv");
        table().write_runs(&path).expect("written");
        let text = std::fs::read_to_string(&path).expect("readable");
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("model.width,seed,train_loss"));
        assert_eq!(lines.next(), Some("16,0,1"));
        let summary = folder.path().join("sweep_summary.csv");
        table().write_summary(&summary).expect("written");
        let text = std::fs::read_to_string(&summary).expect("readable");
        assert!(text.starts_with("model.width,runs,train_loss_mean,train_loss_se\n16,2,2,1\n"));
    }
}
