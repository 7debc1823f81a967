//! Parameters of the network (hidden layers included) and the forward pass
//! of one hidden layer.
//!
//! ```text
//! h_j(x) = sigma_w (w_j . x) / sqrt(D) + sigma_b b_j
//! g(x)   = sigma_a / sqrt(N) sum_j a_j phi(h_j(x))        a_j in R^C
//! f(x)   = (g(x) - g_0(x) [center]) / gamma
//! ```
//!
//! Shapes: `W` is `N x D`, `b` has `N` entries, `A` is `N x C`; inputs are
//! `P x D` and outputs `P x C`.

use ndarray::{Array1, Array2, ArrayView2, Axis, linalg::general_mat_mul};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::config::types::{Activation, ModelConfig};

pub use super::deep::HiddenLayer;

/// Fixed hyper-parameters of a network.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Architecture {
    pub input_dim: usize,
    pub width: usize,
    /// Number of hidden layers `L` (1 for the two-layer network).
    pub depth: usize,
    pub outputs: usize,
    pub activation: Activation,
    pub sigma_w: f64,
    pub sigma_b: f64,
    pub sigma_a: f64,
    pub gamma: f64,
}

impl Architecture {
    pub fn new(model: &ModelConfig, input_dim: usize, outputs: usize) -> Self {
        Architecture {
            input_dim,
            width: model.width,
            depth: model.depth,
            outputs,
            activation: model.activation,
            sigma_w: model.sigma_w,
            sigma_b: model.sigma_b,
            sigma_a: model.sigma_a,
            gamma: model.gamma(),
        }
    }

    /// Multiplier `sigma_w / sqrt(D)` of the first layer.
    pub fn input_scale(&self) -> f64 {
        self.sigma_w / (self.input_dim as f64).sqrt()
    }

    /// Multiplier `sigma_a / sqrt(N)` of the readout.
    pub fn readout_scale(&self) -> f64 {
        self.sigma_a / (self.width as f64).sqrt()
    }
}

/// Trainable parameters, all initialised i.i.d. `N(0, 1)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// First-layer weights, `N x D`.
    pub w: Array2<f64>,
    /// First-layer biases, `N`.
    pub b: Array1<f64>,
    /// Hidden layers `2..L` in order, empty at depth 1.
    pub hidden: Vec<HiddenLayer>,
    /// Readout weights, `N x C`.
    pub a: Array2<f64>,
}

impl Params {
    /// Draws every entry from `N(0, 1)`, in the order `W`, `b`, then `W^l`,
    /// `b^l` of each hidden layer `l = 2..L`, then `A` (all row-major), so a
    /// depth-1 network draws the same stream as before hidden layers existed.
    pub fn sample<R: Rng + ?Sized>(arch: &Architecture, rng: &mut R) -> Self {
        let mut normal = || -> f64 { StandardNormal.sample(rng) };
        let w = Array2::from_shape_simple_fn((arch.width, arch.input_dim), &mut normal);
        let b = Array1::from_shape_simple_fn(arch.width, &mut normal);
        let hidden = (1..arch.depth)
            .map(|_| HiddenLayer::sample(arch.width, &mut normal))
            .collect();
        let a = Array2::from_shape_simple_fn((arch.width, arch.outputs), &mut normal);
        Params { w, b, hidden, a }
    }

    /// Zero parameters of the same shapes (used for gradients).
    pub fn zeros_like(&self) -> Self {
        Params {
            w: Array2::zeros(self.w.raw_dim()),
            b: Array1::zeros(self.b.raw_dim()),
            hidden: self.hidden.iter().map(HiddenLayer::zeros_like).collect(),
            a: Array2::zeros(self.a.raw_dim()),
        }
    }

    /// Squared Euclidean norm of all parameters together.
    pub fn norm_squared(&self) -> f64 {
        let sq = |x: f64| x * x;
        self.w.iter().map(|&x| sq(x)).sum::<f64>()
            + self.b.iter().map(|&x| sq(x)).sum::<f64>()
            + self
                .hidden
                .iter()
                .map(HiddenLayer::norm_squared)
                .sum::<f64>()
            + self.a.iter().map(|&x| sq(x)).sum::<f64>()
    }

