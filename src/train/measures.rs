//! Matrix measures behind the streamed metrics: weight, feature and kernel
//! change, kernel distance, kernel-target alignment and gaps.

use ndarray::{Array1, Array2, ArrayView2, Zip};

/// Frobenius inner product `<A, B>_F`.
fn frobenius_dot(a: ArrayView2<f64>, b: ArrayView2<f64>) -> f64 {
    Zip::from(a).and(b).fold(0.0, |acc, &x, &y| acc + x * y)
}

fn frobenius_norm(a: ArrayView2<f64>) -> f64 {
    frobenius_dot(a, a).sqrt()
}

/// `|A - A0|_F / |A0|_F`; 0 when both are zero, infinite when only `A0` is.
pub fn relative_change(current: ArrayView2<f64>, initial: ArrayView2<f64>) -> f64 {
    let diff = Zip::from(current)
        .and(initial)
        .fold(0.0, |acc, &x, &y| acc + (x - y) * (x - y))
        .sqrt();
    ratio(diff, frobenius_norm(initial))
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if numerator == 0.0 {
        0.0
    } else {
        numerator / denominator
    }
}

/// Largest singular value `|A|_2` of an `m x n` matrix, by power iteration
/// `v <- A^T (A v)` (two matrix-vector products, `4 m n` flops, per
/// iteration, with no Gram matrix). 100 iterations from a fixed start give a
/// few digits unless the top two singular values nearly coincide, which a
/// chart tolerates. Returns 0 for an empty or zero matrix and NaN when an
/// entry is not finite.
pub fn spectral_norm(a: ArrayView2<f64>) -> f64 {
    let n = a.ncols();
    if n == 0 || a.nrows() == 0 {
        return 0.0;
    }
    let mut v = Array1::from_shape_fn(n, |i| 1.0 + 0.01 * i as f64);
    let mut eigenvalue = 0.0;
    for _ in 0..100 {
        let norm = v.dot(&v).sqrt();
        if norm == 0.0 || !norm.is_finite() {
            return if norm == 0.0 { 0.0 } else { f64::NAN };
        }
        v /= norm;
        let next = transposed_product(a, &a.dot(&v));
        eigenvalue = v.dot(&next);
        v = next;
    }
    eigenvalue.max(0.0).sqrt()
}

/// `A^T u` as a sum of the rows of `A`, which walks a row-major `A` in
/// memory order (ndarray's `a.t().dot(u)` strides down its columns).
fn transposed_product(a: ArrayView2<f64>, u: &Array1<f64>) -> Array1<f64> {
    let mut product = Array1::zeros(a.ncols());
    for (row, &weight) in a.rows().into_iter().zip(u) {
        product.scaled_add(weight, &row);
    }
    product
}

/// Kernel distance `1 - <K0, Kt>_F / (|K0|_F |Kt|_F)` (Fort et al. 2020).
pub fn kernel_distance(initial: ArrayView2<f64>, current: ArrayView2<f64>) -> f64 {
    let denominator = frobenius_norm(initial) * frobenius_norm(current);
    // Rounding can push the cosine just past 1; the distance is in [0, 2].
    (1.0 - ratio(frobenius_dot(initial, current), denominator)).clamp(0.0, 2.0)
}

/// Centres a square matrix on both sides: `H K H`, `H = I - 11^T / P`.
fn double_centre(k: ArrayView2<f64>) -> Array2<f64> {
    let row_means = k.mean_axis(ndarray::Axis(1)).unwrap_or_default();
    let col_means = k.mean_axis(ndarray::Axis(0)).unwrap_or_default();
    let total = k.mean().unwrap_or(0.0);
    Array2::from_shape_fn(k.raw_dim(), |(i, j)| {
        k[[i, j]] - row_means[i] - col_means[j] + total
    })
}

