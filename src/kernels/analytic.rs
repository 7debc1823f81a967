//! Infinite-width NNGP and NTK matrices of the network with `model.depth` hidden layers.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut1, s};

use super::closed_form::{
    PairExpectations, erf_expectations, identity_expectations, leaky_relu_expectations,
    relu_expectations,
};
use super::closed_form_rows::ClosedFormRows;
use super::deep::{LayeredPoints, deep_kernel_entry};
use super::input::AugmentedInputs;
use super::large_matrix::zeroed_matrix;
use super::pair::PairCovariance;
use super::quadrature::quadrature_expectations;
use super::row_blocks::{RowBlock, fill_row_blocks};
use crate::config::types::{Activation, ModelConfig};

/// NNGP and NTK matrices over the same pairs of inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Kernels {
    /// NNGP kernel `K`.
    pub nngp: Array2<f64>,
    /// Neural tangent kernel `Theta`.
    pub ntk: Array2<f64>,
}

/// Computes the NNGP and NTK of the network output `g` between the rows of `x1` (`P1 x D`)
/// and `x2` (`P2 x D`); both matrices are `P1 x P2`.
///
/// ```text
/// K^1 = Theta^1 = K0(x, x') = sigma_w^2 (x . x') / D + sigma_b^2
/// K^(l+1)     = sigma_w^2 E[phi(u) phi(v)] + sigma_b^2             l = 1..L-1
/// Theta^(l+1) = K^(l+1) + sigma_w^2 E[phi'(u) phi'(v)] Theta^l
/// K(x, x')     = sigma_a^2 E[phi(u) phi(v)]
/// Theta(x, x') = K(x, x') + sigma_a^2 E[phi'(u) phi'(v)] Theta^L(x, x')
/// (u, v) ~ N(0, [[K^l(x, x), K^l(x, x')], [K^l(x, x'), K^l(x', x')]]) at each layer l
/// ```
///
/// with `L = model.depth` hidden layers (see [`deep`](super::deep)). Uses
/// `model.activation`, `depth`, `sigma_w`, `sigma_b` and `sigma_a` and ignores the width
/// and the scaling: the kernels of `f = g / gamma` are these divided by `gamma^2`. Relu,
/// leaky relu, erf and identity use closed forms. Tanh, gelu and softplus use a Hermite
/// series per point where it converges and quadrature for the other pairs, both accurate
/// to about 1e-10 relative for pre-activation variances up to 50.
///
/// When `x1` and `x2` have equal contents, only the upper triangle is computed and
/// mirrored, so both matrices are exactly symmetric. Large matrices are computed on
/// several threads. Empty inputs give empty matrices. With one hidden layer, the closed
/// forms run a row at a time with a polynomial arcsine
/// ([`closed_form_rows`](super::closed_form_rows)), except for pairs with
/// `|cos t| > 0.9` or a variance 0, which take the general path.
///
/// # Panics
///
/// If `x1` and `x2` have different numbers of columns.
pub fn analytic_kernels(model: &ModelConfig, x1: ArrayView2<f64>, x2: ArrayView2<f64>) -> Kernels {
    assert_eq!(
        x1.ncols(),
        x2.ncols(),
        "analytic_kernels: x1 has {} columns but x2 has {}",
        x1.ncols(),
        x2.ncols()
    );
    let symmetric = x1 == x2;
    let first = AugmentedInputs::new(x1, model.sigma_w, model.sigma_b);
    let first_layers = LayeredPoints::new(model, first.variances());
    // In the symmetric case the second set borrows the first instead of repeating it.
    let separate = (!symmetric).then(|| {
        let inputs = AugmentedInputs::new(x2, model.sigma_w, model.sigma_b);
        let layers = LayeredPoints::new(model, inputs.variances());
        (inputs, layers)
    });
    let (second, second_layers) = match &separate {
        Some((inputs, layers)) => (inputs, layers),
        None => (&first, &first_layers),
    };

    let columns = second.len();
    let second_variances = separate.as_ref().map(|(inputs, _)| inputs.variances());
    let rows = ClosedFormRows::new(model, first.variances(), second_variances);
    let fill_block = |block: &mut RowBlock| {
        let (start, first_column) = (block.start, block.first_column);
        let (nngp, ntk) = (&mut block.nngp, &mut block.ntk);
        let block = start..start + nngp.nrows();
        // The symmetric case needs the upper triangle only: columns from the block's start.
        let cosines = first.cosines(block.clone(), second, first_column..columns);
        for (row, i) in block.enumerate() {
            let from = if symmetric { i } else { 0 };
            let row_cosines = cosines.slice(s![row, from - first_column..]);
            let row_pass = rows.as_ref().filter(|rows| {
                let nngp = nngp.slice_mut(s![row, from - first_column..]);
                let ntk = ntk.slice_mut(s![row, from - first_column..]);
                fill_contiguous_row(rows, (i, from), row_cosines, nngp, ntk)
            });
            let mut fill_general = |j: usize, cos: f64| {
                let pair = first.pair_from_cosine(i, second, j, cos);
                let (k, theta) =
                    deep_kernel_entry(model, first_layers.point(i), second_layers.point(j), pair);
                nngp[[row, j - first_column]] = k;
                ntk[[row, j - first_column]] = theta;
            };
            // The entries that the row pass does not cover take the general path.
            match (row_pass, row_cosines.as_slice()) {
                (Some(rows), Some(row_cosines)) => {
                    rows.for_each_uncovered(i, from, row_cosines, |offset, cos| {
                        fill_general(from + offset, cos);
                    });
                }
                _ => {
                    for (offset, &cos) in row_cosines.iter().enumerate() {
                        fill_general(from + offset, cos);
                    }
                }
            }
        }
    };
    let mut kernels = Kernels {
        nngp: zeroed_matrix(first.len(), columns),
        ntk: zeroed_matrix(first.len(), columns),
    };
    fill_row_blocks(&mut kernels, symmetric, fill_block);
    kernels
}

