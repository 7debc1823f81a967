//! Fast path for the Gaussian expectations of smooth activations: the Mehler (Hermite)
//! expansion.
//!
//! With `u = sqrt(q1) z1`, `v = sqrt(q2) z2` and `corr(z1, z2) = rho`,
//!
//! ```text
//! E[f(u) g(v)] = sum_k a_k b_k rho^k
//! a_k = E[f(sqrt(q1) Z) He_k(Z)] / sqrt(k!),   b_k likewise for g and q2
//! ```
//!
//! where `He_k` are the probabilists' Hermite polynomials. The coefficients depend on one
//! point only, so a kernel matrix costs one coefficient vector per point (a matrix
//! product) plus `O(K)` per pair, instead of a 2-D quadrature per pair. The truncation is
//! bounded by Cauchy–Schwarz: `|sum_{k > K} a_k b_k rho^k| <= r_a(K) r_b(K) |rho|^(K+1)`
//! with `r(K)^2 = sum_{k > K} a_k^2 = E[f^2] - sum_{k <= K} a_k^2`. A pair whose bound
//! does not fall below `TOLERANCE` within `MAX_ORDER` terms returns `None`, and the caller
//! uses quadrature. This happens for kinks (relu coefficients decay slowly) and for
//! steep activations at correlations near +-1, e.g. tanh with variance 50.

use std::sync::OnceLock;

use ndarray::{Array1, Array2};

use super::closed_form::PairExpectations;
use super::gauss_legendre::gauss_legendre;
use crate::config::types::Activation;

/// Highest Hermite order kept.
const MAX_ORDER: usize = 400;
/// Largest variance whose steep region the node rule resolves (width `1 / sqrt(64)`).
const MAX_VARIANCE: f64 = 64.0;
/// Truncation bound accepted, relative to `sqrt(E[f(u)^2] E[g(v)^2])`.
const TOLERANCE: f64 = 1e-12;
/// Rounding allowance in `E[f^2] - sum a_k^2`, relative to `E[f^2]`.
const CANCELLATION_ALLOWANCE: f64 = 1e-14;
/// For bounded `f`, the integrand `f He_k φ / sqrt(k!)` is of order `exp(-z^2 / 4)`,
/// below 3e-16, beyond this. For gelu and softplus, which grow like `sqrt(q) |z|`, the
/// bound is `12 sqrt(q)` times larger, still below 1e-14 of their norm.
const Z_LIMIT: f64 = 12.0;
/// Panel length away from 0; resolves `He_k` oscillations up to `MAX_ORDER`
/// (wavelength `2 pi / sqrt(MAX_ORDER) = 0.31`).
const PANEL_LENGTH: f64 = 0.3;
/// Gauss–Legendre nodes per panel.
const NODES_PER_PANEL: usize = 10;

/// Hermite coefficients of one function `F(z) = f(sqrt(q) z)`, with truncation tails.
#[derive(Clone, Debug)]
struct Series {
    coefficients: Vec<f64>,
    /// `tails[k] = sqrt(sum_{j > k} a_j^2)`.
    tails: Vec<f64>,
    /// `sqrt(E[F(Z)^2])`.
    norm: f64,
}

/// Hermite series of `phi` and `phi'` at one input point.
#[derive(Clone, Debug)]
pub struct PointSeries {
    value: Series,
    derivative: Series,
}

/// Expands `phi(sqrt(q) z)` and `phi'(sqrt(q) z)` for every variance `q` in `variances`.
/// Points with `q > 64` (beyond the resolution of the node rule) get `None`.
pub fn expand_points(activation: Activation, variances: &Array1<f64>) -> Vec<Option<PointSeries>> {
    let rule = hermite_rule();
    let nodes = rule.nodes.len();
    let points = variances.len();
    let mut values = Array2::zeros((points, nodes));
    let mut derivatives = Array2::zeros((points, nodes));
    for (p, &variance) in variances.iter().enumerate() {
        let root = variance.max(0.0).sqrt();
        for (n, &z) in rule.nodes.iter().enumerate() {
            values[[p, n]] = activation.apply(root * z);
            derivatives[[p, n]] = activation.derivative(root * z);
        }
    }
    let value_coefficients = values.dot(&rule.projection.t());
    let derivative_coefficients = derivatives.dot(&rule.projection.t());
    (0..points)
        .map(|p| {
            if variances[p].is_nan() || variances[p] > MAX_VARIANCE {
                return None;
            }
            Some(PointSeries {
                value: series(value_coefficients.row(p).to_vec(), values.row(p), rule),
                derivative: series(
                    derivative_coefficients.row(p).to_vec(),
                    derivatives.row(p),
                    rule,
                ),
            })
        })
        .collect()
}

