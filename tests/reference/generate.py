#!/usr/bin/env python3
"""Write reference NNGP and NTK matrices of networks with 1 to 4 hidden layers.

The network with L hidden layers of width N is

    h^1 = sigma_w W^1 x / sqrt(D) + sigma_b b^1
    h^l = sigma_w W^l phi(h^(l-1)) / sqrt(N) + sigma_b b^l        l = 2..L
    g   = sigma_a / sqrt(N) a . phi(h^L)

with every trainable entry N(0, 1) and the NTK summed over all of them. Its kernels follow
the layer recursion

    K^1 = Theta^1 = sigma_w^2 (x . x') / D + sigma_b^2
    K^(l+1)     = sigma_w^2 E[phi(u) phi(v)] + sigma_b^2
    Theta^(l+1) = K^(l+1) + sigma_w^2 E[phi'(u) phi'(v)] Theta^l
    K           = sigma_a^2 E[phi(u) phi(v)]                  (u, v from layer L)
    Theta       = K + sigma_a^2 E[phi'(u) phi'(v)] Theta^L

with (u, v) centred Gaussian of covariance [[K^l(x, x), K^l(x, x')], [K^l(x, x'), K^l(x', x')]].

Two independent sources are written:

* neural_tangents.json: neural-tangents stax in float64, L blocks
  Dense(1, W_std=sigma_w, b_std=sigma_b), phi followed by Dense(1, W_std=sigma_a), with
  parameterization='ntk'. Before anything is written, the script checks that this matches
  the network above (Monte Carlo averages over random networks of depth 1, 2 and 3, and
  agreement with the closed forms on generic inputs).
* mpmath.json: the recursion with the closed forms at 40 digits (relu, leaky-relu, erf,
  identity) and with nested mpmath.quad tanh-sinh integrals at 20 digits for tanh, gelu
  and softplus (pre-activation variances up to 50 at every layer), rounded to float64
  once at the end.

Run from the repository root with the versions listed in tests/reference/README.md:

    python tests/reference/generate.py --cache /tmp/reference-cache.json
"""

import json
import multiprocessing
import platform
import sys
from pathlib import Path

import mpmath as mp
import numpy as np

OUTPUT_DIR = Path(__file__).resolve().parent
LEAKY_RELU_SLOPE = 0.01
# Hidden width of the Monte Carlo check of the parameterisation.
MONTE_CARLO_UNITS = 400_000
# Half-width of the mpmath integration range in standard-normal units: the Gaussian mass
# beyond it is below 2e-33, far below the 1e-12 the references need.
Z_LIMIT = 12
# Relative error estimate that every mpmath.quad result must meet.
QUAD_TOLERANCE = 1e-15

CLOSED_FORM_ACTIVATIONS = ["relu", "leaky-relu", "erf", "identity"]
QUADRATURE_ACTIVATIONS = ["gelu", "tanh", "softplus"]
# (sigma_w, sigma_b, sigma_a). Without a bias the zero input has variance 0.
CLOSED_FORM_SIGMAS = [(1.0, 0.0, 1.0), (1.5, 0.5, 0.8), (0.7, 2.0, 1.3)]
QUADRATURE_SIGMAS = [(1.0, 0.0, 1.0), (1.5, 0.5, 0.8), (2.0, 1.0, 1.1)]
# Fewer multipliers and points for the quadrature activations at depth 2 to 4: every
# entry there costs one nested mpmath.quad per layer (about 20 s of CPU for tanh and
# softplus), while gelu's inner integral has a closed form.
DEEP_QUADRATURE_SIGMAS = {
    "tanh": [(1.3, 0.6, 0.9)],
    "gelu": [(1.0, 0.0, 1.0), (1.3, 0.6, 0.9)],
    "softplus": [(1.0, 0.0, 1.0), (1.3, 0.6, 0.9)],
}
MAX_QUADRATURE_VARIANCE = 50.0
DEPTHS = [1, 2, 3, 4]
# Width and number of random networks of the Monte Carlo check at depth 2 and 3. The
# finite-width bias of the mean is of order depth / width (about 0.3 % here), below the
# 5 standard errors (about 2 % of the kernel) that the check allows.
DEEP_MONTE_CARLO_WIDTH = 1024
DEEP_MONTE_CARLO_NETWORKS = 200


