//! Printed sweep report: the aligned table of grid points and, for a grid
//! on `model.width`, the log-log slopes of the change metrics.

use std::path::Path;

use super::HeadlessError;
use super::number::format_float;
use super::sweep_table::{PointSummary, SweepTable, write_csv};

/// Metrics whose slope against the width is fitted.
pub const SLOPE_METRICS: [&str; 3] = ["weight_change_w", "feature_change", "kernel_distance"];

/// Metrics shown in the printed table when the runs have them.
const TABLE_METRICS: [&str; 9] = [
    "train_loss",
    "test_loss",
    "weight_change_w",
    "feature_change",
    "kernel_distance",
    "test_accuracy",
    "nngp_accuracy",
    "ntk_accuracy",
    "teacher_alignment",
];

/// The swept key whose slopes are fitted.
pub const WIDTH_KEY: &str = "model.width";

/// A fitted slope of `ln(metric mean)` against `ln(width)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Slope {
    /// Values of the other grid keys, in key order without the width.
    pub others: Vec<String>,
    pub metric: String,
    /// Least-squares slope; NaN with fewer than two positive, finite means.
    pub slope: f64,
    /// Slope between the two largest widths alone, the estimate closest to
    /// the infinite-width exponent when finite-width corrections bend the
    /// curve at small widths; NaN with fewer than two widths.
    pub largest_two: f64,
    /// Widths that entered the fit.
    pub points: usize,
}

/// Fits one slope per metric of [`SLOPE_METRICS`] and per combination of
/// the other grid values. Empty unless the grid sweeps `model.width`.
pub fn width_slopes(table: &SweepTable) -> Vec<Slope> {
    let Some(width_axis) = table.keys.iter().position(|key| key == WIDTH_KEY) else {
        return Vec::new();
    };
    let points = table.summarise();
    let others_of = |point: &PointSummary| {
        let mut others = point.values.clone();
        others.remove(width_axis);
        others
    };
    let mut groups: Vec<Vec<String>> = Vec::new();
    for point in &points {
        let others = others_of(point);
        if !groups.contains(&others) {
            groups.push(others);
        }
    }
    let mut slopes = Vec::new();
    for others in groups {
        for metric in SLOPE_METRICS {
            let Some(column) = table.column(metric) else {
                continue;
            };
            let mut pairs: Vec<(f64, f64)> = points
                .iter()
                .filter(|point| others_of(point) == others)
                .filter_map(|point| {
                    let width: f64 = point.values[width_axis].parse().ok()?;
                    let value = point.means[column];
                    (width > 0.0 && value > 0.0 && value.is_finite())
                        .then(|| (width.ln(), value.ln()))
                })
                .collect();
            pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
            slopes.push(Slope {
                others: others.clone(),
                metric: metric.to_string(),
                slope: least_squares_slope(&pairs),
                largest_two: least_squares_slope(&pairs[pairs.len().saturating_sub(2)..]),
                points: pairs.len(),
            });
        }
    }
    slopes
}

/// Slope of the least-squares line through `(x, y)` pairs:
/// `sum (x - x_mean)(y - y_mean) / sum (x - x_mean)^2`. NaN for fewer than
/// two pairs or equal `x`.
pub fn least_squares_slope(pairs: &[(f64, f64)]) -> f64 {
    if pairs.len() < 2 {
        return f64::NAN;
    }
    let n = pairs.len() as f64;
    let x_mean = pairs.iter().map(|(x, _)| x).sum::<f64>() / n;
    let y_mean = pairs.iter().map(|(_, y)| y).sum::<f64>() / n;
    let covariance: f64 = pairs.iter().map(|(x, y)| (x - x_mean) * (y - y_mean)).sum();
    let variance: f64 = pairs.iter().map(|(x, _)| (x - x_mean).powi(2)).sum();
    if variance == 0.0 {
        f64::NAN
    } else {
        covariance / variance
    }
}

/// Writes `sweep_slopes.csv`: the other keys, `metric`, `slope`,
/// `slope_largest_two`, `points`.
pub fn write_slopes(
    table: &SweepTable,
    slopes: &[Slope],
    path: &Path,
) -> Result<(), HeadlessError> {
    let mut header: Vec<String> = table
        .keys
        .iter()
        .filter(|key| *key != WIDTH_KEY)
        .cloned()
        .collect();
    header.extend(["metric", "slope", "slope_largest_two", "points"].map(String::from));
    let records = slopes.iter().map(|slope| {
        let mut record = slope.others.clone();
        record.push(slope.metric.clone());
        record.push(format_float(slope.slope));
        record.push(format_float(slope.largest_two));
        record.push(slope.points.to_string());
        record
    });
    write_csv(path, header, records)
}

/// Formats the grid points as an aligned table: the keys, the run count,
/// and `mean ± se` of the metrics the runs have.
pub fn format_table(table: &SweepTable) -> String {
    let points = table.summarise();
    let has_values = |column: usize| points.iter().any(|point| !point.means[column].is_nan());
    let shown: Vec<(usize, &str)> = TABLE_METRICS
        .iter()
        .filter_map(|name| Some((table.column(name)?, *name)))
        .filter(|(column, _)| has_values(*column))
        .collect();
    let mut header: Vec<String> = table.keys.clone();
    header.push("runs".into());
    header.extend(shown.iter().map(|(_, name)| name.to_string()));
    let mut lines = vec![header];
    for point in points {
        let mut line = point.values.clone();
        line.push(point.runs.to_string());
        for (column, _) in &shown {
            let (mean, se) = (point.means[*column], point.standard_errors[*column]);
            line.push(if se.is_nan() {
                format!("{mean:.3e}")
            } else {
                format!("{mean:.3e} ± {se:.1e}")
            });
        }
        lines.push(line);
    }
    align(&lines)
}

