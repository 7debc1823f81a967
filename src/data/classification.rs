//! Classification datasets from the bundled digits: class selection, split,
//! pixel standardisation and target coding.

use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use super::dataset::{Dataset, Task, check_noise};
use super::digits::{DigitTable, load_digit_table};
use super::error::DataError;
use crate::config::types::{DataConfig, Encoding};

/// Builds the digits dataset described by `config`.
///
/// Rows with a label in `config.classes` are shuffled by `config.seed`. The
/// first `train` rows form the training set and the next `test` rows the
/// test set. Pixels are standardised with the training mean and standard
/// deviation (see [`standardise`]). Targets follow [`encode_targets`], plus
/// `noise * N(0, 1)` on the training targets when `noise > 0`.
///
/// Shapes: inputs `train x 64` and `test x 64`, targets `train x C` and
/// `test x C`, with `C` as in [`encode_targets`].
///
/// # Errors
///
/// `InvalidConfig` for invalid classes, `train = 0` or invalid noise,
/// `NotEnoughRows` when `train + test` exceeds the rows of the chosen
/// classes, and any error from loading the bundled table.
pub fn generate_digits(config: &DataConfig) -> Result<Dataset, DataError> {
    let table = load_digit_table()?;
    build_classification(&table, config)
}

/// Builds a classification dataset from a parsed digit table, as described
/// for [`generate_digits`].
fn build_classification(table: &DigitTable, config: &DataConfig) -> Result<Dataset, DataError> {
    check_settings(config)?;
    let classes = &config.classes;
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let (train_rows, test_rows) = split_rows(&table.labels, config, &mut rng)?;

    let mut x_train = table.pixels.select(Axis(0), &train_rows);
    let mut x_test = table.pixels.select(Axis(0), &test_rows);
    standardise(&mut x_train, &mut x_test);

    let class_of = |row: &usize| {
        let label = table.labels[*row];
        classes
            .iter()
            .position(|class| *class == label)
            .unwrap_or(0)
    };
    let train_class: Array1<usize> = train_rows.iter().map(class_of).collect();
    let test_class: Array1<usize> = test_rows.iter().map(class_of).collect();

    let mut y_train = encode_targets(&train_class, classes.len(), config.encoding);
    if config.noise > 0.0 {
        y_train.mapv_inplace(|y| {
            let z: f64 = StandardNormal.sample(&mut rng);
            y + config.noise * z
        });
    }
    Ok(Dataset {
        x_train,
        y_train,
        x_test,
        y_test: encode_targets(&test_class, classes.len(), config.encoding),
        test_class,
        task: Task::Classification {
            labels: classes.iter().map(u8::to_string).collect(),
        },
        teacher: None,
    })
}

/// Picks the rows of the training and test sets: the rows whose label is in
/// `config.classes`, shuffled by `rng`, then the first `train` and the next
/// `test` of them.
fn split_rows(
    labels: &[u8],
    config: &DataConfig,
    rng: &mut ChaCha8Rng,
) -> Result<(Vec<usize>, Vec<usize>), DataError> {
    let mut rows: Vec<usize> = (0..labels.len())
        .filter(|&row| config.classes.contains(&labels[row]))
        .collect();
    let requested = config.train.saturating_add(config.test);
    if requested > rows.len() {
        return Err(DataError::NotEnoughRows {
            requested,
            available: rows.len(),
            classes: config.classes.clone(),
        });
    }
    rows.shuffle(rng);
    rows.truncate(requested);
    let test_rows = rows.split_off(config.train);
    Ok((rows, test_rows))
}

fn check_settings(config: &DataConfig) -> Result<(), DataError> {
    let classes = &config.classes;
    let distinct = classes
        .iter()
        .enumerate()
        .all(|(index, class)| !classes[..index].contains(class));
    if classes.len() < 2 || !distinct || classes.iter().any(|class| *class > 9) {
        let message = format!(
            "data.classes = {classes:?}: expected at least 2 distinct integers from 0 to 9"
        );
        return Err(DataError::InvalidConfig(message));
    }
    if config.train == 0 {
        return Err(DataError::InvalidConfig(
            "data.train = 0: expected an integer >= 1".to_string(),
        ));
    }
    check_noise(config.noise)?;
    Ok(())
}

