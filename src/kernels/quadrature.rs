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
//! Each 1-D integral runs over `|z| <= 9` (the Gaussian mass outside is below 3e-19) and
//! is split where the activation's argument is 0: that is where relu has its kink and
//! where tanh and erf turn into a near-step when the argument's scale is large. Away from
//! that point the substitution `z = z* + w sinh(xi)`, with `w` the width of the steep
//! region in `z`, spaces the nodes geometrically, and each piece gets composite
//! Gauss–Legendre panels in `xi`. A panel spans at most `MAX_XI_STEP` in `xi` and
//! `MAX_Z_STEP` in `z`, so both the steep region and the Gaussian weight are resolved.
//! The steep region is assumed to have width about 1 in the activation's argument, which
//! holds for relu, erf and tanh.
//!
//! The variable with the larger variance goes outside. Then the inner integral, as a
//! function of `z1`, is no steeper than `f`, and the outer rule built for `f` resolves it.
//! When `sin t = 0` the inner integral is `g(m)` itself, so `t = 0` and `t = pi` need no
//! division by `s`.

use std::sync::OnceLock;

use super::closed_form::PairExpectations;
use super::gauss_hermite::gauss_hermite;
use super::gauss_legendre::gauss_legendre;
use super::pair::PairCovariance;
use crate::config::types::Activation;

/// Half-width of the integration range in standard-normal units.
const Z_LIMIT: f64 = 9.0;
/// Gauss–Legendre nodes per panel.
const NODES_PER_PANEL: usize = 10;
/// Maximum panel length in the mapped variable `xi`.
const MAX_XI_STEP: f64 = 1.0;
/// Maximum panel length in `z`, which resolves the Gaussian weight.
const MAX_Z_STEP: f64 = 2.0;
/// Beyond this distance from the range, the anchor no longer grades the nodes: the
/// integrand is smooth on the range, and `z = anchor + w sinh(xi)` would cancel digits.
const FAR_ANCHOR: f64 = 4.0 * Z_LIMIT;
/// Gauss–Hermite rules for the inner integral as `(nodes, largest spread)`. With spread
/// `s` the activation's transition is `1 / s` wide in `z`, and the error of an `n`-node
/// rule grows like `exp(-2.4 sqrt(n) / s)` for tanh; each tier stays below 1e-11 (see
/// the tests). Other smooth activations use the first tier only, because without the
/// tanh addition formula a larger rule costs more than the graded one.
const HERMITE_TIERS: [(usize, f64); 5] =
    [(32, 0.5), (64, 0.65), (128, 0.9), (256, 1.25), (512, 1.75)];
/// Gauss–Hermite nodes beyond this carry weights below 1e-22 and are dropped (most of a
/// large rule's nodes). It also keeps `|s z| <= 17.5`, where `tanh(s z)` still differs
/// from +-1, as the addition formula needs.
const HERMITE_Z_LIMIT: f64 = 10.0;
/// Smallest outer transition width, relative to `1 / sqrt(q1)`.
const MIN_RELATIVE_WIDTH: f64 = 1e-12;
/// Inner spreads below this are treated as 0; `g(m + s Z)` then differs from `g(m)` by
/// far less than `f64` resolves at the outer nodes, which stay at least
/// `MIN_RELATIVE_WIDTH / sqrt(q1)` away from the kink.
const NEGLIGIBLE_SPREAD: f64 = 1e-150;

/// Both expectations for `activation` at `pair`, by quadrature.
///
/// Accuracy, checked by the tests against the erf and relu closed forms and a brute-force
/// tanh reference: about 1e-10 relative to `sqrt(E[phi(u)^2] E[phi(v)^2])` for variances
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
        let (value, derivative) = value_and_derivative(activation, 0.0);
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
        let (f, f_prime) = value_and_derivative(activation, outer_root * z1);
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

/// Width in `z1` of the steep region of the outer integrand `f(sqrt(q1) z1) H(z1)`, where
/// `H(z1) = E[g(slope z1 + spread Z)]`.
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
    // The floor keeps the number of panels bounded; a transition narrower than 1e-12 of
    // f's changes the result by about that fraction.
    own.min(spread.max(activation_width) / slope.abs())
        .max(MIN_RELATIVE_WIDTH * own)
}

