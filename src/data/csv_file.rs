//! Numeric tables from CSV text: header detection, target selection and
//! cell checks that name the file, line and column of every bad cell.

use ndarray::{Array1, Array2};

use super::error::DataError;
use crate::config::types::{CsvTarget, HeaderMode};

/// Options of [`parse_table`]: header detection and the target column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableOptions {
    pub header: HeaderMode,
    pub target: CsvTarget,
    /// The target column contains class labels (any non-empty text) instead of
    /// numbers.
    pub labels: bool,
}

/// A parsed table: the input columns and the target column.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Header names of the input columns, when the file has a header.
    pub input_names: Option<Vec<String>>,
    /// `rows x D`, the columns other than the target, in file order.
    pub inputs: Array2<f64>,
    /// `rows`, the numeric target column; empty with `TableOptions::labels`.
    pub targets: Array1<f64>,
    /// `rows` trimmed class labels with `TableOptions::labels`, else empty.
    pub labels: Vec<String>,
}

/// One record of the file with the line it starts on.
struct Record {
    line: usize,
    cells: Vec<String>,
}

/// Parses a numeric CSV table.
///
/// Accepts a UTF-8 byte-order mark, CRLF line ends and blank lines, which
/// are skipped. With `HeaderMode::Auto` the first record is a header when
/// any of its cells is not a number. Every data cell must be a finite
/// number, and every record must have as many cells as the first one.
/// `source` names the file in error messages.
///
/// With `options.labels` the target cells are class labels: any non-empty
/// text, trimmed. Header detection then looks at the input cells only, and
/// a target given by name implies a header.
///
/// # Errors
///
/// `TableCell` for a missing, non-numeric or non-finite cell, with its
/// line, 1-based column and header name. `TableRowLength` for a short or
/// long row. `Table` for a table without data rows or with fewer than two
/// columns, and for a target column that does not exist.
pub fn parse_table(text: &str, source: &str, options: &TableOptions) -> Result<Table, DataError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let records = read_records(text, source)?;
    let Some(first) = records.first() else {
        return Err(table_error(source, "the file has no rows".to_string()));
    };
    check_lengths(&records, source)?;
    let columns = first.cells.len();
    if columns < 2 {
        let problem = format!(
            "found {columns} column on line {}, expected at least 2 (inputs and a target)",
            first.line
        );
        return Err(table_error(source, problem));
    }

    let has_header = match (options.header, &options.target) {
        (HeaderMode::Present, _) => true,
        (HeaderMode::Absent, _) => false,
        (HeaderMode::Auto, CsvTarget::Name(_)) if options.labels => true,
        (HeaderMode::Auto, target) => {
            // A label column is text in every row, so it cannot mark a header.
            let skipped = match target {
                _ if !options.labels => None,
                CsvTarget::Number(number) => Some(number.saturating_sub(1)),
                _ => Some(columns - 1),
            };
            first
                .cells
                .iter()
                .enumerate()
                .any(|(column, cell)| Some(column) != skipped && parse_number(cell).is_none())
        }
    };
    let names: Option<Vec<String>> = has_header.then(|| {
        first
            .cells
            .iter()
            .map(|cell| cell.trim().to_string())
            .collect()
    });
    let data = if has_header {
        &records[1..]
    } else {
        &records[..]
    };
    if data.is_empty() {
        return Err(table_error(
            source,
            "the file has a header but no data rows".to_string(),
        ));
    }
    let target = target_column(&options.target, names.as_deref(), columns, source)?;

    let mut inputs = Array2::zeros((data.len(), columns - 1));
    let mut targets = Array1::zeros(if options.labels { 0 } else { data.len() });
    let mut labels = Vec::new();
    for (row, record) in data.iter().enumerate() {
        for (column, cell) in record.cells.iter().enumerate() {
            if options.labels && column == target {
                labels.push(check_label(
                    cell,
                    record.line,
                    column,
                    names.as_deref(),
                    source,
                )?);
                continue;
            }
            let value = check_cell(cell, record.line, column, names.as_deref(), source)?;
            match column.cmp(&target) {
                std::cmp::Ordering::Less => inputs[[row, column]] = value,
                std::cmp::Ordering::Equal => targets[row] = value,
                std::cmp::Ordering::Greater => inputs[[row, column - 1]] = value,
            }
        }
    }
    let input_names = names.map(|mut names| {
        names.remove(target);
        names
    });
    Ok(Table {
        input_names,
        inputs,
        targets,
        labels,
    })
}

