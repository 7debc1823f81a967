//! Compare runs of a preset: the `[[compare]]` array of tables, each a
//! label and a list of `section.key=value` overrides of the preset.
//!
//! ```toml
//! [[compare]]
//! label = "standard"
//! set = ["model.scaling=standard"]
//!
//! [[compare]]
//! label = "mean-field"
//! set = ["model.scaling=mean-field"]
//! ```
//!
//! Each run is the preset (with any `--set` arguments) plus its own `set`
//! list, validated like a preset file. An error in an override names the
//! position of that string in the file.

use std::ops::Range;

use toml::Spanned;
use toml::de::DeValue;

use super::document::Document;
use super::error::{Location, PresetError, PresetErrorKind};
use super::types::Preset;

/// Minimum and maximum number of runs in a `[[compare]]` array.
pub const COMPARE_RUNS: (usize, usize) = (2, 4);

/// One run of compare mode: the preset with a run's overrides applied.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareRun {
    /// Legend name, such as "mean-field".
    pub label: String,
    pub preset: Preset,
}

/// A `[[compare]]` table as written, before its overrides are applied.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CompareEntry {
    pub label: String,
    /// Each `section.key=value` string with its position in the file.
    pub set: Vec<(String, Location)>,
}

/// Parses the value of the top-level `compare` key. `locate` turns a byte
/// span of the file into a location.
pub(crate) fn parse_entries(
    value: &Spanned<DeValue<'_>>,
    locate: &dyn Fn(Range<usize>) -> Location,
) -> Result<Vec<CompareEntry>, PresetError> {
    let here = locate(value.span());
    let DeValue::Array(tables) = value.get_ref() else {
        let message = "compare has the wrong type: expected [[compare]] tables, each with \
                       label = \"...\" and set = [\"section.key=value\", ...]";
        return Err(PresetError::new(PresetErrorKind::WrongType, here, message).with_key("compare"));
    };
    let (min, max) = COMPARE_RUNS;
    if !(min..=max).contains(&tables.len()) {
        let message = format!(
            "compare lists {} runs: expected {min} to {max} [[compare]] tables",
            tables.len()
        );
        return Err(
            PresetError::new(PresetErrorKind::OutOfRange, here, message).with_key("compare")
        );
    }
    let mut entries: Vec<CompareEntry> = Vec::with_capacity(tables.len());
    for table in tables {
        let entry = parse_entry(table, locate)?;
        if entries.iter().any(|e| e.label == entry.label) {
            let message = format!(
                "compare.label = {:?} appears twice: each run needs its own label",
                entry.label
            );
            let error =
                PresetError::new(PresetErrorKind::InvalidValue, locate(table.span()), message);
            return Err(error.with_key("compare.label"));
        }
        entries.push(entry);
    }
    Ok(entries)
}

fn parse_entry(
    table: &Spanned<DeValue<'_>>,
    locate: &dyn Fn(Range<usize>) -> Location,
) -> Result<CompareEntry, PresetError> {
    let DeValue::Table(fields) = table.get_ref() else {
        let message = "compare entries must be tables: write each run as a [[compare]] table";
        let error = PresetError::new(PresetErrorKind::WrongType, locate(table.span()), message);
        return Err(error.with_key("compare"));
    };
    let mut label = None;
    let mut set = Vec::new();
    for (key, value) in fields.iter() {
        let location = locate(value.span());
        match (key.get_ref().as_ref(), value.get_ref()) {
            ("label", DeValue::String(text)) if !text.trim().is_empty() => {
                label = Some(text.to_string());
            }
            ("label", _) => {
                return Err(wrong_type("compare.label", "a non-empty string", location));
            }
            ("set", DeValue::Array(items)) => {
                for item in items {
                    let DeValue::String(text) = item.get_ref() else {
                        let expected = "strings of the form section.key=value";
                        return Err(wrong_type("compare.set", expected, locate(item.span())));
                    };
                    set.push((text.to_string(), locate(item.span())));
                }
            }
            ("set", _) => {
                let expected = "an array of strings such as [\"model.scaling=mean-field\"]";
                return Err(wrong_type("compare.set", expected, location));
            }
            (other, _) => {
                let message = format!(
                    "unknown key `compare.{other}`: a [[compare]] table has the keys label and set"
                );
                let error =
                    PresetError::new(PresetErrorKind::UnknownKey, locate(key.span()), message);
                return Err(error.with_key(format!("compare.{other}")));
            }
        }
    }
    let Some(label) = label else {
        let message = "compare.label is missing: each [[compare]] table needs label = \"...\"";
        let error = PresetError::new(PresetErrorKind::MissingKey, locate(table.span()), message);
        return Err(error.with_key("compare.label"));
    };
    Ok(CompareEntry { label, set })
}

fn wrong_type(key: &str, expected: &str, location: Location) -> PresetError {
    let message = format!("{key} has the wrong type: expected {expected}");
    PresetError::new(PresetErrorKind::WrongType, location, message).with_key(key)
}

/// Builds the run of `entry`: `base` with the entry's overrides applied,
/// then validated. An error that concerns one of the overrides is moved to
/// that string's position in the file and names the run.
pub(crate) fn resolve(
    base: &Document,
    entry: &CompareEntry,
    default_name: &str,
    folder: &super::validate_data::DataFolder,
) -> Result<CompareRun, PresetError> {
    let relocate = |mut error: PresetError| {
        if let Location::Override(argument) = &error.location
            && let Some((_, location)) = entry.set.iter().find(|(text, _)| text == argument)
        {
            error.location = location.clone();
        }
        error.message = format!("in [[compare]] run {:?}: {}", entry.label, error.message);
        error
    };
    let mut document = base.clone();
    for (argument, _) in &entry.set {
        document.apply_override(argument).map_err(relocate)?;
    }
    let preset = super::validate::validate(&document, default_name, folder).map_err(relocate)?;
    Ok(CompareRun {
        label: entry.label.clone(),
        preset,
    })
}

