//! Classification accuracy of network outputs.

use ndarray::{Array1, ArrayView1, ArrayView2};

use super::dataset::Task;

/// Returns the fraction of rows whose predicted class equals `test_class`.
///
/// `predictions` is `Q x C`. With `C > 1` the predicted class is the index
/// of the largest output, the first one on ties. With `C = 1` (two classes,
/// plus-minus coding) an output `> 0` predicts class index 1 and any other
/// output class index 0. A row with a NaN output counts as wrong.
///
/// Returns NaN for a regression task, for no rows, for zero outputs or
/// when the row count differs from `test_class.len()`.
pub fn accuracy(
    predictions: ArrayView2<'_, f64>,
    dataset_task: &Task,
    test_class: &Array1<usize>,
) -> f64 {
    let rows = predictions.nrows();
    let outputs = predictions.ncols();
    let is_classification = matches!(dataset_task, Task::Classification { .. });
    if !is_classification || rows == 0 || outputs == 0 || rows != test_class.len() {
        return f64::NAN;
    }

    let correct = predictions
        .rows()
        .into_iter()
        .zip(test_class)
        .filter(|(row, class)| predicted_class(*row) == Some(**class))
        .count();
    correct as f64 / rows as f64
}

/// Returns the class index that one row of outputs predicts, or `None` if an
/// output is NaN.
pub fn predicted_class(row: ArrayView1<'_, f64>) -> Option<usize> {
    if row.iter().any(|value| value.is_nan()) {
        return None;
    }
    if row.len() == 1 {
        return Some(usize::from(row[0] > 0.0));
    }
    let mut best = 0;
    for (index, value) in row.iter().enumerate() {
        if *value > row[best] {
            best = index;
        }
    }
    Some(best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn classification(labels: &[u8]) -> Task {
        Task::Classification {
            labels: labels.iter().map(u8::to_string).collect(),
        }
    }

    #[test]
    fn argmax_over_outputs() {
        let predictions = array![
            [0.1, 0.7, 0.2],
            [0.9, 0.0, 0.1],
            [0.2, 0.3, 0.5],
            [0.0, 1.0, 0.0]
        ];
        let classes = array![1, 0, 1, 1];
        let value = accuracy(predictions.view(), &classification(&[0, 1, 2]), &classes);
        // Rows 0, 1 and 3 are right, row 2 predicts class 2 instead of 1.
        assert_eq!(value, 0.75);
    }

    #[test]
    fn argmax_ties_pick_first() {
        let predictions = array![[0.5, 0.5]];
        let value = accuracy(predictions.view(), &classification(&[0, 1]), &array![0]);
        assert_eq!(value, 1.0);
    }

    #[test]
    fn sign_for_single_output() {
        let predictions = array![[-0.3], [0.4], [0.2], [0.0]];
        let classes = array![0, 1, 0, 0];
        let value = accuracy(predictions.view(), &classification(&[3, 8]), &classes);
        // Row 2 is positive but labelled class 0; zero predicts class 0.
        assert_eq!(value, 0.75);
    }

    #[test]
    fn nan_row_counts_as_wrong() {
        let predictions = array![[f64::NAN, 0.0], [1.0, 0.0]];
        let value = accuracy(predictions.view(), &classification(&[0, 1]), &array![0, 0]);
        assert_eq!(value, 0.5);
    }

    #[test]
    fn regression_and_mismatch_give_nan() {
        let predictions = array![[1.0, 0.0]];
        assert!(accuracy(predictions.view(), &Task::Regression, &array![0]).is_nan());
        let task = classification(&[0, 1]);
        assert!(accuracy(predictions.view(), &task, &array![0, 1]).is_nan());
    }
}
