//! In-memory dataset shared by training, theory overlays and writers.

use ndarray::{Array1, Array2};

/// Whether targets are real values or class codes.
#[derive(Clone, Debug, PartialEq)]
pub enum Task {
    Regression,
    /// Names of the classes, in output order (digits `"0"` to `"9"`, a CSV
    /// table's label text). With one output (two classes, plus/minus coding)
    /// the sign of `f` picks the class.
    Classification {
        labels: Vec<String>,
    },
}

/// Train and test split, inputs `P x D` and `Q x D`, targets `P x C` and `Q x C`.
#[derive(Clone, Debug)]
pub struct Dataset {
    pub x_train: Array2<f64>,
    pub y_train: Array2<f64>,
    pub x_test: Array2<f64>,
    pub y_test: Array2<f64>,
    /// Class index (position in `Task::Classification::labels`) of each test
    /// row; empty for regression.
    pub test_class: Array1<usize>,
    pub task: Task,
    /// Orthonormal teacher directions, `k x D`, for teacher data only.
    pub teacher: Option<Array2<f64>>,
}

impl Dataset {
    pub fn input_dim(&self) -> usize {
        self.x_train.ncols()
    }

    pub fn outputs(&self) -> usize {
        self.y_train.ncols()
    }

    pub fn is_classification(&self) -> bool {
        matches!(self.task, Task::Classification { .. })
    }
}

/// Requires a finite, non-negative `data.noise`.
pub(super) fn check_noise(noise: f64) -> Result<(), super::DataError> {
    if noise.is_finite() && noise >= 0.0 {
        return Ok(());
    }
    let message = format!("data.noise = {noise}: expected a finite number >= 0");
    Err(super::DataError::InvalidConfig(message))
}
