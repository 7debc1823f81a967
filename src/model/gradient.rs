//! Loss and its gradient by hand-written backpropagation.
//!
//! ```text
//! L       = 1/(2P) sum_mu |f(x_mu) - y_mu|^2,   R = F - Y        (P x C)
//! dL/dA   = sigma_a / (sqrt(N) P gamma) Phi^T R                  (N x C)
//! Delta   = sigma_a / (sqrt(N) P gamma) (R A^T) . phi'(H)        (P x N)
//! dL/dW   = sigma_w / sqrt(D) Delta^T X                          (N x D)
//! dL/db   = sigma_b Delta^T 1                                    (N)
//! ```
//!
//! The hidden units are split into blocks whose `P x n` buffers fit in the
//! L2 cache (see [`hidden_block`](super::hidden_block)). A forward pass over
//! the blocks gives `g` and so the residual. A backward pass over the blocks
//! then writes every gradient row of their units. Large problems run the
//! blocks on rayon's thread pool. The block split depends only on `P` and
//! `N`, and the blocks' shares of `g` are added in block order, so the
//! result is bit-for-bit the same whatever the number of threads.

use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

use crate::config::types::Activation;

use super::hidden_block::{Block, Shared, Slices, backward, forward};
use super::network::{Architecture, LAYOUT, Params, contiguous};

/// Target entries of one block's `P x n` buffer: 16 Ki `f64` (128 KiB), so
/// that the block's two buffers and its parameter rows stay in a 1 MiB L2.
const BLOCK_ENTRIES: usize = 16 * 1024;
/// Minimum number of hidden units in a block, so that the block GEMMs stay efficient
/// when `P` is large.
const MIN_BLOCK_UNITS: usize = 16;
/// Multiply-adds per step, about `P N (D + C)`, from which the blocks run in
/// parallel. Below it the thread hand-off costs more than it saves.
const PARALLEL_WORK: usize = 1 << 21;

/// Buffers reused by every step, so a step allocates nothing.
#[derive(Clone, Debug)]
pub struct Workspace {
    /// Hidden units per block (the last block may have fewer).
    block_units: usize,
    blocks: Vec<Block>,
    /// `g`, then the residual `R = F - Y` (`P x C`).
    output: Array2<f64>,
    /// `sigma_a / (sqrt(N) P gamma) R`, row-major `P x C`.
    scaled_residual: Vec<f64>,
}

impl Workspace {
    pub fn new(arch: &Architecture, points: usize) -> Self {
        let block_units = block_units(points, arch.width);
        let blocks = (0..arch.width)
            .step_by(block_units)
            .map(|start| {
                let units = block_units.min(arch.width - start);
                Block::new(points, units, arch.outputs)
            })
            .collect();
        Workspace {
            block_units,
            blocks,
            output: Array2::zeros((points, arch.outputs)),
            scaled_residual: vec![0.0; points * arch.outputs],
        }
    }

    /// Residual `R = F - Y` of the last call to [`loss_and_gradient`].
    pub fn residual(&self) -> &Array2<f64> {
        &self.output
    }
}

/// Hidden units per block for `points` training points: about
/// `BLOCK_ENTRIES / P`, a multiple of 8 (one AVX-512 vector), at least
/// `MIN_BLOCK_UNITS` and at most `width`.
fn block_units(points: usize, width: usize) -> usize {
    let units = (BLOCK_ENTRIES / points.max(1))
        .max(MIN_BLOCK_UNITS)
        .next_multiple_of(8);
    units.min(width).max(1)
}

/// Computes the loss `L` at `params` and writes `grad L` into `grad`.
///
/// `x` is `P x D`, `y` is `P x C`; `offset` is `g_0` on `x` when the network
/// is centred. `work` must come from [`Workspace::new`] with the same
/// architecture and `P`. Returns `L`, which is NaN or infinite when the
/// network has diverged (the gradient is then meaningless), and NaN when
/// `P = 0`.
///
/// # Panics
/// When `work`, `x`, `y` or `grad` do not match `arch` and `P`, and when
/// `arch.depth > 1`: deep networks go through
/// [`TrainingWorkspace`](super::TrainingWorkspace), which picks the deep pass.
pub fn loss_and_gradient(
    arch: &Architecture,
    params: &Params,
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    offset: Option<&Array2<f64>>,
    work: &mut Workspace,
    grad: &mut Params,
) -> f64 {
    assert_eq!(
        arch.depth, 1,
        "loss_and_gradient computes one hidden layer; use TrainingWorkspace for depth {}",
        arch.depth
    );
    let parallel = runs_in_parallel(arch, x.nrows());
    step_blocks(arch, params, (x, y), offset, work, grad, parallel)
}

