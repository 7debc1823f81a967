//! Parameter updates: gradient descent and the unadjusted Langevin algorithm.
//!
//! ```text
//! GD:       theta <- theta - eta grad L,                         eta = eta0 gamma^2
//! Langevin: theta <- theta - eta grad U + sqrt(2 eta) xi,         eta = eta0
//!           U = P L / T + |theta|^2 / 2,   T = T0 / gamma^2,      xi ~ N(0, I)
//! ```

use ndarray::Zip;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::config::types::{Optimizer, TrainConfig};
use crate::model::Params;

/// Offset between the initialisation seed and the Langevin noise seed, so
/// the two random streams never coincide.
const NOISE_STREAM: u64 = 0x9e37_79b9_7f4a_7c15;

/// An optimiser with its scaled step size and, for Langevin, its noise source.
#[derive(Clone, Debug)]
pub struct Stepper {
    kind: Optimizer,
    /// Actual step size `eta`.
    eta: f64,
    /// Actual temperature `T` (Langevin only).
    temperature: f64,
    rng: ChaCha8Rng,
}

impl Stepper {
    pub fn new(train: &TrainConfig, gamma: f64) -> Self {
        let gamma_sq = gamma * gamma;
        let (eta, temperature) = match train.optimizer {
            Optimizer::Gd => (train.learning_rate * gamma_sq, train.temperature / gamma_sq),
            Optimizer::Langevin => (train.learning_rate, train.temperature / gamma_sq),
        };
        Stepper {
            kind: train.optimizer,
            eta,
            temperature,
            rng: ChaCha8Rng::seed_from_u64(train.seed ^ NOISE_STREAM),
        }
    }

    pub fn eta(&self) -> f64 {
        self.eta
    }

    pub fn temperature(&self) -> f64 {
        self.temperature
    }

    /// Applies one update given `grad L` at `params` for a batch of `points`.
    pub fn update(&mut self, params: &mut Params, grad: &Params, points: usize) {
        match self.kind {
            Optimizer::Gd => {
                params.w.scaled_add(-self.eta, &grad.w);
                params.b.scaled_add(-self.eta, &grad.b);
                for (layer, layer_grad) in params.hidden.iter_mut().zip(&grad.hidden) {
                    layer.w.scaled_add(-self.eta, &layer_grad.w);
                    layer.b.scaled_add(-self.eta, &layer_grad.b);
                }
                params.a.scaled_add(-self.eta, &grad.a);
            }
            Optimizer::Langevin => self.langevin_update(params, grad, points),
        }
    }