/// Sums the series of both expectations for points with series `first` and `second` and
/// correlation `rho`. Returns `None` when `MAX_ORDER` terms do not meet the truncation tolerance.
pub fn mehler_expectations(
    first: &PointSeries,
    second: &PointSeries,
    rho: f64,
) -> Option<PairExpectations> {
    Some(PairExpectations {
        value: mehler_sum(&first.value, &second.value, rho)?,
        derivative: mehler_sum(&first.derivative, &second.derivative, rho)?,
    })
}

/// Sums `sum_k a_k b_k rho^k`, stopped once the Cauchy–Schwarz tail bound is below tolerance.
fn mehler_sum(a: &Series, b: &Series, rho: f64) -> Option<f64> {
    let threshold = TOLERANCE * a.norm * b.norm;
    let mut power = 1.0;
    let mut sum = 0.0;
    for k in 0..a.coefficients.len() {
        sum += a.coefficients[k] * b.coefficients[k] * power;
        power *= rho;
        if a.tails[k] * b.tails[k] * power.abs() <= threshold {
            return Some(sum);
        }
    }
    None
}

/// Builds a [`Series`] from the coefficients and the function values at the rule's nodes.
fn series(coefficients: Vec<f64>, values: ndarray::ArrayView1<f64>, rule: &HermiteRule) -> Series {
    let energy: f64 = values
        .iter()
        .zip(&rule.weights)
        .map(|(f, w)| w * f * f)
        .sum();
    let captured: f64 = coefficients.iter().map(|a| a * a).sum();
    // The remainder beyond MAX_ORDER is a difference of nearly equal sums; the allowance
    // covers its rounding, so the tail bound stays an upper bound.
    let mut tail_squared = (energy - captured).max(0.0) + CANCELLATION_ALLOWANCE * energy;
    let mut tails = vec![0.0; coefficients.len()];
    for k in (0..coefficients.len()).rev() {
        tails[k] = tail_squared.sqrt();
        tail_squared += coefficients[k] * coefficients[k];
    }
    Series {
        coefficients,
        tails,
        norm: energy.sqrt(),
    }
}

/// Quadrature nodes on `[-12, 12]` with Gaussian-weighted weights `w_n φ(z_n)`, and the
/// projection matrix `P[k, n] = w_n φ(z_n) He_k(z_n) / sqrt(k!)`, `k <= MAX_ORDER`.
struct HermiteRule {
    nodes: Vec<f64>,
    weights: Vec<f64>,
    projection: Array2<f64>,
}

fn hermite_rule() -> &'static HermiteRule {
    static RULE: OnceLock<HermiteRule> = OnceLock::new();
    RULE.get_or_init(build_hermite_rule)
}