def rotated(vector, angle):
    """Rotate the first two coordinates of `vector` by `angle` radians (float64)."""
    x, y = vector[0], vector[1]
    c, s = np.cos(angle), np.sin(angle)
    return [float(c * x - s * y), float(s * x + c * y)] + list(vector[2:])


def closed_form_inputs():
    """Hard inputs in D = 3: duplicates, angles of 1e-7, antipodes, zero, norms 1e-3 to 1e4."""
    large = [6e3, -8e3, 0.0]
    return [
        [1.0, 0.0, 0.0],
        [1.0, 0.0, 0.0],
        rotated([1.0, 0.0, 0.0], 1e-7),
        [-1.0, 0.0, 0.0],
        [0.0, 0.0, 0.0],
        [1e-3, -2e-3, 5e-4],
        large,
        [-6e3, 8e3, 0.0],
        rotated(large, 1e-7),
        [0.3, -1.2, 2.0],
    ]


def quadrature_inputs():
    """Hard inputs in D = 2 whose pre-activation variances stay at most 50."""
    large = [2.94, -3.92]
    return [
        [1.0, 0.0],
        [1.0, 0.0],
        rotated([1.0, 0.0], 1e-7),
        [-1.0, 0.0],
        [0.0, 0.0],
        [1e-3, 2e-3],
        large,
        [-2.94, 3.92],
        rotated(large, 1e-7),
        [0.5, 1.5],
    ]


def deep_quadrature_inputs():
    """Hard inputs in D = 2 for the deep quadrature cases: a duplicate, an angle of 1e-7,
    an antipodal pair (and one 1e-7 from antipodal) and the zero input."""
    return [
        [1.0, 0.0],
        [1.0, 0.0],
        rotated([1.0, 0.0], 1e-7),
        [-1.0, 0.0],
        [0.0, 0.0],
    ]


INPUT_SETS = {
    "closed-form": closed_form_inputs(),
    "quadrature": quadrature_inputs(),
    "quadrature-deep": deep_quadrature_inputs(),
}


def upper_triangle(matrix):
    """Rows of the upper triangle: row i contains columns i..P-1 (JSON null for NaN)."""
    rows = []
    for i in range(len(matrix)):
        rows.append([None if np.isnan(v) else float(v) for v in matrix[i][i:]])
    return rows


# ---------------------------------------------------------------------------------------
# mpmath
# ---------------------------------------------------------------------------------------


def embedded_pair(x1, x2, sigma_w, sigma_b):
    """Return (q1, q2, c, cos t, sin t) of the pre-activations at x1 and x2 in mpmath.

    The embedded vectors z = (sigma_w x / sqrt(D), sigma_b) satisfy K0 = z . z'. For unit
    vectors a, b, |a - b| = 2 sin(t/2) and |a + b| = 2 cos(t/2), which gives sin t and cos t
    without cancellation and exactly 0 at t = 0 and t = pi.
    """
    scale = mp.mpf(sigma_w) / mp.sqrt(len(x1))
    z1 = [scale * mp.mpf(v) for v in x1] + [mp.mpf(sigma_b)]
    z2 = [scale * mp.mpf(v) for v in x2] + [mp.mpf(sigma_b)]
    q1 = mp.fsum(v * v for v in z1)
    q2 = mp.fsum(v * v for v in z2)
    c = mp.fsum(a * b for a, b in zip(z1, z2))
    if q1 == 0 or q2 == 0:
        return q1, q2, c, mp.mpf(0), mp.mpf(1)
    a = [v / mp.sqrt(q1) for v in z1]
    b = [v / mp.sqrt(q2) for v in z2]
    difference = mp.sqrt(mp.fsum((u - v) ** 2 for u, v in zip(a, b)))
    total = mp.sqrt(mp.fsum((u + v) ** 2 for u, v in zip(a, b)))
    return q1, q2, c, (total**2 - difference**2) / 4, difference * total / 2


