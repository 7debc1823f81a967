//! Errors of the kernel-regression predictors.

use thiserror::Error;

/// Failure of a kernel solve or predictor.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum KernelError {
    /// A matrix or vector contains NaN or an infinity.
    #[error(
        "{name} contains a non-finite value at {index}; check the inputs and the model \
         settings (a diverging run or an overflowing kernel produces these)"
    )]
    NonFinite {
        /// Which argument.
        name: &'static str,
        /// Position of the first non-finite entry, as `[row, column]` or `[index]`.
        index: String,
    },
    /// Shapes of the arguments do not fit together.
    #[error("{name} has shape {found}, expected {expected}")]
    ShapeMismatch {
        /// Which argument.
        name: &'static str,
        /// Shape the other arguments require.
        expected: String,
        /// Shape received.
        found: String,
    },
    /// An argument is outside its valid range.
    #[error("{name} = {value} is invalid: {reason}")]
    InvalidParameter {
        /// Which argument.
        name: &'static str,
        /// Value received.
        value: f64,
        /// Condition the value must satisfy.
        reason: &'static str,
    },
    /// The Cholesky factorisation failed even with the largest diagonal jitter.
    #[error(
        "Cholesky factorisation of the {size} x {size} kernel failed even with diagonal \
         jitter {jitter:e}; the kernel is not positive semi-definite (check for an \
         indefinite custom kernel) or badly scaled (rescale the inputs or add noise)"
    )]
    NotPositiveDefinite {
        /// Matrix dimension.
        size: usize,
        /// Largest jitter tried.
        jitter: f64,
    },
    /// The symmetric eigendecomposition did not converge.
    #[error(
        "eigendecomposition of the {size} x {size} NTK did not converge; check the kernel \
         for extreme values"
    )]
    EigenNoConvergence {
        /// Matrix dimension.
        size: usize,
    },
}
