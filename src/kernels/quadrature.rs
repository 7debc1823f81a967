//! `E[phi(u) phi(v)]` and `E[phi'(u) phi'(v)]` by nested Gaussian quadrature, for any
//! activation.
//!
//! With `u = sqrt(q1) z1` and `v = sqrt(q2) (cos t z1 + sin t z2)`, `z1, z2 ~ N(0, 1)`
//! independent, the 2-D expectation becomes an outer integral over `z1` of an inner
//! integral over `z2`:
//!
//! ```text
//! E[f(u) g(v)] = ∫ f(sqrt(q1) z1) [ ∫ g(m + s z2) φ(z2) dz2 ] φ(z1) dz1,
//! m = sqrt(q2) cos t z1,   s = sqrt(q2) sin t
//! ```
//!
//! Each 1-D integral runs over `|z| <= 9` and is split where the activation's argument
//! is 0. Relu and leaky relu have their kink there. When the argument's scale is large,
//! tanh and erf turn into a near-step there, and gelu and softplus bend from flat to
//! linear. The nodes are graded toward that point
//! ([`graded_rule`](super::graded_rule)), assuming the steep region is about 1 wide in
//! the activation's argument, which holds for all of them. For the linearly growing
//! activations the range cut-off drops a Gaussian tail of about `sqrt(q) φ(9) = 1e-18
//! sqrt(q)`.
//!
//! Near correlation +-1 the inner spread `s` is small and the inner integrand is smooth,
//! so a Gauss–Hermite rule replaces the graded one for the smooth activations. For tanh,
//! larger Gauss–Hermite rules cover spreads up to 2.5, evaluated through `exp(2 s z_j)`
//! computed once per pair.
//!
//! The variable with the larger variance goes outside. For smooth activations the inner
//! integral, as a function of `z1`, is then no steeper than `f`, and the outer rule built
//! for `f` resolves it. For relu and leaky relu the smoothed kink can be steeper, and the
//! outer nodes are graded to its width instead.
//! When `sin t = 0` the inner integral is `g(m)` itself, so `t = 0` and `t = pi` need no
//! division by `s`.

use std::sync::OnceLock;

use super::closed_form::PairExpectations;
use super::gauss_hermite::gauss_hermite;
use super::graded_rule::{Z_LIMIT, for_each_node};
use super::pair::PairCovariance;
use crate::config::types::Activation;

/// Gauss–Hermite rules for the inner integral as `(nodes, largest spread)`. With spread
/// `s` the activation's transition is `1 / s` wide in `z`. The error of an `n`-node rule
/// for tanh grows like `exp(-2.4 sqrt(n) / s)` (fitted to measurements), and each tier
/// stays below 1e-11 at its largest spread, as a test checks. Other smooth activations
/// use the first tier only: they evaluate the activation at every node, so a larger rule
/// costs more than the graded one.
const HERMITE_TIERS: [(usize, f64); 6] = [
    (32, 0.5),
    (64, 0.65),
    (128, 0.9),
    (256, 1.25),
    (512, 1.75),
    (1024, 2.5),
];
/// Gauss–Hermite nodes beyond this carry weights below 1e-22 and are dropped (most of a
/// large rule's nodes).
const HERMITE_Z_LIMIT: f64 = 10.0;
/// Smallest outer transition width, relative to `1 / sqrt(q1)`.
const MIN_RELATIVE_WIDTH: f64 = 1e-12;
/// Inner spreads below this are treated as 0. Then `g(m + s Z)` differs from `g(m)` by
/// far less than `f64` resolves at the outer nodes, because they stay at least
/// `MIN_RELATIVE_WIDTH / sqrt(q1)` away from the kink.
const NEGLIGIBLE_SPREAD: f64 = 1e-150;