/// Decides whether a pass over `points` inputs is large enough to run its
/// blocks in parallel.
fn runs_in_parallel(arch: &Architecture, points: usize) -> bool {
    points * arch.width * (arch.input_dim + arch.outputs) >= PARALLEL_WORK
}

/// [`loss_and_gradient`] with the choice of running the blocks in parallel.
fn step_blocks(
    arch: &Architecture,
    params: &Params,
    (x, y): (ArrayView2<f64>, ArrayView2<f64>),
    offset: Option<&Array2<f64>>,
    work: &mut Workspace,
    grad: &mut Params,
    parallel: bool,
) -> f64 {
    assert_eq!(
        work.output.nrows(),
        x.nrows(),
        "workspace built for another P"
    );
    let x = x.as_standard_layout();
    let pass = Pass::new(arch, params, x.view(), work.block_units, parallel);
    pass.forward_with(arch.activation, work);
    let loss = residual_and_loss(arch, y, offset, work);
    pass.backward(work, grad);
    loss
}

/// Readout `g = sigma_a / sqrt(N) phi(H) A` (`P x C`) on the rows of `x`,
/// by the blocked forward pass of the training step (so it vectorises and
/// runs in parallel like the step does).
pub(super) fn blocked_output_g(
    arch: &Architecture,
    params: &Params,
    x: ArrayView2<f64>,
) -> Array2<f64> {
    let points = x.nrows();
    let mut work = Workspace::new(arch, points);
    let x = x.as_standard_layout();
    let parallel = runs_in_parallel(arch, points);
    let pass = Pass::new(arch, params, x.view(), work.block_units, parallel);
    pass.forward_with(arch.activation, &mut work);
    let mut g = Array2::zeros((points, arch.outputs));
    let output = g.as_slice_mut().expect(LAYOUT);
    for block in &work.blocks {
        for (value, &share) in output.iter_mut().zip(&block.partial) {
            *value += share;
        }
    }
    g *= arch.readout_scale();
    g
}

/// Adds the blocks' shares of `g` in block order, turns `g` into the
/// residual `R = (s_a g - g_0) / gamma - Y` and its scaled copy, and returns
/// `L = |R|_F^2 / (2P)`.
fn residual_and_loss(
    arch: &Architecture,
    y: ArrayView2<f64>,
    offset: Option<&Array2<f64>>,
    work: &mut Workspace,
) -> f64 {
    let points = work.output.nrows();
    let readout = arch.readout_scale();
    let inv_gamma = 1.0 / arch.gamma;
    let back = readout * inv_gamma / points as f64;
    let output = work.output.as_slice_mut().expect(LAYOUT);
    output.fill(0.0);
    for block in &work.blocks {
        for (g, &share) in output.iter_mut().zip(&block.partial) {
            *g += share;
        }
    }
    let mut loss = 0.0;
    let mut scaled = work.scaled_residual.iter_mut();
    for (index, (r, scaled_r)) in output.iter_mut().zip(&mut scaled).enumerate() {
        let (mu, c) = (index / arch.outputs, index % arch.outputs);
        let g0 = offset.map_or(0.0, |g0| g0[[mu, c]]);
        *r = (readout * *r - g0) * inv_gamma - y[[mu, c]];
        *scaled_r = back * *r;
        loss += *r * *r;
    }
    loss / (2.0 * points as f64)
}

/// One step's walk over the blocks of hidden units.
struct Pass<'a> {
    shared: Shared<'a>,
    params: &'a Params,
    block_units: usize,
    parallel: bool,
}

