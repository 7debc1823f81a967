//! One-hidden-layer NNGP and NTK of the closed-form activations, computed a row of
//! cosines at a time as plain slice loops that LLVM vectorises.
//!
//! The row pass evaluates the formulas of [`closed_form`](super::closed_form) for every
//! pair of the row, whatever its cosine, with the angle from a polynomial arcsine
//! ([`asin`](super::arcsine::asin)) instead of `atan2`. It is exact to rounding only for
//! the pairs that [`ClosedFormRows::covers`] accepts: both variances positive and finite and
//! `|cos t| <= PRODUCT_MAX_COSINE`. The caller recomputes the other entries of the row
//! (duplicated, nearly collinear and antipodal pairs, zero and non-finite variances)
//! through the vector-measured angle.

use std::f64::consts::{FRAC_PI_2, PI};

use ndarray::Array1;

use super::arcsine::asin;
use super::input::PRODUCT_MAX_COSINE;
use crate::config::types::{Activation, ModelConfig};

/// Activations whose one-layer kernels have a closed form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ClosedForm {
    Relu,
    LeakyRelu,
    Erf,
    Identity,
}

/// Per-point factors of one input set.
#[derive(Clone, Debug)]
struct PointFactors {
    /// `sqrt(q_j)`.
    root_variance: Vec<f64>,
    /// `1 / sqrt(1 + 2 q_j)`, the erf normalisation.
    erf_inverse_root: Vec<f64>,
    /// Whether `q_j` is positive and finite.
    regular: Vec<bool>,
}

impl PointFactors {
    fn new(variances: &Array1<f64>) -> Self {
        Self {
            root_variance: variances.iter().map(|q| q.sqrt()).collect(),
            erf_inverse_root: variances
                .iter()
                .map(|q| 1.0 / (1.0 + 2.0 * q).sqrt())
                .collect(),
            regular: variances
                .iter()
                .map(|&q| q > 0.0 && q.is_finite())
                .collect(),
        }
    }
}

/// Row pass of the one-hidden-layer kernels between two input sets.
#[derive(Clone, Debug)]
pub struct ClosedFormRows {
    form: ClosedForm,
    readout: f64,
    first: PointFactors,
    second: Option<PointFactors>,
}

impl ClosedFormRows {
    /// Prepares the row pass for `model` between points of input-kernel variances
    /// `first_variances` (rows) and `second_variances` (columns, `None` for the same set).
    /// Returns `None` unless the network has one hidden layer and a closed-form activation.
    pub fn new(
        model: &ModelConfig,
        first_variances: &Array1<f64>,
        second_variances: Option<&Array1<f64>>,
    ) -> Option<Self> {
        let form = match model.activation {
            Activation::Relu => ClosedForm::Relu,
            Activation::LeakyRelu => ClosedForm::LeakyRelu,
            Activation::Erf => ClosedForm::Erf,
            Activation::Identity => ClosedForm::Identity,
            Activation::Tanh | Activation::Gelu | Activation::Softplus => return None,
        };
        if model.depth > 1 {
            return None;
        }
        Some(Self {
            form,
            readout: model.sigma_a * model.sigma_a,
            first: PointFactors::new(first_variances),
            second: second_variances.map(PointFactors::new),
        })
    }

    fn second(&self) -> &PointFactors {
        self.second.as_ref().unwrap_or(&self.first)
    }

    /// Returns whether the row pass computed entry `(i, j)` with cosine `cos` to rounding,
    /// so that it needs no recomputation.
    pub fn covers(&self, i: usize, j: usize, cos: f64) -> bool {
        is_covered(self.first.regular[i], self.second().regular[j], cos)
    }

    /// Calls `action(k, cosines[k])` for every column point `from + k` whose entry with row
    /// point `i` the row pass does not cover (see [`covers`](Self::covers)).
    pub fn for_each_uncovered(
        &self,
        i: usize,
        from: usize,
        cosines: &[f64],
        mut action: impl FnMut(usize, f64),
    ) {
        let row_regular = self.first.regular[i];
        let column_regular = &self.second().regular[from..from + cosines.len()];
        for (k, (&cos, &regular)) in cosines.iter().zip(column_regular).enumerate() {
            if !is_covered(row_regular, regular, cos) {
                action(k, cos);
            }
        }
    }

