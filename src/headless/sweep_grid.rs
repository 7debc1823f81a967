//! The grid of `lazyrich sweep`: `--grid` entries, their cartesian product
//! with the seeds, shards, and validation of every grid point through the
//! preset rules.

use serde::{Deserialize, Serialize};

use crate::config::{PresetError, load_preset};

/// One swept key and its values, as written: `model.width=256,1024`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridAxis {
    pub key: String,
    pub values: Vec<String>,
}

/// One run of a sweep: a grid point and a seed offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunSpec {
    /// Position in the full, unsharded run order.
    pub index: usize,
    /// One value per axis, in axis order.
    pub values: Vec<String>,
    /// Offset added to `train.seed` and `data.seed`.
    pub seed: usize,
}

/// A slice `index` of `count` of the runs: those whose run index is
/// `index` modulo `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

/// An invalid sweep request.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("invalid grid entry {entry:?}: {problem}")]
    Grid { entry: String, problem: String },
    #[error("invalid grid value {key}={value}: {message}")]
    Value {
        key: String,
        value: String,
        message: String,
    },
    #[error(transparent)]
    Preset(#[from] PresetError),
    #[error("invalid --shard {text:?}: expected i/n with 0 <= i < n, e.g. 0/4")]
    Shard { text: String },
    #[error("cannot merge {folder}: {problem}")]
    Merge { folder: String, problem: String },
}

/// Parses `section.key=v1,v2,...`. A comma splits values only outside
/// brackets, braces and quotes, so `data.classes=[3,8],[1,7]` and
/// `data.path="a,b.csv",c.csv` have two values each. The values keep their
/// brackets and quotes, because `--set` reads them as TOML.
pub fn parse_axis(entry: &str) -> Result<GridAxis, SweepError> {
    let invalid = |problem: &str| SweepError::Grid {
        entry: entry.to_string(),
        problem: problem.to_string(),
    };
    let Some((key, list)) = entry.split_once('=') else {
        return Err(invalid(
            "expected section.key=v1,v2,..., e.g. model.width=256,1024",
        ));
    };
    let values = split_values(list).map_err(invalid)?;
    if values.iter().any(String::is_empty) {
        return Err(invalid("a value is empty"));
    }
    let key = key.trim().to_string();
    if key.starts_with("sweep.") {
        return Err(invalid("the [sweep] section cannot be swept"));
    }
    Ok(GridAxis { key, values })
}

/// Splits a value list at the commas outside `[]`, `{}`, `"..."` and
/// `'...'` (a backslash escapes the next character inside double quotes),
/// and trims each value.
fn split_values(list: &str) -> Result<Vec<String>, &'static str> {
    let mut values = Vec::new();
    let mut nesting = 0i32;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut current = String::new();
    for character in list.chars() {
        match quote {
            Some('"') if escaped => escaped = false,
            Some('"') if character == '\\' => escaped = true,
            Some(open) if character == open => quote = None,
            Some(_) => {}
            None => match character {
                '"' | '\'' => quote = Some(character),
                '[' | '{' => nesting += 1,
                ']' | '}' => nesting -= 1,
                ',' if nesting == 0 => {
                    values.push(current.trim().to_string());
                    current.clear();
                    continue;
                }
                _ => {}
            },
        }
        if nesting < 0 {
            return Err("a closing bracket has no opening one");
        }
        current.push(character);
    }
    if quote.is_some() {
        return Err("a quote is not closed");
    }
    if nesting != 0 {
        return Err("a bracket is not closed");
    }
    values.push(current.trim().to_string());
    Ok(values)
}

/// Parses every entry and rejects a key given twice.
pub fn parse_axes(entries: &[String]) -> Result<Vec<GridAxis>, SweepError> {
    let mut axes: Vec<GridAxis> = Vec::new();
    for entry in entries {
        let axis = parse_axis(entry)?;
        if axes.iter().any(|earlier| earlier.key == axis.key) {
            return Err(SweepError::Grid {
                entry: entry.clone(),
                problem: format!("{} is already swept by another --grid entry", axis.key),
            });
        }
        axes.push(axis);
    }
    Ok(axes)
}

/// Parses `i/n` with `0 <= i < n`.
pub fn parse_shard(text: &str) -> Result<Shard, SweepError> {
    let invalid = || SweepError::Shard {
        text: text.to_string(),
    };
    let (index, count) = text.split_once('/').ok_or_else(invalid)?;
    let index: usize = index.trim().parse().map_err(|_| invalid())?;
    let count: usize = count.trim().parse().map_err(|_| invalid())?;
    if index >= count {
        return Err(invalid());
    }
    Ok(Shard { index, count })
}

/// Lists every run: the cartesian product of the axes (the first axis
/// varies slowest) times `seeds` seed offsets (fastest).
pub fn all_runs(axes: &[GridAxis], seeds: usize) -> Vec<RunSpec> {
    let mut points: Vec<Vec<String>> = vec![Vec::new()];
    for axis in axes {
        points = points
            .into_iter()
            .flat_map(|point| {
                axis.values.iter().map(move |value| {
                    let mut next = point.clone();
                    next.push(value.clone());
                    next
                })
            })
            .collect();
    }
    points
        .into_iter()
        .flat_map(|values| (0..seeds).map(move |seed| (values.clone(), seed)))
        .enumerate()
        .map(|(index, (values, seed))| RunSpec {
            index,
            values,
            seed,
        })
        .collect()
}

