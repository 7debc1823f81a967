//! `lazyrich kernel`: infinite-width NNGP and NTK matrices between input rows read from CSV.
//!
//! Input files contain one point per row, numbers only, with an optional header line. The
//! kernels are those of the network output `g` ([`analytic_kernels`]), so they use the
//! preset's activation, depth, `sigma_w`, `sigma_b` and `sigma_a` and ignore the width and
//! the scaling. Each output file is a matrix without a header, one CSV row per point, every
//! value in the shortest form that parses back to the same `f64`.

use std::path::{Path, PathBuf};

use ndarray::{Array2, ArrayView2};

use super::files::write_atomic;
use super::number::format_float;
use crate::config::types::ModelConfig;
use crate::kernels::analytic_kernels;

/// Files and folders of one `lazyrich kernel` call.
#[derive(Clone, Debug)]
pub struct KernelOptions {
    /// CSV file with the `P` training inputs.
    pub inputs: PathBuf,
    /// CSV file with `Q` test inputs, for the `Q x P` cross kernels.
    pub test: Option<PathBuf>,
    /// Output folder, created if missing.
    pub out: PathBuf,
}

/// Sizes and paths of what [`write_kernels`] wrote.
#[derive(Clone, Debug)]
pub struct KernelReport {
    /// Number of training inputs `P`.
    pub train_points: usize,
    /// Number of test inputs `Q`, when a test file was given.
    pub test_points: Option<usize>,
    /// Input dimension `D`.
    pub dimension: usize,
    /// The files written, in order.
    pub files: Vec<PathBuf>,
}

/// An input file that cannot be used. Rows are numbered by their line in the file,
/// from 1 and counting a header line; columns are numbered from 1.
#[derive(Debug, thiserror::Error)]
pub enum InputFileError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid CSV in {}: {source}", path.display())]
    Csv { path: PathBuf, source: csv::Error },
    #[error("invalid input in {}, row {row}, column {column}: {cell:?} is not a finite number", path.display())]
    InvalidCell {
        path: PathBuf,
        row: u64,
        column: usize,
        cell: String,
    },
    #[error(
        "invalid input in {}, row {row}: found {found} columns, expected {expected} as in row {first_row}",
        path.display()
    )]
    ColumnCount {
        path: PathBuf,
        row: u64,
        found: usize,
        expected: usize,
        first_row: u64,
    },
    #[error("{} contains no input rows", path.display())]
    Empty { path: PathBuf },
    #[error(
        "{} has {found} columns but the training inputs {} have {expected}; both need the same dimension",
        test.display(),
        inputs.display()
    )]
    DimensionMismatch {
        inputs: PathBuf,
        test: PathBuf,
        expected: usize,
        found: usize,
    },
}

/// A failed `lazyrich kernel` call: invalid input, or an output file that could not be
/// written.
#[derive(Debug, thiserror::Error)]
pub enum KernelCommandError {
    #[error(transparent)]
    Input(#[from] InputFileError),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Reads the inputs, computes the kernels of `model` and writes `nngp.csv` and `ntk.csv`
/// (`P x P`), plus `nngp_test.csv` and `ntk_test.csv` (`Q x P`, test rows against training
/// rows) when `options.test` is set.
///
/// Every input file is read and checked before anything is computed or written. Each file
/// is written atomically, so a reader never sees a partial matrix.
pub fn write_kernels(
    model: &ModelConfig,
    options: &KernelOptions,
) -> Result<KernelReport, KernelCommandError> {
    let train = read_input_rows(&options.inputs)?;
    let test = match &options.test {
        Some(path) => {
            let test = read_input_rows(path)?;
            if test.ncols() != train.ncols() {
                return Err(InputFileError::DimensionMismatch {
                    inputs: options.inputs.clone(),
                    test: path.clone(),
                    expected: train.ncols(),
                    found: test.ncols(),
                }
                .into());
            }
            Some(test)
        }
        None => None,
    };
    tracing::info!(
        activation = model.activation.name(),
        depth = model.depth,
        train_points = train.nrows(),
        test_points = test.as_ref().map(|t| t.nrows()),
        "computing analytic kernels"
    );

    std::fs::create_dir_all(&options.out).map_err(|source| KernelCommandError::Write {
        path: options.out.clone(),
        source,
    })?;
    let mut files = Vec::new();
    let kernels = analytic_kernels(model, train.view(), train.view());
    files.push(write_matrix(
        &options.out.join("nngp.csv"),
        kernels.nngp.view(),
    )?);
    files.push(write_matrix(
        &options.out.join("ntk.csv"),
        kernels.ntk.view(),
    )?);
    if let Some(test) = &test {
        let cross = analytic_kernels(model, test.view(), train.view());
        files.push(write_matrix(
            &options.out.join("nngp_test.csv"),
            cross.nngp.view(),
        )?);
        files.push(write_matrix(
            &options.out.join("ntk_test.csv"),
            cross.ntk.view(),
        )?);
    }
    Ok(KernelReport {
        train_points: train.nrows(),
        test_points: test.as_ref().map(|t| t.nrows()),
        dimension: train.ncols(),
        files,
    })
}

/// Reads a CSV file of input points, one per row, into a `rows x D` matrix.
///
/// See [`parse_input_rows`] for the format.
pub fn read_input_rows(path: &Path) -> Result<Array2<f64>, InputFileError> {
    let bytes = std::fs::read(path).map_err(|source| InputFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_input_rows(path, &bytes)
}

/// Parses CSV text of input points; `path` only names the file in errors.
///
/// Cells are trimmed of spaces. The first line is a header, and skipped, when its first
/// cell does not parse as a number. Every other cell must be a finite number, every row
/// must have as many cells as the first data row, and blank lines are ignored. At least
/// one data row is required.
pub fn parse_input_rows(path: &Path, text: &[u8]) -> Result<Array2<f64>, InputFileError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text);
    let mut values = Vec::new();
    // Number of columns and the row that set it.
    let mut shape: Option<(usize, u64)> = None;
    let mut rows = 0;
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|source| InputFileError::Csv {
            path: path.to_path_buf(),
            source,
        })?;
        let row = record.position().map_or(index as u64 + 1, |p| p.line());
        let first_cell = record.get(0).unwrap_or("");
        if index == 0 && first_cell.parse::<f64>().is_err() {
            continue;
        }
        let (expected, first_row) = *shape.get_or_insert((record.len(), row));
        if record.len() != expected {
            return Err(InputFileError::ColumnCount {
                path: path.to_path_buf(),
                row,
                found: record.len(),
                expected,
                first_row,
            });
        }
        for (column, cell) in record.iter().enumerate() {
            values.push(parse_cell(path, row, column + 1, cell)?);
        }
        rows += 1;
    }
    let Some((columns, _)) = shape else {
        return Err(InputFileError::Empty {
            path: path.to_path_buf(),
        });
    };
    Ok(Array2::from_shape_vec((rows, columns), values)
        .expect("every row has `columns` cells, checked above"))
}

