//! Forward and backward work of the training step on one block of hidden
//! units, sized so that its `P x n` buffers stay in the L2 cache.
//!
//! For the units `J` of a block, with `S = sigma_w / sqrt(D)`,
//! `s_a = sigma_a / sqrt(N)` and `beta = s_a / (P gamma)`:
//!
//! ```text
//! forward:   H_J = S X W_J^T + sigma_b 1 b_J^T,   Phi_J = phi(H_J),   G_J = Phi_J A_J
//! backward:  Delta_J = beta (R A_J^T) . phi'(H_J)
//!            dL/dA_J = beta Phi_J^T R,   dL/db_J = sigma_b Delta_J^T 1,   dL/dW_J = S Delta_J^T X
//! ```
//!
//! `G_J` (`P x C`) is the block's share of `g / s_a`; the caller adds the
//! shares of all blocks in block order and forms the residual `R = F - Y`.

use super::gemm::{RowMajor, mul, mul_transposed_lhs, mul_transposed_rhs};

/// Inputs with at most this many dimensions use direct loops for the two
/// `D`-contractions; wider inputs use GEMM, which only pays off once `D`
/// amortises its packing.
pub(super) const DIRECT_INPUT_DIM: usize = 8;

/// Lanes of the explicit partial sums, so that the dot products vectorise
/// (the compiler may not reorder a floating-point sum by itself).
const LANES: usize = 8;

/// Buffers of one block of `n` hidden units, reused by every step.
#[derive(Clone, Debug)]
pub(super) struct Block {
    /// `phi(H_J)`, `P x n` row-major; `R A_J^T` during the backward pass
    /// when there are several outputs.
    pub phi: Vec<f64>,
    /// `H_J`, then `phi'(H_J)`, then `Delta_J`, `P x n` row-major.
    pub slope: Vec<f64>,
    /// `G_J = Phi_J A_J`, `P x C` row-major.
    pub partial: Vec<f64>,
}

impl Block {
    pub fn new(points: usize, units: usize, outputs: usize) -> Self {
        Block {
            phi: vec![0.0; points * units],
            slope: vec![0.0; points * units],
            partial: vec![0.0; points * outputs],
        }
    }
}

/// Everything a block reads that is shared by all blocks.
#[derive(Clone, Copy)]
pub(super) struct Shared<'a> {
    /// Training inputs `X`, `P x D` row-major.
    pub x: &'a [f64],
    pub points: usize,
    pub input_dim: usize,
    pub outputs: usize,
    /// `S = sigma_w / sqrt(D)`.
    pub input_scale: f64,
    pub sigma_b: f64,
}

/// Parameter rows of the block's units: `w` is `n x D`, `b` has `n`
/// entries and `a` is `n x C`. The gradient uses the same shapes.
pub(super) struct Slices<T> {
    pub w: T,
    pub b: T,
    pub a: T,
}

/// Forward pass on one block: fills `phi`, `slope` (`phi'(H_J)`) and
/// `partial` (`G_J`). `activation` returns `(phi(h), phi'(h))`.
///
/// Runs a copy compiled for AVX2 when the CPU has it. The code never requests
/// fused multiply-adds, so both copies round alike and give the same
/// bits.
pub(super) fn forward(
    shared: Shared,
    params: Slices<&[f64]>,
    block: &mut Block,
    activation: impl Fn(f64) -> (f64, f64),
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        unsafe { forward_avx2(shared, params, block, activation) };
        return;
    }
    forward_body(shared, params, block, activation);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn forward_avx2(
    shared: Shared,
    params: Slices<&[f64]>,
    block: &mut Block,
    activation: impl Fn(f64) -> (f64, f64),
) {
    forward_body(shared, params, block, activation);
}

#[inline(always)]
fn forward_body(
    shared: Shared,
    params: Slices<&[f64]>,
    block: &mut Block,
    activation: impl Fn(f64) -> (f64, f64),
) {
    let units = params.b.len();
    preactivations(shared, params.w, units, &mut block.slope);
    let rows = block
        .phi
        .chunks_exact_mut(units)
        .zip(block.slope.chunks_exact_mut(units));
    for (phi, slope) in rows {
        for ((p, s), &b) in phi.iter_mut().zip(slope.iter_mut()).zip(params.b) {
            (*p, *s) = activation(*s + shared.sigma_b * b);
        }
    }
    if shared.outputs == 1 {
        let rows = block.phi.chunks_exact(units);
        for (g, phi) in block.partial.iter_mut().zip(rows) {
            *g = dot(phi, params.a);
        }
    } else {
        let phi = RowMajor::dense(&block.phi, shared.points, units);
        let a = RowMajor::dense(params.a, units, shared.outputs);
        mul(&mut block.partial, phi, a);
    }
}

/// `H_J - sigma_b 1 b_J^T = S X W_J^T` into `out` (`P x n`).
#[inline(always)]
fn preactivations(shared: Shared, w: &[f64], units: usize, out: &mut [f64]) {
    let dims = shared.input_dim;
    if dims > DIRECT_INPUT_DIM {
        let x = RowMajor::dense(shared.x, shared.points, dims);
        let w = RowMajor::dense(w, units, dims);
        mul_transposed_rhs(out, shared.input_scale, x, w);
        return;
    }
    for (x, h) in shared.x.chunks_exact(dims).zip(out.chunks_exact_mut(units)) {
        let first = shared.input_scale * x[0];
        for (hj, w_row) in h.iter_mut().zip(w.chunks_exact(dims)) {
            *hj = first * w_row[0];
        }
        for (d, &xd) in x.iter().enumerate().skip(1) {
            let scaled = shared.input_scale * xd;
            for (hj, w_row) in h.iter_mut().zip(w.chunks_exact(dims)) {
                *hj += scaled * w_row[d];
            }
        }
    }
}

