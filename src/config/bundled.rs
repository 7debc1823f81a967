//! Presets compiled into the binary, so it runs from any directory.

/// Bundled presets in display order, which the TUI maps to keys 1-9.
const BUNDLED: [(&str, &str); 17] = [
    ("lazy-1d", include_str!("../../presets/lazy-1d.toml")),
    ("rich-1d", include_str!("../../presets/rich-1d.toml")),
    ("bayes-1d", include_str!("../../presets/bayes-1d.toml")),
    (
        "bayes-rich-1d",
        include_str!("../../presets/bayes-rich-1d.toml"),
    ),
    ("digits", include_str!("../../presets/digits.toml")),
    ("lazy-deep", include_str!("../../presets/lazy-deep.toml")),
    ("rich-deep", include_str!("../../presets/rich-deep.toml")),
    (
        "lazy-vs-rich",
        include_str!("../../presets/lazy-vs-rich.toml"),
    ),
    ("xor", include_str!("../../presets/xor.toml")),
    ("circles", include_str!("../../presets/circles.toml")),
    ("spirals", include_str!("../../presets/spirals.toml")),
    ("teacher", include_str!("../../presets/teacher.toml")),
    ("csv-demo", include_str!("../../presets/csv-demo.toml")),
    (
        "csv-classes",
        include_str!("../../presets/csv-classes.toml"),
    ),
    (
        "width-sweep",
        include_str!("../../presets/width-sweep.toml"),
    ),
    (
        "gamma-sweep",
        include_str!("../../presets/gamma-sweep.toml"),
    ),
    (
        "digits-size",
        include_str!("../../presets/digits-size.toml"),
    ),
];

/// Data files that bundled presets may name in `data.path`, by their path
/// relative to `presets/`.
const BUNDLED_DATA: [(&str, &str); 2] = [
    (
        "data/csv-demo.csv",
        include_str!("../../presets/data/csv-demo.csv"),
    ),
    (
        "data/csv-classes.csv",
        include_str!("../../presets/data/csv-classes.csv"),
    ),
];

/// Returns the text of a bundled data file, by its path relative to `presets/`.
pub fn bundled_data_file(path: &str) -> Option<&'static str> {
    BUNDLED_DATA
        .iter()
        .find(|(name, _)| *name == path)
        .map(|(_, text)| *text)
}

/// Names of the bundled presets, in display order.
pub fn bundled_preset_names() -> Vec<&'static str> {
    BUNDLED.iter().map(|(name, _)| *name).collect()
}

/// Returns the TOML text of a bundled preset.
pub(crate) fn bundled_text(name: &str) -> Option<&'static str> {
    BUNDLED
        .iter()
        .find(|(bundled, _)| *bundled == name)
        .map(|(_, text)| *text)
}

/// Returns the file name that error messages use for a bundled preset.
pub(crate) fn bundled_source(name: &str) -> String {
    format!("presets/{name}.toml")
}
