//! The two-layer network: parameters, forward and backward passes,
//! empirical kernels.

pub mod activation;
pub mod empirical;
mod gemm;
pub mod gradient;
mod hidden_block;
pub mod network;

pub use empirical::{Features, empirical_nngp, empirical_ntk, input_kernel};
pub use gradient::{Workspace, loss_and_gradient};
pub use network::{Architecture, Params, features, output_f, output_g};
