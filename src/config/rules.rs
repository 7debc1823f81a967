//! Validation rules, one function per rule. Each returns an error that names
//! the offending key, its value and what would be accepted.

use super::data_types::{CsvTarget, HeaderMode};
use super::document::Value;
use super::error::{PresetError, PresetErrorKind};
use super::fields::Field;
use super::schema::{Bound, Expect, MIN_CLASSES};
use super::suggest::closest;
use crate::config::types::{DataKind, Optimizer};
use crate::data::digits::rows_for_classes;

/// Rejects NaN and infinite floats.
pub(crate) fn check_finite(field: &Field<f64>) -> Result<(), PresetError> {
    if field.value.is_finite() {
        Ok(())
    } else {
        Err(field.error(PresetErrorKind::NotFinite, "is not a finite number"))
    }
}

/// Checks a float against the lower bound in its schema entry.
pub(crate) fn check_lower_bound(field: &Field<f64>) -> Result<(), PresetError> {
    let accepted = match field.expect {
        Expect::Number(Bound::Positive) => field.value > 0.0,
        Expect::Number(Bound::NonNegative) => field.value >= 0.0,
        _ => true,
    };
    if accepted {
        Ok(())
    } else {
        Err(field.error(PresetErrorKind::OutOfRange, "is out of range"))
    }
}

/// Converts an integer to the setting's Rust type, checking the schema's
/// range and the limits of the type.
pub(crate) fn to_integer<T: TryFrom<i128>>(field: &Field<i128>) -> Result<T, PresetError> {
    let in_schema_range = match field.expect {
        Expect::Integer { min, max } => {
            field.value >= min && max.is_none_or(|max| field.value <= max)
        }
        _ => true,
    };
    let converted = T::try_from(field.value).ok();
    match converted {
        Some(value) if in_schema_range => Ok(value),
        _ => Err(field.error(PresetErrorKind::OutOfRange, "is out of range")),
    }
}

/// Maps a string to the variant with that name, suggesting a close name.
pub(crate) fn to_choice<T: Copy>(
    field: &Field<String>,
    variants: &[T],
    name: fn(T) -> &'static str,
) -> Result<T, PresetError> {
    if let Some(variant) = variants
        .iter()
        .find(|variant| name(**variant) == field.value)
    {
        return Ok(*variant);
    }
    let names: Vec<&str> = variants.iter().map(|variant| name(*variant)).collect();
    let problem = match closest(&field.value, &names) {
        Some(suggestion) => format!("is invalid (did you mean \"{suggestion}\"?)"),
        None => "is invalid".to_string(),
    };
    Err(field.error(PresetErrorKind::InvalidValue, &problem))
}

/// Checks a class list: every class in range, no repeats, at least two.
pub(crate) fn to_classes(field: &Field<Vec<Field<i128>>>) -> Result<Vec<u8>, PresetError> {
    let mut classes = Vec::with_capacity(field.value.len());
    for element in &field.value {
        let class: u8 = to_integer(element)?;
        if classes.contains(&class) {
            return Err(element.error_expecting(
                PresetErrorKind::InvalidValue,
                "repeats a class",
                &field.expect.to_string(),
            ));
        }
        classes.push(class);
    }
    if classes.len() < MIN_CLASSES {
        return Err(field.error(PresetErrorKind::InvalidValue, "has too few classes"));
    }
    Ok(classes)
}

/// Requires `x_min < x_max`. The error points at `x_min` when the file or
/// an override sets it, else at `x_max`.
pub(crate) fn check_x_order(
    x_min: (Option<&Field<f64>>, f64),
    x_max: (Option<&Field<f64>>, f64),
) -> Result<(), PresetError> {
    let ((min_field, min), (max_field, max)) = (x_min, x_max);
    if min < max {
        return Ok(());
    }
    let kind = PresetErrorKind::OutOfRange;
    match (min_field, max_field) {
        (Some(field), _) => Err(field.error_expecting(
            kind,
            "is out of range",
            &format!("a number less than data.x_max = {max}"),
        )),
        (None, Some(field)) => Err(field.error_expecting(
            kind,
            "is out of range",
            &format!("a number greater than data.x_min = {min}"),
        )),
        // Both are defaults, which are ordered, so this is not reachable
        // from a preset file.
        (None, None) => Ok(()),
    }
}

