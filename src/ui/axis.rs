//! Axis bounds and tick labels computed from the data, safe for empty,
//! constant and non-finite input.

use super::format::{format_power_of_ten, format_steps, format_value};

/// Bounds of a chart axis and its labels, evenly spaced from low to high
/// (the way ratatui's `Chart` places them).
#[derive(Clone, Debug, PartialEq)]
pub struct AxisScale {
    pub bounds: [f64; 2],
    pub labels: Vec<String>,
}

/// Smallest and largest finite value of `values`, or `None` if there is none.
pub fn finite_range(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |range, v| match range {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// Widens `(lo, hi)` by `fraction` of its span on both sides. A zero span
/// becomes `lo ± 10%` of `|lo|`, or `[-1, 1]` around zero, so a constant
/// series is drawn as a line through the middle. Without a finite range the
/// bounds are `[0, 1]`. The bounds are always finite, because padding that would
/// overflow near `±f64::MAX` is left out.
pub fn padded_bounds(range: Option<(f64, f64)>, fraction: f64) -> [f64; 2] {
    let Some((lo, hi)) = range.filter(|(lo, hi)| lo.is_finite() && hi.is_finite()) else {
        return [0.0, 1.0];
    };
    let span = hi - lo;
    let padded = if span > 0.0 {
        let pad = span * fraction;
        [lo - pad, hi + pad]
    } else {
        let half = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        [lo - half, hi + half]
    };
    if padded.iter().all(|bound| bound.is_finite()) && padded[0] < padded[1] {
        padded
    } else if lo < hi {
        [lo, hi]
    } else {
        // A constant series where the 10% padding overflows (near
        // ±f64::MAX, so widen towards zero) or rounds away (subnormal).
        let widened = [lo.min(lo * 0.9), hi.max(hi * 0.9)];
        if widened[0] < widened[1] {
            widened
        } else {
            [lo - 1.0, hi + 1.0]
        }
    }
}

/// Linear axis over the data range widened by `padding` (a fraction of the
/// span, see `padded_bounds`), with `label_count` labels (at least 2).
pub fn linear_axis(range: Option<(f64, f64)>, padding: f64, label_count: usize) -> AxisScale {
    let bounds = padded_bounds(range, padding);
    let count = label_count.max(2);
    let labels = (0..count)
        .map(|i| {
            let t = i as f64 / (count - 1) as f64;
            // Weighting both ends, rather than adding t times the span,
            // stays finite when the span overflows.
            format_value(bounds[0] * (1.0 - t) + bounds[1] * t)
        })
        .collect();
    AxisScale { bounds, labels }
}

/// Axis for values already transformed by `log10`, spanning whole decades.
///
/// `range` is the range of the `log10` values. The bounds are rounded out to
/// integers, and the labels are powers of ten, at most `label_count` of them
/// and evenly spaced. When the decades do not split evenly, the top bound
/// grows until they do. The stride between labels minimises
/// `2 * added_decades - label_count`, so an added decade must buy two more
/// labels, and ties go to more labels.
pub fn log10_axis(range: Option<(f64, f64)>, label_count: usize, ascii: bool) -> AxisScale {
    let (lo, hi) = match range.filter(|(lo, hi)| lo.is_finite() && hi.is_finite()) {
        Some((lo, hi)) => (lo.floor() as i32, hi.ceil() as i32),
        None => (0, 1),
    };
    let span = (hi - lo).max(1);
    let max_labels = label_count.max(2) as i32;
    let stride = (1..=span)
        .filter(|stride| label_intervals(span, *stride) < max_labels)
        .min_by_key(|stride| {
            let labels = label_intervals(span, *stride) + 1;
            let added = stride * label_intervals(span, *stride) - span;
            (2 * added - labels, -labels)
        })
        .unwrap_or(span);
    let top = lo + stride * label_intervals(span, stride);
    let labels = (lo..=top)
        .step_by(stride as usize)
        .map(|exponent| format_power_of_ten(exponent, ascii))
        .collect();
    AxisScale {
        bounds: [f64::from(lo), f64::from(top)],
        labels,
    }
}

/// Number of strides needed to cover `span` decades, rounded up.
fn label_intervals(span: i32, stride: i32) -> i32 {
    (span + stride - 1) / stride
}

/// Step axis from the first to the last logged step.
pub fn step_axis(range: Option<(u64, u64)>) -> AxisScale {
    let (first, last) = range.unwrap_or((0, 1));
    let first = first as f64;
    let last = (last as f64).max(first + 1.0);
    AxisScale {
        bounds: [first, last],
        labels: vec![format_steps(first), format_steps(last)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finite_range_skips_nan_and_inf() {
        let values = [f64::NAN, 3.0, f64::INFINITY, -1.0, f64::NEG_INFINITY];
        assert_eq!(finite_range(values), Some((-1.0, 3.0)));
        assert_eq!(finite_range([f64::NAN]), None);
        assert_eq!(finite_range([]), None);
    }

    #[test]
    fn padded_bounds_degenerate_cases() {
        assert_eq!(padded_bounds(None, 0.1), [0.0, 1.0]);
        assert_eq!(padded_bounds(Some((0.0, 0.0)), 0.1), [-1.0, 1.0]);
        assert_eq!(padded_bounds(Some((5.0, 5.0)), 0.1), [4.5, 5.5]);
        assert_eq!(padded_bounds(Some((f64::NAN, 1.0)), 0.1), [0.0, 1.0]);
        assert_eq!(padded_bounds(Some((0.0, 10.0)), 0.1), [-1.0, 11.0]);
    }

    #[test]
    fn padded_bounds_stay_finite_at_extremes() {
        let cases = [
            (-f64::MAX, f64::MAX),
            (f64::MAX, f64::MAX),
            (-f64::MAX, -f64::MAX),
            (0.0, f64::MAX),
            (5e-324, 5e-324),
            (1e308, 1.7e308),
        ];
        for (lo, hi) in cases {
            let bounds = padded_bounds(Some((lo, hi)), 0.05);
            assert!(bounds[0].is_finite(), "{lo:e}..{hi:e}: {bounds:?}");
            assert!(bounds[1].is_finite(), "{lo:e}..{hi:e}: {bounds:?}");
            assert!(bounds[0] < bounds[1], "{lo:e}..{hi:e}: {bounds:?}");
            assert!(bounds[0] <= lo, "{lo:e}..{hi:e}: {bounds:?}");
            assert!(bounds[1] >= hi, "{lo:e}..{hi:e}: {bounds:?}");
        }
    }

    #[test]
    fn linear_axis_labels_finite_at_extremes() {
        let axis = linear_axis(Some((-f64::MAX, f64::MAX)), 0.0, 3);
        assert_eq!(axis.labels.len(), 3);
        for label in &axis.labels {
            assert!(!label.contains("inf"), "{label}");
            assert!(!label.contains("NaN"), "{label}");
        }
    }

    #[test]
    fn linear_axis_labels_span_bounds() {
        let axis = linear_axis(Some((0.0, 1.0)), 0.0, 3);
        assert_eq!(axis.bounds, [0.0, 1.0]);
        assert_eq!(axis.labels, ["0", "0.5", "1"]);
        // One requested label still gives the two ends.
        assert_eq!(linear_axis(Some((0.0, 1.0)), 0.0, 1).labels.len(), 2);
    }

    #[test]
    fn log_axis_rounds_to_decades() {
        let axis = log10_axis(Some((-3.2, -0.5)), 5, true);
        assert_eq!(axis.bounds, [-4.0, 0.0]);
        assert_eq!(axis.labels, ["1e-4", "1e-3", "1e-2", "1e-1", "1e0"]);
    }

    #[test]
    fn log_axis_prefers_exact_split() {
        // Three decades, three labels: stride 2 would add a decade for one
        // more label, so stride 3 wins.
        let axis = log10_axis(Some((-3.0, 0.0)), 3, true);
        assert_eq!(axis.bounds, [-3.0, 0.0]);
        assert_eq!(axis.labels, ["1e-3", "1e0"]);
        let axis = log10_axis(Some((-4.0, 0.0)), 4, true);
        assert_eq!(axis.bounds, [-4.0, 0.0]);
        assert_eq!(axis.labels, ["1e-4", "1e-2", "1e0"]);
    }

    #[test]
    fn log_axis_grows_top_for_two_labels() {
        // Five decades, five labels: stride 2 adds one decade and gains two
        // labels over stride 5, a tie that goes to more labels.
        let axis = log10_axis(Some((-5.0, 0.0)), 5, true);
        assert_eq!(axis.bounds, [-5.0, 1.0]);
        assert_eq!(axis.labels, ["1e-5", "1e-3", "1e-1", "1e1"]);
    }

    #[test]
    fn log_axis_label_count_within_limit() {
        for label_count in 0..7 {
            for span in 1..40 {
                let axis = log10_axis(Some((-f64::from(span), 0.0)), label_count, true);
                let count = axis.labels.len();
                assert!(
                    count <= label_count.max(2),
                    "span {span}, max {label_count}"
                );
                assert!(count >= 2, "span {span}, max {label_count}");
                assert_eq!(axis.bounds[0], -f64::from(span));
                assert!(axis.bounds[1] >= 0.0, "span {span}, max {label_count}");
            }
        }
    }

    #[test]
    fn log_axis_single_decade_and_empty() {
        let axis = log10_axis(Some((-2.0, -2.0)), 3, false);
        assert_eq!(axis.bounds, [-2.0, -1.0]);
        assert_eq!(axis.labels, ["10⁻²", "10⁻¹"]);
        let empty = log10_axis(None, 3, true);
        assert_eq!(empty.bounds, [0.0, 1.0]);
        let nan = log10_axis(Some((f64::NAN, 1.0)), 3, true);
        assert_eq!(nan.bounds, [0.0, 1.0]);
    }

    #[test]
    fn step_axis_single_step() {
        let axis = step_axis(Some((40, 40)));
        assert_eq!(axis.bounds, [40.0, 41.0]);
        assert_eq!(axis.labels, ["40", "41"]);
        assert_eq!(step_axis(None).bounds, [0.0, 1.0]);
    }
}
