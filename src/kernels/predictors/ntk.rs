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

    /// Predicts the change `f*_t - f*_0` on the test points after `step` GD steps, `Q x C`.
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

    /// Returns the change at convergence, `Theta_* Theta^-1 r` (`Q x C`). It is computed
    /// once by a Cholesky solve, with [`jitter`](Self::jitter) when `Theta` is singular.
    pub fn predict_limit(&self) -> Array2<f64> {
        self.limit.clone()
    }

    /// Returns the smallest eigenvalue of `Theta` as computed (may be slightly negative); 0 for `P
    /// = 0`.
    pub fn min_eigenvalue(&self) -> f64 {
        self.eigenvalues.first().copied().unwrap_or(0.0)
    }

    /// Returns the largest eigenvalue of `Theta`, or 0 for `P = 0`.
    pub fn max_eigenvalue(&self) -> f64 {
        self.eigenvalues.last().copied().unwrap_or(0.0)
    }

    /// Returns the condition number `lambda_max / max(lambda_min, f64::MIN_POSITIVE)`.
    pub fn condition(&self) -> f64 {
        self.max_eigenvalue() / self.min_eigenvalue().max(f64::MIN_POSITIVE)
    }

    /// Returns the diagonal jitter of the limit solve (0 when none was needed).
    pub fn jitter(&self) -> f64 {
        self.jitter
    }
}

