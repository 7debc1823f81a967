//! One small bad preset per error kind. Each test checks that the message
//! names the position, the key and what would be accepted.

use lazyrich::config::{
    Activation, DataKind, Encoding, Optimizer, PresetError, PresetErrorKind, Scaling, load_preset,
    parse_preset,
};

const SOURCE: &str = "presets/bad.toml";

/// A minimal valid preset, four lines long, so fixtures that append to it
/// put their first added line at line 5.
const BASE: &str = "[data]\nkind = \"sine-1d\"\ntrain = 8\ntest = 20\n";

fn parse_error(text: &str) -> PresetError {
    parse_preset(text, SOURCE, &[]).expect_err("the fixture is invalid")
}

fn override_error(overrides: &[&str]) -> PresetError {
    let overrides: Vec<String> = overrides.iter().map(|text| text.to_string()).collect();
    parse_preset(BASE, SOURCE, &overrides).expect_err("the override is invalid")
}

fn assert_position(error: &PresetError, line: usize, column: usize) {
    assert_eq!(error.line(), Some(line), "{error}");
    assert_eq!(error.column(), Some(column), "{error}");
    let prefix = format!("{SOURCE}:{line}:{column}: ");
    assert!(error.to_string().starts_with(&prefix), "{error}");
}

#[test]
fn out_of_range_width() {
    let error = parse_error(&format!("{BASE}\n[model]\nwidth = 0\n"));
    assert_eq!(error.kind, PresetErrorKind::OutOfRange);
    assert_eq!(error.key.as_deref(), Some("model.width"));
    assert_eq!(
        error.to_string(),
        "presets/bad.toml:7:9: model.width = 0 is out of range: \
         expected an integer from 1 to 65536"
    );
}

#[test]
fn out_of_range_negative_float() {
    let error = parse_error(&format!("{BASE}noise = -0.5\n"));
    assert_position(&error, 5, 9);
    assert!(error.message.contains("data.noise = -0.5 is out of range"));
    assert!(error.message.ends_with("expected a finite number >= 0"));
}

#[test]
fn unknown_key_with_suggestion() {
    let error = parse_error(&format!("{BASE}\n[model]\nwidht = 64\n"));
    assert_eq!(error.kind, PresetErrorKind::UnknownKey);
    assert_position(&error, 7, 1);
    assert_eq!(error.key.as_deref(), Some("model.widht"));
    assert!(
        error.message.contains("did you mean `model.width`?"),
        "{error}"
    );
    assert!(
        error
            .message
            .contains("Keys in [model]: width, depth, activation"),
        "{error}"
    );
}

#[test]
fn unknown_section_with_suggestion() {
    let error = parse_error(&format!("{BASE}\n[trian]\nsteps = 5\n"));
    assert_eq!(error.kind, PresetErrorKind::UnknownKey);
    assert_position(&error, 6, 2);
    assert!(error.message.contains("unknown section `trian`"), "{error}");
    assert!(error.message.contains("did you mean `train`?"), "{error}");
}

#[test]
fn wrong_type_string_for_integer() {
    let error = parse_error(&format!("{BASE}\n[model]\nwidth = \"wide\"\n"));
    assert_eq!(error.kind, PresetErrorKind::WrongType);
    assert_position(&error, 7, 9);
    assert!(
        error
            .message
            .contains("model.width = \"wide\" has the wrong type")
    );
    assert!(
        error
            .message
            .ends_with("expected an integer from 1 to 65536")
    );
}

#[test]
fn wrong_type_integer_for_boolean() {
    let error = parse_error(&format!("{BASE}\n[model]\ncenter = 1\n"));
    assert_eq!(error.kind, PresetErrorKind::WrongType);
    assert_position(&error, 7, 10);
    assert!(error.message.ends_with("expected true or false"), "{error}");
}

#[test]
fn nan_and_inf_rejected() {
    let cases = [
        ("sigma_w = nan", "model.sigma_w = nan", 11),
        ("sigma_a = inf", "model.sigma_a = inf", 11),
        ("gamma0 = -inf", "model.gamma0 = -inf", 10),
    ];
    for (line, shown, column) in cases {
        let error = parse_error(&format!("{BASE}\n[model]\n{line}\n"));
        assert_eq!(error.kind, PresetErrorKind::NotFinite, "{error}");
        assert_position(&error, 7, column);
        assert!(error.message.contains(shown), "{error}");
        assert!(
            error.message.ends_with("expected a finite number > 0"),
            "{error}"
        );
    }
}

#[test]
fn syntax_error_has_position() {
    let error = parse_error(&format!("{BASE}\n[model]\nactivation = relu\n"));
    assert_eq!(error.kind, PresetErrorKind::Syntax);
    assert_position(&error, 7, 14);
    assert!(error.message.starts_with("invalid TOML: "), "{error}");
}

