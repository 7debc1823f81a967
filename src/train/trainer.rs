//! One training run: data, network, optimiser and overlays, stepped
//! synchronously. The TUI drives it from a thread; `lazyrich run` directly.

use ndarray::{Array2, s};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::config::types::{Optimizer, Preset};
use crate::data::{Dataset, load_dataset};
use crate::model::{
    Architecture, Features, Params, TrainingWorkspace, input_kernel, output_f, output_g,
};

use super::TrainError;
use super::optimizer::Stepper;
use super::snapshot::RunInfo;
use super::theory::{InitialNetwork, Theory};

/// Kernel metrics use at most this many training inputs, so a log step costs
/// at most `MAX_PROBE^2 N` operations.
pub const MAX_PROBE: usize = 256;

/// A loss this many times above `max(initial loss, 1)` counts as divergence
/// too, so the kept state is still drawable (a NaN would come a few steps
/// later, from parameters near the float64 range).
pub const EXPLOSION_FACTOR: f64 = 1e8;

/// Largest number of trainable parameters a run may have. The trainer keeps
/// four copies (current, initial, backup and gradient), so the limit is
/// 4 GiB of float64 weights. Only deep networks reach it, because their
/// `(L - 1) N^2` hidden weights grow with the square of the width: width
/// 8192 at depth 3 already exceeds it.
pub const MAX_PARAMETERS: usize = 1 << 27;

/// The fixed probe inputs of the kernel and feature metrics, with their
/// step-0 features and kernel.
pub(super) struct Probe {
    pub x: Array2<f64>,
    pub y: Array2<f64>,
    pub k0: Array2<f64>,
    pub phi0: Array2<f64>,
    pub ntk0: Array2<f64>,
}

/// Running sums of the Langevin network on the test inputs after burn-in.
#[derive(Clone, Debug)]
pub(super) struct PosteriorAverage {
    pub sum: Array2<f64>,
    pub sum_sq: Array2<f64>,
    pub count: u64,
}

pub struct Trainer {
    pub(super) preset: Preset,
    pub(super) data: Dataset,
    pub(super) arch: Architecture,
    pub(super) params: Params,
    pub(super) initial: Params,
    backup: Params,
    grad: Params,
    work: TrainingWorkspace,
    stepper: Stepper,
    /// `g_0` on the training and test inputs when the run is centred.
    pub(super) offset_train: Option<Array2<f64>>,
    pub(super) offset_test: Option<Array2<f64>>,
    pub(super) probe: Probe,
    pub(super) theory: Theory,
    pub(super) posterior: PosteriorAverage,
    pub(super) step: u64,
    pub(super) w0_spectral: f64,
    /// `|W^l_0|_2` of the hidden layers `2..L`, empty at depth 1.
    pub(super) hidden_w0_spectral: Vec<f64>,
    /// Training loss at the first step, the reference of `EXPLOSION_FACTOR`.
    initial_loss: Option<f64>,
    divergence: Option<(u64, String)>,
}

impl Trainer {
    /// Loads the data, samples the network with `train.seed` and builds the
    /// overlays.
    pub fn new(preset: &Preset) -> Result<Self, TrainError> {
        let data = load_dataset(&preset.data)?;
        Self::with_data(preset, data)
    }

    pub fn with_data(preset: &Preset, data: Dataset) -> Result<Self, TrainError> {
        let arch = Architecture::new(&preset.model, data.input_dim(), data.outputs());
        check_size(&arch)?;
        let mut rng = ChaCha8Rng::seed_from_u64(preset.train.seed);
        let params = Params::sample(&arch, &mut rng);

        // Langevin samples the uncentred network.
        let centred = preset.model.center && preset.train.optimizer == Optimizer::Gd;
        let offset_train = centred.then(|| output_g(&arch, &params, data.x_train.view()));
        let offset_test = centred.then(|| output_g(&arch, &params, data.x_test.view()));
        let f0_train = output_f(&arch, &params, data.x_train.view(), offset_train.as_ref());
        let f0_test = output_f(&arch, &params, data.x_test.view(), offset_test.as_ref());

        let init = InitialNetwork {
            arch: &arch,
            params: &params,
            f0_train: &f0_train,
            f0_test: &f0_test,
        };
        let theory = Theory::build(preset, &data, init)?;
        let probe = build_probe(&arch, &params, &data);
        let w0_spectral = super::measures::spectral_norm(params.w.view());
        let hidden_w0_spectral = params
            .hidden
            .iter()
            .map(|layer| super::measures::spectral_norm(layer.w.view()))
            .collect();
        let outputs = data.outputs();
        let tests = data.x_test.nrows();

        Ok(Trainer {
            preset: preset.clone(),
            arch,
            initial: params.clone(),
            backup: params.clone(),
            grad: params.zeros_like(),
            work: TrainingWorkspace::new(&arch, data.x_train.nrows()),
            stepper: Stepper::new(&preset.train, arch.gamma),
            offset_train,
            offset_test,
            probe,
            theory,
            posterior: PosteriorAverage {
                sum: Array2::zeros((tests, outputs)),
                sum_sq: Array2::zeros((tests, outputs)),
                count: 0,
            },
            step: 0,
            w0_spectral,
            hidden_w0_spectral,
            initial_loss: None,
            divergence: None,
            params,
            data,
        })
    }

