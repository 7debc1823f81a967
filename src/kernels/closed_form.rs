//! Closed forms of `E[phi(u) phi(v)]` and `E[phi'(u) phi'(v)]` for relu, leaky relu, erf and
//! identity.
//!
//! `(u, v)` is centred Gaussian with covariance `[[q1, c], [c, q2]]`, described by a
//! [`PairCovariance`] with angle `t` (`c = sqrt(q1 q2) cos t`).

use std::f64::consts::PI;

use super::pair::PairCovariance;
use crate::config::types::Activation;

/// The two Gaussian expectations that build the NNGP and the NTK of one layer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PairExpectations {
    /// `E[phi(u) phi(v)]`.
    pub value: f64,
    /// `E[phi'(u) phi'(v)]`.
    pub derivative: f64,
}

/// Computes the relu expectations, the arc-cosine kernels of degree 1 and 0.
///
/// ```text
/// E[relu(u) relu(v)] = sqrt(q1 q2) / (2 pi) (sin t + (pi - t) cos t)
/// E[step(u) step(v)] = (pi - t) / (2 pi)
/// ```
///
/// The angle comes from `atan2(sin t, cos t)`, which is accurate at `t = 0` and `t = pi`.
/// When `q1 = 0` or `q2 = 0` a pre-activation is identically 0, where the relu derivative
/// is taken as 0 (as in `Activation::derivative`), so the second expectation is 0.
pub fn relu_expectations(pair: &PairCovariance) -> PairExpectations {
    let angle = pair.angle();
    let scale = pair.var1.sqrt() * pair.var2.sqrt();
    let value = scale / (2.0 * PI) * (pair.sin + (PI - angle) * pair.cos);
    let derivative = if scale == 0.0 {
        0.0
    } else {
        (PI - angle) / (2.0 * PI)
    };
    PairExpectations { value, derivative }
}

/// Computes the leaky relu expectations, `phi(x) = max(x, 0) - s max(-x, 0)` with
/// `s = Activation::LEAKY_RELU_SLOPE`.
///
/// Expanding the product into four relu terms, and using that `(-u, -v)` has angle `t` and
/// `(u, -v)` angle `pi - t`, gives `(1 + s^2) k_n(t) - 2 s k_n(pi - t)` for the degree-1
/// kernel (`phi`) and `(1 + s^2) k_n(t) + 2 s k_n(pi - t)` for the degree-0 kernel
/// (`phi'`, a step of heights `s` and 1):
///
/// ```text
/// E[phi(u) phi(v)]   = sqrt(q1 q2) / (2 pi) ((1 - s)^2 sin t + ((1 + s^2)(pi - t) + 2 s t) cos t)
/// E[phi'(u) phi'(v)] = ((1 + s^2)(pi - t) + 2 s t) / (2 pi)
/// ```
///
/// When `q1 = 0` or `q2 = 0`, that pre-activation is identically 0, where `phi' = s`
/// (as in `Activation::derivative`). The pair is then independent, and the second
/// expectation is the product of `E[phi'] = (1 + s) / 2` (variance > 0) or `s` (variance 0).
pub fn leaky_relu_expectations(pair: &PairCovariance) -> PairExpectations {
    let slope = Activation::LEAKY_RELU_SLOPE;
    let angle = pair.angle();
    let scale = pair.var1.sqrt() * pair.var2.sqrt();
    let step_kernel = (1.0 + slope * slope) * (PI - angle) + 2.0 * slope * angle;
    let value =
        scale / (2.0 * PI) * ((1.0 - slope) * (1.0 - slope) * pair.sin + step_kernel * pair.cos);
    let derivative = if scale == 0.0 {
        let mean_derivative = |var: f64| {
            if var > 0.0 {
                0.5 * (1.0 + slope)
            } else {
                slope
            }
        };
        mean_derivative(pair.var1) * mean_derivative(pair.var2)
    } else {
        step_kernel / (2.0 * PI)
    };
    PairExpectations { value, derivative }
}

/// Computes the erf expectations, the arcsine kernel and its derivative kernel.
///
/// ```text
/// E[erf(u) erf(v)]   = (2 / pi) asin(2c / sqrt((1 + 2 q1)(1 + 2 q2)))
///                    = (2 / pi) atan2(2c, sqrt(s))
/// E[erf'(u) erf'(v)] = (4 / pi) / sqrt(s)
/// s = (1 + 2 q1)(1 + 2 q2) - 4 c^2 = 1 + 2 (q1 + q2) + 4 (q1 q2 - c^2)
/// ```
///
/// The last form of `s` adds non-negative terms only (`q1 q2 - c^2` is computed as
/// `q1 q2 sin^2 t`), so `s >= 1`: no cancellation, no division by zero and no `asin` of a
/// value rounded past 1.
pub fn erf_expectations(pair: &PairCovariance) -> PairExpectations {
    let spread = 1.0 + 2.0 * (pair.var1 + pair.var2) + 4.0 * pair.determinant();
    let root = spread.sqrt();
    PairExpectations {
        value: 2.0 / PI * (2.0 * pair.covariance()).atan2(root),
        derivative: 4.0 / PI / root,
    }
}

