//! Gauss–Hermite nodes and weights for the standard normal weight.

use faer::{Mat, Side};

/// Computes the nodes (ascending) and weights of the `n`-point Gauss–Hermite rule for
/// `∫ h(z) φ(z) dz`, `φ` the standard normal density; the weights sum to 1.
///
/// The rule integrates polynomials of degree `2n - 1` exactly. It is computed by the
/// Golub–Welsch method: the nodes are the eigenvalues of the Jacobi matrix of the
/// probabilists' Hermite polynomials (zero diagonal, off-diagonal `sqrt(k)`), and each
/// weight is the squared first component of the normalised eigenvector.
/// Returns empty vectors for `n = 0`, and also if the eigensolver fails to converge,
/// which faer does not do for tridiagonal matrices of moderate size.
pub fn gauss_hermite(n: usize) -> (Vec<f64>, Vec<f64>) {
    let jacobi = Mat::from_fn(n, n, |i, j| {
        if i.abs_diff(j) == 1 {
            (i.max(j) as f64).sqrt()
        } else {
            0.0
        }
    });
    let Ok(decomposition) = jacobi.self_adjoint_eigen(Side::Lower) else {
        return (Vec::new(), Vec::new());
    };
    let nodes = (0..n).map(|k| decomposition.S()[k]).collect();
    let weights = (0..n).map(|k| decomposition.U()[(0, k)].powi(2)).collect();
    (nodes, weights)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_hermite_matches_normal_moments() {
        for n in [1, 4, 16, 24] {
            let (nodes, weights) = gauss_hermite(n);
            let mut double_factorial = 1.0;
            for degree in 0..(2 * n) {
                let moment: f64 = nodes
                    .iter()
                    .zip(&weights)
                    .map(|(z, w)| w * z.powi(degree as i32))
                    .sum();
                // E[Z^d] = (d - 1)!! for even d, 0 for odd d.
                let exact = if degree % 2 == 0 {
                    double_factorial
                } else {
                    0.0
                };
                if degree % 2 == 1 {
                    double_factorial *= degree as f64;
                }
                // Relative to the size of the largest term in the sum.
                let scale = nodes
                    .iter()
                    .fold(1.0_f64, |m, z| m.max(z.abs()))
                    .powi(degree as i32);
                assert!(
                    (moment - exact).abs() <= 1e-12 * scale.max(exact),
                    "n = {n}, degree {degree}: {moment} vs {exact}"
                );
            }
        }
    }
}