/// Backward pass on one block: writes the block's rows of `dL/dW`, `dL/db`
/// and `dL/dA` into `grad`. `residual` is `beta R` (`P x C`), already
/// multiplied by `beta = sigma_a / (sqrt(N) P gamma)`.
///
/// Runs a copy compiled for AVX2 when the CPU has it, as [`forward`] does.
pub(super) fn backward(
    shared: Shared,
    params: Slices<&[f64]>,
    residual: &[f64],
    block: &mut Block,
    grad: Slices<&mut [f64]>,
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        unsafe { backward_avx2(shared, params, residual, block, grad) };
        return;
    }
    backward_body(shared, params, residual, block, grad);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn backward_avx2(
    shared: Shared,
    params: Slices<&[f64]>,
    residual: &[f64],
    block: &mut Block,
    grad: Slices<&mut [f64]>,
) {
    backward_body(shared, params, residual, block, grad);
}

#[inline(always)]
fn backward_body(
    shared: Shared,
    params: Slices<&[f64]>,
    residual: &[f64],
    block: &mut Block,
    grad: Slices<&mut [f64]>,
) {
    let units = params.b.len();
    if shared.outputs == 1 {
        readout_and_delta_single(params.a, residual, block, grad.a);
    } else {
        readout_and_delta_multi(shared, params.a, residual, block, grad.a);
    }
    grad.b.fill(0.0);
    for delta in block.slope.chunks_exact(units) {
        for (gb, &d) in grad.b.iter_mut().zip(delta) {
            *gb += d;
        }
    }
    grad.b.iter_mut().for_each(|gb| *gb *= shared.sigma_b);
    first_layer_gradient(shared, units, &block.slope, grad.w);
}

/// Computes, for one output, `Delta_J = r a_J^T . phi'(H_J)` in place of
/// `phi'(H_J)` and `dL/dA_J = Phi_J^T r`, in one sweep over the rows.
#[inline(always)]
fn readout_and_delta_single(a: &[f64], residual: &[f64], block: &mut Block, grad_a: &mut [f64]) {
    let units = a.len();
    grad_a.fill(0.0);
    let rows = block
        .phi
        .chunks_exact(units)
        .zip(block.slope.chunks_exact_mut(units));
    for ((phi, slope), &r) in rows.zip(residual) {
        for (((ga, s), &p), &aj) in grad_a.iter_mut().zip(slope.iter_mut()).zip(phi).zip(a) {
            *ga += r * p;
            *s *= r * aj;
        }
    }
}

/// Several outputs: `dL/dA_J = Phi_J^T R` and `Delta_J = (R A_J^T) .
/// phi'(H_J)` through GEMM, with `R A_J^T` written over `Phi_J`.
#[inline(always)]
fn readout_and_delta_multi(
    shared: Shared,
    a: &[f64],
    residual: &[f64],
    block: &mut Block,
    grad_a: &mut [f64],
) {
    let (points, outputs) = (shared.points, shared.outputs);
    let units = a.len() / outputs;
    let residual = RowMajor::dense(residual, points, outputs);
    let phi = RowMajor::dense(&block.phi, points, units);
    mul_transposed_lhs(grad_a, 1.0, phi, residual);
    let a = RowMajor::dense(a, units, outputs);
    mul_transposed_rhs(&mut block.phi, 1.0, residual, a);
    for (s, &projected) in block.slope.iter_mut().zip(&block.phi) {
        *s *= projected;
    }
}

/// `dL/dW_J = S Delta_J^T X` (`n x D`).
#[inline(always)]
fn first_layer_gradient(shared: Shared, units: usize, delta: &[f64], grad_w: &mut [f64]) {
    let dims = shared.input_dim;
    if dims > DIRECT_INPUT_DIM {
        let delta = RowMajor::dense(delta, shared.points, units);
        let x = RowMajor::dense(shared.x, shared.points, dims);
        mul_transposed_lhs(grad_w, shared.input_scale, delta, x);
        return;
    }
    grad_w.fill(0.0);
    let rows = shared.x.chunks_exact(dims).zip(delta.chunks_exact(units));
    for (x, delta) in rows {
        for (k, &xk) in x.iter().enumerate() {
            let scaled = shared.input_scale * xk;
            for (g_row, &d) in grad_w.chunks_exact_mut(dims).zip(delta) {
                g_row[k] += scaled * d;
            }
        }
    }
}

/// `sum_j u_j v_j` with `LANES` independent partial sums.
#[inline(always)]
fn dot(u: &[f64], v: &[f64]) -> f64 {
    let mut lanes = [0.0; LANES];
    let (u_body, u_tail) = u.split_at(u.len() - u.len() % LANES);
    let (v_body, v_tail) = v.split_at(u_body.len());
    for (uc, vc) in u_body.chunks_exact(LANES).zip(v_body.chunks_exact(LANES)) {
        for lane in 0..LANES {
            lanes[lane] += uc[lane] * vc[lane];
        }
    }
    let tail: f64 = u_tail.iter().zip(v_tail).map(|(x, y)| x * y).sum();
    lanes.iter().sum::<f64>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_matches_sum_for_every_tail_length() {
        // Integer-valued entries keep every partial sum exact, so any lane
        // or tail mistake shows as an inequality.
        for len in 0..20 {
            let u: Vec<f64> = (0..len).map(|i| (i % 5) as f64 - 2.0).collect();
            let v: Vec<f64> = (0..len).map(|i| (i % 3) as f64 + 1.0).collect();
            let expected: f64 = u.iter().zip(&v).map(|(x, y)| x * y).sum();
            assert_eq!(dot(&u, &v), expected, "length {len}");
        }
    }
}
