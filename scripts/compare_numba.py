#!/usr/bin/env python3
"""numbox against Numba on the seven seed workloads, one table of ratios.

Usage (from the repository root, with a Python that has numpy, numba and scipy):

    python3 -m venv /tmp/nb && /tmp/nb/bin/pip install numpy numba scipy
    /tmp/nb/bin/python scripts/compare_numba.py                 # the issue's sizes (minutes)
    /tmp/nb/bin/python scripts/compare_numba.py --quick         # 1% of the sizes (seconds)
    /tmp/nb/bin/python scripts/compare_numba.py --only 2,5 --reps 7 --rounds 2
    /tmp/nb/bin/python scripts/compare_numba.py --native --tier baseline

numbox's side is the default build, what a user of the library gets: the script builds the
examples with a plain `cargo build --release --examples` (no RUSTFLAGS) into `target/`; numbox
picks its CPU tier (baseline x86-64, AVX2+FMA, AVX-512) at run time. `--native` builds for
this machine's CPU instead, as Numba compiles for it
(`RUSTFLAGS="-C target-cpu=native" cargo build --release --examples` into `target/native`).
`--portable`, once the option for the default build, is still accepted and does nothing.
`--tier baseline|avx2|avx512` sets `NUMBOX_CPU` for the numbox runs (a tier above the CPU's is
ignored by numbox with a warning); without it `NUMBOX_CPU` is passed on from the environment.
Skip building with --no-build. Then for each workload in turn the script times Numba in this
process and runs the numbox example `seed_N_* --json --scale S --reps R` (same sizes), so both
sides of a ratio are measured within seconds of each other. With --rounds N the whole sequence
runs N times and each variant keeps the median of its per-round medians.

Timing follows shared/anchors/seeds_bench.py: every variant is called once first (Numba's
compile time is excluded, as is numbox's first-touch of nothing: it compiled ahead of time),
then `--reps` timed calls; short calls are looped to at least 50 ms per sample; the median is
reported. Numba results are checked against NumPy before timing.

Numba's side has each kernel twice: as written, and with `fastmath=True` (Numba's best:
`@vectorize(..., fastmath=True)`, `@njit(fastmath=True)`, `@njit(parallel=True,
fastmath=True)`, `@guvectorize(..., fastmath=True)`, `@stencil` inside an `@njit(fastmath=True)`
wrapper); the fastmath variants are labelled `..., fastmath` and checked against NumPy too.

The table: per workload the median times of numbox's serial and parallel versions and of
Numba's (the best of Numba's variants of each kind, fastmath or not, e.g.
`@vectorize(target="parallel")` or `@njit(parallel=True)` + `prange`), and the ratio numbox /
Numba (below 1: numbox faster) for serial, parallel, and best against best. numbox's best is
the fastest variant its example reports in any role but "baseline" (the hand-written plain
Rust): `call_into`, fused and `fastmath` variants included. The notes under the table name the
variant that won on each side. Numba has no "wrap" border for stencils; those rows compare
with scipy.ndimage instead and say so.

The machine is shared and noisy: compare ratios, not absolute times, and prefer --rounds 2+.
"""
import argparse
import gc
import json
import math
import os
import shlex
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
# "parallel" (Numba), or "scipy" where Numba has no equivalent. Every Numba kernel comes as
# written and with fastmath=True (variant label suffix ", fastmath"), both checked.
FASTMATH = ((False, ""), (True, ", fastmath"))


