//! Teacher data: Gaussian inputs and targets from a random teacher network,
//! and the alignment of a first layer with the teacher's directions.

use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use super::dataset::{Dataset, Task, check_noise};
use super::error::DataError;
use crate::config::types::DataConfig;

/// Generates teacher data.
///
/// ```text
/// x ~ N(0, I_D),   y = k^-1/2 sum_{i=1..k} phi*(u_i . x) + noise * z,   z ~ N(0, 1)
/// ```
///
/// The teacher directions `u_1 .. u_k` are orthonormal: Gram-Schmidt on
/// Gaussian vectors. They are drawn first from a stream seeded by
/// `data.seed`, then the training inputs, their noise, and the test inputs.
/// Test targets are noiseless. `D = data.input_dim`, `k =
/// data.teacher_neurons`, `phi* = data.teacher_activation`.
///
/// Shapes: inputs `train x D` and `test x D`, targets `train x 1` and
/// `test x 1`, and `Dataset::teacher` contains the `k x D` directions.
///
/// # Errors
///
/// `InvalidConfig` for `k = 0`, `k > D`, or noise that is negative or not
/// finite.
pub fn generate_teacher(config: &DataConfig) -> Result<Dataset, DataError> {
    let teacher = &config.teacher;
    let (dim, neurons) = (teacher.input_dim, teacher.neurons);
    if neurons == 0 || neurons > dim {
        let message = format!(
            "data.teacher_neurons = {neurons}: expected an integer from 1 to data.input_dim = {dim}"
        );
        return Err(DataError::InvalidConfig(message));
    }
    check_noise(config.noise)?;

    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let basis = orthonormal_rows(neurons, dim, &mut rng);
    let x_train = gaussian(config.train, dim, &mut rng);
    let mut y_train = teacher_output(&basis, x_train.view(), teacher.activation);
    y_train.mapv_inplace(|y| {
        let z: f64 = rng.sample(StandardNormal);
        y + config.noise * z
    });
    let x_test = gaussian(config.test, dim, &mut rng);
    let y_test = teacher_output(&basis, x_test.view(), teacher.activation);
    Ok(Dataset {
        x_train,
        y_train: y_train.insert_axis(Axis(1)),
        x_test,
        y_test: y_test.insert_axis(Axis(1)),
        test_class: Array1::zeros(0),
        task: Task::Regression,
        teacher: Some(basis),
    })
}

fn gaussian(rows: usize, columns: usize, rng: &mut ChaCha8Rng) -> Array2<f64> {
    Array2::from_shape_simple_fn((rows, columns), || rng.sample(StandardNormal))
}

/// Returns `k x D` orthonormal rows: Gram-Schmidt on Gaussian rows,
/// redrawing a row in the (probability zero) case that it falls into the
/// span of the earlier ones. Requires `k <= D`.
fn orthonormal_rows(neurons: usize, dim: usize, rng: &mut ChaCha8Rng) -> Array2<f64> {
    let mut basis = Array2::<f64>::zeros((neurons, dim));
    let mut row = 0;
    while row < neurons {
        let mut v: Array1<f64> = Array1::from_shape_simple_fn(dim, || rng.sample(StandardNormal));
        for earlier in basis.rows().into_iter().take(row) {
            let overlap = v.dot(&earlier);
            v.scaled_add(-overlap, &earlier);
        }
        let norm = v.dot(&v).sqrt();
        if norm > 1e-8 {
            basis.row_mut(row).assign(&(v / norm));
            row += 1;
        }
    }
    basis
}

/// `y = k^-1/2 sum_i phi*(u_i . x)` for each row of `x` (`P x D`).
fn teacher_output(
    basis: &Array2<f64>,
    x: ArrayView2<'_, f64>,
    activation: crate::config::types::Activation,
) -> Array1<f64> {
    let projections = x.dot(&basis.t());
    let scale = 1.0 / (basis.nrows() as f64).sqrt();
    projections.map_axis(Axis(1), |row| {
        scale * row.iter().map(|&h| activation.apply(h)).sum::<f64>()
    })
}

