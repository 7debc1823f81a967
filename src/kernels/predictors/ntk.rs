//! NTK prediction of gradient descent in the linearised (infinite-width) regime.

use faer::Side;
use ndarray::{Array1, Array2};

use super::error::KernelError;
use super::solve::{check_finite, check_shape, cholesky_solve, from_faer, to_faer};

/// Predicted change of the network function on `Q` test points after `t` full-batch GD
/// steps of the linearised dynamics.
///
/// With `Theta = V diag(lambda) V^T` on the `P` training points and `r = y - f_0` the
/// training residual, the change after `t` steps of
/// `f_{s+1} = f_s - (eta0 / P) Theta (f_s - y)` is
///
/// ```text
/// f*_t - f*_0 = Theta_* V diag((1 - (1 - eta0 lambda / P)^t) / lambda) V^T r
/// ```
///
/// and `t -> inf` gives `Theta_* Theta^-1 r` when `eta0 lambda_max / P < 2`.
/// `Theta_* V` and `V^T r` are stored, so [`predict`](Self::predict) costs `O(Q P C)`.
#[derive(Clone, Debug)]
pub struct NtkPredictor {
    eigenvalues: Array1<f64>,
    cross_eigenvectors: Array2<f64>,
    projected_residual: Array2<f64>,
    limit: Array2<f64>,
    jitter: f64,
    step_scale: f64,
}

impl NtkPredictor {
    /// Factorises `theta_train` (`P x P`, symmetric; the lower triangle is read) and stores
    /// what [`predict`](Self::predict) needs. `theta_cross` (`Theta_*`) is `Q x P`,
    /// `residual` is `P x C`, `eta0 >= 0` is the learning rate in function space.
    ///
    /// # Errors
    ///
    /// Shape, finiteness and `eta0` checks, [`KernelError::EigenNoConvergence`], and
    /// [`KernelError::NotPositiveDefinite`] from the limit solve.
    pub fn new(
        theta_train: &Array2<f64>,
        theta_cross: &Array2<f64>,
        residual: &Array2<f64>,
        eta0: f64,
    ) -> Result<Self, KernelError> {
        let train = theta_train.nrows();
        check_shape("theta_train", theta_train.dim(), (train, train))?;
        check_shape(
            "theta_cross",
            theta_cross.dim(),
            (theta_cross.nrows(), train),
        )?;
        check_shape("residual", residual.dim(), (train, residual.ncols()))?;
        check_finite("theta_train", theta_train)?;
        check_finite("theta_cross", theta_cross)?;
        check_finite("residual", residual)?;
        if !(eta0.is_finite() && eta0 >= 0.0) {
            return Err(KernelError::InvalidParameter {
                name: "eta0",
                value: eta0,
                reason: "the learning rate must be finite and >= 0",
            });
        }
        let decomposition = to_faer(theta_train)
            .self_adjoint_eigen(Side::Lower)
            .map_err(|_| KernelError::EigenNoConvergence { size: train })?;
        let eigenvectors = from_faer(&decomposition.U().to_owned());
        let eigenvalues = Array1::from_shape_fn(train, |k| decomposition.S()[k]);
        let (limit_weights, jitter) = cholesky_solve(theta_train, residual)?;
        Ok(Self {
            eigenvalues,
            cross_eigenvectors: theta_cross.dot(&eigenvectors),
            projected_residual: eigenvectors.t().dot(residual),
            limit: theta_cross.dot(&limit_weights),
            jitter,
            step_scale: if train == 0 { 0.0 } else { eta0 / train as f64 },
        })
    }

    /// Predicted change `f*_t - f*_0` on the test points after `step` GD steps, `Q x C`.
    ///
    /// Eigenvalues below 0 (round-off of a singular kernel) count as 0, whose factor is
    /// the limit `t eta0 / P`. When `eta0 lambda / P > 1` the factor is the true value of
    /// the discrete dynamics: it oscillates in sign with `t` and, beyond 2, grows like
    /// `|1 - eta0 lambda / P|^t`. The result is finite unless that growth overflows
    /// `f64`, after which entries are infinite or NaN.
    pub fn predict(&self, step: u64) -> Array2<f64> {
        let factors = self
            .eigenvalues
            .mapv(|lambda| step_factor(lambda, self.step_scale, step));
        let weighted = &self.projected_residual * &factors.insert_axis(ndarray::Axis(1));
        self.cross_eigenvectors.dot(&weighted)
    }

    /// Change at convergence, `Theta_* Theta^-1 r`, by a Cholesky solve (with
    /// [`jitter`](Self::jitter) when `Theta` is singular), `Q x C`.
    pub fn predict_limit(&self) -> Array2<f64> {
        self.limit.clone()
    }

    /// Smallest eigenvalue of `Theta` as computed (may be slightly negative); 0 for `P = 0`.
    pub fn min_eigenvalue(&self) -> f64 {
        self.eigenvalues.first().copied().unwrap_or(0.0)
    }

    /// Largest eigenvalue of `Theta`; 0 for `P = 0`.
    pub fn max_eigenvalue(&self) -> f64 {
        self.eigenvalues.last().copied().unwrap_or(0.0)
    }

    /// Condition number `lambda_max / max(lambda_min, f64::MIN_POSITIVE)`.
    pub fn condition(&self) -> f64 {
        self.max_eigenvalue() / self.min_eigenvalue().max(f64::MIN_POSITIVE)
    }

    /// Diagonal jitter of the limit solve (0 when none was needed).
    pub fn jitter(&self) -> f64 {
        self.jitter
    }
}

/// `(1 - (1 - x)^t) / lambda` with `x = step_scale lambda`, the sum of `t` terms of the
/// geometric series times `step_scale`.
fn step_factor(lambda: f64, step_scale: f64, step: u64) -> f64 {
    let steps = step as f64;
    let x = step_scale * lambda;
    if step == 0 {
        return 0.0;
    }
    if lambda <= f64::MIN_POSITIVE || x <= f64::MIN_POSITIVE {
        return steps * step_scale;
    }
    if x < 1.0 {
        // 1 - (1 - x)^t = -expm1(t ln(1 - x)), accurate for small x and small t x.
        return -(steps * (-x).ln_1p()).exp_m1() / lambda;
    }
    // x >= 1: (1 - x)^t = (-1)^t |1 - x|^t, computed without a logarithm of a negative.
    let magnitude = (x - 1.0).powf(steps);
    let power = if step % 2 == 0 { magnitude } else { -magnitude };
    (1.0 - power) / lambda
}
