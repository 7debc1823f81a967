//! Loss and its gradient by hand-written backpropagation.
//!
//! ```text
//! L       = 1/(2P) sum_mu |f(x_mu) - y_mu|^2,   R = F - Y        (P x C)
//! dL/dA   = sigma_a / (sqrt(N) P gamma) Phi^T R                  (N x C)
//! Delta   = sigma_a / (sqrt(N) P gamma) (R A^T) . phi'(H)        (P x N)
//! dL/dW   = sigma_w / sqrt(D) Delta^T X                          (N x D)
//! dL/db   = sigma_b Delta^T 1                                    (N)
//! ```

use ndarray::{Array2, ArrayView2, linalg::general_mat_mul};

use crate::config::types::Activation;

use super::network::{
    Architecture, DIRECT_INPUT_DIM, LAYOUT, Params, contiguous, preactivations_into,
};

/// Buffers reused by every step, so a step allocates nothing.
#[derive(Clone, Debug)]
pub struct Workspace {
    /// `H`, then `phi'(H)` (`P x N`).
    hidden: Array2<f64>,
    /// `Delta = dL/dH` (`P x N`).
    delta: Array2<f64>,
    /// `phi(H)` (`P x N`).
    phi: Array2<f64>,
    /// `g`, then the residual `R` (`P x C`).
    output: Array2<f64>,
}

impl Workspace {
    pub fn new(arch: &Architecture, points: usize) -> Self {
        Workspace {
            hidden: Array2::zeros((points, arch.width)),
            delta: Array2::zeros((points, arch.width)),
            phi: Array2::zeros((points, arch.width)),
            output: Array2::zeros((points, arch.outputs)),
        }
    }

    /// Residual `R = F - Y` of the last call to [`loss_and_gradient`].
    pub fn residual(&self) -> &Array2<f64> {
        &self.output
    }
}

/// Computes the loss `L` at `params` and writes `grad L` into `grad`.
///
/// `x` is `P x D`, `y` is `P x C`; `offset` is `g_0` on `x` when the network
/// is centred. Returns `L`, which is NaN or infinite when the network has
/// diverged (the gradient is then meaningless).
///
/// The middle of the pass (activation, readout, residual, `dL/dA` and
/// `Delta`) runs row by row in one sweep over `P x N`, so no intermediate
/// beyond `phi'(H)` and `Delta` is materialised.
pub fn loss_and_gradient(
    arch: &Architecture,
    params: &Params,
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    offset: Option<&Array2<f64>>,
    work: &mut Workspace,
    grad: &mut Params,
) -> f64 {
    let x = x.as_standard_layout();
    let y = y.as_standard_layout();
    preactivations_into(arch, params, x.view(), &mut work.hidden);
    let rows = Rows {
        arch,
        params,
        y: y.view(),
        offset,
    };
    let loss = match arch.activation {
        Activation::Relu => rows.sweep(work, grad, |h| if h > 0.0 { (h, 1.0) } else { (0.0, 0.0) }),
        Activation::Identity => rows.sweep(work, grad, |h| (h, 1.0)),
        Activation::Erf => rows.sweep(work, grad, |h| {
            (libm::erf(h), Activation::Erf.derivative(h))
        }),
        Activation::Tanh => rows.sweep(work, grad, |h| {
            let t = h.tanh();
            (t, 1.0 - t * t)
        }),
        Activation::Gelu => rows.sweep(work, grad, |h| Activation::Gelu.value_and_derivative(h)),
        Activation::Softplus => {
            rows.sweep(work, grad, |h| Activation::Softplus.value_and_derivative(h))
        }
        Activation::LeakyRelu => rows.sweep(work, grad, |h| {
            Activation::LeakyRelu.value_and_derivative(h)
        }),
    };
    first_layer_gradient(arch, x.view(), &work.delta, &mut grad.w);
    loss
}

/// `dL/dW = sigma_w Delta^T X / sqrt(D)`.
fn first_layer_gradient(
    arch: &Architecture,
    x: ArrayView2<f64>,
    delta: &Array2<f64>,
    grad_w: &mut Array2<f64>,
) {
    let scale = arch.input_scale();
    if arch.input_dim > DIRECT_INPUT_DIM {
        general_mat_mul(scale, &delta.t(), &x, 0.0, grad_w);
        return;
    }
    let dims = arch.input_dim;
    let gw = contiguous_mut(grad_w);
    gw.fill(0.0);
    for (x_row, delta_row) in x.rows().into_iter().zip(delta.rows()) {
        let d = delta_row.to_slice().expect(LAYOUT);
        for (k, &xk) in x_row.iter().enumerate() {
            let scaled = scale * xk;
            for (g_row, &dj) in gw.chunks_exact_mut(dims).zip(d) {
                g_row[k] += scaled * dj;
            }
        }
    }
}

