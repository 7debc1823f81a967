//! Class labels of a CSV table: the class list and the class index of each
//! row.

use ndarray::Array1;

use super::error::DataError;

/// Largest number of classes of a CSV classification table: one network
/// output per class.
pub const MAX_CSV_CLASSES: usize = 100;

/// Returns the distinct labels of all tables, in numeric order when every
/// label is a number and in text order otherwise.
///
/// # Errors
///
/// `Table` naming `source` when there are fewer than 2 or more than
/// [`MAX_CSV_CLASSES`] classes.
pub fn class_names(labels: &[&[String]], source: &str) -> Result<Vec<String>, DataError> {
    let mut names: Vec<String> = labels
        .iter()
        .flat_map(|list| list.iter().cloned())
        .collect();
    let numbers: Option<Vec<f64>> = names.iter().map(|name| name.parse().ok()).collect();
    if numbers.is_some_and(|numbers| numbers.iter().all(|number: &f64| number.is_finite())) {
        names.sort_by(|a, b| {
            let number = |name: &String| name.parse::<f64>().unwrap_or(f64::NAN);
            number(a).total_cmp(&number(b))
        });
    } else {
        names.sort();
    }
    names.dedup();
    if (2..=MAX_CSV_CLASSES).contains(&names.len()) {
        return Ok(names);
    }
    let first_names: Vec<&String> = names.iter().take(5).collect();
    let problem = format!(
        "the target column has {} classes {first_names:?}{}, expected 2 to {MAX_CSV_CLASSES} for \
         data.task = \"classification\"; use data.task = \"regression\" for a numeric target",
        names.len(),
        if names.len() > first_names.len() {
            " ..."
        } else {
            ""
        },
    );
    Err(DataError::Table {
        file: source.to_string(),
        problem,
    })
}

/// Returns the position in `names` of the label of each of `rows`.
/// Labels missing from `names` get index 0; [`class_names`] of the same
/// tables lists every label.
pub fn class_indices(labels: &[String], rows: &[usize], names: &[String]) -> Array1<usize> {
    rows.iter()
        .map(|row| {
            names
                .iter()
                .position(|name| *name == labels[*row])
                .unwrap_or(0)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|text| text.to_string()).collect()
    }

    #[test]
    fn numeric_labels_sort_as_numbers() {
        let labels = strings(&["10", "2", "2", "-1"]);
        let names = class_names(&[&labels], "t.csv").expect("valid");
        assert_eq!(names, ["-1", "2", "10"]);
    }

    #[test]
    fn text_labels_sort_as_text_across_files() {
        let train = strings(&["pear", "apple"]);
        let test = strings(&["fig", "apple"]);
        let names = class_names(&[&train, &test], "t.csv").expect("valid");
        assert_eq!(names, ["apple", "fig", "pear"]);
    }

    #[test]
    fn one_class_rejected() {
        let labels = strings(&["a", "a"]);
        let error = class_names(&[&labels], "t.csv").expect_err("one class");
        let message = error.to_string();
        assert!(
            message.starts_with("t.csv: the target column has 1 classes"),
            "{message}"
        );
        assert!(message.contains("expected 2 to 100"), "{message}");
    }

    #[test]
    fn too_many_classes_rejected() {
        let labels: Vec<String> = (0..=MAX_CSV_CLASSES).map(|i| i.to_string()).collect();
        let error = class_names(&[&labels], "t.csv").expect_err("101 classes");
        assert!(error.to_string().contains("has 101 classes"), "{error}");
    }

    #[test]
    fn indices_follow_names() {
        let labels = strings(&["b", "a", "c", "a"]);
        let names = strings(&["a", "b", "c"]);
        let indices = class_indices(&labels, &[3, 0, 2], &names);
        assert_eq!(indices.to_vec(), [0, 1, 2]);
    }
}
