//! Layer recursion of the NNGP and NTK for a network of `L` hidden layers.
//!
//! ```text
//! K^1 = Theta^1 = K0 = sigma_w^2 x . x' / D + sigma_b^2
//! K^(l+1)       = sigma_w^2 E[phi(u) phi(v)] + sigma_b^2          (u, v) ~ N(0, K^l)
//! Theta^(l+1)   = K^(l+1) + sigma_w^2 E[phi'(u) phi'(v)] Theta^l
//! K             = sigma_a^2 E[phi(u) phi(v)]                      (u, v) ~ N(0, K^L)
//! Theta         = K + sigma_a^2 E[phi'(u) phi'(v)] Theta^L
//! ```
//!
//! where `N(0, K^l)` is the pair covariance `[[K^l(x, x), K^l(x, x')], [K^l(x, x'),
//! K^l(x', x')]]`. With `L = 1` this is the one-layer formula, evaluated by the same
//! operations.
//!
//! # Angles at deeper layers
//!
//! The first layer takes its angle from the input vectors
//! ([`AugmentedInputs::pair`](super::input::AugmentedInputs::pair)). Deeper layers only
//! have kernel values, and `acos(c / sqrt(q q'))` is off by about 1e-8 rad for nearly
//! collinear pairs, which moves the relu derivative kernel `(pi - t) / (2 pi)` by 2e-9.
//! Each pair therefore carries its gap `sqrt(q q') - c = sqrt(q q') (1 - cos t)` from
//! layer to layer. With `M = sigma_w^2 E[phi(u)^2]`, `M'` likewise and `B = sigma_b^2`,
//! the next layer's gap is
//!
//! ```text
//! sqrt(q_n q_n') - c_n = B (sqrt M - sqrt M')^2 / (sqrt(q_n q_n') + sqrt(M M') + B)
//!                        + sigma_w^2 (sqrt(E[phi(u)^2] E[phi(v)^2]) - E[phi(u) phi(v)])
//! ```
//!
//! a sum of non-negative terms. The second is computed by [`expectation_gap`], without
//! cancellation for relu, leaky relu and identity. Then
//! `sin^2 t_n = gap (sqrt(q_n q_n') + c_n) / (q_n q_n')`, which keeps full relative
//! precision as `t_n -> 0`.
//!
//! Edge cases: duplicated points give a gap of exactly 0, hence `sin t = 0` and angle 0 at
//! every layer. Antipodal pairs give `cos t = -1` and `sin t = 0`. A variance of 0 (the zero
//! input without bias, kept at 0 by activations with `phi(0) = 0` and no bias) makes
//! the pair uncorrelated, as in [`PairCovariance`]. Variances are `sigma_w^2 E[phi^2] +
//! sigma_b^2` with a non-negative mean, so they are never negative.

use ndarray::Array1;

use super::closed_form::PairExpectations;
use super::gap::expectation_gap;
use super::hermite::{PointSeries, expand_points, mehler_expectations};
use super::pair::PairCovariance;
use crate::config::types::{Activation, ModelConfig};
use crate::kernels::analytic::pair_expectations;

/// One input point at one layer.
#[derive(Clone, Debug)]
pub struct LayerPoint {
    /// Pre-activation variance `q^l = K^l(x, x)`.
    pub variance: f64,
    /// `E[phi(u)^2]` for `u ~ N(0, q^l)`.
    pub square_mean: f64,
    /// Hermite series of `phi` and `phi'` at `q^l` (smooth activations only).
    pub series: Option<PointSeries>,
}

/// Every input point at every layer, stored point by point (`depth` layers each).
#[derive(Clone, Debug)]
pub struct LayeredPoints {
    depth: usize,
    layers: Vec<LayerPoint>,
}