/// Runs the closed-form row pass on one row of point `i` from column `from`. Returns
/// `false`, having written nothing, if a view is not contiguous.
fn fill_contiguous_row(
    rows: &ClosedFormRows,
    (i, from): (usize, usize),
    cosines: ArrayView1<f64>,
    mut nngp: ArrayViewMut1<f64>,
    mut ntk: ArrayViewMut1<f64>,
) -> bool {
    match (cosines.as_slice(), nngp.as_slice_mut(), ntk.as_slice_mut()) {
        (Some(cosines), Some(nngp), Some(ntk)) => {
            rows.fill_row(i, from, cosines, nngp, ntk);
            true
        }
        // Not reached: the cosines and the kernels are allocated in standard layout.
        _ => false,
    }
}

/// Computes the diagonals `(K(x_i, x_i), Theta(x_i, x_i))` for the rows of the `P x D`
/// matrix `x`; each has length `P`. Equal to the diagonals of [`analytic_kernels`] with
/// `x1 = x2 = x`.
pub fn analytic_kernels_diag(
    model: &ModelConfig,
    x: ArrayView2<f64>,
) -> (Array1<f64>, Array1<f64>) {
    let inputs = AugmentedInputs::new(x, model.sigma_w, model.sigma_b);
    let layers = LayeredPoints::new(model, inputs.variances());
    let mut nngp = Array1::zeros(inputs.len());
    let mut ntk = Array1::zeros(inputs.len());
    for i in 0..inputs.len() {
        let pair = inputs.pair(i, &inputs, i);
        let point = layers.point(i);
        let (k, theta) = deep_kernel_entry(model, point, point, pair);
        nngp[i] = k;
        ntk[i] = theta;
    }
    (nngp, ntk)
}

