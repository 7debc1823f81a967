//! Analytic NNGP and NTK against Monte-Carlo averages of the empirical
//! kernels of random finite networks: one hidden layer built by the model code, and 2 or
//! 3 hidden layers by a forward and backward pass written in this file.

use ndarray::{Array2, array};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

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

/// Width and number of the random deep networks. The mean of a finite-width kernel
/// differs from the infinite-width one by about `depth / DEEP_WIDTH` relative (0.6 % at
/// depth 3), well below the 5 standard errors of `DEEP_NETWORKS` samples (about 3 %).
const DEEP_WIDTH: usize = 512;
const DEEP_NETWORKS: usize = 150;

/// Empirical NNGP and NTK of one random network with `model.depth` hidden layers, written
/// out here independently of the crate's model code:
///
/// ```text
/// z^0 = x,   h^l = sigma_w z^(l-1) W^l^T / sqrt(fan_in) + sigma_b b^l,   z^l = phi(h^l)
/// g   = sigma_a z^L a / sqrt(N)
/// ```
///
/// The NNGP sample is `sigma_a^2 z^L z^L^T / N` (the output covariance over `a`). The NTK
/// sample contracts the gradients of every parameter: `a` gives the NNGP sample, and layer
/// `l` gives `(delta^l delta^l^T) ⊙ (sigma_w^2 z^(l-1) z^(l-1)^T / fan_in + sigma_b^2)`
/// with `delta^L = sigma_a phi'(h^L) diag(a) / sqrt(N)` and
/// `delta^(l-1) = phi'(h^(l-1)) ⊙ (sigma_w delta^l W^l / sqrt(N))`.
fn deep_network_kernels(
    model: &ModelConfig,
    x: &Array2<f64>,
    rng: &mut ChaCha8Rng,
) -> (Array2<f64>, Array2<f64>) {
    let width = DEEP_WIDTH;
    let normal = |rows: usize, columns: usize, rng: &mut ChaCha8Rng| {
        Array2::from_shape_simple_fn((rows, columns), || rng.sample::<f64, _>(StandardNormal))
    };
    let mut inputs = vec![x.clone()];
    let mut pre_activations = Vec::new();
    let mut weights = Vec::new();
    for _ in 0..model.depth {
        let previous = inputs.last().expect("the input layer");
        let fan_in = previous.ncols();
        let w = normal(width, fan_in, rng);
        let b = normal(1, width, rng);
        let h =
            previous.dot(&w.t()) * (model.sigma_w / (fan_in as f64).sqrt()) + &b * model.sigma_b;
        inputs.push(h.mapv(|v| model.activation.apply(v)));
        pre_activations.push(h);
        weights.push(w);
    }

    let a = normal(1, width, rng);
    let features = inputs.last().expect("the last hidden layer");
    let readout = model.sigma_a * model.sigma_a;
    let nngp = features.dot(&features.t()) * (readout / width as f64);

    let mut ntk = nngp.clone();
    let derivative = |h: &Array2<f64>| h.mapv(|v| model.activation.derivative(v));
    let mut delta = derivative(&pre_activations[model.depth - 1])
        * &a
        * (model.sigma_a / (width as f64).sqrt());
    for layer in (0..model.depth).rev() {
        let z = &inputs[layer];
        let fan_in = z.ncols() as f64;
        let input_kernel = z.dot(&z.t()) * (model.sigma_w * model.sigma_w / fan_in)
            + model.sigma_b * model.sigma_b;
        ntk += &(delta.dot(&delta.t()) * &input_kernel);
        if layer > 0 {
            let back = delta.dot(&weights[layer]) * (model.sigma_w / (width as f64).sqrt());
            delta = derivative(&pre_activations[layer - 1]) * &back;
        }
    }
    (nngp, ntk)
}

/// Compares the analytic deep kernels with the mean over `DEEP_NETWORKS` random networks.
fn check_deep(activation: Activation, depth: usize) {
    let x = inputs();
    let model = ModelConfig {
        depth,
        ..model(activation)
    };
    let analytic = analytic_kernels(&model, x.view(), x.view());
    let mut rng = ChaCha8Rng::seed_from_u64(100 + depth as u64);
    let samples: Vec<_> = (0..DEEP_NETWORKS)
        .map(|_| deep_network_kernels(&model, &x, &mut rng))
        .collect();
    for (name, expected, index) in [("NNGP", &analytic.nngp, 0), ("NTK", &analytic.ntk, 1)] {
        let count = DEEP_NETWORKS as f64;
        let pick = |sample: &(Array2<f64>, Array2<f64>)| {
            if index == 0 {
                sample.0.clone()
            } else {
                sample.1.clone()
            }
        };
        let mut sum = Array2::<f64>::zeros(expected.dim());
        let mut sum_sq = Array2::<f64>::zeros(expected.dim());
        for sample in &samples {
            let value = pick(sample);
            sum_sq += &value.mapv(|v| v * v);
            sum += &value;
        }
        let mean = &sum / count;
        let variance = (&sum_sq / count - &mean.mapv(|v| v * v)) * (count / (count - 1.0));
        let mut largest_deviation = 0.0_f64;
        for ((i, j), &value) in expected.indexed_iter() {
            let error = (variance[[i, j]].max(0.0) / count).sqrt();
            largest_deviation = largest_deviation.max((mean[[i, j]] - value).abs() / error);
            // 5 standard errors of a mean of 150 independent networks: a correct formula
            // fails with probability about 1e-6 per entry, plus the finite-width bias
            // bounded in the comment on DEEP_WIDTH.
            assert!(
                (mean[[i, j]] - value).abs() <= 5.0 * error,
                "{activation:?} depth {depth} {name} [{i},{j}]: analytic {value}, \
                 Monte Carlo {} +- {error}",
                mean[[i, j]]
            );
        }
        println!(
            "{} depth {depth} {name}: largest |analytic - Monte Carlo| = \
             {largest_deviation:.2} standard errors",
            activation.name()
        );
    }
}

#[test]
fn deep_kernels_match_monte_carlo() {
    for activation in [Activation::Relu, Activation::Erf, Activation::Tanh] {
        for depth in [2, 3] {
            check_deep(activation, depth);
        }
    }
}
