//! Forward pass of the deep network, layer by layer with one GEMM each.
//!
//! ```text
//! H^1 = sigma_w X W^1^T / sqrt(D) + sigma_b 1 b^1^T               P x N
//! H^l = sigma_w Z^(l-1) W^l^T / sqrt(N) + sigma_b 1 b^l^T,  Z^l = phi(H^l)
//! ```

use ndarray::{Array2, ArrayView2, Zip, linalg::general_mat_mul};

use super::HiddenLayer;
use crate::model::empirical::Features;
use crate::model::network::{Architecture, Params, preactivations_into};

/// Activations of one hidden layer on a set of inputs.
#[derive(Clone, Debug)]
pub struct LayerFeatures {
    /// `phi(H^l)`, `P x N`.
    pub phi: Array2<f64>,
    /// `phi'(H^l)`, `P x N`.
    pub dphi: Array2<f64>,
}

/// Multiplier `sigma_w / sqrt(N)` of the hidden layers `2..L`.
pub(super) fn hidden_scale(arch: &Architecture) -> f64 {
    arch.sigma_w / (arch.width as f64).sqrt()
}

/// Writes `H^l = sigma_w Z W^T / sqrt(N) + sigma_b 1 b^T` (`P x N`) into `out`
/// for the layer input `Z` (`P x N`).
pub(super) fn hidden_preactivations_into(
    arch: &Architecture,
    layer: &HiddenLayer,
    input: ArrayView2<f64>,
    out: &mut Array2<f64>,
) {
    general_mat_mul(hidden_scale(arch), &input, &layer.w.t(), 0.0, out);
    for mut row in out.rows_mut() {
        Zip::from(&mut row)
            .and(&layer.b)
            .for_each(|h, &b| *h += arch.sigma_b * b);
    }
}

/// Replaces `H` in `pre` by `phi'(H)` and writes `phi(H)` into `phi`.
pub(super) fn activate_in_place(arch: &Architecture, pre: &mut Array2<f64>, phi: &mut Array2<f64>) {
    let activation = arch.activation;
    Zip::from(pre).and(phi).for_each(|h, z| {
        (*z, *h) = activation.value_and_derivative(*h);
    });
}

/// Computes `phi(H^l)` and `phi'(H^l)` of every hidden layer on `x` (`P x D`).
///
/// The last layer goes into `phi` and `dphi` of the result, the layers
/// `1..L-1` into `lower`, so the result reads like the one-layer features
/// wherever only the last layer matters.
pub fn features(arch: &Architecture, params: &Params, x: ArrayView2<f64>) -> Features {
    let shape = (x.nrows(), arch.width);
    let mut pre = Array2::zeros(shape);
    preactivations_into(arch, params, x, &mut pre);
    let mut current = activated(arch, pre);
    let mut lower = Vec::with_capacity(params.hidden.len());
    for layer in &params.hidden {
        let mut pre = Array2::zeros(shape);
        hidden_preactivations_into(arch, layer, current.phi.view(), &mut pre);
        lower.push(std::mem::replace(&mut current, activated(arch, pre)));
    }
    Features {
        phi: current.phi,
        dphi: current.dphi,
        lower,
    }
}

fn activated(arch: &Architecture, mut pre: Array2<f64>) -> LayerFeatures {
    let mut phi = Array2::zeros(pre.raw_dim());
    activate_in_place(arch, &mut pre, &mut phi);
    LayerFeatures { phi, dphi: pre }
}

/// Computes `Phi = phi(H^L)` (`P x N`) of the last hidden layer on `x` (`P x D`).
pub fn last_features(arch: &Architecture, params: &Params, x: ArrayView2<f64>) -> Array2<f64> {
    let mut phi = Array2::zeros((x.nrows(), arch.width));
    preactivations_into(arch, params, x, &mut phi);
    phi.mapv_inplace(|h| arch.activation.apply(h));
    let mut pre = Array2::zeros(phi.raw_dim());
    for layer in &params.hidden {
        hidden_preactivations_into(arch, layer, phi.view(), &mut pre);
        std::mem::swap(&mut phi, &mut pre);
        phi.mapv_inplace(|h| arch.activation.apply(h));
    }
    phi
}
