//! CSV input points for `lazyrich kernel`: no panic, a matrix of finite
//! values on success, and error rows inside the file.

#![no_main]

use std::path::Path;

use lazyrich::headless::kernel::{InputFileError, parse_input_rows};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let lines = data.split(|byte| *byte == b'\n').count() as u64;
    match parse_input_rows(Path::new("x.csv"), data) {
        Ok(matrix) => {
            assert!(matrix.nrows() >= 1);
            assert!(matrix.ncols() >= 1);
            assert!(matrix.iter().all(|value| value.is_finite()));
        }
        Err(InputFileError::InvalidCell { row, column, .. }) => {
            assert!(row >= 1);
            assert!(row <= lines, "row {row} of {lines}");
            assert!(column >= 1);
        }
        Err(InputFileError::ColumnCount { row, first_row, .. }) => {
            assert!(first_row >= 1);
            assert!(first_row < row, "rows {first_row} and {row}");
            assert!(row <= lines, "row {row} of {lines}");
        }
        Err(_) => {}
    }
});
