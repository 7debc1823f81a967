//! One full-batch training step (forward, backward, update) of the
//! two-layer relu network at the sizes of BENCHMARKS.md, and of a network
//! with three hidden layers.

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, criterion_group, criterion_main};
use ndarray::Array2;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use lazyrich::config::types::{Activation, ModelConfig, Optimizer, TrainConfig};
use lazyrich::model::{Architecture, Params, TrainingWorkspace};
use lazyrich::train::optimizer::Stepper;

/// (P, D, N): training points, input dimension, width.
const SIZES: [(usize, usize, usize); 3] = [(20, 1, 512), (256, 64, 1024), (1024, 64, 4096)];

/// (P, D, N) of the deep step, with [`DEEP_DEPTH`] hidden layers.
const DEEP_SIZES: [(usize, usize, usize); 2] = [(16, 1, 512), (256, 64, 1024)];
const DEEP_DEPTH: usize = 3;

fn model(width: usize, depth: usize) -> ModelConfig {
    ModelConfig {
        width,
        depth,
        activation: Activation::Relu,
        ..ModelConfig::default()
    }
}

fn train_config(optimizer: Optimizer) -> TrainConfig {
    TrainConfig {
        optimizer,
        learning_rate: 1e-4,
        temperature: 0.01,
        burn_in: 0,
        steps: 0,
        log_every: 10,
        seed: 0,
    }
}

/// Adds one benchmark of a full step at `(points, dims, width)` to `group`.
fn bench_step(
    group: &mut BenchmarkGroup<'_, WallTime>,
    optimizer: Optimizer,
    depth: usize,
    (points, dims, width): (usize, usize, usize),
) {
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let arch = Architecture::new(&model(width, depth), dims, 1);
    let mut params = Params::sample(&arch, &mut rng);
    let x = Array2::from_shape_simple_fn((points, dims), || StandardNormal.sample(&mut rng));
    let y = Array2::from_shape_simple_fn((points, 1), || StandardNormal.sample(&mut rng));
    let mut work = TrainingWorkspace::new(&arch, points);
    let mut grad = params.zeros_like();
    let mut stepper = Stepper::new(&train_config(optimizer), arch.gamma);
    let id = BenchmarkId::from_parameter(format!("P{points}_D{dims}_N{width}"));
    group.bench_function(id, |b| {
        b.iter(|| {
            let loss = work.loss_and_gradient(&arch, &params, x.view(), y.view(), None, &mut grad);
            stepper.update(&mut params, &grad, points);
            loss
        })
    });
}

fn bench_steps(c: &mut Criterion) {
    for optimizer in [Optimizer::Gd, Optimizer::Langevin] {
        let mut group = c.benchmark_group(format!("{}_step", optimizer.name()));
        for size in SIZES {
            bench_step(&mut group, optimizer, 1, size);
        }
        group.finish();
    }
    let mut group = c.benchmark_group(format!("gd_step_depth{DEEP_DEPTH}"));
    group.sample_size(20);
    for size in DEEP_SIZES {
        bench_step(&mut group, Optimizer::Gd, DEEP_DEPTH, size);
    }
    group.finish();
}

criterion_group!(benches, bench_steps);
criterion_main!(benches);