impl LayeredPoints {
    /// Runs the variance recursion `q^(l+1) = sigma_w^2 E[phi(u)^2] + sigma_b^2` for every
    /// point, from the first-layer variances `K0(x, x)`, over `model.depth` layers (at
    /// least 1).
    pub fn new(model: &ModelConfig, first_variances: &Array1<f64>) -> Self {
        let depth = model.depth.max(1);
        let points = first_variances.len();
        let weight = model.sigma_w * model.sigma_w;
        let bias = model.sigma_b * model.sigma_b;
        let mut by_layer: Vec<Vec<LayerPoint>> = Vec::with_capacity(depth);
        let mut variances = first_variances.clone();
        for _ in 0..depth {
            let series = point_series(model.activation, &variances);
            let layer: Vec<LayerPoint> = variances
                .iter()
                .zip(series)
                .map(|(&variance, series)| {
                    let pair = PairCovariance::identical(variance);
                    let square_mean = if variance.is_finite() {
                        let series = (series.as_ref(), series.as_ref());
                        layer_expectations(model.activation, &pair, series).value
                    } else {
                        f64::NAN
                    };
                    LayerPoint {
                        variance,
                        square_mean,
                        series,
                    }
                })
                .collect();
            variances = layer
                .iter()
                .map(|point| weight * point.square_mean + bias)
                .collect();
            by_layer.push(layer);
        }
        let mut layers = Vec::with_capacity(points * depth);
        for point in 0..points {
            layers.extend(by_layer.iter().map(|layer| layer[point].clone()));
        }
        Self { depth, layers }
    }

    /// Returns the layers of point `index`, first layer first.
    pub fn point(&self, index: usize) -> &[LayerPoint] {
        &self.layers[index * self.depth..(index + 1) * self.depth]
    }
}

/// Computes `(K, Theta)` of the network output for one pair of points, given each point's
/// layers and the first-layer pair covariance `input_pair` (`K0`).
pub fn deep_kernel_entry(
    model: &ModelConfig,
    first: &[LayerPoint],
    second: &[LayerPoint],
    input_pair: PairCovariance,
) -> (f64, f64) {
    let weight = model.sigma_w * model.sigma_w;
    let bias = model.sigma_b * model.sigma_b;
    let mut pair = input_pair;
    let mut tangent = pair.covariance();
    let last = first.len() - 1;
    for layer in 0..last {
        let (one, two) = (&first[layer], &second[layer]);
        let series = (one.series.as_ref(), two.series.as_ref());
        let expectations = layer_expectations(model.activation, &pair, series);
        let square_means = (one.square_mean, two.square_mean);
        let gap = expectation_gap(model.activation, &pair, expectations.value, square_means);
        let covariance = weight * expectations.value + bias;
        tangent = covariance + weight * expectations.derivative * tangent;
        let variances = (first[layer + 1].variance, second[layer + 1].variance);
        let feature_means = (weight * one.square_mean, weight * two.square_mean);
        pair = next_pair(variances, feature_means, bias, covariance, weight * gap);
    }
    let series = (first[last].series.as_ref(), second[last].series.as_ref());
    let expectations = layer_expectations(model.activation, &pair, series);
    let readout = model.sigma_a * model.sigma_a;
    let nngp = readout * expectations.value;
    (nngp, nngp + readout * expectations.derivative * tangent)
}

/// Builds the next layer's pair from its variances `q_n = M + B`, the feature parts
/// `(M, M')`, the bias variance `B`, the covariance `c_n` and the weighted expectation gap
/// `sigma_w^2 G`. See the module docs for the formula.
fn next_pair(
    variances: (f64, f64),
    feature_means: (f64, f64),
    bias: f64,
    covariance: f64,
    weighted_gap: f64,
) -> PairCovariance {
    let scale = (variances.0 * variances.1).sqrt();
    if !scale.is_finite() || !covariance.is_finite() {
        // A non-finite input (NaN or overflow) keeps its row undefined at every layer.
        return PairCovariance {
            var1: f64::NAN,
            var2: f64::NAN,
            cos: f64::NAN,
            sin: f64::NAN,
        };
    }
    if scale == 0.0 {
        return PairCovariance::uncorrelated(variances.0, variances.1);
    }
    let (m1, m2) = feature_means;
    let bias_gap = if bias > 0.0 {
        let root_difference = m1.sqrt() - m2.sqrt();
        bias * root_difference * root_difference / (scale + (m1 * m2).sqrt() + bias)
    } else {
        0.0
    };
    let gap = (bias_gap + weighted_gap).max(0.0);
    let cos = (covariance / scale).clamp(-1.0, 1.0);
    let sin = ((gap * (scale + covariance).max(0.0)).sqrt() / scale).clamp(0.0, 1.0);
    PairCovariance {
        var1: variances.0,
        var2: variances.1,
        cos,
        sin,
    }
}