    fn langevin_update(&mut self, params: &mut Params, grad: &Params, points: usize) {
        let decay = 1.0 - self.eta;
        let drift = self.eta * points as f64 / self.temperature;
        let noise = (2.0 * self.eta).sqrt();
        let rng = &mut self.rng;
        let mut move_entry = |theta: &mut f64, g: &f64| {
            let xi: f64 = StandardNormal.sample(rng);
            *theta = decay * *theta - drift * g + noise * xi;
        };
        Zip::from(&mut params.w)
            .and(&grad.w)
            .for_each(&mut move_entry);
        Zip::from(&mut params.b)
            .and(&grad.b)
            .for_each(&mut move_entry);
        for (layer, layer_grad) in params.hidden.iter_mut().zip(&grad.hidden) {
            Zip::from(&mut layer.w)
                .and(&layer_grad.w)
                .for_each(&mut move_entry);
            Zip::from(&mut layer.b)
                .and(&layer_grad.b)
                .for_each(&mut move_entry);
        }
        Zip::from(&mut params.a)
            .and(&grad.a)
            .for_each(&mut move_entry);
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{Array1, Array2};

    use super::*;

    fn config(optimizer: Optimizer, learning_rate: f64, temperature: f64) -> TrainConfig {
        TrainConfig {
            optimizer,
            learning_rate,
            temperature,
            burn_in: 0,
            steps: 0,
            log_every: 1,
            seed: 3,
        }
    }

    /// Parameters of `count` first-layer weights, one bias and one readout.
    fn params(count: usize, value: f64) -> Params {
        Params {
            w: Array2::from_elem((count, 1), value),
            b: Array1::from_elem(1, value),
            hidden: Vec::new(),
            a: Array2::from_elem((1, 1), value),
        }
    }

    #[test]
    fn gd_step_is_scaled_by_gamma_squared() {
        let mut stepper = Stepper::new(&config(Optimizer::Gd, 0.1, 0.0), 4.0);
        let mut p = params(3, 1.0);
        let grad = params(3, 0.5);
        stepper.update(&mut p, &grad, 10);
        // eta = eta0 gamma^2 = 1.6, so theta = 1 - 1.6 * 0.5.
        assert!(p.w.iter().all(|&w| (w - 0.2).abs() < 1e-15));
        assert!((p.a[[0, 0]] - 0.2).abs() < 1e-15);
    }

    #[test]
    fn langevin_without_data_samples_the_prior() {
        // With grad L = 0 the chain targets N(0, 1); ULA with step eta has
        // stationary variance 1 / (1 - eta / 2). 100000 weights after 1000
        // steps (10 relaxation times) give the variance to +-1.35 % (3
        // standard errors of a sample variance: 3 sqrt(2 / 100000)).
        let eta = 0.01;
        let mut stepper = Stepper::new(&config(Optimizer::Langevin, eta, 1.0), 1.0);
        let mut p = params(100_000, 0.0);
        let grad = params(100_000, 0.0);
        for _ in 0..1000 {
            stepper.update(&mut p, &grad, 5);
        }
        assert_stationary_prior(&p.w, eta, 0.0135);
    }

    /// Asserts that the entries of `w` have mean 0 within 3 standard errors
    /// and the ULA stationary variance `1 / (1 - eta / 2)` within the
    /// relative `tolerance`.
    fn assert_stationary_prior(w: &Array2<f64>, eta: f64, tolerance: f64) {
        let n = w.len() as f64;
        let mean = w.sum() / n;
        let variance = w.iter().map(|w| (w - mean) * (w - mean)).sum::<f64>() / n;
        assert!(mean.abs() < 3.0 * (1.0 / n).sqrt(), "mean {mean}");
        let expected = 1.0 / (1.0 - eta / 2.0);
        assert!(
            (variance / expected - 1.0).abs() < tolerance,
            "variance {variance}, expected {expected}"
        );
    }

    #[test]
    fn langevin_drift_uses_scaled_temperature() {
        // A constant gradient g of L gives U = P L / T + |theta|^2 / 2 with
        // minimum theta* = -P g / T, and T = T0 / gamma^2. The noise
        // averages out over 20000 weights to about 1e-2 of theta*.
        let (points, t0, gamma, g) = (4, 2.0, 3.0, 0.05);
        let mut stepper = Stepper::new(&config(Optimizer::Langevin, 0.02, t0), gamma);
        assert!((stepper.temperature() - t0 / (gamma * gamma)).abs() < 1e-15);
        assert_eq!(stepper.eta(), 0.02);
        let mut p = params(20_000, 0.0);
        let grad = params(20_000, g);
        for _ in 0..2000 {
            stepper.update(&mut p, &grad, points);
        }
        let expected = -(points as f64) * g * gamma * gamma / t0;
        let mean = p.w.sum() / p.w.len() as f64;
        assert!(
            (mean - expected).abs() < 0.02 * expected.abs(),
            "mean {mean}, expected {expected}"
        );
    }

    /// Parameters with one hidden layer of `width x width` weights.
    fn deep_params(width: usize, value: f64) -> Params {
        let mut p = params(width, value);
        p.hidden.push(crate::model::HiddenLayer {
            w: Array2::from_elem((width, width), value),
            b: Array1::from_elem(width, value),
        });
        p
    }

    #[test]
    fn gd_step_moves_hidden_layers() {
        let mut stepper = Stepper::new(&config(Optimizer::Gd, 0.1, 0.0), 2.0);
        let mut p = deep_params(3, 1.0);
        let grad = deep_params(3, 0.5);
        stepper.update(&mut p, &grad, 10);
        // eta = eta0 gamma^2 = 0.4, so theta = 1 - 0.4 * 0.5.
        let layer = &p.hidden[0];
        assert!(layer.w.iter().all(|&w| (w - 0.8).abs() < 1e-15));
        assert!(layer.b.iter().all(|&b| (b - 0.8).abs() < 1e-15));
    }

    #[test]
    fn langevin_samples_the_prior_on_hidden_layers() {
        // As for the first layer: without data the hidden weights relax to
        // the prior N(0, 1), with ULA's stationary variance 1 / (1 - eta / 2).
        // 200 steps at eta = 0.05 are 10 relaxation times; 40000 weights give
        // the variance to +-2.1 % (3 standard errors, 3 sqrt(2 / 40000)).
        let eta = 0.05;
        let mut stepper = Stepper::new(&config(Optimizer::Langevin, eta, 1.0), 1.0);
        let mut p = deep_params(200, 0.0);
        let grad = deep_params(200, 0.0);
        for _ in 0..200 {
            stepper.update(&mut p, &grad, 5);
        }
        assert_stationary_prior(&p.hidden[0].w, eta, 0.021);
        assert!(
            p.hidden[0].b.iter().all(|&b| b != 0.0),
            "biases got no noise"
        );
    }
}
