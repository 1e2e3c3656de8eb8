#!/usr/bin/env python3
"""numbox against Numba on the seven seed workloads, one table of ratios.

Usage (from the repository root, with a Python that has numpy, numba and scipy):

    python3 -m venv /tmp/nb && /tmp/nb/bin/pip install numpy numba scipy
    /tmp/nb/bin/python scripts/compare_numba.py                 # the issue's sizes (minutes)
    /tmp/nb/bin/python scripts/compare_numba.py --quick         # 1% of the sizes (seconds)
    /tmp/nb/bin/python scripts/compare_numba.py --only 2,5 --reps 7 --rounds 2

The script builds the examples for this machine's CPU, as Numba compiles for it
(`RUSTFLAGS="-C target-cpu=native" cargo build --release --examples` into `target/native`;
`--portable` builds for the default x86-64 target instead, into `target/`; skip building with
--no-build), then for each workload in turn times Numba in this process and runs the numbox
example `seed_N_* --json --scale S --reps R` (same sizes), so both sides of a ratio are
measured within seconds of each other. With --rounds N the whole sequence runs N
times and each variant keeps the median of its per-round medians.

Timing follows shared/anchors/seeds_bench.py: every variant is called once first (Numba's
compile time is excluded, as is numbox's first-touch of nothing: it compiled ahead of time),
then `--reps` timed calls; short calls are looped to at least 50 ms per sample; the median is
reported. Numba results are checked against NumPy before timing.

The table: per workload the median times of numbox's serial and parallel versions and of
Numba's (the best of Numba's variants of each kind, e.g. `@vectorize(target="parallel")` or
`@njit(parallel=True)` + `prange`), and the ratio numbox / Numba (below 1: numbox faster) for
serial, parallel, and best against best. Numba has no "wrap" border for stencils; those rows
compare with scipy.ndimage instead and say so.

The machine is shared and noisy: compare ratios, not absolute times, and prefer --rounds 2+.
"""
import argparse
import gc
import json
import math
import os
import statistics
import subprocess
import sys
import time
import warnings

import numpy as np
import numba
from numba import guvectorize, njit, prange, stencil, vectorize

warnings.filterwarnings("ignore", category=numba.NumbaExperimentalFeatureWarning)
warnings.filterwarnings("ignore", category=numba.NumbaPerformanceWarning)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = {
    "1": "seed_1_moving_average",
    "2": "seed_2_log_exp",
    "3": "seed_3_add_square",
    "4": "seed_4_softmax",
    "5": "seed_5_julia",
    "6": "seed_6_go_fast",
    "7": "seed_7_stencils",
}
perf = time.perf_counter
ARGS = None


# ----------------------------------------------------------------------------- sizes
# The same arithmetic as examples/common/mod.rs (Rust's round() rounds halves away from 0).
def rround(x):
    return int(math.floor(x + 0.5))


def scaled(n, s, lo):
    return max(lo, rround(n * s))


def scaled_side(n, s, lo):
    return max(lo, rround(n * math.sqrt(s)))


# ----------------------------------------------------------------------------- timing
def median_s(fn, reps):
    """Warm-up call (compiles), then `reps` samples; short calls looped to >= 50 ms."""
    r = fn()
    del r
    t0 = perf()
    r = fn()
    once = perf() - t0
    del r
    loops = 1 if once >= 0.05 else int(math.ceil(0.05 / max(once, 1e-7)))
    samples = []
    for _ in range(reps):
        gc.collect()
        t0 = perf()
        for _ in range(loops):
            r = fn()
        samples.append((perf() - t0) / loops)
        del r
    return statistics.median(samples)


def check(name, got, want, rtol=1e-9, atol=1e-12):
    if not np.allclose(np.asarray(got), np.asarray(want), rtol=rtol, atol=atol):
        raise SystemExit(f"check failed: {name}")


# ----------------------------------------------------------------------------- workloads
# Each returns a list of (workload key, role, variant, seconds); role is "serial" or
# "parallel" (Numba), or "scipy" where Numba has no equivalent.

