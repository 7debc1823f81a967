//! Infinite-width NNGP and NTK matrices of the one-hidden-layer network.

use ndarray::{Array1, Array2, ArrayView2};

use super::closed_form::{
    PairExpectations, erf_expectations, identity_expectations, relu_expectations,
};
use super::input::AugmentedInputs;
use super::pair::PairCovariance;
use super::quadrature::quadrature_expectations;
use crate::config::types::{Activation, ModelConfig};

/// NNGP and NTK matrices over the same pairs of inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Kernels {
    /// NNGP kernel `K`.
    pub nngp: Array2<f64>,
    /// Neural tangent kernel `Theta`.
    pub ntk: Array2<f64>,
}

/// NNGP and NTK of the network output `g` between the rows of `x1` (`P1 x D`) and `x2`
/// (`P2 x D`); both matrices are `P1 x P2`.
///
/// ```text
/// K0(x, x')    = sigma_w^2 (x . x') / D + sigma_b^2
/// K(x, x')     = sigma_a^2 E[phi(u) phi(v)]
/// Theta(x, x') = K(x, x') + sigma_a^2 E[phi'(u) phi'(v)] K0(x, x')
/// (u, v) ~ N(0, [[K0(x, x), K0(x, x')], [K0(x, x'), K0(x', x')]])
/// ```
///
/// Uses `model.activation`, `sigma_w`, `sigma_b` and `sigma_a` and ignores the width and
/// the scaling: the kernels of `f = g / gamma` are these divided by `gamma^2`. Relu, erf
/// and identity use closed forms, tanh uses quadrature. When `x1` and `x2` have equal
/// contents only the upper triangle is computed and mirrored, so both matrices are
/// exactly symmetric. Empty inputs give empty matrices.
///
/// # Panics
///
/// If `x1` and `x2` have different numbers of columns.
pub fn analytic_kernels(model: &ModelConfig, x1: ArrayView2<f64>, x2: ArrayView2<f64>) -> Kernels {
    assert_eq!(
        x1.ncols(),
        x2.ncols(),
        "analytic_kernels: x1 has {} columns but x2 has {}",
        x1.ncols(),
        x2.ncols()
    );
    let first = AugmentedInputs::new(x1, model.sigma_w, model.sigma_b);
    let symmetric = x1 == x2;
    let second = if symmetric {
        first.clone()
    } else {
        AugmentedInputs::new(x2, model.sigma_w, model.sigma_b)
    };
    let mut nngp = Array2::zeros((first.len(), second.len()));
    let mut ntk = Array2::zeros((first.len(), second.len()));
    for i in 0..first.len() {
        let start = if symmetric { i } else { 0 };
        for j in start..second.len() {
            let (k, theta) = kernel_entry(model, &first.pair(i, &second, j));
            nngp[[i, j]] = k;
            ntk[[i, j]] = theta;
            if symmetric {
                nngp[[j, i]] = k;
                ntk[[j, i]] = theta;
            }
        }
    }
    Kernels { nngp, ntk }
}

/// Diagonals `(K(x_i, x_i), Theta(x_i, x_i))` for the rows of the `P x D` matrix `x`; each
/// has length `P`. Equal to the diagonals of [`analytic_kernels`] with `x1 = x2 = x`.
pub fn analytic_kernels_diag(
    model: &ModelConfig,
    x: ArrayView2<f64>,
) -> (Array1<f64>, Array1<f64>) {
    let inputs = AugmentedInputs::new(x, model.sigma_w, model.sigma_b);
    let mut nngp = Array1::zeros(inputs.len());
    let mut ntk = Array1::zeros(inputs.len());
    for i in 0..inputs.len() {
        let (k, theta) = kernel_entry(model, &inputs.pair(i, &inputs, i));
        nngp[i] = k;
        ntk[i] = theta;
    }
    (nngp, ntk)
}

/// `(K, Theta)` for one pair of inputs.
fn kernel_entry(model: &ModelConfig, pair: &PairCovariance) -> (f64, f64) {
    let expectations = pair_expectations(model.activation, pair);
    let readout = model.sigma_a * model.sigma_a;
    let nngp = readout * expectations.value;
    let ntk = nngp + readout * expectations.derivative * pair.covariance();
    (nngp, ntk)
}

/// `E[phi(u) phi(v)]` and `E[phi'(u) phi'(v)]`: closed forms where they exist, quadrature
/// otherwise.
pub fn pair_expectations(activation: Activation, pair: &PairCovariance) -> PairExpectations {
    match activation {
        Activation::Relu => relu_expectations(pair),
        Activation::Erf => erf_expectations(pair),
        Activation::Identity => identity_expectations(pair),
        Activation::Tanh => quadrature_expectations(activation, pair),
    }
}