fn build_hermite_rule() -> HermiteRule {
    let (unit_nodes, unit_weights) = gauss_legendre(NODES_PER_PANEL);
    let mut nodes = Vec::new();
    let mut weights = Vec::new();
    for (a, b) in panel_edges() {
        for (x, w) in unit_nodes.iter().zip(&unit_weights) {
            let z = 0.5 * (a + b) + 0.5 * (b - a) * x;
            nodes.push(z);
            weights.push(
                0.5 * (b - a) * w * (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt(),
            );
        }
    }
    let mut projection = Array2::zeros((MAX_ORDER + 1, nodes.len()));
    for (n, (&z, &w)) in nodes.iter().zip(&weights).enumerate() {
        // Normalised recurrence h_{k+1} = (z h_k - sqrt(k) h_{k-1}) / sqrt(k + 1), with
        // h_k = He_k / sqrt(k!), applied to w h_k directly.
        let mut previous = 0.0;
        let mut current = w;
        projection[[0, n]] = current;
        for k in 0..MAX_ORDER {
            let next = (z * current - (k as f64).sqrt() * previous) / ((k + 1) as f64).sqrt();
            previous = current;
            current = next;
            projection[[k + 1, n]] = current;
        }
    }
    HermiteRule {
        nodes,
        weights,
        projection,
    }
}

/// Panels symmetric about 0: widths 1/8, 1/8, 1/4 next to 0 (the steep region of
/// `f(sqrt(q) z)` for `q <= 64`), then `PANEL_LENGTH` out to `Z_LIMIT`.
fn panel_edges() -> Vec<(f64, f64)> {
    let mut positive = vec![0.0, 0.125, 0.25, 0.5];
    while let Some(&last) = positive.last() {
        if last >= Z_LIMIT {
            break;
        }
        positive.push((last + PANEL_LENGTH).min(Z_LIMIT));
    }
    let mut panels = Vec::new();
    for pair in positive.windows(2) {
        panels.push((pair[0], pair[1]));
        panels.push((-pair[1], -pair[0]));
    }
    panels
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::closed_form::erf_expectations;
    use crate::kernels::pair::PairCovariance;
    use crate::kernels::quadrature::quadrature_expectations;

    const VARIANCES: [f64; 5] = [0.0, 0.5, 2.0, 9.0, 50.0];
    const CORRELATIONS: [f64; 7] = [-1.0, -0.7, 0.0, 0.4, 0.9, 0.99, 1.0];

    /// Compares the series with `reference` wherever it converges; returns how many pairs
    /// converged.
    fn check_against(
        activation: Activation,
        reference: impl Fn(&PairCovariance) -> PairExpectations,
    ) -> usize {
        let series = expand_points(activation, &Array1::from(VARIANCES.to_vec()));
        let mut converged = 0;
        for (i, &var1) in VARIANCES.iter().enumerate() {
            for (j, &var2) in VARIANCES.iter().enumerate() {
                for rho in CORRELATIONS {
                    let pair = PairCovariance::from_moments(var1, var2, rho * (var1 * var2).sqrt());
                    let (Some(first), Some(second)) = (&series[i], &series[j]) else {
                        panic!("variances up to 50 must be expanded");
                    };
                    let Some(got) = mehler_expectations(first, second, pair.cos) else {
                        continue;
                    };
                    converged += 1;
                    let expected = reference(&pair);
                    // The truncation bound is 1e-12 of the Cauchy–Schwarz scale, which is at
                    // most 1 for bounded values and 4 / pi for the derivative, and grows
                    // like sqrt(q1 q2) for gelu and softplus values. Coefficient rounding
                    // adds about 1e-13 of the same scale.
                    let value_scale = (first.value.norm * second.value.norm).max(1.0);
                    let case = format!("{activation:?} ({var1}, {var2}, {rho})");
                    assert!(
                        (got.value - expected.value).abs() < 1e-11 * value_scale,
                        "{case} value: {} vs {}",
                        got.value,
                        expected.value
                    );
                    assert!(
                        (got.derivative - expected.derivative).abs() < 1e-11,
                        "{case} derivative: {} vs {}",
                        got.derivative,
                        expected.derivative
                    );
                }
            }
        }
        converged
    }

    #[test]
    fn mehler_series_matches_erf_closed_form() {
        let converged = check_against(Activation::Erf, erf_expectations);
        // Most of the 175 pairs converge; only steep ones near |rho| = 1 fall back.
        assert!(converged > 120, "only {converged} pairs converged");
    }

    #[test]
    fn mehler_series_matches_tanh_quadrature() {
        let converged = check_against(Activation::Tanh, |pair| {
            quadrature_expectations(Activation::Tanh, pair)
        });
        assert!(converged > 120, "only {converged} pairs converged");
    }

    #[test]
    fn mehler_series_matches_gelu_and_softplus_quadrature() {
        for activation in [Activation::Gelu, Activation::Softplus] {
            let converged =
                check_against(activation, |pair| quadrature_expectations(activation, pair));
            assert!(
                converged > 100,
                "{activation:?}: only {converged} pairs converged"
            );
        }
    }

    #[test]
    fn mehler_series_declines_steep_pairs() {
        let series = expand_points(Activation::Tanh, &Array1::from(vec![50.0]));
        let point = series[0].as_ref().expect("variance 50 is expanded");
        // tanh(sqrt(50) z) is a near-step: 400 terms are far from enough at rho = 1.
        assert!(mehler_expectations(point, point, 1.0).is_none());
    }

    #[test]
    fn expand_points_skips_unresolved_variance() {
        let series = expand_points(Activation::Tanh, &Array1::from(vec![64.0, 65.0]));
        assert!(series[0].is_some());
        assert!(series[1].is_none());
    }
}
