//! Row blocks of the NNGP and NTK matrices, computed on several threads.
//!
//! In the symmetric case each block owns an L-shaped part of each matrix: its rows from
//! the diagonal rightwards (the upper strip it computes) and the columns of its rows below
//! the diagonal (the lower strip it mirrors into). These parts cover each matrix exactly
//! once, so every block writes to its own part and no separate mirroring pass is needed.

use std::sync::{Mutex, PoisonError};

use ndarray::{ArrayViewMut2, Axis};

use super::analytic::Kernels;

/// Kernel matrices with at least this many entries are computed on several threads.
const PARALLEL_MIN_ENTRIES: usize = 4096;
/// Rows per block of work; each block computes its cosines as one matrix product.
pub const ROW_BLOCK: usize = 32;

/// One block of rows of both matrices.
pub struct RowBlock<'a> {
    /// First row of the block.
    pub start: usize,
    /// Column of the first entry of `nngp` and `ntk`: `start` in the symmetric case, else 0.
    pub first_column: usize,
    /// NNGP rows of the block, from column `first_column`.
    pub nngp: ArrayViewMut2<'a, f64>,
    /// NTK rows of the block, from column `first_column`.
    pub ntk: ArrayViewMut2<'a, f64>,
    /// Symmetric case only: the NNGP and NTK entries below the block's diagonal square in
    /// its columns, `(rows start + h.., columns start..start + h)` for `h` block rows.
    below: Option<(ArrayViewMut2<'a, f64>, ArrayViewMut2<'a, f64>)>,
}

/// Splits both matrices into blocks of `ROW_BLOCK` rows. With `symmetric`, the matrices
/// are square and each block gets the L-shaped part described in the module docs.
fn split_blocks(kernels: &mut Kernels, symmetric: bool) -> Vec<RowBlock<'_>> {
    if !symmetric {
        let nngp_blocks = kernels.nngp.axis_chunks_iter_mut(Axis(0), ROW_BLOCK);
        let ntk_blocks = kernels.ntk.axis_chunks_iter_mut(Axis(0), ROW_BLOCK);
        return nngp_blocks
            .zip(ntk_blocks)
            .enumerate()
            .map(|(index, (nngp, ntk))| RowBlock {
                start: index * ROW_BLOCK,
                first_column: 0,
                nngp,
                ntk,
                below: None,
            })
            .collect();
    }
    let size = kernels.nngp.nrows();
    let mut blocks = Vec::with_capacity(size.div_ceil(ROW_BLOCK));
    let mut rest = (kernels.nngp.view_mut(), kernels.ntk.view_mut());
    let mut start = 0;
    while start < size {
        let height = ROW_BLOCK.min(size - start);
        let (nngp, nngp_bottom) = rest.0.split_at(Axis(0), height);
        let (ntk, ntk_bottom) = rest.1.split_at(Axis(0), height);
        let (nngp_below, nngp_rest) = nngp_bottom.split_at(Axis(1), height);
        let (ntk_below, ntk_rest) = ntk_bottom.split_at(Axis(1), height);
        blocks.push(RowBlock {
            start,
            first_column: start,
            nngp,
            ntk,
            below: Some((nngp_below, ntk_below)),
        });
        rest = (nngp_rest, ntk_rest);
        start += height;
    }
    blocks
}

