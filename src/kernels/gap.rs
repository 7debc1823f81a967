//! Cauchy–Schwarz gap `sqrt(E[phi(u)^2] E[phi(v)^2]) - E[phi(u) phi(v)]` of one layer,
//! without cancellation for the activations whose next-layer kernels need it.
//!
//! The gap is what makes the next layer's pair nearly collinear or not (see
//! [`deep`](super::deep)). Relu and leaky relu feed the angle itself into their
//! derivative kernel `(pi - t) / (2 pi)`, which is not smooth at `t = 0`. For them the gap
//! is expanded in closed form so that it keeps full relative precision as `t -> 0`:
//!
//! ```text
//! gap = sqrt(q1 q2) / (2 pi) [(1 + s^2) pi (1 - cos t) - (1 - s)^2 (sin t - t cos t)]
//! 1 - cos t     = sin^2 t / (1 + cos t)                                (cos t > 0)
//! sin t - t cos t = sum_{k >= 1} (-1)^(k+1) 2k t^(2k+1) / (2k+1)!      (t < 1)
//! ```
//!
//! with slope `s = 0` for relu. Identity gives `sqrt(q1 q2) (1 - cos t)`. The other
//! activations (erf, tanh, gelu, softplus) have kernels that are analytic in the
//! covariance, so an absolute rounding error of about `1e-16 sqrt(q1 q2)` in their gap
//! moves the next layer's kernels by the same relative amount. Their gap is the plain
//! difference, computed with `sqrt(a * a) = a` (exact in IEEE arithmetic) so that
//! duplicated points give exactly 0.

use std::f64::consts::PI;

use super::pair::PairCovariance;
use crate::config::types::Activation;

/// Angles below this use the series of `sin t - t cos t`.
const SERIES_MAX_ANGLE: f64 = 1.0;

/// Computes the gap `sqrt(E[phi(u)^2] E[phi(v)^2]) - E[phi(u) phi(v)]` for `(u, v)` of
/// covariance `pair`.
///
/// `value` is `E[phi(u) phi(v)]` and `square_means` are `(E[phi(u)^2], E[phi(v)^2])`, as
/// computed for this layer. They are used by the activations without a closed-form gap.
/// The result is never negative.
pub fn expectation_gap(
    activation: Activation,
    pair: &PairCovariance,
    value: f64,
    square_means: (f64, f64),
) -> f64 {
    let gap = match activation {
        Activation::Relu => leaky_relu_gap(pair, 0.0),
        Activation::LeakyRelu => leaky_relu_gap(pair, Activation::LEAKY_RELU_SLOPE),
        Activation::Identity => (pair.var1 * pair.var2).sqrt() * one_minus_cos(pair),
        Activation::Erf | Activation::Tanh | Activation::Gelu | Activation::Softplus => {
            (square_means.0 * square_means.1).sqrt() - value
        }
    };
    gap.max(0.0)
}

/// Computes the leaky relu gap (relu at `slope = 0`), using `E[phi(u)^2] = (1 + s^2) q1 / 2`.
fn leaky_relu_gap(pair: &PairCovariance, slope: f64) -> f64 {
    let scale = (pair.var1 * pair.var2).sqrt();
    let bracket = (1.0 + slope * slope) * PI * one_minus_cos(pair)
        - (1.0 - slope) * (1.0 - slope) * sine_minus_angle_cosine(pair);
    scale / (2.0 * PI) * bracket
}

/// Computes `1 - cos t` as `sin^2 t / (1 + cos t)` when `cos t > 0`, where the direct
/// difference cancels.
fn one_minus_cos(pair: &PairCovariance) -> f64 {
    if pair.cos > 0.0 {
        pair.sin * pair.sin / (1.0 + pair.cos)
    } else {
        1.0 - pair.cos
    }
}

