//! The infinite-width limits, demonstrated by the product's own trainer.
//!
//! These runs take about a minute in release mode (`cargo test --release`).

use lazyrich::config::load_preset;
use lazyrich::config::types::{Activation, Preset, Scaling};
use lazyrich::train::Trainer;

/// Least-squares slope of `ln y` against `ln x`.
fn log_log_slope(points: &[(f64, f64)]) -> f64 {
    let logs: Vec<(f64, f64)> = points.iter().map(|(x, y)| (x.ln(), y.ln())).collect();
    let n = logs.len() as f64;
    let mean_x = logs.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = logs.iter().map(|p| p.1).sum::<f64>() / n;
    let covariance: f64 = logs.iter().map(|(x, y)| (x - mean_x) * (y - mean_y)).sum();
    let variance: f64 = logs.iter().map(|(x, _)| (x - mean_x) * (x - mean_x)).sum();
    covariance / variance
}

const WIDTHS: [usize; 4] = [256, 1024, 4096, 16384];
const SEEDS: u64 = 4;
const GD_STEPS: u64 = 400;

fn lazy_preset(activation: Activation, width: usize, seed: u64) -> Preset {
    let mut preset = load_preset("lazy-1d", &[]).expect("bundled preset lazy-1d");
    preset.model.activation = activation;
    preset.model.width = width;
    preset.train.seed = seed;
    preset.train.log_every = GD_STEPS;
    preset
}

/// Seed-averaged (gap to the NTK prediction, gap to the linearised
/// network) after `GD_STEPS` steps, one entry per width.
fn gaps_by_width(activation: Activation) -> Vec<(f64, f64, f64)> {
    WIDTHS
        .iter()
        .map(|&width| {
            let (mut ntk, mut linearized) = (0.0, 0.0);
            for seed in 0..SEEDS {
                let mut trainer =
                    Trainer::new(&lazy_preset(activation, width, seed)).expect("run starts");
                for _ in 0..GD_STEPS {
                    trainer.step().expect("no divergence");
                }
                let row = trainer.metrics();
                ntk += row.get("gap_ntk").unwrap() / SEEDS as f64;
                linearized += row.get("gap_linearized").unwrap() / SEEDS as f64;
            }
            (width as f64, ntk, linearized)
        })
        .collect()
}

fn slopes(gaps: &[(f64, f64, f64)]) -> (f64, f64) {
    let ntk: Vec<(f64, f64)> = gaps.iter().map(|g| (g.0, g.1)).collect();
    let linearized: Vec<(f64, f64)> = gaps.iter().map(|g| (g.0, g.2)).collect();
    (log_log_slope(&ntk), log_log_slope(&linearized))
}

#[test]
fn relu_gaps_shrink_like_inverse_root_width() {
    let gaps = gaps_by_width(Activation::Relu);
    let (ntk, linearized) = slopes(&gaps);
    println!("relu gaps by width {gaps:?}: slopes ntk {ntk:.3}, linearized {linearized:.3}");
    // Theory: both gaps ~ N^-1/2 for relu, whose kink makes the
    // linearisation error first order. Measured with 4 seeds: -0.43 and
    // -0.39. The window rejects no convergence (0) and N^-1.
    assert!((-0.7..-0.3).contains(&ntk), "relu NTK gap slope {ntk}");
    assert!(
        (-0.7..-0.3).contains(&linearized),
        "relu linearisation gap slope {linearized}"
    );
}

#[test]
fn erf_linearisation_gap_shrinks_like_inverse_width() {
    let gaps = gaps_by_width(Activation::Erf);
    let (ntk, linearized) = slopes(&gaps);
    println!("erf gaps by width {gaps:?}: slopes ntk {ntk:.3}, linearized {linearized:.3}");
    // A smooth activation's network leaves its own linearisation only at
    // second order, ~N^-1 (measured -0.98), while the distance to the
    // infinite-width NTK keeps the N^-1/2 of the random initial kernel
    // (measured -0.51).
    assert!(
        (-1.25..-0.7).contains(&linearized),
        "erf linearisation gap slope {linearized}"
    );
    assert!((-0.75..-0.3).contains(&ntk), "erf NTK gap slope {ntk}");
}

// On this sine task the centred kernel-target alignment starts near 0.77
// and moves by about 0.02 either way. Its rise is checked on the teacher
// task below, because there the initial kernel is far from the target.
#[test]
fn mean_field_features_keep_moving_at_every_width() {
    for width in [256, 4096] {
        let mut preset = lazy_preset(Activation::Relu, width, 0);
        preset.model.scaling = Scaling::MeanField;
        let mut trainer = Trainer::new(&preset).expect("run starts");
        for _ in 0..2000 {
            trainer.step().expect("no divergence");
        }
        let end = trainer.metrics();
        let feature_change = end.get("feature_change").unwrap();
        let kernel_change = end.get("kernel_change").unwrap();
        // Order-one movement at both widths (measured 0.7 and 2.8); a lazy
        // network of width 4096 stays near 0.02 and 0.01.
        assert!(
            feature_change > 0.3,
            "width {width}: feature change {feature_change}"
        );
        assert!(
            kernel_change > 0.5,
            "width {width}: kernel change {kernel_change}"
        );
    }
}