impl<'a> Pass<'a> {
    /// A pass over the rows of `x`, which must be in standard layout.
    ///
    /// # Panics
    /// When `x` does not have `D` columns or is not in standard layout.
    fn new(
        arch: &Architecture,
        params: &'a Params,
        x: ArrayView2<'a, f64>,
        block_units: usize,
        parallel: bool,
    ) -> Self {
        assert_eq!(x.ncols(), arch.input_dim, "inputs do not have D columns");
        let shared = Shared {
            x: x.to_slice().expect(LAYOUT),
            points: x.nrows(),
            input_dim: arch.input_dim,
            outputs: arch.outputs,
            input_scale: arch.input_scale(),
            sigma_b: arch.sigma_b,
        };
        Pass {
            shared,
            params,
            block_units,
            parallel,
        }
    }

    /// Runs [`Self::forward`] with the closure of `activation`, so that
    /// the block loops are compiled once per activation.
    fn forward_with(&self, activation: Activation, work: &mut Workspace) {
        match activation {
            Activation::Relu => self.forward(work, |h| if h > 0.0 { (h, 1.0) } else { (0.0, 0.0) }),
            Activation::Identity => self.forward(work, |h| (h, 1.0)),
            Activation::Erf => {
                self.forward(work, |h| (libm::erf(h), Activation::Erf.derivative(h)))
            }
            Activation::Tanh => self.forward(work, |h| Activation::Tanh.value_and_derivative(h)),
            Activation::Gelu => self.forward(work, |h| Activation::Gelu.value_and_derivative(h)),
            Activation::Softplus => {
                self.forward(work, |h| Activation::Softplus.value_and_derivative(h))
            }
            Activation::LeakyRelu => {
                self.forward(work, |h| Activation::LeakyRelu.value_and_derivative(h))
            }
        }
    }

    /// Smallest number of blocks a rayon task takes: 1 in parallel, all of
    /// them otherwise (rayon then runs the loop on the calling thread).
    fn min_len(&self) -> usize {
        if self.parallel { 1 } else { usize::MAX }
    }

    fn forward(&self, work: &mut Workspace, activation: impl Fn(f64) -> (f64, f64) + Sync) {
        let (units, dims, outputs) = (self.block_units, self.shared.input_dim, self.shared.outputs);
        let w = contiguous(&self.params.w).par_chunks(units * dims);
        let b = self.params.b.as_slice().expect(LAYOUT).par_chunks(units);
        let a = contiguous(&self.params.a).par_chunks(units * outputs);
        work.blocks
            .par_iter_mut()
            .zip(w.zip(b).zip(a))
            .with_min_len(self.min_len())
            .for_each(|(block, ((w, b), a))| {
                forward(self.shared, Slices { w, b, a }, block, &activation);
            });
    }

    fn backward(&self, work: &mut Workspace, grad: &mut Params) {
        let (units, dims, outputs) = (self.block_units, self.shared.input_dim, self.shared.outputs);
        let w = contiguous(&self.params.w).par_chunks(units * dims);
        let b = self.params.b.as_slice().expect(LAYOUT).par_chunks(units);
        let a = contiguous(&self.params.a).par_chunks(units * outputs);
        let gw = contiguous_mut(&mut grad.w).par_chunks_mut(units * dims);
        let gb = grad.b.as_slice_mut().expect(LAYOUT).par_chunks_mut(units);
        let ga = contiguous_mut(&mut grad.a).par_chunks_mut(units * outputs);
        let residual = &work.scaled_residual;
        work.blocks
            .par_iter_mut()
            .zip(w.zip(b).zip(a))
            .zip(gw.zip(gb).zip(ga))
            .with_min_len(self.min_len())
            .for_each(|((block, ((w, b), a)), ((gw, gb), ga))| {
                let params = Slices { w, b, a };
                let grad = Slices {
                    w: gw,
                    b: gb,
                    a: ga,
                };
                backward(self.shared, params, residual, block, grad);
            });
    }
}

fn contiguous_mut(a: &mut Array2<f64>) -> &mut [f64] {
    a.as_slice_mut().expect(LAYOUT)
}

#[cfg(test)]
mod tests {
    use ndarray::Array2;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use rand_distr::{Distribution, StandardNormal};

