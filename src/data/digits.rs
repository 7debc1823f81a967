//! The bundled handwritten digits: decompression and CSV parsing.

use std::io::Read;

use flate2::read::GzDecoder;
use ndarray::Array2;

use super::error::DataError;

/// Gzipped CSV of the UCI optical handwritten digits (see `assets/README.md`).
const DIGITS_CSV_GZ: &[u8] = include_bytes!("../../assets/digits.csv.gz");

/// Pixels per image (8 x 8).
pub const PIXELS: usize = 64;

/// Largest pixel value, a count of set pixels in a 4 x 4 block.
pub const MAX_PIXEL: u8 = 16;

/// Rows of each class 0..=9 in the bundled data, 1797 in all.
pub const CLASS_COUNTS: [usize; 10] = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180];

/// Returns the number of bundled rows whose label is in `classes`. Classes
/// above 9 have no rows, and repeated classes count once.
pub fn rows_for_classes(classes: &[u8]) -> usize {
    CLASS_COUNTS
        .iter()
        .enumerate()
        .filter(|(class, _)| classes.iter().any(|wanted| usize::from(*wanted) == *class))
        .map(|(_, count)| count)
        .sum()
}

/// Images and labels, one row per image.
#[derive(Clone, Debug, PartialEq)]
pub struct DigitTable {
    /// `rows x 64` pixel values, each in `0..=16`.
    pub pixels: Array2<f64>,
    /// Class label of each row, `0..=9`.
    pub labels: Vec<u8>,
}

/// Decompresses and parses the bundled digits.
pub fn load_digit_table() -> Result<DigitTable, DataError> {
    let mut text = Vec::new();
    GzDecoder::new(DIGITS_CSV_GZ)
        .read_to_end(&mut text)
        .map_err(DataError::Decompress)?;
    parse_digit_csv(&text)
}

/// Parses headerless CSV rows of 64 pixels in `0..=16` followed by a label
/// in `0..=9`. Errors name the 1-based row and column of the bad cell.
pub fn parse_digit_csv(text: &[u8]) -> Result<DigitTable, DataError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut pixels = Vec::new();
    let mut labels = Vec::new();

    for (index, record) in reader.records().enumerate() {
        let row = index + 1;
        let record = record.map_err(|error| DataError::Csv {
            row,
            message: error.to_string(),
        })?;
        if record.len() != PIXELS + 1 {
            return Err(DataError::ColumnCount {
                row,
                found: record.len(),
                expected: PIXELS + 1,
            });
        }
        for (column, cell) in record.iter().take(PIXELS).enumerate() {
            pixels.push(f64::from(parse_cell(cell, row, column + 1, MAX_PIXEL)?));
        }
        labels.push(parse_cell(&record[PIXELS], row, PIXELS + 1, 9)?);
    }

    let pixels =
        Array2::from_shape_vec((labels.len(), PIXELS), pixels).map_err(|error| DataError::Csv {
            row: labels.len(),
            message: error.to_string(),
        })?;
    Ok(DigitTable { pixels, labels })
}

fn parse_cell(cell: &str, row: usize, column: usize, max: u8) -> Result<u8, DataError> {
    match cell.trim().parse::<u8>() {
        Ok(value) if value <= max => Ok(value),
        _ => Err(DataError::InvalidCell {
            row,
            column,
            cell: cell.to_string(),
            expected: format!("an integer from 0 to {max}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pixel: &str, label: &str) -> String {
        let mut cells = vec!["0"; PIXELS];
        cells[2] = pixel;
        cells.push(label);
        cells.join(",") + "\n"
    }

    #[test]
    fn bundled_table_has_all_rows() {
        let table = load_digit_table().expect("bundled data parses");
        assert_eq!(table.pixels.dim(), (1797, PIXELS));
        assert_eq!(table.labels.len(), 1797);
    }

    #[test]
    fn class_counts_match_bundled_labels() {
        let table = load_digit_table().expect("bundled data parses");
        let mut counts = [0usize; 10];
        for label in &table.labels {
            counts[usize::from(*label)] += 1;
        }
        assert_eq!(counts, CLASS_COUNTS);
        assert_eq!(CLASS_COUNTS.iter().sum::<usize>(), 1797);
    }

    #[test]
    fn bundled_pixels_in_range() {
        let table = load_digit_table().expect("bundled data parses");
        assert!(table.pixels.iter().all(|&p| (0.0..=16.0).contains(&p)));
    }

    #[test]
    fn rows_for_some_classes() {
        assert_eq!(rows_for_classes(&[0, 1]), 178 + 182);
        assert_eq!(rows_for_classes(&[0, 0]), 178);
        assert_eq!(rows_for_classes(&[]), 0);
    }

    #[test]
    fn parse_reads_small_table() {
        let text = row("7", "3") + &row("16", "9");
        let table = parse_digit_csv(text.as_bytes()).expect("valid rows");
        assert_eq!(table.labels, vec![3, 9]);
        assert_eq!(table.pixels[[1, 2]], 16.0);
    }

    #[test]
    fn malformed_cell_names_row_and_column() {
        let text = row("1", "0") + &row("x", "0");
        let error = parse_digit_csv(text.as_bytes()).expect_err("bad pixel");
        let message = error.to_string();
        assert!(message.contains("row 2, column 3"), "{message}");
        assert!(message.contains("\"x\""), "{message}");
    }

    #[test]
    fn pixel_above_sixteen_is_rejected() {
        let error = parse_digit_csv(row("17", "0").as_bytes()).expect_err("pixel 17");
        assert!(matches!(error, DataError::InvalidCell { column: 3, .. }));
    }

    #[test]
    fn label_above_nine_is_rejected() {
        let error = parse_digit_csv(row("0", "10").as_bytes()).expect_err("label 10");
        assert!(matches!(
            error,
            DataError::InvalidCell {
                row: 1,
                column: 65,
                ..
            }
        ));
    }

    #[test]
    fn short_row_is_rejected() {
        let error = parse_digit_csv(b"1,2,3\n").expect_err("three columns");
        assert!(matches!(
            error,
            DataError::ColumnCount {
                row: 1,
                found: 3,
                ..
            }
        ));
    }
}