def closed_form_expectations(activation, q1, q2, c, cos, sin):
    """Return (E[phi(u) phi(v)], E[phi'(u) phi'(v)]) by the closed forms."""
    if activation == "identity":
        return c, mp.mpf(1)
    if activation == "erf":
        spread = (1 + 2 * q1) * (1 + 2 * q2) - 4 * c * c
        return 2 / mp.pi * mp.asin(2 * c / mp.sqrt((1 + 2 * q1) * (1 + 2 * q2))), 4 / (
            mp.pi * mp.sqrt(spread)
        )
    slope = mp.mpf(LEAKY_RELU_SLOPE) if activation == "leaky-relu" else mp.mpf(0)
    angle = mp.atan2(sin, cos)
    root = mp.sqrt(q1 * q2)
    step = (1 + slope**2) * (mp.pi - angle) + 2 * slope * angle
    value = root / (2 * mp.pi) * ((1 - slope) ** 2 * sin + step * cos)
    if root == 0:
        # A variance of 0 makes that pre-activation identically 0, where phi' = slope.
        def mean_derivative(var):
            return (1 + slope) / 2 if var > 0 else slope

        return value, mean_derivative(q1) * mean_derivative(q2)
    return value, step / (2 * mp.pi)


def activation_functions(activation):
    """Return (phi, phi') as mpmath functions."""
    if activation == "tanh":
        return mp.tanh, lambda h: 1 - mp.tanh(h) ** 2
    if activation == "softplus":
        return (lambda h: mp.log1p(mp.exp(h))), (lambda h: 1 / (1 + mp.exp(-h)))
    if activation == "gelu":
        return (lambda h: h * mp.ncdf(h)), (lambda h: mp.ncdf(h) + h * mp.npdf(h))
    if activation == "relu":
        return (lambda h: max(h, 0)), (lambda h: mp.mpf(1) if h > 0 else mp.mpf(0))
    if activation == "leaky-relu":
        return (lambda h: h if h > 0 else LEAKY_RELU_SLOPE * h), (
            lambda h: mp.mpf(1) if h > 0 else mp.mpf(LEAKY_RELU_SLOPE)
        )
    if activation == "erf":
        return mp.erf, lambda h: 2 / mp.sqrt(mp.pi) * mp.exp(-h * h)
    raise ValueError(activation)


def checked_quad(function, points, scale):
    """Integrate with mpmath.quad (tanh-sinh) and raise if the error estimate is too large.

    `scale` bounds the typical size of the integral. Every activation here has
    |phi(h)| <= 1 + |h| and |phi'(h)| <= 2 / sqrt(pi), so the callers pass 1 + |mean| + spread
    for the inner integrals and the product of two such bounds for the outer ones.
    """
    value, error = mp.quad(function, points, error=True)
    if error > QUAD_TOLERANCE * max(abs(value), scale):
        raise RuntimeError(f"mpmath.quad error estimate {error} for value {value}")
    return value


def split(lower, upper, point):
    return [lower, point, upper] if lower < point < upper else [lower, upper]


def inner_expectation(activation, mean, spread):
    """E[phi(X)] + i E[phi'(X)] for X = mean + spread Z, Z ~ N(0, 1).

    Value and derivative are integrated together as the real and imaginary parts of one
    complex integrand, which halves the work. Gelu has the closed forms
    E[X Phi(X)] = m Phi(m/r) + s^2 phi(m/r) / r and E[Phi(X) + X phi(X)] = Phi(m/r) + m phi(m/r) / r^3
    with r = sqrt(1 + s^2) (Stein's lemma). Other activations use a 1-D integral split at
    the steep point.
    """
    function, derivative = activation_functions(activation)
    if spread == 0:
        return mp.mpc(function(mean), derivative(mean))
    if activation == "gelu":
        r = mp.sqrt(1 + spread**2)
        density = mp.npdf(mean / r)
        return mp.mpc(
            mean * mp.ncdf(mean / r) + spread**2 * density / r,
            mp.ncdf(mean / r) + mean * density / r**3,
        )

    def integrand(z):
        h = mean + spread * z
        return mp.mpc(function(h), derivative(h)) * mp.npdf(z)

    scale = 1 + abs(mean) + spread
    return checked_quad(integrand, split(-Z_LIMIT, Z_LIMIT, -mean / spread), scale)