/// Returns the identity expectations `E[u v] = c` and `E[1 * 1] = 1`.
pub fn identity_expectations(pair: &PairCovariance) -> PairExpectations {
    PairExpectations {
        value: pair.covariance(),
        derivative: 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relu_diagonal_is_half_variance() {
        let pair = PairCovariance::from_moments(3.0, 3.0, 3.0);
        let expectations = relu_expectations(&pair);
        // E[relu(u)^2] = q / 2 and P(u > 0) = 1/2 exactly.
        assert!((expectations.value - 1.5).abs() < 1e-15);
        assert!((expectations.derivative - 0.5).abs() < 1e-16);
    }

    #[test]
    fn relu_antipodal_is_zero() {
        let pair = PairCovariance::from_moments(2.0, 5.0, -(10.0_f64).sqrt());
        let expectations = relu_expectations(&pair);
        // relu(u) relu(-k u) = 0 for k > 0; sin(pi) is stored as exactly 0.
        assert!(expectations.value.abs() < 1e-15);
        assert_eq!(expectations.derivative, 0.0);
    }

    #[test]
    fn relu_zero_variance_is_zero() {
        let pair = PairCovariance::from_moments(0.0, 5.0, 0.0);
        let expectations = relu_expectations(&pair);
        assert_eq!(expectations.value, 0.0);
        assert_eq!(expectations.derivative, 0.0);
    }

    #[test]
    fn leaky_relu_matches_special_angles() {
        let s = Activation::LEAKY_RELU_SLOPE;
        // t = 0: E[phi(u)^2] = q (1 + s^2) / 2 and E[phi'(u)^2] = (1 + s^2) / 2.
        let same = leaky_relu_expectations(&PairCovariance::from_moments(3.0, 3.0, 3.0));
        assert!((same.value - 1.5 * (1.0 + s * s)).abs() < 1e-15);
        assert!((same.derivative - 0.5 * (1.0 + s * s)).abs() < 1e-16);
        // t = pi, v = -2 u: phi(u) phi(-2u) = -2 s u^2 on both sides, so the mean is -2 s q1,
        // and phi'(u) phi'(-2u) = s always. The moments give cos t = -1 exactly.
        let opposite = leaky_relu_expectations(&PairCovariance::from_moments(1.0, 4.0, -2.0));
        assert!((opposite.value + 2.0 * s).abs() < 1e-15);
        assert!((opposite.derivative - s).abs() < 1e-16);
        // t = pi / 2, independent: (E[phi(u)])^2 = q (1 - s)^2 / (2 pi), E[phi'] = (1 + s) / 2.
        let independent = leaky_relu_expectations(&PairCovariance::from_moments(2.0, 2.0, 0.0));
        assert!((independent.value - 2.0 * (1.0 - s).powi(2) / (2.0 * PI)).abs() < 1e-15);
        assert!((independent.derivative - 0.25 * (1.0 + s).powi(2)).abs() < 1e-16);
    }

    #[test]
    fn leaky_relu_zero_variance_uses_slope() {
        let s = Activation::LEAKY_RELU_SLOPE;
        let one = leaky_relu_expectations(&PairCovariance::from_moments(0.0, 5.0, 0.0));
        assert_eq!(one.value, 0.0);
        assert!((one.derivative - s * 0.5 * (1.0 + s)).abs() < 1e-18);
        let both = leaky_relu_expectations(&PairCovariance::from_moments(0.0, 0.0, 0.0));
        assert_eq!(both.value, 0.0);
        assert!((both.derivative - s * s).abs() < 1e-19);
    }

    #[test]
    fn erf_matches_arcsine_form() {
        for (q1, q2, c) in [(1.0, 2.0, 0.7), (0.3, 0.3, -0.29), (50.0, 40.0, 44.0)] {
            let pair = PairCovariance::from_moments(q1, q2, c);
            let expectations = erf_expectations(&pair);
            let denominator: f64 = (1.0 + 2.0 * q1) * (1.0 + 2.0 * q2);
            let arcsine = 2.0 / PI * (2.0 * c / denominator.sqrt()).asin();
            let derivative = 4.0 / PI / (denominator - 4.0 * c * c).sqrt();
            // Both forms are well conditioned at these points: agreement to 1e-13.
            assert!((expectations.value - arcsine).abs() < 1e-13);
            assert!((expectations.derivative - derivative).abs() < 1e-13);
        }
    }

    #[test]
    fn erf_zero_variance_is_finite() {
        let pair = PairCovariance::from_moments(0.0, 0.0, 0.0);
        let expectations = erf_expectations(&pair);
        assert_eq!(expectations.value, 0.0);
        // erf'(0)^2 = 4 / pi.
        assert!((expectations.derivative - 4.0 / PI).abs() < 1e-15);
    }

    #[test]
    fn identity_returns_covariance() {
        let pair = PairCovariance::from_moments(2.0, 8.0, -3.0);
        let expectations = identity_expectations(&pair);
        assert!((expectations.value + 3.0).abs() < 1e-15);
        assert_eq!(expectations.derivative, 1.0);
    }
}