fn table_error(source: &str, problem: String) -> DataError {
    DataError::Table {
        file: source.to_string(),
        problem,
    }
}

/// Splits the text into records, skipping blank lines.
fn read_records(text: &str, source: &str) -> Result<Vec<Record>, DataError> {
    // Lines come from byte offsets, because the reader's own line count
    // skips blank lines. A record's offset can point at the blank lines
    // before it, so line ends at the offset are skipped first.
    let bytes = text.as_bytes();
    let newlines: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter(|(_, byte)| *byte == b'\n')
        .map(|(offset, _)| offset)
        .collect();
    let line_of = |offset: u64| {
        let mut offset = usize::try_from(offset).unwrap_or(usize::MAX);
        while matches!(bytes.get(offset), Some(b'\n' | b'\r')) {
            offset += 1;
        }
        newlines.partition_point(|newline| *newline < offset) + 1
    };
    // Only `\n` ends a record, because the reader's default also ends one at
    // a lone `\r` and so splits one line into two records. The `\r` of a
    // CRLF end stays in the last cell, which is trimmed like every cell.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for result in reader.records() {
        let record = result.map_err(|error| {
            let line = error
                .position()
                .map_or(0, |position| line_of(position.byte()));
            table_error(source, format!("invalid CSV near line {line}: {error}"))
        })?;
        let line = record
            .position()
            .map_or(0, |position| line_of(position.byte()));
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        if cells.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        records.push(Record { line, cells });
    }
    Ok(records)
}

fn check_lengths(records: &[Record], source: &str) -> Result<(), DataError> {
    let Some(first) = records.first() else {
        return Ok(());
    };
    let expected = first.cells.len();
    match records.iter().find(|record| record.cells.len() != expected) {
        Some(record) => Err(DataError::TableRowLength {
            file: source.to_string(),
            line: record.line,
            found: record.cells.len(),
            expected,
            first_line: first.line,
        }),
        None => Ok(()),
    }
}

/// Parses a cell as a number, or `None` when it is not one. `nan` and
/// `inf` count as numbers here, so that a header is not mistaken for them.
fn parse_number(cell: &str) -> Option<f64> {
    cell.trim().parse::<f64>().ok()
}

/// Returns the value of a data cell, or an error naming the cell.
fn check_cell(
    cell: &str,
    line: usize,
    column: usize,
    names: Option<&[String]>,
    source: &str,
) -> Result<f64, DataError> {
    let problem = match parse_number(cell) {
        Some(value) if value.is_finite() => return Ok(value),
        Some(_) => format!("{:?} is not a finite number", cell.trim()),
        None if cell.trim().is_empty() => "the value is missing".to_string(),
        None => format!("{:?} is not a number", cell.trim()),
    };
    Err(DataError::TableCell {
        file: source.to_string(),
        line,
        column: column + 1,
        name: names.and_then(|names| names.get(column).cloned()),
        problem,
    })
}

/// Returns a class label cell, trimmed, or an error naming an empty one.
fn check_label(
    cell: &str,
    line: usize,
    column: usize,
    names: Option<&[String]>,
    source: &str,
) -> Result<String, DataError> {
    let label = cell.trim();
    if !label.is_empty() {
        return Ok(label.to_string());
    }
    Err(DataError::TableCell {
        file: source.to_string(),
        line,
        column: column + 1,
        name: names.and_then(|names| names.get(column).cloned()),
        problem: "the class label is missing".to_string(),
    })
}

