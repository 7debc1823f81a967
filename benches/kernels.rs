//! Analytic NNGP and NTK of `P` Gaussian inputs in `D = 64` (`analytic_kernels` with
//! `x1 = x2`), for the closed forms at depth 1 and 3.
//!
//! Run with `cargo bench --bench kernels`. The figures and the comparison with
//! neural-tangents are in BENCHMARKS.md.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ndarray::Array2;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use lazyrich::config::types::{Activation, ModelConfig, Scaling};
use lazyrich::kernels::analytic_kernels;

const DIMENSION: usize = 64;

/// (activation, depth, P) of every measured case.
const CASES: [(Activation, usize, usize); 7] = [
    (Activation::Relu, 1, 256),
    (Activation::Relu, 1, 1024),
    (Activation::Relu, 1, 2048),
    (Activation::Erf, 1, 256),
    (Activation::Erf, 1, 1024),
    (Activation::Erf, 1, 2048),
    (Activation::Relu, 3, 1024),
];

fn model(activation: Activation, depth: usize) -> ModelConfig {
    ModelConfig {
        width: 1,
        depth,
        activation,
        sigma_w: 1.0,
        sigma_b: 1.0,
        sigma_a: 1.0,
        scaling: Scaling::Standard,
        gamma0: 1.0,
        center: false,
    }
}

fn gaussian_inputs(points: usize) -> Array2<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    Array2::from_shape_simple_fn((points, DIMENSION), || StandardNormal.sample(&mut rng))
}

fn bench_kernels(c: &mut Criterion) {
    let mut group = c.benchmark_group("analytic_kernels");
    group.sample_size(10);
    for (activation, depth, points) in CASES {
        let model = model(activation, depth);
        let x = gaussian_inputs(points);
        let id = format!("{} depth {depth}", activation.name());
        group.bench_with_input(BenchmarkId::new(id, points), &x, |b, x| {
            b.iter(|| analytic_kernels(&model, x.view(), x.view()));
        });
    }
    group.finish();
}

criterion_group!(benches, bench_kernels);
criterion_main!(benches);