fn parse_cell(path: &Path, row: u64, column: usize, cell: &str) -> Result<f64, InputFileError> {
    match cell.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => Err(InputFileError::InvalidCell {
            path: path.to_path_buf(),
            row,
            column,
            cell: cell.to_string(),
        }),
    }
}

/// Writes `matrix` as CSV rows without a header, atomically, and returns the path.
fn write_matrix(path: &Path, matrix: ArrayView2<f64>) -> Result<PathBuf, KernelCommandError> {
    let mut text = String::with_capacity(matrix.len() * 24);
    for row in matrix.rows() {
        for (j, &value) in row.iter().enumerate() {
            if j > 0 {
                text.push(',');
            }
            text.push_str(&format_float(value));
        }
        text.push('\n');
    }
    write_atomic(path, text.as_bytes()).map_err(|source| KernelCommandError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Array2<f64>, InputFileError> {
        parse_input_rows(Path::new("x.csv"), text.as_bytes())
    }

    #[test]
    fn parse_reads_rows_and_skips_header() {
        let with_header = parse("x1, x2\n1, 2.5\n-3e2 ,0\n").expect("valid file");
        assert_eq!(with_header, ndarray::array![[1.0, 2.5], [-300.0, 0.0]]);
        let without_header = parse("1,2.5\n\n-3e2,0\n").expect("valid file");
        assert_eq!(without_header, with_header);
    }

    #[test]
    fn parse_names_row_and_column_of_bad_cell() {
        let error = parse("a,b\n1,2\n3,oops\n").expect_err("bad cell");
        match error {
            InputFileError::InvalidCell {
                row, column, cell, ..
            } => {
                assert_eq!(row, 3);
                assert_eq!(column, 2);
                assert_eq!(cell, "oops");
            }
            other => panic!("unexpected error {other}"),
        }
    }

    #[test]
    fn parse_rejects_non_finite_and_empty_cells() {
        for text in ["1,NaN\n", "1,inf\n", "1,\n"] {
            let error = parse(text).expect_err("non-finite or empty cell");
            assert!(
                matches!(
                    error,
                    InputFileError::InvalidCell {
                        row: 1,
                        column: 2,
                        ..
                    }
                ),
                "{text:?}: {error}"
            );
        }
    }

    #[test]
    fn parse_rejects_ragged_rows() {
        let error = parse("1,2\n3,4\n5\n").expect_err("ragged");
        assert!(
            matches!(
                error,
                InputFileError::ColumnCount {
                    row: 3,
                    found: 1,
                    expected: 2,
                    first_row: 1,
                    ..
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn parse_rejects_file_without_rows() {
        for text in ["", "x,y\n", "\n\n"] {
            let error = parse(text).expect_err("no rows");
            assert!(
                matches!(error, InputFileError::Empty { .. }),
                "{text:?}: {error}"
            );
        }
    }
}
