//! Synthetic 1-D regression data: noisy samples of a fixed function.

use ndarray::{Array1, Array2, Axis};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use super::dataset::{Dataset, Task, check_noise};
use super::error::DataError;
use crate::config::types::{DataConfig, DataKind};

/// Returns the target function `f` of a 1-D kind, or `None` for digits.
///
/// * sine-1d: `sin(x)`
/// * abs-1d: `|x|`
/// * step-1d: `sign(x)`, with `sign(0) = 0`
/// * cubic-1d: `x^3 / 4 - x`
pub fn target_function(kind: DataKind) -> Option<fn(f64) -> f64> {
    match kind {
        DataKind::Sine1d => Some(f64::sin),
        DataKind::Abs1d => Some(f64::abs),
        DataKind::Step1d => Some(step),
        DataKind::Cubic1d => Some(|x| x.powi(3) / 4.0 - x),
        _ => None,
    }
}

/// `sign(x)` with 0 at 0, unlike `f64::signum`, which gives 1 at +0.
fn step(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// Returns `count` evenly spaced points from `x_min` to `x_max`.
///
/// Point `i` is `x_min + i (x_max - x_min) / (count - 1)`, and the last point
/// is `x_max` exactly. One point gives the midpoint, zero points an empty
/// array.
pub fn grid(x_min: f64, x_max: f64, count: usize) -> Array1<f64> {
    match count {
        0 => Array1::zeros(0),
        1 => Array1::from_elem(1, (x_min + x_max) / 2.0),
        _ => {
            let mut points = Array1::linspace(x_min, x_max, count);
            points[count - 1] = x_max;
            points
        }
    }
}

/// Generates a 1-D regression dataset.
///
/// Training inputs are `x_min + (x_max - x_min) u` with `u` uniform on
/// `[0, 1)`, seeded by `data.seed` and sorted. Their targets are
/// `f(x) + noise * z` with `z ~ N(0, 1)` drawn after all inputs. Test inputs
/// are `grid(x_min, x_max, test)` with noiseless targets `f(x)`.
///
/// Shapes: inputs and targets are `train x 1` and `test x 1`.
///
/// # Errors
///
/// `InvalidConfig` for a non-1-D kind, for bounds that are not finite with
/// `x_min < x_max` and a finite `x_max - x_min`, or for noise that is
/// negative or not finite.
pub fn generate_one_dimensional(config: &DataConfig) -> Result<Dataset, DataError> {
    let Some(f) = target_function(config.kind) else {
        let message = format!("data.kind = {:?} is not a 1-D kind", config.kind.name());
        return Err(DataError::InvalidConfig(message));
    };
    check_range(config)?;

    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let length = config.x_max - config.x_min;
    let mut x_train: Vec<f64> = (0..config.train)
        .map(|_| config.x_min + length * rng.random::<f64>())
        .collect();
    x_train.sort_by(f64::total_cmp);
    let y_train: Vec<f64> = x_train
        .iter()
        .map(|&x| {
            let z: f64 = rng.sample(StandardNormal);
            f(x) + config.noise * z
        })
        .collect();

    let x_test = grid(config.x_min, config.x_max, config.test);
    let y_test = x_test.mapv(f);
    Ok(Dataset {
        x_train: column(Array1::from(x_train)),
        y_train: column(Array1::from(y_train)),
        x_test: column(x_test),
        y_test: column(y_test),
        test_class: Array1::zeros(0),
        task: Task::Regression,
        teacher: None,
    })
}

fn check_range(config: &DataConfig) -> Result<(), DataError> {
    let (x_min, x_max) = (config.x_min, config.x_max);
    if !((x_max - x_min).is_finite() && x_min < x_max) {
        let message = format!(
            "data.x_min = {x_min} and data.x_max = {x_max}: expected finite numbers with \
             x_min < x_max and a finite difference"
        );
        return Err(DataError::InvalidConfig(message));
    }
    check_noise(config.noise)?;
    Ok(())
}

fn column(values: Array1<f64>) -> Array2<f64> {
    values.insert_axis(Axis(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::types::Encoding;

    fn sine(seed: u64, noise: f64) -> DataConfig {
        DataConfig {
            kind: DataKind::Sine1d,
            train: 16,
            test: 7,
            noise,
            seed,
            x_min: -3.0,
            x_max: 3.0,
            classes: Vec::new(),
            encoding: Encoding::OneHot,
            ..DataConfig::default()
        }
    }

    fn generate(config: &DataConfig) -> Dataset {
        generate_one_dimensional(config).expect("valid settings")
    }

    #[test]
    fn same_seed_same_data() {
        let first = generate(&sine(4, 0.1));
        let second = generate(&sine(4, 0.1));
        assert_eq!(first.x_train, second.x_train);
        assert_eq!(first.y_train, second.y_train);
    }

    #[test]
    fn different_seed_different_data() {
        let first = generate(&sine(4, 0.1));
        let second = generate(&sine(5, 0.1));
        assert_ne!(first.x_train, second.x_train);
    }

    #[test]
    fn train_inputs_sorted_in_range() {
        let data = generate(&sine(1, 0.0));
        let x = data.x_train.column(0);
        assert!(x.windows(2).into_iter().all(|pair| pair[0] <= pair[1]));
        assert!(x.iter().all(|&value| (-3.0..=3.0).contains(&value)));
    }

    #[test]
    fn shapes_are_columns() {
        let data = generate(&sine(1, 0.0));
        assert_eq!(data.x_train.dim(), (16, 1));
        assert_eq!(data.y_train.dim(), (16, 1));
        assert_eq!(data.x_test.dim(), (7, 1));
        assert_eq!(data.y_test.dim(), (7, 1));
        assert_eq!(data.task, Task::Regression);
    }

    #[test]
    fn grid_endpoints_exact() {
        let data = generate(&sine(1, 0.0));
        assert_eq!(data.x_test[[0, 0]], -3.0);
        assert_eq!(data.x_test[[6, 0]], 3.0);
        assert_eq!(data.x_test[[3, 0]], 0.0);
    }

    #[test]
    fn grid_of_one_is_midpoint() {
        assert_eq!(grid(-1.0, 3.0, 1).to_vec(), vec![1.0]);
        assert_eq!(grid(-1.0, 3.0, 0).len(), 0);
    }

    #[test]
    fn zero_noise_gives_exact_targets() {
        let data = generate(&sine(2, 0.0));
        for (x, y) in data.x_train.iter().zip(data.y_train.iter()) {
            assert_eq!(*y, x.sin());
        }
        for (x, y) in data.x_test.iter().zip(data.y_test.iter()) {
            assert_eq!(*y, x.sin());
        }
    }

    #[test]
    fn noise_changes_only_targets() {
        let clean = generate(&sine(2, 0.0));
        let noisy = generate(&sine(2, 0.5));
        assert_eq!(clean.x_train, noisy.x_train);
        assert_ne!(clean.y_train, noisy.y_train);
        assert_eq!(clean.y_test, noisy.y_test);
    }

    #[test]
    fn target_functions_match_formulas() {
        let f = |kind| target_function(kind).expect("1-D kind");
        assert_eq!(f(DataKind::Abs1d)(-2.0), 2.0);
        assert_eq!(f(DataKind::Step1d)(0.0), 0.0);
        assert_eq!(f(DataKind::Step1d)(-0.5), -1.0);
        assert_eq!(f(DataKind::Step1d)(0.5), 1.0);
        assert_eq!(f(DataKind::Cubic1d)(2.0), 0.0);
        assert_eq!(f(DataKind::Cubic1d)(1.0), -0.75);
        assert!(target_function(DataKind::Digits).is_none());
        assert!(target_function(DataKind::Xor).is_none());
    }

    #[test]
    fn unordered_range_is_rejected() {
        let mut config = sine(0, 0.0);
        config.x_min = 3.0;
        assert!(matches!(
            generate_one_dimensional(&config),
            Err(DataError::InvalidConfig(_))
        ));
    }
}
