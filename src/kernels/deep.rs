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