def wl_1(s, reps):
    n, w = scaled(10_000_000, s, 2000), 1000

    def mk(target):
        @guvectorize(["void(float64[:], intp[:], float64[:])"], "(n),()->(n)", target=target)
        def move_mean(a, window_arr, out):
            window_width = window_arr[0]
            asum = 0.0
            count = 0
            for i in range(window_width):
                asum += a[i]
                count += 1
                out[i] = asum / count
            for i in range(window_width, len(a)):
                asum += a[i] - a[i - window_width]
                out[i] = asum / count
        return move_mean

    cpu, par = mk("cpu"), mk("parallel")
    a = np.random.default_rng(1).random(n)
    ref = np.cumsum(a)
    ref[w:] = ref[w:] - ref[:-w]
    ref = ref[w - 1:] / w
    out = np.empty_like(a)
    check("1 move_mean", cpu(a, w)[w - 1:], ref, 1e-8)
    rows = 8
    a8 = a[: (n // rows) * rows].reshape(rows, -1)
    out8 = np.empty_like(a8)
    return [
        ("1", "serial", "guvectorize cpu, out= (1 row)", median_s(lambda: cpu(a, w, out), reps)),
        ("1", "serial", "guvectorize cpu, allocating", median_s(lambda: cpu(a, w), reps)),
        ("1", "parallel", "guvectorize parallel, out= (8 rows)",
         median_s(lambda: par(a8, w, out8), reps)),
        ("1", "parallel", "guvectorize parallel, out= (1 row: nothing to split)",
         median_s(lambda: par(a, w, out), reps)),
    ]


def wl_2(s, reps):
    n = scaled(80_000_000, s, 1000)
    rng = np.random.default_rng(2)
    x = rng.random(n)
    y = 1.001 + rng.random(n)

    def mk(target):
        @vectorize(["float64(float64, float64)"], target=target)
        def f(x, y):
            return np.log(np.exp(x) * np.log(y))
        return f

    @njit(parallel=True)
    def loop(x, y):
        out = np.empty_like(x)
        for i in prange(x.shape[0]):
            out[i] = np.log(np.exp(x[i]) * np.log(y[i]))
        return out

    fc, fp = mk("cpu"), mk("parallel")
    ref = np.log(np.exp(x) * np.log(y))
    check("2 vectorize", fc(x, y), ref)
    check("2 prange", loop(x, y), ref)
    del ref
    return [
        ("2", "serial", "vectorize cpu", median_s(lambda: fc(x, y), reps)),
        ("2", "parallel", "vectorize parallel", median_s(lambda: fp(x, y), reps)),
        ("2", "parallel", "njit(parallel=True) prange", median_s(lambda: loop(x, y), reps)),
    ]


def wl_3(s, reps):
    n = scaled_side(1000, s, 4)
    rng = np.random.default_rng(3)
    A, B, C = (rng.integers(0, 1000, size=(n, n), dtype=np.int64) for _ in range(3))

    def mk(target):
        @vectorize(["int64(int64, int64, int64)"], target=target)
        def add_square(a, b, c):
            s = a + b + c
            return s * s
        return add_square

    kc, kp = mk("cpu"), mk("parallel")
    check("3 cpu", kc(A, B, C), np.square(A + B + C), 0, 0)
    out = np.empty_like(A)
    return [
        ("3", "serial", "vectorize cpu", median_s(lambda: kc(A, B, C), reps)),
        ("3", "serial", "vectorize cpu, out=", median_s(lambda: kc(A, B, C, out=out), reps)),
        ("3", "parallel", "vectorize parallel", median_s(lambda: kp(A, B, C), reps)),
        ("3", "parallel", "vectorize parallel, out=",
         median_s(lambda: kp(A, B, C, out=out), reps)),
    ]


def wl_4(s, reps):
    n = scaled(100_000_000, s, 1000)
    z = np.random.default_rng(4).random(n) * 6.0 - 3.0

    def mk(parallel):
        @njit(parallel=parallel)
        def softmax(z):
            esum = np.sum(np.exp(z))
            return np.exp(z) / esum
        return softmax

    ser, par = mk(False), mk(True)
    check("4 softmax", ser(z), np.exp(z) / np.sum(np.exp(z)), 1e-10)
    return [
        ("4", "serial", "njit", median_s(lambda: ser(z), reps)),
        ("4", "parallel", "njit(parallel=True)", median_s(lambda: par(z), reps)),
    ]


def julia_inputs(width):
    x1, x2, y1, y2 = -1.8, 1.8, -1.8, 1.8
    x_step = (x2 - x1) / width
    y_step = (y1 - y2) / width
    x, y = [], []
    yc = y2
    while yc > y1:
        y.append(yc)
        yc += y_step
    xc = x1
    while xc < x2:
        x.append(xc)
        xc += x_step
    zs = np.array([complex(a, b) for b in y for a in x], dtype=np.complex128)
    return zs, np.full(zs.shape, complex(-0.62772, -0.42193), dtype=np.complex128)


def wl_5(s, reps):
    width = scaled_side(1000, s, 10)
    zs, cs = julia_inputs(width)

    def mk(parallel):
        @njit(parallel=parallel)
        def calculate_z(maxiter, zs, cs):
            output = np.empty(len(zs), dtype=np.int64)
            for i in prange(len(zs)):
                n = 0
                z = zs[i]
                c = cs[i]
                while n < maxiter and (z.real * z.real + z.imag * z.imag) < 4.0:
                    z = z * z + c
                    n += 1
                output[i] = n
            return output
        return calculate_z

    ser, par = mk(False), mk(True)
    total = int(ser(300, zs, cs).sum())
    if width == 1000 and total != 33219980:
        raise SystemExit(f"check failed: 5 julia checksum {total}")
    check("5 julia prange", par(300, zs, cs), ser(300, zs, cs), 0, 0)
    return [
        ("5", "serial", "njit, |z|^2 < 4", median_s(lambda: ser(300, zs, cs), reps)),
        ("5", "parallel", "njit(parallel=True) prange, |z|^2 < 4",
         median_s(lambda: par(300, zs, cs), reps)),
    ]


def wl_6(s, reps):
    def mk(parallel):
        @njit(parallel=parallel)
        def go_fast(a):
            trace = 0.0
            for i in range(a.shape[0]):
                trace += np.tanh(a[i, i])
            return a + trace
        return go_fast

    ser, par = mk(False), mk(True)
    res = []
    for key, n in (("6a", 100), ("6b", scaled_side(4096, s, 100))):
        a = np.random.default_rng(6).random((n, n))
        check("6 go_fast", ser(a), a + np.tanh(np.diagonal(a)).sum(), 1e-12)
        res += [
            (key, "serial", "njit", median_s(lambda: ser(a), reps)),
            (key, "parallel", "njit(parallel=True)", median_s(lambda: par(a), reps)),
        ]
    return res


def wl_7(s, reps):
    import scipy.ndimage as ndi

    n = scaled_side(4096, s, 8)
    m = scaled(10_000_000, s, 100)
    u = np.random.default_rng(7).random((n, n))
    a = np.random.default_rng(8).random(m)

    @stencil
    def lap5(u):
        return u[-1, 0] + u[1, 0] + u[0, -1] + u[0, 1] - 4.0 * u[0, 0]

    @stencil(neighborhood=((-29, 0),))
    def trailing(a):
        acc = 0.0
        for k in range(-29, 1):
            acc += a[k]
        return acc / 30.0

    def mk(parallel):
        @njit(parallel=parallel)
        def lap(u):
            return lap5(u)

        @njit(parallel=parallel)
        def tm(a):
            return trailing(a)
        return lap, tm

    (lap_s, tm_s), (lap_p, tm_p) = mk(False), mk(True)
    kern = np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])
    ref = np.zeros_like(u)
    ref[1:-1, 1:-1] = u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:] - 4 * u[1:-1, 1:-1]
    check("7a laplace", lap_s(u), ref)
    wrap_ref = (np.roll(u, 1, 0) + np.roll(u, -1, 0) + np.roll(u, 1, 1) + np.roll(u, -1, 1)
                - 4 * u)
    check("7b scipy wrap", ndi.convolve(u, kern, mode="wrap"), wrap_ref)
    c = np.cumsum(np.concatenate(([0.0], a)))
    tref = np.zeros_like(a)
    tref[29:] = (c[30:] - c[:-30]) / 30.0
    check("7c trailing", tm_s(a), tref, 1e-9, 1e-9)
    twrap = sum(np.roll(a, k) for k in range(30)) / 30.0
    check("7d scipy wrap", ndi.uniform_filter1d(a, 30, mode="wrap", origin=14), twrap, 1e-9, 1e-9)
    return [
        ("7a", "serial", "njit(stencil)", median_s(lambda: lap_s(u), reps)),
        ("7a", "parallel", "njit(parallel=True)(stencil)", median_s(lambda: lap_p(u), reps)),
        ("7b", "scipy", "scipy.ndimage.convolve(mode='wrap') (Numba has no wrap)",
         median_s(lambda: ndi.convolve(u, kern, mode="wrap"), reps)),
        ("7c", "serial", "njit(stencil)", median_s(lambda: tm_s(a), reps)),
        ("7c", "parallel", "njit(parallel=True)(stencil)", median_s(lambda: tm_p(a), reps)),
        ("7d", "scipy", "scipy.ndimage.uniform_filter1d(mode='wrap') (Numba has no wrap)",
         median_s(lambda: ndi.uniform_filter1d(a, 30, mode="wrap", origin=14), reps)),
    ]