/// Calls `fill` on blocks of `ROW_BLOCK` rows of both matrices. `fill` writes every entry
/// of `nngp` and `ntk` of its block, or only those on and above the diagonal when
/// `symmetric`, in which case each block is then mirrored below the diagonal.
///
/// Matrices with at least `PARALLEL_MIN_ENTRIES` entries are split across
/// `std::thread::available_parallelism()` scoped threads. Each thread takes the next
/// block from a shared queue when it finishes one, so the threads stay busy when the
/// blocks differ in length (the rows of a triangle) or a thread gets less CPU time than
/// the other. A panic in a worker is resumed on the calling thread.
pub fn fill_row_blocks<F>(kernels: &mut Kernels, symmetric: bool, fill: F)
where
    F: Fn(&mut RowBlock) + Sync,
{
    let (rows, columns) = kernels.nngp.dim();
    let threads = if rows * columns >= PARALLEL_MIN_ENTRIES {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        1
    };
    let queue = Mutex::new(split_blocks(kernels, symmetric).into_iter());
    let work = || {
        loop {
            // A worker panics only inside `fill`, never while it holds the lock, so a
            // poisoned queue is still consistent.
            let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
            let Some(mut block) = next else {
                break;
            };
            fill(&mut block);
            mirror_block(&mut block);
        }
    };
    std::thread::scope(|scope| {
        let workers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        work();
        for worker in workers {
            worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
    });
}

/// Copies the block's upper strip onto its entries below the diagonal (symmetric case)
/// right after `fill`, when the strip is likely still in cache.
fn mirror_block(block: &mut RowBlock) {
    let Some((nngp_below, ntk_below)) = &mut block.below else {
        return;
    };
    let height = block.nngp.nrows();
    for (upper, below) in [(&mut block.nngp, nngp_below), (&mut block.ntk, ntk_below)] {
        for row in 1..height {
            for column in 0..row {
                upper[[row, column]] = upper[[column, row]];
            }
        }
        transpose_strip(upper, below);
    }
}

/// Sets `below[[k, c]] = upper[[c, h + k]]` for the `h` rows of `upper`, eight rows of
/// `below` at a time. Each pass then reads one cache line of every row of `upper` and
/// writes eight rows of `below`, which all stay in cache.
fn transpose_strip(upper: &ArrayViewMut2<f64>, below: &mut ArrayViewMut2<f64>) {
    const CHUNK: usize = 8;
    let height = upper.nrows();
    let below_rows = below.nrows();
    for first in (0..below_rows).step_by(CHUNK) {
        let chunk = CHUNK.min(below_rows - first);
        for column in 0..height {
            for offset in 0..chunk {
                below[[first + offset, column]] = upper[[column, height + first + offset]];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// Runs `fill_row_blocks` on `rows x columns` matrices that start as NaN, writing
    /// `1000 i + j` (NNGP) and `-(1000 i + j)` (NTK) at every entry `(i, j)` that `fill`
    /// must write.
    fn fill_indices(rows: usize, columns: usize, symmetric: bool) -> Kernels {
        let mut kernels = Kernels {
            nngp: Array2::from_elem((rows, columns), f64::NAN),
            ntk: Array2::from_elem((rows, columns), f64::NAN),
        };
        fill_row_blocks(&mut kernels, symmetric, |block| {
            for ((r, c), value) in block.nngp.indexed_iter_mut() {
                let (i, j) = (block.start + r, block.first_column + c);
                if !symmetric || j >= i {
                    *value = (1000 * i + j) as f64;
                }
            }
            for ((r, c), value) in block.ntk.indexed_iter_mut() {
                let (i, j) = (block.start + r, block.first_column + c);
                if !symmetric || j >= i {
                    *value = -((1000 * i + j) as f64);
                }
            }
        });
        kernels
    }

    #[test]
    fn symmetric_blocks_fill_and_mirror_everything() {
        // 100 x 100 has 10,000 entries (above PARALLEL_MIN_ENTRIES, so several threads
        // when the machine has them) and a last block shorter than ROW_BLOCK.
        for size in [1, 5, ROW_BLOCK, ROW_BLOCK + 1, 100] {
            let kernels = fill_indices(size, size, true);
            for i in 0..size {
                for j in 0..size {
                    let expected = (1000 * i.min(j) + i.max(j)) as f64;
                    assert_eq!(
                        kernels.nngp[[i, j]],
                        expected,
                        "NNGP ({i}, {j}), P = {size}"
                    );
                    assert_eq!(kernels.ntk[[i, j]], -expected, "NTK ({i}, {j}), P = {size}");
                }
            }
        }
    }

    #[test]
    fn rectangular_blocks_fill_everything() {
        for (rows, columns) in [(1, 7), (ROW_BLOCK + 3, 2), (90, 120)] {
            let kernels = fill_indices(rows, columns, false);
            for ((i, j), &value) in kernels.nngp.indexed_iter() {
                assert_eq!(value, (1000 * i + j) as f64, "NNGP ({i}, {j})");
            }
            for ((i, j), &value) in kernels.ntk.indexed_iter() {
                assert_eq!(value, -((1000 * i + j) as f64), "NTK ({i}, {j})");
            }
        }
    }

    #[test]
    fn empty_matrices_have_no_blocks() {
        let kernels = fill_indices(0, 0, true);
        assert!(kernels.nngp.is_empty());
        let kernels = fill_indices(0, 4, false);
        assert_eq!(kernels.ntk.dim(), (0, 4));
    }
}