/// Rule for the inner integral, chosen once per pair because the spread is fixed.
enum InnerRule {
    /// The spread is negligible: the inner integral is `g(m)`.
    Exact,
    /// Gauss–Hermite rule `(nodes, weights)`. For tanh, `tanh(s z_j)` at every node, for
    /// the addition formula `tanh(m + s z) = (tanh m + tanh s z) / (1 + tanh m tanh s z)`,
    /// which replaces one `tanh` call per node by a division.
    Hermite {
        rule: &'static (Vec<f64>, Vec<f64>),
        tanh_offsets: Option<Vec<f64>>,
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
            Activation::Erf | Activation::Identity => 1,
            Activation::Relu => 0,
        };
        let Some(tier) = (0..tiers).find(|&tier| spread <= HERMITE_TIERS[tier].1) else {
            return Self::Graded;
        };
        let rule = hermite_rule(tier);
        let tanh_offsets = (activation == Activation::Tanh)
            .then(|| rule.0.iter().map(|z| (spread * z).tanh()).collect());
        Self::Hermite { rule, tanh_offsets }
    }
}

/// `(E[g(m + s Z)], E[g'(m + s Z)])` for `Z ~ N(0, 1)` and `s >= 0`.
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
            let (value, derivative) = value_and_derivative(activation, mean);
            sum = PairExpectations { value, derivative };
        }
        InnerRule::Hermite {
            rule,
            tanh_offsets: Some(tanh_offsets),
        } => {
            // |s z| <= 17.5 keeps |tanh(s z)| < 1, so the denominator is positive. Where it
            // is small, the rounding it amplifies (about eps exp(2 s |z|)) sits at nodes
            // whose weight exp(-z^2 / 2) is smaller still: at most eps exp(2 s^2) ~ 1e-13.
            let tanh_mean = mean.tanh();
            for (offset, weight) in tanh_offsets.iter().zip(&rule.1) {
                let value = (tanh_mean + offset) / (1.0 + tanh_mean * offset);
                sum.value += weight * value;
                sum.derivative += weight * (1.0 - value * value);
            }
        }
        InnerRule::Hermite {
            rule,
            tanh_offsets: None,
        } => {
            for (z, weight) in rule.0.iter().zip(&rule.1) {
                let (g, g_prime) = value_and_derivative(activation, mean + spread * z);
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
                    let (g, g_prime) = value_and_derivative(activation, mean + spread * z);
                    sum.value += weight * g;
                    sum.derivative += weight * g_prime;
                },
            );
        }
    }
    sum
}

/// Calls `visit(z, weight)` for the nodes of a rule for `∫_lower^upper h(z) φ(z) dz`,
/// with `φ` the standard normal density folded into the weights.
///
/// `anchor` is where the integrand may be steep or kinked and `width` (> 0) the width of
/// that region in `z`; an anchor outside the range still grades the nodes toward it.
fn for_each_node(lower: f64, upper: f64, anchor: f64, width: f64, mut visit: impl FnMut(f64, f64)) {
    if !(anchor.abs() <= FAR_ANCHOR) {
        let panels = ((upper - lower) / MAX_Z_STEP).ceil().max(1.0);
        let step = (upper - lower) / panels;
        for k in 0..panels as usize {
            let start = lower + k as f64 * step;
            gauss_legendre_panel(start, start + step, 0.0, f64::NAN, &mut visit);
        }
        return;
    }
    let xi_lower = ((lower - anchor) / width).asinh();
    let xi_upper = ((upper - anchor) / width).asinh();
    if xi_lower < 0.0 && xi_upper > 0.0 {
        graded_pieces(0.0, xi_lower, anchor, width, &mut visit);
        graded_pieces(0.0, xi_upper, anchor, width, &mut visit);
    } else if xi_lower >= 0.0 {
        graded_pieces(xi_lower, xi_upper, anchor, width, &mut visit);
    } else {
        graded_pieces(xi_upper, xi_lower, anchor, width, &mut visit);
    }
}

/// Covers the `xi` range from `start` (nearer the anchor) to `end` with Gauss–Legendre
/// panels of at most `MAX_XI_STEP` in `xi` and `MAX_Z_STEP` in `z`.
fn graded_pieces(start: f64, end: f64, anchor: f64, width: f64, visit: &mut impl FnMut(f64, f64)) {
    let direction = if end >= start { 1.0 } else { -1.0 };
    let mut xi = start;
    while direction * (end - xi) > 0.0 {
        let offset = width * xi.sinh();
        let by_z = ((offset + direction * MAX_Z_STEP) / width).asinh();
        let by_xi = xi + direction * MAX_XI_STEP;
        let next = if direction > 0.0 {
            end.min(by_xi).min(by_z)
        } else {
            end.max(by_xi).max(by_z)
        };
        gauss_legendre_panel(xi.min(next), xi.max(next), anchor, width, visit);
        xi = next;
    }
}