/// Computes `sin t - t cos t`, by its Taylor series when `t < 1` (the direct form loses
/// every digit as `t -> 0`, where the value is `t^3 / 3`).
fn sine_minus_angle_cosine(pair: &PairCovariance) -> f64 {
    let angle = pair.angle();
    if angle >= SERIES_MAX_ANGLE {
        return pair.sin - angle * pair.cos;
    }
    // Term k is (-1)^(k+1) 2k t^(2k+1) / (2k+1)!. The ratio of term k+1 to term k is
    // -t^2 / (2k (2k + 3)), so at t < 1 each term is at most 1/10 of the previous one.
    let squared = angle * angle;
    let mut term = angle * squared / 3.0;
    let mut sum = 0.0_f64;
    let mut k = 1.0;
    while term.abs() > f64::EPSILON * 1e-2 * sum.abs() && term != 0.0 {
        sum += term;
        term *= -squared / (2.0 * k * (2.0 * k + 3.0));
        k += 1.0;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair_at(angle: f64, var1: f64, var2: f64) -> PairCovariance {
        PairCovariance {
            var1,
            var2,
            cos: angle.cos(),
            sin: angle.sin(),
        }
    }

    #[test]
    fn sine_minus_angle_cosine_matches_series_limit() {
        // At t = 1e-5 the neglected term t^7 / 840 is 4e-23 relative. The direct form
        // would keep only about 5 of its 16 digits.
        let angle = 1e-5_f64;
        let expected = angle.powi(3) / 3.0 - angle.powi(5) / 30.0;
        let got = sine_minus_angle_cosine(&pair_at(angle, 1.0, 1.0));
        assert!((got - expected).abs() <= 2e-16 * expected);
    }

    #[test]
    fn sine_minus_angle_cosine_is_continuous_at_switch() {
        let below = sine_minus_angle_cosine(&pair_at(SERIES_MAX_ANGLE - 1e-12, 1.0, 1.0));
        let above = sine_minus_angle_cosine(&pair_at(SERIES_MAX_ANGLE + 1e-12, 1.0, 1.0));
        // The derivative t sin t is below 1, so the two sides differ by 2e-12 plus rounding.
        assert!((below - above).abs() < 1e-14 + 2e-12);
    }

    #[test]
    fn relu_gap_matches_direct_difference_at_large_angle() {
        let pair = pair_at(2.0, 3.0, 0.5);
        let scale = (3.0_f64 * 0.5).sqrt();
        let value = scale / (2.0 * PI) * (pair.sin + (PI - 2.0) * pair.cos);
        let direct = scale / 2.0 - value;
        let got = expectation_gap(Activation::Relu, &pair, value, (1.5, 0.25));
        // No cancellation at t = 2: agreement to rounding.
        assert!((got - direct).abs() < 1e-15);
    }

    #[test]
    fn relu_gap_keeps_relative_precision_at_small_angle() {
        // For t -> 0 the gap is sqrt(q1 q2) t^2 / 4 (1 - 2 t / (3 pi) + O(t^2)).
        let angle = 1e-7_f64;
        let pair = pair_at(angle, 2.0, 2.0);
        let expected = 2.0 * angle * angle / 4.0 * (1.0 - 2.0 * angle / (3.0 * PI));
        let got = expectation_gap(Activation::Relu, &pair, 0.0, (0.0, 0.0));
        // The neglected O(t^2) term is 1e-14 relative.
        assert!(
            (got - expected).abs() < 1e-13 * expected,
            "{got} vs {expected}"
        );
    }

    #[test]
    fn gap_of_duplicates_is_zero() {
        let pair = PairCovariance {
            var1: 2.0,
            var2: 2.0,
            cos: 1.0,
            sin: 0.0,
        };
        for activation in Activation::ALL {
            let square_mean = 0.37;
            let gap = expectation_gap(activation, &pair, square_mean, (square_mean, square_mean));
            assert_eq!(gap, 0.0, "{activation:?}");
        }
    }

    #[test]
    fn gap_is_never_negative() {
        // A value above the Cauchy–Schwarz bound (rounding) gives 0, not a negative gap.
        let pair = pair_at(0.0, 1.0, 1.0);
        let gap = expectation_gap(Activation::Tanh, &pair, 0.5 + 1e-16, (0.5, 0.5));
        assert_eq!(gap, 0.0);
    }
}