WORKLOADS = {"1": wl_1, "2": wl_2, "3": wl_3, "4": wl_4, "5": wl_5, "6": wl_6, "7": wl_7}


# ----------------------------------------------------------------------------- numbox side
def target_dir():
    return os.path.join(ROOT, "target") if ARGS.portable else os.path.join(ROOT, "target", "native")


def numbox(key, scale, reps):
    exe = os.path.join(target_dir(), "release", "examples", EXAMPLES[key])
    out = subprocess.run([exe, "--json", "--scale", repr(scale), "--reps", str(reps)],
                         check=True, capture_output=True, text=True).stdout
    res = []
    for r in json.loads(out)["results"]:
        # "7a Laplacian, ..." -> "7a"; "6 go_fast, 100x100 f64" -> 6a / 6b by size
        wkey = r["workload"].split()[0]
        if wkey == "6":
            wkey = "6a" if ", 100x100 " in r["workload"] else "6b"
        res.append((wkey, r["role"], r["variant"], r["median_s"], r["workload"]))
    return res


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=float, default=1.0, help="fraction of the issue's sizes")
    p.add_argument("--quick", action="store_true", help="same as --scale 0.01")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--only", default="1234567", help="workload numbers, e.g. 2,5")
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--portable", action="store_true",
                   help="numbox for the default x86-64 target instead of this CPU (Numba always "
                        "compiles for this CPU)")
    ARGS = p.parse_args()
    scale = 0.01 if ARGS.quick else ARGS.scale
    keys = [k for k in ARGS.only if k in WORKLOADS]
    if not ARGS.no_build:
        env = dict(os.environ)
        if not ARGS.portable:
            env["RUSTFLAGS"] = (env.get("RUSTFLAGS", "") + " -C target-cpu=native").strip()
        subprocess.run(["cargo", "build", "--release", "--examples", "-q",
                        "--target-dir", target_dir()], cwd=ROOT, env=env, check=True)
    print(f"# numpy {np.__version__}, numba {numba.__version__}, "
          f"{numba.config.NUMBA_NUM_THREADS} Numba threads, layer will be "
          f"{numba.config.THREADING_LAYER}; scale {scale}, reps {ARGS.reps}, "
          f"rounds {ARGS.rounds}; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
          flush=True)
    samples = {}  # (side, wkey, role, variant) -> [seconds per round]
    labels = {}
    for rnd in range(ARGS.rounds):
        for k in keys:
            t0 = perf()
            for (wk, role, var, sec) in WORKLOADS[k](scale, ARGS.reps):
                samples.setdefault(("numba", wk, role, var), []).append(sec)
            gc.collect()
            for (wk, role, var, sec, label) in numbox(k, scale, ARGS.reps):
                samples.setdefault(("numbox", wk, role, var), []).append(sec)
                labels.setdefault(wk, label)
            print(f"#   round {rnd + 1} workload {k}: {perf() - t0:.1f} s", flush=True)
    med = {key: statistics.median(v) for key, v in samples.items()}

    def best(side, wk, roles):
        v = [(t, key[3]) for key, t in med.items()
             if key[0] == side and key[1] == wk and key[2] in roles]
        return min(v) if v else (None, None)

    def fmt(t):
        return "-" if t is None else f"{t * 1e3:.3f}"

    def ratio(a, b):
        return "-" if a is None or b is None else f"{a / b:.2f}"

    print()
    print("| workload | numbox serial ms | numbox parallel ms | Numba serial ms | "
          "Numba parallel ms | serial ratio | parallel ratio | best/best |")
    print("|---|---|---|---|---|---|---|---|")
    notes = []
    for wk in sorted(labels):
        ns, _ = best("numbox", wk, ("serial",))
        np_, _ = best("numbox", wk, ("parallel",))
        nb, _ = best("numbox", wk, ("serial", "parallel", "extra"))
        ms, msv = best("numba", wk, ("serial",))
        mp, mpv = best("numba", wk, ("parallel",))
        sc, scv = best("numba", wk, ("scipy",))
        mb = min([t for t in (ms, mp) if t is not None], default=sc)
        if sc is not None and ms is None:
            notes.append(f"{wk}: compared with {scv}")
            ms = sc
        print(f"| {labels[wk]} | {fmt(ns)} | {fmt(np_)} | {fmt(ms)} | {fmt(mp)} | "
              f"{ratio(ns, ms)} | {ratio(np_, mp)} | {ratio(nb, mb)} |")
        if msv or mpv:
            notes.append(f"{wk}: Numba's best serial = {msv}; best parallel = {mpv}")
    print("\nratio = numbox / Numba (below 1: numbox is faster); best/best takes the fastest "
          "variant of each side, numbox's call_into / fused variants included.")
    for n in notes:
        print("  " + n)
    print("\nAll variants (median ms):")
    for key in sorted(med):
        print(f"  {key[0]:<6} {key[1]:<3} {key[2]:<8} {key[3]:<62} {med[key] * 1e3:10.3f}")


if __name__ == "__main__":
    sys.exit(main())