#[test]
fn unclosed_header_is_syntax_error() {
    let error = parse_error("[data\nkind = \"digits\"\n");
    assert_eq!(error.kind, PresetErrorKind::Syntax);
    assert_eq!(error.line(), Some(1), "{error}");
}

#[test]
fn x_min_not_below_x_max() {
    let error = parse_error(&format!("{BASE}x_min = 2\nx_max = 1.5\n"));
    assert_eq!(error.kind, PresetErrorKind::OutOfRange);
    assert_position(&error, 5, 9);
    assert_eq!(error.key.as_deref(), Some("data.x_min"));
    assert!(
        error
            .message
            .contains("expected a number less than data.x_max = 1.5")
    );
}

#[test]
fn x_max_below_default_x_min() {
    let error = parse_error(&format!("{BASE}x_max = -4\n"));
    assert_position(&error, 5, 9);
    assert_eq!(error.key.as_deref(), Some("data.x_max"));
    assert!(
        error.message.contains("greater than data.x_min = -3"),
        "{error}"
    );
}

#[test]
fn digits_too_many_train_points() {
    let text = "[data]\nkind = \"digits\"\nclasses = [0, 1]\ntrain = 300\ntest = 100\n";
    let error = parse_error(text);
    assert_eq!(error.kind, PresetErrorKind::OutOfRange);
    assert_eq!(error.key.as_deref(), Some("data.train"));
    assert_position(&error, 4, 9);
    // Classes 0 and 1 have 178 + 182 = 360 rows, so 260 fit beside 100.
    assert!(error.message.contains("expected at most 260"), "{error}");
    assert!(error.message.contains("360 rows"), "{error}");
}

#[test]
fn digits_with_x_range_rejected() {
    let text = "[data]\nkind = \"digits\"\ntrain = 10\ntest = 10\nx_min = -1\n";
    let error = parse_error(text);
    assert_eq!(error.kind, PresetErrorKind::Conflict);
    assert_position(&error, 5, 9);
    assert!(
        error
            .message
            .contains("not allowed with data.kind = \"digits\"")
    );
}

#[test]
fn classes_on_one_dimensional_kind_rejected() {
    let error = parse_error(&format!("{BASE}classes = [1, 2]\n"));
    assert_eq!(error.kind, PresetErrorKind::Conflict);
    assert_position(&error, 5, 11);
    assert!(
        error
            .message
            .contains("applies only to data.kind = \"digits\"")
    );
}

#[test]
fn class_out_of_range_points_at_element() {
    let text = "[data]\nkind = \"digits\"\ntrain = 10\ntest = 10\nclasses = [1, 12]\n";
    let error = parse_error(text);
    assert_eq!(error.kind, PresetErrorKind::OutOfRange);
    assert_eq!(error.key.as_deref(), Some("data.classes[1]"));
    assert_position(&error, 5, 15);
    assert!(error.message.ends_with("expected an integer from 0 to 9"));
}

#[test]
fn single_class_rejected() {
    let text = "[data]\nkind = \"digits\"\ntrain = 10\ntest = 10\nclasses = [4]\n";
    let error = parse_error(text);
    assert_eq!(error.kind, PresetErrorKind::InvalidValue);
    assert!(
        error.message.contains("at least 2 distinct integers"),
        "{error}"
    );
}

#[test]
fn invalid_choice_with_suggestion() {
    let error = parse_error(&format!("{BASE}\n[model]\nscaling = \"meanfield\"\n"));
    assert_eq!(error.kind, PresetErrorKind::InvalidValue);
    assert_position(&error, 7, 11);
    assert!(
        error.message.contains("did you mean \"mean-field\"?"),
        "{error}"
    );
    assert!(
        error
            .message
            .contains("\"standard\", \"mean-field\", \"gamma0\"")
    );
}

#[test]
fn missing_kind_rejected() {
    let error = parse_error("[data]\ntrain = 3\ntest = 3\n");
    assert_eq!(error.kind, PresetErrorKind::MissingKey);
    assert_eq!(error.key.as_deref(), Some("data.kind"));
    assert_position(&error, 1, 2);
}

#[test]
fn langevin_needs_positive_temperature() {
    let error = parse_error(&format!(
        "{BASE}\n[train]\noptimizer = \"langevin\"\ntemperature = 0\n"
    ));
    assert_position(&error, 8, 15);
    assert!(
        error
            .message
            .contains("with train.optimizer = \"langevin\"")
    );
}

#[test]
fn bad_override_value() {
    let error = override_error(&["model.width=abc"]);
    assert_eq!(error.kind, PresetErrorKind::WrongType);
    assert_eq!(error.line(), None);
    assert_eq!(
        error.to_string(),
        "--set model.width=abc: model.width = \"abc\" has the wrong type: \
         expected an integer from 1 to 65536"
    );
}

