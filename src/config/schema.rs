//! The keys a preset file may set, with the type and range each accepts.

use std::fmt;

/// Sections of a preset file, in the order they are documented.
pub(crate) const SECTIONS: [&str; 4] = ["data", "model", "train", "sweep"];

/// Keys allowed outside any section.
pub(crate) const TOP_LEVEL_KEYS: [&str; 2] = ["name", "description"];

/// Lower bound of a float setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bound {
    Any,
    NonNegative,
    Positive,
}

/// The values a key accepts: its TOML type and range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Expect {
    /// An integer in `min..=max`. Without `max`, the limit is the maximum of
    /// the setting's Rust type.
    Integer {
        min: i128,
        max: Option<i128>,
    },
    /// A finite float. Integers are accepted too.
    Number(Bound),
    /// One of the listed strings.
    Choice(&'static [&'static str]),
    Text,
    Boolean,
    /// An array of at least two distinct digit classes.
    Classes,
    /// A CSV column: a header name or a 1-based column number.
    Column,
    /// `true`, `false` or `"auto"`.
    Header,
    /// An array of sweep grid entries `"section.key=v1,v2,..."`.
    GridEntries,
}

/// Smallest and largest digit class, and the minimum number of classes.
pub(crate) const CLASS_MIN: i128 = 0;
pub(crate) const CLASS_MAX: i128 = 9;
pub(crate) const MIN_CLASSES: usize = 2;

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expect::Integer {
                min,
                max: Some(max),
            } => {
                write!(f, "an integer from {min} to {max}")
            }
            Expect::Integer { min, max: None } => write!(f, "an integer >= {min}"),
            Expect::Number(Bound::Any) => f.write_str("a finite number"),
            Expect::Number(Bound::NonNegative) => f.write_str("a finite number >= 0"),
            Expect::Number(Bound::Positive) => f.write_str("a finite number > 0"),
            Expect::Choice(names) => {
                let quoted: Vec<String> = names.iter().map(|name| format!("\"{name}\"")).collect();
                write!(f, "one of {}", quoted.join(", "))
            }
            Expect::Text => f.write_str("a string"),
            Expect::Boolean => f.write_str("true or false"),
            Expect::Classes => write!(
                f,
                "an array of at least {MIN_CLASSES} distinct integers from {CLASS_MIN} to {CLASS_MAX}"
            ),
            Expect::Column => f.write_str("a column name or a column number >= 1"),
            Expect::Header => f.write_str("true, false or \"auto\""),
            Expect::GridEntries => {
                f.write_str("an array of strings such as \"model.width=256,1024\"")
            }
        }
    }
}

/// A settable key, by its dotted name such as `model.width`.
#[derive(Debug)]
pub(crate) struct KeySpec {
    pub key: &'static str,
    pub expect: Expect,
}

pub(crate) const DATA_KINDS: &[&str] = &[
    "sine-1d", "abs-1d", "step-1d", "cubic-1d", "digits", "xor", "circles", "spirals", "teacher",
    "csv",
];
pub(crate) const ENCODINGS: &[&str] = &["one-hot", "plus-minus"];
pub(crate) const CSV_TASKS: &[&str] = &["regression", "classification"];
pub(crate) const ACTIVATIONS: &[&str] = &[
    "relu",
    "erf",
    "tanh",
    "identity",
    "gelu",
    "softplus",
    "leaky-relu",
];
pub(crate) const SCALINGS: &[&str] = &["standard", "mean-field", "gamma0"];
pub(crate) const OPTIMIZERS: &[&str] = &["gd", "langevin"];

/// Largest hidden width a preset may ask for.
pub(crate) const MAX_WIDTH: i128 = 65536;

/// Largest input dimension of the teacher data.
pub(crate) const MAX_INPUT_DIM: i128 = 4096;

/// Largest number of seeds per sweep grid point.
pub(crate) const MAX_SEEDS: i128 = 1000;

/// Largest number of hidden layers a preset may ask for.
pub(crate) const MAX_DEPTH: i128 = 16;

const fn spec(key: &'static str, expect: Expect) -> KeySpec {
    KeySpec { key, expect }
}

const AT_LEAST_0: Expect = Expect::Integer { min: 0, max: None };

/// Largest number of training or test points. The kernels are `P x P` and
/// `Q x P` float64 matrices, so 10000 points already take 800 MB each.
pub(crate) const MAX_POINTS: i128 = 10_000;
const POINTS: Expect = Expect::Integer {
    min: 1,
    max: Some(MAX_POINTS),
};
const AT_LEAST_1: Expect = Expect::Integer { min: 1, max: None };

