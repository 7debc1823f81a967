//! Checks of the deep forward pass against per-example loops, of
//! backpropagation against finite differences, and of the empirical NTK
//! against the Gram matrix of finite-difference Jacobians.

use ndarray::{Array2, ArrayView2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use super::DeepWorkspace;
use crate::config::types::{Activation, ModelConfig, Scaling};
use crate::model::{
    Architecture, Features, Params, empirical_ntk, input_kernel, output_f, output_g,
};

const WIDTH: usize = 5;
const INPUTS: usize = 3;
const OUTPUTS: usize = 2;
const POINTS: usize = 4;

fn arch(depth: usize, activation: Activation, scaling: Scaling, center: bool) -> Architecture {
    let model = ModelConfig {
        width: WIDTH,
        depth,
        activation,
        scaling,
        center,
        sigma_w: 1.3,
        sigma_b: 0.6,
        sigma_a: 0.9,
        gamma0: 0.4,
    };
    Architecture::new(&model, INPUTS, OUTPUTS)
}

fn normal_matrix(rows: usize, cols: usize, rng: &mut ChaCha8Rng) -> Array2<f64> {
    Array2::from_shape_simple_fn((rows, cols), || StandardNormal.sample(rng))
}

/// Returns every parameter block as a flat slice: `W^1`, `b^1`, each `(W^l, b^l)`, `A`.
fn blocks_mut(p: &mut Params) -> Vec<&mut [f64]> {
    let mut blocks = vec![
        p.w.as_slice_mut().expect("standard layout"),
        p.b.as_slice_mut().expect("standard layout"),
    ];
    for layer in &mut p.hidden {
        blocks.push(layer.w.as_slice_mut().expect("standard layout"));
        blocks.push(layer.b.as_slice_mut().expect("standard layout"));
    }
    blocks.push(p.a.as_slice_mut().expect("standard layout"));
    blocks
}

/// `g` computed one input and one unit at a time, straight from the formula.
fn naive_output_g(arch: &Architecture, p: &Params, x: ArrayView2<f64>) -> Array2<f64> {
    let phi = |h: f64| arch.activation.apply(h);
    let n = arch.width as f64;
    let mut g = Array2::zeros((x.nrows(), arch.outputs));
    for (mu, input) in x.rows().into_iter().enumerate() {
        let mut z: Vec<f64> = (0..arch.width)
            .map(|j| {
                let dot: f64 = (0..arch.input_dim).map(|d| p.w[[j, d]] * input[d]).sum();
                phi(arch.sigma_w * dot / (arch.input_dim as f64).sqrt() + arch.sigma_b * p.b[j])
            })
            .collect();
        for layer in &p.hidden {
            z = (0..arch.width)
                .map(|j| {
                    let dot: f64 = (0..arch.width).map(|k| layer.w[[j, k]] * z[k]).sum();
                    phi(arch.sigma_w * dot / n.sqrt() + arch.sigma_b * layer.b[j])
                })
                .collect();
        }
        for c in 0..arch.outputs {
            let dot: f64 = (0..arch.width).map(|j| p.a[[j, c]] * z[j]).sum();
            g[[mu, c]] = arch.sigma_a * dot / n.sqrt();
        }
    }
    g
}

#[test]
fn forward_matches_naive_loops() {
    // Both sides sum the same few products in a different order, so they
    // agree to rounding (~1e-15); 1e-12 leaves room and still catches any
    // wrong scale, index or layer.
    for depth in [2, 3] {
        for activation in Activation::ALL {
            let arch = arch(depth, activation, Scaling::Standard, false);
            let mut rng = ChaCha8Rng::seed_from_u64(5);
            let params = Params::sample(&arch, &mut rng);
            let x = normal_matrix(POINTS, INPUTS, &mut rng);
            let expected = naive_output_g(&arch, &params, x.view());
            let g = output_g(&arch, &params, x.view());
            let gap = (&g - &expected).iter().fold(0.0f64, |m, v| m.max(v.abs()));
            assert!(gap < 1e-12, "depth {depth} {activation:?}: gap {gap:e}");
            let features = Features::compute(&arch, &params, x.view());
            assert_eq!(features.lower.len(), depth - 1);
        }
    }
}

#[test]
fn sample_keeps_depth_one_stream() {
    // W^1 and b^1 come first at every depth, so a deep network shares its
    // first layer with the depth-1 network of the same seed.
    let shallow = arch(1, Activation::Relu, Scaling::Standard, false);
    let deep = arch(3, Activation::Relu, Scaling::Standard, false);
    let one = Params::sample(&shallow, &mut ChaCha8Rng::seed_from_u64(9));
    let three = Params::sample(&deep, &mut ChaCha8Rng::seed_from_u64(9));
    assert!(one.hidden.is_empty());
    assert_eq!(three.hidden.len(), 2);
    assert_eq!(one.w, three.w);
    assert_eq!(one.b, three.b);
    assert_eq!(three.hidden[0].w.dim(), (WIDTH, WIDTH));
    assert_ne!(
        one.a, three.a,
        "the readout is drawn after the hidden layers"
    );
}

/// A network, data and an optional centring offset from a fixed seed.
struct Case {
    arch: Architecture,
    params: Params,
    x: Array2<f64>,
    y: Array2<f64>,
    offset: Option<Array2<f64>>,
}

impl Case {
    fn new(arch: Architecture, center: bool) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let params = Params::sample(&arch, &mut rng);
        let x = normal_matrix(POINTS, INPUTS, &mut rng);
        let y = normal_matrix(POINTS, OUTPUTS, &mut rng);
        // Centre on a different network so the offset term is exercised.
        let other = Params::sample(&arch, &mut rng);
        let offset = center.then(|| output_g(&arch, &other, x.view()));
        Case {
            arch,
            params,
            x,
            y,
            offset,
        }
    }

    fn loss_at(&self, p: &Params) -> f64 {
        let f = output_f(&self.arch, p, self.x.view(), self.offset.as_ref());
        (&f - &self.y).iter().map(|r| r * r).sum::<f64>() / (2.0 * POINTS as f64)
    }

    fn backprop(&self, work: &mut DeepWorkspace) -> (f64, Params) {
        let mut grad = self.params.zeros_like();
        let loss = super::loss_and_gradient(
            &self.arch,
            &self.params,
            self.x.view(),
            self.y.view(),
            self.offset.as_ref(),
            work,
            &mut grad,
        );
        (loss, grad)
    }
}