/// One Gauss–Legendre panel on `[a, b]` in `xi`, with `z = anchor + width sinh(xi)`, or
/// with `z = xi` when `width` is NaN (no grading).
fn gauss_legendre_panel(a: f64, b: f64, anchor: f64, width: f64, visit: &mut impl FnMut(f64, f64)) {
    let (nodes, weights) = panel_rule();
    let half = 0.5 * (b - a);
    let middle = 0.5 * (a + b);
    for (node, weight) in nodes.iter().zip(weights) {
        let xi = middle + half * node;
        let (z, jacobian) = if width.is_nan() {
            (xi, 1.0)
        } else {
            // sinh and cosh from one expm1, accurate for small xi too.
            let growth = xi.exp_m1();
            let sinh = 0.5 * growth * (growth + 2.0) / (growth + 1.0);
            let cosh = sinh + 1.0 / (growth + 1.0);
            (anchor + width * sinh, width * cosh)
        };
        let density = (-0.5 * z * z).exp() * FRAC_1_SQRT_2PI;
        visit(z, half * weight * jacobian * density);
    }
}

/// `1 / sqrt(2 pi)`.
const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// Gauss–Hermite rule of `HERMITE_TIERS[tier]`, without nodes beyond `HERMITE_Z_LIMIT`.
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

fn panel_rule() -> &'static (Vec<f64>, Vec<f64>) {
    static RULE: OnceLock<(Vec<f64>, Vec<f64>)> = OnceLock::new();
    RULE.get_or_init(|| gauss_legendre(NODES_PER_PANEL))
}

/// Whether `phi` is analytic with a transition about 1 wide (no kink).
fn is_smooth(activation: Activation) -> bool {
    match activation {
        Activation::Erf | Activation::Tanh | Activation::Identity => true,
        Activation::Relu => false,
    }
}

/// Whether `phi` is odd or even (then `phi'` has the opposite parity).
fn has_parity(activation: Activation) -> bool {
    match activation {
        Activation::Erf | Activation::Tanh | Activation::Identity => true,
        Activation::Relu => false,
    }
}

/// `(phi(h), phi'(h))`, with one `tanh` call for tanh.
fn value_and_derivative(activation: Activation, h: f64) -> (f64, f64) {
    match activation {
        Activation::Tanh => {
            let t = h.tanh();
            (t, 1.0 - t * t)
        }
        _ => (activation.apply(h), activation.derivative(h)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::closed_form::{erf_expectations, relu_expectations};

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
        // Target 1e-10; the rule reaches about 4e-11 at variance 50.
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

    /// `E[f(u) g(v)]` for tanh by the 2-D trapezoid rule with step `h` on `[-10, 10]^2`.
    ///
    /// The integrand is analytic in a strip of half-width `pi / (2 sqrt(50)) = 0.22` around
    /// the real axes, so the trapezoid error is about `exp(-2 pi 0.22 / h)`, below 1e-40 at
    /// `h = 0.01`; the Gaussian mass beyond 10 is below 1e-22.
    fn tanh_trapezoid_reference(pair: &PairCovariance, step: f64) -> PairExpectations {
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
            let f = (root1 * z1).tanh();
            let mut inner = (0.0, 0.0);
            for (z2, w2) in grid.iter().zip(&density) {
                let g = (root2 * (pair.cos * z1 + pair.sin * z2)).tanh();
                inner.0 += w2 * g;
                inner.1 += w2 * (1.0 - g * g);
            }
            sum.value += w1 * f * inner.0;
            sum.derivative += w1 * (1.0 - f * f) * inner.1;
        }
        sum
    }

    #[test]
    fn tanh_quadrature_matches_trapezoid_reference() {
        let cases = [
            (1.0, 1.0, 0.5),
            (4.0, 9.0, -0.3),
            (50.0, 50.0, 0.999999),
            (50.0, 25.0, 0.97),
            (50.0, 4.0, -1.0),
            (0.01, 50.0, 0.7),
        ];
        for (var1, var2, rho) in cases {
            let pair = pair(var1, var2, rho);
            let reference = tanh_trapezoid_reference(&pair, 0.01);
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
    fn hermite_tiers_match_graded_rule() {
        for (tier, &(_, spread)) in HERMITE_TIERS.iter().enumerate() {
            let hermite = InnerRule::new(Activation::Tanh, spread);
            assert!(
                matches!(hermite, InnerRule::Hermite { rule, .. } if std::ptr::eq(rule, hermite_rule(tier))),
                "spread {spread} does not select tier {tier}"
            );
            for k in 0..=240 {
                let mean = -12.0 + 0.1 * k as f64;
                let fast = inner_expectation(Activation::Tanh, &hermite, mean, spread);
                let graded = inner_expectation(Activation::Tanh, &InnerRule::Graded, mean, spread);
                // Each tier's largest spread is its worst case; 1e-11 leaves the 2-D
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
        let reference = tanh_trapezoid_reference(&pair(4.0, 0.0, 0.0), 0.01);
        assert_eq!(one_zero.value, 0.0);
        assert!((one_zero.derivative - reference.derivative).abs() < 1e-12);
    }
}