def quadrature_expectations(activation, q1, q2, cos, sin):
    """E[phi(u) phi(v)] and E[phi'(u) phi'(v)] by nested mpmath.quad.

    u = sqrt(q1) z1 and v = sqrt(q2) (cos t z1 + sin t z2) with z1, z2 independent
    standard normal; the outer integral over z1 is split at 0, where phi(u) and the inner
    expectation are steep. For tanh (odd, with an even derivative) both integrands are
    even in z1, so the outer integral runs over z1 >= 0 and is doubled.
    """
    function, derivative = activation_functions(activation)
    root1, root2 = mp.sqrt(q1), mp.sqrt(q2)
    if root1 == 0:
        inner = inner_expectation(activation, mp.mpf(0), root2)
        return function(mp.mpf(0)) * inner.real, derivative(mp.mpf(0)) * inner.imag

    def outer(z1):
        inner = inner_expectation(activation, root2 * cos * z1, root2 * sin)
        u = root1 * z1
        return mp.mpc(function(u) * inner.real, derivative(u) * inner.imag) * mp.npdf(z1)

    scale = (1 + root1) * (1 + root2)
    if activation == "tanh":
        total = 2 * checked_quad(outer, [0, Z_LIMIT], scale)
    else:
        total = checked_quad(outer, [-Z_LIMIT, 0, Z_LIMIT], scale)
    return total.real, total.imag


def layer_expectations(activation, q1, q2, c, cos, sin):
    """Return E[phi(u) phi(v)] and E[phi'(u) phi'(v)] by the closed form or by quadrature."""
    if activation in CLOSED_FORM_ACTIVATIONS:
        return closed_form_expectations(activation, q1, q2, c, cos, sin)
    return quadrature_expectations(activation, q1, q2, cos, sin)


def moments_pair(q1, q2, c):
    """Return (cos t, sin t) of a pair given by its moments, at twice the working precision.

    Deeper layers only have kernel values, so the angle comes from c / sqrt(q1 q2). At 40
    (or 20) digits the cancellation in 1 - cos^2 still leaves far more than float64 needs.
    """
    if q1 == 0 or q2 == 0:
        return mp.mpf(0), mp.mpf(1)
    with mp.workdps(2 * mp.mp.dps):
        cos = max(mp.mpf(-1), min(mp.mpf(1), c / mp.sqrt(q1 * q2)))
        sin = mp.sqrt((1 - cos) * (1 + cos))
    return +cos, +sin


def deep_entry(task):
    """Return the (i, j) entries of both matrices for every depth 1..max_depth.

    Each entry also lists the largest pre-activation variance of both points over the
    layers so far. Runs in a worker process.
    """
    _, activation, x1, x2, sigmas, digits, max_depth = task
    sigma_w, sigma_b, sigma_a = (mp.mpf(v) for v in sigmas)
    mp.mp.dps = digits
    q1, q2, c, cos, sin = embedded_pair(x1, x2, sigmas[0], sigmas[1])
    tangent = c
    entries = []
    largest = [q1, q2]
    for _ in range(max_depth):
        value, derivative = layer_expectations(activation, q1, q2, c, cos, sin)
        self1, _ = layer_expectations(activation, q1, q1, q1, mp.mpf(1), mp.mpf(0))
        self2, _ = layer_expectations(activation, q2, q2, q2, mp.mpf(1), mp.mpf(0))
        readout = sigma_a**2
        nngp = readout * value
        entries.append((float(nngp), float(nngp + readout * derivative * tangent), float(largest[0]), float(largest[1])))
        q1 = sigma_w**2 * self1 + sigma_b**2
        q2 = sigma_w**2 * self2 + sigma_b**2
        c = sigma_w**2 * value + sigma_b**2
        tangent = c + sigma_w**2 * derivative * tangent
        cos, sin = moments_pair(q1, q2, c)
        largest = [max(largest[0], q1), max(largest[1], q2)]
    return entries


def mpmath_entry(task):
    """One (i, j) entry of both matrices; runs in a worker process."""
    activation, x1, x2, sigmas, digits = task
    sigma_w, sigma_b, sigma_a = sigmas
    mp.mp.dps = digits
    q1, q2, c, cos, sin = embedded_pair(x1, x2, sigma_w, sigma_b)
    if activation in CLOSED_FORM_ACTIVATIONS:
        value, derivative = closed_form_expectations(activation, q1, q2, c, cos, sin)
    else:
        value, derivative = quadrature_expectations(activation, q1, q2, cos, sin)
    readout = mp.mpf(sigma_a) ** 2
    nngp = readout * value
    return float(nngp), float(nngp + readout * derivative * c)


