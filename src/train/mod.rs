//! Optimisers, metrics and the training thread.
//!
//! Conventions (shared with `model` and `kernels`):
//!
//! * Loss `L = 1/(2P) sum |f(x) - y|^2`, with `f = (g - g_0 [center]) / gamma`.
//! * GD: `theta <- theta - eta grad L`, `eta = eta0 gamma^2`, so every
//!   scaling starts at the same speed in function space.
//! * Langevin (ULA): `theta <- theta - eta grad U + sqrt(2 eta) xi` with
//!   `U = P L / T + |theta|^2 / 2`, `T = T0 / gamma^2` and `eta = eta0`;
//!   the uncentred network is sampled, and the running mean of `f` on the
//!   test inputs after `burn_in` estimates the posterior mean.
//! * Metrics (every `log_every` steps, see [`snapshot::METRIC_NAMES`]):
//!   weight change `|W_t - W_0|_F / |W_0|_F` (first layer, and for `a`;
//!   deep networks add each hidden layer and its spectral-norm ratio, see
//!   [`snapshot::layer_metric_names`]), feature change
//!   `|Phi_t - Phi_0|_F / |Phi_0|_F` of the last hidden layer, kernel distance
//!   `1 - <Theta_0, Theta_t>_F / (|Theta_0|_F |Theta_t|_F)`, kernel change
//!   `|Theta_t - Theta_0|_F / |Theta_0|_F`, centred kernel-target alignment,
//!   all on a probe set of at most [`trainer::MAX_PROBE`] training inputs
//!   with the empirical NTK; gaps are RMS distances on the test inputs
//!   between the network (the posterior mean for Langevin) and each overlay
//!   of [`theory`].

pub mod measures;
pub mod observe;
pub mod optimizer;
pub mod runner;
pub mod snapshot;
pub mod theory;
pub mod trainer;

pub use observe::Predictions;
pub use runner::{TrainerHandle, spawn};
pub use trainer::Trainer;

use crate::data::DataError;
use crate::kernels::KernelError;

#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error("theory overlay failed: {0}")]
    Kernel(#[from] KernelError),
    #[error("run diverged at step {step}: {reason}")]
    Diverged { step: u64, reason: String },
    #[error(
        "model.width = {width} with model.depth = {depth} needs {parameters} trainable \
         parameters, more than the {max} a run may hold; lower model.width or model.depth"
    )]
    NetworkTooLarge {
        width: usize,
        depth: usize,
        parameters: usize,
        max: usize,
    },
}
