//! Symmetric positive-definite solves by Cholesky factorisation, with jitter when the
//! matrix is singular, and the checks shared by the predictors.

use faer::linalg::solvers::Solve;
use faer::{Mat, Side};
use ndarray::{Array1, Array2};

use super::error::KernelError;

/// First jitter tried, relative to the mean diagonal.
const FIRST_RELATIVE_JITTER: f64 = 1e-12;
/// Largest jitter tried, relative to the mean diagonal.
const MAX_RELATIVE_JITTER: f64 = 1e-2;

/// Solves `a X = b` for a symmetric positive-definite `a` (`P x P`) and `b` (`P x C`);
/// returns `X` (`P x C`) and the diagonal jitter that was added to `a`.
///
/// Only the lower triangle of `a` is read. When the Cholesky factorisation fails (a
/// singular kernel, e.g. duplicated inputs without noise), it is retried on
/// `a + jitter I` with `jitter` starting at `1e-12 * mean(diag a)` and growing tenfold up to
/// `1e-2 * mean(diag a)`. The jitter is 0 when the first attempt succeeds. When the mean
/// diagonal is not positive, the jitter is relative to 1 instead. `P = 0` returns an empty
/// `0 x C` matrix.
///
/// # Errors
///
/// [`KernelError::NonFinite`] or [`KernelError::ShapeMismatch`] for bad input, and
/// [`KernelError::NotPositiveDefinite`] when even the largest jitter fails.
pub fn cholesky_solve(a: &Array2<f64>, b: &Array2<f64>) -> Result<(Array2<f64>, f64), KernelError> {
    let size = a.nrows();
    check_shape("a", a.dim(), (size, size))?;
    check_shape("b", b.dim(), (size, b.ncols()))?;
    check_finite("a", a)?;
    check_finite("b", b)?;
    let rhs = to_faer(b);
    if let Some(solution) = try_solve(a, &rhs, 0.0) {
        return Ok((solution, 0.0));
    }
    let mean_diagonal = a.diag().mean().unwrap_or(1.0);
    let scale = if mean_diagonal > 0.0 {
        mean_diagonal
    } else {
        1.0
    };
    let mut jitter = FIRST_RELATIVE_JITTER * scale;
    let max_jitter = MAX_RELATIVE_JITTER * scale;
    while jitter <= max_jitter * (1.0 + 1e-9) {
        if let Some(solution) = try_solve(a, &rhs, jitter) {
            return Ok((solution, jitter));
        }
        jitter *= 10.0;
    }
    Err(KernelError::NotPositiveDefinite {
        size,
        jitter: max_jitter,
    })
}

/// Solves `(a + jitter I) X = rhs` by Cholesky, or returns `None` when the factorisation
/// fails or the solution is not finite.
fn try_solve(a: &Array2<f64>, rhs: &Mat<f64>, jitter: f64) -> Option<Array2<f64>> {
    let size = a.nrows();
    let shifted = Mat::from_fn(size, size, |i, j| {
        if i == j {
            a[[i, j]] + jitter
        } else {
            a[[i, j]]
        }
    });
    let factor = shifted.llt(Side::Lower).ok()?;
    let solution = factor.solve(rhs);
    let solution = from_faer(&solution);
    solution.iter().all(|x| x.is_finite()).then_some(solution)
}

/// Copies an ndarray matrix into a faer matrix.
pub(super) fn to_faer(a: &Array2<f64>) -> Mat<f64> {
    Mat::from_fn(a.nrows(), a.ncols(), |i, j| a[[i, j]])
}

/// Copies a faer matrix into an ndarray matrix.
pub(super) fn from_faer(a: &Mat<f64>) -> Array2<f64> {
    Array2::from_shape_fn((a.nrows(), a.ncols()), |(i, j)| a[(i, j)])
}

