//! Validation of the planar, teacher and CSV data keys: defaults, relative
//! paths, and one bad preset per error.

use lazyrich::config::{
    CsvTarget, CsvTask, DataKind, HeaderMode, PresetError, PresetErrorKind, load_preset,
    parse_preset,
};

const SOURCE: &str = "presets/bad.toml";

fn parse(text: &str) -> Result<lazyrich::config::Preset, PresetError> {
    parse_preset(text, SOURCE, &[])
}

fn parse_error(text: &str) -> PresetError {
    parse(text).expect_err("the fixture is invalid")
}

#[test]
fn kind_typo_suggests_name() {
    let error = parse_error("[data]\nkind = \"spiral\"\ntrain = 8\ntest = 8\n");
    assert_eq!(error.kind, PresetErrorKind::InvalidValue);
    assert!(
        error.message.contains("did you mean \"spirals\"?"),
        "{error}"
    );
}

#[test]
fn teacher_defaults_and_keys() {
    let text = "[data]\nkind = \"teacher\"\ntrain = 8\ntest = 8\ninput_dim = 32\n\
                teacher_neurons = 4\nteacher_activation = \"tanh\"\n";
    let preset = parse(text).expect("valid teacher preset");
    assert_eq!(preset.data.kind, DataKind::Teacher);
    assert_eq!(preset.data.teacher.input_dim, 32);
    assert_eq!(preset.data.teacher.neurons, 4);
    assert_eq!(preset.data.teacher.activation.name(), "tanh");
}

#[test]
fn teacher_neurons_above_input_dim() {
    let text = "[data]\nkind = \"teacher\"\ntrain = 8\ntest = 8\ninput_dim = 4\n\
                teacher_neurons = 5\n";
    let error = parse_error(text);
    assert_eq!(error.kind, PresetErrorKind::OutOfRange);
    assert_eq!(error.line(), Some(6));
    assert!(
        error
            .message
            .ends_with("expected an integer from 1 to data.input_dim = 4"),
        "{error}"
    );
}

#[test]
fn teacher_key_rejected_for_other_kind() {
    let error = parse_error("[data]\nkind = \"xor\"\ntrain = 8\ntest = 8\ninput_dim = 4\n");
    assert_eq!(error.kind, PresetErrorKind::Conflict);
    assert_eq!(
        error.to_string(),
        "presets/bad.toml:5:13: data.input_dim = 4 is not allowed with data.kind = \"xor\": \
         expected no data.input_dim key, because it applies only to data.kind = \"teacher\""
    );
}

#[test]
fn x_range_rejected_for_planar_kind() {
    let error = parse_error("[data]\nkind = \"circles\"\ntrain = 8\ntest = 8\nx_min = -1\n");
    assert_eq!(error.kind, PresetErrorKind::Conflict);
    assert!(error.message.contains("the 1-D kinds"), "{error}");
}

#[test]
fn csv_requires_path() {
    let error = parse_error("[data]\nkind = \"csv\"\ntrain = 8\ntest = 8\n");
    assert_eq!(error.kind, PresetErrorKind::MissingKey);
    assert!(
        error.message.starts_with("missing required key data.path"),
        "{error}"
    );
}

#[test]
fn csv_path_resolved_against_preset_folder() {
    let text = "[data]\nkind = \"csv\"\npath = \"tables/t.csv\"\ntarget = 2\nheader = false\n\
                train = 8\ntest = 8\n";
    let preset = parse_preset(text, "/home/me/presets/mine.toml", &[]).expect("valid");
    let csv = preset.data.csv.expect("csv settings");
    assert_eq!(csv.path, "/home/me/presets/tables/t.csv");
    assert_eq!(csv.target, CsvTarget::Number(2));
    assert_eq!(csv.header, HeaderMode::Absent);
    assert!(!csv.bundled);
}

#[test]
fn csv_defaults_last_column_auto_header() {
    let text = "[data]\nkind = \"csv\"\npath = \"/t.csv\"\ntrain = 8\ntest = 8\n";
    let csv = parse(text).expect("valid").data.csv.expect("csv settings");
    assert_eq!(csv.path, "/t.csv");
    assert_eq!(csv.target, CsvTarget::Last);
    assert_eq!(csv.header, HeaderMode::Auto);
}

#[test]
fn csv_target_zero_and_bad_header() {
    let base = "[data]\nkind = \"csv\"\npath = \"t.csv\"\ntrain = 8\ntest = 8\n";
    let zero = parse_error(&format!("{base}target = 0\n"));
    assert_eq!(zero.kind, PresetErrorKind::OutOfRange);
    assert!(
        zero.message
            .ends_with("expected a column name or a column number >= 1")
    );
    let header = parse_error(&format!("{base}header = \"atuo\"\n"));
    assert_eq!(header.kind, PresetErrorKind::InvalidValue);
    assert!(header.message.contains("did you mean auto?"), "{header}");
    let float = parse_error(&format!("{base}header = 1.5\n"));
    assert_eq!(float.kind, PresetErrorKind::WrongType);
}

