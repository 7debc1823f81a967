"""Full-batch gradient-descent step of the two-layer relu network in PyTorch.

The network and loss follow lazyrich (standard scaling, one output):

    h = sigma_w X W^T / sqrt(D) + sigma_b b,   f = sigma_a / sqrt(N) relu(h) a
    L = |f - y|^2 / (2P)

One step is the forward pass, the gradient of L for W, b and a, and the
update. The hand-written backward pass uses the formulas of
src/model/gradient.rs; the autograd variant calls loss.backward(). Prints
one CSV row per (dtype, backward, size) with the median steps per second.
"""

import argparse
import math
import statistics
import time

import torch

SIZES = [(20, 1, 512), (256, 64, 1024), (1024, 64, 4096)]


def make_problem(points, dims, width, dtype, seed=0):
    generator = torch.Generator().manual_seed(seed)

    def normal(*shape):
        return torch.randn(*shape, generator=generator, dtype=dtype)

    return normal(points, dims), normal(points, 1), normal(width, dims), normal(width), normal(width, 1)


def manual_step(x, y, w, b, a, eta):
    """Take one step with the hand-written backward pass, updating w, b, a in place."""
    points, dims = x.shape
    width = w.shape[0]
    input_scale = 1.0 / math.sqrt(dims)
    readout = 1.0 / math.sqrt(width)
    h = torch.addmm(b.unsqueeze(0), x, w.t(), alpha=input_scale)
    phi = torch.relu(h)
    residual = readout * (phi @ a) - y
    back = readout / points
    grad_a = back * (phi.t() @ residual)
    delta = (back * residual) * a.t() * (h > 0)
    grad_w = input_scale * (delta.t() @ x)
    grad_b = delta.sum(dim=0)
    w.sub_(eta * grad_w)
    b.sub_(eta * grad_b)
    a.sub_(eta * grad_a)
    return residual.square().sum() / (2 * points)


def autograd_step(x, y, w, b, a, eta):
    """Take one step with loss.backward(). Here w, b and a require gradients."""
    points, dims = x.shape
    width = w.shape[0]
    h = torch.addmm(b.unsqueeze(0), x, w.t(), alpha=1.0 / math.sqrt(dims))
    f = (torch.relu(h) @ a) / math.sqrt(width)
    loss = (f - y).square().sum() / (2 * points)
    loss.backward()
    with torch.no_grad():
        for p in (w, b, a):
            p.sub_(eta * p.grad)
            p.grad = None
    return loss


def median_steps_per_second(step, args, min_seconds, repeats):
    for _ in range(3):
        step(*args)
    rates = []
    for _ in range(repeats):
        count = 0
        started = time.perf_counter()
        while True:
            step(*args)
            count += 1
            elapsed = time.perf_counter() - started
            if elapsed >= min_seconds and count >= 3:
                break
        rates.append(count / elapsed)
    return statistics.median(rates)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=1.0, help="time per repeat")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads")
    print("dtype,backward,P,D,N,median_steps_per_second,median_step_ms")
    for dtype in (torch.float64, torch.float32):
        for backward in ("manual", "autograd"):
            for points, dims, width in SIZES:
                x, y, w, b, a = make_problem(points, dims, width, dtype)
                eta = 1e-4
                if backward == "manual":
                    step, params = manual_step, (x, y, w, b, a, eta)
                else:
                    for p in (w, b, a):
                        p.requires_grad_(True)
                    step, params = autograd_step, (x, y, w, b, a, eta)
                with torch.inference_mode(mode=backward == "manual"):
                    rate = median_steps_per_second(step, params, args.seconds, args.repeats)
                name = str(dtype).removeprefix("torch.")
                print(f"{name},{backward},{points},{dims},{width},{rate:.1f},{1e3 / rate:.4f}",
                      flush=True)


if __name__ == "__main__":
    main()
