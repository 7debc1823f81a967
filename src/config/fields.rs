//! Typed access to the values of a parsed preset. Each getter rejects a
//! value of the wrong TOML type, and ranges are left to the rules.

use super::document::{Document, Item, Value};
use super::error::{Location, PresetError, PresetErrorKind};
use super::schema::{CLASS_MAX, CLASS_MIN, Expect};

/// A value of a known type, with what error messages need to describe it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Field<T> {
    pub value: T,
    /// Dotted key such as `model.width`, or `data.classes[1]` for an element.
    pub key: String,
    /// The value as written.
    pub source_text: String,
    pub location: Location,
    pub expect: Expect,
}

impl<T> Field<T> {
    fn from_item(value: T, key: &str, item: &Item, expect: Expect) -> Self {
        Field {
            value,
            key: key.to_string(),
            source_text: item.source_text.clone(),
            location: item.location.clone(),
            expect,
        }
    }

    /// Builds the error `{key} = {source_text} {problem}: expected {expect}`.
    pub(crate) fn error(&self, kind: PresetErrorKind, problem: &str) -> PresetError {
        self.error_expecting(kind, problem, &self.expect.to_string())
    }

    /// Like [`Field::error`], with a custom description of what is accepted.
    pub(crate) fn error_expecting(
        &self,
        kind: PresetErrorKind,
        problem: &str,
        expected: &str,
    ) -> PresetError {
        let message = format!(
            "{} = {} {problem}: expected {expected}",
            self.key, self.source_text
        );
        PresetError::new(kind, self.location.clone(), message).with_key(self.key.clone())
    }
}

fn wrong_type(key: &str, item: &Item, expect: Expect) -> PresetError {
    Field::from_item((), key, item, expect).error(PresetErrorKind::WrongType, "has the wrong type")
}

impl Document {
    /// Returns the value of `key` converted by `extract`, or a wrong-type
    /// error when `extract` rejects it. Absent keys give `None`.
    fn typed<T>(
        &self,
        key: &str,
        extract: impl Fn(&Value) -> Option<T>,
    ) -> Result<Option<Field<T>>, PresetError> {
        let Some((spec, item)) = self.get(key) else {
            return Ok(None);
        };
        match extract(&item.value) {
            Some(value) => Ok(Some(Field::from_item(value, spec.key, item, spec.expect))),
            None => Err(wrong_type(spec.key, item, spec.expect)),
        }
    }

    pub(crate) fn integer(&self, key: &str) -> Result<Option<Field<i128>>, PresetError> {
        self.typed(key, |value| match value {
            Value::Integer(integer) => Some(*integer),
            _ => None,
        })
    }

    /// Returns a float setting. Integers are accepted and converted.
    pub(crate) fn number(&self, key: &str) -> Result<Option<Field<f64>>, PresetError> {
        self.typed(key, |value| match value {
            Value::Float(float) => Some(*float),
            // Precision loss above 2^53 is harmless for preset settings.
            Value::Integer(integer) => Some(*integer as f64),
            _ => None,
        })
    }

    pub(crate) fn text(&self, key: &str) -> Result<Option<Field<String>>, PresetError> {
        self.typed(key, |value| match value {
            Value::String(text) => Some(text.clone()),
            _ => None,
        })
    }

    pub(crate) fn boolean(&self, key: &str) -> Result<Option<Field<bool>>, PresetError> {
        self.typed(key, |value| match value {
            Value::Boolean(flag) => Some(*flag),
            _ => None,
        })
    }

    /// Returns an array of integers. Each element is a field of its own,
    /// keyed `key[index]`, so an error can point at one element.
    pub(crate) fn integers(
        &self,
        key: &str,
    ) -> Result<Option<Field<Vec<Field<i128>>>>, PresetError> {
        let element_expect = Expect::Integer {
            min: CLASS_MIN,
            max: Some(CLASS_MAX),
        };
        self.array(key, element_expect, |value| match value {
            Value::Integer(integer) => Some(*integer),
            _ => None,
        })
    }