#[test]
fn csv_key_rejected_for_other_kind() {
    let error = parse_error("[data]\nkind = \"sine-1d\"\ntrain = 8\ntest = 8\npath = \"t.csv\"\n");
    assert_eq!(error.kind, PresetErrorKind::Conflict);
    assert!(error.message.contains("data.kind = \"csv\""), "{error}");
}

#[test]
fn csv_task_choice_and_kind() {
    let base = "[data]\nkind = \"csv\"\npath = \"t.csv\"\ntrain = 8\ntest = 8\n";
    let default = parse(base).expect("valid").data.csv.expect("csv settings");
    assert_eq!(default.task, CsvTask::Regression);
    let text = format!("{base}task = \"classification\"\n");
    let csv = parse(&text).expect("valid").data.csv.expect("csv settings");
    assert_eq!(csv.task, CsvTask::Classification);

    let typo = parse_error(&format!("{base}task = \"clasification\"\n"));
    assert_eq!(typo.kind, PresetErrorKind::InvalidValue);
    assert!(typo.message.contains("classification"), "{typo}");
    let line = match typo.location {
        lazyrich::config::Location::File { line, .. } => line,
        _ => 0,
    };
    assert_eq!(line, 6, "{typo}");

    let other = parse_error("[data]\nkind = \"xor\"\ntrain = 8\ntest = 8\ntask = \"regression\"\n");
    assert_eq!(other.kind, PresetErrorKind::Conflict);
    assert!(other.message.contains("data.kind = \"csv\""), "{other}");
}

#[test]
fn sweep_section_parses_grid() {
    let preset = load_preset("width-sweep", &[]).expect("bundled");
    assert_eq!(preset.sweep.grid.len(), 2);
    assert_eq!(
        preset.sweep.grid[0],
        "model.width=256,1024,4096,16384,65536"
    );
    assert_eq!(preset.sweep.seeds, 2);
    let error =
        parse_error("[data]\nkind = \"sine-1d\"\ntrain = 8\ntest = 8\n[sweep]\ngrid = [1]\n");
    assert_eq!(error.kind, PresetErrorKind::WrongType);
    assert_eq!(error.key.as_deref(), Some("sweep.grid[0]"));
}

#[test]
fn bundled_csv_preset_loads_its_table() {
    let preset = load_preset("csv-demo", &[]).expect("bundled");
    let csv = preset.data.csv.clone().expect("csv settings");
    assert!(csv.bundled);
    assert_eq!(csv.path, "data/csv-demo.csv");
    let data = lazyrich::data::load_dataset(&preset.data).expect("bundled table");
    assert_eq!(data.x_train.dim(), (200, 2));
}

#[test]
fn csv_error_names_file_line_and_column() {
    let folder = tempfile::tempdir().expect("temporary folder");
    std::fs::write(folder.path().join("t.csv"), "a,y\n1,2\n3,oops\n").expect("write");
    let preset_path = folder.path().join("p.toml");
    let text = "[data]\nkind = \"csv\"\npath = \"t.csv\"\ntrain = 1\ntest = 1\n";
    std::fs::write(&preset_path, text).expect("write");
    let preset = load_preset(&preset_path.display().to_string(), &[]).expect("valid preset");
    let error = lazyrich::data::load_dataset(&preset.data).expect_err("bad cell");
    let expected = format!(
        "{}, line 3, column 2 (\"y\"): \"oops\" is not a number",
        folder.path().join("t.csv").display()
    );
    assert_eq!(error.to_string(), expected);
}

#[test]
fn digits_pair_and_all_classes_train() {
    for overrides in [
        vec!["data.classes=[3, 8]", "data.encoding=plus-minus"],
        vec!["data.encoding=one-hot"],
    ] {
        let mut all: Vec<String> = overrides.iter().map(|text| text.to_string()).collect();
        all.extend(["data.train=60", "data.test=40", "model.width=64"].map(String::from));
        let preset = load_preset("digits", &all).expect("valid preset");
        let mut trainer = lazyrich::train::Trainer::new(&preset).expect("trainer builds");
        for _ in 0..5 {
            trainer.step().expect("finite loss");
        }
        let info = trainer.info();
        let outputs = trainer.dataset().outputs();
        let expected_outputs = if overrides.len() == 2 { 1 } else { 10 };
        assert_eq!(outputs, expected_outputs, "{overrides:?}");
        assert!(info.nngp_accuracy.is_some_and(|a| (0.0..=1.0).contains(&a)));
        assert!(info.ntk_accuracy.is_some_and(|a| (0.0..=1.0).contains(&a)));
        let accuracy = trainer.metrics().test_accuracy;
        assert!(
            accuracy.is_some_and(|a| (0.0..=1.0).contains(&a)),
            "{overrides:?}"
        );
    }
}
