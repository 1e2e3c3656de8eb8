#!/usr/bin/env python3
"""Fits the minimax polynomials of numbox::math (numbox/src/math/) with mpmath.

Lawson's algorithm (iteratively reweighted least squares, which converges to the minimax
polynomial on a discrete set) on 400 Chebyshev nodes, minimising the RELATIVE error, in
60-digit arithmetic. Coefficients are then rounded to the nearest double (f64) or float
(f32) and the rounded polynomial's maximum relative error is measured on a dense grid.

Usage: python3 scripts/fit_math_polys.py        (needs `pip install mpmath`)
Prints Rust constants for each polynomial with its measured error in bits; with
`--table`, the f32 trigonometric reduction table (numbox/src/math/f32_reduction.rs).
The f32 sine polynomial on [-pi/2, pi/2] (trig.rs, `sin_half_pi`) is
`show("SIN_HALF_PI", lambda r: mp.sin(r) / r, mp.mpf(10) ** -8, mp.pi / 2, 5, even=True)`.
"""
import struct
import sys

import mpmath as mp

mp.mp.dps = 60


def to_f32(v):
    return struct.unpack("f", struct.pack("f", float(v)))[0]


def fit(f, lo, hi, deg, npts=400, iters=40, even=False):
    """Coefficients c[0..deg] of sum c_j t^j (t = x, or x^2 if even) minimising the
    relative error max |p/f - 1| on [lo, hi] (Lawson)."""
    lo, hi = mp.mpf(lo), mp.mpf(hi)
    xs = [(lo + hi) / 2 + (hi - lo) / 2 * mp.cos(mp.pi * (i + mp.mpf(1) / 2) / npts) for i in range(npts)]
    ys = [f(x) for x in xs]
    ts = [x * x if even else x for x in xs]
    w = [mp.mpf(1) / npts] * npts
    c = None
    for _ in range(iters):
        n = deg + 1
        a = mp.matrix(n, n)
        b = mp.matrix(n, 1)
        for x, t, y, wi in zip(xs, ts, ys, w):
            pw = [t**j / y for j in range(n)]
            for j in range(n):
                b[j] += wi * pw[j]
                for k in range(n):
                    a[j, k] += wi * pw[j] * pw[k]
        c = mp.lu_solve(a, b)
        errs = [abs(sum(c[j] * t**j for j in range(n)) / y - 1) for t, y in zip(ts, ys)]
        s = sum(wi * e for wi, e in zip(w, errs))
        w = [wi * e / s for wi, e in zip(w, errs)]
    return [c[j] for j in range(deg + 1)]


def max_rel_err(f, coeffs, lo, hi, even=False, n=3000):
    m = mp.mpf(0)
    for i in range(n + 1):
        x = mp.mpf(lo) + (mp.mpf(hi) - mp.mpf(lo)) * i / n
        if abs(x) < mp.mpf(10) ** -8:
            continue  # the series' own cancellation: the fit's nodes avoid 0 too
        t = x * x if even else x
        p = sum(mp.mpf(cj) * t**j for j, cj in enumerate(coeffs))
        m = max(m, abs(p / f(x) - 1))
    return m


def show(name, f, lo, hi, deg, single=False, even=False):
    c = fit(f, lo, hi, deg, even=even)
    r = [to_f32(v) for v in c] if single else [float(v) for v in c]
    e = max_rel_err(f, r, lo, hi, even=even)
    ty = "f32" if single else "f64"
    print(f"// {name}: degree {deg} on [{float(lo):.6}, {float(hi):.6}], max relative error 2^{float(mp.log(e, 2)):.1f}")
    print(f"const {name}: [{ty}; {deg + 1}] = [")
    for v in r:
        print(f"    {v!r},")
    print("];")


LN2 = mp.log(2)

# e^r = 1 + r + r^2 Q(r), |r| <= ln(2)/2.
exp_q = lambda r: (mp.exp(r) - 1 - r) / r**2
# ln(1 + f) = 2 atanh(s), s = f / (2 + f): 2 atanh(s) = 2s + s R, R = z T(z), z = s^2,
# |s| <= (sqrt 2 - 1)^2.
smax = (mp.sqrt(2) - 1) ** 2
ln_t = lambda s: 2 * (mp.atanh(s) / s - 1) / (s * s)
# sin r = r + r^3 S(r^2), cos r = 1 - r^2/2 + r^4 C(r^2) for |r| <= pi/4: the f32 kernels.
sin_s = lambda r: (mp.sin(r) - r) / r**3
cos_c = lambda r: (mp.cos(r) - 1 + r * r / 2) / r**4

if __name__ == "__main__" and "--table" not in sys.argv:
    show("EXP_Q", exp_q, -LN2 / 2, LN2 / 2, 9)
    show("LN_T", ln_t, mp.mpf(10) ** -8, smax, 6, even=True)
    show("EXP_Q32", exp_q, -LN2 / 2, LN2 / 2, 4, single=True)
    show("SIN_HALF_PI", lambda r: mp.sin(r) / r, mp.mpf(10) ** -8, mp.pi / 2, 5, even=True)


def f32_reduction_table(first_field=101):
    """Rows for numbox::math's f32 sin/cos/tan reduction, one per f32 biased exponent
    field from `first_field` to 254. For x = m 2^E (m the 24-bit integer mantissa,
    E = field - 150), F = (2^E 2/pi) mod 4 is split as f0 (a multiple of 2^-26), f1 (a
    multiple of 2^-52 below 2^-26) and f2 (the rest, rounded to 53 bits); each is stored
    times 2^-E, so that |x| f_i = m f_i: the first two products are exact in f64."""
    mp.mp.dps = 200
    two_over_pi = 2 / mp.pi
    rows = []
    for field in range(first_field, 255):
        e = field - 150
        big = mp.mpf(2) ** e * two_over_pi
        f = big - 4 * mp.floor(big / 4)
        f0 = mp.floor(f * 2**26) / 2**26
        f1 = mp.floor((f - f0) * 2**52) / 2**52
        f2 = f - f0 - f1
        scale = mp.mpf(2) ** -e
        rows.append(tuple(float(v * scale) for v in (f0, f1, f2)))
        assert mp.mpf(rows[-1][0]) == f0 * scale and mp.mpf(rows[-1][1]) == f1 * scale
    mp.mp.dps = 60
    return rows


def print_f32_reduction_table():
    """The rows of numbox/src/math/f32_reduction.rs, as f64 bits."""

    def hexbits(v):
        h = f"{struct.unpack('<Q', struct.pack('<d', v))[0]:016x}"
        return "0x" + "_".join(h[i : i + 4] for i in range(0, 16, 4))

    rows = f32_reduction_table()
    print(f"pub(super) const F32_REDUCTION: [[u64; 3]; {len(rows)}] = [")
    for r in rows:
        print("    [" + ", ".join(hexbits(v) for v in r) + "],")
    print("];")


if __name__ == "__main__" and "--table" in sys.argv:
    print_f32_reduction_table()
