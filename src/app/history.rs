//! Bounded metric histories: one [`Series`] per metric of a run.

use crate::train::snapshot::{METRIC_NAMES, MetricRow};

pub use super::series::{Bucket, Series};

/// Default number of buckets per series. Two points per bucket fill a chart
/// 1024 braille dots wide, and memory stays at about 40 KiB per series.
pub const DEFAULT_CAPACITY: usize = 1024;

/// Name of the first layer's spectral-norm ratio `|W_t - W_0|_2 / |W_0|_2`,
/// the layer-1 companion of the `weight_change_w{l}_spectral` columns.
pub const FIRST_LAYER_SPECTRAL: &str = "weight_change_w_spectral";

/// Name of the teacher-alignment metric of teacher data.
pub const TEACHER_ALIGNMENT: &str = "teacher_alignment";

/// One bounded series per metric column, plus the test accuracy, the
/// teacher alignment and the weight change of every hidden layer.
#[derive(Clone, Debug)]
pub struct MetricHistories {
    metrics: Vec<Series>,
    accuracy: Series,
    first_layer_spectral: Series,
    teacher_alignment: Series,
    /// Frobenius and spectral ratio of hidden layer `l = i + 2` at index
    /// `i`; grows with the first row of a deep network.
    hidden_layers: Vec<LayerSeries>,
    capacity: usize,
}

/// The two weight-change ratios of one hidden layer `l >= 2`.
#[derive(Clone, Debug)]
struct LayerSeries {
    frobenius: Series,
    spectral: Series,
}

impl MetricHistories {
    pub fn with_capacity(capacity: usize) -> MetricHistories {
        MetricHistories {
            metrics: vec![Series::with_capacity(capacity); METRIC_NAMES.len()],
            accuracy: Series::with_capacity(capacity),
            first_layer_spectral: Series::with_capacity(capacity),
            teacher_alignment: Series::with_capacity(capacity),
            hidden_layers: Vec::new(),
            capacity,
        }
    }

    pub fn push_row(&mut self, row: &MetricRow) {
        for (series, value) in self.metrics.iter_mut().zip(row.values) {
            series.push(row.step, value);
        }
        if let Some(accuracy) = row.test_accuracy {
            self.accuracy.push(row.step, accuracy);
        }
        self.first_layer_spectral
            .push(row.step, row.weight_change_w_spectral);
        if let Some(alignment) = row.teacher_alignment {
            self.teacher_alignment.push(row.step, alignment);
        }
        while self.hidden_layers.len() < row.hidden_weight_change.len() {
            self.hidden_layers.push(LayerSeries {
                frobenius: Series::with_capacity(self.capacity),
                spectral: Series::with_capacity(self.capacity),
            });
        }
        for (layer, change) in self.hidden_layers.iter_mut().zip(&row.hidden_weight_change) {
            layer.frobenius.push(row.step, change.frobenius);
            layer.spectral.push(row.step, change.spectral);
        }
    }

    /// Series of the metric called `name`: one of `METRIC_NAMES`,
    /// [`FIRST_LAYER_SPECTRAL`], [`TEACHER_ALIGNMENT`], or a per-layer
    /// column `weight_change_w{l}` or `weight_change_w{l}_spectral` with
    /// `l >= 2` of a layer that has reported. `None` for other names.
    pub fn metric(&self, name: &str) -> Option<&Series> {
        if let Some(index) = METRIC_NAMES.iter().position(|n| *n == name) {
            return self.metrics.get(index);
        }
        match name {
            FIRST_LAYER_SPECTRAL => return Some(&self.first_layer_spectral),
            TEACHER_ALIGNMENT => return Some(&self.teacher_alignment),
            _ => {}
        }
        let (layer, spectral) = parse_layer_metric(name)?;
        let series = self.hidden_layers.get(layer.checked_sub(2)?)?;
        Some(if spectral {
            &series.spectral
        } else {
            &series.frobenius
        })
    }

    pub fn accuracy(&self) -> &Series {
        &self.accuracy
    }

    /// Number of hidden layers whose weight change has been recorded: 1
    /// before the first row of a deep network, `L` after it.
    pub fn layer_count(&self) -> usize {
        1 + self.hidden_layers.len()
    }

    /// Last step that any metric reached, or `None` before the first row.
    pub fn last_step(&self) -> Option<u64> {
        self.metrics
            .iter()
            .chain(std::iter::once(&self.accuracy))
            .filter_map(|s| s.step_range().map(|r| r.1))
            .max()
    }

    /// Empties every series. The per-layer series are dropped, because the
    /// next run may have another depth.
    pub fn clear(&mut self) {
        for series in &mut self.metrics {
            series.clear();
        }
        self.accuracy.clear();
        self.first_layer_spectral.clear();
        self.teacher_alignment.clear();
        self.hidden_layers.clear();
    }
}

