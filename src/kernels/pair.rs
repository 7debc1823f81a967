//! Covariance of one pre-activation pair `(u, v)`, stored in a form that stays accurate
//! when the two inputs are nearly parallel or antiparallel.

use std::f64::consts::PI;

/// Covariance `[[q1, c], [c, q2]]` of the centred Gaussian pair `(u, v)`, stored as the two
/// variances and the cosine and sine of the angle `t` between the inputs, so that
/// `c = sqrt(q1 q2) cos t`.
///
/// Keeping `sin t` separately avoids computing `1 - cos^2 t` near `t = 0` and `t = pi`,
/// where it loses all digits. When a variance is 0 the angle is undefined; the
/// constructors then store `t = pi / 2`, which gives `c = 0` as it must.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PairCovariance {
    /// Variance `q1` of `u`.
    pub var1: f64,
    /// Variance `q2` of `v`.
    pub var2: f64,
    /// `cos t`, in `[-1, 1]`.
    pub cos: f64,
    /// `sin t`, in `[0, 1]`.
    pub sin: f64,
}

impl PairCovariance {
    /// Builds the pair from the moments `q1 = E[u^2]`, `q2 = E[v^2]`, `c = E[u v]`.
    ///
    /// The cosine `c / sqrt(q1 q2)` is clamped to `[-1, 1]` and the sine is computed as
    /// `sqrt((1 - cos)(1 + cos))`. Near `t = 0` that sine is only as accurate as `c` and
    /// the variances allow, so kernels of input vectors use
    /// [`AugmentedInputs::pair`](super::input::AugmentedInputs::pair), which measures the
    /// angle from the vectors. Negative or non-finite variances are treated as 0.
    pub fn from_moments(var1: f64, var2: f64, covariance: f64) -> Self {
        let var1 = sanitize_variance(var1);
        let var2 = sanitize_variance(var2);
        let scale = var1.sqrt() * var2.sqrt();
        if scale == 0.0 || !covariance.is_finite() {
            return Self::uncorrelated(var1, var2);
        }
        let cos = (covariance / scale).clamp(-1.0, 1.0);
        let sin = ((1.0 - cos) * (1.0 + cos)).sqrt();
        Self {
            var1,
            var2,
            cos,
            sin,
        }
    }

    /// Builds the pair `u = v` of variance `var`: angle exactly 0, or an uncorrelated pair
    /// when the variance is 0 (as [`AugmentedInputs::pair`](super::input::AugmentedInputs::pair)
    /// returns for a point with itself).
    pub fn identical(var: f64) -> Self {
        let var = sanitize_variance(var);
        if var == 0.0 {
            return Self::uncorrelated(var, var);
        }
        Self {
            var1: var,
            var2: var,
            cos: 1.0,
            sin: 0.0,
        }
    }

    /// Builds a pair with `c = 0` (angle `pi / 2`).
    pub fn uncorrelated(var1: f64, var2: f64) -> Self {
        Self {
            var1: sanitize_variance(var1),
            var2: sanitize_variance(var2),
            cos: 0.0,
            sin: 1.0,
        }
    }

    /// Returns the covariance `c = sqrt(q1) sqrt(q2) cos t`.
    pub fn covariance(&self) -> f64 {
        self.var1.sqrt() * self.var2.sqrt() * self.cos
    }

    /// Returns the angle `t` in `[0, pi]`.
    pub fn angle(&self) -> f64 {
        self.sin.atan2(self.cos).clamp(0.0, PI)
    }

    /// Returns the determinant `q1 q2 - c^2`, computed as `q1 q2 sin^2 t` (no cancellation, never
    /// negative).
    pub fn determinant(&self) -> f64 {
        self.var1 * self.var2 * self.sin * self.sin
    }

    /// Returns the same pair with `u` and `v` exchanged.
    pub fn swapped(&self) -> Self {
        Self {
            var1: self.var2,
            var2: self.var1,
            ..*self
        }
    }
}

fn sanitize_variance(var: f64) -> f64 {
    if var.is_finite() && var > 0.0 {
        var
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_moments_clamps_cosine() {
        let pair = PairCovariance::from_moments(2.0, 2.0, 2.0 + 1e-12);
        assert_eq!(pair.cos, 1.0);
        assert_eq!(pair.sin, 0.0);
        let pair = PairCovariance::from_moments(2.0, 2.0, -2.0 - 1e-12);
        assert_eq!(pair.cos, -1.0);
        assert_eq!(pair.angle(), PI);
    }

    #[test]
    fn from_moments_zero_variance_is_uncorrelated() {
        let pair = PairCovariance::from_moments(0.0, 3.0, 0.0);
        assert_eq!(pair.covariance(), 0.0);
        assert_eq!(pair.determinant(), 0.0);
        assert!(pair.angle().is_finite());
    }

    #[test]
    fn from_moments_round_trips_covariance() {
        let pair = PairCovariance::from_moments(1.5, 0.25, -0.3);
        // One division, one multiplication and two square roots: a few ulps.
        assert!((pair.covariance() + 0.3).abs() < 1e-15);
        assert!((pair.determinant() - (1.5 * 0.25 - 0.09)).abs() < 1e-15);
    }
}