    pub fn step_count(&self) -> u64 {
        self.step
    }

    pub fn preset(&self) -> &Preset {
        &self.preset
    }

    pub fn dataset(&self) -> &Dataset {
        &self.data
    }

    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Step and reason of the divergence (a non-finite or exploded loss), if any.
    pub fn divergence(&self) -> Option<&(u64, String)> {
        self.divergence.as_ref()
    }

    /// Takes one optimiser step and returns the loss *before* it. After a
    /// NaN, infinite or exploded loss (see `EXPLOSION_FACTOR`) the
    /// parameters are rolled back to the previous state, the divergence is
    /// recorded and further calls do nothing.
    pub fn step(&mut self) -> Result<f64, TrainError> {
        if let Some((step, reason)) = &self.divergence {
            return Err(TrainError::Diverged {
                step: *step,
                reason: reason.clone(),
            });
        }
        let loss = self.work.loss_and_gradient(
            &self.arch,
            &self.params,
            self.data.x_train.view(),
            self.data.y_train.view(),
            self.offset_train.as_ref(),
            &mut self.grad,
        );
        let initial_loss = *self.initial_loss.get_or_insert(loss);
        if !loss.is_finite() || loss > EXPLOSION_FACTOR * initial_loss.max(1.0) {
            return Err(self.record_divergence(loss));
        }
        self.backup.clone_from(&self.params);
        self.stepper
            .update(&mut self.params, &self.grad, self.data.x_train.nrows());
        self.step += 1;
        if self.preset.train.optimizer == Optimizer::Langevin
            && self.step > self.preset.train.burn_in
        {
            self.maybe_accumulate_posterior();
        }
        Ok(loss)
    }

    fn record_divergence(&mut self, loss: f64) -> TrainError {
        // The loss is evaluated at the parameters reached by the previous
        // update, so those are the bad ones: go back to the state before it.
        if self.step > 0 {
            self.params.clone_from(&self.backup);
            self.step -= 1;
        }
        let bad_step = self.step + 1;
        let eta0 = self.preset.train.learning_rate;
        let limit = self.theory.numerics.max_stable_learning_rate;
        let advice = if eta0 > limit {
            format!("eta0 = {eta0} is above the stable limit {limit:.3e}; lower the learning rate")
        } else {
            format!(
                "eta0 = {eta0} is below the step-0 stable limit {limit:.3e}, so the instability \
                 grew during training; try a smaller learning rate"
            )
        };
        let reason = format!("the training loss became {loss:.3e}: {advice}");
        tracing::warn!(step = bad_step, %reason, "run diverged");
        self.divergence = Some((bad_step, reason.clone()));
        TrainError::Diverged {
            step: bad_step,
            reason,
        }
    }

    /// Adds the current test-set function to the posterior average every
    /// `log_every` steps (consecutive Langevin samples are strongly
    /// correlated, so thinning loses little).
    fn maybe_accumulate_posterior(&mut self) {
        if !self.step.is_multiple_of(self.preset.train.log_every) {
            return;
        }
        let f = output_f(&self.arch, &self.params, self.data.x_test.view(), None);
        self.posterior.sum += &f;
        self.posterior.sum_sq += &f.mapv(|v| v * v);
        self.posterior.count += 1;
    }

    /// Static description of the run for the front ends.
    pub fn info(&self) -> RunInfo {
        let first_column = |m: &Array2<f64>| m.slice(s![.., 0]).to_vec();
        RunInfo {
            preset: self.preset.clone(),
            gamma: self.arch.gamma,
            x_train: first_column(&self.data.x_train),
            y_train: first_column(&self.data.y_train),
            x_test: first_column(&self.data.x_test),
            y_test: first_column(&self.data.y_test),
            input_dim: self.data.input_dim(),
            is_classification: self.data.is_classification(),
            nngp_accuracy: self.theory.nngp_accuracy,
            ntk_accuracy: self.theory.ntk_accuracy,
            numerics: self.theory.numerics.clone(),
        }
    }
}

/// Rejects networks with more than `MAX_PARAMETERS` trainable entries, which
/// would otherwise abort the process when the allocation fails.
fn check_size(arch: &Architecture) -> Result<(), TrainError> {
    let width = arch.width;
    let per_layer = width.saturating_mul(width).saturating_add(width);
    let hidden = per_layer.saturating_mul(arch.depth.saturating_sub(1));
    let first_and_readout = width.saturating_mul(arch.input_dim + 1 + arch.outputs);
    let parameters = hidden.saturating_add(first_and_readout);
    if parameters <= MAX_PARAMETERS {
        return Ok(());
    }
    Err(TrainError::NetworkTooLarge {
        width,
        depth: arch.depth,
        parameters,
        max: MAX_PARAMETERS,
    })
}

fn build_probe(arch: &Architecture, params: &Params, data: &Dataset) -> Probe {
    let count = data.x_train.nrows().min(MAX_PROBE);
    let x = data.x_train.slice(s![..count, ..]).to_owned();
    let y = data.y_train.slice(s![..count, ..]).to_owned();
    let k0 = input_kernel(arch, x.view(), x.view());
    let features = Features::compute(arch, params, x.view());
    let ntk0 = crate::model::empirical_ntk(arch, params, &features, &features, &k0);
    Probe {
        x,
        y,
        k0,
        phi0: features.phi,
        ntk0,
    }
}
