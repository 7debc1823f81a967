//! Composite Gauss–Legendre rules for `∫ h(z) φ(z) dz` (`φ` the standard normal density)
//! whose nodes are graded toward the point where `h` is steep or kinked.
//!
//! The range is split at that point, the anchor `z*`. On each side the substitution
//! `z = z* + w sinh(xi)`, with `w` the width of the steep region in `z`, spaces the nodes
//! geometrically away from `z*`, and each piece gets Gauss–Legendre panels in `xi`. A
//! panel spans at most `MAX_XI_STEP` in `xi` and `MAX_Z_STEP` in `z`, so both the steep
//! region and the Gaussian weight are resolved.

use std::sync::OnceLock;

use super::gauss_legendre::gauss_legendre;

/// Half-width of the integration range in standard-normal units (the Gaussian mass
/// outside is below 3e-19).
pub const Z_LIMIT: f64 = 9.0;
/// Gauss–Legendre nodes per panel.
const NODES_PER_PANEL: usize = 10;
/// Maximum panel length in the mapped variable `xi`.
const MAX_XI_STEP: f64 = 1.0;
/// Maximum panel length in `z`, which resolves the Gaussian weight to about 1e-13.
const MAX_Z_STEP: f64 = 2.0;
/// Beyond this distance from the range the anchor no longer grades the nodes, because the
/// integrand is smooth on the range and `z = anchor + w sinh(xi)` would cancel digits.
const FAR_ANCHOR: f64 = 4.0 * Z_LIMIT;

/// Calls `visit(z, weight)` for the nodes of a rule for `∫_lower^upper h(z) φ(z) dz`,
/// with `φ` the standard normal density folded into the weights.
///
/// `anchor` is where the integrand may be steep or kinked, and `width` (> 0) is the width
/// of that region in `z`. An anchor outside the range still grades the nodes toward it,
/// unless it is farther than `FAR_ANCHOR`.
pub fn for_each_node(
    lower: f64,
    upper: f64,
    anchor: f64,
    width: f64,
    mut visit: impl FnMut(f64, f64),
) {
    // A NaN anchor (from a NaN input) also takes the ungraded path.
    if anchor.is_nan() || anchor.abs() > FAR_ANCHOR {
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

/// Visits the nodes of one Gauss–Legendre panel on `[a, b]` in `xi`, with
/// `z = anchor + width sinh(xi)`, or with `z = xi` when `width` is NaN (no grading).
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
