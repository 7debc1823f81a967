//! Gaussian-process (NNGP) posterior mean and variance.

use ndarray::{Array1, Array2, Axis, concatenate};

use super::error::KernelError;
use super::solve::{check_finite, check_finite_vector, check_shape, cholesky_solve};

/// GP posterior at `Q` test points.
#[derive(Clone, Debug, PartialEq)]
pub struct GpPosterior {
    /// Posterior mean, `Q x C`.
    pub mean: Array2<f64>,
    /// Posterior variance of each test output, length `Q`, clamped at 0.
    pub variance: Array1<f64>,
    /// Diagonal jitter added to `K + noise I` (0 when none was needed).
    pub jitter: f64,
}

/// Computes the GP posterior of kernel regression with Gaussian observation noise.
///
/// ```text
/// mean     = K_* (K + noise I)^-1 Y
/// variance = diag(K_** - K_* (K + noise I)^-1 K_*^T), clamped at 0
/// ```
///
/// Shapes: `k_train` is `P x P`, `k_cross` (`K_*`) is `Q x P`, `k_test_diag` (the diagonal
/// of `K_**`) has length `Q`, `y` is `P x C`. One Cholesky solve against `[Y, K_*^T]` gives
/// both results, with jitter as in [`cholesky_solve`] when `K + noise I` is singular.
/// The variance is that of the kernel's function; the caller divides it by `gamma^2` for
/// `f = g / gamma`. With `P = 0` the mean is 0 and the variance is the prior's.
///
/// # Errors
///
/// [`KernelError::ShapeMismatch`], [`KernelError::NonFinite`], a negative or non-finite
/// `noise` ([`KernelError::InvalidParameter`]), and [`KernelError::NotPositiveDefinite`].
pub fn gp_posterior(
    k_train: &Array2<f64>,
    k_cross: &Array2<f64>,
    k_test_diag: &Array1<f64>,
    y: &Array2<f64>,
    noise: f64,
) -> Result<GpPosterior, KernelError> {
    let train = k_train.nrows();
    let test = k_cross.nrows();
    check_shape("k_train", k_train.dim(), (train, train))?;
    check_shape("k_cross", k_cross.dim(), (test, train))?;
    check_shape("k_test_diag", (k_test_diag.len(), 1), (test, 1))?;
    check_shape("y", y.dim(), (train, y.ncols()))?;
    check_finite("k_cross", k_cross)?;
    check_finite_vector("k_test_diag", k_test_diag)?;
    check_finite("y", y)?;

    if !(noise.is_finite() && noise >= 0.0) {
        return Err(KernelError::InvalidParameter {
            name: "noise",
            value: noise,
            reason: "the noise variance must be finite and >= 0",
        });
    }

    let mut regularised = k_train.clone();
    regularised.diag_mut().mapv_inplace(|k| k + noise);
    let rhs =
        concatenate(Axis(1), &[y.view(), k_cross.t()]).map_err(|_| KernelError::ShapeMismatch {
            name: "y",
            expected: format!("{train} rows"),
            found: format!("{} rows", y.nrows()),
        })?;
    let (solution, jitter) = cholesky_solve(&regularised, &rhs)?;

    let outputs = y.ncols();
    let weights = solution.slice(ndarray::s![.., ..outputs]);
    let projected = solution.slice(ndarray::s![.., outputs..]);
    let mean = k_cross.dot(&weights);
    let explained = (k_cross * &projected.t()).sum_axis(Axis(1));
    let variance = (k_test_diag - &explained).mapv(|v| v.max(0.0));
    Ok(GpPosterior {
        mean,
        variance,
        jitter,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// Solves `a x = b` by Gaussian elimination with partial pivoting, independently of
    /// the Cholesky path.
    fn gaussian_elimination(a: &Array2<f64>, b: &Array2<f64>) -> Array2<f64> {
        let n = a.nrows();
        let mut augmented = concatenate(Axis(1), &[a.view(), b.view()]).unwrap();
        for column in 0..n {
            let pivot = (column..n)
                .max_by(|&r, &s| {
                    augmented[[r, column]]
                        .abs()
                        .total_cmp(&augmented[[s, column]].abs())
                })
                .unwrap();
            for k in 0..augmented.ncols() {
                augmented.swap([column, k], [pivot, k]);
            }
            for row in 0..n {
                if row != column {
                    let factor = augmented[[row, column]] / augmented[[column, column]];
                    for k in 0..augmented.ncols() {
                        augmented[[row, k]] -= factor * augmented[[column, k]];
                    }
                }
            }
        }
        let mut solution = augmented.slice(ndarray::s![.., n..]).to_owned();
        for row in 0..n {
            let pivot = augmented[[row, row]];
            solution.row_mut(row).mapv_inplace(|x| x / pivot);
        }
        solution
    }

    fn squared_exponential(a: &[f64], b: &[f64]) -> Array2<f64> {
        Array2::from_shape_fn((a.len(), b.len()), |(i, j)| {
            (-0.5 * (a[i] - b[j]).powi(2)).exp()
        })
    }

    #[test]
    fn gp_posterior_matches_direct_solve() {
        let train = [-1.0, -0.3, 0.4, 1.2];
        let test = [-0.8, 0.0, 2.0];
        let k_train = squared_exponential(&train, &train);
        let k_cross = squared_exponential(&test, &train);
        let k_test_diag = Array1::ones(3);
        let y = array![[0.5, 1.0], [-0.2, 0.0], [0.3, -1.0], [1.1, 2.0]];
        let noise = 0.1;
        let posterior = gp_posterior(&k_train, &k_cross, &k_test_diag, &y, noise).unwrap();

        let regularised = &k_train + &(Array2::<f64>::eye(4) * noise);
        let weights = gaussian_elimination(&regularised, &y);
        let expected_mean = k_cross.dot(&weights);
        let projected = gaussian_elimination(&regularised, &k_cross.t().to_owned());
        let expected_covariance = squared_exponential(&test, &test) - k_cross.dot(&projected);
        // The system's condition number is below 100, so both solvers agree to ~1e-13.
        for (got, want) in posterior.mean.iter().zip(&expected_mean) {
            assert!((got - want).abs() < 1e-12, "mean {got} vs {want}");
        }
        for q in 0..3 {
            let want = expected_covariance[[q, q]];
            assert!((posterior.variance[q] - want).abs() < 1e-12, "variance {q}");
        }
        assert_eq!(posterior.jitter, 0.0);
    }

    #[test]
    fn gp_posterior_variance_is_non_negative() {
        let train = [0.0, 0.5, 1.0];
        let k_train = squared_exponential(&train, &train);
        // Test points equal to training points: the exact variance is 0 without noise,
        // and rounding may push it below.
        let k_cross = k_train.clone();
        let posterior = gp_posterior(
            &k_train,
            &k_cross,
            &Array1::ones(3),
            &Array2::zeros((3, 1)),
            0.0,
        )
        .unwrap();
        assert!(posterior.variance.iter().all(|&v| v >= 0.0));
        assert!(posterior.variance.iter().all(|&v| v < 1e-8));
    }

    #[test]
    fn gp_posterior_reports_jitter_for_duplicates() {
        let train = [0.2, 0.2, 0.9];
        let k_train = squared_exponential(&train, &train);
        let k_cross = squared_exponential(&[0.5], &train);
        let y = array![[1.0], [1.0], [-1.0]];
        let posterior = gp_posterior(&k_train, &k_cross, &Array1::ones(1), &y, 0.0).unwrap();
        assert!(posterior.jitter > 0.0, "jitter {}", posterior.jitter);
        assert!(posterior.mean.iter().all(|m| m.is_finite()));
        // Duplicates with equal targets act like a single point, so the mean at 0.5
        // stays of the order of the targets instead of blowing up.
        assert!(posterior.mean[[0, 0]].abs() <= 1.5);
    }

    #[test]
    fn gp_posterior_rejects_negative_noise() {
        let k = Array2::<f64>::eye(2);
        let error =
            gp_posterior(&k, &k, &Array1::ones(2), &Array2::zeros((2, 1)), -1.0).unwrap_err();
        assert!(matches!(
            error,
            KernelError::InvalidParameter { name: "noise", .. }
        ));
    }

    #[test]
    fn gp_posterior_without_training_points_is_prior() {
        let posterior = gp_posterior(
            &Array2::zeros((0, 0)),
            &Array2::zeros((2, 0)),
            &array![0.7, 1.3],
            &Array2::zeros((0, 1)),
            0.1,
        )
        .unwrap();
        assert_eq!(posterior.mean, Array2::<f64>::zeros((2, 1)));
        assert_eq!(posterior.variance, array![0.7, 1.3]);
    }
}