/// Computes both expectations for `activation` at `pair` by quadrature.
///
/// Accuracy, checked by the tests against the erf, relu and leaky relu closed forms and a
/// brute-force tanh, gelu and softplus reference: about 1e-10 relative to `sqrt(E[phi(u)^2] E[phi(v)^2])` for variances
/// up to 50 and any correlation in `[-1, 1]`. Variances of 0 are handled exactly
/// (the pre-activation is then identically 0).
pub fn quadrature_expectations(activation: Activation, pair: &PairCovariance) -> PairExpectations {
    let ordered = if pair.var2 > pair.var1 {
        pair.swapped()
    } else {
        *pair
    };

    let outer_root = ordered.var1.sqrt();
    let inner_root = ordered.var2.sqrt();
    if outer_root == 0.0 {
        let (value, derivative) = activation.value_and_derivative(0.0);
        return PairExpectations {
            value: value * value,
            derivative: derivative * derivative,
        };
    }

    let slope = inner_root * ordered.cos;
    let spread = inner_root * ordered.sin;
    // phi and phi' are both odd or both even for erf, tanh and identity, so each integrand
    // f(u) g(v) is unchanged by (z1, z2) -> (-z1, -z2) and half the outer line suffices.
    let symmetric = has_parity(activation);
    let lower = if symmetric { 0.0 } else { -Z_LIMIT };
    let outer_width = outer_transition_width(activation, outer_root, slope, spread);
    let mut sum = PairExpectations {
        value: 0.0,
        derivative: 0.0,
    };
    let inner_rule = InnerRule::new(activation, spread);

    for_each_node(lower, Z_LIMIT, 0.0, outer_width, |z1, weight| {
        let (f, f_prime) = activation.value_and_derivative(outer_root * z1);
        let inner = inner_expectation(activation, &inner_rule, slope * z1, spread);
        sum.value += weight * f * inner.value;
        sum.derivative += weight * f_prime * inner.derivative;
    });
    if symmetric {
        sum.value *= 2.0;
        sum.derivative *= 2.0;
    }
    sum
}

/// Estimates the width in `z1` of the steep region of the outer integrand `f(sqrt(q1) z1) H(z1)`,
/// where `H(z1) = E[g(slope z1 + spread Z)]`.
///
/// `f` changes over `1 / sqrt(q1)`. `H` is `g` smoothed by a Gaussian of width `spread`,
/// so it changes over `max(spread, w_g) / |slope|`, with `w_g` the width of `g`'s own
/// transition: about 1 for smooth activations, 0 at a kink. At `spread = 0` the inner
/// integral is exact and `H = g(slope z1)` has its kink at the split point `z1 = 0`.
fn outer_transition_width(activation: Activation, outer_root: f64, slope: f64, spread: f64) -> f64 {
    let own = 1.0 / outer_root;
    if spread == 0.0 || slope == 0.0 {
        return own;
    }
    let activation_width = if is_smooth(activation) { 1.0 } else { 0.0 };
    // The floor bounds the number of panels. A transition narrower than 1e-12 of f's
    // width changes the result by about that fraction.
    own.min(spread.max(activation_width) / slope.abs())
        .max(MIN_RELATIVE_WIDTH * own)
}

/// Rule for the inner integral, chosen once per pair because the spread is fixed.
enum InnerRule {
    /// The spread is negligible: the inner integral is `g(m)`.
    Exact,
    /// Gauss–Hermite rule `(nodes, weights)`. For tanh, `exp(2 s z_j)` at every node, so
    /// that `tanh(m + s z) = 1 - 2 / (exp(2m) exp(2 s z) + 1)` costs a product and a
    /// division per node instead of a `tanh` call.
    Hermite {
        rule: &'static (Vec<f64>, Vec<f64>),
        exp_offsets: Option<Vec<f64>>,
    },
    /// Gauss–Legendre panels graded toward the activation's steep point.
    Graded,
}

impl InnerRule {
    fn new(activation: Activation, spread: f64) -> Self {
        if spread < NEGLIGIBLE_SPREAD {
            return Self::Exact;
        }
        let tiers = match activation {
            Activation::Tanh => HERMITE_TIERS.len(),
            Activation::Erf | Activation::Identity | Activation::Gelu | Activation::Softplus => 1,
            Activation::Relu | Activation::LeakyRelu => 0,
        };
        let Some(tier) = (0..tiers).find(|&tier| spread <= HERMITE_TIERS[tier].1) else {
            return Self::Graded;
        };
        let rule = hermite_rule(tier);
        let exp_offsets = (activation == Activation::Tanh)
            .then(|| rule.0.iter().map(|z| (2.0 * spread * z).exp()).collect());
        Self::Hermite { rule, exp_offsets }
    }
}

