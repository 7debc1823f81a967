//! Matrix products on row-major slices through faer's GEMM, single-threaded
//! (the callers parallelise over blocks of hidden units instead).

use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};

/// A row-major matrix view: `rows x cols` entries of `data`, rows `stride`
/// entries apart.
#[derive(Clone, Copy, Debug)]
pub(super) struct RowMajor<'a> {
    pub data: &'a [f64],
    pub rows: usize,
    pub cols: usize,
    pub stride: usize,
}

impl<'a> RowMajor<'a> {
    /// Creates a dense view with `stride = cols`.
    pub fn dense(data: &'a [f64], rows: usize, cols: usize) -> Self {
        RowMajor {
            data,
            rows,
            cols,
            stride: cols,
        }
    }

    fn as_faer(self) -> MatRef<'a, f64> {
        MatRef::from_row_major_slice_with_stride(self.data, self.rows, self.cols, self.stride)
    }

    fn transposed(self) -> MatRef<'a, f64> {
        self.as_faer().transpose()
    }
}

/// `out = A B` with `A` `m x k`, `B` `k x n` and `out` a dense row-major
/// `m x n` slice.
///
/// # Panics
/// When the shapes do not agree (a bug in the caller, never input data).
pub(super) fn mul(out: &mut [f64], a: RowMajor, b: RowMajor) {
    let dst = MatMut::from_row_major_slice_mut(out, a.rows, b.cols);
    matmul(dst, Accum::Replace, a.as_faer(), b.as_faer(), 1.0, Par::Seq);
}

/// `out = alpha A B^T` with `A` `m x k`, `B` `n x k` and `out` a dense
/// row-major `m x n` slice.
///
/// # Panics
/// When the shapes do not agree (a bug in the caller, never input data).
pub(super) fn mul_transposed_rhs(out: &mut [f64], alpha: f64, a: RowMajor, b: RowMajor) {
    let dst = MatMut::from_row_major_slice_mut(out, a.rows, b.rows);
    matmul(
        dst,
        Accum::Replace,
        a.as_faer(),
        b.transposed(),
        alpha,
        Par::Seq,
    );
}

/// `out = alpha A^T B` with `A` `k x m`, `B` `k x n` and `out` a dense
/// row-major `m x n` slice.
///
/// # Panics
/// When the shapes do not agree (a bug in the caller, never input data).
pub(super) fn mul_transposed_lhs(out: &mut [f64], alpha: f64, a: RowMajor, b: RowMajor) {
    let dst = MatMut::from_row_major_slice_mut(out, a.cols, b.cols);
    matmul(
        dst,
        Accum::Replace,
        a.transposed(),
        b.as_faer(),
        alpha,
        Par::Seq,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_match_naive_sums() {
        // A is 2 x 3, B is 4 x 3, C is 2 x 4; small integers, so every sum is exact.
        let a = [1.0, 2.0, 3.0, -1.0, 0.5, 2.0];
        let b = [1.0, 0.0, 2.0, -2.0, 1.0, 1.0, 0.0, 3.0, -1.0, 4.0, 4.0, 0.5];
        let mut abt = [0.0; 8];
        mul_transposed_rhs(
            &mut abt,
            2.0,
            RowMajor::dense(&a, 2, 3),
            RowMajor::dense(&b, 4, 3),
        );
        for i in 0..2 {
            for j in 0..4 {
                let expected: f64 = (0..3).map(|k| 2.0 * a[i * 3 + k] * b[j * 3 + k]).sum();
                assert_eq!(abt[i * 4 + j], expected, "A B^T at ({i}, {j})");
            }
        }

        let mut ab = [0.0; 8];
        let b_by_columns = RowMajor::dense(&b, 3, 4);
        mul(&mut ab, RowMajor::dense(&a, 2, 3), b_by_columns);
        for i in 0..2 {
            for j in 0..4 {
                let expected: f64 = (0..3).map(|k| a[i * 3 + k] * b[k * 4 + j]).sum();
                assert_eq!(ab[i * 4 + j], expected, "A B at ({i}, {j})");
            }
        }

        let c = [1.0, -1.0, 2.0, 0.5, 3.0, 0.0, 1.0, 2.0];
        let mut atc = [0.0; 12];
        mul_transposed_lhs(
            &mut atc,
            -1.0,
            RowMajor::dense(&a, 2, 3),
            RowMajor::dense(&c, 2, 4),
        );
        for i in 0..3 {
            for j in 0..4 {
                let expected: f64 = (0..2).map(|k| -a[k * 3 + i] * c[k * 4 + j]).sum();
                assert_eq!(atc[i * 4 + j], expected, "A^T C at ({i}, {j})");
            }
        }
    }

    #[test]
    fn strided_view_skips_padding() {
        // Rows 3 entries apart, of which the first 2 belong to the matrix.
        let a = [1.0, 2.0, 99.0, 3.0, 4.0, 99.0];
        let view = RowMajor {
            data: &a,
            rows: 2,
            cols: 2,
            stride: 3,
        };
        let identity = [1.0, 0.0, 0.0, 1.0];
        let mut out = [0.0; 4];
        mul_transposed_rhs(&mut out, 1.0, view, RowMajor::dense(&identity, 2, 2));
        assert_eq!(out, [1.0, 2.0, 3.0, 4.0]);
    }
}
