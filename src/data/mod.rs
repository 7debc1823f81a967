//! Datasets: synthetic 1-D generators, two-class planar data, teacher
//! data, CSV tables and the bundled handwritten digits.

mod accuracy;
mod classification;
mod csv_classes;
mod csv_dataset;
pub mod csv_file;
pub mod dataset;
pub mod digits;
mod error;
mod planar;
mod synthetic;
mod teacher;

pub use accuracy::{accuracy, predicted_class};
pub use classification::{encode_targets, generate_digits, standardise};
pub use csv_classes::MAX_CSV_CLASSES;
pub use csv_dataset::load_csv_dataset;
pub use csv_file::{Table, TableOptions, parse_table};
pub use dataset::{Dataset, Task};
pub use error::DataError;
pub use planar::generate_planar;
pub use synthetic::{generate_one_dimensional, grid, target_function};
pub use teacher::{generate_teacher, teacher_alignment};

use crate::config::types::{DataConfig, DataKind};

/// Builds the dataset that `config` describes.
pub fn load_dataset(config: &DataConfig) -> Result<Dataset, DataError> {
    match config.kind {
        DataKind::Digits => generate_digits(config),
        DataKind::Xor | DataKind::Circles | DataKind::Spirals => generate_planar(config),
        DataKind::Teacher => generate_teacher(config),
        DataKind::Csv => load_csv_dataset(config),
        DataKind::Sine1d | DataKind::Abs1d | DataKind::Step1d | DataKind::Cubic1d => {
            generate_one_dimensional(config)
        }
    }
}
