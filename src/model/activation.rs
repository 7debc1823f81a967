//! Pointwise nonlinearities and their derivatives.

use crate::config::types::Activation;

const TWO_OVER_ROOT_PI: f64 = std::f64::consts::FRAC_2_SQRT_PI;

impl Activation {
    /// `phi(h)`.
    #[inline]
    pub fn apply(self, h: f64) -> f64 {
        match self {
            Activation::Relu => h.max(0.0),
            Activation::Erf => libm::erf(h),
            Activation::Tanh => h.tanh(),
            Activation::Identity => h,
        }
    }

    /// `phi'(h)`; for relu the derivative at 0 is taken as 0.
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
        }
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
}
