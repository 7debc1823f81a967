//! Validated settings of a run: what a preset file becomes after parsing.

use serde::{Deserialize, Serialize};

pub use super::data_types::{
    CsvConfig, CsvTarget, CsvTask, HeaderMode, SweepConfig, TeacherConfig,
};

/// Hidden-layer nonlinearity `phi`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Activation {
    /// `max(h, 0)`.
    Relu,
    /// The error function `erf(h)`.
    Erf,
    Tanh,
    Identity,
    /// `h Phi(h)`, with `Phi` the standard normal CDF (the exact form, not the tanh
    /// approximation).
    Gelu,
    /// `ln(1 + e^h)`.
    Softplus,
    /// `h` for `h > 0`, else `s h`, with the slope fixed at `s = 0.01`
    /// ([`Activation::LEAKY_RELU_SLOPE`]).
    LeakyRelu,
}

impl Activation {
    pub const ALL: [Activation; 7] = [
        Activation::Relu,
        Activation::Erf,
        Activation::Tanh,
        Activation::Identity,
        Activation::Gelu,
        Activation::Softplus,
        Activation::LeakyRelu,
    ];

    /// Slope of leaky relu for negative arguments.
    pub const LEAKY_RELU_SLOPE: f64 = 0.01;

    /// Name used in preset files and on screen.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::Erf => "erf",
            Activation::Tanh => "tanh",
            Activation::Identity => "identity",
            Activation::Gelu => "gelu",
            Activation::Softplus => "softplus",
            Activation::LeakyRelu => "leaky-relu",
        }
    }
}

/// Width scaling of the readout, which sets `gamma`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scaling {
    /// NTK parameterisation, `gamma = 1` (lazy as the width grows).
    Standard,
    /// Mean-field / muP, `gamma = sqrt(N)` (rich).
    MeanField,
    /// Continuous knob, `gamma = gamma0 * sqrt(N)`.
    Gamma0,
}

impl Scaling {
    pub const ALL: [Scaling; 3] = [Scaling::Standard, Scaling::MeanField, Scaling::Gamma0];

    pub fn name(self) -> &'static str {
        match self {
            Scaling::Standard => "standard",
            Scaling::MeanField => "mean-field",
            Scaling::Gamma0 => "gamma0",
        }
    }
}

/// Network architecture and initialisation multipliers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelConfig {
    /// Hidden width `N`.
    pub width: usize,
    /// Number of hidden layers `L`, each of width `N`.
    pub depth: usize,
    pub activation: Activation,
    pub sigma_w: f64,
    pub sigma_b: f64,
    pub sigma_a: f64,
    pub scaling: Scaling,
    /// Richness knob, used when `scaling = gamma0`.
    pub gamma0: f64,
    /// Subtract the initial function `g_0` so that training starts from `f = 0`.
    pub center: bool,
}

/// The defaults that a preset's `[model]` section falls back to.
impl Default for ModelConfig {
    fn default() -> Self {
        ModelConfig {
            width: 512,
            depth: 1,
            activation: Activation::Relu,
            sigma_w: 1.0,
            sigma_b: 1.0,
            sigma_a: 1.0,
            scaling: Scaling::Standard,
            gamma0: 1.0,
            center: false,
        }
    }
}

impl ModelConfig {
    /// Output multiplier `gamma` of `f = (g - g_0 [center]) / gamma`.
    pub fn gamma(&self) -> f64 {
        let root_n = (self.width as f64).sqrt();
        match self.scaling {
            Scaling::Standard => 1.0,
            Scaling::MeanField => root_n,
            Scaling::Gamma0 => self.gamma0 * root_n,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Optimizer {
    /// Full-batch gradient descent, `eta = eta0 * gamma^2`.
    Gd,
    /// Unadjusted Langevin algorithm, `T = T0 / gamma^2`, `eta = eta0`.
    Langevin,
}

impl Optimizer {
    pub const ALL: [Optimizer; 2] = [Optimizer::Gd, Optimizer::Langevin];

    pub fn name(self) -> &'static str {
        match self {
            Optimizer::Gd => "gd",
            Optimizer::Langevin => "langevin",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub optimizer: Optimizer,
    /// `eta0`, the learning rate before the `gamma^2` scaling.
    pub learning_rate: f64,
    /// `T0`, the Langevin temperature (observation-noise variance) before the
    /// `1/gamma^2` scaling; also the GP posterior's noise variance.
    pub temperature: f64,
    /// Langevin steps discarded before the posterior-mean average starts.
    pub burn_in: u64,
    /// Steps to train; 0 trains until stopped.
    pub steps: u64,
    /// Metrics are computed every `log_every` steps.
    pub log_every: u64,
    pub seed: u64,
}

/// The defaults that a preset's `[train]` section falls back to.
impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            optimizer: Optimizer::Gd,
            learning_rate: 0.1,
            temperature: 0.01,
            burn_in: 0,
            steps: 0,
            log_every: 10,
            seed: 0,
        }
    }
}

/// Dataset a run trains on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataKind {
    /// `y = sin(x)` on `[x_min, x_max]`.
    #[serde(rename = "sine-1d")]
    Sine1d,
    /// `y = |x|`, a kink that a kernel smooths over.
    #[serde(rename = "abs-1d")]
    Abs1d,
    /// `y = sign(x)`.
    #[serde(rename = "step-1d")]
    Step1d,
    /// `y = x^3 / 4 - x`.
    #[serde(rename = "cubic-1d")]
    Cubic1d,
    /// Bundled UCI handwritten digits, 8x8 pixels.
    Digits,
    /// Two classes in the plane, labelled by the sign of `x1 x2`.
    Xor,
    /// Two classes in the plane: an inner and an outer circle.
    Circles,
    /// Two classes in the plane: two interleaved spirals.
    Spirals,
    /// Gaussian inputs in `D` dimensions, targets from a random teacher network.
    Teacher,
    /// A table read from a CSV file.
    Csv,
}