/// Formats the slopes as lines such as `model.scaling=standard:
/// weight_change_w -0.49 (4 widths)`.
pub fn format_slopes(table: &SweepTable, slopes: &[Slope]) -> String {
    let others: Vec<&String> = table.keys.iter().filter(|key| *key != WIDTH_KEY).collect();
    let mut lines = vec![vec![
        "other keys".to_string(),
        "metric".to_string(),
        "slope vs width".to_string(),
        "largest two".to_string(),
        "widths".to_string(),
    ]];
    for slope in slopes {
        let label: Vec<String> = others
            .iter()
            .zip(&slope.others)
            .map(|(key, value)| format!("{key}={value}"))
            .collect();
        lines.push(vec![
            if label.is_empty() {
                "-".to_string()
            } else {
                label.join(" ")
            },
            slope.metric.clone(),
            format!("{:.3}", slope.slope),
            format!("{:.3}", slope.largest_two),
            slope.points.to_string(),
        ]);
    }
    align(&lines)
}

/// Pads each column to its widest cell, two spaces apart.
fn align(lines: &[Vec<String>]) -> String {
    let columns = lines.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            lines
                .iter()
                .filter_map(|line| line.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for line in lines {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::headless::sweep_table::SweepRow;

    fn width_table() -> SweepTable {
        let row = |index, width: usize, scaling: &str, change: f64| SweepRow {
            index,
            values: vec![width.to_string(), scaling.to_string()],
            seed: 0,
            metrics: vec![change],
        };
        SweepTable {
            keys: vec!["model.width".into(), "model.scaling".into()],
            columns: vec!["weight_change_w".into()],
            rows: vec![
                row(0, 100, "standard", 0.1),
                row(1, 100, "mean-field", 0.5),
                row(2, 10000, "standard", 0.01),
                row(3, 10000, "mean-field", 0.5),
            ],
        }
    }

    #[test]
    fn slopes_per_other_value() {
        let slopes = width_slopes(&width_table());
        assert_eq!(slopes.len(), 2);
        assert_eq!(slopes[0].others, ["standard"]);
        // 0.1 -> 0.01 over a factor 100 in width is a slope of exactly -1/2,
        // up to the rounding of two logarithms.
        assert!((slopes[0].slope + 0.5).abs() < 1e-12, "{}", slopes[0].slope);
        assert!(slopes[1].slope.abs() < 1e-12);
        assert_eq!(slopes[1].points, 2);
    }

    #[test]
    fn largest_two_widths_slope() {
        let row = |index, width: usize, change: f64| SweepRow {
            index,
            values: vec![width.to_string()],
            seed: 0,
            metrics: vec![change],
        };
        // Listed out of width order: the two largest widths are 10^4 and 10^6,
        // where 0.01 -> 0.001 is a slope of -1/2. The bent small-width point
        // pulls the least-squares slope over all three to -0.33.
        let table = SweepTable {
            keys: vec!["model.width".into()],
            columns: vec!["weight_change_w".into()],
            rows: vec![
                row(0, 1_000_000, 0.001),
                row(1, 100, 0.02),
                row(2, 10_000, 0.01),
            ],
        };
        let slopes = width_slopes(&table);
        assert!(
            (slopes[0].largest_two + 0.5).abs() < 1e-12,
            "{:?}",
            slopes[0]
        );
        let all_three = least_squares_slope(&[
            (100f64.ln(), 0.02f64.ln()),
            (10_000f64.ln(), 0.01f64.ln()),
            (1_000_000f64.ln(), 0.001f64.ln()),
        ]);
        assert!(
            (slopes[0].slope - all_three).abs() < 1e-12,
            "{:?}",
            slopes[0]
        );
        assert!(slopes[0].slope > -0.4, "{:?}", slopes[0]);
    }

    #[test]
    fn no_width_axis_no_slopes() {
        let mut table = width_table();
        table.keys[0] = "model.gamma0".into();
        assert!(width_slopes(&table).is_empty());
    }

    #[test]
    fn slope_of_line_and_degenerate_input() {
        assert_eq!(
            least_squares_slope(&[(0.0, 1.0), (1.0, 3.0), (2.0, 5.0)]),
            2.0
        );
        assert!(least_squares_slope(&[(1.0, 1.0)]).is_nan());
        assert!(least_squares_slope(&[(1.0, 1.0), (1.0, 2.0)]).is_nan());
    }

    #[test]
    fn table_is_aligned() {
        let text = format_table(&width_table());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5);
        assert!(lines[0].starts_with("model.width  model.scaling  runs  weight_change_w"));
        let column = lines[0].find("runs").expect("runs column");
        assert_eq!(lines[1].find('1'), Some(0));
        assert_eq!(&lines[2][column..column + 1], "1");
    }
}
