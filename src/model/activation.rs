//! Pointwise nonlinearities and their derivatives.

use crate::config::types::Activation;

const TWO_OVER_ROOT_PI: f64 = std::f64::consts::FRAC_2_SQRT_PI;
/// `1 / sqrt(2 pi)`, the standard normal density at 0.
const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

impl Activation {
    /// `phi(h)`.
    #[inline]
    pub fn apply(self, h: f64) -> f64 {
        match self {
            Activation::Relu => h.max(0.0),
            Activation::Erf => libm::erf(h),
            Activation::Tanh => h.tanh(),
            Activation::Identity => h,
            Activation::Gelu => h * normal_cdf(h),
            Activation::Softplus => softplus(h),
            Activation::LeakyRelu => {
                if h > 0.0 {
                    h
                } else {
                    Self::LEAKY_RELU_SLOPE * h
                }
            }
        }
    }

    /// `phi'(h)`. At the kink `h = 0` relu takes the derivative 0 and leaky relu the
    /// slope `s`, the left derivative in both cases.
    #[inline]
    pub fn derivative(self, h: f64) -> f64 {
        match self {
            Activation::Relu => {
                if h > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::Erf => TWO_OVER_ROOT_PI * (-h * h).exp(),
            Activation::Tanh => {
                let t = h.tanh();
                1.0 - t * t
            }
            Activation::Identity => 1.0,
            Activation::Gelu => normal_cdf(h) + h * normal_density(h),
            Activation::Softplus => logistic(h),
            Activation::LeakyRelu => {
                if h > 0.0 {
                    1.0
                } else {
                    Self::LEAKY_RELU_SLOPE
                }
            }
        }
    }

    /// Evaluates `(phi(h), phi'(h))`, sharing the work that both need (`tanh(h)` for tanh,
    /// `Phi(h)` for gelu).
    #[inline]
    pub fn value_and_derivative(self, h: f64) -> (f64, f64) {
        match self {
            Activation::Tanh => {
                let t = h.tanh();
                (t, 1.0 - t * t)
            }
            Activation::Gelu => {
                let cdf = normal_cdf(h);
                (h * cdf, cdf + h * normal_density(h))
            }
            _ => (self.apply(h), self.derivative(h)),
        }
    }
}

/// Standard normal CDF `Phi(h) = erfc(-h / sqrt(2)) / 2`. The `erfc` form keeps full
/// relative precision in the lower tail, where `(1 + erf(h / sqrt(2))) / 2` cancels.
#[inline]
fn normal_cdf(h: f64) -> f64 {
    0.5 * libm::erfc(-h * std::f64::consts::FRAC_1_SQRT_2)
}

/// Standard normal density `exp(-h^2 / 2) / sqrt(2 pi)`.
#[inline]
fn normal_density(h: f64) -> f64 {
    FRAC_1_SQRT_2PI * (-0.5 * h * h).exp()
}

/// `ln(1 + e^h)` as `max(h, 0) + ln(1 + e^-|h|)`: `e^-|h|` cannot overflow, and `ln_1p`
/// keeps the precision of the small term for large `|h|`.
#[inline]
fn softplus(h: f64) -> f64 {
    h.max(0.0) + (-h.abs()).exp().ln_1p()
}

/// Logistic function `1 / (1 + e^-h)`, the derivative of softplus, with the exponential
/// taken of `-|h|` so that it cannot overflow.
#[inline]
fn logistic(h: f64) -> f64 {
    let decay = (-h.abs()).exp();
    if h >= 0.0 {
        1.0 / (1.0 + decay)
    } else {
        decay / (1.0 + decay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivative_matches_central_difference() {
        let dh = 1e-6;
        for act in Activation::ALL {
            for &h in &[-2.3, -0.4, 0.7, 1.9] {
                let numeric = (act.apply(h + dh) - act.apply(h - dh)) / (2.0 * dh);
                // Central difference error is O(dh^2 phi''') plus rounding
                // O(eps / dh) ~ 1e-10.
                assert!(
                    (numeric - act.derivative(h)).abs() < 1e-8,
                    "{act:?} at {h}: numeric {numeric}, analytic {}",
                    act.derivative(h)
                );
            }
        }
    }

    #[test]
    fn value_and_derivative_match_separate_calls() {
        for act in Activation::ALL {
            for &h in &[-40.0, -2.3, -0.4, 0.0, 0.7, 1.9, 40.0] {
                let (value, derivative) = act.value_and_derivative(h);
                assert_eq!(value, act.apply(h), "{act:?} value at {h}");
                assert_eq!(derivative, act.derivative(h), "{act:?} derivative at {h}");
            }
        }
    }

    #[test]
    fn gelu_matches_known_values() {
        // Phi(1) = 0.841344746068542948585..., Phi(-3) = 1.34989803163009452665e-3, and
        // the density at 1 is 0.241970724519143349797...
        let gelu = Activation::Gelu;
        assert!((gelu.apply(1.0) - 0.841_344_746_068_543).abs() < 1e-15);
        assert!((gelu.apply(-3.0) + 3.0 * 1.349_898_031_630_094_5e-3).abs() < 1e-17);
        let slope = 0.841_344_746_068_543 + 0.241_970_724_519_143_35;
        assert!((gelu.derivative(1.0) - slope).abs() < 1e-15);
        assert_eq!(gelu.apply(0.0), 0.0);
        assert_eq!(gelu.derivative(0.0), 0.5);
    }

    #[test]
    fn gelu_lower_tail_keeps_relative_precision() {
        // Phi(-10) = 7.61985302416052606597e-24: (1 + erf(-10 / sqrt 2)) / 2 would give 0.
        let value = Activation::Gelu.apply(-10.0);
        let expected = -10.0 * 7.619_853_024_160_526e-24;
        assert!(((value - expected) / expected).abs() < 1e-13, "{value:e}");
    }

    #[test]
    fn softplus_is_stable_at_extremes() {
        let softplus = Activation::Softplus;
        assert_eq!(softplus.apply(0.0), std::f64::consts::LN_2);
        assert_eq!(softplus.derivative(0.0), 0.5);
        // ln(1 + e^800) = 800 + ln(1 + e^-800) rounds to 800; the naive form overflows.
        assert_eq!(softplus.apply(800.0), 800.0);
        assert_eq!(softplus.derivative(800.0), 1.0);
        // ln(1 + e^-50) = e^-50 (1 - e^-50 / 2 + ...), equal to e^-50 to f64 precision.
        let tiny = (-50.0_f64).exp();
        assert!((softplus.apply(-50.0) - tiny).abs() <= 1e-16 * tiny);
        assert!((softplus.derivative(-50.0) - tiny).abs() <= 1e-15 * tiny);
        assert_eq!(softplus.apply(-800.0), 0.0);
    }

    #[test]
    fn leaky_relu_uses_fixed_slope() {
        let leaky = Activation::LeakyRelu;
        assert_eq!(leaky.apply(3.0), 3.0);
        assert!((leaky.apply(-3.0) + 0.03).abs() < 1e-17);
        assert_eq!(leaky.derivative(2.0), 1.0);
        assert_eq!(leaky.derivative(-2.0), 0.01);
        assert_eq!(leaky.derivative(0.0), 0.01);
    }
}
