//! Loss and gradient of the deep network by hand-written backpropagation.
//!
//! ```text
//! R        = F - Y,   E = R / (P gamma)                             P x C
//! dL/dA    = sigma_a / sqrt(N) Z^L^T E                              N x C
//! Delta^L  = sigma_a / sqrt(N) (E A^T) .* phi'(H^L)                 P x N
//! dL/dW^l  = sigma_w / sqrt(N) Delta^l^T Z^(l-1),  l = 2..L         N x N
//! Delta^(l-1) = sigma_w / sqrt(N) (Delta^l W^l) .* phi'(H^(l-1))
//! dL/dW^1  = sigma_w / sqrt(D) Delta^1^T X                          N x D
//! dL/db^l  = sigma_b Delta^l^T 1                                    N
//! ```
//!
//! Every product is one `general_mat_mul` into a buffer of [`DeepWorkspace`],
//! so no per-example Jacobian is ever formed and a step allocates no arrays.
//! NOTE: matrixmultiply 0.3 still allocates its packing buffer inside each
//! GEMM call; only a BLAS backend or a GEMM with caller-owned packing would
//! avoid that.

use ndarray::{Array1, Array2, ArrayView2, Zip, linalg::general_mat_mul};

use super::forward::{activate_in_place, hidden_preactivations_into, hidden_scale};
use crate::model::network::{Architecture, Params, preactivations_into};

/// Buffers of the deep forward and backward passes, sized for `P` inputs.
#[derive(Clone, Debug)]
pub struct DeepWorkspace {
    /// `H^l`, then `phi'(H^l)`, one `P x N` array per hidden layer.
    derivatives: Vec<Array2<f64>>,
    /// `Z^l = phi(H^l)`, one `P x N` array per hidden layer.
    activations: Vec<Array2<f64>>,
    /// `Delta^l` of the layer being differentiated (`P x N`).
    delta: Array2<f64>,
    /// `Delta^(l-1)`, swapped with `delta` after each layer (`P x N`).
    delta_below: Array2<f64>,
    /// `g`, then the residual `R` (`P x C`).
    output: Array2<f64>,
}

impl DeepWorkspace {
    /// Allocates the buffers for `points` inputs of a network shaped like `arch`.
    pub fn new(arch: &Architecture, points: usize) -> Self {
        let hidden = (points, arch.width);
        DeepWorkspace {
            derivatives: vec![Array2::zeros(hidden); arch.depth],
            activations: vec![Array2::zeros(hidden); arch.depth],
            delta: Array2::zeros(hidden),
            delta_below: Array2::zeros(hidden),
            output: Array2::zeros((points, arch.outputs)),
        }
    }

    /// Residual `R = F - Y` of the last call to [`loss_and_gradient`].
    pub fn residual(&self) -> &Array2<f64> {
        &self.output
    }
}

/// Computes the loss `L` of the deep network at `params` and writes `grad L`
/// into `grad`, which must have the shapes of `params`.
///
/// `x` is `P x D` and `y` is `P x C` with `P` the size `work` was built for;
/// `offset` is `g_0` on `x` when the network is centred. Returns `L`, which
/// is NaN or infinite when the network has diverged (the gradient is then
/// meaningless).
///
/// # Panics
///
/// When `work`, `grad`, `x` or `y` do not match `params` and `arch` in shape.
pub fn loss_and_gradient(
    arch: &Architecture,
    params: &Params,
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    offset: Option<&Array2<f64>>,
    work: &mut DeepWorkspace,
    grad: &mut Params,
) -> f64 {
    forward(arch, params, x, work);
    let loss = residual_and_loss(arch, y, offset, &mut work.output);
    readout_gradient(arch, params, work, grad);
    for l in (1..arch.depth).rev() {
        hidden_layer_gradient(arch, params, l, work, grad);
    }
    let input_scale = arch.input_scale();
    general_mat_mul(input_scale, &work.delta.t(), &x, 0.0, &mut grad.w);
    bias_gradient(arch.sigma_b, &work.delta, &mut grad.b);
    loss
}

