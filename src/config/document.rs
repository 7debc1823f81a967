//! Raw parsing: a preset file and its `--set` overrides become a map from
//! dotted key to value, with the location of every value.
//!
//! This stage rejects TOML syntax errors and unknown keys or sections. Types
//! and ranges are checked later, so an override gets the same checks as a
//! value written in the file.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::compare::{self, CompareEntry};
use super::error::{Location, Locator, PresetError, PresetErrorKind};
use super::schema::{self, KeySpec, SECTIONS, TOP_LEVEL_KEYS};
use super::suggest::{closest, suggest_key};

/// A TOML value, reduced to the types that preset keys use.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    /// An integer. Values beyond `i128` saturate, so they fail range checks.
    Integer(i128),
    Float(f64),
    String(String),
    Boolean(bool),
    Array(Vec<Item>),
    /// Any other TOML type (table, date-time), by its name for messages.
    Other(&'static str),
}

/// A value with its source text and location.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Item {
    pub value: Value,
    /// The value as written, on one line, for error messages.
    pub source_text: String,
    pub location: Location,
}

/// A parsed preset: every key that the file or an override sets.
#[derive(Clone, Debug)]
pub(crate) struct Document {
    source: String,
    entries: BTreeMap<&'static str, (&'static KeySpec, Item)>,
    /// Location of each section header, for errors about missing keys.
    sections: BTreeMap<&'static str, Location>,
    /// The `[[compare]]` tables, in file order; empty when there are none.
    compare: Vec<CompareEntry>,
}

/// Mapping from the spans of a parsed value to locations and source text.
struct Origin<'a> {
    /// Locates spans within the text that was parsed.
    locator: Locator<'a>,
    /// The `--set` argument, when the text is an override's value.
    argument: Option<&'a str>,
}

impl Origin<'_> {
    fn item(&self, value: &Spanned<DeValue<'_>>) -> Item {
        Item {
            value: convert(value.get_ref(), self),
            source_text: self.locator.excerpt(value.span()),
            location: self.location(value.span()),
        }
    }

    fn location(&self, span: Range<usize>) -> Location {
        match self.argument {
            Some(argument) => Location::Override(argument.to_string()),
            None => self.locator.locate(span.start),
        }
    }
}

