//! Analytic NNGP and NTK of `P` Gaussian inputs in `D = 64` (`analytic_kernels` with
//! `x1 = x2`), for the closed forms at depth 1 and 3.
//!
//! Run with `cargo bench --bench kernels`. The figures and the comparison with
//! neural-tangents are in BENCHMARKS.md.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use lazyrich::config::types::{Activation, ModelConfig};
use lazyrich::kernels::analytic_kernels;

#[path = "common/gaussian_inputs.rs"]
mod gaussian_inputs;
use gaussian_inputs::gaussian_inputs;

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
        ..ModelConfig::default()
    }
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
