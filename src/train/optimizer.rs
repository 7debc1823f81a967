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
        Zip::from(&mut params.a)
            .and(&grad.a)
            .for_each(&mut move_entry);
    }
}
