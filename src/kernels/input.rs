//! Input kernel `K0(x, x') = sigma_w^2 (x . x') / D + sigma_b^2` and the pair covariances of
//! the first-layer pre-activations.

use std::ops::Range;

use ndarray::{Array1, Array2, ArrayView2, Axis, s};

use super::pair::PairCovariance;

/// Computes the input kernel matrix.
///
/// ```text
/// K0[i, j] = sigma_w^2 (x1[i] . x2[j]) / D + sigma_b^2
/// ```
///
/// `x1` is `P1 x D`, `x2` is `P2 x D`; the result is `P1 x P2`. It is the covariance of the
/// pre-activations `h(x) = sigma_w (w . x) / sqrt(D) + sigma_b b` with `w, b ~ N(0, 1)`.
/// With `D = 0` the dot product is an empty sum and every entry is `sigma_b^2`.
///
/// # Panics
///
/// If `x1` and `x2` have different numbers of columns.
pub fn input_kernel(
    x1: ArrayView2<f64>,
    x2: ArrayView2<f64>,
    sigma_w: f64,
    sigma_b: f64,
) -> Array2<f64> {
    assert_eq!(
        x1.ncols(),
        x2.ncols(),
        "input_kernel: x1 has {} columns but x2 has {}",
        x1.ncols(),
        x2.ncols()
    );
    let weight_scale = weight_variance_per_dimension(sigma_w, x1.ncols());
    let mut kernel = x1.dot(&x2.t());
    kernel.mapv_inplace(|dot| weight_scale * dot + sigma_b * sigma_b);
    kernel
}

/// Computes the diagonal of the input kernel, `K0(x_i, x_i) = sigma_w^2 |x_i|^2 / D + sigma_b^2`,
/// for the `P x D` matrix `x`; length `P`.
pub fn input_kernel_diag(x: ArrayView2<f64>, sigma_w: f64, sigma_b: f64) -> Array1<f64> {
    let weight_scale = weight_variance_per_dimension(sigma_w, x.ncols());
    x.map_axis(Axis(1), |row| {
        weight_scale * row.dot(&row) + sigma_b * sigma_b
    })
}

/// `sigma_w^2 / D`, or 0 when `D = 0` (no weights).
fn weight_variance_per_dimension(sigma_w: f64, dim: usize) -> f64 {
    if dim == 0 {
        0.0
    } else {
        sigma_w * sigma_w / dim as f64
    }
}

/// Largest `|cos t|` taken from a matrix product of unit vectors; beyond it the chord
/// formula measures the angle.
pub(super) const PRODUCT_MAX_COSINE: f64 = 0.9;

/// Inputs embedded as `z = (sigma_w x / sqrt(D), sigma_b)`, so that `K0(x, x') = z . z'`,
/// stored as unit vectors and squared norms.
///
/// Angles between embedded inputs are measured from the unit vectors `a`, `b` as
/// `t = 2 atan2(|a - b|, |a + b|)`. Unlike `acos(c / sqrt(q q'))`, this keeps full relative
/// precision for duplicated, nearly collinear and antipodal inputs.
#[derive(Clone, Debug)]
pub struct AugmentedInputs {
    unit: Array2<f64>,
    variance: Array1<f64>,
}

impl AugmentedInputs {
    /// Embeds the rows of the `P x D` matrix `x`. A row with `z = 0` (zero input without a
    /// bias) gets variance 0 and a zero unit vector.
    pub fn new(x: ArrayView2<f64>, sigma_w: f64, sigma_b: f64) -> Self {
        let dim = x.ncols();
        let weight_scale = weight_variance_per_dimension(sigma_w, dim).sqrt();
        let mut unit = Array2::zeros((x.nrows(), dim + 1));
        let mut variance = Array1::zeros(x.nrows());
        for (i, row) in x.outer_iter().enumerate() {
            let mut embedded = unit.row_mut(i);
            for (target, value) in embedded.iter_mut().zip(row) {
                *target = weight_scale * value;
            }
            embedded[dim] = sigma_b;
            let squared_norm = embedded.dot(&embedded);
            variance[i] = squared_norm;
            if squared_norm > 0.0 {
                embedded /= squared_norm.sqrt();
            }
        }
        Self { unit, variance }
    }

    /// Returns the number of embedded inputs.
    pub fn len(&self) -> usize {
        self.variance.len()
    }

    /// Returns whether there are no inputs.
    pub fn is_empty(&self) -> bool {
        self.variance.is_empty()
    }

    /// Returns the input-kernel diagonal `q_i = |z_i|^2`.
    pub fn variances(&self) -> &Array1<f64> {
        &self.variance
    }

    /// Computes the cosines `a_i . b_j` between the unit vectors of rows `rows` of `self` and
    /// rows `columns` of `other`, as one matrix product (`rows.len() x columns.len()`).
    pub fn cosines(
        &self,
        rows: Range<usize>,
        other: &AugmentedInputs,
        columns: Range<usize>,
    ) -> Array2<f64> {
        let first = self.unit.slice(s![rows, ..]);
        let second = other.unit.slice(s![columns, ..]);
        first.dot(&second.t())
    }