    /// Fills `nngp[k]` and `ntk[k]` for row point `i` and column points `from + k`, given
    /// their cosines `cosines[k]`. The three slices have equal lengths.
    ///
    /// Entries that [`covers`](Self::covers) rejects get unspecified values (possibly NaN)
    /// and must be recomputed.
    ///
    /// # Panics
    ///
    /// If the slice lengths differ or `from + cosines.len()` exceeds the column count.
    pub fn fill_row(
        &self,
        i: usize,
        from: usize,
        cosines: &[f64],
        nngp: &mut [f64],
        ntk: &mut [f64],
    ) {
        assert!(
            nngp.len() == cosines.len() && ntk.len() == cosines.len(),
            "fill_row: {} cosines for {} NNGP and {} NTK entries",
            cosines.len(),
            nngp.len(),
            ntk.len()
        );
        let columns = from..from + cosines.len();
        let second = self.second();
        let row = Row {
            form: self.form,
            readout: self.readout,
            root: self.first.root_variance[i],
            erf_inverse_root: self.first.erf_inverse_root[i],
            cosines,
            column_roots: &second.root_variance[columns.clone()],
            column_erf_inverse_roots: &second.erf_inverse_root[columns],
        };
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            unsafe { fill_row_avx2(&row, nngp, ntk) };
            return;
        }
        fill_row_body(&row, nngp, ntk);
    }
}

/// Returns whether the row pass is exact to rounding for a pair of points with positive
/// finite variances (`regular`) and cosine `cos`. NaN cosines are not covered.
fn is_covered(row_regular: bool, column_regular: bool, cos: f64) -> bool {
    row_regular && column_regular && cos.abs() <= PRODUCT_MAX_COSINE
}

/// Inputs of one row: the row point's factors and the columns' slices (equal lengths).
struct Row<'a> {
    form: ClosedForm,
    readout: f64,
    root: f64,
    erf_inverse_root: f64,
    cosines: &'a [f64],
    column_roots: &'a [f64],
    column_erf_inverse_roots: &'a [f64],
}

/// Runs [`fill_row_body`] compiled for AVX2 (four lanes instead of two). Neither copy
/// requests fused multiply-adds, so both round alike and give the same bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn fill_row_avx2(row: &Row, nngp: &mut [f64], ntk: &mut [f64]) {
    fill_row_body(row, nngp, ntk);
}

#[inline(always)]
fn fill_row_body(row: &Row, nngp: &mut [f64], ntk: &mut [f64]) {
    let (readout, root, erf_inverse_root) = (row.readout, row.root, row.erf_inverse_root);
    match row.form {
        ClosedForm::Relu => fill_entries(row, nngp, ntk, |cos, column_root, _| {
            relu_entry(readout, root * column_root, cos)
        }),
        ClosedForm::LeakyRelu => fill_entries(row, nngp, ntk, |cos, column_root, _| {
            leaky_relu_entry(readout, root * column_root, cos)
        }),
        ClosedForm::Erf => fill_entries(row, nngp, ntk, |cos, column_root, column_inverse| {
            let roots = (root, column_root);
            erf_entry(readout, roots, erf_inverse_root * column_inverse, cos)
        }),
        ClosedForm::Identity => fill_entries(row, nngp, ntk, |cos, column_root, _| {
            let input_kernel = root * column_root * cos;
            let nngp = readout * input_kernel;
            (nngp, nngp + readout * input_kernel)
        }),
    }
}

/// Writes `entry(cos, sqrt(q_j), 1 / sqrt(1 + 2 q_j)) = (K, Theta)` for every column.
#[inline(always)]
fn fill_entries(
    row: &Row,
    nngp: &mut [f64],
    ntk: &mut [f64],
    entry: impl Fn(f64, f64, f64) -> (f64, f64),
) {
    let columns = row
        .cosines
        .iter()
        .zip(row.column_roots)
        .zip(row.column_erf_inverse_roots);
    for (((cos, column_root), column_inverse), (k, theta)) in
        columns.zip(nngp.iter_mut().zip(ntk.iter_mut()))
    {
        (*k, *theta) = entry(*cos, *column_root, *column_inverse);
    }
}