    pub fn is_finite(&self) -> bool {
        self.w.iter().all(|x| x.is_finite())
            && self.b.iter().all(|x| x.is_finite())
            && self.hidden.iter().all(HiddenLayer::is_finite)
            && self.a.iter().all(|x| x.is_finite())
    }
}

/// Inputs with at most this many dimensions use direct loops for the two
/// `D`-contractions; wider inputs use GEMM, which only pays off once `D`
/// amortises its packing.
pub(super) const DIRECT_INPUT_DIM: usize = 8;

pub(super) const LAYOUT: &str = "workspace and parameter arrays are allocated in standard layout";

pub(super) fn contiguous(a: &Array2<f64>) -> &[f64] {
    a.as_slice().expect(LAYOUT)
}

/// Pre-activations `H = sigma_w X W^T / sqrt(D) + sigma_b 1 b^T` (`P x N`),
/// written into `out`, which must be in standard layout.
pub fn preactivations_into(
    arch: &Architecture,
    params: &Params,
    x: ArrayView2<f64>,
    out: &mut Array2<f64>,
) {
    if arch.input_dim > DIRECT_INPUT_DIM {
        general_mat_mul(arch.input_scale(), &x, &params.w.t(), 0.0, out);
        let bias = &params.b * arch.sigma_b;
        out.axis_iter_mut(Axis(0)).for_each(|mut row| row += &bias);
        return;
    }
    let dims = arch.input_dim;
    let scale = arch.input_scale();
    let w = contiguous(&params.w);
    let b = params.b.as_slice().expect(LAYOUT);
    for (x_row, mut h_row) in x.rows().into_iter().zip(out.rows_mut()) {
        let h = h_row.as_slice_mut().expect(LAYOUT);
        for (hj, &bj) in h.iter_mut().zip(b) {
            *hj = arch.sigma_b * bj;
        }
        for (d, &xd) in x_row.iter().enumerate() {
            let scaled = scale * xd;
            for (hj, w_row) in h.iter_mut().zip(w.chunks_exact(dims)) {
                *hj += scaled * w_row[d];
            }
        }
    }
}

/// Hidden activations `Phi = phi(H)` (`P x N`) of the last hidden layer.
pub fn features(arch: &Architecture, params: &Params, x: ArrayView2<f64>) -> Array2<f64> {
    if arch.depth > 1 {
        return super::deep::last_features(arch, params, x);
    }
    let mut h = Array2::zeros((x.nrows(), arch.width));
    preactivations_into(arch, params, x, &mut h);
    h.mapv_inplace(|v| arch.activation.apply(v));
    h
}

/// Features and their derivatives `(phi(H), phi'(H))`, both `P x N`.
pub fn features_and_derivatives(
    arch: &Architecture,
    params: &Params,
    x: ArrayView2<f64>,
) -> (Array2<f64>, Array2<f64>) {
    let mut h = Array2::zeros((x.nrows(), arch.width));
    preactivations_into(arch, params, x, &mut h);
    let phi = h.mapv(|v| arch.activation.apply(v));
    h.mapv_inplace(|v| arch.activation.derivative(v));
    (phi, h)
}

/// Readout `g(x) = sigma_a / sqrt(N) Phi A` (`P x C`), before centring and `1/gamma`.
pub fn output_g(arch: &Architecture, params: &Params, x: ArrayView2<f64>) -> Array2<f64> {
    let phi = features(arch, params, x);
    let mut g = Array2::zeros((x.nrows(), arch.outputs));
    general_mat_mul(arch.readout_scale(), &phi, &params.a, 0.0, &mut g);
    g
}

/// Network function `f = (g - offset) / gamma` (`P x C`); `offset` is `g_0` on
/// the same inputs when centring, `None` otherwise.
pub fn output_f(
    arch: &Architecture,
    params: &Params,
    x: ArrayView2<f64>,
    offset: Option<&Array2<f64>>,
) -> Array2<f64> {
    let mut g = output_g(arch, params, x);
    if let Some(g0) = offset {
        g -= g0;
    }
    g /= arch.gamma;
    g
}
