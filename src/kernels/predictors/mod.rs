//! Kernel-regression predictors: Cholesky solves, the GP posterior and the NTK
//! prediction of gradient descent. Factorisations use faer, and no matrix is inverted
//! explicitly.

pub mod error;
pub mod gp;
pub mod ntk;
pub mod solve;

pub use error::KernelError;
pub use gp::{GpPosterior, gp_posterior};
pub use ntk::NtkPredictor;
pub use solve::cholesky_solve;
