//! Validated settings of the CSV and teacher datasets and of the default
//! sweep grid.

use serde::{Deserialize, Serialize};

use super::types::Activation;

/// Column of a CSV table that contains the regression target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CsvTarget {
    /// The column with this header name.
    Name(String),
    /// The column at this 1-based position, as error messages count columns.
    Number(usize),
    /// The last column (the default).
    Last,
}

/// Whether the first line of a CSV file is a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HeaderMode {
    Present,
    Absent,
    /// A header when any cell of the first line is not a number.
    Auto,
}

/// Kind of target in a CSV table: numbers or class labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CsvTask {
    /// Real numbers, fitted by squared loss.
    Regression,
    /// Class labels (any text), coded by `data.encoding`.
    Classification,
}

impl CsvTask {
    pub const ALL: [CsvTask; 2] = [CsvTask::Regression, CsvTask::Classification];

    pub fn name(self) -> &'static str {
        match self {
            CsvTask::Regression => "regression",
            CsvTask::Classification => "classification",
        }
    }
}

/// Source files and target column of a CSV dataset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvConfig {
    /// Path of the table. For a preset file it is resolved against the
    /// file's folder. For a bundled preset it names a bundled data file
    /// relative to `presets/`, and `bundled` is true.
    pub path: String,
    /// Optional separate test table, resolved like `path`.
    pub test_path: Option<String>,
    pub target: CsvTarget,
    pub header: HeaderMode,
    pub task: CsvTask,
    /// The paths name files compiled into the binary.
    pub bundled: bool,
}

/// Random teacher network of `kind = "teacher"`:
/// `y = k^-1/2 sum_i phi*(u_i . x)` with orthonormal `u_1 .. u_k` in `R^D`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeacherConfig {
    /// Input dimension `D`.
    pub input_dim: usize,
    /// Number of teacher neurons `k`; 1 is a single-index model.
    pub neurons: usize,
    /// The teacher's activation `phi*`.
    pub activation: Activation,
}

impl Default for TeacherConfig {
    fn default() -> Self {
        TeacherConfig {
            input_dim: 16,
            neurons: 1,
            activation: Activation::Relu,
        }
    }
}

/// The default grid of `lazyrich sweep`, from the preset's `[sweep]` section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepConfig {
    /// Entries of the form `section.key=v1,v2,...`, as `--grid` takes them.
    pub grid: Vec<String>,
    /// Seeds per grid point.
    pub seeds: usize,
}

impl Default for SweepConfig {
    fn default() -> Self {
        SweepConfig {
            grid: Vec::new(),
            seeds: 1,
        }
    }
}
