//! Errors from reading, parsing and validating preset files.

use std::fmt;

/// Origin of an invalid setting: a file position, a `--set` argument or a
/// name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A position in a preset file. `line` and `column` are 1-based, and the
    /// column counts characters, not bytes.
    File {
        source: String,
        line: usize,
        column: usize,
    },
    /// A `--set section.key=value` argument, kept verbatim.
    Override(String),
    /// A file or preset name that has no position, such as an unreadable file.
    Source(String),
    /// No file or argument is involved, such as an unknown preset name.
    Unspecified,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File {
                source,
                line,
                column,
            } => write!(f, "{source}:{line}:{column}"),
            Location::Override(argument) => write!(f, "--set {argument}"),
            Location::Source(source) => f.write_str(source),
            Location::Unspecified => Ok(()),
        }
    }
}

/// The class of a preset error, for callers and tests that branch on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PresetErrorKind {
    /// The file is not valid TOML.
    Syntax,
    /// A key or section that the schema does not define.
    UnknownKey,
    /// A required key is absent.
    MissingKey,
    /// A value of the wrong TOML type, such as a string for an integer.
    WrongType,
    /// A number outside its accepted range.
    OutOfRange,
    /// A float that is NaN or infinite.
    NotFinite,
    /// A string outside the accepted names, or an invalid class list.
    InvalidValue,
    /// A key that is not allowed together with another key's value.
    Conflict,
    /// A `--set` argument without the `section.key=value` form.
    InvalidOverride,
    /// A preset name that is neither bundled nor in the user folder.
    UnknownPreset,
    /// A preset file that could not be read.
    Io,
}

/// An invalid preset, with the position and key it concerns.
///
/// The `Display` output is one line: the location, then the message, e.g.
/// `presets/bad.toml:7:9: model.width = 0 is out of range: expected an
/// integer from 1 to 65536`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", render(location, message))]
pub struct PresetError {
    pub kind: PresetErrorKind,
    pub location: Location,
    /// Dotted key such as `model.width`, when the error concerns one key.
    pub key: Option<String>,
    /// The message without the location prefix.
    pub message: String,
}

impl PresetError {
    pub fn new(kind: PresetErrorKind, location: Location, message: impl Into<String>) -> Self {
        PresetError {
            kind,
            location,
            key: None,
            message: message.into(),
        }
    }

    /// Sets the dotted key that the error concerns.
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// 1-based line in the preset file, if the error has a file position.
    pub fn line(&self) -> Option<usize> {
        match self.location {
            Location::File { line, .. } => Some(line),
            _ => None,
        }
    }

    /// 1-based column in characters, if the error has a file position.
    pub fn column(&self) -> Option<usize> {
        match self.location {
            Location::File { column, .. } => Some(column),
            _ => None,
        }
    }
}

fn render(location: &Location, message: &str) -> String {
    match location {
        Location::Unspecified => message.to_string(),
        _ => format!("{location}: {message}"),
    }
}

/// Converts byte offsets in a preset file to 1-based line and column.
#[derive(Clone, Debug)]
pub(crate) struct Locator<'a> {
    text: &'a str,
    source: &'a str,
}

impl<'a> Locator<'a> {
    pub(crate) fn new(text: &'a str, source: &'a str) -> Self {
        Locator { text, source }
    }

    /// Returns the file location of byte `offset`. Offsets past the end, or
    /// inside a multi-byte character, are clamped to the nearest character
    /// boundary before it.
    pub(crate) fn locate(&self, offset: usize) -> Location {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &self.text[..offset];
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        Location::File {
            source: self.source.to_string(),
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }

    /// Returns the source text of a byte range, on one line.
    pub(crate) fn excerpt(&self, span: std::ops::Range<usize>) -> String {
        let text = self.text.get(span).unwrap_or_default();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position(location: Location) -> (usize, usize) {
        match location {
            Location::File { line, column, .. } => (line, column),
            other => panic!("expected a file location, got {other:?}"),
        }
    }

    #[test]
    fn locate_first_character() {
        let locator = Locator::new("a = 1\nb = 2\n", "p.toml");
        assert_eq!(position(locator.locate(0)), (1, 1));
    }

    #[test]
    fn locate_after_newline() {
        let locator = Locator::new("a = 1\nb = 2\n", "p.toml");
        assert_eq!(position(locator.locate(6)), (2, 1));
        assert_eq!(position(locator.locate(10)), (2, 5));
    }

    #[test]
    fn locate_counts_characters() {
        // "é" is two bytes, so byte 12 is the 11th character of line 1.
        let locator = Locator::new("name = \"é\" x", "p.toml");
        assert_eq!(position(locator.locate(12)), (1, 12));
    }

    #[test]
    fn locate_clamps_past_end() {
        let locator = Locator::new("a = 1", "p.toml");
        assert_eq!(position(locator.locate(99)), (1, 6));
    }

    #[test]
    fn excerpt_joins_lines() {
        let text = "classes = [\n  1,\n  2,\n]";
        let locator = Locator::new(text, "p.toml");
        assert_eq!(locator.excerpt(10..text.len()), "[ 1, 2, ]");
    }

    #[test]
    fn display_prefixes_location() {
        let location = Location::File {
            source: "bad.toml".into(),
            line: 7,
            column: 9,
        };
        let error = PresetError::new(PresetErrorKind::OutOfRange, location, "model.width = 0");
        assert_eq!(error.to_string(), "bad.toml:7:9: model.width = 0");
    }

    #[test]
    fn display_without_location() {
        let error = PresetError::new(
            PresetErrorKind::UnknownPreset,
            Location::Unspecified,
            "unknown preset",
        );
        assert_eq!(error.to_string(), "unknown preset");
    }
}