def wl_1(s, reps):
    n, w = scaled(10_000_000, s, 2000), 1000

    def mk(target, fastmath):
        @guvectorize(["void(float64[:], intp[:], float64[:])"], "(n),()->(n)", target=target,
                     fastmath=fastmath)
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

    a = np.random.default_rng(1).random(n)
    ref = np.cumsum(a)
    ref[w:] = ref[w:] - ref[:-w]
    ref = ref[w - 1:] / w
    out = np.empty_like(a)
    rows = 8
    a8 = a[: (n // rows) * rows].reshape(rows, -1)
    ref8 = np.cumsum(a8, axis=1)
    ref8[:, w:] = ref8[:, w:] - ref8[:, :-w]
    ref8 = ref8[:, w - 1:] / w
    out8 = np.empty_like(a8)
    res = []
    for fm, tag in FASTMATH:
        cpu, par = mk("cpu", fm), mk("parallel", fm)
        check(f"1 move_mean cpu{tag}", cpu(a, w)[w - 1:], ref, 1e-8)
        check(f"1 move_mean parallel{tag}", par(a8, w)[:, w - 1:], ref8, 1e-8)
        check(f"1 move_mean parallel 1 row{tag}", par(a, w)[w - 1:], ref, 1e-8)
        res += [
            ("1", "serial", f"guvectorize cpu, out= (1 row){tag}",
             median_s(lambda: cpu(a, w, out), reps)),
            ("1", "serial", f"guvectorize cpu, allocating{tag}", median_s(lambda: cpu(a, w), reps)),
            ("1", "parallel", f"guvectorize parallel, out= (8 rows){tag}",
             median_s(lambda: par(a8, w, out8), reps)),
            ("1", "parallel", f"guvectorize parallel, out= (1 row: nothing to split){tag}",
             median_s(lambda: par(a, w, out), reps)),
        ]
    return res


def wl_2(s, reps):
    n = scaled(80_000_000, s, 1000)
    rng = np.random.default_rng(2)
    x = rng.random(n)
    y = 1.001 + rng.random(n)

    def mk(target, fastmath):
        @vectorize(["float64(float64, float64)"], target=target, fastmath=fastmath)
        def f(x, y):
            return np.log(np.exp(x) * np.log(y))
        return f

    def mk_loop(fastmath):
        @njit(parallel=True, fastmath=fastmath)
        def loop(x, y):
            out = np.empty_like(x)
            for i in prange(x.shape[0]):
                out[i] = np.log(np.exp(x[i]) * np.log(y[i]))
            return out
        return loop

    ref = np.log(np.exp(x) * np.log(y))
    kernels = []
    for fm, tag in FASTMATH:
        fc, fp, loop = mk("cpu", fm), mk("parallel", fm), mk_loop(fm)
        check(f"2 vectorize cpu{tag}", fc(x, y), ref)
        check(f"2 vectorize parallel{tag}", fp(x, y), ref)
        check(f"2 prange{tag}", loop(x, y), ref)
        kernels.append((tag, fc, fp, loop))
    del ref
    res = []
    for tag, fc, fp, loop in kernels:
        res += [
            ("2", "serial", f"vectorize cpu{tag}", median_s(lambda: fc(x, y), reps)),
            ("2", "parallel", f"vectorize parallel{tag}", median_s(lambda: fp(x, y), reps)),
            ("2", "parallel", f"njit(parallel=True) prange{tag}",
             median_s(lambda: loop(x, y), reps)),
        ]
    return res


def wl_3(s, reps):
    n = scaled_side(1000, s, 4)
    rng = np.random.default_rng(3)
    A, B, C = (rng.integers(0, 1000, size=(n, n), dtype=np.int64) for _ in range(3))

    def mk(target, fastmath):
        @vectorize(["int64(int64, int64, int64)"], target=target, fastmath=fastmath)
        def add_square(a, b, c):
            s = a + b + c
            return s * s
        return add_square

    ref = np.square(A + B + C)
    out = np.empty_like(A)
    res = []
    for fm, tag in FASTMATH:
        kc, kp = mk("cpu", fm), mk("parallel", fm)
        check(f"3 cpu{tag}", kc(A, B, C), ref, 0, 0)
        check(f"3 parallel{tag}", kp(A, B, C), ref, 0, 0)
        res += [
            ("3", "serial", f"vectorize cpu{tag}", median_s(lambda: kc(A, B, C), reps)),
            ("3", "serial", f"vectorize cpu, out={tag}",
             median_s(lambda: kc(A, B, C, out=out), reps)),
            ("3", "parallel", f"vectorize parallel{tag}", median_s(lambda: kp(A, B, C), reps)),
            ("3", "parallel", f"vectorize parallel, out={tag}",
             median_s(lambda: kp(A, B, C, out=out), reps)),
        ]
    return res


def wl_4(s, reps):
    n = scaled(100_000_000, s, 1000)
    z = np.random.default_rng(4).random(n) * 6.0 - 3.0

    def mk(parallel, fastmath):
        @njit(parallel=parallel, fastmath=fastmath)
        def softmax(z):
            esum = np.sum(np.exp(z))
            return np.exp(z) / esum
        return softmax

    ref = np.exp(z) / np.sum(np.exp(z))
    res = []
    for fm, tag in FASTMATH:
        ser, par = mk(False, fm), mk(True, fm)
        check(f"4 softmax{tag}", ser(z), ref, 1e-10)
        check(f"4 softmax parallel{tag}", par(z), ref, 1e-10)
        res += [
            ("4", "serial", f"njit{tag}", median_s(lambda: ser(z), reps)),
            ("4", "parallel", f"njit(parallel=True){tag}", median_s(lambda: par(z), reps)),
        ]
    return res


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


def julia_ref(maxiter, zs, cs):
    """The escape counts by NumPy, all points at once (the reference for every variant)."""
    z = zs.copy()
    out = np.zeros(len(zs), dtype=np.int64)
    live = np.ones(len(zs), dtype=bool)
    for _ in range(maxiter):
        live &= (z.real * z.real + z.imag * z.imag) < 4.0
        if not live.any():
            break
        out += live
        z[live] = z[live] * z[live] + cs[live]
    return out


def wl_5(s, reps):
    width = scaled_side(1000, s, 10)
    zs, cs = julia_inputs(width)

    def mk(parallel, fastmath):
        @njit(parallel=parallel, fastmath=fastmath)
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

    ref = julia_ref(300, zs, cs)
    if width == 1000 and int(ref.sum()) != 33219980:
        raise SystemExit(f"check failed: 5 julia checksum {int(ref.sum())}")
    res = []
    for fm, tag in FASTMATH:
        ser, par = mk(False, fm), mk(True, fm)
        for name, f in (("njit", ser), ("prange", par)):
            got = f(300, zs, cs)
            if fm:
                # fastmath may contract z*z + c into FMAs: a point on the escape boundary can
                # then take a different count; allow 0.1% of the points to differ.
                bad = int(np.count_nonzero(got != ref))
                if bad > max(1, len(ref) // 1000):
                    raise SystemExit(f"check failed: 5 julia {name}{tag}: {bad} points differ")
            else:
                check(f"5 julia {name}", got, ref, 0, 0)
        res += [
            ("5", "serial", f"njit, |z|^2 < 4{tag}", median_s(lambda: ser(300, zs, cs), reps)),
            ("5", "parallel", f"njit(parallel=True) prange, |z|^2 < 4{tag}",
             median_s(lambda: par(300, zs, cs), reps)),
        ]
    return res


def wl_6(s, reps):
    def mk(parallel, fastmath):
        @njit(parallel=parallel, fastmath=fastmath)
        def go_fast(a):
            trace = 0.0
            for i in range(a.shape[0]):
                trace += np.tanh(a[i, i])
            return a + trace
        return go_fast

    kernels = [(tag, mk(False, fm), mk(True, fm)) for fm, tag in FASTMATH]
    res = []
    for key, n in (("6a", 100), ("6b", scaled_side(4096, s, 100))):
        a = np.random.default_rng(6).random((n, n))
        ref = a + np.tanh(np.diagonal(a)).sum()
        for tag, ser, par in kernels:
            check(f"6 go_fast{tag}", ser(a), ref, 1e-12)
            check(f"6 go_fast parallel{tag}", par(a), ref, 1e-12)
            res += [
                (key, "serial", f"njit{tag}", median_s(lambda: ser(a), reps)),
                (key, "parallel", f"njit(parallel=True){tag}", median_s(lambda: par(a), reps)),
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

    def mk(parallel, fastmath):
        @njit(parallel=parallel, fastmath=fastmath)
        def lap(u):
            return lap5(u)

        @njit(parallel=parallel, fastmath=fastmath)
        def tm(a):
            return trailing(a)
        return lap, tm

    kern = np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])
    ref = np.zeros_like(u)
    ref[1:-1, 1:-1] = u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:] - 4 * u[1:-1, 1:-1]
    c = np.cumsum(np.concatenate(([0.0], a)))
    tref = np.zeros_like(a)
    tref[29:] = (c[30:] - c[:-30]) / 30.0
    wrap_ref = (np.roll(u, 1, 0) + np.roll(u, -1, 0) + np.roll(u, 1, 1) + np.roll(u, -1, 1)
                - 4 * u)
    check("7b scipy wrap", ndi.convolve(u, kern, mode="wrap"), wrap_ref)
    twrap = sum(np.roll(a, k) for k in range(30)) / 30.0
    check("7d scipy wrap", ndi.uniform_filter1d(a, 30, mode="wrap", origin=14), twrap, 1e-9, 1e-9)
    res = []
    for fm, tag in FASTMATH:
        (lap_s, tm_s), (lap_p, tm_p) = mk(False, fm), mk(True, fm)
        check(f"7a laplace{tag}", lap_s(u), ref)
        check(f"7a laplace parallel{tag}", lap_p(u), ref)
        check(f"7c trailing{tag}", tm_s(a), tref, 1e-9, 1e-9)
        check(f"7c trailing parallel{tag}", tm_p(a), tref, 1e-9, 1e-9)
        res += [
            ("7a", "serial", f"njit(stencil){tag}", median_s(lambda: lap_s(u), reps)),
            ("7a", "parallel", f"njit(parallel=True)(stencil){tag}",
             median_s(lambda: lap_p(u), reps)),
            ("7c", "serial", f"njit(stencil){tag}", median_s(lambda: tm_s(a), reps)),
            ("7c", "parallel", f"njit(parallel=True)(stencil){tag}",
             median_s(lambda: tm_p(a), reps)),
        ]
    return res + [
        ("7b", "scipy", "scipy.ndimage.convolve(mode='wrap') (Numba has no wrap)",
         median_s(lambda: ndi.convolve(u, kern, mode="wrap"), reps)),
        ("7d", "scipy", "scipy.ndimage.uniform_filter1d(mode='wrap') (Numba has no wrap)",
         median_s(lambda: ndi.uniform_filter1d(a, 30, mode="wrap", origin=14), reps)),
    ]


WORKLOADS = {"1": wl_1, "2": wl_2, "3": wl_3, "4": wl_4, "5": wl_5, "6": wl_6, "7": wl_7}


# ----------------------------------------------------------------------------- numbox side
def target_dir():
    return os.path.join(ROOT, "target", "native") if ARGS.native else os.path.join(ROOT, "target")


def build_env():
    """The environment for cargo: the default build has no RUSTFLAGS at all, --native only
    `-C target-cpu=native` (flags from the caller's environment would make it another build)."""
    env = dict(os.environ)
    for k in ("RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS"):
        env.pop(k, None)
    if ARGS.native:
        env["RUSTFLAGS"] = "-C target-cpu=native"
    return env


def build_cmd():
    return ["cargo", "build", "--release", "--examples", "--target-dir", target_dir()]


def numbox_env():
    env = dict(os.environ)
    if ARGS.tier:
        env["NUMBOX_CPU"] = ARGS.tier
    return env


def example_cmd(name, scale, reps):
    exe = os.path.join(target_dir(), "release", "examples", name)
    return [exe, "--json", "--scale", repr(scale), "--reps", str(reps)]


STDERR = []  # numbox's messages on stderr (e.g. a NUMBOX_CPU it could not honour)


def numbox(key, scale, reps):
    """The example's JSON lines, every variant it reports: (workload key, role, variant,
    seconds, workload label). Any variant the example adds (e.g. a `fastmath` one) is kept."""
    proc = subprocess.run(example_cmd(EXAMPLES[key], scale, reps), env=numbox_env(), check=True,
                          capture_output=True, text=True)
    for line in proc.stderr.splitlines():
        if line.strip() and line not in STDERR:
            STDERR.append(line)
    res = []
    for r in json.loads(proc.stdout)["results"]:
        # "7a Laplacian, ..." -> "7a"; "6 go_fast, 100x100 f64" -> 6a / 6b by size
        wkey = r["workload"].split()[0]
        if wkey == "6":
            wkey = "6a" if ", 100x100 " in r["workload"] else "6b"
        res.append((wkey, r["role"], r["variant"], r["median_s"], r["workload"]))
    return res


# ----------------------------------------------------------------------------- CPU tier
TIERS = ("baseline", "avx2", "avx512")
# numbox::CpuTier::detected(): x86-64-v3 (AVX2 tier) and x86-64-v4 (AVX-512 tier), as
# /proc/cpuinfo spells the features (lzcnt is "abm").
V3_FLAGS = ("avx2", "fma", "bmi1", "bmi2", "abm", "popcnt", "f16c")
V4_FLAGS = ("avx512f", "avx512dq", "avx512vl", "avx512bw", "avx512cd")


def detected_tier():
    """The highest tier this CPU supports, as numbox detects it (baseline off x86-64)."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((set(line.split(":", 1)[1].split()) for line in f
                          if line.startswith("flags")), set())
    except OSError:
        return "baseline (no /proc/cpuinfo: unknown)"
    if all(x in flags for x in V3_FLAGS):
        return "avx512" if all(x in flags for x in V4_FLAGS) else "avx2"
    return "baseline"


def tier_used():
    """The tier numbox runs on: the detected one, or the lower one NUMBOX_CPU asks for (as
    numbox::cpu_tier() chooses), with where that came from."""
    det = detected_tier()
    req = numbox_env().get("NUMBOX_CPU", "").strip()
    src = "--tier" if ARGS.tier else "NUMBOX_CPU from the environment"
    if not req:
        return f"{det} (detected from /proc/cpuinfo; NUMBOX_CPU unset)"
    want = req.lower()
    if want in TIERS and det in TIERS and TIERS.index(want) <= TIERS.index(det):
        return f"{want} (NUMBOX_CPU={req}, {src}; the CPU supports {det})"
    return f"{det} (NUMBOX_CPU={req}, {src}, ignored by numbox: the CPU supports {det})"


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
    build = p.add_mutually_exclusive_group()
    build.add_argument("--native", action="store_true",
                       help="numbox built for this CPU (RUSTFLAGS=\"-C target-cpu=native\", into "
                            "target/native) instead of the default build (into target/)")
    build.add_argument("--portable", action="store_true",
                       help="does nothing: the default build, which this option used to select, "
                            "is now the default (kept so that old command lines still work)")
    p.add_argument("--tier", choices=TIERS,
                   help="set NUMBOX_CPU for the numbox runs (default: the environment's, or the "
                        "best tier the CPU has)")
    ARGS = p.parse_args()
    scale = 0.01 if ARGS.quick else ARGS.scale
    keys = [k for k in ARGS.only if k in WORKLOADS]
    build_line = ("RUSTFLAGS=\"-C target-cpu=native\" " if ARGS.native else "") + " ".join(
        os.path.relpath(x, ROOT) if x == target_dir() else x for x in build_cmd())
    if not ARGS.no_build:
        subprocess.run(build_cmd() + ["-q"], cwd=ROOT, env=build_env(), check=True)
    for k in keys:
        exe = example_cmd(EXAMPLES[k], scale, ARGS.reps)[0]
        if not os.path.exists(exe):
            raise SystemExit(f"{exe} is missing: build it (run without --no-build)")
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

    def best(side, wk, roles=None):
        """The fastest variant of `side` for `wk` in `roles` (None: every role but numbox's
        hand-written "baseline")."""
        v = [(t, key[3]) for key, t in med.items()
             if key[0] == side and key[1] == wk
             and (key[2] in roles if roles else key[2] != "baseline")]
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
        nb, nbv = best("numbox", wk)
        ms, msv = best("numba", wk, ("serial",))
        mp, mpv = best("numba", wk, ("parallel",))
        sc, scv = best("numba", wk, ("scipy",))
        mb, mbv = min([(t, v) for t, v in ((ms, msv), (mp, mpv)) if t is not None],
                      default=(sc, scv))
        if sc is not None and ms is None:
            notes.append(f"{wk}: compared with {scv}")
            ms = sc
        print(f"| {labels[wk]} | {fmt(ns)} | {fmt(np_)} | {fmt(ms)} | {fmt(mp)} | "
              f"{ratio(ns, ms)} | {ratio(np_, mp)} | {ratio(nb, mb)} |")
        if msv or mpv:
            notes.append(f"{wk}: Numba's best serial = {msv}; best parallel = {mpv}")
        if nbv and mbv:
            notes.append(f"{wk}: best/best = numbox `{nbv}` / `{mbv}`")
    print("\nratio = numbox / Numba (below 1: numbox is faster); best/best takes the fastest "
          "variant of each side: numbox's in any role but baseline (call_into, fused, fastmath "
          "variants included), Numba's fastmath=True variants included.")
    for n in notes:
        print("  " + n)
    print("\nnumbox build: " + ("native (-C target-cpu=native)" if ARGS.native else
                                "default (no RUSTFLAGS)") + f": {build_line}"
          + (" (not run: --no-build)" if ARGS.no_build else ""))
    print(f"numbox CPU tier: {tier_used()}")
    cpu_env = numbox_env().get("NUMBOX_CPU", "")
    tier_env = f"NUMBOX_CPU={shlex.quote(cpu_env)} " if cpu_env else ""
    run = example_cmd("seed_N_*", scale, ARGS.reps)
    print("numbox runs: " + tier_env + " ".join([os.path.relpath(run[0], ROOT)] + run[1:]))
    print("command: " + " ".join(shlex.quote(x) for x in [sys.executable] + sys.argv))
    for line in STDERR:
        print(f"numbox stderr: {line}")
    print("\nAll variants (median ms):")
    for key in sorted(med):
        print(f"  {key[0]:<6} {key[1]:<3} {key[2]:<8} {key[3]:<72} {med[key] * 1e3:10.3f}")

if __name__ == "__main__":
    sys.exit(main())