/// Computes `(1 - (1 - x)^t) / lambda` with `x = step_scale lambda`, which is `step_scale`
/// times the sum of the first `t` terms of the geometric series in `1 - x`.
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
    let power = if step.is_multiple_of(2) {
        magnitude
    } else {
        -magnitude
    };
    (1.0 - power) / lambda
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// Builds a positive-definite kernel on 4 training and 3 test points.
    fn kernels() -> (Array2<f64>, Array2<f64>) {
        let train = [-1.0, -0.2, 0.5, 1.4];
        let test = [-0.6, 0.1, 2.0];
        let kernel = |a: f64, b: f64| (-(a - b) * (a - b) / 2.0).exp() + 0.3 * a * b;
        let theta_train = Array2::from_shape_fn((4, 4), |(i, j)| kernel(train[i], train[j]));
        let theta_cross = Array2::from_shape_fn((3, 4), |(q, j)| kernel(test[q], train[j]));
        (theta_train, theta_cross)
    }

    /// Runs `f_{s+1} = f_s - (eta0 / P) Theta (f_s - y)` on the training points and the
    /// matching update on the test points, from `f_0 = 0`, so `y` is the residual.
    fn iterate(
        theta_train: &Array2<f64>,
        theta_cross: &Array2<f64>,
        y: &Array2<f64>,
        eta0: f64,
        steps: u64,
    ) -> Array2<f64> {
        let scale = eta0 / theta_train.nrows() as f64;
        let mut train = Array2::zeros(y.dim());
        let mut test = Array2::zeros((theta_cross.nrows(), y.ncols()));
        for _ in 0..steps {
            let error = &train - y;
            test = test - theta_cross.dot(&error) * scale;
            train = train - theta_train.dot(&error) * scale;
        }
        test
    }

    fn assert_close(got: &Array2<f64>, want: &Array2<f64>, tolerance: f64, case: &str) {
        for (g, w) in got.iter().zip(want) {
            assert!(
                (g - w).abs() <= tolerance * (1.0 + w.abs()),
                "{case}: {g} vs {w}"
            );
        }
    }

    #[test]
    fn predict_matches_gradient_descent() {
        let (theta_train, theta_cross) = kernels();
        let y = array![[1.0, -0.5], [0.2, 0.0], [-0.7, 1.0], [0.4, 0.3]];
        let eta0 = 1.5;
        let predictor = NtkPredictor::new(&theta_train, &theta_cross, &y, eta0).unwrap();
        for steps in [1, 10, 1000] {
            let expected = iterate(&theta_train, &theta_cross, &y, eta0, steps);
            // The eigen route and the iteration round differently; 1000 contracting
            // steps keep the difference near 1e-12.
            assert_close(
                &predictor.predict(steps),
                &expected,
                1e-10,
                &format!("t = {steps}"),
            );
        }
        assert_eq!(predictor.predict(0), Array2::<f64>::zeros((3, 2)));
    }

    #[test]
    fn predict_converges_to_limit() {
        let (theta_train, theta_cross) = kernels();
        let y = array![[1.0], [0.2], [-0.7], [0.4]];
        let predictor = NtkPredictor::new(&theta_train, &theta_cross, &y, 2.0).unwrap();
        assert_eq!(predictor.jitter(), 0.0);
        // (1 - eta0 lambda_min / P)^t is below 1e-300 at this t for this kernel.
        let late = predictor.predict(10_000_000_000);
        assert_close(&late, &predictor.predict_limit(), 1e-8, "t -> inf");
    }

    #[test]
    fn predict_follows_unstable_dynamics() {
        let (theta_train, theta_cross) = kernels();
        let y = array![[1.0], [0.2], [-0.7], [0.4]];
        // eta0 lambda_max / P is above 2 here, so gradient descent diverges with
        // alternating sign; the prediction must follow it, not return NaN.
        let predictor = NtkPredictor::new(&theta_train, &theta_cross, &y, 8.0).unwrap();
        assert!(8.0 * predictor.max_eigenvalue() / 4.0 > 2.0);
        for steps in [1, 2, 7, 30] {
            let expected = iterate(&theta_train, &theta_cross, &y, 8.0, steps);
            assert_close(
                &predictor.predict(steps),
                &expected,
                1e-9,
                &format!("t = {steps}"),
            );
        }
        assert!(predictor.predict(100).iter().all(|x| x.is_finite()));
    }

    #[test]
    fn singular_kernel_reports_jitter() {
        let theta_train = array![[1.0, 1.0], [1.0, 1.0]];
        let theta_cross = array![[0.5, 0.5]];
        let y = array![[1.0], [1.0]];
        let predictor = NtkPredictor::new(&theta_train, &theta_cross, &y, 1.0).unwrap();
        assert!(predictor.jitter() > 0.0);
        assert!(predictor.min_eigenvalue().abs() < 1e-15);
        assert!((predictor.max_eigenvalue() - 2.0).abs() < 1e-14);
        assert!(predictor.condition() > 1e14);
        // The zero eigenvalue contributes t eta0 / P along its (unreachable) direction,
        // times zero overlap with the cross kernel: the prediction stays finite.
        assert!(predictor.predict(50).iter().all(|x| x.is_finite()));
    }

    #[test]
    fn step_factor_handles_edge_cases() {
        // lambda -> 0: the factor tends to t eta0 / P.
        assert_eq!(step_factor(0.0, 0.25, 8), 2.0);
        assert_eq!(step_factor(-1e-17, 0.25, 8), 2.0);
        let tiny = step_factor(1e-12, 0.25, 8);
        assert!((tiny - 2.0).abs() < 1e-10, "{tiny}");
        // x = 1: one step reaches the fixed point, factor 1 / lambda.
        assert_eq!(step_factor(4.0, 0.25, 3), 0.25);
        // x = 3: (1 - (-2)^t) / lambda.
        assert_eq!(step_factor(12.0, 0.25, 3), 9.0 / 12.0);
    }

    #[test]
    fn new_rejects_bad_input() {
        let (theta_train, theta_cross) = kernels();
        let y = Array2::zeros((4, 1));
        let error = NtkPredictor::new(&theta_train, &theta_cross, &y, -1.0).unwrap_err();
        assert!(matches!(
            error,
            KernelError::InvalidParameter { name: "eta0", .. }
        ));
        let wrong = Array2::zeros((3, 1));
        let error = NtkPredictor::new(&theta_train, &theta_cross, &wrong, 1.0).unwrap_err();
        assert!(matches!(
            error,
            KernelError::ShapeMismatch {
                name: "residual",
                ..
            }
        ));
    }
}