impl DataKind {
    pub const ALL: [DataKind; 10] = [
        DataKind::Sine1d,
        DataKind::Abs1d,
        DataKind::Step1d,
        DataKind::Cubic1d,
        DataKind::Digits,
        DataKind::Xor,
        DataKind::Circles,
        DataKind::Spirals,
        DataKind::Teacher,
        DataKind::Csv,
    ];

    /// Returns whether the inputs are scalars drawn on `[x_min, x_max]`.
    pub fn is_one_dimensional(self) -> bool {
        matches!(
            self,
            DataKind::Sine1d | DataKind::Abs1d | DataKind::Step1d | DataKind::Cubic1d
        )
    }

    /// Returns whether the data are two classes in the plane with +-1 targets.
    pub fn is_planar(self) -> bool {
        matches!(self, DataKind::Xor | DataKind::Circles | DataKind::Spirals)
    }

    pub fn name(self) -> &'static str {
        match self {
            DataKind::Sine1d => "sine-1d",
            DataKind::Abs1d => "abs-1d",
            DataKind::Step1d => "step-1d",
            DataKind::Cubic1d => "cubic-1d",
            DataKind::Digits => "digits",
            DataKind::Xor => "xor",
            DataKind::Circles => "circles",
            DataKind::Spirals => "spirals",
            DataKind::Teacher => "teacher",
            DataKind::Csv => "csv",
        }
    }
}

/// Target coding for classification data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// One output per class, 1 for the true class and 0 elsewhere.
    OneHot,
    /// Two classes: one output, -1 for the first class and +1 for the second.
    /// More classes: one output per class, +1 for the true class, -1 elsewhere.
    PlusMinus,
}

impl Encoding {
    pub const ALL: [Encoding; 2] = [Encoding::OneHot, Encoding::PlusMinus];

    pub fn name(self) -> &'static str {
        match self {
            Encoding::OneHot => "one-hot",
            Encoding::PlusMinus => "plus-minus",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataConfig {
    pub kind: DataKind,
    /// Number of training points `P`.
    pub train: usize,
    /// Number of test points (the evaluation grid for 1-D data).
    pub test: usize,
    /// Standard deviation of Gaussian noise added to the training targets.
    pub noise: f64,
    pub seed: u64,
    /// Input range of the 1-D generators.
    pub x_min: f64,
    pub x_max: f64,
    /// Digit classes to keep (classification only).
    pub classes: Vec<u8>,
    pub encoding: Encoding,
    /// File, target column and header of `kind = "csv"`; `None` for other kinds.
    #[serde(default)]
    pub csv: Option<CsvConfig>,
    /// Teacher network of `kind = "teacher"`.
    #[serde(default)]
    pub teacher: TeacherConfig,
}

/// The defaults of a `[data]` section on 16 points of `sin(x)`, with the
/// 1-D range of [`crate::config::DEFAULT_X_MIN`] and `DEFAULT_X_MAX`.
impl Default for DataConfig {
    fn default() -> Self {
        DataConfig {
            kind: DataKind::Sine1d,
            train: 16,
            test: 200,
            noise: 0.0,
            seed: 0,
            x_min: -3.0,
            x_max: 3.0,
            classes: (0..=9).collect(),
            encoding: Encoding::OneHot,
            csv: None,
            teacher: TeacherConfig::default(),
        }
    }
}

/// A validated run description: data, model and training settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Preset {
    pub name: String,
    pub description: String,
    pub data: DataConfig,
    pub model: ModelConfig,
    pub train: TrainConfig,
    /// Default grid of `lazyrich sweep`; empty when the preset has none.
    #[serde(default)]
    pub sweep: SweepConfig,
}