/// Computes `E[phi(u) phi(v)]` and `E[phi'(u) phi'(v)]` by closed forms where they exist
/// and by quadrature otherwise.
pub fn pair_expectations(activation: Activation, pair: &PairCovariance) -> PairExpectations {
    match activation {
        Activation::Relu => relu_expectations(pair),
        Activation::Erf => erf_expectations(pair),
        Activation::Identity => identity_expectations(pair),
        Activation::LeakyRelu => leaky_relu_expectations(pair),
        Activation::Tanh | Activation::Gelu | Activation::Softplus => {
            quadrature_expectations(activation, pair)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::types::Scaling;
    use crate::kernels::input::input_kernel;
    use ndarray::array;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use rand_distr::StandardNormal;

    fn model(activation: Activation, sigma_b: f64) -> ModelConfig {
        ModelConfig {
            width: 1,
            depth: 1,
            activation,
            sigma_w: 1.3,
            sigma_b,
            sigma_a: 0.9,
            scaling: Scaling::Standard,
            gamma0: 1.0,
            center: false,
        }
    }

    /// Mean and standard error of the mean of `samples`.
    fn mean_and_standard_error(samples: &[f64]) -> (f64, f64) {
        let count = samples.len() as f64;
        let mean = samples.iter().sum::<f64>() / count;
        let variance = samples.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (count - 1.0);
        (mean, (variance / count).sqrt())
    }

    #[test]
    fn expectations_match_monte_carlo() {
        let inputs = array![
            [0.5, -1.0, 2.0],
            [0.4, -1.1, 1.7],
            [-1.5, 0.2, 0.3],
            [0.0, 0.0, 0.0]
        ];
        let pairs = [(0, 1), (0, 2), (1, 3), (2, 2)];
        let dim = inputs.ncols();
        let units = 200_000;
        let mut rng = ChaCha8Rng::seed_from_u64(17);
        let weights: Vec<[f64; 4]> = (0..units)
            .map(|_| std::array::from_fn(|_| rng.sample(StandardNormal)))
            .collect();
        for activation in Activation::ALL {
            let model = model(activation, 0.4);
            let embedded = AugmentedInputs::new(inputs.view(), model.sigma_w, model.sigma_b);
            for &(i, j) in &pairs {
                let pre_activation = |row: usize, unit: &[f64; 4]| {
                    let dot: f64 = (0..dim).map(|d| unit[d] * inputs[[row, d]]).sum();
                    model.sigma_w * dot / (dim as f64).sqrt() + model.sigma_b * unit[dim]
                };
                let mut values = Vec::with_capacity(units);
                let mut derivatives = Vec::with_capacity(units);
                for unit in &weights {
                    let (h1, h2) = (pre_activation(i, unit), pre_activation(j, unit));
                    values
                        .push(model.sigma_a.powi(2) * activation.apply(h1) * activation.apply(h2));
                    derivatives.push(activation.derivative(h1) * activation.derivative(h2));
                }
                let expectations = pair_expectations(activation, &embedded.pair(i, &embedded, j));
                // 5 standard errors of the sample mean, estimated from the summands: a
                // correct formula fails with probability below 1e-6 per comparison.
                let (mean, error) = mean_and_standard_error(&values);
                let nngp = model.sigma_a.powi(2) * expectations.value;
                assert!(
                    (nngp - mean).abs() <= 5.0 * error + 1e-12,
                    "{activation:?} ({i}, {j}) NNGP: analytic {nngp}, Monte Carlo {mean} +- {error}"
                );
                let (mean, error) = mean_and_standard_error(&derivatives);
                assert!(
                    (expectations.derivative - mean).abs() <= 5.0 * error + 1e-12,
                    "{activation:?} ({i}, {j}) E[phi' phi']: analytic {}, \
                     Monte Carlo {mean} +- {error}",
                    expectations.derivative
                );
            }
        }
    }

    #[test]
    fn identity_kernels_are_linear() {
        let x = array![[1.0, 2.0], [-0.5, 0.3], [0.0, 0.0]];
        let model = model(Activation::Identity, 0.7);
        let kernels = analytic_kernels(&model, x.view(), x.view());
        let k0 = input_kernel(x.view(), x.view(), model.sigma_w, model.sigma_b);
        let readout = model.sigma_a.powi(2);
        for ((nngp, ntk), k0) in kernels.nngp.iter().zip(&kernels.ntk).zip(&k0) {
            // K = sigma_a^2 K0 and Theta = 2 sigma_a^2 K0 up to a few ulps.
            assert!((nngp - readout * k0).abs() < 1e-14);
            assert!((ntk - 2.0 * readout * k0).abs() < 1e-14);
        }
    }

    #[test]
    fn diagonal_matches_full_matrix() {
        let x = array![[1.0, 2.0], [-0.5, 0.3], [0.0, 0.0], [3.0, -4.0]];
        for activation in Activation::ALL {
            let model = model(activation, 0.2);
            let kernels = analytic_kernels(&model, x.view(), x.view());
            let (nngp, ntk) = analytic_kernels_diag(&model, x.view());
            for i in 0..4 {
                assert_eq!(nngp[i], kernels.nngp[[i, i]], "{activation:?} NNGP {i}");
                assert_eq!(ntk[i], kernels.ntk[[i, i]], "{activation:?} NTK {i}");
            }
        }
    }

    #[test]
    fn cross_kernel_matches_symmetric_kernel() {
        let x = array![[0.3], [1.2], [-2.0]];
        let x_copy = array![[0.3], [1.2], [-2.0], [5.0]];
        for activation in Activation::ALL {
            let model = model(activation, 0.5);
            let square = analytic_kernels(&model, x.view(), x.view());
            let cross = analytic_kernels(&model, x.view(), x_copy.view());
            for i in 0..3 {
                for j in 0..3 {
                    // The cross path may swap the roles of u and v: agreement to rounding
                    // for closed forms, to the quadrature accuracy for tanh.
                    let nngp = (cross.nngp[[i, j]] - square.nngp[[i, j]]).abs();
                    let ntk = (cross.ntk[[i, j]] - square.ntk[[i, j]]).abs();
                    assert!(
                        nngp < 1e-10,
                        "{activation:?} NNGP ({i}, {j}) differs by {nngp}"
                    );
                    assert!(
                        ntk < 1e-10,
                        "{activation:?} NTK ({i}, {j}) differs by {ntk}"
                    );
                }
            }
        }
    }

    #[test]
    fn empty_inputs_give_empty_kernels() {
        let empty = Array2::<f64>::zeros((0, 3));
        let other = array![[1.0, 2.0, 3.0]];
        for activation in Activation::ALL {
            let model = model(activation, 0.5);
            let kernels = analytic_kernels(&model, empty.view(), other.view());
            assert_eq!(kernels.nngp.dim(), (0, 1));
            assert_eq!(kernels.ntk.dim(), (0, 1));
            let (nngp, ntk) = analytic_kernels_diag(&model, empty.view());
            assert!(nngp.is_empty());
            assert!(ntk.is_empty());
        }
    }

    #[test]
    fn nan_input_stays_in_its_row() {
        let x = array![[0.5, -1.0], [f64::NAN, 1.0], [2.0, 0.3]];
        for activation in Activation::ALL {
            let kernels = analytic_kernels(&model(activation, 0.5), x.view(), x.view());
            // The computation terminates, and entries without the NaN input stay finite.
            for (i, j) in [(0, 0), (0, 2), (2, 2)] {
                assert!(
                    kernels.nngp[[i, j]].is_finite(),
                    "{activation:?} ({i}, {j})"
                );
                assert!(kernels.ntk[[i, j]].is_finite(), "{activation:?} ({i}, {j})");
            }
        }
    }

    /// Inputs that stress the angle computation: duplicates, an angle of 1e-7, an
    /// antipodal pair, the zero vector and norms from 1e-3 to 1e4.
    fn hard_inputs() -> Array2<f64> {
        let angle = 1e-7_f64;
        array![
            [1.0, 0.0],
            [1.0, 0.0],
            [angle.cos(), angle.sin()],
            [-1.0, 0.0],
            [0.0, 0.0],
            [1e-3, 2e-3],
            [-1e4, 3e3],
            [2.5, -1.5],
        ]
    }

    fn smallest_and_largest_eigenvalue(matrix: &Array2<f64>) -> (f64, f64) {
        let n = matrix.nrows();
        let faer_matrix = faer::Mat::from_fn(n, n, |i, j| matrix[[i, j]]);
        let eigenvalues = faer_matrix
            .self_adjoint_eigenvalues(faer::Side::Lower)
            .expect("eigenvalues of a small symmetric matrix");
        (eigenvalues[0], eigenvalues[n - 1])
    }

    #[test]
    fn kernels_are_valid_on_hard_inputs() {
        let x = hard_inputs();
        for activation in Activation::ALL {
            for sigma_b in [0.0, 0.6] {
                let kernels = analytic_kernels(&model(activation, sigma_b), x.view(), x.view());
                for (name, matrix) in [("NNGP", &kernels.nngp), ("NTK", &kernels.ntk)] {
                    let case = format!("{activation:?} sigma_b = {sigma_b} {name}");
                    assert!(
                        matrix.iter().all(|k| k.is_finite()),
                        "{case}: non-finite\n{matrix}"
                    );
                    assert_eq!(matrix, &matrix.t(), "{case}: not symmetric");
                    for i in 0..x.nrows() {
                        for j in 0..x.nrows() {
                            let bound = (matrix[[i, i]] * matrix[[j, j]]).sqrt();
                            // Cauchy–Schwarz, with rounding of a few ulps allowed.
                            assert!(
                                matrix[[i, j]].abs() <= bound * (1.0 + 1e-12),
                                "{case}: |K[{i}, {j}]| = {} exceeds {bound}",
                                matrix[[i, j]].abs()
                            );
                        }
                    }
                    let (smallest, largest) = smallest_and_largest_eigenvalue(matrix);
                    // Duplicated rows make the matrix singular. Rounding may leave an
                    // eigenvalue slightly below 0, but far above -1e-10 of the largest.
                    assert!(
                        smallest >= -1e-10 * largest,
                        "{case}: smallest eigenvalue {smallest}, largest {largest}"
                    );
                }
            }
        }
    }
}

/// Wall-clock measurement of the kernels of activations without a closed form (and of
/// leaky relu for comparison), printed and never asserted. Run with
/// `cargo test --release --lib time_kernels -- --ignored --nocapture`.
#[cfg(test)]
mod timing {
    use super::*;

    /// Reads the user plus system CPU time of this process from `/proc/self/stat` (Linux,
    /// assuming the usual 100 ticks per second). It depends less on other load than the
    /// wall time does.
    fn process_cpu_seconds() -> Option<f64> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // Split after the parenthesised command name, so utime and stime (fields 14 and 15
        // of the whole line) are at positions 11 and 12.
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        let user: f64 = fields.get(11)?.parse().ok()?;
        let system: f64 = fields.get(12)?.parse().ok()?;
        Some((user + system) / 100.0)
    }

    /// Prints wall and CPU time of one call on `P x 64` Gaussian inputs.
    fn time_gaussian_inputs(activation: Activation, depth: usize, size: usize) {
        use rand::SeedableRng;
        use rand_distr::Distribution;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let x = Array2::from_shape_simple_fn((size, 64), || {
            rand_distr::StandardNormal.sample(&mut rng)
        });
        let model = ModelConfig {
            width: 1,
            depth,
            activation,
            ..ModelConfig::default()
        };
        let cpu_before = process_cpu_seconds();
        let start = std::time::Instant::now();
        let kernels = analytic_kernels(&model, x.view(), x.view());
        let elapsed = start.elapsed();
        let cpu = match (process_cpu_seconds(), cpu_before) {
            (Some(after), Some(before)) => format!("{:.3} s", after - before),
            _ => "unavailable".to_string(),
        };
        println!(
            "{} depth {depth}, {size} x {size}, D = 64: wall {elapsed:?}, CPU {cpu} \
             (NTK trace {:.6})",
            activation.name(),
            kernels.ntk.diag().sum()
        );
    }

    /// Run with `cargo test --release --lib time_gaussian -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn time_gaussian_kernels() {
        let filter = std::env::var("LAZYRICH_TIME_FILTER").unwrap_or_default();
        for activation in Activation::ALL {
            for (depth, size) in [(1, 1024), (1, 2048), (3, 1024)] {
                let name = format!("{} {depth} {size}", activation.name());
                if name.contains(&filter) {
                    time_gaussian_inputs(activation, depth, size);
                }
            }
        }
    }

    #[test]
    #[ignore]
    fn time_kernels() {
        let activations = [
            Activation::Tanh,
            Activation::Gelu,
            Activation::Softplus,
            Activation::LeakyRelu,
        ];
        // Evenly spaced 1-D inputs on [-limit, limit]: pre-activation variances reach
        // 1 + limit^2, i.e. 10 and 50.
        for (activation, limit, size) in activations
            .into_iter()
            .flat_map(|activation| [(activation, 3.0, 1024), (activation, 7.0, 1024)])
        {
            let model = ModelConfig {
                width: 1,
                depth: 1,
                activation,
                ..ModelConfig::default()
            };
            let x = Array2::from_shape_fn((size, 1), |(i, _)| {
                limit * (2.0 * i as f64 / (size - 1) as f64 - 1.0)
            });
            let cpu_before = process_cpu_seconds();
            let start = std::time::Instant::now();
            let kernels = analytic_kernels(&model, x.view(), x.view());
            let elapsed = start.elapsed();
            let cpu = match (process_cpu_seconds(), cpu_before) {
                (Some(after), Some(before)) => format!("{:.2} s", after - before),
                _ => "unavailable".to_string(),
            };
            println!(
                "{} {size} x {size}, x in [-{limit}, {limit}]: wall {elapsed:?}, CPU {cpu} \
                 (NTK trace {:.6})",
                activation.name(),
                kernels.ntk.diag().sum()
            );
        }
    }
}
