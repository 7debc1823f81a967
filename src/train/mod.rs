//! Optimisers, metrics and the training thread.

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
}