def mpmath_matrices(pool, cache, activation, inputs, sigmas, depth, save, cached_only=False):
    """Full NNGP and NTK matrices and the largest variance of each point over the layers.

    Duplicated inputs reuse the entries computed once. `cache` maps a task's repr to its
    result; it is read and extended, and `save()` is called after every new entry. With
    `cached_only`, a case with any entry missing from the cache returns None. Depth 1 uses one-layer tasks. Deeper cases share one
    task per pair that runs the recursion to the largest depth and keeps every layer.
    """
    digits = 40 if activation in CLOSED_FORM_ACTIVATIONS else 20
    size = len(inputs)
    first = {}
    for i, x in enumerate(inputs):
        first.setdefault(tuple(x), i)
    canonical = [first[tuple(x)] for x in inputs]
    pairs = sorted({tuple(sorted((canonical[i], canonical[j]))) for i in range(size) for j in range(size)})
    if depth == 1:
        tasks = {pair: (activation, inputs[pair[0]], inputs[pair[1]], sigmas, digits) for pair in pairs}
        worker = mpmath_entry
    else:
        tasks = {
            pair: ("deep", activation, inputs[pair[0]], inputs[pair[1]], sigmas, digits, DEPTHS[-1])
            for pair in pairs
        }
        worker = deep_entry
    missing = [pair for pair in pairs if repr(tasks[pair]) not in cache]
    if cached_only and missing:
        return None
    for pair, entry in zip(missing, pool.imap(worker, [tasks[pair] for pair in missing])):
        cache[repr(tasks[pair])] = entry
        save()
    results = {pair: cache[repr(tasks[pair])] for pair in pairs}
    nngp = np.zeros((size, size))
    ntk = np.zeros((size, size))
    variances = [0.0] * size
    for i in range(size):
        for j in range(size):
            key = tuple(sorted((canonical[i], canonical[j])))
            if depth == 1:
                nngp[i, j], ntk[i, j] = results[key]
            else:
                nngp[i, j], ntk[i, j] = results[key][depth - 1][:2]
                if i == j:
                    variances[i] = max(v for entry in results[key][:depth] for v in entry[2:])
    if depth == 1:
        variances = [float(v) for v in first_layer_variances(inputs, sigmas)]
    return nngp, ntk, variances


def first_layer_variances(inputs, sigmas):
    sigma_w, sigma_b, _ = sigmas
    return [sigma_w**2 * np.dot(x, x) / len(x) + sigma_b**2 for x in inputs]


def check_closed_forms_by_quadrature():
    """Check the 40-digit closed forms against nested mpmath.quad on two generic pairs."""
    mp.mp.dps = 20
    for activation in ["relu", "leaky-relu", "erf"]:
        for x1, x2, sigmas in [([0.3, -1.2], [1.1, 0.4], (1.5, 0.5, 1.0)), ([2.0, 1.0], [-1.5, -0.2], (1.0, 0.0, 1.0))]:
            q1, q2, c, cos, sin = embedded_pair(x1, x2, sigmas[0], sigmas[1])
            closed = closed_form_expectations(activation, q1, q2, c, cos, sin)
            numeric = quadrature_expectations(activation, q1, q2, cos, sin)
            for a, b in zip(closed, numeric):
                if abs(a - b) > 1e-13 * abs(a):
                    raise RuntimeError(f"{activation}: closed form {a} but quadrature {b}")
    print("closed forms agree with mpmath.quad", file=sys.stderr)


# ---------------------------------------------------------------------------------------
# neural-tangents
# ---------------------------------------------------------------------------------------


def stax_activation(activation):
    import jax
    import jax.numpy as jnp
    from neural_tangents import stax

    if activation == "relu":
        return stax.Relu()
    if activation == "leaky-relu":
        return stax.LeakyRelu(LEAKY_RELU_SLOPE)
    if activation == "erf":
        return stax.Erf()
    if activation == "identity":
        return stax.Identity()
    if activation == "gelu":
        return stax.Gelu(approximate=False)
    # stax has no tanh or softplus layer: both go through its Gauss-Hermite quadrature,
    # with the derivative given explicitly instead of by autodiff.
    if activation == "tanh":
        return stax.ElementwiseNumerical(jnp.tanh, deg=64, df=lambda h: 1 - jnp.tanh(h) ** 2)
    if activation == "softplus":
        return stax.ElementwiseNumerical(jax.nn.softplus, deg=64, df=jax.nn.sigmoid)
    raise ValueError(activation)


