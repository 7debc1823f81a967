"""TUI against headless: training throughput and key-to-screen latency.

Runs the release binary inside a detached tmux session (loopback only, no
network) and reads the screen with `tmux capture-pane`.

    python3 bench/tui/measure.py throughput [--seconds 60] [--set KEY=VALUE ...]
    python3 bench/tui/measure.py latency [--presses 20] [--set KEY=VALUE ...]

throughput: reads the step counter in the header 5 s after start and again
`--seconds` later, then runs `lazyrich run` on the same preset for the
same number of steps and prints both rates.

latency: while the run trains, presses `?` (help on) and `?` (help off).
After each press it polls the pane every millisecond until the help text
appears or disappears, and it prints the median, 90th percentile and
maximum key-to-screen time. The
figure includes tmux's own delay in forwarding the key and the screen.
"""

import argparse
import json
import re
import statistics
import subprocess
import tempfile
import time

BINARY = "target/release/lazyrich"
SESSION = "lazyrich-measure"
HELP_TEXT = "show or hide this help"
STEP = re.compile(r"step (\d+)")


def tmux(*args):
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def start_tui(preset, overrides, width=200, height=60):
    command = [BINARY, "tui", preset] + [part for kv in overrides for part in ("--set", kv)]
    tmux("new-session", "-d", "-s", SESSION, "-x", str(width), "-y", str(height), " ".join(command))


def stop_tui():
    subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)


def screen():
    return tmux("capture-pane", "-p", "-t", SESSION)


def header_step():
    match = STEP.search(screen())
    return int(match.group(1)) if match else None


def wait_for(predicate, timeout):
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if predicate(screen()):
            return time.perf_counter() - started
        time.sleep(0.001)
    raise TimeoutError(f"the screen did not change within {timeout} s")


def throughput(args):
    start_tui(args.preset, args.set)
    try:
        wait_for(lambda text: STEP.search(text) and int(STEP.search(text).group(1)) > 0, 60)
        time.sleep(5)
        first, t0 = header_step(), time.perf_counter()
        time.sleep(args.seconds)
        last, t1 = header_step(), time.perf_counter()
    finally:
        stop_tui()
    tui_rate = (last - first) / (t1 - t0)
    steps = max(last - first, 1)
    with tempfile.TemporaryDirectory() as out:
        command = [BINARY, "run", args.preset, "--steps", str(steps), "--out", out]
        command += [part for kv in args.set for part in ("--set", kv)]
        subprocess.run(command, check=True, capture_output=True)
        with open(f"{out}/summary.json") as summary:
            headless_rate = json.load(summary)["steps_per_second"]
    print(f"tui {tui_rate:.1f} steps/s over {t1 - t0:.1f} s ({steps} steps)")
    print(f"headless {headless_rate:.1f} steps/s over the same number of steps")
    print(f"ratio {tui_rate / headless_rate:.3f}")


def latency(args):
    start_tui(args.preset, args.set)
    times = []
    try:
        wait_for(lambda text: STEP.search(text) and int(STEP.search(text).group(1)) > 0, 120)
        time.sleep(2)
        for _ in range(args.presses):
            for shown in (True, False):
                tmux("send-keys", "-t", SESSION, "?")
                started = time.perf_counter()
                wait_for(lambda text: (HELP_TEXT in text) == shown, 5)
                times.append(time.perf_counter() - started)
                time.sleep(0.1)
        steps = header_step()
    finally:
        stop_tui()
    ms = sorted(t * 1e3 for t in times)
    print(f"{len(ms)} key presses while training (step {steps} at the end)")
    print(f"median {statistics.median(ms):.1f} ms, p90 {ms[int(0.9 * len(ms))]:.1f} ms, "
          f"max {ms[-1]:.1f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["throughput", "latency"])
    parser.add_argument("--preset", default="lazy-1d")
    parser.add_argument("--set", action="append", default=[], help="override a preset key, as section.key=value")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--presses", type=int, default=20)
    args = parser.parse_args()
    {"throughput": throughput, "latency": latency}[args.mode](args)


if __name__ == "__main__":
    main()
