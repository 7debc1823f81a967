//! The kernel work outside the training step: the empirical NTK of a
//! network on its probe inputs, and the set-up of the infinite-width
//! predictors (Cholesky and eigendecomposition of the NTK predictor, GP
//! posterior) at P = 1024.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ndarray::{Array1, Array2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use lazyrich::config::types::{Activation, ModelConfig};
use lazyrich::kernels::{NtkPredictor, analytic_kernels, analytic_kernels_diag, gp_posterior};
use lazyrich::model::{Architecture, Features, Params, empirical_ntk, input_kernel};

const DIMS: usize = 64;
const WIDTH: usize = 1024;

fn model() -> ModelConfig {
    ModelConfig {
        width: WIDTH,
        depth: 1,
        activation: Activation::Relu,
        ..ModelConfig::default()
    }
}

fn normal_matrix(rows: usize, cols: usize, rng: &mut ChaCha8Rng) -> Array2<f64> {
    Array2::from_shape_simple_fn((rows, cols), || StandardNormal.sample(rng))
}

/// Empirical NTK `P x P` of a width-1024 relu network, features included.
fn bench_empirical_ntk(c: &mut Criterion) {
    let mut group = c.benchmark_group("empirical_ntk");
    group.sample_size(10);
    for points in [256, 1024] {
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let arch = Architecture::new(&model(), DIMS, 1);
        let params = Params::sample(&arch, &mut rng);
        let x = normal_matrix(points, DIMS, &mut rng);
        let k0 = input_kernel(&arch, x.view(), x.view());
        let id = BenchmarkId::from_parameter(format!("P{points}_D{DIMS}_N{WIDTH}"));
        group.bench_function(id, |b| {
            b.iter(|| {
                let features = Features::compute(&arch, &params, x.view());
                empirical_ntk(&arch, &params, &features, &features, &k0)
            })
        });
    }
    group.finish();
}

/// Predictor set-up at P = 1024 train and 256 test points: the NTK
/// predictor (eigendecomposition and Cholesky limit solve) and the GP
/// posterior (Cholesky), from precomputed analytic kernels.
fn bench_predictors(c: &mut Criterion) {
    let (points, tests) = (1024, 256);
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let x = normal_matrix(points, DIMS, &mut rng);
    let xs = normal_matrix(tests, DIMS, &mut rng);
    let y = normal_matrix(points, 1, &mut rng);
    let train = analytic_kernels(&model(), x.view(), x.view());
    let cross = analytic_kernels(&model(), xs.view(), x.view());
    let (test_diag, _): (Array1<f64>, _) = analytic_kernels_diag(&model(), xs.view());

    let mut group = c.benchmark_group("predictor_setup");
    group.sample_size(10);
    group.bench_function("ntk_P1024", |b| {
        b.iter(|| NtkPredictor::new(&train.ntk, &cross.ntk, &y, 0.5))
    });
    group.bench_function("gp_P1024", |b| {
        b.iter(|| gp_posterior(&train.nngp, &cross.nngp, &test_diag, &y, 0.01))
    });
    group.finish();
}

criterion_group!(benches, bench_empirical_ntk, bench_predictors);
criterion_main!(benches);