    /// Returns an array of strings. Each element is a field of its own,
    /// keyed `key[index]`.
    pub(crate) fn texts(
        &self,
        key: &str,
    ) -> Result<Option<Field<Vec<Field<String>>>>, PresetError> {
        self.array(key, Expect::Text, |value| match value {
            Value::String(text) => Some(text.clone()),
            _ => None,
        })
    }

    /// Returns an array whose elements `extract` converts, or a wrong-type
    /// error naming the first element it rejects.
    fn array<T>(
        &self,
        key: &str,
        element_expect: Expect,
        extract: impl Fn(&Value) -> Option<T>,
    ) -> Result<Option<Field<Vec<Field<T>>>>, PresetError> {
        let Some(array) = self.typed(key, |value| match value {
            Value::Array(items) => Some(items.clone()),
            _ => None,
        })?
        else {
            return Ok(None);
        };

        let mut elements = Vec::with_capacity(array.value.len());
        for (index, item) in array.value.iter().enumerate() {
            let element_key = format!("{}[{index}]", array.key);
            let Some(value) = extract(&item.value) else {
                return Err(wrong_type(&element_key, item, element_expect));
            };
            elements.push(Field::from_item(value, &element_key, item, element_expect));
        }
        Ok(Some(Field {
            value: elements,
            key: array.key,
            source_text: array.source_text,
            location: array.location,
            expect: array.expect,
        }))
    }

    /// Returns a value of any type, for keys that accept more than one TOML
    /// type, such as `data.target` (a name or a column number).
    pub(crate) fn any(&self, key: &str) -> Option<Field<Value>> {
        let (spec, item) = self.get(key)?;
        Some(Field::from_item(
            item.value.clone(),
            spec.key,
            item,
            spec.expect,
        ))
    }

    /// Unwraps a required key's field, or reports the key as missing.
    pub(crate) fn require<T>(
        &self,
        key: &str,
        field: Option<Field<T>>,
    ) -> Result<Field<T>, PresetError> {
        field.ok_or_else(|| {
            let expect = super::schema::find_key(key)
                .map(|spec| spec.expect.to_string())
                .unwrap_or_default();
            let message = format!("missing required key {key}: expected {expect}");
            PresetError::new(
                PresetErrorKind::MissingKey,
                self.missing_location(key),
                message,
            )
            .with_key(key)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(text: &str) -> Document {
        Document::parse(text, "p.toml").expect("valid TOML")
    }

    #[test]
    fn number_accepts_integer() {
        let field = document("[model]\nsigma_w = 2\n").number("model.sigma_w");
        let field = field.expect("accepted").expect("present");
        assert_eq!(field.value, 2.0);
    }

    #[test]
    fn integer_rejects_float() {
        let error = document("[model]\nwidth = 512.0\n")
            .integer("model.width")
            .expect_err("a float is not an integer");
        assert_eq!(error.kind, PresetErrorKind::WrongType);
        assert_eq!(
            error.to_string(),
            "p.toml:2:9: model.width = 512.0 has the wrong type: \
             expected an integer from 1 to 65536"
        );
    }

    #[test]
    fn integers_point_at_bad_element() {
        let error = document("[data]\nclasses = [1, \"two\"]\n")
            .integers("data.classes")
            .expect_err("a string element");
        assert_eq!(error.key.as_deref(), Some("data.classes[1]"));
        assert_eq!(error.column(), Some(15));
        assert!(error.message.contains("expected an integer from 0 to 9"));
    }

    #[test]
    fn absent_key_is_none() {
        let field = document("").boolean("model.center").expect("no error");
        assert_eq!(field, None);
    }

    #[test]
    fn require_reports_missing_key_at_section() {
        let document = document("name = \"x\"\n[data]\ntrain = 3\n");
        let field = document.text("data.kind").expect("no type error");
        let error = document
            .require("data.kind", field)
            .expect_err("kind is required");
        assert_eq!(error.kind, PresetErrorKind::MissingKey);
        assert_eq!(error.line(), Some(2));
        assert!(error.message.contains("one of \"sine-1d\""));
    }
}
