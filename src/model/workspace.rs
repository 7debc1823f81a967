//! Loss and gradient of a network of any depth, with the buffers its
//! backward pass reuses from step to step.

use ndarray::{Array2, ArrayView2};

use super::deep::{self, DeepWorkspace};
use super::gradient::{self, Workspace};
use super::network::{Architecture, Params};

/// Buffers of the one-layer or the deep backward pass, picked by depth.
#[derive(Clone, Debug)]
pub enum TrainingWorkspace {
    /// One hidden layer: the fused row sweep of [`gradient::loss_and_gradient`].
    OneLayer(Workspace),
    /// `L > 1` hidden layers: the GEMM passes of [`deep::loss_and_gradient`].
    Deep(DeepWorkspace),
}

impl TrainingWorkspace {
    /// Allocates the buffers for `points` inputs of a network shaped like `arch`.
    pub fn new(arch: &Architecture, points: usize) -> Self {
        if arch.depth > 1 {
            TrainingWorkspace::Deep(DeepWorkspace::new(arch, points))
        } else {
            TrainingWorkspace::OneLayer(Workspace::new(arch, points))
        }
    }

    /// Computes the loss `L` at `params` and writes `grad L` into `grad`;
    /// see [`gradient::loss_and_gradient`] for the arguments.
    pub fn loss_and_gradient(
        &mut self,
        arch: &Architecture,
        params: &Params,
        x: ArrayView2<f64>,
        y: ArrayView2<f64>,
        offset: Option<&Array2<f64>>,
        grad: &mut Params,
    ) -> f64 {
        match self {
            TrainingWorkspace::OneLayer(work) => {
                gradient::loss_and_gradient(arch, params, x, y, offset, work, grad)
            }
            TrainingWorkspace::Deep(work) => {
                deep::loss_and_gradient(arch, params, x, y, offset, work, grad)
            }
        }
    }

    /// Residual `R = F - Y` (`P x C`) of the last call to `loss_and_gradient`.
    pub fn residual(&self) -> &Array2<f64> {
        match self {
            TrainingWorkspace::OneLayer(work) => work.residual(),
            TrainingWorkspace::Deep(work) => work.residual(),
        }
    }
}