/// Returns the largest relative gap between backpropagation and a central
/// finite difference over every parameter entry of every block.
fn worst_gradient_error(case: &Case) -> f64 {
    let mut work = DeepWorkspace::new(&case.arch, POINTS);
    let (loss, mut grad) = case.backprop(&mut work);
    assert!((loss - case.loss_at(&case.params)).abs() < 1e-12);

    let dt = 1e-5;
    let mut worst: f64 = 0.0;
    let block_count = blocks_mut(&mut grad).len();
    for block in 0..block_count {
        let analytic = blocks_mut(&mut grad)[block].to_vec();
        for (index, value) in analytic.into_iter().enumerate() {
            let nudged = |delta: f64| {
                let mut p = case.params.clone();
                blocks_mut(&mut p)[block][index] += delta;
                case.loss_at(&p)
            };
            let numeric = (nudged(dt) - nudged(-dt)) / (2.0 * dt);
            worst = worst.max((numeric - value).abs() / value.abs().max(1e-3));
        }
    }
    worst
}

#[test]
fn backprop_matches_finite_differences() {
    // Central differences with dt = 1e-5, near the optimal eps^(1/3), carry
    // O(dt^2 L''') ~ 1e-10 truncation and O(eps L / dt) ~ 1e-10 rounding
    // error (L is of order 1 to 10 here), so 1e-6 relative (floored at an
    // absolute 1e-9) separates a correct gradient from any real mistake,
    // which shows up at order one. A relu kink within 1e-5 of a
    // pre-activation would spoil one entry; seed 11 has none.
    for depth in [2, 3] {
        for activation in Activation::ALL {
            for scaling in [Scaling::Standard, Scaling::MeanField, Scaling::Gamma0] {
                for center in [false, true] {
                    let case = Case::new(arch(depth, activation, scaling, center), center);
                    let error = worst_gradient_error(&case);
                    assert!(
                        error < 1e-6,
                        "depth {depth} {activation:?} {scaling:?} center={center}: \
                         relative error {error:e}"
                    );
                }
            }
        }
    }
}

