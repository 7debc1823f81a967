//! Every bundled preset loads, validates and matches its documented intent.

use lazyrich::config::{
    DataKind, Optimizer, Preset, Scaling, bundled_preset_names, list_presets, load_preset,
    load_preset_runs, preset_warnings,
};
use lazyrich::data::load_dataset;

fn load(name: &str) -> Preset {
    load_preset(name, &[]).unwrap_or_else(|error| panic!("{name}: {error}"))
}

#[test]
fn bundled_names_in_order() {
    assert_eq!(
        bundled_preset_names(),
        vec![
            "lazy-1d",
            "rich-1d",
            "bayes-1d",
            "bayes-rich-1d",
            "digits",
            "lazy-deep",
            "rich-deep",
            "lazy-vs-rich",
            "xor",
            "circles",
            "spirals",
            "teacher",
            "csv-demo",
            "csv-classes",
            "width-sweep",
            "gamma-sweep",
            "digits-size",
        ]
    );
}

#[test]
fn every_bundled_preset_validates() {
    for name in bundled_preset_names() {
        let preset = load(name);
        assert_eq!(preset.name, name);
        assert!(!preset.description.is_empty(), "{name} has no description");
        assert_eq!(preset_warnings(&preset), Vec::<String>::new(), "{name}");
    }
}

#[test]
fn every_bundled_preset_builds_its_dataset() {
    for name in bundled_preset_names() {
        let preset = load(name);
        let dataset = load_dataset(&preset.data).unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_eq!(dataset.x_train.nrows(), preset.data.train, "{name}");
        assert_eq!(dataset.x_test.nrows(), preset.data.test, "{name}");
    }
}

#[test]
fn lazy_and_rich_differ_only_in_scaling() {
    let lazy = load("lazy-1d");
    let rich = load("rich-1d");
    assert_eq!(lazy.model.scaling, Scaling::Standard);
    assert_eq!(rich.model.scaling, Scaling::MeanField);
    assert_eq!(lazy.data, rich.data);
    assert_eq!(lazy.train, rich.train);
    let mut rich_model = rich.model.clone();
    rich_model.scaling = Scaling::Standard;
    assert_eq!(lazy.model, rich_model);
}

#[test]
fn deep_presets_differ_only_in_scaling() {
    let lazy = load("lazy-deep");
    let rich = load("rich-deep");
    assert_eq!(lazy.model.depth, 3);
    assert_eq!(lazy.model.scaling, Scaling::Standard);
    assert_eq!(rich.model.scaling, Scaling::MeanField);
    assert_eq!(lazy.data, rich.data);
    assert_eq!(lazy.train, rich.train);
    let mut rich_model = rich.model.clone();
    rich_model.scaling = Scaling::Standard;
    assert_eq!(lazy.model, rich_model);
}

#[test]
fn bayes_presets_use_langevin() {
    for name in ["bayes-1d", "bayes-rich-1d"] {
        let preset = load(name);
        assert_eq!(preset.train.optimizer, Optimizer::Langevin, "{name}");
        assert_eq!(preset.train.temperature, 0.01, "{name}");
        assert_eq!(preset.data.noise, 0.1, "{name}");
    }
    assert_eq!(load("bayes-rich-1d").model.scaling, Scaling::MeanField);
}

#[test]
fn digits_preset_uses_all_classes() {
    let preset = load("digits");
    assert_eq!(preset.data.kind, DataKind::Digits);
    assert_eq!(preset.data.classes, (0..=9).collect::<Vec<u8>>());
}

#[test]
fn override_on_bundled_preset() {
    let preset = load_preset("lazy-1d", &["model.width=64".to_string()]).expect("valid");
    assert_eq!(preset.model.width, 64);
}

#[test]
fn list_starts_with_bundled() {
    let entries = list_presets();
    let bundled = bundled_preset_names().len();
    let names: Vec<&str> = entries
        .iter()
        .take(bundled)
        .map(|entry| entry.name.as_str())
        .collect();
    assert_eq!(names, bundled_preset_names());
    assert!(
        entries
            .iter()
            .take(bundled)
            .all(|entry| entry.source == "bundled")
    );
}

#[test]
fn lazy_vs_rich_compares_the_scalings() {
    let loaded = load_preset_runs("lazy-vs-rich", &[]).expect("bundled preset loads");
    let labels: Vec<&str> = loaded.compare.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["standard", "mean-field"]);
    let lazy = load("lazy-1d");
    let scalings = [Scaling::Standard, Scaling::MeanField];
    for (run, scaling) in loaded.compare.iter().zip(scalings) {
        assert_eq!(run.preset.model.scaling, scaling, "{}", run.label);
        // Everything but the scaling matches lazy-1d: same data, seed and width.
        let mut model = run.preset.model.clone();
        model.scaling = Scaling::Standard;
        assert_eq!(model, lazy.model, "{}", run.label);
        assert_eq!(run.preset.data, lazy.data, "{}", run.label);
        assert_eq!(run.preset.train, lazy.train, "{}", run.label);
    }
}
