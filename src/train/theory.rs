//! The infinite-width overlays of a run: GP posterior, NTK prediction and the
//! linearised network, built once at step 0.
//!
//! ```text
//! GP:          mean K_*(K + T0 I)^-1 Y,  variance (K_** - K_*(K + T0 I)^-1 K_*^T) / gamma^2
//! NTK(t):      Theta_* Theta^-1 (I - (I - eta0 Theta / P)^t) Y
//! linearised:  f_0 + Theta0_* Theta0^-1 (I - (I - eta0 Theta0 / P)^t) (Y - f_0)
//! ```
//!
//! All kernels are those of `g`; `eta0` and `T0` carry the `gamma^2` of `f`,
//! so only the GP variance depends on `gamma`.

use ndarray::{Array2, ArrayView2};

use crate::config::types::{Optimizer, Preset};
use crate::data::{Dataset, accuracy};
use crate::kernels::{
    GpPosterior, NtkPredictor, analytic_kernels, analytic_kernels_diag, gp_posterior,
};
use crate::model::{Architecture, Features, Params, empirical_ntk, input_kernel};

use super::TrainError;
use super::snapshot::Numerics;

pub struct Theory {
    ntk: NtkPredictor,
    ntk_limit: Array2<f64>,
    linearized: NtkPredictor,
    linearized_limit: Array2<f64>,
    /// `f_0` on the test inputs (zero when centred).
    f0_test: Array2<f64>,
    pub gp: GpPosterior,
    pub numerics: Numerics,
    pub nngp_accuracy: Option<f64>,
    pub ntk_accuracy: Option<f64>,
}

/// Inputs of [`Theory::build`] that describe the network at step 0.
pub struct InitialNetwork<'a> {
    pub arch: &'a Architecture,
    pub params: &'a Params,
    /// `f_0` on the training and test inputs, `P x C` and `Q x C`.
    pub f0_train: &'a Array2<f64>,
    pub f0_test: &'a Array2<f64>,
}

impl Theory {
    pub fn build(
        preset: &Preset,
        data: &Dataset,
        init: InitialNetwork,
    ) -> Result<Self, TrainError> {
        let model = &preset.model;
        let x = data.x_train.view();
        let xs = data.x_test.view();
        let train = analytic_kernels(model, x, x);
        let cross = analytic_kernels(model, xs, x);
        let (nngp_diag, _) = analytic_kernels_diag(model, xs);
        let eta0 = preset.train.learning_rate;

        let gp = gp_posterior(
            &train.nngp,
            &cross.nngp,
            &nngp_diag,
            &data.y_train,
            preset.train.temperature,
        )?;
        let ntk = NtkPredictor::new(&train.ntk, &cross.ntk, &data.y_train, eta0)?;
        let ntk_limit = ntk.predict_limit();

        let (linearized, linearized_limit) = linearized_predictor(data, &init, eta0)?;
        let numerics = numerics(preset, &ntk, gp.jitter.max(ntk.jitter()), x.nrows());
        let (nngp_accuracy, ntk_accuracy) = if data.is_classification() {
            (
                Some(accuracy(gp.mean.view(), &data.task, &data.test_class)),
                Some(accuracy(ntk_limit.view(), &data.task, &data.test_class)),
            )
        } else {
            (None, None)
        };
        Ok(Theory {
            ntk,
            ntk_limit,
            linearized,
            linearized_limit: linearized_limit + init.f0_test,
            f0_test: init.f0_test.clone(),
            gp,
            numerics,
            nngp_accuracy,
            ntk_accuracy,
        })
    }

    /// Infinite-width NTK prediction on the test inputs after `step` GD steps;
    /// Langevin runs use the `t = inf` limit.
    pub fn ntk_at(&self, optimizer: Optimizer, step: u64) -> Array2<f64> {
        match optimizer {
            Optimizer::Gd => self.ntk.predict(step),
            Optimizer::Langevin => self.ntk_limit.clone(),
        }
    }

    pub fn ntk_limit(&self) -> ArrayView2<'_, f64> {
        self.ntk_limit.view()
    }

    /// Linearised network on the test inputs after `step` GD steps (the
    /// `t = inf` limit for Langevin runs).
    pub fn linearized_at(&self, optimizer: Optimizer, step: u64) -> Array2<f64> {
        match optimizer {
            Optimizer::Gd => self.linearized.predict(step) + &self.f0_test,
            Optimizer::Langevin => self.linearized_limit.clone(),
        }
    }

    /// GP posterior standard deviation of `f` on the test inputs.
    pub fn gp_sd(&self, gamma: f64) -> Vec<f64> {
        self.gp
            .variance
            .iter()
            .map(|v| v.max(0.0).sqrt() / gamma)
            .collect()
    }
}

/// Linearised network from the empirical NTK at step 0; returns the predictor
/// of the change from `f_0` and its `t = inf` limit.
fn linearized_predictor(
    data: &Dataset,
    init: &InitialNetwork,
    eta0: f64,
) -> Result<(NtkPredictor, Array2<f64>), TrainError> {
    let x = data.x_train.view();
    let xs = data.x_test.view();
    let train_features = Features::compute(init.arch, init.params, x);
    let test_features = Features::compute(init.arch, init.params, xs);
    let k0_train = input_kernel(init.arch, x, x);
    let k0_cross = input_kernel(init.arch, xs, x);
    let theta_train = empirical_ntk(
        init.arch,
        init.params,
        &train_features,
        &train_features,
        &k0_train,
    );
    let theta_cross = empirical_ntk(
        init.arch,
        init.params,
        &test_features,
        &train_features,
        &k0_cross,
    );
    let residual = &data.y_train - init.f0_train;
    let predictor = NtkPredictor::new(&theta_train, &theta_cross, &residual, eta0)?;
    let limit = predictor.predict_limit();
    Ok((predictor, limit))
}

fn numerics(preset: &Preset, ntk: &NtkPredictor, jitter: f64, points: usize) -> Numerics {
    let max_eigenvalue = ntk.max_eigenvalue();
    let max_stable_learning_rate = match preset.train.optimizer {
        Optimizer::Gd => 2.0 * points as f64 / max_eigenvalue,
        Optimizer::Langevin => 1.0 / (max_eigenvalue / preset.train.temperature).max(1.0),
    };
    Numerics {
        ntk_condition: ntk.condition(),
        ntk_min_eigenvalue: ntk.min_eigenvalue(),
        ntk_max_eigenvalue: max_eigenvalue,
        jitter,
        max_stable_learning_rate,
    }
}