/// Everything the row sweep reads besides the workspace.
struct Rows<'a> {
    arch: &'a Architecture,
    params: &'a Params,
    y: ArrayView2<'a, f64>,
    offset: Option<&'a Array2<f64>>,
}

impl Rows<'_> {
    /// Turns `H` (in `work.hidden`) into `phi'(H)`, and computes the loss,
    /// `dL/dA`, `dL/db` and `Delta` row by row. `phi` returns
    /// `(phi(h), phi'(h))`.
    fn sweep(
        &self,
        work: &mut Workspace,
        grad: &mut Params,
        phi: impl Fn(f64) -> (f64, f64),
    ) -> f64 {
        let arch = self.arch;
        let (width, outputs) = (arch.width, arch.outputs);
        let points = self.y.nrows();
        let inv_gamma = 1.0 / arch.gamma;
        let readout = arch.readout_scale();
        let back = readout * inv_gamma / points as f64;
        let a = contiguous(&self.params.a);
        let ga = contiguous_mut(&mut grad.a);
        let gb = grad.b.as_slice_mut().expect(LAYOUT);
        ga.fill(0.0);
        gb.fill(0.0);
        let mut loss = 0.0;
        let rows = work
            .hidden
            .rows_mut()
            .into_iter()
            .zip(work.phi.rows_mut())
            .zip(work.delta.rows_mut())
            .zip(work.output.rows_mut());
        for (mu, (((mut hidden, mut features), mut delta), mut residual)) in rows.enumerate() {
            let h = hidden.as_slice_mut().expect(LAYOUT);
            let f = features.as_slice_mut().expect(LAYOUT);
            let d = delta.as_slice_mut().expect(LAYOUT);
            let r = residual.as_slice_mut().expect(LAYOUT);
            for (hj, fj) in h.iter_mut().zip(f.iter_mut()) {
                (*fj, *hj) = phi(*hj);
            }
            readout_row(f, a, r);
            for (c, rc) in r.iter_mut().enumerate() {
                let g0 = self.offset.map_or(0.0, |g0| g0[[mu, c]]);
                *rc = (readout * *rc - g0) * inv_gamma - self.y[[mu, c]];
                loss += *rc * *rc;
            }
            if outputs == 1 {
                let scaled = back * r[0];
                let columns = ga.iter_mut().zip(gb.iter_mut()).zip(d.iter_mut());
                for (((gaj, gbj), dj), ((&fj, &aj), &hj)) in
                    columns.zip(f.iter().zip(a).zip(h.iter()))
                {
                    *gaj += scaled * fj;
                    *dj = scaled * aj * hj;
                    *gbj += arch.sigma_b * *dj;
                }
            } else {
                for j in 0..width {
                    let a_row = &a[j * outputs..(j + 1) * outputs];
                    let ga_row = &mut ga[j * outputs..(j + 1) * outputs];
                    let mut projected = 0.0;
                    for c in 0..outputs {
                        ga_row[c] += back * r[c] * f[j];
                        projected += r[c] * a_row[c];
                    }
                    d[j] = back * projected * h[j];
                    gb[j] += arch.sigma_b * d[j];
                }
            }
        }
        loss / (2.0 * points as f64)
    }
}

fn contiguous_mut(a: &mut Array2<f64>) -> &mut [f64] {
    a.as_slice_mut().expect(LAYOUT)
}

/// `out[c] = sum_j f[j] a[j, c]` for a row-major `N x C` matrix `a`.
fn readout_row(f: &[f64], a: &[f64], out: &mut [f64]) {
    let outputs = out.len();
    if outputs == 1 {
        out[0] = f.iter().zip(a).map(|(x, y)| x * y).sum();
        return;
    }
    out.fill(0.0);
    for (fj, a_row) in f.iter().zip(a.chunks_exact(outputs)) {
        for (o, &ajc) in out.iter_mut().zip(a_row) {
            *o += fj * ajc;
        }
    }
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
