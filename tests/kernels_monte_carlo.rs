//! Analytic NNGP and NTK against Monte-Carlo averages of the empirical
//! kernels of random finite networks built by the model code.

use ndarray::{Array2, array};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use lazyrich::config::types::{Activation, ModelConfig, Scaling};
use lazyrich::kernels::analytic_kernels;
use lazyrich::model::{
    Architecture, Features, Params, empirical_nngp, empirical_ntk, input_kernel,
};

const WIDTH: usize = 256;
const NETWORKS: usize = 200;

fn model(activation: Activation) -> ModelConfig {
    ModelConfig {
        width: WIDTH,
        depth: 1,
        activation,
        sigma_w: 1.4,
        sigma_b: 0.3,
        sigma_a: 0.8,
        scaling: Scaling::Standard,
        gamma0: 1.0,
        center: false,
    }
}

/// Three inputs in D = 2: a generic pair, a nearly parallel one and an
/// antipodal one.
fn inputs() -> Array2<f64> {
    array![[1.0, 0.5], [1.1, 0.45], [-1.0, -0.5], [0.2, -1.7]]
}

/// Mean and standard error of each entry over `NETWORKS` random networks.
fn monte_carlo(activation: Activation, ntk: bool) -> (Array2<f64>, Array2<f64>) {
    let x = inputs();
    let arch = Architecture::new(&model(activation), 2, 1);
    let k0 = input_kernel(&arch, x.view(), x.view());
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let n = x.nrows();
    let mut sum = Array2::<f64>::zeros((n, n));
    let mut sum_sq = Array2::<f64>::zeros((n, n));
    for _ in 0..NETWORKS {
        let params = Params::sample(&arch, &mut rng);
        let features = Features::compute(&arch, &params, x.view());
        let k = if ntk {
            empirical_ntk(&arch, &params, &features, &features, &k0)
        } else {
            empirical_nngp(&arch, &features, &features)
        };
        sum_sq += &k.mapv(|v| v * v);
        sum += &k;
    }
    let m = NETWORKS as f64;
    let mean = &sum / m;
    let variance = (&sum_sq / m - &mean.mapv(|v| v * v)) * (m / (m - 1.0));
    let stderr = variance.mapv(|v| (v.max(0.0) / m).sqrt());
    (mean, stderr)
}

fn check(activation: Activation, ntk: bool) {
    let x = inputs();
    let analytic = analytic_kernels(&model(activation), x.view(), x.view());
    let expected = if ntk { &analytic.ntk } else { &analytic.nngp };
    let (mean, stderr) = monte_carlo(activation, ntk);
    for ((i, j), &value) in expected.indexed_iter() {
        // Each empirical kernel entry is an average over 256 i.i.d. units,
        // and the 200 networks are independent, so the mean is Gaussian to
        // a good approximation: 5 standard errors (plus 1e-12 for the exact
        // identity cases, whose spread vanishes) fail with probability ~1e-6
        // per entry when the formula is right.
        let tolerance = 5.0 * stderr[[i, j]] + 1e-12 * value.abs().max(1.0);
        let error = (mean[[i, j]] - value).abs();
        assert!(
            error <= tolerance,
            "{activation:?} {} [{i},{j}]: analytic {value}, Monte Carlo {} +- {}",
            if ntk { "NTK" } else { "NNGP" },
            mean[[i, j]],
            stderr[[i, j]]
        );
    }
}

#[test]
fn nngp_matches_monte_carlo() {
    for activation in Activation::ALL {
        check(activation, false);
    }
}

#[test]
fn ntk_matches_monte_carlo() {
    for activation in Activation::ALL {
        check(activation, true);
    }
}
