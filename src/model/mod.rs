//! The two-layer network: parameters, forward and backward passes,
//! empirical kernels.

pub mod activation;
