//! Properties of the input parsers on generated input: the preset parser,
//! the `--set` overrides, the CSV reader of `lazyrich kernel` and the
//! dataset CSV table never panic, and every position in an error lies
//! inside the input.

use std::path::Path;

use lazyrich::config::{CsvTarget, HeaderMode, Location, PresetError, parse_preset};
use lazyrich::data::{DataError, TableOptions, parse_table};
use lazyrich::headless::kernel::{InputFileError, parse_input_rows};
use proptest::prelude::*;

const BASE: &str = "[data]\nkind = \"sine-1d\"\ntrain = 8\ntest = 20\n";

/// Checks that a file position in `error` names a line of `text` and a
/// column at most one past that line's last character (where a missing
/// value or bracket was expected).
fn assert_position_inside(error: &PresetError, text: &str) {
    let (Some(line), Some(column)) = (error.line(), error.column()) else {
        return;
    };
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(line >= 1, "{error}\n{text:?}");
    assert!(line <= lines.len(), "{error}\n{text:?}");
    let length = lines[line - 1].chars().count();
    assert!(column >= 1, "{error}\n{text:?}");
    assert!(column <= length + 1, "{error}\n{text:?}");
}

/// Generates a preset line from real section names, keys and value shapes, so
/// that generated files get past the TOML parser into validation.
fn preset_line() -> impl Strategy<Value = String> {
    let section = prop::sample::select(vec!["[data]", "[model]", "[train]", "[trian]", "[data"]);
    let key = prop::sample::select(vec![
        "kind",
        "train",
        "test",
        "noise",
        "x_min",
        "x_max",
        "classes",
        "width",
        "depth",
        "activation",
        "sigma_w",
        "sigma_b",
        "scaling",
        "gamma0",
        "center",
        "optimizer",
        "learning_rate",
        "temperature",
        "steps",
        "log_every",
        "widht",
    ]);
    let value = prop_oneof![
        any::<i64>().prop_map(|v| v.to_string()),
        any::<f64>().prop_map(|v| format!("{v:?}")),
        prop::sample::select(vec![
            "nan",
            "inf",
            "-inf",
            "0",
            "-1",
            "1e400",
            "true",
            "[1, 2]",
            "[]",
            "\"relu\"",
            "\"rleu\"",
            "\"digits\"",
            "\"gamma0\"",
            "\"langevin\"",
            "\"\"",
            "{}",
        ])
        .prop_map(str::to_string),
        "[ -~]{0,12}",
    ];
    prop_oneof![
        1 => section.prop_map(str::to_string),
        4 => (key, value).prop_map(|(key, value)| format!("{key} = {value}")),
        1 => "[ -~\\t]{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn preset_arbitrary_text(text in "(?s).{0,200}") {
        if let Err(error) = parse_preset(&text, "generated.toml", &[]) {
            assert_position_inside(&error, &text);
        }
    }

    #[test]
    fn preset_structured_lines(lines in prop::collection::vec(preset_line(), 0..12)) {
        let text = format!("{BASE}{}\n", lines.join("\n"));
        match parse_preset(&text, "generated.toml", &[]) {
            Ok(preset) => {
                prop_assert!(preset.model.width >= 1);
                prop_assert!(preset.train.learning_rate.is_finite());
                prop_assert!(preset.train.learning_rate > 0.0);
                prop_assert!(preset.train.temperature.is_finite());
                prop_assert!(preset.train.temperature >= 0.0);
            }
            Err(error) => assert_position_inside(&error, &text),
        }
    }

    #[test]
    fn overrides_arbitrary(arguments in prop::collection::vec("[ -~]{0,30}", 0..4)) {
        if let Err(error) = parse_preset(BASE, "base.toml", &arguments)
            && let Location::Override(argument) = &error.location
        {
            prop_assert!(arguments.contains(argument), "{}", error);
        }
    }

    #[test]
    fn overrides_structured(
        key in prop::sample::select(vec![
            "model.width", "model.gamma0", "train.learning_rate", "train.temperature",
            "model.activation", "data.classes", "model.widht", "modle.width", "width",
        ]),
        value in prop_oneof![
            any::<f64>().prop_map(|v| format!("{v:?}")),
            "[ -~]{0,10}",
        ],
    ) {
        let argument = format!("{key}={value}");
        if let Err(error) = parse_preset(BASE, "base.toml", std::slice::from_ref(&argument)) {
            prop_assert_eq!(&error.location, &Location::Override(argument.clone()));
        }
    }

    #[test]
    fn kernel_inputs_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let lines = bytes.split(|b| *b == b'\n').count() as u64;
        match parse_input_rows(Path::new("x.csv"), &bytes) {
            Ok(matrix) => {
                prop_assert!(matrix.nrows() >= 1);
                prop_assert!(matrix.iter().all(|v| v.is_finite()));
            }
            Err(InputFileError::InvalidCell { row, column, .. }) => {
                prop_assert!(row >= 1);
                prop_assert!(row <= lines, "row {} of {}", row, lines);
                prop_assert!(column >= 1);
            }
            Err(InputFileError::ColumnCount { row, first_row, .. }) => {
                prop_assert!(first_row >= 1);
                prop_assert!(first_row < row, "rows {} and {}", first_row, row);
                prop_assert!(row <= lines, "row {} of {}", row, lines);
            }
            Err(_) => {}
        }
    }

    #[test]
    fn kernel_inputs_round_trip(
        rows in prop::collection::vec(prop::collection::vec(-1e300f64..1e300, 3), 1..20),
    ) {
        let text: String = rows
            .iter()
            .map(|row| {
                let cells: Vec<String> = row.iter().map(|v| format!("{v:?}")).collect();
                cells.join(",") + "\n"
            })
            .collect();
        let matrix = parse_input_rows(Path::new("x.csv"), text.as_bytes())
            .expect("finite numbers in three columns");
        prop_assert_eq!(matrix.dim(), (rows.len(), 3));
        for (i, row) in rows.iter().enumerate() {
            for (j, value) in row.iter().enumerate() {
                // `{:?}` prints the shortest string that parses back to the
                // same f64, so the values match exactly.
                prop_assert_eq!(matrix[[i, j]], *value);
            }
        }
    }

    #[test]
    fn data_table_arbitrary_text(text in "(?s)[0-9a-z.,;eE+\\-\r\n \"\u{feff}]{0,200}") {
        let options = TableOptions { header: HeaderMode::Auto, target: CsvTarget::Last, labels: false };
        let lines = text.split('\n').count();
        match parse_table(&text, "t.csv", &options) {
            Ok(table) => {
                prop_assert_eq!(table.inputs.nrows(), table.targets.len());
                prop_assert!(table.inputs.iter().all(|v| v.is_finite()));
                prop_assert!(table.targets.iter().all(|v| v.is_finite()));
            }
            Err(DataError::TableCell { line, column, .. }) => {
                prop_assert!(line >= 1, "line {}", line);
                prop_assert!(line <= lines, "line {} of {}", line, lines);
                prop_assert!(column >= 1);
            }
            Err(DataError::TableRowLength { line, first_line, .. }) => {
                prop_assert!(first_line >= 1, "first line {}", first_line);
                prop_assert!(first_line < line, "lines {} and {}", first_line, line);
                prop_assert!(line <= lines, "line {} of {}", line, lines);
            }
            Err(_) => {}
        }
    }
}