/// Rejects a matrix whose shape differs from `expected`.
pub(super) fn check_shape(
    name: &'static str,
    found: (usize, usize),
    expected: (usize, usize),
) -> Result<(), KernelError> {
    if found == expected {
        return Ok(());
    }
    Err(KernelError::ShapeMismatch {
        name,
        expected: format!("{} x {}", expected.0, expected.1),
        found: format!("{} x {}", found.0, found.1),
    })
}

/// Rejects a matrix that contains NaN or an infinity, naming the first such entry.
pub(super) fn check_finite(name: &'static str, a: &Array2<f64>) -> Result<(), KernelError> {
    match a.indexed_iter().find(|(_, value)| !value.is_finite()) {
        None => Ok(()),
        Some(((row, column), _)) => Err(KernelError::NonFinite {
            name,
            index: format!("[{row}, {column}]"),
        }),
    }
}

/// Rejects a vector that contains NaN or an infinity, naming the first such entry.
pub(super) fn check_finite_vector(name: &'static str, a: &Array1<f64>) -> Result<(), KernelError> {
    match a.iter().position(|value| !value.is_finite()) {
        None => Ok(()),
        Some(index) => Err(KernelError::NonFinite {
            name,
            index: format!("[{index}]"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn cholesky_solve_matches_known_solution() {
        let a = array![[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]];
        let x = array![[1.0, -2.0], [0.5, 0.0], [-1.0, 3.0]];
        let b = a.dot(&x);
        let (solution, jitter) = cholesky_solve(&a, &b).expect("SPD solve");
        assert_eq!(jitter, 0.0);
        // Condition number below 4: the error is a few ulps of |x|.
        for (got, want) in solution.iter().zip(&x) {
            assert!((got - want).abs() < 1e-14, "{got} vs {want}");
        }
    }

    #[test]
    fn cholesky_solve_adds_jitter_when_singular() {
        // Rank one: two identical rows and columns.
        let a = array![[1.0, 1.0], [1.0, 1.0]];
        let b = array![[1.0], [1.0]];
        let (solution, jitter) = cholesky_solve(&a, &b).expect("jittered solve");
        assert!(jitter >= 1e-12, "jitter {jitter}");
        assert!(jitter <= 1e-2);
        // The consistent right-hand side is reproduced up to the jitter's effect.
        let residual = a.dot(&solution) - &b;
        assert!(residual.iter().all(|r| r.abs() < 1e-6), "{residual}");
    }

    #[test]
    fn cholesky_solve_rejects_indefinite_matrix() {
        let a = array![[1.0, 0.0], [0.0, -1.0]];
        let b = array![[1.0], [1.0]];
        let error = cholesky_solve(&a, &b).unwrap_err();
        assert!(matches!(
            error,
            KernelError::NotPositiveDefinite { size: 2, .. }
        ));
    }

    #[test]
    fn cholesky_solve_rejects_non_finite_input() {
        let a = array![[1.0, 0.0], [0.0, f64::NAN]];
        let b = array![[1.0], [1.0]];
        let error = cholesky_solve(&a, &b).unwrap_err();
        assert_eq!(
            error,
            KernelError::NonFinite {
                name: "a",
                index: "[1, 1]".to_string()
            }
        );
    }

    #[test]
    fn cholesky_solve_rejects_mismatched_shapes() {
        let a = Array2::<f64>::eye(3);
        let b = Array2::<f64>::zeros((2, 1));
        let error = cholesky_solve(&a, &b).unwrap_err();
        assert!(matches!(
            error,
            KernelError::ShapeMismatch { name: "b", .. }
        ));
    }

    #[test]
    fn cholesky_solve_of_empty_system_is_empty() {
        let a = Array2::<f64>::zeros((0, 0));
        let b = Array2::<f64>::zeros((0, 2));
        let (solution, jitter) = cholesky_solve(&a, &b).expect("empty solve");
        assert_eq!(solution.dim(), (0, 2));
        assert_eq!(jitter, 0.0);
    }
}