/// Rejects a key set for a data kind it does not apply to. `applies`
/// returns whether the key applies to a kind, and `applies_to` names those
/// kinds in the message, e.g. "the 1-D kinds".
pub(crate) fn check_applies_to_kind<T>(
    field: Option<&Field<T>>,
    kind: DataKind,
    applies: fn(DataKind) -> bool,
    applies_to: &str,
) -> Result<(), PresetError> {
    let Some(field) = field else {
        return Ok(());
    };
    if applies(kind) {
        return Ok(());
    }
    let problem = format!("is not allowed with data.kind = \"{}\"", kind.name());
    let remedy = format!(
        "no {} key, because it applies only to {applies_to}",
        field.key
    );
    Err(field.error_expecting(PresetErrorKind::Conflict, &problem, &remedy))
}

/// Converts `data.target`: a header name, or a column number from 1.
pub(crate) fn to_column(field: &Field<Value>) -> Result<CsvTarget, PresetError> {
    match &field.value {
        Value::String(name) if !name.is_empty() => Ok(CsvTarget::Name(name.clone())),
        Value::Integer(number) => match usize::try_from(*number) {
            Ok(number) if number >= 1 => Ok(CsvTarget::Number(number)),
            _ => Err(field.error(PresetErrorKind::OutOfRange, "is out of range")),
        },
        Value::String(_) => Err(field.error(PresetErrorKind::InvalidValue, "is invalid")),
        _ => Err(field.error(PresetErrorKind::WrongType, "has the wrong type")),
    }
}

/// Converts `data.header`: `true`, `false` or `"auto"`.
pub(crate) fn to_header(field: &Field<Value>) -> Result<HeaderMode, PresetError> {
    match &field.value {
        Value::Boolean(true) => Ok(HeaderMode::Present),
        Value::Boolean(false) => Ok(HeaderMode::Absent),
        Value::String(text) if text == "auto" => Ok(HeaderMode::Auto),
        Value::String(text) => {
            let problem = match closest(text, &["auto", "true", "false"]) {
                Some(suggestion) => format!("is invalid (did you mean {suggestion}?)"),
                None => "is invalid".to_string(),
            };
            Err(field.error(PresetErrorKind::InvalidValue, &problem))
        }
        _ => Err(field.error(PresetErrorKind::WrongType, "has the wrong type")),
    }
}

/// Requires `data.teacher_neurons <= data.input_dim`, so the teacher's
/// directions can be orthonormal. The error points at `teacher_neurons`.
pub(crate) fn check_teacher_neurons(
    neurons: Option<&Field<i128>>,
    input_dim: usize,
) -> Result<(), PresetError> {
    match neurons {
        Some(field) if usize::try_from(field.value).is_ok_and(|k| k > input_dim) => Err(field
            .error_expecting(
                PresetErrorKind::OutOfRange,
                "is out of range",
                &format!("an integer from 1 to data.input_dim = {input_dim}"),
            )),
        _ => Ok(()),
    }
}

/// Requires `train + test` to fit in the digit rows of the chosen classes.
/// The error is reported at `data.train`.
pub(crate) fn check_digit_rows(
    train: &Field<i128>,
    test: usize,
    classes: &[u8],
) -> Result<(), PresetError> {
    let available = rows_for_classes(classes);
    let requested = usize::try_from(train.value).unwrap_or(usize::MAX);
    if requested.saturating_add(test) <= available {
        return Ok(());
    }
    let expected = format!(
        "at most {} so that data.train + data.test fits the {available} rows of classes {classes:?} \
         (data.test = {test})",
        available.saturating_sub(test),
    );
    Err(train.error_expecting(PresetErrorKind::OutOfRange, "is out of range", &expected))
}