pub(crate) const KEYS: &[KeySpec] = &[
    spec("name", Expect::Text),
    spec("description", Expect::Text),
    spec("data.kind", Expect::Choice(DATA_KINDS)),
    spec("data.train", POINTS),
    spec("data.test", POINTS),
    spec("data.noise", Expect::Number(Bound::NonNegative)),
    spec("data.seed", AT_LEAST_0),
    spec("data.x_min", Expect::Number(Bound::Any)),
    spec("data.x_max", Expect::Number(Bound::Any)),
    spec("data.classes", Expect::Classes),
    spec("data.encoding", Expect::Choice(ENCODINGS)),
    spec("data.path", Expect::Text),
    spec("data.test_path", Expect::Text),
    spec("data.target", Expect::Column),
    spec("data.header", Expect::Header),
    spec("data.task", Expect::Choice(CSV_TASKS)),
    spec(
        "data.input_dim",
        Expect::Integer {
            min: 1,
            max: Some(MAX_INPUT_DIM),
        },
    ),
    spec(
        "data.teacher_neurons",
        Expect::Integer {
            min: 1,
            max: Some(MAX_INPUT_DIM),
        },
    ),
    spec("data.teacher_activation", Expect::Choice(ACTIVATIONS)),
    spec(
        "model.width",
        Expect::Integer {
            min: 1,
            max: Some(MAX_WIDTH),
        },
    ),
    spec(
        "model.depth",
        Expect::Integer {
            min: 1,
            max: Some(MAX_DEPTH),
        },
    ),
    spec("model.activation", Expect::Choice(ACTIVATIONS)),
    spec("model.sigma_w", Expect::Number(Bound::Positive)),
    spec("model.sigma_b", Expect::Number(Bound::NonNegative)),
    spec("model.sigma_a", Expect::Number(Bound::Positive)),
    spec("model.scaling", Expect::Choice(SCALINGS)),
    spec("model.gamma0", Expect::Number(Bound::Positive)),
    spec("model.center", Expect::Boolean),
    spec("train.optimizer", Expect::Choice(OPTIMIZERS)),
    spec("train.learning_rate", Expect::Number(Bound::Positive)),
    spec("train.temperature", Expect::Number(Bound::NonNegative)),
    spec("train.burn_in", AT_LEAST_0),
    spec("train.steps", AT_LEAST_0),
    spec("train.log_every", AT_LEAST_1),
    spec("train.seed", AT_LEAST_0),
    spec("sweep.grid", Expect::GridEntries),
    spec(
        "sweep.seeds",
        Expect::Integer {
            min: 1,
            max: Some(MAX_SEEDS),
        },
    ),
];

/// Looks up a dotted key such as `model.width`.
pub(crate) fn find_key(key: &str) -> Option<&'static KeySpec> {
    KEYS.iter().find(|spec| spec.key == key)
}

/// Returns the key names inside `section`, without the section prefix.
pub(crate) fn keys_in_section(section: &str) -> Vec<&'static str> {
    KEYS.iter()
        .filter_map(|spec| spec.key.split_once('.'))
        .filter(|(prefix, _)| *prefix == section)
        .map(|(_, name)| name)
        .collect()
}

/// Returns every dotted key, in schema order.
pub(crate) fn all_keys() -> Vec<&'static str> {
    KEYS.iter().map(|spec| spec.key).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::types::{Activation, CsvTask, DataKind, Encoding, Optimizer, Scaling};

    #[test]
    fn choices_match_enum_names() {
        let kinds: Vec<_> = DataKind::ALL.iter().map(|kind| kind.name()).collect();
        assert_eq!(kinds, DATA_KINDS);
        let encodings: Vec<_> = Encoding::ALL.iter().map(|coding| coding.name()).collect();
        assert_eq!(encodings, ENCODINGS);
        let tasks: Vec<_> = CsvTask::ALL.iter().map(|task| task.name()).collect();
        assert_eq!(tasks, CSV_TASKS);
        let activations: Vec<_> = Activation::ALL.iter().map(|phi| phi.name()).collect();
        assert_eq!(activations, ACTIVATIONS);
        let scalings: Vec<_> = Scaling::ALL.iter().map(|scaling| scaling.name()).collect();
        assert_eq!(scalings, SCALINGS);
        let optimizers: Vec<_> = Optimizer::ALL.iter().map(|opt| opt.name()).collect();
        assert_eq!(optimizers, OPTIMIZERS);
    }

    #[test]
    fn keys_in_model_section() {
        let keys = keys_in_section("model");
        assert_eq!(keys.first(), Some(&"width"));
        assert_eq!(keys.len(), 9);
    }

    #[test]
    fn expect_display_names_range() {
        let width = find_key("model.width").map(|spec| spec.expect.to_string());
        assert_eq!(width.as_deref(), Some("an integer from 1 to 65536"));
        assert_eq!(
            Expect::Choice(OPTIMIZERS).to_string(),
            "one of \"gd\", \"langevin\""
        );
    }
}