/// Computes `(E[g(m + s Z)], E[g'(m + s Z)])` for `Z ~ N(0, 1)` and `s >= 0`.
fn inner_expectation(
    activation: Activation,
    rule: &InnerRule,
    mean: f64,
    spread: f64,
) -> PairExpectations {
    let mut sum = PairExpectations {
        value: 0.0,
        derivative: 0.0,
    };
    match rule {
        InnerRule::Exact => {
            let (value, derivative) = activation.value_and_derivative(mean);
            sum = PairExpectations { value, derivative };
        }
        InnerRule::Hermite {
            rule,
            exp_offsets: Some(exp_offsets),
        } => {
            // A relative rounding error d in the product changes tanh by d (1 - tanh^2) / 2,
            // so the form is accurate everywhere. An overflow to infinity gives +1 and an
            // underflow to 0 gives -1, the correct limits. The product is never 0 * inf
            // because |2 s z| <= 50.
            let exp_mean = (2.0 * mean).exp();
            for (offset, weight) in exp_offsets.iter().zip(&rule.1) {
                let value = 1.0 - 2.0 / (exp_mean * offset + 1.0);
                sum.value += weight * value;
                sum.derivative += weight * (1.0 - value * value);
            }
        }
        InnerRule::Hermite {
            rule,
            exp_offsets: None,
        } => {
            for (z, weight) in rule.0.iter().zip(&rule.1) {
                let (g, g_prime) = activation.value_and_derivative(mean + spread * z);
                sum.value += weight * g;
                sum.derivative += weight * g_prime;
            }
        }
        InnerRule::Graded => {
            for_each_node(
                -Z_LIMIT,
                Z_LIMIT,
                -mean / spread,
                1.0 / spread,
                |z, weight| {
                    let (g, g_prime) = activation.value_and_derivative(mean + spread * z);
                    sum.value += weight * g;
                    sum.derivative += weight * g_prime;
                },
            );
        }
    }
    sum
}

/// Returns the Gauss–Hermite rule of `HERMITE_TIERS[tier]`, without nodes beyond
/// `HERMITE_Z_LIMIT`. The 1024-node rule takes about 0.2 s to build, once per process.
fn hermite_rule(tier: usize) -> &'static (Vec<f64>, Vec<f64>) {
    static RULES: [OnceLock<(Vec<f64>, Vec<f64>)>; HERMITE_TIERS.len()] =
        [const { OnceLock::new() }; HERMITE_TIERS.len()];
    RULES[tier].get_or_init(|| {
        let (nodes, weights) = gauss_hermite(HERMITE_TIERS[tier].0);
        nodes
            .into_iter()
            .zip(weights)
            .filter(|(z, _)| z.abs() <= HERMITE_Z_LIMIT)
            .unzip()
    })
}

/// Returns whether `phi` is analytic with a transition about 1 wide (no kink).
fn is_smooth(activation: Activation) -> bool {
    match activation {
        Activation::Erf
        | Activation::Tanh
        | Activation::Identity
        | Activation::Gelu
        | Activation::Softplus => true,
        Activation::Relu | Activation::LeakyRelu => false,
    }
}