/// Langevin needs a positive temperature, gradient descent accepts 0.
pub(crate) fn check_langevin_temperature(
    temperature: Option<&Field<f64>>,
    optimizer: Optimizer,
) -> Result<(), PresetError> {
    match temperature {
        Some(field) if optimizer == Optimizer::Langevin && field.value <= 0.0 => Err(field
            .error_expecting(
                PresetErrorKind::OutOfRange,
                "is out of range",
                "a finite number > 0 with train.optimizer = \"langevin\"",
            )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::error::Location;

    fn field<T>(key: &str, value: T, source_text: &str, expect: Expect) -> Field<T> {
        Field {
            value,
            key: key.to_string(),
            source_text: source_text.to_string(),
            location: Location::Override(format!("{key}={source_text}")),
            expect,
        }
    }

    fn positive(key: &str, value: f64) -> Field<f64> {
        field(
            key,
            value,
            &value.to_string(),
            Expect::Number(Bound::Positive),
        )
    }

    #[test]
    fn finite_rejects_nan_and_inf() {
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let error = check_finite(&positive("model.sigma_w", value)).expect_err("not finite");
            assert_eq!(error.kind, PresetErrorKind::NotFinite);
        }
        assert!(check_finite(&positive("model.sigma_w", 1.0)).is_ok());
    }

    #[test]
    fn lower_bound_positive_rejects_zero() {
        let error = check_lower_bound(&positive("model.sigma_w", 0.0)).expect_err("zero");
        assert!(error.message.ends_with("expected a finite number > 0"));
    }

    #[test]
    fn lower_bound_non_negative_accepts_zero() {
        let sigma_b = field(
            "model.sigma_b",
            0.0,
            "0",
            Expect::Number(Bound::NonNegative),
        );
        assert!(check_lower_bound(&sigma_b).is_ok());
    }

    #[test]
    fn integer_respects_type_limits() {
        let expect = Expect::Integer { min: 0, max: None };
        let classes = field("data.classes[0]", 300, "300", expect);
        assert!(to_integer::<u8>(&classes).is_err());
        let negative = field("data.seed", -1, "-1", expect);
        assert!(to_integer::<u64>(&negative).is_err());
    }

    #[test]
    fn choice_suggests_close_name() {
        let names = crate::config::schema::OPTIMIZERS;
        let text = field(
            "train.optimizer",
            "langevn".to_string(),
            "\"langevn\"",
            Expect::Choice(names),
        );
        let error = to_choice(&text, &Optimizer::ALL, Optimizer::name).expect_err("typo");
        assert!(error.message.contains("did you mean \"langevin\"?"));
        assert!(
            error
                .message
                .ends_with("expected one of \"gd\", \"langevin\"")
        );
    }

    #[test]
    fn classes_reject_repeat() {
        let element = |value: i128| {
            let expect = Expect::Integer {
                min: 0,
                max: Some(9),
            };
            field("data.classes[i]", value, &value.to_string(), expect)
        };
        let list = field(
            "data.classes",
            vec![element(3), element(3)],
            "[3, 3]",
            Expect::Classes,
        );
        let error = to_classes(&list).expect_err("repeated class");
        assert!(error.message.contains("repeats a class"));
    }

    #[test]
    fn x_order_blames_set_key() {
        let x_max = field("data.x_max", -5.0, "-5", Expect::Number(Bound::Any));
        let error = check_x_order((None, -3.0), (Some(&x_max), -5.0)).expect_err("unordered");
        assert_eq!(error.key.as_deref(), Some("data.x_max"));
        assert!(error.message.contains("greater than data.x_min = -3"));
    }

    #[test]
    fn digit_rows_accept_exact_fit() {
        let train = field(
            "data.train",
            300,
            "300",
            Expect::Integer { min: 1, max: None },
        );
        // Classes 0 and 1 have 178 + 182 = 360 rows.
        assert!(check_digit_rows(&train, 60, &[0, 1]).is_ok());
        assert!(check_digit_rows(&train, 61, &[0, 1]).is_err());
    }

    #[test]
    fn langevin_temperature_must_be_positive() {
        let zero = field(
            "train.temperature",
            0.0,
            "0",
            Expect::Number(Bound::NonNegative),
        );
        assert!(check_langevin_temperature(Some(&zero), Optimizer::Gd).is_ok());
        assert!(check_langevin_temperature(Some(&zero), Optimizer::Langevin).is_err());
    }
}