#[cfg(test)]
mod tests {
    use crate::config::types::Scaling;
    use crate::config::{PresetErrorKind, parse_preset_runs};

    const BASE: &str = "[data]\nkind = \"sine-1d\"\ntrain = 4\ntest = 8\n";

    fn runs(tables: &str) -> String {
        format!("{BASE}{tables}")
    }

    const PAIR: &str = "[[compare]]\nlabel = \"lazy\"\nset = [\"model.scaling=standard\"]\n\
                        [[compare]]\nlabel = \"rich\"\nset = [\"model.scaling=mean-field\"]\n";

    #[test]
    fn compare_tables_become_runs() {
        let loaded = parse_preset_runs(&runs(PAIR), "p.toml", &[]).expect("valid preset");
        assert_eq!(loaded.compare.len(), 2);
        assert_eq!(loaded.compare[0].label, "lazy");
        assert_eq!(loaded.compare[1].label, "rich");
        assert_eq!(loaded.compare[1].preset.model.scaling, Scaling::MeanField);
        assert_eq!(loaded.compare[0].preset.data, loaded.preset.data);
    }

    #[test]
    fn compare_runs_inherit_overrides() {
        let overrides = ["model.width=64".to_string()];
        let loaded = parse_preset_runs(&runs(PAIR), "p.toml", &overrides).expect("valid");
        assert!(
            loaded
                .compare
                .iter()
                .all(|run| run.preset.model.width == 64)
        );
    }

    #[test]
    fn compare_bad_override_points_into_file() {
        let text = runs(
            "[[compare]]\nlabel = \"a\"\n[[compare]]\nlabel = \"b\"\nset = [\"model.width=0\"]\n",
        );
        let error = parse_preset_runs(&text, "p.toml", &[]).expect_err("width 0");
        assert_eq!(error.kind, PresetErrorKind::OutOfRange);
        // Line 9 is `set = [...]`, and the string starts at column 8.
        assert_eq!(error.line(), Some(9), "{error}");
        assert_eq!(error.column(), Some(8), "{error}");
        assert!(
            error.message.starts_with("in [[compare]] run \"b\": "),
            "{error}"
        );
    }

    #[test]
    fn compare_unknown_key_in_override() {
        let text = runs(
            "[[compare]]\nlabel = \"a\"\nset = [\"model.widht=3\"]\n[[compare]]\nlabel = \"b\"\n",
        );
        let error = parse_preset_runs(&text, "p.toml", &[]).expect_err("unknown key");
        assert_eq!(error.kind, PresetErrorKind::UnknownKey);
        assert_eq!(error.line(), Some(7), "{error}");
        assert!(
            error.message.contains("did you mean `model.width`?"),
            "{error}"
        );
    }

    #[test]
    fn compare_needs_two_to_four_runs() {
        let one = runs("[[compare]]\nlabel = \"a\"\n");
        let error = parse_preset_runs(&one, "p.toml", &[]).expect_err("one run");
        assert_eq!(error.kind, PresetErrorKind::OutOfRange);
        assert!(error.message.contains("expected 2 to 4"), "{error}");
        let five = runs(&"[[compare]]\nlabel = \"x\"\n".repeat(5));
        let error = parse_preset_runs(&five, "p.toml", &[]).expect_err("five runs");
        assert_eq!(error.kind, PresetErrorKind::OutOfRange);
    }

    #[test]
    fn compare_table_errors() {
        let cases = [
            (
                "[[compare]]\nset = []\n[[compare]]\nlabel = \"b\"\n",
                PresetErrorKind::MissingKey,
                5,
            ),
            (
                "[[compare]]\nlabel = 3\n[[compare]]\nlabel = \"b\"\n",
                PresetErrorKind::WrongType,
                6,
            ),
            (
                "[[compare]]\nlabel = \"a\"\nset = \"x=1\"\n[[compare]]\nlabel = \"b\"\n",
                PresetErrorKind::WrongType,
                7,
            ),
            (
                "[[compare]]\nlabel = \"a\"\nset = [1]\n[[compare]]\nlabel = \"b\"\n",
                PresetErrorKind::WrongType,
                7,
            ),
            (
                "[[compare]]\nlabel = \"a\"\ncolour = 1\n[[compare]]\nlabel = \"b\"\n",
                PresetErrorKind::UnknownKey,
                7,
            ),
            (
                "[[compare]]\nlabel = \"a\"\n[[compare]]\nlabel = \"a\"\n",
                PresetErrorKind::InvalidValue,
                7,
            ),
            ("compare = 1\n", PresetErrorKind::WrongType, 1),
        ];
        for (tables, kind, line) in cases {
            let text = if tables.starts_with("compare =") {
                format!("{tables}{BASE}")
            } else {
                runs(tables)
            };
            let error = parse_preset_runs(&text, "p.toml", &[]).expect_err(tables);
            assert_eq!(error.kind, kind, "{tables}: {error}");
            assert_eq!(error.line(), Some(line), "{tables}: {error}");
        }
    }
}