#[test]
fn override_out_of_range() {
    let error = override_error(&["model.width=100000"]);
    assert_eq!(error.kind, PresetErrorKind::OutOfRange);
    assert!(error.to_string().starts_with("--set model.width=100000: "));
}

#[test]
fn override_unknown_key() {
    let error = override_error(&["model.widht=8"]);
    assert_eq!(error.kind, PresetErrorKind::UnknownKey);
    assert!(
        error
            .to_string()
            .starts_with("--set model.widht=8: unknown key")
    );
    assert!(
        error.message.contains("did you mean `model.width`?"),
        "{error}"
    );
}

#[test]
fn override_unknown_section() {
    let error = override_error(&["modle.width=8"]);
    assert!(
        error.message.contains("did you mean `model.width`?"),
        "{error}"
    );
}

#[test]
fn override_without_value() {
    let error = override_error(&["model.width"]);
    assert_eq!(error.kind, PresetErrorKind::InvalidOverride);
    assert!(
        error.message.contains("expected section.key=value"),
        "{error}"
    );
}

#[test]
fn override_applies_before_validation() {
    let overrides = [
        "model.activation=erf".to_string(),
        "model.width = 1024".to_string(),
        "train.optimizer=\"langevin\"".to_string(),
    ];
    let preset = parse_preset(BASE, SOURCE, &overrides).expect("valid overrides");
    assert_eq!(preset.model.activation, Activation::Erf);
    assert_eq!(preset.model.width, 1024);
    assert_eq!(preset.train.optimizer, Optimizer::Langevin);
}

#[test]
fn override_can_fix_invalid_file_value() {
    let text = format!("{BASE}\n[model]\nwidth = 0\n");
    let preset = parse_preset(&text, SOURCE, &["model.width=16".to_string()]);
    assert_eq!(preset.map(|preset| preset.model.width), Ok(16));
}

#[test]
fn unknown_preset_name() {
    let error = load_preset("lazzy-1d", &[]).expect_err("no such preset");
    assert_eq!(error.kind, PresetErrorKind::UnknownPreset);
    let message = error.to_string();
    assert!(
        message.starts_with("unknown preset `lazzy-1d`"),
        "{message}"
    );
    assert!(message.contains("did you mean `lazy-1d`?"), "{message}");
    assert!(message.contains("lazy-1d, rich-1d, bayes-1d, bayes-rich-1d, digits"));
}

#[test]
fn missing_file_names_path() {
    let error = load_preset("no/such/preset.toml", &[]).expect_err("no such file");
    assert_eq!(error.kind, PresetErrorKind::Io);
    assert!(
        error
            .to_string()
            .starts_with("no/such/preset.toml: failed to read")
    );
}

#[test]
fn integers_accepted_for_floats() {
    let text = format!("{BASE}noise = 1\nx_min = -2\nx_max = 5\n\n[model]\nsigma_w = 2\n");
    let preset = parse_preset(&text, SOURCE, &[]).expect("integers are valid floats");
    assert_eq!(preset.data.noise, 1.0);
    assert_eq!(preset.data.x_min, -2.0);
    assert_eq!(preset.data.x_max, 5.0);
    assert_eq!(preset.model.sigma_w, 2.0);
}

#[test]
fn defaults_filled_in() {
    let preset = parse_preset(BASE, SOURCE, &[]).expect("minimal preset");
    assert_eq!(preset.name, "bad");
    assert_eq!(preset.description, "");
    assert_eq!(preset.data.kind, DataKind::Sine1d);
    assert_eq!(preset.data.noise, 0.0);
    assert_eq!(preset.data.seed, 0);
    assert_eq!((preset.data.x_min, preset.data.x_max), (-3.0, 3.0));
    assert_eq!(preset.data.classes, (0..=9).collect::<Vec<u8>>());
    assert_eq!(preset.data.encoding, Encoding::OneHot);

    assert_eq!(preset.model.width, 512);
    assert_eq!(preset.model.activation, Activation::Relu);
    assert_eq!(preset.model.sigma_w, 1.0);
    assert_eq!(preset.model.sigma_b, 1.0);
    assert_eq!(preset.model.sigma_a, 1.0);
    assert_eq!(preset.model.scaling, Scaling::Standard);
    assert_eq!(preset.model.gamma0, 1.0);
    assert!(!preset.model.center);

    assert_eq!(preset.train.optimizer, Optimizer::Gd);
    assert_eq!(preset.train.learning_rate, 0.1);
    assert_eq!(preset.train.temperature, 0.01);
    assert_eq!(preset.train.burn_in, 0);
    assert_eq!(preset.train.steps, 0);
    assert_eq!(preset.train.log_every, 10);
    assert_eq!(preset.train.seed, 0);
}
