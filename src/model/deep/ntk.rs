//! Empirical NTK of the deep network, layer by layer.
//!
//! ```text
//! Theta = 1/C sum_c sum_l (Delta^l_c Delta'^l_c^T) .* S^l  +  sigma_a^2 / N Z^L Z'^L^T
//! S^1   = K0 = sigma_w^2 X X'^T / D + sigma_b^2
//! S^l   = sigma_w^2 Z^(l-1) Z'^(l-1)^T / N + sigma_b^2,                 l = 2..L
//! Delta^L_c     = sigma_a / sqrt(N) phi'(H^L) diag(A[:, c])            P x N
//! Delta^(l-1)_c = sigma_w / sqrt(N) (Delta^l_c W^l) .* phi'(H^(l-1))
//! ```
//!
//! `Delta^l_c = dg_c / dH^l` per input, primed quantities belong to the
//! right-hand input set. The sum over `l` is the contribution of `(W^l, b^l)`
//! and the last term that of `A`. Averaging over the `C` outputs matches the
//! one-layer [`crate::model::empirical_ntk`]; the NTK of `f` is
//! `Theta / gamma^2`.

use ndarray::{Array2, ArrayView2, Axis, Zip, linalg::general_mat_mul};

use super::forward::hidden_scale;
use crate::model::empirical::Features;
use crate::model::network::{Architecture, Params};

/// Returns `phi(H^l)` and `phi'(H^l)` of the 0-based hidden layer `l`.
fn layer(features: &Features, l: usize) -> (ArrayView2<'_, f64>, ArrayView2<'_, f64>) {
    match features.lower.get(l) {
        Some(lower) => (lower.phi.view(), lower.dphi.view()),
        None => (features.phi.view(), features.dphi.view()),
    }
}

/// Empirical NTK between two feature sets of the deep network, `P1 x P2`.
///
/// `left` and `right` come from [`super::features`] with the same `params`;
/// `k0` is the input kernel between the two input sets
/// ([`crate::model::input_kernel`]). Costs `C L` backward passes of
/// `O(P N^2)` and `O(C L P1 P2 N)` for the Gram products.
pub fn empirical_ntk(
    arch: &Architecture,
    params: &Params,
    left: &Features,
    right: &Features,
    k0: &Array2<f64>,
) -> Array2<f64> {
    let shape = (left.phi.nrows(), right.phi.nrows());
    let delta_grams = delta_grams(arch, params, left, right);

    let mut theta = Array2::zeros(shape);
    let readout_norm = arch.sigma_a * arch.sigma_a / arch.width as f64;
    general_mat_mul(readout_norm, &left.phi, &right.phi.t(), 0.0, &mut theta);
    Zip::from(&mut theta)
        .and(&delta_grams[0])
        .and(k0)
        .for_each(|t, &d, &s| *t += d * s);
    let hidden_norm = hidden_scale(arch) * hidden_scale(arch);
    let bias_sq = arch.sigma_b * arch.sigma_b;
    let mut layer_input = Array2::zeros(shape);
    for (l, delta_gram) in delta_grams.iter().enumerate().skip(1) {
        let (z_left, _) = layer(left, l - 1);
        let (z_right, _) = layer(right, l - 1);
        layer_input.fill(bias_sq);
        general_mat_mul(hidden_norm, &z_left, &z_right.t(), 1.0, &mut layer_input);
        Zip::from(&mut theta)
            .and(delta_gram)
            .and(&layer_input)
            .for_each(|t, &d, &s| *t += d * s);
    }
    theta
}

/// Returns `1/C sum_c Delta^l_c Delta'^l_c^T` for every hidden layer `l`
/// (0-based), each `P1 x P2`.
fn delta_grams(
    arch: &Architecture,
    params: &Params,
    left: &Features,
    right: &Features,
) -> Vec<Array2<f64>> {
    let depth = arch.depth;
    let shape = (left.phi.nrows(), right.phi.nrows());
    let mut grams = vec![Array2::zeros(shape); depth];
    let per_output = 1.0 / arch.outputs as f64;
    let readout = arch.readout_scale();
    for readout_column in params.a.axis_iter(Axis(1)) {
        let top = |features: &Features| {
            let column = &readout_column * readout;
            &features.dphi * &column
        };
        let (mut delta_left, mut delta_right) = (top(left), top(right));
        for l in (0..depth).rev() {
            general_mat_mul(
                per_output,
                &delta_left,
                &delta_right.t(),
                1.0,
                &mut grams[l],
            );
            if l > 0 {
                delta_left = delta_below(arch, params, l, &delta_left, left);
                delta_right = delta_below(arch, params, l, &delta_right, right);
            }
        }
    }
    grams
}

/// `Delta^(l-1) = sigma_w / sqrt(N) (Delta^l W^l) .* phi'(H^(l-1))` for the
/// 0-based hidden layer `l >= 1`.
fn delta_below(
    arch: &Architecture,
    params: &Params,
    l: usize,
    delta: &Array2<f64>,
    features: &Features,
) -> Array2<f64> {
    let (_, dphi_below) = layer(features, l - 1);
    let mut below = Array2::zeros(delta.raw_dim());
    general_mat_mul(
        hidden_scale(arch),
        delta,
        &params.hidden[l - 1].w,
        0.0,
        &mut below,
    );
    below *= &dphi_below;
    below
}
