//! Runs a fixed number of full-batch relu training steps at one size, for
//! timing under `/usr/bin/time` (CPU seconds) or instruction counting
//! under `valgrind --tool=callgrind`.
//!
//!     cargo run --release --example step_timing -- P D N STEPS [gd|langevin]

use ndarray::Array2;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use lazyrich::config::types::{Activation, ModelConfig, Optimizer, TrainConfig};
use lazyrich::model::{Architecture, Params, Workspace, loss_and_gradient};
use lazyrich::train::optimizer::Stepper;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |index: usize, default: usize| -> usize {
        args.get(index)
            .map(|text| text.parse().expect("sizes are whole numbers"))
            .unwrap_or(default)
    };
    let (points, dims, width, steps) =
        (number(0, 20), number(1, 1), number(2, 512), number(3, 1000));
    let optimizer = match args.get(4).map(String::as_str) {
        Some("langevin") => Optimizer::Langevin,
        _ => Optimizer::Gd,
    };
    let model = ModelConfig {
        width,
        depth: 1,
        activation: Activation::Relu,
        ..ModelConfig::default()
    };
    let train = TrainConfig {
        optimizer,
        learning_rate: 1e-4,
        temperature: 0.01,
        burn_in: 0,
        steps: 0,
        log_every: 10,
        seed: 0,
    };
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let arch = Architecture::new(&model, dims, 1);
    let mut params = Params::sample(&arch, &mut rng);
    let x = Array2::from_shape_simple_fn((points, dims), || StandardNormal.sample(&mut rng));
    let y = Array2::from_shape_simple_fn((points, 1), || StandardNormal.sample(&mut rng));
    let mut work = Workspace::new(&arch, points);
    let mut grad = params.zeros_like();
    let mut stepper = Stepper::new(&train, arch.gamma);
    let started = std::time::Instant::now();
    let mut loss = 0.0;
    for _ in 0..steps {
        loss = loss_and_gradient(
            &arch,
            &params,
            x.view(),
            y.view(),
            None,
            &mut work,
            &mut grad,
        );
        stepper.update(&mut params, &grad, points);
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "P={points} D={dims} N={width} {} steps: {:.3} ms wall per step, final loss {loss:.6e}",
        steps,
        1e3 * seconds / steps as f64
    );
}
