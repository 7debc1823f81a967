"""Analytic NNGP and NTK of a one-hidden-layer network with neural-tangents.

The network matches lazyrich's conventions (parameterization='ntk'):
Dense(width, W_std=sigma_w, b_std=sigma_b), then relu or erf, then
Dense(1, W_std=sigma_a, b_std=0). The kernel function is jit-compiled and
warmed up, then timed on P x P train-train kernels of D = 64 inputs in
float64. Prints one CSV row per (activation, P) with the median time of
one call that returns both kernels.
"""

import argparse
import statistics
import time

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
from neural_tangents import stax  # noqa: E402

SIZES = [256, 1024, 2048]


def kernel_fn_for(activation):
    layer = {"relu": stax.Relu(), "erf": stax.Erf()}[activation]
    _, _, kernel_fn = stax.serial(
        stax.Dense(512, W_std=1.0, b_std=1.0, parameterization="ntk"),
        layer,
        stax.Dense(1, W_std=1.0, b_std=0.0, parameterization="ntk"),
    )
    return jax.jit(kernel_fn, static_argnames="get")


def median_seconds(call, repeats):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--dims", type=int, default=64)
    args = parser.parse_args()
    print(f"# jax {jax.__version__}, devices {jax.devices()}")
    print("activation,P,D,median_ms")
    key = jax.random.PRNGKey(0)
    for activation in ("relu", "erf"):
        kernel_fn = kernel_fn_for(activation)
        for points in SIZES:
            x = jax.random.normal(key, (points, args.dims), dtype=jnp.float64)

            def call():
                kernels = kernel_fn(x, None, get=("nngp", "ntk"))
                jax.block_until_ready(kernels)

            call()  # compile and warm
            seconds = median_seconds(call, args.repeats)
            print(f"{activation},{points},{args.dims},{seconds * 1e3:.3f}", flush=True)


if __name__ == "__main__":
    main()
