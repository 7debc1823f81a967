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
    for_each_node(lower, Z_LIMIT, 0.0, outer_width, |z1, weight| {
        let (f, f_prime) = value_and_derivative(activation, outer_root * z1);
        let inner = inner_expectation(activation, slope * z1, spread);
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
    let activation_width = match activation {
        Activation::Relu => 0.0,
        Activation::Erf | Activation::Tanh | Activation::Identity => 1.0,
    };
    // The floor keeps the number of panels bounded; a transition narrower than 1e-12 of
    // f's changes the result by about that fraction.
    own.min(spread.max(activation_width) / slope.abs())
        .max(MIN_RELATIVE_WIDTH * own)
}

/// `(E[g(m + s Z)], E[g'(m + s Z)])` for `Z ~ N(0, 1)` and `s >= 0`.
fn inner_expectation(activation: Activation, mean: f64, spread: f64) -> PairExpectations {
    if spread < NEGLIGIBLE_SPREAD {
        let (value, derivative) = value_and_derivative(activation, mean);
        return PairExpectations { value, derivative };
    }
    let mut sum = PairExpectations {
        value: 0.0,
        derivative: 0.0,
    };
    let anchor = -mean / spread;
    for_each_node(-Z_LIMIT, Z_LIMIT, anchor, 1.0 / spread, |z, weight| {
        let (g, g_prime) = value_and_derivative(activation, mean + spread * z);
        sum.value += weight * g;
        sum.derivative += weight * g_prime;
    });
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

fn panel_rule() -> &'static (Vec<f64>, Vec<f64>) {
    static RULE: OnceLock<(Vec<f64>, Vec<f64>)> = OnceLock::new();
    RULE.get_or_init(|| gauss_legendre(NODES_PER_PANEL))
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
mod calibration {
    use super::*;
    use crate::kernels::closed_form::{erf_expectations, relu_expectations};

    #[test]
    #[ignore]
    fn calibrate() {
        let mut worst = [0.0f64; 4];
        for &q1 in &[0.01, 1.0, 4.0, 9.0, 25.0, 50.0] {
            for &q2 in &[0.01, 1.0, 4.0, 9.0, 25.0, 50.0] {
                for &rho in &[
                    -1.0, -0.999999, -0.9, -0.5, 0.0, 0.3, 0.8, 0.99, 0.999999, 1.0,
                ] {
                    let c = rho * (q1 * q2 as f64).sqrt();
                    let pair = PairCovariance::from_moments(q1, q2, c);
                    for (k, act) in [Activation::Erf, Activation::Relu].into_iter().enumerate() {
                        let exact = if k == 0 {
                            erf_expectations(&pair)
                        } else {
                            relu_expectations(&pair)
                        };
                        let diag1 = if k == 0 {
                            erf_expectations(&PairCovariance::from_moments(q1, q1, q1))
                        } else {
                            relu_expectations(&PairCovariance::from_moments(q1, q1, q1))
                        };
                        let diag2 = if k == 0 {
                            erf_expectations(&PairCovariance::from_moments(q2, q2, q2))
                        } else {
                            relu_expectations(&PairCovariance::from_moments(q2, q2, q2))
                        };
                        let got = quadrature_expectations(act, &pair);
                        let e0 =
                            (got.value - exact.value).abs() / (diag1.value * diag2.value).sqrt();
                        let e1 = (got.derivative - exact.derivative).abs()
                            / (diag1.derivative * diag2.derivative).sqrt();
                        if e0 > 1e-11 || e1 > 1e-11 {
                            println!("{act:?} q1={q1} q2={q2} rho={rho}: {e0:.2e} {e1:.2e}");
                        }
                        worst[2 * k] = worst[2 * k].max(e0);
                        worst[2 * k + 1] = worst[2 * k + 1].max(e1);
                    }
                }
            }
        }
        println!(
            "worst erf {:.2e} {:.2e} relu {:.2e} {:.2e}",
            worst[0], worst[1], worst[2], worst[3]
        );
        let start = std::time::Instant::now();
        let mut total = 0.0;
        for k in 0..2000 {
            let rho = -1.0 + 2.0 * (k as f64 + 0.5) / 2000.0;
            let pair = PairCovariance::from_moments(4.0, 2.0, rho * 8f64.sqrt());
            total += quadrature_expectations(Activation::Tanh, &pair).value;
        }
        println!("2000 tanh pairs: {:?} ({total})", start.elapsed());
        for &q in &[0.01, 1.0, 4.0, 50.0] {
            for &rho in &[0.0, 0.9, 0.999] {
                let pair = PairCovariance::from_moments(q, q, rho * q);
                let mut outer = 0;
                for_each_node(0.0, Z_LIMIT, 0.0, 1.0 / q.sqrt(), |_, _| outer += 1);
                let mut inner = 0;
                let spread = q.sqrt() * pair.sin;
                for_each_node(
                    -Z_LIMIT,
                    Z_LIMIT,
                    -q.sqrt() * pair.cos * 0.5 / spread,
                    1.0 / spread,
                    |_, _| inner += 1,
                );
                println!("q={q} rho={rho}: outer {outer} inner {inner}");
            }
        }
    }
}
