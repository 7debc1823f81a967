#!/usr/bin/env python3
"""Fit the polynomial of the vectorisable arcsine in src/kernels/arcsine.rs.

For 0 <= s <= 1/2 and z = s^2 the arcsine is written as

    asin(s) = s + s z R(z),   R(z) = (asin(sqrt z) - sqrt z) / z^(3/2),   R(0) = 1/6

and R is approximated on [0, 1/4] by the polynomial that interpolates it at Chebyshev
nodes (mpmath.chebyfit, 40 digits), which is within a small factor of the minimax one.
The script prints the maximum absolute error of R for a few degrees and the
coefficients of the chosen one, lowest degree first, as a Rust array.

Since s z <= s / 4, an absolute error e in R is at most e / 4 relative to asin(s). The
chosen 13 coefficients give e = 1.5e-17, so the fit adds about 0.02 ulp and the
floating-point evaluation dominates the error.

Run with any Python that has mpmath, e.g. `python3 -m venv /tmp/fit && /tmp/fit/bin/pip
install mpmath && /tmp/fit/bin/python bench/fit/arcsine.py`.
"""

import mpmath as mp

mp.mp.dps = 40

COEFFICIENTS = 13


def remainder(z):
    """R(z) = (asin(sqrt z) - sqrt z) / z^(3/2), with its limit 1/6 at z = 0."""
    if z == 0:
        return mp.mpf(1) / 6
    s = mp.sqrt(z)
    return (mp.asin(s) - s) / (z * s)


def main():
    interval = [0, mp.mpf(1) / 4]
    for count in range(COEFFICIENTS - 2, COEFFICIENTS + 2):
        _, error = mp.chebyfit(remainder, interval, count, error=True)
        print(f"{count} coefficients: max |error of R| = {mp.nstr(error, 3)}")
    poly, error = mp.chebyfit(remainder, interval, COEFFICIENTS, error=True)
    print(f"\nchosen: {COEFFICIENTS} coefficients, max |error of R| = {mp.nstr(error, 3)}")
    print("const REMAINDER: [f64; %d] = [" % COEFFICIENTS)
    for coefficient in reversed(poly):
        print(f"    {float(coefficient)!r},")
    print("];")


if __name__ == "__main__":
    main()
