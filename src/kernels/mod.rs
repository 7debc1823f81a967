//! Infinite-width kernels (NNGP, NTK) of the network with `L = model.depth` hidden layers
//! and the kernel-regression predictors built on them.
//!
//! The module owns the analytic kernels of the network output `g` (without the
//! `1 / gamma^2` of `f = g / gamma`, which the caller applies) and the linear algebra
//! that turns kernels into predictions. Everything is `f64`, and matrices are `ndarray`
//! arrays with one row per input point.
//!
//! # Formulas
//!
//! ```text
//! K0(x, x')    = sigma_w^2 (x . x') / D + sigma_b^2                    input kernel
//! K(x, x')     = sigma_a^2 E[phi(u) phi(v)]                            NNGP
//! Theta(x, x') = K(x, x') + sigma_a^2 E[phi'(u) phi'(v)] K0(x, x')     NTK
//! (u, v) ~ N(0, [[q, c], [c, q']]),  q = K0(x, x), q' = K0(x', x'), c = K0(x, x')
//! cos t = c / sqrt(q q')
//! ```
//!
//! | activation | `E[phi(u) phi(v)]` | `E[phi'(u) phi'(v)]` |
//! |---|---|---|
//! | relu | `sqrt(q q') / (2 pi) (sin t + (pi - t) cos t)` | `(pi - t) / (2 pi)` |
//! | leaky relu, slope `s` | `sqrt(q q') / (2 pi) ((1-s)^2 sin t + A cos t)` | `A / (2 pi)` |
//! | erf | `(2/pi) asin(2c / sqrt((1+2q)(1+2q')))` | `4 / (pi sqrt((1+2q)(1+2q') - 4c^2))` |
//! | identity | `c` | `1` |
//! | tanh, gelu, softplus | Hermite series ([`hermite`]), else nested quadrature ([`quadrature`]) | same |
//!
//! with `A = (1 + s^2)(pi - t) + 2 s t` (see [`closed_form::leaky_relu_expectations`]).
//!
//! These are the kernels of one hidden layer. With `L` hidden layers the same expectations
//! are applied layer by layer ([`deep`]):
//!
//! ```text
//! K^1 = Theta^1 = K0
//! K^(l+1)     = sigma_w^2 E[phi(u) phi(v)] + sigma_b^2,  (u, v) ~ N(0, K^l pair)
//! Theta^(l+1) = K^(l+1) + sigma_w^2 E[phi'(u) phi'(v)] Theta^l
//! K           = sigma_a^2 E[phi(u) phi(v)],  Theta = K + sigma_a^2 E[phi'(u) phi'(v)] Theta^L
//! ```
//!
//! Deeper layers carry the gap `sqrt(q q') - c` of each pair from layer to layer instead
//! of recomputing the angle from `acos`, so nearly collinear pairs keep their angle
//! ([`deep`], [`gap`]).
//!
//! Cosines are clamped to `[-1, 1]`. Every formula above is finite for `q = 0` and at
//! `t = 0` and `t = pi`; the erf forms are evaluated through `atan2` with
//! `(1+2q)(1+2q') - 4c^2 = 1 + 2(q+q') + 4 q q' sin^2 t`, which has no cancellation.
//! With one hidden layer, pairs with `|cos t| <= 0.9` and positive variances use a
//! polynomial arcsine in place of `atan2` ([`closed_form_rows`], [`arcsine`]), which is
//! well conditioned there.
//!
//! Angles between inputs are measured from the embedded vectors
//! `z = (sigma_w x / sqrt(D), sigma_b)` as `2 atan2(|a - b|, |a + b|)` of their unit
//! vectors, so duplicated, nearly collinear and antipodal inputs keep full precision.
//! A zero embedded vector (zero input without bias) has `q = 0`. Its pre-activation is
//! identically 0, where the relu derivative is taken as 0.
//!
//! # Correspondence with neural-tangents
//!
//! These are the kernels that neural-tangents (`stax`, version 0.6.5) computes in float64
//! for
//!
//! ```text
//! stax.serial(*[stax.Dense(1, W_std=sigma_w, b_std=sigma_b, parameterization='ntk'), phi] * L,
//!             stax.Dense(1, W_std=sigma_a, b_std=None, parameterization='ntk'))
//! ```
//!
//! with `b_std=None` in the hidden layers when `sigma_b = 0`, and `phi` one of `stax.Relu()`,
//! `stax.LeakyRelu(0.01)`, `stax.Erf()`, `stax.Identity()` or
//! `stax.Gelu(approximate=False)`. `stax` has no tanh or softplus layer;
//! `stax.ElementwiseNumerical` integrates them on a Gauss–Hermite grid, which is too
//! coarse at large variances. `tests/reference/generate.py` checks the correspondence with
//! Monte Carlo averages over random networks with 1, 2 and 3 hidden layers (relu and
//! erf, within 5 standard errors), and
//! `tests/kernels_reference.rs` compares these kernels with both `stax` and
//! high-precision mpmath values on hard inputs.
//!
//! # Predictors
//!
//! ```text
//! GP mean        K_* (K + noise I)^-1 Y
//! GP variance    diag(K_** - K_* (K + noise I)^-1 K_*^T)
//! NTK at step t  Theta_* V diag((1 - (1 - eta0 lambda / P)^t) / lambda) V^T (y - f_0)
//! NTK limit      Theta_* Theta^-1 (y - f_0)
//! ```
//!
//! Linear solves use a Cholesky factorisation with reported diagonal jitter when the
//! kernel is singular, and the NTK steps use one symmetric eigendecomposition. No matrix
//! is inverted explicitly.

pub mod analytic;
pub mod arcsine;
pub mod closed_form;
pub mod closed_form_rows;
pub mod deep;
pub mod gap;
pub mod gauss_hermite;
pub mod gauss_legendre;
pub mod graded_rule;
pub mod hermite;
pub mod input;
pub mod large_matrix;
pub mod pair;
pub mod predictors;
pub mod quadrature;
pub mod row_blocks;

pub use analytic::{Kernels, analytic_kernels, analytic_kernels_diag, pair_expectations};
pub use closed_form::PairExpectations;
pub use input::{input_kernel, input_kernel_diag};
pub use pair::PairCovariance;
pub use predictors::{GpPosterior, KernelError, NtkPredictor, cholesky_solve, gp_posterior};