    use super::*;
    use crate::config::types::{Activation, ModelConfig, Scaling};
    use crate::model::network::output_f;

    fn model(activation: Activation, scaling: Scaling) -> ModelConfig {
        ModelConfig {
            width: 7,
            depth: 1,
            activation,
            sigma_w: 1.3,
            sigma_b: 0.6,
            sigma_a: 0.9,
            scaling,
            gamma0: 0.4,
            center: false,
        }
    }

    fn loss_at(
        arch: &Architecture,
        p: &Params,
        x: &Array2<f64>,
        y: &Array2<f64>,
        g0: Option<&Array2<f64>>,
    ) -> f64 {
        let f = output_f(arch, p, x.view(), g0);
        (&f - y).iter().map(|r| r * r).sum::<f64>() / (2.0 * x.nrows() as f64)
    }

    /// Returns the largest relative gap between backpropagation and a
    /// central finite difference over every parameter entry.
    fn worst_gradient_error(activation: Activation, scaling: Scaling, center: bool) -> f64 {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut config = model(activation, scaling);
        config.center = center;
        let arch = Architecture::new(&config, 3, 2);
        let params = Params::sample(&arch, &mut rng);
        let x = Array2::from_shape_simple_fn((5, 3), || StandardNormal.sample(&mut rng));
        let y = Array2::from_shape_simple_fn((5, 2), || StandardNormal.sample(&mut rng));
        // Centre on a different network so the offset term is exercised.
        let other = Params::sample(&arch, &mut rng);
        let g0 = center.then(|| crate::model::network::output_g(&arch, &other, x.view()));

        let mut work = Workspace::new(&arch, 5);
        let mut grad = params.zeros_like();
        let loss = loss_and_gradient(
            &arch,
            &params,
            x.view(),
            y.view(),
            g0.as_ref(),
            &mut work,
            &mut grad,
        );
        assert!((loss - loss_at(&arch, &params, &x, &y, g0.as_ref())).abs() < 1e-12);

        let dt = 1e-6;
        let mut worst: f64 = 0.0;
        let mut check = |numeric: f64, analytic: f64| {
            worst = worst.max((numeric - analytic).abs() / analytic.abs().max(1e-3));
        };
        let nudged = |which: usize, index: usize, delta: f64| {
            let mut p = params.clone();
            match which {
                0 => p.w.as_slice_mut().unwrap()[index] += delta,
                1 => p.b[index] += delta,
                _ => p.a.as_slice_mut().unwrap()[index] += delta,
            }
            loss_at(&arch, &p, &x, &y, g0.as_ref())
        };
        let analytic = [
            grad.w.as_slice().unwrap(),
            grad.b.as_slice().unwrap(),
            grad.a.as_slice().unwrap(),
        ];
        for (which, values) in analytic.iter().enumerate() {
            for (index, &value) in values.iter().enumerate() {
                let numeric = (nudged(which, index, dt) - nudged(which, index, -dt)) / (2.0 * dt);
                check(numeric, value);
            }
        }
        worst
    }

    /// Loss and gradient by the dense formulas of the module docs, one
    /// matrix product per line.
    fn dense_reference(
        arch: &Architecture,
        params: &Params,
        x: &Array2<f64>,
        y: &Array2<f64>,
    ) -> (f64, Params) {
        let points = x.nrows() as f64;
        let features = crate::model::network::features(arch, params, x.view());
        let mut slope = x.dot(&params.w.t()) * arch.input_scale() + &(&params.b * arch.sigma_b);
        slope.mapv_inplace(|h| arch.activation.derivative(h));
        let residual = features.dot(&params.a) * (arch.readout_scale() / arch.gamma) - y;
        let loss = residual.iter().map(|r| r * r).sum::<f64>() / (2.0 * points);
        let back = arch.readout_scale() / (points * arch.gamma);
        let delta = residual.dot(&params.a.t()) * &slope * back;
        let grad = Params {
            w: delta.t().dot(x) * arch.input_scale(),
            b: delta.sum_axis(ndarray::Axis(0)) * arch.sigma_b,
            a: features.t().dot(&residual) * back,
            hidden: Vec::new(),
        };
        (loss, grad)
    }