/// Kernel-target alignment, centred (Cortes et al. 2012) when `centred`,
/// otherwise uncentred (Cristianini et al. 2001):
/// `<K, Y Y^T>_F / (|K|_F |Y Y^T|_F)` after optional double centring.
/// `k` is `P x P`, `y` is `P x C`. Returns 0 for a constant target.
pub fn kernel_alignment(k: ArrayView2<f64>, y: ArrayView2<f64>, centred: bool) -> f64 {
    let target = y.dot(&y.t());
    let (k, target) = if centred {
        (double_centre(k), double_centre(target.view()))
    } else {
        (k.to_owned(), target)
    };
    let denominator = frobenius_norm(k.view()) * frobenius_norm(target.view());
    if denominator == 0.0 {
        return 0.0;
    }
    frobenius_dot(k.view(), target.view()) / denominator
}

/// Root-mean-square difference over all entries; NaN for empty input.
pub fn rms_gap(a: ArrayView2<f64>, b: ArrayView2<f64>) -> f64 {
    let sum = Zip::from(a)
        .and(b)
        .fold(0.0, |acc, &x, &y| acc + (x - y) * (x - y));
    (sum / a.len() as f64).sqrt()
}

/// Loss `1/(2P) sum |f - y|^2` of predictions `f` against targets `y`.
pub fn half_mse(f: ArrayView2<f64>, y: ArrayView2<f64>) -> f64 {
    let sum = Zip::from(f)
        .and(y)
        .fold(0.0, |acc, &x, &t| acc + (x - t) * (x - t));
    sum / (2.0 * f.nrows() as f64)
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn relative_change_of_scaled_matrix() {
        let a0 = array![[1.0, 2.0], [2.0, 0.0]];
        let a = &a0 * 1.5;
        assert!((relative_change(a.view(), a0.view()) - 0.5).abs() < 1e-15);
        assert_eq!(relative_change(a0.view(), a0.view()), 0.0);
    }

    #[test]
    fn spectral_norm_of_known_matrices() {
        let diag = array![[3.0, 0.0, 0.0], [0.0, -7.0, 0.0], [0.0, 0.0, 2.0]];
        assert!((spectral_norm(diag.view()) - 7.0).abs() < 1e-9);
        // Rank one u v^T has norm |u| |v|.
        let outer = array![[2.0, 4.0], [1.0, 2.0], [-2.0, -4.0]];
        let expected = (4.0f64 + 1.0 + 4.0).sqrt() * (1.0f64 + 4.0).sqrt();
        assert!((spectral_norm(outer.view()) - expected).abs() < 1e-9);
        assert_eq!(spectral_norm(Array2::<f64>::zeros((3, 2)).view()), 0.0);
    }

    #[test]
    fn kernel_distance_sees_rotation_not_scale() {
        let k0 = array![[2.0, 0.5], [0.5, 1.0]];
        let scaled = &k0 * 10.0;
        assert!(kernel_distance(k0.view(), scaled.view()).abs() < 1e-15);
        let orthogonal = array![[0.0, 1.0], [1.0, 0.0]];
        let identity = array![[1.0, 0.0], [0.0, 1.0]];
        assert!((kernel_distance(identity.view(), orthogonal.view()) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn alignment_of_target_kernel_is_one() {
        let y = array![[1.0], [-1.0], [2.0], [0.5]];
        let k = y.dot(&y.t()) * 3.0;
        assert!((kernel_alignment(k.view(), y.view(), true) - 1.0).abs() < 1e-12);
        assert!((kernel_alignment(k.view(), y.view(), false) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn centred_alignment_ignores_constant_kernel() {
        // A constant kernel only sees the mean, which centring removes, while
        // the uncentred alignment with a non-zero-mean target is positive.
        let y = array![[1.0], [2.0], [4.0]];
        let k = Array2::from_elem((3, 3), 1.0);
        assert!(kernel_alignment(k.view(), y.view(), true).abs() < 1e-12);
        let uncentred = kernel_alignment(k.view(), y.view(), false);
        // <11^T, yy^T> = (sum y)^2 = 49; |11^T| = 3; |yy^T| = |y|^2 = 21.
        assert!((uncentred - 49.0 / (3.0 * 21.0)).abs() < 1e-12);
    }

    #[test]
    fn rms_gap_and_loss() {
        let a = array![[1.0], [3.0]];
        let b = array![[0.0], [0.0]];
        assert!((rms_gap(a.view(), b.view()) - 5.0f64.sqrt()).abs() < 1e-15);
        assert!((half_mse(a.view(), b.view()) - 2.5).abs() < 1e-15);
    }
}