/// Computes `E[phi(u) phi(v)]` and `E[phi'(u) phi'(v)]` through the Hermite series when both
/// points have one and it converges, else through [`pair_expectations`].
pub fn layer_expectations(
    activation: Activation,
    pair: &PairCovariance,
    series: (Option<&PointSeries>, Option<&PointSeries>),
) -> PairExpectations {
    let fast = match series {
        (Some(first), Some(second)) => mehler_expectations(first, second, pair.cos),
        _ => None,
    };
    fast.unwrap_or_else(|| pair_expectations(activation, pair))
}

/// Expands each variance in a Hermite series for activations without a closed form (see
/// [`hermite`](super::hermite)); `None` entries use quadrature.
fn point_series(activation: Activation, variances: &Array1<f64>) -> Vec<Option<PointSeries>> {
    match activation {
        Activation::Tanh | Activation::Gelu | Activation::Softplus => {
            expand_points(activation, variances)
        }
        Activation::Relu | Activation::Erf | Activation::Identity | Activation::LeakyRelu => {
            vec![None; variances.len()]
        }
    }
}

#[cfg(test)]
mod tests {
    use std::f64::consts::PI;

    use ndarray::array;

    use super::*;
    use crate::config::types::Scaling;
    use crate::kernels::analytic::analytic_kernels;

    fn model(activation: Activation, depth: usize, sigma_b: f64) -> ModelConfig {
        ModelConfig {
            width: 1,
            depth,
            activation,
            sigma_w: 1.2,
            sigma_b,
            sigma_a: 0.9,
            scaling: Scaling::Standard,
            gamma0: 1.0,
            center: false,
        }
    }

    /// Computes the relu recursion with `acos` at every layer, which is accurate on generic
    /// inputs.
    fn naive_relu(model: &ModelConfig, q1: f64, q2: f64, c: f64) -> (f64, f64) {
        let (weight, bias) = (model.sigma_w.powi(2), model.sigma_b.powi(2));
        let (mut q1, mut q2, mut c, mut tangent) = (q1, q2, c, c);
        let kernels = |q1: f64, q2: f64, c: f64| {
            let t = (c / (q1 * q2).sqrt()).clamp(-1.0, 1.0).acos();
            let value = (q1 * q2).sqrt() / (2.0 * PI) * (t.sin() + (PI - t) * t.cos());
            (value, (PI - t) / (2.0 * PI))
        };
        for _ in 1..model.depth {
            let (value, derivative) = kernels(q1, q2, c);
            tangent = weight * value + bias + weight * derivative * tangent;
            (q1, q2, c) = (
                weight * q1 / 2.0 + bias,
                weight * q2 / 2.0 + bias,
                weight * value + bias,
            );
        }
        let (value, derivative) = kernels(q1, q2, c);
        let readout = model.sigma_a.powi(2);
        (readout * value, readout * (value + derivative * tangent))
    }

    #[test]
    fn relu_recursion_matches_naive_formula() {
        let x = array![[0.3, -1.2], [1.1, 0.4]];
        for depth in 1..=4 {
            let model = model(Activation::Relu, depth, 0.5);
            let kernels = analytic_kernels(&model, x.view(), x.view());
            let k0 = |a: usize, b: usize| {
                model.sigma_w.powi(2) * x.row(a).dot(&x.row(b)) / 2.0 + model.sigma_b.powi(2)
            };
            let (nngp, ntk) = naive_relu(&model, k0(0, 0), k0(1, 1), k0(0, 1));
            // At an angle of about 1.3 rad acos is well conditioned: rounding only.
            assert!(
                (kernels.nngp[[0, 1]] - nngp).abs() < 1e-14,
                "depth {depth} NNGP"
            );
            assert!(
                (kernels.ntk[[0, 1]] - ntk).abs() < 1e-14,
                "depth {depth} NTK"
            );
        }
    }