    /// Builds a tanh problem (so every unit contributes, unlike relu) that
    /// spans several blocks, as `(arch, params, x, y)`.
    fn blocked_problem(
        dims: usize,
        outputs: usize,
    ) -> (Architecture, Params, Array2<f64>, Array2<f64>) {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut config = model(Activation::Tanh, Scaling::MeanField);
        // 40 points give blocks of 416 units, so 700 units make two blocks,
        // the second one shorter.
        config.width = 700;
        let arch = Architecture::new(&config, dims, outputs);
        let params = Params::sample(&arch, &mut rng);
        let x = Array2::from_shape_simple_fn((40, dims), || StandardNormal.sample(&mut rng));
        let y = Array2::from_shape_simple_fn((40, outputs), || StandardNormal.sample(&mut rng));
        (arch, params, x, y)
    }

    #[test]
    fn blocked_step_matches_dense_reference() {
        // Both sides sum the same products in different orders. Sums of at
        // most 700 terms of size O(1) differ by about 700 eps ~ 1.6e-13
        // relative, so 1e-10 leaves room without hiding a wrong term, which
        // would be off by O(1).
        assert_eq!(block_units(40, 700), 416);
        for (dims, outputs) in [(3, 1), (3, 4), (12, 1), (12, 4)] {
            let (arch, params, x, y) = blocked_problem(dims, outputs);
            let mut work = Workspace::new(&arch, 40);
            assert_eq!(work.blocks.len(), 2);
            let mut grad = params.zeros_like();
            let loss = loss_and_gradient(
                &arch,
                &params,
                x.view(),
                y.view(),
                None,
                &mut work,
                &mut grad,
            );
            let (expected_loss, expected) = dense_reference(&arch, &params, &x, &y);
            let case = format!("D = {dims}, C = {outputs}");
            assert!(
                (loss - expected_loss).abs() <= 1e-10 * expected_loss,
                "{case}: loss"
            );
            let pairs = [("w", &grad.w, &expected.w), ("a", &grad.a, &expected.a)];
            for (name, got, want) in pairs {
                let scale = want.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
                let gap = (got - want).iter().fold(0.0_f64, |m, v| m.max(v.abs()));
                assert!(gap <= 1e-10 * scale, "{case}: dL/d{name} off by {gap:e}");
            }
            let scale = expected.b.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
            let gap = (&grad.b - &expected.b)
                .iter()
                .fold(0.0_f64, |m, v| m.max(v.abs()));
            assert!(gap <= 1e-10 * scale, "{case}: dL/db off by {gap:e}");
        }
    }

    #[test]
    fn parallel_blocks_match_sequential_exactly() {
        // Runs must not depend on the thread count, so the parallel walk
        // has to reproduce the sequential one bit for bit.
        for (dims, outputs) in [(3, 1), (12, 4)] {
            let (arch, params, x, y) = blocked_problem(dims, outputs);
            let mut results = Vec::new();
            for parallel in [false, true] {
                let mut work = Workspace::new(&arch, 40);
                let mut grad = params.zeros_like();
                let data = (x.view(), y.view());
                let loss = step_blocks(&arch, &params, data, None, &mut work, &mut grad, parallel);
                results.push((loss, grad));
            }
            let case = format!("D = {dims}, C = {outputs}");
            assert_eq!(
                results[0].0.to_bits(),
                results[1].0.to_bits(),
                "{case}: loss"
            );
            assert_eq!(results[0].1, results[1].1, "{case}: gradient");
        }
    }

    #[test]
    fn backprop_matches_finite_differences() {
        // Central differences with dt = 1e-6 carry O(dt^2) truncation and
        // O(eps/dt) ~ 1e-10 rounding error, so 1e-6 relative (floored at an
        // absolute 1e-9) separates a correct gradient from any real mistake.
        for activation in Activation::ALL {
            for scaling in [Scaling::Standard, Scaling::MeanField, Scaling::Gamma0] {
                for center in [false, true] {
                    let error = worst_gradient_error(activation, scaling, center);
                    assert!(
                        error < 1e-6,
                        "{activation:?} {scaling:?} center={center}: relative error {error:e}"
                    );
                }
            }
        }
    }
}