#[test]
fn workspace_reuse_repeats_gradient() {
    // Every buffer must be overwritten, not accumulated into, on each call.
    let case = Case::new(arch(3, Activation::Tanh, Scaling::MeanField, true), true);
    let mut work = DeepWorkspace::new(&case.arch, POINTS);
    let (first_loss, first) = case.backprop(&mut work);
    let (second_loss, second) = case.backprop(&mut work);
    assert_eq!(first_loss, second_loss);
    assert_eq!(first, second);
}

/// Jacobian `dg_c / dtheta` of every input by central differences, one
/// `P x (number of parameters)` matrix per output `c`.
fn finite_difference_jacobians(
    arch: &Architecture,
    p: &Params,
    x: ArrayView2<f64>,
) -> Vec<Array2<f64>> {
    let dt = 1e-6;
    let mut probe = p.clone();
    let count: usize = blocks_mut(&mut probe).iter().map(|b| b.len()).sum();
    let mut jacobians = vec![Array2::zeros((x.nrows(), count)); arch.outputs];
    let mut column = 0;
    let block_count = blocks_mut(&mut probe).len();
    for block in 0..block_count {
        let len = blocks_mut(&mut probe)[block].len();
        for index in 0..len {
            let at = |delta: f64| {
                let mut q = p.clone();
                blocks_mut(&mut q)[block][index] += delta;
                output_g(arch, &q, x)
            };
            let slope = (at(dt) - at(-dt)) / (2.0 * dt);
            for (c, jacobian) in jacobians.iter_mut().enumerate() {
                jacobian.column_mut(column).assign(&slope.column(c));
            }
            column += 1;
        }
    }
    jacobians
}

#[test]
fn empirical_ntk_matches_jacobian_gram() {
    // Theta(x, x') = 1/C sum_c J_c(x) J_c(x')^T over all parameters. The
    // finite-difference Jacobians carry ~1e-10 relative error, so the two
    // kernels agree to ~1e-9 of their scale; 1e-6 catches any missing
    // layer, scale or output average, which are order-one changes.
    for depth in [2, 3] {
        for activation in [
            Activation::Relu,
            Activation::Tanh,
            Activation::Erf,
            Activation::Gelu,
        ] {
            let arch = arch(depth, activation, Scaling::Standard, false);
            let mut rng = ChaCha8Rng::seed_from_u64(21);
            let params = Params::sample(&arch, &mut rng);
            let left_x = normal_matrix(POINTS, INPUTS, &mut rng);
            let right_x = normal_matrix(POINTS + 1, INPUTS, &mut rng);

            let left = Features::compute(&arch, &params, left_x.view());
            let right = Features::compute(&arch, &params, right_x.view());
            let k0 = input_kernel(&arch, left_x.view(), right_x.view());
            let theta = empirical_ntk(&arch, &params, &left, &right, &k0);

            let left_j = finite_difference_jacobians(&arch, &params, left_x.view());
            let right_j = finite_difference_jacobians(&arch, &params, right_x.view());
            let mut expected = Array2::zeros((POINTS, POINTS + 1));
            for (jl, jr) in left_j.iter().zip(&right_j) {
                expected += &(jl.dot(&jr.t()) / OUTPUTS as f64);
            }
            let scale = expected.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let gap = (&theta - &expected)
                .iter()
                .fold(0.0f64, |m, v| m.max(v.abs()));
            assert!(
                gap < 1e-6 * scale,
                "depth {depth} {activation:?}: gap {gap:e}, scale {scale:e}"
            );
        }
    }
}

#[test]
fn params_helpers_cover_hidden_layers() {
    let arch = arch(3, Activation::Relu, Scaling::Standard, false);
    let mut params = Params::sample(&arch, &mut ChaCha8Rng::seed_from_u64(2));
    let entries: f64 = blocks_mut(&mut params)
        .iter()
        .flat_map(|block| block.iter())
        .map(|v| v * v)
        .sum();
    assert!((params.norm_squared() - entries).abs() < 1e-12 * entries);

    let zeros = params.zeros_like();
    assert_eq!(zeros.hidden.len(), 2);
    assert_eq!(zeros.hidden[1].w.dim(), (WIDTH, WIDTH));
    assert_eq!(zeros.norm_squared(), 0.0);

    assert!(params.is_finite());
    params.hidden[1].b[0] = f64::NAN;
    assert!(!params.is_finite(), "a NaN hidden bias went unnoticed");
}