def stax_kernels(activation, inputs, sigmas, depth=1):
    """NNGP and NTK from stax in float64, parameterization='ntk', `depth` hidden layers."""
    import jax.numpy as jnp
    from neural_tangents import stax

    sigma_w, sigma_b, sigma_a = sigmas
    layers = []
    for _ in range(depth):
        layers.append(
            stax.Dense(1, W_std=sigma_w, b_std=sigma_b if sigma_b > 0 else None, parameterization="ntk")
        )
        layers.append(stax_activation(activation))
    layers.append(stax.Dense(1, W_std=sigma_a, b_std=None, parameterization="ntk"))
    _, _, kernel_fn = stax.serial(*layers)
    x = jnp.asarray(inputs, dtype=jnp.float64)
    kernels = kernel_fn(x, x, ("nngp", "ntk"))
    return np.asarray(kernels.nngp, dtype=np.float64), np.asarray(kernels.ntk, dtype=np.float64)


def check_parameterisation():
    """Check that stax matches the network of the module docstring.

    1. A Monte Carlo average over MONTE_CARLO_UNITS random hidden units of the network as
       written (h = sigma_w W x / sqrt(D) + sigma_b b, empirical kernels
       sigma_a^2 phi phi' and sigma_a^2 (phi phi' + a^2 phi' phi'' K0)) agrees with stax
       within 5 standard errors.
    2. stax agrees with the 40-digit closed forms to 1e-9 on generic inputs.
    """
    rng = np.random.default_rng(5)
    x = np.array([[0.3, -1.2, 2.0], [1.1, 0.4, -0.7], [-0.9, 0.2, 0.5]])
    dim = x.shape[1]
    sigmas = (1.4, 0.6, 0.9)
    sigma_w, sigma_b, sigma_a = sigmas
    k0 = sigma_w**2 * x @ x.T / dim + sigma_b**2
    w = rng.standard_normal((MONTE_CARLO_UNITS, dim))
    b = rng.standard_normal(MONTE_CARLO_UNITS)
    a = rng.standard_normal(MONTE_CARLO_UNITS)
    h = sigma_w * w @ x.T / np.sqrt(dim) + sigma_b * b[:, None]
    from scipy.special import erf

    for activation, phi, dphi in [
        ("relu", lambda v: np.maximum(v, 0), lambda v: (v > 0).astype(float)),
        ("erf", erf, lambda v: 2 / np.sqrt(np.pi) * np.exp(-v * v)),
    ]:
        nngp, ntk = stax_kernels(activation, x.tolist(), sigmas)
        for i in range(3):
            for j in range(3):
                value = sigma_a**2 * phi(h[:, i]) * phi(h[:, j])
                tangent = value + sigma_a**2 * a**2 * dphi(h[:, i]) * dphi(h[:, j]) * k0[i, j]
                for name, samples, reference in [("NNGP", value, nngp), ("NTK", tangent, ntk)]:
                    error = samples.std() / np.sqrt(len(samples))
                    if abs(samples.mean() - reference[i, j]) > 5 * error:
                        raise RuntimeError(
                            f"{activation} {name}[{i},{j}]: stax {reference[i, j]}, "
                            f"Monte Carlo {samples.mean()} +- {error}"
                        )
        entries = [
            mpmath_entry((activation, list(x[i]), list(x[j]), sigmas, 40))
            for i in range(3)
            for j in range(3)
        ]
        closed = np.array(entries).reshape(3, 3, 2)
        off_diagonal = ~np.eye(3, dtype=bool)
        for index, (name, reference) in enumerate([("NNGP", nngp), ("NTK", ntk)]):
            gap = np.abs(closed[:, :, index] - reference) / np.max(np.abs(reference))
            # On the diagonal stax takes the angle from sqrt(q q' - c^2), which cancels
            # to about sqrt(eps) = 1.5e-8 and moves the relu NTK by about 1e-9 there.
            if gap[off_diagonal].max() > 1e-12 or gap.max() > 1e-8:
                raise RuntimeError(f"{activation} {name}: stax and closed form differ by {gap}")
    print("stax matches the parameterisation", file=sys.stderr)


