//! Empirical kernels of a finite network, with no autodiff.
//!
//! ```text
//! Theta_emp(x, x') = sigma_a^2 / N [ Phi Phi'^T + (Phi_d diag(s) Phi_d'^T) . K0(x, x') ]
//! s_j = |a_j|^2 / C
//! ```
//!
//! `Phi_d = phi'(H)` and `K0 = sigma_w^2 x.x'/D + sigma_b^2`. This is the NTK of
//! `g` averaged over the `C` outputs (the off-diagonal output blocks vanish at
//! infinite width); the NTK of `f` is `Theta_emp / gamma^2`. Networks with
//! more than one hidden layer use the layer-by-layer form of
//! [`super::deep::empirical_ntk`] behind the same functions.

use ndarray::{Array1, Array2, ArrayView2, Axis, linalg::general_mat_mul};

use super::deep::LayerFeatures;
use super::network::{Architecture, Params, features_and_derivatives};

/// Hidden features of one input set, kept for kernel and feature metrics.
#[derive(Clone, Debug)]
pub struct Features {
    /// `phi(H)` of the last hidden layer, `P x N`.
    pub phi: Array2<f64>,
    /// `phi'(H)` of the last hidden layer, `P x N`.
    pub dphi: Array2<f64>,
    /// Hidden layers `1..L-1` in order, empty at depth 1.
    pub lower: Vec<LayerFeatures>,
}

impl Features {
    pub fn compute(arch: &Architecture, params: &Params, x: ArrayView2<f64>) -> Self {
        if arch.depth > 1 {
            return super::deep::features(arch, params, x);
        }
        let (phi, dphi) = features_and_derivatives(arch, params, x);
        Features {
            phi,
            dphi,
            lower: Vec::new(),
        }
    }
}

/// Input kernel `K0(x, x') = sigma_w^2 x.x' / D + sigma_b^2`, `P1 x P2`.
pub fn input_kernel(arch: &Architecture, x1: ArrayView2<f64>, x2: ArrayView2<f64>) -> Array2<f64> {
    let scale = arch.sigma_w * arch.sigma_w / arch.input_dim as f64;
    let mut k0 = Array2::from_elem((x1.nrows(), x2.nrows()), arch.sigma_b * arch.sigma_b);
    general_mat_mul(scale, &x1, &x2.t(), 1.0, &mut k0);
    k0
}

/// Empirical NTK between two feature sets, `P1 x P2`. `k0` is the input
/// kernel between the same two input sets.
pub fn empirical_ntk(
    arch: &Architecture,
    params: &Params,
    left: &Features,
    right: &Features,
    k0: &Array2<f64>,
) -> Array2<f64> {
    if arch.depth > 1 {
        return super::deep::empirical_ntk(arch, params, left, right, k0);
    }
    let norm = arch.sigma_a * arch.sigma_a / arch.width as f64;
    let readout_weight: Array1<f64> = params
        .a
        .map_axis(Axis(1), |row| row.dot(&row) / arch.outputs as f64);

    let weighted_dphi = &left.dphi * &readout_weight;
    let mut derivative_part = Array2::zeros((left.phi.nrows(), right.phi.nrows()));
    general_mat_mul(
        norm,
        &weighted_dphi,
        &right.dphi.t(),
        0.0,
        &mut derivative_part,
    );
    derivative_part *= k0;

    general_mat_mul(norm, &left.phi, &right.phi.t(), 1.0, &mut derivative_part);
    derivative_part
}

/// Empirical NNGP kernel `sigma_a^2 / N Phi Phi'^T` of the last hidden
/// layer, `P1 x P2`.
pub fn empirical_nngp(arch: &Architecture, left: &Features, right: &Features) -> Array2<f64> {
    let norm = arch.sigma_a * arch.sigma_a / arch.width as f64;
    let mut k = Array2::zeros((left.phi.nrows(), right.phi.nrows()));
    general_mat_mul(norm, &left.phi, &right.phi.t(), 0.0, &mut k);
    k
}
