//! The network with `L > 1` hidden layers: its hidden parameters, forward
//! pass, backpropagation and empirical kernels.
//!
//! ```text
//! h^1 = sigma_w W^1 x / sqrt(D) + sigma_b b^1                  W^1: N x D
//! h^l = sigma_w W^l phi(h^(l-1)) / sqrt(N) + sigma_b b^l      W^l: N x N, l = 2..L
//! g   = sigma_a / sqrt(N) A^T phi(h^L)                         A: N x C
//! f   = (g - g_0 [center]) / gamma
//! ```
//!
//! The first layer and the readout are the fields `w`, `b` and `a` of
//! [`Params`]; the layers `2..L` are its `hidden` list. Depth-1 networks
//! never enter this module: the callers test `depth > 1` and otherwise use
//! the one-layer code of [`super::network`] and [`super::gradient`].

mod backprop;
mod forward;
mod ntk;

#[cfg(test)]
mod tests;

use ndarray::{Array1, Array2};

pub use backprop::{DeepWorkspace, loss_and_gradient};
pub use forward::{LayerFeatures, features, last_features};
pub use ntk::empirical_ntk;

#[cfg(doc)]
use super::network::Params;

/// Weights and biases of one hidden layer `l >= 2`.
#[derive(Clone, Debug, PartialEq)]
pub struct HiddenLayer {
    /// Weights `W^l`, `N x N` (row `j` feeds unit `j` of layer `l`).
    pub w: Array2<f64>,
    /// Biases `b^l`, `N`.
    pub b: Array1<f64>,
}

impl HiddenLayer {
    /// Draws `W^l` (row-major), then `b^l`, from `normal`.
    pub fn sample(width: usize, mut normal: impl FnMut() -> f64) -> Self {
        let w = Array2::from_shape_simple_fn((width, width), &mut normal);
        let b = Array1::from_shape_simple_fn(width, &mut normal);
        HiddenLayer { w, b }
    }

    /// Returns a layer of zeros with the same shapes.
    pub fn zeros_like(&self) -> Self {
        HiddenLayer {
            w: Array2::zeros(self.w.raw_dim()),
            b: Array1::zeros(self.b.raw_dim()),
        }
    }

    /// Squared Euclidean norm of the weights and biases together.
    pub fn norm_squared(&self) -> f64 {
        self.w.iter().chain(&self.b).map(|x| x * x).sum()
    }

    pub fn is_finite(&self) -> bool {
        self.w.iter().chain(&self.b).all(|x| x.is_finite())
    }
}
