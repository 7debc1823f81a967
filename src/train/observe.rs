//! Reports of a run at a logged step: the metric row, the function view
//! and the final predictions.

use ndarray::{Array2, s};

use crate::config::types::Optimizer;
use crate::data::accuracy;
use crate::model::{Features, empirical_ntk, output_f};

use super::measures::{
    half_mse, kernel_alignment, kernel_distance, relative_change, rms_gap, spectral_norm,
};
use super::snapshot::{FunctionView, LayerChange, MetricRow};
use super::trainer::Trainer;

/// Test-set curves of a run, `Q x C` each.
#[derive(Clone, Debug)]
pub struct Predictions {
    /// Current network `f` (the current Langevin sample).
    pub network: Array2<f64>,
    /// Curve compared with theory: `network` for GD, the running posterior
    /// mean after burn-in for Langevin.
    pub estimate: Array2<f64>,
    /// Posterior standard deviation of the Langevin samples (empty for GD).
    pub sample_sd: Option<Array2<f64>>,
    pub ntk: Array2<f64>,
    pub ntk_limit: Array2<f64>,
    pub linearized: Array2<f64>,
    pub gp_mean: Array2<f64>,
    /// GP posterior standard deviation of `f`, one per test point.
    pub gp_sd: Vec<f64>,
}

impl Trainer {
    fn optimizer(&self) -> Optimizer {
        self.preset.train.optimizer
    }

    /// Computes every curve on the test inputs at the current step.
    pub fn predictions(&self) -> Predictions {
        let network = output_f(
            &self.arch,
            &self.params,
            self.data.x_test.view(),
            self.offset_test.as_ref(),
        );
        let count = self.posterior.count;
        let (estimate, sample_sd) = if self.optimizer() == Optimizer::Langevin && count > 0 {
            let mean = &self.posterior.sum / count as f64;
            let second = &self.posterior.sum_sq / count as f64;
            let sd = Array2::from_shape_fn(mean.raw_dim(), |ij| {
                (second[ij] - mean[ij] * mean[ij]).max(0.0).sqrt()
            });
            (mean, Some(sd))
        } else {
            (network.clone(), None)
        };
        Predictions {
            network,
            estimate,
            sample_sd,
            ntk: self.theory.ntk_at(self.optimizer(), self.step),
            ntk_limit: self.theory.ntk_limit().to_owned(),
            linearized: self.theory.linearized_at(self.optimizer(), self.step),
            gp_mean: self.theory.gp.mean.clone(),
            gp_sd: self.theory.gp_sd(self.arch.gamma),
        }
    }

    /// Computes the metric row of the current step.
    pub fn metrics(&self) -> MetricRow {
        let predictions = self.predictions();
        let f_train = output_f(
            &self.arch,
            &self.params,
            self.data.x_train.view(),
            self.offset_train.as_ref(),
        );
        let train_loss = half_mse(f_train.view(), self.data.y_train.view());
        let test_loss = half_mse(predictions.network.view(), self.data.y_test.view());

        let probe = &self.probe;
        let features = Features::compute(&self.arch, &self.params, probe.x.view());
        let ntk = empirical_ntk(&self.arch, &self.params, &features, &features, &probe.k0);
        let estimate = predictions.estimate.view();
        let test_accuracy = self
            .data
            .is_classification()
            .then(|| accuracy(estimate, &self.data.task, &self.data.test_class));

        let values = [
            train_loss,
            test_loss,
            relative_change(self.params.w.view(), self.initial.w.view()),
            relative_change(self.params.a.view(), self.initial.a.view()),
            relative_change(features.phi.view(), probe.phi0.view()),
            kernel_distance(probe.ntk0.view(), ntk.view()),
            relative_change(ntk.view(), probe.ntk0.view()),
            kernel_alignment(ntk.view(), probe.y.view(), true),
            rms_gap(estimate, predictions.ntk.view()),
            rms_gap(estimate, predictions.linearized.view()),
            rms_gap(estimate, predictions.gp_mean.view()),
        ];
        let w_change = &self.params.w - &self.initial.w;
        MetricRow {
            step: self.step,
            values,
            test_accuracy,
            kernel_alignment_uncentred: kernel_alignment(ntk.view(), probe.y.view(), false),
            weight_change_w_spectral: spectral_norm(w_change.view()) / self.w0_spectral,
            hidden_weight_change: self.hidden_weight_change(),
        }
    }

    /// Frobenius and spectral weight change of each hidden layer `2..L`.
    fn hidden_weight_change(&self) -> Vec<LayerChange> {
        let layers = self.params.hidden.iter().zip(&self.initial.hidden);
        layers
            .zip(&self.hidden_w0_spectral)
            .map(|((current, initial), &initial_spectral)| {
                let change = &current.w - &initial.w;
                LayerChange {
                    frobenius: relative_change(current.w.view(), initial.w.view()),
                    spectral: spectral_norm(change.view()) / initial_spectral,
                }
            })
            .collect()
    }

    /// First-output curves for the function view.
    pub fn function_view(&self) -> FunctionView {
        let p = self.predictions();
        let first = |m: &Array2<f64>| m.slice(s![.., 0]).to_vec();
        FunctionView {
            network: first(&p.estimate),
            sample: match self.optimizer() {
                Optimizer::Langevin => first(&p.network),
                Optimizer::Gd => Vec::new(),
            },
            ntk: first(&p.ntk),
            linearized: first(&p.linearized),
            gp_mean: first(&p.gp_mean),
            gp_sd: p.gp_sd,
        }
    }
}
