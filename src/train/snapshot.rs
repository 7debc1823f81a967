//! Messages between the training thread and its front end.

use std::sync::Arc;

use crate::config::types::Preset;

/// Names of the metric columns, in `metrics.csv` order after `step`.
pub const METRIC_NAMES: [&str; 11] = [
    "train_loss",
    "test_loss",
    "weight_change_w",
    "weight_change_a",
    "feature_change",
    "kernel_distance",
    "kernel_change",
    "kernel_alignment",
    "gap_ntk",
    "gap_linearized",
    "gap_gp",
];

/// One logged row of metrics. `test_accuracy` is `None` for regression.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricRow {
    pub step: u64,
    /// Values in `METRIC_NAMES` order.
    pub values: [f64; 11],
    pub test_accuracy: Option<f64>,
    /// Uncentred kernel-target alignment (Cristianini et al. 2001).
    pub kernel_alignment_uncentred: f64,
    /// `|W_t - W_0|_2 / |W_0|_2`, spectral-norm ratio of the first layer.
    pub weight_change_w_spectral: f64,
    /// Weight change of the hidden layers `2..L` in order, empty at depth 1.
    pub hidden_weight_change: Vec<LayerChange>,
}

/// Weight change `W^l_t - W^l_0` of one hidden layer `l >= 2`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerChange {
    /// `|W_t - W_0|_F / |W_0|_F`.
    pub frobenius: f64,
    /// `|W_t - W_0|_2 / |W_0|_2`.
    pub spectral: f64,
}

impl MetricRow {
    pub fn get(&self, name: &str) -> Option<f64> {
        METRIC_NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| self.values[i])
    }

    /// Returns the values of the per-layer columns in [`layer_metric_names`] order.
    pub fn layer_metric_values(&self) -> Vec<f64> {
        let changes = &self.hidden_weight_change;
        let frobenius = changes.iter().map(|change| change.frobenius);
        frobenius
            .chain(changes.iter().map(|change| change.spectral))
            .collect()
    }
}

/// Names of the per-layer weight-change columns of a network with `depth`
/// hidden layers: `weight_change_w2` .. `weight_change_wL`, then
/// `weight_change_w2_spectral` .. `weight_change_wL_spectral`. Empty at
/// depth 1, where `weight_change_w` covers the only hidden layer.
pub fn layer_metric_names(depth: usize) -> Vec<String> {
    let layers = 2..=depth;
    let frobenius = layers.clone().map(|l| format!("weight_change_w{l}"));
    frobenius
        .chain(layers.map(|l| format!("weight_change_w{l}_spectral")))
        .collect()
}

/// Curves on the test inputs, one value per test point (first output).
#[derive(Clone, Debug, Default)]
pub struct FunctionView {
    /// Network output (for Langevin after burn-in: the running posterior mean).
    pub network: Vec<f64>,
    /// Current Langevin sample (empty for GD).
    pub sample: Vec<f64>,
    /// Infinite-width NTK prediction at the current step.
    pub ntk: Vec<f64>,
    /// Linearised network (empirical NTK at step 0) at the current step.
    pub linearized: Vec<f64>,
    pub gp_mean: Vec<f64>,
    /// GP posterior standard deviation of `f`.
    pub gp_sd: Vec<f64>,
}

/// Data and theory that do not change during a run.
#[derive(Clone, Debug)]
pub struct RunInfo {
    pub preset: Preset,
    pub gamma: f64,
    /// Training inputs and targets (first column and first output), for plots.
    pub x_train: Vec<f64>,
    pub y_train: Vec<f64>,
    pub x_test: Vec<f64>,
    pub y_test: Vec<f64>,
    pub input_dim: usize,
    pub is_classification: bool,
    /// Test accuracy of the NNGP and NTK (t = inf) predictors, classification only.
    pub nngp_accuracy: Option<f64>,
    pub ntk_accuracy: Option<f64>,
    pub numerics: Numerics,
}

/// Conditioning of the step-0 kernels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Numerics {
    /// Condition number of the analytic NTK on the training inputs.
    pub ntk_condition: f64,
    /// Smallest eigenvalue of the analytic NTK on the training inputs.
    pub ntk_min_eigenvalue: f64,
    /// Largest eigenvalue of the analytic NTK on the training inputs.
    pub ntk_max_eigenvalue: f64,
    /// Jitter added to the diagonal to make a Cholesky factorisation succeed.
    pub jitter: f64,
    /// Largest stable `eta0`: `2P / lambda_max` for GD, `1 / max(1, lambda_max / T0)` for Langevin.
    pub max_stable_learning_rate: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RunState {
    /// Building the network and the theory overlays.
    Starting,
    Running,
    Paused,
    /// The step budget is spent.
    Finished,
    /// The loss became NaN or infinite at `step`; the last finite state is kept.
    Diverged {
        step: u64,
        reason: String,
    },
    /// The run could not start (for example, invalid data).
    Failed(String),
}

/// Message from the training thread: metric rows since the previous
/// snapshot and the latest function view.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// Increases with every restart, so a front end can drop stale rows.
    pub generation: u64,
    pub step: u64,
    pub steps_per_second: f64,
    pub state: RunState,
    /// Set in the first snapshot of each generation.
    pub info: Option<Arc<RunInfo>>,
    pub rows: Vec<MetricRow>,
    pub view: Option<FunctionView>,
}

/// Request from a front end to the training thread.
#[derive(Clone, Debug)]
pub enum Command {
    Pause,
    Resume,
    /// Start again from a new initialisation with these settings.
    Restart(Box<Preset>),
    Stop,
}