    #[test]
    fn relu_depth_two_nearly_collinear() {
        // Without bias and with equal norms, the second layer's angle t2 satisfies
        // 1 - cos t2 = (pi (1 - cos t) - (sin t - t cos t)) / pi, so for t = 1e-7
        // t2 = t sqrt(1 - 2 t / (3 pi) + O(t^2)) to 1e-14 relative.
        let angle = 1e-7_f64;
        let x = array![[1.0, 0.0], [angle.cos(), angle.sin()]];
        let model = model(Activation::Relu, 2, 0.0);
        let kernels = analytic_kernels(&model, x.view(), x.view());
        let second_angle = angle * (1.0 - 2.0 * angle / (3.0 * PI)).sqrt();
        let q1 = model.sigma_w.powi(2) / 2.0;
        let q2 = model.sigma_w.powi(2) * q1 / 2.0;
        let value =
            q2 / (2.0 * PI) * (second_angle.sin() + (PI - second_angle) * second_angle.cos());
        let first_value = q1 / (2.0 * PI) * (angle.sin() + (PI - angle) * angle.cos());
        let first_derivative = (PI - angle) / (2.0 * PI);
        let tangent = model.sigma_w.powi(2) * (first_value + first_derivative * q1 * angle.cos());
        let readout = model.sigma_a.powi(2);
        let expected = readout * (value + (PI - second_angle) / (2.0 * PI) * tangent);
        // acos(c / sqrt(q q')) would be off by about 1e-8 rad here, which moves the NTK
        // by 1e-9 relative.
        let error = (kernels.ntk[[0, 1]] - expected).abs() / expected;
        assert!(error < 1e-14, "relative error {error:e}");
    }

    #[test]
    fn duplicated_points_stay_identical_at_depth() {
        let x = array![[0.7, -0.4], [0.7, -0.4], [-1.5, 0.2]];
        for activation in Activation::ALL {
            let kernels = analytic_kernels(&model(activation, 4, 0.3), x.view(), x.view());
            for matrix in [&kernels.nngp, &kernels.ntk] {
                assert_eq!(matrix[[0, 1]], matrix[[0, 0]], "{activation:?} ({matrix})");
                assert_eq!(matrix[[0, 2]], matrix[[1, 2]], "{activation:?} ({matrix})");
            }
        }
    }

    #[test]
    fn duplicated_points_have_angle_zero_at_every_layer() {
        let points = LayeredPoints::new(&model(Activation::Relu, 3, 0.4), &array![2.0]);
        let layers = points.point(0);
        for layer in 0..2 {
            let weight = 1.2_f64.powi(2);
            let covariance = weight * layers[layer].square_mean + 0.16;
            let mean = weight * layers[layer].square_mean;
            let variance = layers[layer + 1].variance;
            let pair = next_pair((variance, variance), (mean, mean), 0.16, covariance, 0.0);
            assert_eq!(pair.angle(), 0.0, "layer {}", layer + 2);
            assert_eq!(pair.sin, 0.0, "layer {}", layer + 2);
        }
    }

    #[test]
    fn zero_input_without_bias_keeps_variance_zero() {
        let x = array![[0.0, 0.0], [1.0, -2.0]];
        for activation in [Activation::Relu, Activation::Erf, Activation::Tanh] {
            let model = model(activation, 3, 0.0);
            let inputs = crate::kernels::input::AugmentedInputs::new(x.view(), 1.2, 0.0);
            let points = LayeredPoints::new(&model, inputs.variances());
            assert!(
                points.point(0).iter().all(|layer| layer.variance == 0.0),
                "{activation:?}"
            );
            let kernels = analytic_kernels(&model, x.view(), x.view());
            assert_eq!(kernels.nngp[[0, 0]], 0.0, "{activation:?}");
            assert_eq!(kernels.nngp[[0, 1]], 0.0, "{activation:?}");
            assert!(kernels.ntk.iter().all(|v| v.is_finite()), "{activation:?}");
        }
    }

    #[test]
    fn antipodal_pair_stays_antipodal_for_odd_activations() {
        let x = array![[1.0, 2.0], [-1.0, -2.0]];
        for activation in [Activation::Erf, Activation::Identity, Activation::Tanh] {
            let kernels = analytic_kernels(&model(activation, 3, 0.0), x.view(), x.view());
            // An odd phi maps u to -u exactly, so the kernels are exactly opposite.
            assert_eq!(
                kernels.nngp[[0, 1]],
                -kernels.nngp[[0, 0]],
                "{activation:?}"
            );
            assert!(kernels.ntk[[0, 1]].is_finite(), "{activation:?}");
        }
    }

    #[test]
    fn next_pair_gap_keeps_sine_of_small_angle() {
        // q = q' = 1, c = cos t, gap = 1 - cos t computed exactly: sin t is recovered to
        // rounding, where sqrt(1 - c^2) would be off by 1e-9 relative at t = 1e-7.
        let angle = 1e-7_f64;
        let gap = 2.0 * (angle / 2.0).sin().powi(2);
        let pair = next_pair((1.0, 1.0), (1.0, 1.0), 0.0, angle.cos(), gap);
        assert!((pair.sin - angle.sin()).abs() < 1e-22);
    }
}
