//! Two-class data in the plane: xor, circles and spirals, with -1/+1
//! targets.

use std::f64::consts::PI;

use ndarray::{Array1, Array2};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use super::dataset::{Dataset, Task, check_noise};
use super::error::DataError;
use crate::config::types::{DataConfig, DataKind};

/// Generates a planar two-class dataset.
///
/// * xor: `x` uniform on `[-1, 1]^2`, class 1 when `x1 x2 >= 0`, else 0.
/// * circles: class 0 on the circle of radius 0.5, class 1 on radius 1, at
///   a uniform angle.
/// * spirals: with `t` uniform on `[0, 1)`, radius `0.2 + 0.8 t` and angle
///   `3 pi t + pi c` for class `c`, so each arm makes 1.5 turns.
///
/// Circles and spirals alternate the classes row by row, so both classes
/// have the same size up to one row. Every input then gets Gaussian jitter
/// `noise * N(0, I)`. The training rows are drawn first and the test rows
/// next, all from one stream seeded by `data.seed`. Targets are -1 for
/// class 0 and +1 for class 1.
///
/// Shapes: inputs `train x 2` and `test x 2`, targets `train x 1` and
/// `test x 1`.
///
/// # Errors
///
/// `InvalidConfig` for a kind that is not planar, or for noise that is
/// negative or not finite.
pub fn generate_planar(config: &DataConfig) -> Result<Dataset, DataError> {
    if !config.kind.is_planar() {
        let message = format!("data.kind = {:?} is not a planar kind", config.kind.name());
        return Err(DataError::InvalidConfig(message));
    }
    check_noise(config.noise)?;
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let (x_train, train_class) = sample(config, config.train, &mut rng);
    let (x_test, test_class) = sample(config, config.test, &mut rng);
    Ok(Dataset {
        x_train,
        y_train: plus_minus(&train_class),
        x_test,
        y_test: plus_minus(&test_class),
        test_class,
        task: Task::Classification {
            labels: vec!["0".to_string(), "1".to_string()],
        },
        teacher: None,
    })
}

/// Draws `count` points and their classes.
fn sample(config: &DataConfig, count: usize, rng: &mut ChaCha8Rng) -> (Array2<f64>, Array1<usize>) {
    let mut x = Array2::zeros((count, 2));
    let mut class = Array1::zeros(count);
    for row in 0..count {
        let (point, label) = match config.kind {
            DataKind::Xor => xor_point(rng),
            DataKind::Circles => circle_point(row % 2, rng),
            _ => spiral_point(row % 2, rng),
        };
        for (column, value) in point.into_iter().enumerate() {
            let z: f64 = rng.sample(StandardNormal);
            x[[row, column]] = value + config.noise * z;
        }
        class[row] = label;
    }
    (x, class)
}

fn xor_point(rng: &mut ChaCha8Rng) -> ([f64; 2], usize) {
    let x1 = 2.0 * rng.random::<f64>() - 1.0;
    let x2 = 2.0 * rng.random::<f64>() - 1.0;
    ([x1, x2], usize::from(x1 * x2 >= 0.0))
}

fn circle_point(class: usize, rng: &mut ChaCha8Rng) -> ([f64; 2], usize) {
    let radius = if class == 0 { 0.5 } else { 1.0 };
    let angle = 2.0 * PI * rng.random::<f64>();
    ([radius * angle.cos(), radius * angle.sin()], class)
}

fn spiral_point(class: usize, rng: &mut ChaCha8Rng) -> ([f64; 2], usize) {
    let t = rng.random::<f64>();
    let radius = 0.2 + 0.8 * t;
    let angle = 3.0 * PI * t + PI * class as f64;
    ([radius * angle.cos(), radius * angle.sin()], class)
}

/// Codes class 0 as -1 and class 1 as +1, one column.
fn plus_minus(class: &Array1<usize>) -> Array2<f64> {
    Array2::from_shape_fn(
        (class.len(), 1),
        |(row, _)| {
            if class[row] == 1 { 1.0 } else { -1.0 }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planar(kind: DataKind, noise: f64) -> DataConfig {
        DataConfig {
            kind,
            train: 40,
            test: 30,
            noise,
            ..DataConfig::default()
        }
    }

    fn generate(config: &DataConfig) -> Dataset {
        generate_planar(config).expect("valid settings")
    }

    #[test]
    fn shapes_and_plus_minus_targets() {
        for kind in [DataKind::Xor, DataKind::Circles, DataKind::Spirals] {
            let data = generate(&planar(kind, 0.1));
            assert_eq!(data.x_train.dim(), (40, 2), "{kind:?}");
            assert_eq!(data.y_train.dim(), (40, 1), "{kind:?}");
            assert_eq!(data.x_test.dim(), (30, 2), "{kind:?}");
            assert_eq!(data.test_class.len(), 30, "{kind:?}");
            assert!(data.y_train.iter().all(|y| *y == 1.0 || *y == -1.0));
            for (row, class) in data.test_class.iter().enumerate() {
                let expected = if *class == 1 { 1.0 } else { -1.0 };
                assert_eq!(data.y_test[[row, 0]], expected, "{kind:?} row {row}");
            }
        }
    }

    #[test]
    fn xor_label_is_sign_of_product() {
        let data = generate(&planar(DataKind::Xor, 0.0));
        for (x, y) in data.x_train.rows().into_iter().zip(data.y_train.iter()) {
            let expected = if x[0] * x[1] >= 0.0 { 1.0 } else { -1.0 };
            assert_eq!(*y, expected);
        }
    }

    #[test]
    fn circles_radius_follows_class() {
        let data = generate(&planar(DataKind::Circles, 0.0));
        for (x, y) in data.x_train.rows().into_iter().zip(data.y_train.iter()) {
            let radius = x[0].hypot(x[1]);
            let expected = if *y > 0.0 { 1.0 } else { 0.5 };
            // cos and sin are exact to a few ulps, so 1e-12 is ample.
            assert!((radius - expected).abs() < 1e-12, "radius {radius}");
        }
    }

    #[test]
    fn spirals_have_balanced_classes() {
        let data = generate(&planar(DataKind::Spirals, 0.0));
        let positive = data.y_train.iter().filter(|y| **y > 0.0).count();
        assert_eq!(positive, 20);
        assert!(data.x_train.iter().all(|x| x.abs() <= 1.0));
    }

    #[test]
    fn same_seed_same_points() {
        let first = generate(&planar(DataKind::Spirals, 0.1));
        let second = generate(&planar(DataKind::Spirals, 0.1));
        assert_eq!(first.x_train, second.x_train);
        let mut other = planar(DataKind::Spirals, 0.1);
        other.seed = 1;
        assert_ne!(first.x_train, generate(&other).x_train);
    }

    #[test]
    fn negative_noise_is_rejected() {
        let result = generate_planar(&planar(DataKind::Xor, -1.0));
        assert!(matches!(result, Err(DataError::InvalidConfig(_))));
    }
}
