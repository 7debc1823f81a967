//! Computes the analytic NNGP and NTK of `P` standard normal inputs in `D = 64` a fixed
//! number of times, for timing under `/usr/bin/time` (CPU seconds), `perf` or instruction
//! counting under `valgrind --tool=callgrind`.
//!
//!     cargo run --release --example kernel_timing -- [relu|erf|...] P DEPTH CALLS

#[path = "../benches/common/gaussian_inputs.rs"]
mod gaussian_inputs;

use lazyrich::config::types::{Activation, ModelConfig};
use lazyrich::kernels::analytic_kernels;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let activation_name = args.first().map_or("relu", String::as_str);
    let Some(activation) = Activation::ALL
        .into_iter()
        .find(|activation| activation.name() == activation_name)
    else {
        let names: Vec<&str> = Activation::ALL.iter().map(|a| a.name()).collect();
        eprintln!(
            "invalid activation {activation_name:?}: expected one of {}",
            names.join(", ")
        );
        std::process::exit(2);
    };

    let number = |index: usize, default: usize| -> usize {
        args.get(index)
            .map(|text| text.parse().expect("P, DEPTH and CALLS are whole numbers"))
            .unwrap_or(default)
    };
    let (points, depth, calls) = (number(1, 1024), number(2, 1), number(3, 10));

    let model = ModelConfig {
        width: 1,
        depth,
        activation,
        ..ModelConfig::default()
    };

    let x = gaussian_inputs::gaussian_inputs(points);
    let started = std::time::Instant::now();
    let mut trace = 0.0;
    for _ in 0..calls {
        trace = analytic_kernels(&model, x.view(), x.view())
            .ntk
            .diag()
            .sum();
    }
    let elapsed = started.elapsed();

    println!(
        "{} depth {depth}, P = {points}: {:.3} ms per call over {calls} calls (NTK trace {trace:.6})",
        activation.name(),
        elapsed.as_secs_f64() * 1e3 / calls as f64
    );
}