/// Returns `(K, Theta)` of relu for `scale = sqrt(q1 q2) > 0` and cosine `cos`:
/// `K = sigma_a^2 scale / (2 pi) (sin t + (pi - t) cos t)` and
/// `Theta = K + sigma_a^2 (pi - t) / (2 pi) scale cos t`, with `pi - t = pi/2 + asin(cos t)`.
#[inline(always)]
fn relu_entry(readout: f64, scale: f64, cos: f64) -> (f64, f64) {
    let sin = ((1.0 - cos) * (1.0 + cos)).sqrt();
    let supplement = FRAC_PI_2 + asin(cos);
    let value = scale * (0.5 / PI) * (sin + supplement * cos);
    let derivative = supplement * (0.5 / PI);
    let nngp = readout * value;
    (nngp, nngp + readout * derivative * (scale * cos))
}

/// Returns `(K, Theta)` of leaky relu (slope `s`), the formulas of
/// [`leaky_relu_expectations`](super::closed_form::leaky_relu_expectations) with
/// `t = pi/2 - asin(cos t)`.
#[inline(always)]
fn leaky_relu_entry(readout: f64, scale: f64, cos: f64) -> (f64, f64) {
    let slope = Activation::LEAKY_RELU_SLOPE;
    let sin = ((1.0 - cos) * (1.0 + cos)).sqrt();
    let arcsine = asin(cos);
    let (angle, supplement) = (FRAC_PI_2 - arcsine, FRAC_PI_2 + arcsine);
    let step_kernel = (1.0 + slope * slope) * supplement + 2.0 * slope * angle;
    let value = scale * (0.5 / PI) * ((1.0 - slope) * (1.0 - slope) * sin + step_kernel * cos);
    let nngp = readout * value;
    (
        nngp,
        nngp + readout * step_kernel * (0.5 / PI) * (scale * cos),
    )
}

