//! Loss and its gradient by hand-written backpropagation.
//!
//! ```text
//! L       = 1/(2P) sum_mu |f(x_mu) - y_mu|^2,   R = F - Y        (P x C)
//! dL/dA   = sigma_a / (sqrt(N) P gamma) Phi^T R                  (N x C)
//! Delta   = sigma_a / (sqrt(N) P gamma) (R A^T) . phi'(H)        (P x N)
//! dL/dW   = sigma_w / sqrt(D) Delta^T X                          (N x D)
//! dL/db   = sigma_b Delta^T 1                                    (N)
//! ```

use ndarray::{Array2, ArrayView2, Axis, Zip, linalg::general_mat_mul};

use super::network::{Architecture, Params, preactivations_into};

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
pub fn loss_and_gradient(
    arch: &Architecture,
    params: &Params,
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    offset: Option<&Array2<f64>>,
    work: &mut Workspace,
    grad: &mut Params,
) -> f64 {
    let points = x.nrows();
    let act = arch.activation;

    preactivations_into(arch, params, x, &mut work.hidden);
    Zip::from(&mut work.phi)
        .and(&mut work.hidden)
        .for_each(|phi, h| {
            let pre = *h;
            *phi = act.apply(pre);
            *h = act.derivative(pre);
        });

    general_mat_mul(
        arch.readout_scale(),
        &work.phi,
        &params.a,
        0.0,
        &mut work.output,
    );
    if let Some(g0) = offset {
        work.output -= g0;
    }
    let inv_gamma = 1.0 / arch.gamma;
    Zip::from(&mut work.output).and(&y).for_each(|r, &target| {
        *r = *r * inv_gamma - target;
    });
    let loss = work.output.iter().map(|r| r * r).sum::<f64>() / (2.0 * points as f64);

    let back_scale = arch.readout_scale() * inv_gamma / points as f64;
    general_mat_mul(back_scale, &work.phi.t(), &work.output, 0.0, &mut grad.a);

    general_mat_mul(
        back_scale,
        &work.output,
        &params.a.t(),
        0.0,
        &mut work.delta,
    );
    work.delta *= &work.hidden;

    general_mat_mul(arch.input_scale(), &work.delta.t(), &x, 0.0, &mut grad.w);
    grad.b.fill(0.0);
    for row in work.delta.axis_iter(Axis(0)) {
        grad.b.scaled_add(arch.sigma_b, &row);
    }
    loss
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