#[test]
fn langevin_posterior_matches_gp() {
    // Eight noisy sine points, T0 = 0.1: the likelihood's stiffest mode has
    // eta0 lambda_max / T0 = 0.47, so ULA's stationary variance is close to
    // the posterior's, and the slowest (prior) modes relax in 1/eta0 = 500
    // steps, i.e. 300 relaxation times per run.
    let mut preset = load_preset("bayes-1d", &[]).expect("bundled preset bayes-1d");
    preset.data.train = 8;
    preset.data.test = 41;
    preset.train.temperature = 0.1;
    preset.train.learning_rate = 2e-3;
    preset.train.burn_in = 20_000;
    preset.train.log_every = 20;
    assert_eq!(preset.model.scaling, Scaling::Standard);
    let mut trainer = Trainer::new(&preset).expect("run starts");
    for _ in 0..150_000 {
        trainer.step().expect("no divergence");
    }
    let predictions = trainer.predictions();
    let sample_sd = predictions
        .sample_sd
        .expect("posterior samples after burn-in");
    let count = predictions.gp_sd.len() as f64;
    let gap_sq: f64 = predictions
        .estimate
        .iter()
        .zip(predictions.gp_mean.iter())
        .map(|(a, b)| (a - b) * (a - b))
        .sum();
    let rms_gap = (gap_sq / count).sqrt();
    let min_sd = predictions
        .gp_sd
        .iter()
        .cloned()
        .fold(f64::INFINITY, f64::min);
    // Monte Carlo error of the mean is about sd sqrt(2 tau / T) = 0.08 sd
    // for 150000 steps with tau = 500; measured 0.006 against a GP sd of at
    // least 0.137. 0.25 of the smallest GP sd leaves room for finite-width
    // corrections while rejecting a wrong temperature or prior.
    assert!(
        rms_gap < 0.25 * min_sd,
        "posterior mean vs GP mean: RMS gap {rms_gap}, smallest GP sd {min_sd}"
    );
    for (q, (&sd, &gp_sd)) in sample_sd.iter().zip(&predictions.gp_sd).enumerate() {
        // ULA inflates the variance of the stiff modes by up to
        // 1/(1 - 0.47/2), i.e. the sd by up to 14 %; the sd estimate's own
        // Monte Carlo error is about 10 % at 300 relaxation times.
        let ratio = sd / gp_sd;
        assert!(
            (0.8..1.35).contains(&ratio),
            "test point {q}: sample sd {sd}, GP sd {gp_sd}"
        );
    }
}

/// Returns the centred kernel-target alignment of the teacher run at step 0
/// and after `steps` steps, at `width`.
fn teacher_alignment_rise(scaling: Scaling, width: usize, steps: u64) -> (f64, f64) {
    let mut preset = load_preset("teacher", &[]).expect("bundled preset teacher");
    preset.model.scaling = scaling;
    preset.model.width = width;
    preset.data.train = 128;
    preset.data.test = 64;
    preset.train.log_every = steps;
    let mut trainer = Trainer::new(&preset).expect("run starts");
    let start = trainer.metrics().get("kernel_alignment").unwrap();
    for _ in 0..steps {
        trainer.step().expect("no divergence");
    }
    let end = trainer.metrics().get("kernel_alignment").unwrap();
    (start, end)
}

#[test]
fn mean_field_kernel_aligns_with_the_target() {
    // A single-index teacher in 16-D: the initial NTK spreads over all
    // directions, and a network that learns features turns its kernel
    // toward y y^T. The standard network at the same width barely moves.
    // Measured: mean-field 0.185 -> 0.619 (width 256) and 0.181 -> 0.598
    // (width 1024); standard 0.181 -> 0.185. The bounds leave room for other
    // seeds and platforms while failing for a lazy or a frozen kernel.
    for width in [256, 1024] {
        let (start, end) = teacher_alignment_rise(Scaling::MeanField, width, 600);
        eprintln!("mean-field width {width}: alignment {start:.3} -> {end:.3}");
        assert!(
            end > start + 0.25,
            "width {width}: alignment {start} -> {end}"
        );
    }
    let (start, end) = teacher_alignment_rise(Scaling::Standard, 1024, 600);
    eprintln!("standard width 1024: alignment {start:.3} -> {end:.3}");
    assert!(
        (end - start).abs() < 0.02,
        "standard: alignment {start} -> {end}"
    );
}
