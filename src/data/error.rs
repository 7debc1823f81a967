//! Errors from building a dataset.

/// A dataset that could not be built. Each message names the setting, row or
/// cell at fault.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("failed to decompress the bundled digits data: {0}")]
    Decompress(std::io::Error),

    #[error("invalid digits data in row {row}: {message}")]
    Csv { row: usize, message: String },

    #[error("invalid digits data in row {row}, column {column}: cell {cell:?} is not {expected}")]
    InvalidCell {
        /// 1-based row in the CSV file.
        row: usize,
        /// 1-based column in the CSV file.
        column: usize,
        cell: String,
        expected: String,
    },

    #[error("invalid digits data in row {row}: found {found} columns, expected {expected}")]
    ColumnCount {
        row: usize,
        found: usize,
        expected: usize,
    },

    #[error("invalid data settings: {0}")]
    InvalidConfig(String),

    #[error(
        "not enough digit rows: data.train + data.test = {requested}, but classes \
         {classes:?} have {available} rows"
    )]
    NotEnoughRows {
        requested: usize,
        available: usize,
        classes: Vec<u8>,
    },
}