/// Keeps the runs of one shard.
pub fn shard_runs(runs: Vec<RunSpec>, shard: Shard) -> Vec<RunSpec> {
    runs.into_iter()
        .filter(|run| run.index % shard.count == shard.index)
        .collect()
}

/// Returns the `--set` arguments of a grid point, without the seeds.
pub fn point_overrides(axes: &[GridAxis], values: &[String]) -> Vec<String> {
    axes.iter()
        .zip(values)
        .map(|(axis, value)| format!("{}={value}", axis.key))
        .collect()
}

/// Checks each grid value against the preset rules, so a bad key or value
/// fails before any run starts. The message is the preset error, which
/// names the key and its accepted range.
pub fn validate_axes(
    preset: &str,
    overrides: &[String],
    axes: &[GridAxis],
) -> Result<(), SweepError> {
    for axis in axes {
        for value in &axis.values {
            let mut all = overrides.to_vec();
            all.push(format!("{}={value}", axis.key));
            if let Err(error) = load_preset(preset, &all) {
                return Err(SweepError::Value {
                    key: axis.key.clone(),
                    value: value.clone(),
                    message: error.message,
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axes(entries: &[&str]) -> Vec<GridAxis> {
        let entries: Vec<String> = entries.iter().map(|entry| entry.to_string()).collect();
        parse_axes(&entries).expect("valid grid")
    }

    #[test]
    fn axis_splits_values() {
        let axis = parse_axis("model.width = 256, 1024").expect("valid");
        assert_eq!(axis.key, "model.width");
        assert_eq!(axis.values, ["256", "1024"]);
    }

    #[test]
    fn brackets_keep_commas() {
        let axis = parse_axis("data.classes=[3,8],[1, 7]").expect("valid");
        assert_eq!(axis.values, ["[3,8]", "[1, 7]"]);
    }

    #[test]
    fn quotes_and_braces_keep_commas() {
        let axis = parse_axis(r#"data.path="a,b.csv", 'c,d.csv',e.csv"#).expect("valid");
        assert_eq!(axis.values, [r#""a,b.csv""#, "'c,d.csv'", "e.csv"]);
        let axis = parse_axis(r#"data.target="x\",y",{a = 1, b = 2}"#).expect("valid");
        assert_eq!(axis.values, [r#""x\",y""#, "{a = 1, b = 2}"]);
    }

    #[test]
    fn malformed_entries_rejected() {
        for entry in [
            "model.width",
            "model.width=",
            "model.width=1,,2",
            "sweep.seeds=2",
            "data.classes=[3,8",
            "data.classes=3],[8",
            "data.path=\"a,b",
        ] {
            assert!(parse_axis(entry).is_err(), "{entry}");
        }
        let twice = ["model.width=1".to_string(), "model.width=2".to_string()];
        assert!(parse_axes(&twice).is_err());
    }

    #[test]
    fn runs_are_cartesian_times_seeds() {
        let runs = all_runs(&axes(&["a.x=1,2", "b.y=p,q,r"]), 2);
        assert_eq!(runs.len(), 12);
        assert_eq!(runs[0].values, ["1", "p"]);
        assert_eq!(runs[1].seed, 1);
        assert_eq!(runs[2].values, ["1", "q"]);
        assert_eq!(runs[6].values, ["2", "p"]);
        assert!(runs.iter().enumerate().all(|(i, run)| run.index == i));
    }

    #[test]
    fn shards_partition_runs() {
        let runs = all_runs(&axes(&["a.x=1,2,3"]), 3);
        let mut seen: Vec<usize> = (0..4)
            .flat_map(|index| shard_runs(runs.clone(), Shard { index, count: 4 }))
            .map(|run| run.index)
            .collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..9).collect::<Vec<_>>());
    }

    #[test]
    fn shard_text_parses() {
        assert_eq!(
            parse_shard("1/4").expect("valid"),
            Shard { index: 1, count: 4 }
        );
        for text in ["4/4", "1", "a/2", "0/0"] {
            assert!(parse_shard(text).is_err(), "{text}");
        }
    }

    #[test]
    fn bad_value_names_key_and_range() {
        let error =
            validate_axes("lazy-1d", &[], &axes(&["model.width=16,0"])).expect_err("width 0");
        let message = error.to_string();
        assert!(
            message.starts_with("invalid grid value model.width=0"),
            "{message}"
        );
        assert!(message.contains("an integer from 1 to 65536"), "{message}");
    }

    #[test]
    fn unknown_key_suggests_name() {
        let error = validate_axes("lazy-1d", &[], &axes(&["model.widht=16"])).expect_err("typo");
        assert!(error.to_string().contains("model.width"), "{error}");
    }
}
