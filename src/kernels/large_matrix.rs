//! Zeroed matrices for kernel outputs, backed by transparent huge pages
//! where Linux offers them.

use ndarray::Array2;

/// Smallest matrix, in bytes, worth advising: one 2 MiB huge page.
const HUGE_PAGE: usize = 2 << 20;

/// Returns a `rows x columns` matrix of zeros.
///
/// A `P x P` kernel at `P = 2048` is 32 MiB. Its zero pages are mapped only
/// when first written, and with 4 KiB pages that is 8192 page faults per
/// matrix, which cost more than computing the entries. On Linux, a matrix
/// of at least one huge page is advised with `MADV_HUGEPAGE` before it is
/// touched, so that the kernel maps it in 2 MiB pages where it can. The
/// advice changes neither the contents nor the layout; where it is refused
/// (no transparent huge pages, another system) the matrix is the same.
pub fn zeroed_matrix(rows: usize, columns: usize) -> Array2<f64> {
    let mut data = vec![0.0_f64; rows * columns];
    advise_huge_pages(&mut data);
    Array2::from_shape_vec((rows, columns), data).expect("the buffer has rows * columns entries")
}

#[cfg(target_os = "linux")]
fn advise_huge_pages(data: &mut [f64]) {
    let bytes = std::mem::size_of_val(data);
    if bytes < HUGE_PAGE {
        return;
    }
    // madvise needs a page-aligned start, so the advice covers the whole
    // huge pages inside the buffer.
    let start = data.as_mut_ptr() as usize;
    let aligned = start.next_multiple_of(HUGE_PAGE);
    let end = start + bytes;
    if aligned >= end {
        return;
    }
    let length = (end - aligned) / HUGE_PAGE * HUGE_PAGE;
    if length == 0 {
        return;
    }
    // SAFETY: [aligned, aligned + length) lies inside the live allocation
    // behind `data`, which this function borrows mutably. MADV_HUGEPAGE is
    // advice only: it keeps the mapping, its contents and its protection.
    let result =
        unsafe { libc::madvise(aligned as *mut libc::c_void, length, libc::MADV_HUGEPAGE) };
    if result != 0 {
        tracing::debug!(
            error = %std::io::Error::last_os_error(),
            "madvise(MADV_HUGEPAGE) failed; the kernel matrix uses normal pages"
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_data: &mut [f64]) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_and_small_matrices_are_zero() {
        for (rows, columns) in [(0, 0), (3, 5), (1024, 600)] {
            let matrix = zeroed_matrix(rows, columns);
            assert_eq!(matrix.dim(), (rows, columns));
            assert!(matrix.iter().all(|value| *value == 0.0));
        }
    }
}