/// Splits a per-layer column name into the layer `l` and whether it is the
/// spectral ratio: `weight_change_w3` gives `(3, false)` and
/// `weight_change_w3_spectral` gives `(3, true)`. The layer must be a
/// decimal number of at least 2, as [`layer_metric_names`] writes it.
///
/// [`layer_metric_names`]: crate::train::snapshot::layer_metric_names
fn parse_layer_metric(name: &str) -> Option<(usize, bool)> {
    let rest = name.strip_prefix("weight_change_w")?;
    let (digits, spectral) = match rest.strip_suffix("_spectral") {
        Some(digits) => (digits, true),
        None => (rest, false),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let layer: usize = digits.parse().ok()?;
    (layer >= 2).then_some((layer, spectral))
}

impl Default for MetricHistories {
    fn default() -> Self {
        MetricHistories::with_capacity(DEFAULT_CAPACITY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::sample_row;

    #[test]
    fn histories_route_columns_by_name() {
        let mut histories = MetricHistories::with_capacity(8);
        let mut values = [0.0; 11];
        for (i, value) in values.iter_mut().enumerate() {
            *value = i as f64;
        }
        let row = MetricRow {
            step: 7,
            values,
            test_accuracy: Some(0.5),
            kernel_alignment_uncentred: 0.0,
            weight_change_w_spectral: 0.0,
            teacher_alignment: None,
            hidden_weight_change: Vec::new(),
        };
        histories.push_row(&row);
        for (i, name) in METRIC_NAMES.iter().enumerate() {
            let series = histories.metric(name).expect("metric exists");
            assert_eq!(series.latest(), Some(i as f64), "{name}");
        }
        assert_eq!(histories.accuracy().latest(), Some(0.5));
        assert_eq!(histories.last_step(), Some(7));
        assert!(histories.metric("no_such_metric").is_none());
        histories.clear();
        assert_eq!(histories.last_step(), None);
    }

    #[test]
    fn histories_store_layer_and_teacher_metrics() {
        use crate::train::snapshot::LayerChange;
        let mut histories = MetricHistories::with_capacity(8);
        assert_eq!(histories.layer_count(), 1);
        let layer = |l: f64| LayerChange {
            frobenius: l / 100.0,
            spectral: l / 10.0,
        };
        let row = MetricRow {
            weight_change_w_spectral: 0.25,
            teacher_alignment: Some(0.3),
            hidden_weight_change: vec![layer(2.0), layer(3.0)],
            ..sample_row(40)
        };
        histories.push_row(&row);
        assert_eq!(histories.layer_count(), 3);
        let latest = |name: &str| histories.metric(name).and_then(Series::latest);
        assert_eq!(latest("weight_change_w_spectral"), Some(0.25));
        assert_eq!(latest("teacher_alignment"), Some(0.3));
        assert_eq!(latest("weight_change_w2"), Some(0.02));
        assert_eq!(latest("weight_change_w3"), Some(0.03));
        assert_eq!(latest("weight_change_w2_spectral"), Some(0.2));
        assert_eq!(latest("weight_change_w3_spectral"), Some(0.3));
        // Layer 4 has not reported, and layer 1 has its own names.
        assert!(histories.metric("weight_change_w4").is_none());
        assert!(histories.metric("weight_change_w1").is_none());

        histories.clear();
        assert_eq!(histories.layer_count(), 1);
        assert!(histories.metric("weight_change_w2").is_none());
        let teacher = histories.metric(TEACHER_ALIGNMENT).expect("always present");
        assert_eq!(teacher.latest(), None);
    }

    #[test]
    fn histories_skip_missing_teacher_alignment() {
        let mut histories = MetricHistories::with_capacity(8);
        histories.push_row(&sample_row(0));
        let teacher = histories.metric(TEACHER_ALIGNMENT).expect("always present");
        assert!(teacher.is_empty());
        assert_eq!(teacher.non_finite_count(), 0);
    }

    #[test]
    fn layer_metric_names_parse() {
        let cases = [
            ("weight_change_w2", Some((2, false))),
            ("weight_change_w16_spectral", Some((16, true))),
            ("weight_change_w", None),
            ("weight_change_w1", None),
            ("weight_change_w_spectral", None),
            ("weight_change_w+3", None),
            ("weight_change_w3_spectralx", None),
            ("weight_change_w99999999999999999999999", None),
            ("weight_change_a", None),
        ];
        for (name, expected) in cases {
            assert_eq!(parse_layer_metric(name), expected, "{name}");
        }
    }
}