/// Standardises each column with the mean and standard deviation of
/// `train`: `x <- (x - mean) / sd`, in place on both arrays.
///
/// `sd` is the population standard deviation (divisor `P`), so every
/// non-constant training column ends with mean 0 and variance 1. Columns
/// that are constant on the training set become 0 in both arrays. `train`
/// must have at least one row and the same column count as `test`.
pub fn standardise(train: &mut Array2<f64>, test: &mut Array2<f64>) {
    let (means, deviations) = column_moments(train.view());
    for mut array in [train.view_mut(), test.view_mut()] {
        for mut row in array.rows_mut() {
            for ((x, mean), sd) in row.iter_mut().zip(&means).zip(&deviations) {
                *x = if *sd > 0.0 { (*x - mean) / sd } else { 0.0 };
            }
        }
    }
}

/// Returns the mean and population standard deviation of each column.
fn column_moments(x: ArrayView2<'_, f64>) -> (Array1<f64>, Array1<f64>) {
    let rows = x.nrows().max(1) as f64;
    let means = x.sum_axis(Axis(0)) / rows;
    let centred = &x - &means;
    let variances = centred.mapv(|value| value * value).sum_axis(Axis(0)) / rows;
    (means, variances.mapv(f64::sqrt))
}

/// Codes class indices as targets.
///
/// * one-hot: `C = classes`, 1 for the row's class and 0 elsewhere.
/// * plus-minus with two classes: `C = 1`, -1 for class index 0 and +1 for
///   class index 1.
/// * plus-minus with more classes: `C = classes`, +1 for the row's class and
///   -1 elsewhere.
///
/// Returns a `rows x C` array.
pub fn encode_targets(class: &Array1<usize>, classes: usize, encoding: Encoding) -> Array2<f64> {
    match encoding {
        Encoding::PlusMinus if classes == 2 => Array2::from_shape_fn(
            (class.len(), 1),
            |(row, _)| {
                if class[row] == 1 { 1.0 } else { -1.0 }
            },
        ),
        Encoding::PlusMinus => Array2::from_shape_fn((class.len(), classes), |(row, output)| {
            if class[row] == output { 1.0 } else { -1.0 }
        }),
        Encoding::OneHot => Array2::from_shape_fn((class.len(), classes), |(row, output)| {
            if class[row] == output { 1.0 } else { 0.0 }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::types::DataKind;

    fn digits(classes: &[u8], train: usize, test: usize, encoding: Encoding) -> DataConfig {
        DataConfig {
            kind: DataKind::Digits,
            train,
            test,
            noise: 0.0,
            seed: 0,
            x_min: -3.0,
            x_max: 3.0,
            classes: classes.to_vec(),
            encoding,
            ..DataConfig::default()
        }
    }

    fn all_classes(train: usize, test: usize) -> DataConfig {
        digits(
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
            train,
            test,
            Encoding::OneHot,
        )
    }

    fn generate(config: &DataConfig) -> Dataset {
        generate_digits(config).expect("valid settings")
    }

    #[test]
    fn shapes_follow_settings() {
        let data = generate(&all_classes(500, 300));
        assert_eq!(data.x_train.dim(), (500, 64));
        assert_eq!(data.x_test.dim(), (300, 64));
        assert_eq!(data.y_train.dim(), (500, 10));
        assert_eq!(data.y_test.dim(), (300, 10));
        assert_eq!(data.test_class.len(), 300);
    }

    #[test]
    fn standardised_train_pixels() {
        let data = generate(&all_classes(500, 500));
        let (means, deviations) = column_moments(data.x_train.view());
        let raw = load_digit_table().expect("bundled data parses");
        let mut non_constant = 0;
        for pixel in 0..64 {
            // Sums of 500 values of order 1 round to about 1e-13, so 1e-9
            // separates rounding from a real offset.
            assert!(
                means[pixel].abs() < 1e-9,
                "pixel {pixel} mean {}",
                means[pixel]
            );
            if deviations[pixel] > 0.0 {
                non_constant += 1;
                assert!((deviations[pixel] - 1.0).abs() < 1e-9, "pixel {pixel}");
            } else {
                assert!(data.x_train.column(pixel).iter().all(|&x| x == 0.0));
            }
        }
        // Pixel 0 (the top-left corner) is blank in every bundled image, so
        // at least one column is constant, and most are not.
        assert!(raw.pixels.column(0).iter().all(|&x| x == 0.0));
        assert!(data.x_test.column(0).iter().all(|&x| x == 0.0));
        assert!(non_constant > 50, "only {non_constant} non-constant pixels");
    }

    #[test]
    fn standardise_uses_train_moments_on_test() {
        let mut train = ndarray::array![[1.0, 5.0], [3.0, 5.0]];
        let mut test = ndarray::array![[5.0, 7.0]];
        standardise(&mut train, &mut test);
        assert_eq!(train, ndarray::array![[-1.0, 0.0], [1.0, 0.0]]);
        // Column 0 has mean 2 and sd 1; column 1 is constant on train.
        assert_eq!(test, ndarray::array![[3.0, 0.0]]);
    }

    #[test]
    fn split_is_disjoint() {
        let table = load_digit_table().expect("bundled data parses");
        let config = all_classes(1000, 797);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let (train, test) = split_rows(&table.labels, &config, &mut rng).expect("fits");
        assert_eq!(train.len(), 1000);
        assert_eq!(test.len(), 797);
        let mut all: Vec<usize> = train.iter().chain(&test).copied().collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 1797);
    }

    #[test]
    fn split_keeps_chosen_classes() {
        let table = load_digit_table().expect("bundled data parses");
        let config = digits(&[3, 8], 300, 57, Encoding::OneHot);
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let (train, test) = split_rows(&table.labels, &config, &mut rng).expect("fits");
        let labels: Vec<u8> = train
            .iter()
            .chain(&test)
            .map(|&row| table.labels[row])
            .collect();
        assert!(labels.iter().all(|label| *label == 3 || *label == 8));
        // Classes 3 and 8 have 183 + 174 = 357 rows, all used here.
        assert_eq!(labels.len(), 357);
    }

    #[test]
    fn too_many_rows_rejected() {
        let error = generate_digits(&digits(&[3, 8], 300, 58, Encoding::OneHot))
            .expect_err("358 > 357 rows");
        assert!(matches!(
            error,
            DataError::NotEnoughRows {
                requested: 358,
                available: 357,
                ..
            }
        ));
    }

    #[test]
    fn one_hot_marks_test_class() {
        let data = generate(&all_classes(100, 100));
        for (row, targets) in data.y_test.rows().into_iter().enumerate() {
            assert_eq!(targets.sum(), 1.0);
            assert_eq!(targets[data.test_class[row]], 1.0);
        }
        let Task::Classification { labels } = &data.task else {
            panic!("digits must be a classification task");
        };
        assert_eq!(labels, &["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    }

    #[test]
    fn plus_minus_pair_has_one_output() {
        let data = generate(&digits(&[8, 3], 100, 100, Encoding::PlusMinus));
        assert_eq!(data.y_train.ncols(), 1);
        assert_eq!(data.y_test.ncols(), 1);
        // Class 8 is listed first, so it is coded -1 and class 3 is +1.
        for (row, target) in data.y_test.column(0).iter().enumerate() {
            let expected = if data.test_class[row] == 0 { -1.0 } else { 1.0 };
            assert_eq!(*target, expected);
        }
        assert!(data.test_class.iter().any(|class| *class == 0));
        assert!(data.test_class.iter().any(|class| *class == 1));
    }

    #[test]
    fn plus_minus_many_classes() {
        let targets = encode_targets(&ndarray::array![2, 0], 3, Encoding::PlusMinus);
        assert_eq!(
            targets,
            ndarray::array![[-1.0, -1.0, 1.0], [1.0, -1.0, -1.0]]
        );
    }

    #[test]
    fn same_seed_same_split() {
        let first = generate(&all_classes(50, 50));
        let second = generate(&all_classes(50, 50));
        assert_eq!(first.x_train, second.x_train);
        let mut other = all_classes(50, 50);
        other.seed = 1;
        assert_ne!(first.x_train, generate(&other).x_train);
    }

    #[test]
    fn noise_perturbs_train_targets_only() {
        let mut config = all_classes(50, 50);
        let clean = generate(&config);
        config.noise = 0.1;
        let noisy = generate(&config);
        assert_eq!(clean.x_train, noisy.x_train);
        assert_ne!(clean.y_train, noisy.y_train);
        assert_eq!(clean.y_test, noisy.y_test);
    }

    #[test]
    fn invalid_classes_rejected() {
        for classes in [vec![3], vec![3, 3], vec![3, 10]] {
            let result = generate_digits(&digits(&classes, 10, 10, Encoding::OneHot));
            assert!(
                matches!(result, Err(DataError::InvalidConfig(_))),
                "classes {classes:?}"
            );
        }
    }
}