fn convert(value: &DeValue<'_>, origin: &Origin<'_>) -> Value {
    match value {
        DeValue::String(text) => Value::String(text.to_string()),
        DeValue::Integer(integer) => {
            let digits = integer.as_str();
            let parsed = i128::from_str_radix(digits, integer.radix());
            let saturated = if digits.starts_with('-') {
                i128::MIN
            } else {
                i128::MAX
            };
            Value::Integer(parsed.unwrap_or(saturated))
        }
        // The TOML parser has validated the float, and Rust's f64 parser
        // accepts every TOML float form (see the conversion test), so the
        // fallback is not expected to run. NaN would fail the finite check.
        DeValue::Float(float) => Value::Float(float.as_str().parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(flag) => Value::Boolean(*flag),
        DeValue::Datetime(_) => Value::Other("a date-time"),
        DeValue::Array(items) => Value::Array(items.iter().map(|item| origin.item(item)).collect()),
        DeValue::Table(_) => Value::Other("a table"),
    }
}

/// Returns the table's entries in the order they appear in the file.
fn in_source_order<'t, 'i>(
    table: &'t DeTable<'i>,
) -> Vec<(&'t Spanned<DeString<'i>>, &'t Spanned<DeValue<'i>>)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

impl Document {
    /// Parses preset text. `source` names the file in error messages.
    pub(crate) fn parse(text: &str, source: &str) -> Result<Document, PresetError> {
        let locator = Locator::new(text, source);
        let table = DeTable::parse(text).map_err(|error| {
            let offset = error.span().map_or(0, |span| span.start);
            let message = format!("invalid TOML: {}", error.message());
            PresetError::new(PresetErrorKind::Syntax, locator.locate(offset), message)
        })?;

        let origin = Origin {
            locator,
            argument: None,
        };
        let mut document = Document {
            source: source.to_string(),
            entries: BTreeMap::new(),
            sections: BTreeMap::new(),
            compare: Vec::new(),
        };
        for (key, value) in in_source_order(table.get_ref()) {
            document.add_top_level(key, value, &origin)?;
        }
        Ok(document)
    }

    fn add_top_level(
        &mut self,
        key: &Spanned<DeString<'_>>,
        value: &Spanned<DeValue<'_>>,
        origin: &Origin<'_>,
    ) -> Result<(), PresetError> {
        let name = key.get_ref().as_ref();
        let location = origin.location(key.span());
        if let Some(section) = SECTIONS.iter().find(|section| **section == name) {
            let DeValue::Table(table) = value.get_ref() else {
                let message = format!(
                    "{section} = {} has the wrong type: expected a table such as [{section}]",
                    origin.locator.excerpt(value.span())
                );
                return Err(
                    PresetError::new(PresetErrorKind::WrongType, location, message)
                        .with_key(*section),
                );
            };
            self.sections.insert(section, location);
            for (key, value) in in_source_order(table) {
                let dotted = format!("{section}.{}", key.get_ref());
                self.add_entry(&dotted, origin.location(key.span()), origin.item(value))?;
            }
            return Ok(());
        }
        if TOP_LEVEL_KEYS.contains(&name) {
            return self.add_entry(name, location, origin.item(value));
        }
        if name == "compare" {
            self.compare = compare::parse_entries(value, &|span| origin.location(span))?;
            return Ok(());
        }
        Err(unknown_top_level(name, value, location))
    }

    fn add_entry(
        &mut self,
        key: &str,
        key_location: Location,
        item: Item,
    ) -> Result<(), PresetError> {
        let Some(spec) = schema::find_key(key) else {
            return Err(unknown_key(key, key_location));
        };
        self.entries.insert(spec.key, (spec, item));
        Ok(())
    }

    /// Applies one `--set section.key=value` argument, replacing any value
    /// the file sets. The value is parsed as TOML and, if that fails, taken
    /// as a bare string, so `model.activation=erf` works without quotes.
    pub(crate) fn apply_override(&mut self, argument: &str) -> Result<(), PresetError> {
        let location = Location::Override(argument.to_string());
        let Some((key, text)) = argument.split_once('=') else {
            let message = "invalid override: expected section.key=value, e.g. model.width=1024";
            return Err(PresetError::new(
                PresetErrorKind::InvalidOverride,
                location,
                message,
            ));
        };
        let (key, text) = (key.trim(), text.trim());
        if key.is_empty() {
            let message = "invalid override: the key before `=` is empty, \
                           expected section.key=value, e.g. model.width=1024";
            return Err(PresetError::new(
                PresetErrorKind::InvalidOverride,
                location,
                message,
            ));
        }
        if SECTIONS.contains(&key) {
            let message = format!(
                "invalid override: `{key}` is a section, expected section.key=value, e.g. {key}.{}=...",
                schema::keys_in_section(key)
                    .first()
                    .copied()
                    .unwrap_or_default()
            );
            return Err(
                PresetError::new(PresetErrorKind::InvalidOverride, location, message).with_key(key),
            );
        }

        let item = match DeValue::parse(text) {
            Ok(value) => Origin {
                locator: Locator::new(text, ""),
                argument: Some(argument),
            }
            .item(&value),
            Err(_) => Item {
                value: Value::String(text.to_string()),
                source_text: format!("{text:?}"),
                location: location.clone(),
            },
        };
        self.add_entry(key, location, item)
    }

    /// Returns the `[[compare]]` tables of the file, in file order.
    pub(crate) fn compare_entries(&self) -> &[CompareEntry] {
        &self.compare
    }

    /// Returns the value of a dotted key, if the file or an override sets it.
    pub(crate) fn get(&self, key: &str) -> Option<(&'static KeySpec, &Item)> {
        self.entries.get(key).map(|(spec, item)| (*spec, item))
    }

    /// Location for an error about a key that is absent: the section header
    /// if there is one, else the start of the file.
    pub(crate) fn missing_location(&self, key: &str) -> Location {
        let section = key.split_once('.').map_or("", |(section, _)| section);
        match self.sections.get(section) {
            Some(location) => location.clone(),
            None => Location::File {
                source: self.source.clone(),
                line: 1,
                column: 1,
            },
        }
    }
}

fn unknown_key(key: &str, location: Location) -> PresetError {
    let mut message = format!("unknown key `{key}`");
    match suggest_key(key) {
        // A top-level key written after a section header belongs to that
        // section in TOML, a common slip.
        Some(suggestion) if key.contains('.') && !suggestion.contains('.') => {
            message.push_str(&format!(
                ": did you mean the top-level key `{suggestion}`? It must come before the \
                 first [section] header."
            ));
        }
        Some(suggestion) => message.push_str(&format!(": did you mean `{suggestion}`?")),
        None => message.push('.'),
    }
    let section = key.split_once('.').map_or("", |(section, _)| section);
    if SECTIONS.contains(&section) {
        let known = schema::keys_in_section(section).join(", ");
        message.push_str(&format!(" Keys in [{section}]: {known}"));
    } else {
        message.push_str(&format!(" Known keys: {}", schema::all_keys().join(", ")));
    }
    PresetError::new(PresetErrorKind::UnknownKey, location, message).with_key(key)
}

fn unknown_top_level(name: &str, value: &Spanned<DeValue<'_>>, location: Location) -> PresetError {
    let entry_kind = match value.get_ref() {
        DeValue::Table(_) => "section",
        _ => "key",
    };
    let mut candidates: Vec<&str> = TOP_LEVEL_KEYS.to_vec();
    candidates.extend(SECTIONS);
    let mut message = format!("unknown {entry_kind} `{name}`");
    match closest(name, &candidates) {
        Some(suggestion) => message.push_str(&format!(": did you mean `{suggestion}`?")),
        None => message.push('.'),
    }
    message.push_str(
        " A preset has the keys name and description, the sections [data], [model] and [train], \
         and optional [[compare]] tables",
    );
    PresetError::new(PresetErrorKind::UnknownKey, location, message).with_key(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Document, PresetError> {
        Document::parse(text, "p.toml")
    }

    #[test]
    fn parse_records_value_location() {
        let document = parse("[model]\nwidth = 64\n").expect("valid preset");
        let (_, item) = document.get("model.width").expect("width is set");
        assert_eq!(item.value, Value::Integer(64));
        assert_eq!(item.source_text, "64");
        let expected = Location::File {
            source: "p.toml".into(),
            line: 2,
            column: 9,
        };
        assert_eq!(item.location, expected);
    }

    #[test]
    fn parse_reports_first_unknown_in_file_order() {
        let error = parse("[model]\nzzz = 1\naaa = 2\n").expect_err("unknown keys");
        assert_eq!(error.key.as_deref(), Some("model.zzz"));
        assert_eq!(error.line(), Some(2));
    }

    #[test]
    fn parse_rejects_unknown_section() {
        let error = parse("[modle]\nwidth = 1\n").expect_err("unknown section");
        assert_eq!(error.kind, PresetErrorKind::UnknownKey);
        assert!(error.message.contains("unknown section `modle`"));
        assert!(error.message.contains("did you mean `model`?"));
    }

    #[test]
    fn parse_rejects_section_as_value() {
        let error = parse("model = 3\n").expect_err("model must be a table");
        assert_eq!(error.kind, PresetErrorKind::WrongType);
        assert_eq!(error.key.as_deref(), Some("model"));
    }

    #[test]
    fn parse_rejects_nested_table() {
        let error = parse("[model.extra]\nx = 1\n").expect_err("nested table");
        assert_eq!(error.key.as_deref(), Some("model.extra"));
    }

    #[test]
    fn parse_converts_toml_float_forms() {
        let cases = [
            ("1_000.5", 1000.5),
            ("+1.5", 1.5),
            ("6.626e-34", 6.626e-34),
            ("1E3", 1000.0),
            ("+inf", f64::INFINITY),
            ("-inf", f64::NEG_INFINITY),
        ];
        for (text, expected) in cases {
            let document = parse(&format!("[data]\nnoise = {text}\n")).expect("valid TOML");
            let (_, item) = document.get("data.noise").expect("noise is set");
            assert_eq!(item.value, Value::Float(expected), "{text}");
        }
        for text in ["nan", "+nan", "-nan"] {
            let document = parse(&format!("[data]\nnoise = {text}\n")).expect("valid TOML");
            let (_, item) = document.get("data.noise").expect("noise is set");
            assert!(
                matches!(item.value, Value::Float(x) if x.is_nan()),
                "{text}"
            );
        }
    }

    #[test]
    fn parse_saturates_huge_integer() {
        let document = parse("[data]\nseed = 0x7fffffffffffffff\n").expect("valid TOML");
        let (_, item) = document.get("data.seed").expect("seed is set");
        assert_eq!(item.value, Value::Integer(i64::MAX.into()));
    }

    #[test]
    fn override_replaces_file_value() {
        let mut document = parse("[model]\nwidth = 64\n").expect("valid preset");
        document
            .apply_override("model.width=1024")
            .expect("valid override");
        let (_, item) = document.get("model.width").expect("width is set");
        assert_eq!(item.value, Value::Integer(1024));
        assert_eq!(item.location, Location::Override("model.width=1024".into()));
    }

    #[test]
    fn override_falls_back_to_string() {
        let mut document = parse("").expect("empty preset");
        document
            .apply_override("model.activation=erf")
            .expect("valid override");
        let (_, item) = document.get("model.activation").expect("set");
        assert_eq!(item.value, Value::String("erf".into()));
        assert_eq!(item.source_text, "\"erf\"");
    }

    #[test]
    fn override_parses_array() {
        let mut document = parse("").expect("empty preset");
        document
            .apply_override("data.classes=[3, 8]")
            .expect("valid override");
        let (_, item) = document.get("data.classes").expect("set");
        let Value::Array(items) = &item.value else {
            panic!("expected an array, got {:?}", item.value);
        };
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].source_text, "8");
    }

    #[test]
    fn unknown_key_in_other_section() {
        let error = parse("[model]\noptimizer = 1\n").expect_err("optimizer is in [train]");
        assert!(error.message.contains("did you mean `train.optimizer`?"));
    }

    #[test]
    fn unknown_key_without_close_match() {
        let error = parse("[model]\ndropout = 2\n").expect_err("unknown key");
        assert!(
            error
                .message
                .starts_with("unknown key `model.dropout`. Keys in [model]: width, depth")
        );
    }

    #[test]
    fn top_level_key_inside_section() {
        let error = parse("[data]\nname = \"x\"\n").expect_err("name is top-level");
        assert!(
            error
                .message
                .contains("did you mean the top-level key `name`?")
        );
    }

    #[test]
    fn override_without_equals_sign() {
        let mut document = parse("").expect("empty preset");
        let error = document
            .apply_override("model.width")
            .expect_err("no value");
        assert_eq!(error.kind, PresetErrorKind::InvalidOverride);
        assert_eq!(error.to_string().find("--set model.width: "), Some(0));
    }

    #[test]
    fn override_suggests_dotted_key() {
        let mut document = parse("").expect("empty preset");
        let error = document.apply_override("width=8").expect_err("no section");
        assert!(error.message.contains("did you mean `model.width`?"));
    }
}