def deep_network_kernels(x, sigmas, depth, width, phi, dphi, rng):
    """Empirical NNGP and NTK of one random network with `depth` hidden layers.

    The NTK sums the gradient outer products of every layer, by backpropagation:
    delta^L = sigma_a a phi'(h^L) / sqrt(N), delta^(l-1) = phi'(h^(l-1)) sigma_w W^l^T
    delta^l / sqrt(N), and layer l contributes (delta^l . delta^l') (sigma_w^2 z . z' /
    fan_in + sigma_b^2) with z the layer's input.
    """
    sigma_w, sigma_b, sigma_a = sigmas
    points, dim = x.shape
    inputs = [x]
    pre_activations = []
    weights = []
    fan_in = dim
    for _ in range(depth):
        w = rng.standard_normal((width, fan_in))
        b = rng.standard_normal(width)
        h = sigma_w * inputs[-1] @ w.T / np.sqrt(fan_in) + sigma_b * b
        weights.append((w, fan_in))
        pre_activations.append(h)
        inputs.append(phi(h))
        fan_in = width
    a = rng.standard_normal(width)
    features = inputs[-1]
    nngp = sigma_a**2 * features @ features.T / width
    ntk = nngp.copy()
    delta = sigma_a * a * dphi(pre_activations[-1]) / np.sqrt(width)
    for layer in reversed(range(depth)):
        w, fan_in = weights[layer]
        z = inputs[layer]
        ntk += (delta @ delta.T) * (sigma_w**2 * z @ z.T / fan_in + sigma_b**2)
        if layer > 0:
            delta = dphi(pre_activations[layer - 1]) * (sigma_w * delta @ w / np.sqrt(fan_in))
    return nngp, ntk


def check_deep_parameterisation():
    """Check stax at depth 2 and 3 against Monte Carlo averages over random deep networks.

    DEEP_MONTE_CARLO_NETWORKS networks of width DEEP_MONTE_CARLO_WIDTH, for relu and erf:
    the mean of each empirical entry must agree with stax within 5 standard errors.
    """
    from scipy.special import erf

    rng = np.random.default_rng(11)
    x = np.array([[0.3, -1.2, 2.0], [1.1, 0.4, -0.7], [-0.9, 0.2, 0.5]])
    sigmas = (1.4, 0.6, 0.9)
    for activation, phi, dphi in [
        ("relu", lambda v: np.maximum(v, 0), lambda v: (v > 0).astype(float)),
        ("erf", erf, lambda v: 2 / np.sqrt(np.pi) * np.exp(-v * v)),
    ]:
        for depth in [2, 3]:
            samples = [
                deep_network_kernels(x, sigmas, depth, DEEP_MONTE_CARLO_WIDTH, phi, dphi, rng)
                for _ in range(DEEP_MONTE_CARLO_NETWORKS)
            ]
            references = stax_kernels(activation, x.tolist(), sigmas, depth)
            for index, name in enumerate(["NNGP", "NTK"]):
                values = np.array([sample[index] for sample in samples])
                mean = values.mean(axis=0)
                error = values.std(axis=0, ddof=1) / np.sqrt(len(values))
                gap = np.abs(mean - references[index])
                if np.any(gap > 5 * error):
                    raise RuntimeError(
                        f"{activation} depth {depth} {name}: stax {references[index]}, "
                        f"Monte Carlo {mean} +- {error}"
                    )
                print(
                    f"depth {depth} {activation} {name}: largest |stax - Monte Carlo| = "
                    f"{(gap / error).max():.2f} standard errors",
                    file=sys.stderr,
                )
    print("stax matches the deep network", file=sys.stderr)


# ---------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------


def versions():
    import jax
    import jaxlib
    import neural_tangents

    return {
        "python": platform.python_version(),
        "jax": jax.__version__,
        "jaxlib": jaxlib.__version__,
        "neural-tangents": neural_tangents.__version__,
        "mpmath": mp.__version__,
        "numpy": np.__version__,
    }


