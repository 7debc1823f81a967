//! Datasets: synthetic 1-D generators and the bundled handwritten digits.

mod accuracy;
mod classification;
pub mod dataset;
pub mod digits;
mod error;
mod synthetic;

pub use accuracy::accuracy;
pub use classification::{encode_targets, generate_digits, standardise};
pub use dataset::{Dataset, Task};
pub use error::DataError;
pub use synthetic::{generate_one_dimensional, grid, target_function};

use crate::config::types::{DataConfig, DataKind};

/// Builds the dataset that `config` describes: a 1-D generator or the
/// bundled digits.
pub fn load_dataset(config: &DataConfig) -> Result<Dataset, DataError> {
    match config.kind {
        DataKind::Digits => generate_digits(config),
        _ => generate_one_dimensional(config),
    }
}
