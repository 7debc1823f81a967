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

    #[error(
        "{file}, line {line}, column {column}{}: {problem}",
        column_label(name)
    )]
    TableCell {
        /// The file as named in the preset.
        file: String,
        /// 1-based line in the file.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The column's header name, when the file has a header.
        name: Option<String>,
        problem: String,
    },

    #[error(
        "{file}, line {line}: found {found} columns, expected {expected} as on line {first_line}"
    )]
    TableRowLength {
        file: String,
        line: usize,
        found: usize,
        expected: usize,
        first_line: usize,
    },

    #[error("{file}: {problem}")]
    Table { file: String, problem: String },

    #[error("failed to read data file {path}: {error}")]
    ReadFile { path: String, error: std::io::Error },

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

fn column_label(name: &Option<String>) -> String {
    match name {
        Some(name) => format!(" ({name:?})"),
        None => String::new(),
    }
}
