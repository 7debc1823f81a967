//! Presets compiled into the binary, so it runs from any directory.

/// Bundled presets in display order, which the TUI maps to keys 1-9.
const BUNDLED: [(&str, &str); 8] = [
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
];

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