/// Returns `(K, Theta)` of erf for `roots = (sqrt(q1), sqrt(q2))`,
/// `inverse = 1 / sqrt((1 + 2 q1)(1 + 2 q2))` and cosine `cos`:
///
/// ```text
/// x     = 2 c inverse = 2 cos t sqrt(q1) sqrt(q2) inverse      |x| < |cos t|
/// K     = sigma_a^2 (2 / pi) asin(x)
/// Theta = K + sigma_a^2 (4 / pi) inverse / sqrt((1 - x)(1 + x)) c
/// ```
///
/// the formulas of [`erf_expectations`](super::closed_form::erf_expectations), since
/// `(1 + 2 q1)(1 + 2 q2) - 4 c^2 = (1 - x^2) / inverse^2`. With `|cos t| <= 0.9`,
/// `1 - x^2 >= 0.19`, so the product of the two factors loses no digits.
#[inline(always)]
fn erf_entry(readout: f64, roots: (f64, f64), inverse: f64, cos: f64) -> (f64, f64) {
    let input_kernel = roots.0 * roots.1 * cos;
    let x = 2.0 * cos * (roots.0 * roots.1 * inverse);
    let nngp = readout * (2.0 / PI) * asin(x);
    let derivative = (4.0 / PI) * inverse / ((1.0 - x) * (1.0 + x)).sqrt();
    (nngp, nngp + readout * derivative * input_kernel)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::types::Scaling;
    use crate::kernels::analytic::pair_expectations;
    use crate::kernels::pair::PairCovariance;
    use ndarray::array;

    fn model(activation: Activation, depth: usize) -> ModelConfig {
        ModelConfig {
            width: 1,
            depth,
            activation,
            sigma_w: 1.0,
            sigma_b: 0.0,
            sigma_a: 0.8,
            scaling: Scaling::Standard,
            gamma0: 1.0,
            center: false,
        }
    }

    #[test]
    fn rows_match_scalar_closed_forms() {
        let variances = array![0.3, 2.0, 7.5, 40.0];
        let cosines: Vec<f64> = (0..=180).map(|k| -0.9 + 0.01 * k as f64).collect();
        for activation in [
            Activation::Relu,
            Activation::LeakyRelu,
            Activation::Erf,
            Activation::Identity,
        ] {
            let model = model(activation, 1);
            let readout = model.sigma_a * model.sigma_a;
            let second = Array1::from_elem(cosines.len(), variances[2]);
            let rows = ClosedFormRows::new(&model, &variances, Some(&second))
                .expect("closed form at depth 1");
            for i in 0..variances.len() {
                let mut nngp = vec![0.0; cosines.len()];
                let mut ntk = vec![0.0; cosines.len()];
                rows.fill_row(i, 0, &cosines, &mut nngp, &mut ntk);
                for (j, &cos) in cosines.iter().enumerate() {
                    assert!(rows.covers(i, j, cos), "{activation:?} cos {cos}");
                    let (q1, q2) = (variances[i], second[j]);
                    let pair = PairCovariance {
                        var1: q1,
                        var2: q2,
                        cos,
                        sin: ((1.0 - cos) * (1.0 + cos)).sqrt(),
                    };
                    let expectations = pair_expectations(activation, &pair);
                    let k = readout * expectations.value;
                    let theta = k + readout * expectations.derivative * pair.covariance();
                    // Both sides round a dozen operations on values of one sign or on
                    // well-conditioned sums; the arcsine adds at most 3 ulps. 1e-14 of the
                    // scale sqrt(q1 q2) leaves a factor of ten above what is measured.
                    let scale = (q1 * q2).sqrt();
                    let case = format!("{activation:?} q = ({q1}, {q2}), cos {cos}");
                    assert!(
                        (nngp[j] - k).abs() <= 1e-14 * scale,
                        "{case}: {} vs {k}",
                        nngp[j]
                    );
                    assert!(
                        (ntk[j] - theta).abs() <= 1e-14 * scale,
                        "{case}: {} vs {theta}",
                        ntk[j]
                    );
                }
            }
        }
    }

    #[test]
    fn covers_rejects_pairs_needing_vector_angle() {
        let variances = array![1.0, 0.0, f64::INFINITY, f64::NAN, 2.0];
        let rows = ClosedFormRows::new(&model(Activation::Relu, 1), &variances, None)
            .expect("relu at depth 1");
        assert!(rows.covers(0, 4, 0.9));
        assert!(rows.covers(0, 4, -0.9));
        assert!(!rows.covers(0, 4, 0.9 + 1e-12), "nearly collinear");
        assert!(!rows.covers(0, 4, -0.9 - 1e-12), "nearly antipodal");
        assert!(!rows.covers(0, 4, f64::NAN), "NaN cosine");
        assert!(!rows.covers(0, 1, 0.5), "zero variance");
        assert!(!rows.covers(2, 0, 0.5), "infinite variance");
        assert!(!rows.covers(4, 3, 0.5), "NaN variance");
    }

    #[test]
    fn uncovered_columns_are_listed() {
        let variances = array![1.0, 0.0, 2.0, 3.0, 4.0];
        let rows = ClosedFormRows::new(&model(Activation::Erf, 1), &variances, None)
            .expect("erf at depth 1");
        let cosines = [0.5, 0.2, 0.95, f64::NAN];
        let mut listed = Vec::new();
        rows.for_each_uncovered(0, 1, &cosines, |offset, _| listed.push(offset));
        // Column 1 has variance 0, column 3 a cosine above 0.9, column 4 a NaN cosine.
        assert_eq!(listed, [0, 2, 3]);
        let mut listed = Vec::new();
        rows.for_each_uncovered(1, 1, &cosines, |offset, _| listed.push(offset));
        assert_eq!(listed, [0, 1, 2, 3], "row point of variance 0");
    }

    #[test]
    fn rows_only_for_one_layer_closed_forms() {
        let variances = array![1.0];
        for activation in Activation::ALL {
            let closed = !matches!(
                activation,
                Activation::Tanh | Activation::Gelu | Activation::Softplus
            );
            let one_layer = ClosedFormRows::new(&model(activation, 1), &variances, None);
            assert_eq!(one_layer.is_some(), closed, "{activation:?} depth 1");
            let two_layers = ClosedFormRows::new(&model(activation, 2), &variances, None);
            assert!(two_layers.is_none(), "{activation:?} depth 2");
        }
    }
}