def plan():
    """Yield (activation, input set name, inputs, sigmas, depth) for every case, the
    closed forms first (they take seconds)."""
    for depth in DEPTHS:
        for activation in CLOSED_FORM_ACTIVATIONS:
            for sigmas in CLOSED_FORM_SIGMAS:
                yield activation, "closed-form", INPUT_SETS["closed-form"], sigmas, depth
    for depth in DEPTHS:
        set_name = "quadrature" if depth == 1 else "quadrature-deep"
        inputs = INPUT_SETS[set_name]
        for activation in QUADRATURE_ACTIVATIONS:
            for sigmas in QUADRATURE_SIGMAS if depth == 1 else DEEP_QUADRATURE_SIGMAS[activation]:
                assert max(first_layer_variances(inputs, sigmas)) <= MAX_QUADRATURE_VARIANCE
                yield activation, set_name, inputs, sigmas, depth


def case(activation, set_name, sigmas, depth, nngp, ntk, variances=None):
    """One JSON case; `variances` lists each point's largest pre-activation variance over
    the layers (mpmath only)."""
    sigma_w, sigma_b, sigma_a = sigmas
    document = {
        "activation": activation,
        "inputs": set_name,
        "depth": depth,
        "sigma_w": sigma_w,
        "sigma_b": sigma_b,
        "sigma_a": sigma_a,
        "nngp": upper_triangle(nngp),
        "ntk": upper_triangle(ntk),
    }
    if variances is not None:
        document["variances"] = variances
    return document


def write(name, source, cases):
    document = {
        "source": source,
        "versions": versions(),
        "layout": "nngp and ntk contain the upper triangle by rows: row i lists columns i..P-1",
        "input_sets": INPUT_SETS,
        "cases": cases,
    }
    path = OUTPUT_DIR / name
    path.write_text(json.dumps(document, indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)", file=sys.stderr)


def load_cache(path):
    """Entries computed by an earlier run, from a JSON file written by `save_cache`."""
    if path is None or not path.exists():
        return {}
    return {key: tuple(value) for key, value in json.loads(path.read_text()).items()}


def save_cache(path, cache):
    if path is not None:
        path.write_text(json.dumps(cache))


def main():
    import argparse

    import jax

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cache",
        type=Path,
        help="JSON file that keeps computed mpmath entries, so an interrupted run resumes",
    )
    parser.add_argument(
        "--cached-only",
        action="store_true",
        help="write only the mpmath cases whose entries are all in the cache",
    )
    parser.add_argument(
        "--skip-checks",
        action="store_true",
        help="skip the Monte Carlo and closed-form checks, when resuming a run that passed them",
    )
    arguments = parser.parse_args()
    jax.config.update("jax_enable_x64", True)
    if not arguments.skip_checks:
        check_parameterisation()
        check_deep_parameterisation()
        check_closed_forms_by_quadrature()

    stax_cases = [
        case(activation, set_name, sigmas, depth, *stax_kernels(activation, inputs, sigmas, depth))
        for activation, set_name, inputs, sigmas, depth in plan()
    ]
    write(
        "neural_tangents.json",
        "neural-tangents stax, parameterization='ntk', float64; tanh and softplus by "
        "ElementwiseNumerical with deg=64",
        stax_cases,
    )

    mpmath_cases = []
    cache = load_cache(arguments.cache)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        for activation, set_name, inputs, sigmas, depth in plan():
            matrices = mpmath_matrices(
                pool,
                cache,
                activation,
                inputs,
                sigmas,
                depth,
                lambda: save_cache(arguments.cache, cache),
                arguments.cached_only,
            )
            if matrices is None:
                print(f"mpmath {activation} {sigmas} depth {depth} skipped: not cached", file=sys.stderr)
                continue
            nngp, ntk, variances = matrices
            if activation in QUADRATURE_ACTIVATIONS:
                assert max(variances) <= MAX_QUADRATURE_VARIANCE, (activation, sigmas, variances)
            mpmath_cases.append(case(activation, set_name, sigmas, depth, nngp, ntk, variances))
            print(f"mpmath {activation} {sigmas} depth {depth} done", file=sys.stderr)
            # Written after every case, so that a long run leaves the finished cases.
            write(
                "mpmath.json",
                "mpmath: the layer recursion with closed forms at 40 digits; tanh, gelu and "
                "softplus by nested mpmath.quad (tanh-sinh) at 20 digits",
                mpmath_cases,
            )


if __name__ == "__main__":
    main()