/// Fraction of `|W|_F^2` that lies in the teacher subspace:
///
/// ```text
/// alignment = |W U^T|_F^2 / |W|_F^2
/// ```
///
/// `w` is the `N x D` first layer and `basis` the `k x D` orthonormal
/// teacher directions. At initialisation (i.i.d. Gaussian `W`) the
/// expected value is the chance level `k / D`, and it reaches 1 when every
/// neuron lies in the span of the teacher. Returns NaN for a zero `W` or
/// mismatched dimensions.
pub fn teacher_alignment(w: ArrayView2<'_, f64>, basis: ArrayView2<'_, f64>) -> f64 {
    if w.ncols() != basis.ncols() {
        return f64::NAN;
    }
    let total: f64 = w.iter().map(|v| v * v).sum();
    if total == 0.0 {
        return f64::NAN;
    }
    let projected = w.dot(&basis.t());
    projected.iter().map(|v| v * v).sum::<f64>() / total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::types::{Activation, DataKind, TeacherConfig};
    use ndarray::array;

    fn teacher(neurons: usize, dim: usize) -> DataConfig {
        DataConfig {
            kind: DataKind::Teacher,
            train: 50,
            test: 20,
            teacher: TeacherConfig {
                input_dim: dim,
                neurons,
                activation: Activation::Relu,
            },
            ..DataConfig::default()
        }
    }

    #[test]
    fn shapes_follow_settings() {
        let data = generate_teacher(&teacher(3, 8)).expect("valid settings");
        assert_eq!(data.x_train.dim(), (50, 8));
        assert_eq!(data.y_train.dim(), (50, 1));
        assert_eq!(data.x_test.dim(), (20, 8));
        assert_eq!(data.teacher.map(|basis| basis.dim()), Some((3, 8)));
    }

    #[test]
    fn teacher_directions_are_orthonormal() {
        let data = generate_teacher(&teacher(4, 6)).expect("valid settings");
        let basis = data.teacher.expect("teacher data has directions");
        let gram = basis.dot(&basis.t());
        for i in 0..4 {
            for j in 0..4 {
                let expected = if i == j { 1.0 } else { 0.0 };
                // Gram-Schmidt in float64 on 6-vectors keeps 1e-12.
                assert!((gram[[i, j]] - expected).abs() < 1e-12, "({i}, {j})");
            }
        }
    }

    #[test]
    fn single_index_targets() {
        let data = generate_teacher(&teacher(1, 5)).expect("valid settings");
        let basis = data.teacher.expect("teacher data has directions");
        for (x, y) in data.x_test.rows().into_iter().zip(data.y_test.iter()) {
            let expected = x.dot(&basis.row(0)).max(0.0);
            assert!((y - expected).abs() < 1e-12);
        }
    }

    #[test]
    fn too_many_neurons_rejected() {
        let result = generate_teacher(&teacher(9, 8));
        assert!(matches!(result, Err(DataError::InvalidConfig(_))));
    }

    #[test]
    fn alignment_of_known_matrices() {
        let basis = array![[1.0, 0.0, 0.0]];
        assert_eq!(
            teacher_alignment(array![[2.0, 0.0, 0.0]].view(), basis.view()),
            1.0
        );
        assert_eq!(
            teacher_alignment(array![[0.0, 1.0, 1.0]].view(), basis.view()),
            0.0
        );
        let half = teacher_alignment(array![[1.0, 1.0, 0.0]].view(), basis.view());
        assert!((half - 0.5).abs() < 1e-15);
        assert!(teacher_alignment(array![[0.0, 0.0, 0.0]].view(), basis.view()).is_nan());
    }

    #[test]
    fn alignment_of_random_layer_is_near_chance() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let basis = orthonormal_rows(2, 20, &mut rng);
        let w = gaussian(4000, 20, &mut rng);
        let value = teacher_alignment(w.view(), basis.view());
        // The ratio of chi-square sums with 8000 and 80000 degrees of
        // freedom has mean 0.1 and sd about 0.1 * sqrt(2/8000) = 0.0016, so
        // 0.01 is more than six sd.
        assert!((value - 0.1).abs() < 0.01, "alignment {value}");
    }
}
