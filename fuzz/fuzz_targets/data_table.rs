//! Dataset CSV tables (`[data] kind = "csv"`): no panic, finite values of
//! matching shapes on success, and error positions inside the text.

#![no_main]

use lazyrich::config::{CsvTarget, HeaderMode};
use lazyrich::data::{DataError, TableOptions, parse_table};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the header mode, the target and whether the target
    // contains class labels. The rest is the file.
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let header = match mode % 3 {
        0 => HeaderMode::Auto,
        1 => HeaderMode::Present,
        _ => HeaderMode::Absent,
    };
    let target = match (mode / 3) % 3 {
        0 => CsvTarget::Last,
        1 => CsvTarget::Number(usize::from(mode % 4) + 1),
        _ => CsvTarget::Name("y".to_string()),
    };
    let options = TableOptions {
        header,
        target,
        labels: mode >= 128,
    };
    let lines = text.split('\n').count();
    match parse_table(text, "t.csv", &options) {
        Ok(table) => {
            let rows = table.inputs.nrows();
            if options.labels {
                assert_eq!(rows, table.labels.len());
                assert!(table.labels.iter().all(|label| !label.trim().is_empty()));
            } else {
                assert_eq!(rows, table.targets.len());
            }
            assert!(table.inputs.ncols() >= 1);
            assert!(table.inputs.iter().all(|v| v.is_finite()));
            assert!(table.targets.iter().all(|v| v.is_finite()));
        }
        Err(DataError::TableCell { line, column, .. }) => {
            assert!(line >= 1, "line {line}");
            assert!(line <= lines, "line {line} of {lines}");
            assert!(column >= 1);
        }
        Err(DataError::TableRowLength {
            line, first_line, ..
        }) => {
            assert!(first_line >= 1, "first line {first_line}");
            assert!(first_line < line, "lines {first_line} and {line}");
            assert!(line <= lines, "line {line} of {lines}");
        }
        Err(_) => {}
    }
});