/// Fills `activations` and `derivatives` of every layer and `g` in `output`.
fn forward(arch: &Architecture, params: &Params, x: ArrayView2<f64>, work: &mut DeepWorkspace) {
    let layers = work.derivatives.iter_mut().zip(work.activations.iter_mut());
    let mut below: Option<&Array2<f64>> = None;
    for (l, (pre, phi)) in layers.enumerate() {
        match below {
            None => preactivations_into(arch, params, x, pre),
            Some(input) => {
                hidden_preactivations_into(arch, &params.hidden[l - 1], input.view(), pre);
            }
        }
        activate_in_place(arch, pre, phi);
        below = Some(phi);
    }
    let last = &work.activations[arch.depth - 1];
    general_mat_mul(arch.readout_scale(), last, &params.a, 0.0, &mut work.output);
}

/// Turns `g` in `output` into `R = (g - g_0) / gamma - Y` and returns
/// `L = |R|_F^2 / (2P)`.
fn residual_and_loss(
    arch: &Architecture,
    y: ArrayView2<f64>,
    offset: Option<&Array2<f64>>,
    output: &mut Array2<f64>,
) -> f64 {
    let inv_gamma = 1.0 / arch.gamma;
    match offset {
        Some(g0) => Zip::from(&mut *output)
            .and(g0)
            .and(y)
            .for_each(|r, &g0, &t| *r = (*r - g0) * inv_gamma - t),
        None => Zip::from(&mut *output)
            .and(y)
            .for_each(|r, &t| *r = *r * inv_gamma - t),
    }
    let sum: f64 = output.iter().map(|r| r * r).sum();
    sum / (2.0 * output.nrows() as f64)
}

/// Writes `dL/dA` into `grad.a` and `Delta^L` into `work.delta`.
fn readout_gradient(
    arch: &Architecture,
    params: &Params,
    work: &mut DeepWorkspace,
    grad: &mut Params,
) {
    let points = work.output.nrows() as f64;
    let back = arch.readout_scale() / (points * arch.gamma);
    let last = arch.depth - 1;
    general_mat_mul(
        back,
        &work.activations[last].t(),
        &work.output,
        0.0,
        &mut grad.a,
    );
    general_mat_mul(back, &work.output, &params.a.t(), 0.0, &mut work.delta);
    work.delta *= &work.derivatives[last];
}

/// Writes the gradient of the hidden layer at 0-based position `l >= 1`
/// (weights `params.hidden[l - 1]`) from its `Delta` in `work.delta`, then
/// replaces `work.delta` by the `Delta` of the layer below.
fn hidden_layer_gradient(
    arch: &Architecture,
    params: &Params,
    l: usize,
    work: &mut DeepWorkspace,
    grad: &mut Params,
) {
    let scale = hidden_scale(arch);
    let layer = &params.hidden[l - 1];
    let layer_grad = &mut grad.hidden[l - 1];
    let input = &work.activations[l - 1];
    general_mat_mul(scale, &work.delta.t(), input, 0.0, &mut layer_grad.w);
    bias_gradient(arch.sigma_b, &work.delta, &mut layer_grad.b);
    general_mat_mul(scale, &work.delta, &layer.w, 0.0, &mut work.delta_below);
    work.delta_below *= &work.derivatives[l - 1];
    std::mem::swap(&mut work.delta, &mut work.delta_below);
}

/// `dL/db = sigma_b Delta^T 1`, the column sums of `delta` times `sigma_b`.
fn bias_gradient(sigma_b: f64, delta: &Array2<f64>, grad_b: &mut Array1<f64>) {
    grad_b.fill(0.0);
    for row in delta.rows() {
        *grad_b += &row;
    }
    *grad_b *= sigma_b;
}