    /// Computes the same pair as [`pair`](Self::pair), given the cosine `a_i . b_j` from
    /// [`cosines`](Self::cosines).
    ///
    /// When `|cos t| <= PRODUCT_MAX_COSINE`, `sin t = sqrt((1 - cos t)(1 + cos t))` loses at
    /// most a few ulps, and the product's rounding (about `D` ulps of 1) moves the angle by
    /// at most `D` ulps / `sin t`. Nearly collinear and nearly antipodal pairs go through
    /// the chord formula of `pair`, so duplicates still give exactly angle 0.
    pub fn pair_from_cosine(
        &self,
        i: usize,
        other: &AugmentedInputs,
        j: usize,
        cos: f64,
    ) -> PairCovariance {
        let (var1, var2) = (self.variance[i], other.variance[j]);
        if var1 == 0.0 || var2 == 0.0 || cos.is_nan() || cos.abs() > PRODUCT_MAX_COSINE {
            return self.pair(i, other, j);
        }
        PairCovariance {
            var1,
            var2,
            cos,
            sin: ((1.0 - cos) * (1.0 + cos)).sqrt(),
        }
    }

    /// Computes the covariance of `(h(x_i), h(x'_j))` with `x_i` from `self` and `x'_j` from
    /// `other`.
    ///
    /// Returns an uncorrelated pair when either variance is 0. The result is exactly the
    /// same with the roles of the two sets exchanged (up to swapping `var1` and `var2`),
    /// because every operation on the two vectors is symmetric.
    pub fn pair(&self, i: usize, other: &AugmentedInputs, j: usize) -> PairCovariance {
        let (var1, var2) = (self.variance[i], other.variance[j]);
        if var1 == 0.0 || var2 == 0.0 {
            return PairCovariance::uncorrelated(var1, var2);
        }
        let mut difference = 0.0;
        let mut sum = 0.0;
        for (a, b) in self.unit.row(i).iter().zip(other.unit.row(j)) {
            difference += (a - b) * (a - b);
            sum += (a + b) * (a + b);
        }
        // With unit vectors, |a - b| = 2 sin(t/2) and |a + b| = 2 cos(t/2). Dividing by
        // their squared sum (4 up to rounding) removes the rounding of the norms.
        let total = difference + sum;
        let cos = ((sum - difference) / total).clamp(-1.0, 1.0);
        let sin = (2.0 * (difference * sum).sqrt() / total).clamp(0.0, 1.0);
        PairCovariance {
            var1,
            var2,
            cos,
            sin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn input_kernel_matches_formula() {
        let x1 = array![[1.0, 2.0], [0.0, -1.0]];
        let x2 = array![[3.0, 0.5], [1.0, 1.0], [0.0, 0.0]];
        let kernel = input_kernel(x1.view(), x2.view(), 1.5, 0.5);
        assert_eq!(kernel.dim(), (2, 3));
        for i in 0..2 {
            for j in 0..3 {
                let dot = x1[[i, 0]] * x2[[j, 0]] + x1[[i, 1]] * x2[[j, 1]];
                let expected = 2.25 * dot / 2.0 + 0.25;
                // A two-term dot product and one fused scale: a few ulps.
                assert!((kernel[[i, j]] - expected).abs() < 1e-14);
            }
        }
    }

    #[test]
    fn input_kernel_diag_matches_full_kernel() {
        let x = array![[1.0, -2.0, 0.5], [0.0, 0.0, 0.0], [3.0, 1.0, 2.0]];
        let full = input_kernel(x.view(), x.view(), 0.8, 0.3);
        let diag = input_kernel_diag(x.view(), 0.8, 0.3);
        for i in 0..3 {
            assert!((diag[i] - full[[i, i]]).abs() < 1e-14);
        }
    }

    #[test]
    fn input_kernel_without_dimensions_is_bias() {
        let x = Array2::<f64>::zeros((2, 0));
        let kernel = input_kernel(x.view(), x.view(), 1.0, 0.7);
        assert!(kernel.iter().all(|&k| (k - 0.49).abs() < 1e-15));
    }

    #[test]
    fn pair_angle_is_accurate_when_nearly_collinear() {
        let angle = 1e-9_f64;
        let x = array![[1.0, 0.0], [angle.cos(), angle.sin()]];
        let embedded = AugmentedInputs::new(x.view(), 1.0, 0.0);
        let pair = embedded.pair(0, &embedded, 1);
        // acos of the cosine would give an angle off by ~1e-8 absolute here; the chord
        // formula keeps a relative error of a few ulps.
        assert!((pair.angle() - angle).abs() < 1e-22);
        assert!((pair.sin - angle).abs() < 1e-22);
    }

    #[test]
    fn pair_angle_is_pi_for_antipodal_inputs() {
        let x = array![[2.0, -1.0], [-2.0, 1.0]];
        let embedded = AugmentedInputs::new(x.view(), 1.3, 0.0);
        let pair = embedded.pair(0, &embedded, 1);
        assert_eq!(pair.cos, -1.0);
        assert_eq!(pair.sin, 0.0);
    }

    #[test]
    fn pair_matches_input_kernel() {
        let x = array![[0.3, -1.2], [2.0, 0.4], [0.0, 0.0]];
        let kernel = input_kernel(x.view(), x.view(), 1.1, 0.2);
        let embedded = AugmentedInputs::new(x.view(), 1.1, 0.2);
        for i in 0..3 {
            for j in 0..3 {
                let pair = embedded.pair(i, &embedded, j);
                // Different rounding paths for the same quantity: a few ulps of the scale.
                assert!((pair.covariance() - kernel[[i, j]]).abs() < 1e-14);
                assert!((pair.var1 - kernel[[i, i]]).abs() < 1e-14);
            }
        }
    }

    #[test]
    fn pair_of_zero_input_without_bias_is_uncorrelated() {
        let x = array![[0.0, 0.0], [1.0, 2.0]];
        let embedded = AugmentedInputs::new(x.view(), 1.0, 0.0);
        let pair = embedded.pair(0, &embedded, 1);
        assert_eq!(pair.var1, 0.0);
        assert_eq!(pair.covariance(), 0.0);
    }
}