/// Returns the 0-based index of the target column.
fn target_column(
    target: &CsvTarget,
    names: Option<&[String]>,
    columns: usize,
    source: &str,
) -> Result<usize, DataError> {
    match target {
        CsvTarget::Last => Ok(columns - 1),
        CsvTarget::Number(number) if (1..=columns).contains(number) => Ok(number - 1),
        CsvTarget::Number(number) => Err(table_error(
            source,
            format!(
                "data.target = {number} is out of range: expected a column number from 1 to {columns}"
            ),
        )),
        CsvTarget::Name(name) => {
            let Some(names) = names else {
                let problem = format!(
                    "data.target = {name:?} names a column, but the file has no header: set \
                     data.target to a column number or add a header line"
                );
                return Err(table_error(source, problem));
            };
            names.iter().position(|known| known == name).ok_or_else(|| {
                let problem =
                    format!("data.target = {name:?} is not a column: expected one of {names:?}");
                table_error(source, problem)
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn options(header: HeaderMode, target: CsvTarget) -> TableOptions {
        TableOptions {
            header,
            target,
            labels: false,
        }
    }

    fn auto() -> TableOptions {
        options(HeaderMode::Auto, CsvTarget::Last)
    }

    fn parse(text: &str, options: &TableOptions) -> Result<Table, DataError> {
        parse_table(text, "t.csv", options)
    }

    #[test]
    fn header_detected_and_target_last() {
        let table = parse("a,b,y\n1,2,3\n4,5,6\n", &auto()).expect("valid table");
        assert_eq!(
            table.input_names,
            Some(vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(table.inputs, array![[1.0, 2.0], [4.0, 5.0]]);
        assert_eq!(table.targets, array![3.0, 6.0]);
    }

    #[test]
    fn numeric_first_row_is_data() {
        let table = parse("1,2\n3,4\n", &auto()).expect("valid table");
        assert_eq!(table.input_names, None);
        assert_eq!(table.targets, array![2.0, 4.0]);
    }

    #[test]
    fn target_by_name_and_number() {
        let by_name = options(HeaderMode::Present, CsvTarget::Name("y".into()));
        let table = parse("y,a\n1,2\n", &by_name).expect("valid table");
        assert_eq!(table.targets, array![1.0]);
        assert_eq!(table.inputs, array![[2.0]]);
        let by_number = options(HeaderMode::Absent, CsvTarget::Number(2));
        let table = parse("1,2,3\n", &by_number).expect("valid table");
        assert_eq!(table.targets, array![2.0]);
        assert_eq!(table.inputs, array![[1.0, 3.0]]);
    }

    #[test]
    fn bom_crlf_and_blank_lines() {
        let text = "\u{feff}a,y\r\n1,2\r\n\r\n3,4\r\n\r\n\r\n";
        let table = parse(text, &auto()).expect("valid table");
        assert_eq!(table.input_names, Some(vec!["a".to_string()]));
        assert_eq!(table.inputs, array![[1.0], [3.0]]);
    }

    #[test]
    fn lone_carriage_return_is_not_a_line_end() {
        // A property test found "-\ra," split into two records on line 1.
        let header = parse("-\ra,\n1,2\n", &auto()).expect("line 1 is a header");
        assert_eq!(header.input_names, Some(vec!["-\ra".to_string()]));
        let no_header = options(HeaderMode::Absent, CsvTarget::Last);
        let error = parse("-\ra,\n1,2\n", &no_header).expect_err("line 1 is not numeric");
        assert!(error.to_string().contains("line 1"), "{error}");
        let table = parse("x,y\r\n1,2\r\n", &auto()).expect("CRLF still ends lines");
        assert_eq!(table.targets, array![2.0]);
    }

    #[test]
    fn bad_cell_names_line_column_and_header() {
        let error = parse("a,b,y\n1,2,3\n4,x,6\n", &auto()).expect_err("bad cell");
        let message = error.to_string();
        assert_eq!(
            message,
            "t.csv, line 3, column 2 (\"b\"): \"x\" is not a number"
        );
    }

    #[test]
    fn missing_and_non_finite_cells() {
        let missing = parse("1,2\n3,\n", &auto())
            .expect_err("missing")
            .to_string();
        assert_eq!(missing, "t.csv, line 2, column 2: the value is missing");
        let nan = parse("1,2\nNaN,4\n", &auto()).expect_err("NaN").to_string();
        assert_eq!(
            nan,
            "t.csv, line 2, column 1: \"NaN\" is not a finite number"
        );
        let inf = parse("a,y\n1,inf\n", &auto()).expect_err("inf").to_string();
        assert!(inf.contains("column 2 (\"y\")"), "{inf}");
    }

    #[test]
    fn short_and_long_rows() {
        let short = parse("1,2,3\n4,5\n", &auto()).expect_err("short row");
        assert!(matches!(
            short,
            DataError::TableRowLength {
                line: 2,
                found: 2,
                expected: 3,
                ..
            }
        ));
        let long = parse("a,b\n1,2\n3,4,5\n", &auto()).expect_err("long row");
        assert_eq!(
            long.to_string(),
            "t.csv, line 3: found 3 columns, expected 2 as on line 1"
        );
    }

    #[test]
    fn line_numbers_count_blank_lines() {
        let error = parse("1,2\n\n\n3,z\n", &auto()).expect_err("bad cell");
        assert!(
            matches!(
                error,
                DataError::TableCell {
                    line: 4,
                    column: 2,
                    ..
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn unknown_target_name_lists_columns() {
        let target = options(HeaderMode::Auto, CsvTarget::Name("z".into()));
        let message = parse("a,y\n1,2\n", &target)
            .expect_err("no column z")
            .to_string();
        assert!(message.contains("[\"a\", \"y\"]"), "{message}");
        let headerless = parse("1,2\n", &target).expect_err("no header").to_string();
        assert!(headerless.contains("no header"), "{headerless}");
    }

    #[test]
    fn target_number_out_of_range() {
        let target = options(HeaderMode::Absent, CsvTarget::Number(3));
        let message = parse("1,2\n", &target)
            .expect_err("two columns")
            .to_string();
        assert!(message.contains("from 1 to 2"), "{message}");
    }

    #[test]
    fn empty_and_single_column_tables() {
        assert!(matches!(parse("", &auto()), Err(DataError::Table { .. })));
        assert!(matches!(
            parse("\n\n", &auto()),
            Err(DataError::Table { .. })
        ));
        assert!(matches!(
            parse("a,y\n", &auto()),
            Err(DataError::Table { .. })
        ));
        assert!(matches!(
            parse("1\n2\n", &auto()),
            Err(DataError::Table { .. })
        ));
    }

    fn labelled(header: HeaderMode, target: CsvTarget) -> TableOptions {
        TableOptions {
            labels: true,
            ..options(header, target)
        }
    }

    #[test]
    fn label_column_read_as_text() {
        let table = parse(
            "1,cat\n2, dog \n",
            &labelled(HeaderMode::Auto, CsvTarget::Last),
        )
        .expect("valid");
        // The text labels alone do not make the first line a header.
        assert_eq!(table.input_names, None);
        assert_eq!(table.labels, ["cat", "dog"]);
        assert_eq!(table.inputs, array![[1.0], [2.0]]);
        assert_eq!(table.targets.len(), 0);
    }

    #[test]
    fn label_header_detected_from_inputs() {
        let text = "kind,x\ncat,1\n";
        let by_number = parse(text, &labelled(HeaderMode::Auto, CsvTarget::Number(1)));
        let table = by_number.expect("valid");
        assert_eq!(table.input_names, Some(vec!["x".to_string()]));
        assert_eq!(table.labels, ["cat"]);

        let by_name = parse(
            text,
            &labelled(HeaderMode::Auto, CsvTarget::Name("kind".into())),
        );
        assert_eq!(by_name.expect("valid").labels, ["cat"]);
    }

    #[test]
    fn empty_label_names_cell() {
        let error = parse(
            "x,y\n1,a\n2,  \n",
            &labelled(HeaderMode::Auto, CsvTarget::Last),
        )
        .expect_err("empty label");
        assert_eq!(
            error.to_string(),
            "t.csv, line 3, column 2 (\"y\"): the class label is missing"
        );
    }

    #[test]
    fn arbitrary_bytes_do_not_panic() {
        for text in [
            "\"",
            "a\"b,c\n",
            ",,,\n,",
            "\u{feff}",
            "1,2\n\"3\n",
            "é,ü\n1,2",
        ] {
            let _ = parse(text, &auto());
        }
    }
}
