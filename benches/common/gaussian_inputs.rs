//! Standard normal `P x 64` inputs shared by the kernels bench and the `kernel_timing`
//! example, so that both measure the same matrices.

use ndarray::Array2;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// Input dimension `D` of the kernel measurements.
pub const DIMENSION: usize = 64;

/// Draws `points x DIMENSION` standard normal entries from a fixed seed.
pub fn gaussian_inputs(points: usize) -> Array2<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    Array2::from_shape_simple_fn((points, DIMENSION), || StandardNormal.sample(&mut rng))
}