/// Returns whether `phi` is odd or even (then `phi'` has the opposite parity).
fn has_parity(activation: Activation) -> bool {
    match activation {
        Activation::Erf | Activation::Tanh | Activation::Identity => true,
        Activation::Relu | Activation::Gelu | Activation::Softplus | Activation::LeakyRelu => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::closed_form::{
        erf_expectations, leaky_relu_expectations, relu_expectations,
    };

    const VARIANCES: [f64; 6] = [0.01, 1.0, 4.0, 9.0, 25.0, 50.0];
    const CORRELATIONS: [f64; 9] = [-1.0, -0.999999, -0.6, 0.0, 0.3, 0.9, 0.99, 0.999999, 1.0];

    fn pair(var1: f64, var2: f64, rho: f64) -> PairCovariance {
        PairCovariance::from_moments(var1, var2, rho * var1.sqrt() * var2.sqrt())
    }

    /// Largest error of both expectations relative to their Cauchy–Schwarz scale
    /// `sqrt(E[a(u)^2] E[a(v)^2])`, over the variance and correlation grid.
    fn worst_relative_error(
        activation: Activation,
        exact: impl Fn(&PairCovariance) -> PairExpectations,
    ) -> (f64, f64) {
        let mut worst = (0.0_f64, 0.0_f64);
        for var1 in VARIANCES {
            for var2 in VARIANCES {
                for rho in CORRELATIONS {
                    let pair = pair(var1, var2, rho);
                    let expected = exact(&pair);
                    let got = quadrature_expectations(activation, &pair);
                    let scale1 = exact(&PairCovariance::from_moments(var1, var1, var1));
                    let scale2 = exact(&PairCovariance::from_moments(var2, var2, var2));
                    let value_scale = (scale1.value * scale2.value).sqrt();
                    let derivative_scale = (scale1.derivative * scale2.derivative).sqrt();
                    let value_error = (got.value - expected.value).abs() / value_scale;
                    let derivative_error =
                        (got.derivative - expected.derivative).abs() / derivative_scale;
                    worst = (worst.0.max(value_error), worst.1.max(derivative_error));
                }
            }
        }
        worst
    }

    #[test]
    fn quadrature_reproduces_erf_closed_form() {
        let (value, derivative) = worst_relative_error(Activation::Erf, erf_expectations);
        // The target is 1e-10, and the rule reaches about 4e-11 at variance 50.
        assert!(value < 1e-10, "E[erf erf] relative error {value:e}");
        assert!(
            derivative < 1e-10,
            "E[erf' erf'] relative error {derivative:e}"
        );
    }

    #[test]
    fn quadrature_reproduces_relu_closed_form() {
        let (value, derivative) = worst_relative_error(Activation::Relu, relu_expectations);
        assert!(value < 1e-10, "E[relu relu] relative error {value:e}");
        assert!(
            derivative < 1e-10,
            "E[step step] relative error {derivative:e}"
        );
    }

    /// `E[f(u) g(v)]` by the 2-D trapezoid rule with step `h` on `[-10, 10]^2`.
    ///
    /// The integrand is analytic in a strip around the real axes, so the trapezoid error is
    /// about `exp(-2 pi d / h)` for a strip of half-width `d`. At variance 50, tanh has
    /// `d = pi / (2 sqrt(50)) = 0.22` (below 1e-40 at `h = 0.01`), softplus `d = 0.44`, and
    /// gelu is entire. The Gaussian mass beyond 10, times the at most linear growth of
    /// these activations, is below 1e-20.
    fn trapezoid_reference(
        activation: Activation,
        pair: &PairCovariance,
        step: f64,
    ) -> PairExpectations {
        let count = (20.0 / step).round() as i64;
        let grid: Vec<f64> = (0..=count).map(|k| -10.0 + k as f64 * step).collect();
        let density: Vec<f64> = grid
            .iter()
            .map(|z| step * (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt())
            .collect();
        let (root1, root2) = (pair.var1.sqrt(), pair.var2.sqrt());
        let mut sum = PairExpectations {
            value: 0.0,
            derivative: 0.0,
        };
        for (z1, w1) in grid.iter().zip(&density) {
            let (f, f_prime) = activation.value_and_derivative(root1 * z1);
            let mut inner = (0.0, 0.0);
            for (z2, w2) in grid.iter().zip(&density) {
                let h = root2 * (pair.cos * z1 + pair.sin * z2);
                let (g, g_prime) = activation.value_and_derivative(h);
                inner.0 += w2 * g;
                inner.1 += w2 * g_prime;
            }
            sum.value += w1 * f * inner.0;
            sum.derivative += w1 * f_prime * inner.1;
        }
        sum
    }

    /// Pairs with variances up to 50, correlations up to 0.999999 and -1.
    const TRAPEZOID_CASES: [(f64, f64, f64); 6] = [
        (1.0, 1.0, 0.5),
        (4.0, 9.0, -0.3),
        (50.0, 50.0, 0.999999),
        (50.0, 25.0, 0.97),
        (50.0, 4.0, -1.0),
        (0.01, 50.0, 0.7),
    ];

    #[test]
    fn tanh_quadrature_matches_trapezoid_reference() {
        for (var1, var2, rho) in TRAPEZOID_CASES {
            let pair = pair(var1, var2, rho);
            let reference = trapezoid_reference(Activation::Tanh, &pair, 0.01);
            let got = quadrature_expectations(Activation::Tanh, &pair);
            // tanh^2 and tanh'^2 have means of order 0.1 to 1 here, so an absolute
            // tolerance of 1e-10 is a relative one of about 1e-9.
            assert!(
                (got.value - reference.value).abs() < 1e-10,
                "({var1}, {var2}, {rho}) E[tanh tanh]: {} vs reference {}",
                got.value,
                reference.value
            );
            assert!(
                (got.derivative - reference.derivative).abs() < 1e-10,
                "({var1}, {var2}, {rho}) E[tanh' tanh']: {} vs reference {}",
                got.derivative,
                reference.derivative
            );
        }
    }

    #[test]
    fn gelu_and_softplus_quadrature_match_trapezoid_reference() {
        for activation in [Activation::Gelu, Activation::Softplus] {
            for (var1, var2, rho) in TRAPEZOID_CASES {
                let pair = pair(var1, var2, rho);
                let reference = trapezoid_reference(activation, &pair, 0.01);
                let got = quadrature_expectations(activation, &pair);
                // Both activations grow linearly, so E[phi(u) phi(v)] is of order
                // 1 + sqrt(q1 q2); the derivatives stay below 1.13. 1e-10 of that scale
                // is the quadrature's accuracy target.
                let value_scale = 1.0 + (var1 * var2).sqrt();
                let case = format!("{activation:?} ({var1}, {var2}, {rho})");
                assert!(
                    (got.value - reference.value).abs() < 1e-10 * value_scale,
                    "{case} value: {} vs reference {}",
                    got.value,
                    reference.value
                );
                assert!(
                    (got.derivative - reference.derivative).abs() < 1e-10,
                    "{case} derivative: {} vs reference {}",
                    got.derivative,
                    reference.derivative
                );
            }
        }
    }

    #[test]
    fn quadrature_reproduces_leaky_relu_closed_form() {
        let (value, derivative) =
            worst_relative_error(Activation::LeakyRelu, leaky_relu_expectations);
        assert!(value < 1e-10, "E[phi phi] relative error {value:e}");
        assert!(
            derivative < 1e-10,
            "E[phi' phi'] relative error {derivative:e}"
        );
    }

    #[test]
    fn first_hermite_tier_matches_graded_rule() {
        let spread = HERMITE_TIERS[0].1;
        for activation in [
            Activation::Erf,
            Activation::Identity,
            Activation::Gelu,
            Activation::Softplus,
        ] {
            let hermite = InnerRule::new(activation, spread);
            assert!(
                matches!(hermite, InnerRule::Hermite { .. }),
                "{activation:?} does not use the first tier"
            );
            for k in 0..=240 {
                let mean = -12.0 + 0.1 * k as f64;
                let fast = inner_expectation(activation, &hermite, mean, spread);
                let graded = inner_expectation(activation, &InnerRule::Graded, mean, spread);
                // As for tanh, 1e-11 keeps the 2-D result within 1e-10, here relative to
                // the size 1 + |mean| of E[phi] for linearly growing activations.
                let case = format!("{activation:?}, mean {mean}");
                assert!(
                    (fast.value - graded.value).abs() < 1e-11 * (1.0 + mean.abs()),
                    "{case} value: {} vs {}",
                    fast.value,
                    graded.value
                );
                assert!(
                    (fast.derivative - graded.derivative).abs() < 1e-11,
                    "{case} derivative: {} vs {}",
                    fast.derivative,
                    graded.derivative
                );
            }
        }
    }

    #[test]
    fn hermite_tiers_match_graded_rule() {
        for (tier, &(_, spread)) in HERMITE_TIERS.iter().enumerate() {
            let hermite = InnerRule::new(Activation::Tanh, spread);
            assert!(
                matches!(
                    hermite,
                    InnerRule::Hermite { rule, .. } if std::ptr::eq(rule, hermite_rule(tier))
                ),
                "spread {spread} does not select tier {tier}"
            );
            for k in 0..=240 {
                let mean = -12.0 + 0.1 * k as f64;
                let fast = inner_expectation(Activation::Tanh, &hermite, mean, spread);
                let graded = inner_expectation(Activation::Tanh, &InnerRule::Graded, mean, spread);
                // Each tier's largest spread is its worst case, and 1e-11 leaves the 2-D
                // result within the 1e-10 target.
                let case = format!("tier {tier}, spread {spread}, mean {mean}");
                assert!((fast.value - graded.value).abs() < 1e-11, "{case} value");
                assert!(
                    (fast.derivative - graded.derivative).abs() < 1e-11,
                    "{case} derivative"
                );
            }
        }
    }

    #[test]
    fn quadrature_handles_zero_variance() {
        let both_zero = quadrature_expectations(Activation::Tanh, &pair(0.0, 0.0, 0.0));
        assert_eq!(both_zero.value, 0.0);
        assert_eq!(both_zero.derivative, 1.0);
        // v = 0: E[tanh(u) tanh(0)] = 0 and E[tanh'(u)] * tanh'(0) = E[tanh'(u)].
        let one_zero = quadrature_expectations(Activation::Tanh, &pair(4.0, 0.0, 0.0));
        let reference = trapezoid_reference(Activation::Tanh, &pair(4.0, 0.0, 0.0), 0.01);
        assert_eq!(one_zero.value, 0.0);
        assert!((one_zero.derivative - reference.derivative).abs() < 1e-12);
    }
}
