//! Lockstep lanes (`numbox::lanes`): each kernel shape of `tests/lockstep.rs` with its scalar
//! path (`#[vectorize(lanes = 1)]`, the same body) beside the lockstep one, serial, 10^6
//! elements. Force a CPU tier with `NUMBOX_CPU=baseline|avx2|avx512`. The seed's Julia set as
//! a `#[parallel_loop]` too, its prange body on lockstep lanes beside `lanes = 1`, on a
//! one-thread pool.
//!
//! `NUMBOX_BENCH_CLOCK=cpu` times with the process's CPU time instead of the wall clock
//! (Linux): on a machine shared with other jobs, a benchmark descheduled for a while then
//! does not count the wait, so A/B runs compare the code rather than the load.

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, Throughput};
use numbox::ndarray::Array1;
use numbox::num_complex::Complex64;
use numbox::prelude::*;
use std::hint::black_box;

/// A kernel twice: `$lock` with the lockstep version, `$scalar` with `lanes = 1`.
macro_rules! pair {
    ($lock:ident, $scalar:ident, fn($($arg:ident: $t:ty),*) -> $r:ty $body:block) => {
        #[vectorize]
        fn $lock($($arg: $t),*) -> $r $body
        #[vectorize(lanes = 1)]
        fn $scalar($($arg: $t),*) -> $r $body
    };
}

pair!(escape, escape_scalar, fn(z: Complex64, c: Complex64, maxiter: u32) -> u32 {
    let (mut z, mut n) = (z, 0);
    while n < maxiter && z.norm_sqr() < 4.0 {
        z = z * z + c;
        n += 1;
    }
    n
});

pair!(newton, newton_scalar, fn(a: f64) -> f64 {
    if a <= 0.0 {
        return 0.0;
    }
    let mut x = if a > 1.0 { a } else { 1.0 };
    let mut i = 0;
    while i < 100 {
        let next = 0.5 * (x + a / x);
        if (next - x).abs() <= 1e-15 * next {
            x = next;
            break;
        }
        x = next;
        i += 1;
    }
    x
});

pair!(bisect, bisect_scalar, fn(c: f64) -> f64 {
    let mut lo: f64 = 0.0;
    let mut hi = if c > 1.0 { c } else { 1.0 };
    let mut it = 0;
    while hi - lo > 1e-12 && it < 200 {
        let mid = 0.5 * (lo + hi);
        if mid * mid * mid < c {
            lo = mid;
        } else {
            hi = mid;
        }
        it += 1;
    }
    0.5 * (lo + hi)
});

pair!(collatz, collatz_scalar, fn(n: u64) -> u32 {
    let mut n = n;
    let mut steps = 0u32;
    loop {
        if n <= 1 {
            break;
        }
        if n & 1 == 0 {
            n /= 2;
        } else {
            n = 3 * n + 1;
        }
        steps += 1;
        if steps >= 500 {
            break;
        }
    }
    steps
});

pair!(piecewise, piecewise_scalar, fn(x: f64, y: f64) -> f64 {
    let mut r = 0.5 * x;
    if x > 0.0 {
        if y > x {
            r = y - x;
        } else if y > 0.0 {
            r = x * y;
        } else {
            r -= x;
        }
    } else {
        let t = if y < -1.0 { y * y } else { y + 0.5 };
        r = t / (1.0 + x * x);
    }
    r + if r > 10.0 { 1.0 } else { -1.0 }
});

pair!(logistic, logistic_scalar, fn(r: f32, x0: f32) -> u16 {
    let mut x = x0;
    let mut n: u16 = 0;
    while n < 500 && (x > 1e-3 && x < 0.999) {
        x = r * x * (1.0 - x);
        n += 1;
    }
    n
});

/// The seed's `#[parallel_loop]` Julia set: its prange body runs on lockstep lanes.
#[parallel_loop]
fn julia_prange(maxiter: u32, zs: &[Complex64], cs: &[Complex64], out: &mut [u32]) {
    for i in prange(0..zs.len()) {
        let (mut z, c, mut n) = (zs[i], cs[i], 0);
        while n < maxiter && z.norm_sqr() < 4.0 {
            z = z * z + c;
            n += 1;
        }
        out[i] = n;
    }
}

/// The lockstep path with 4 lanes on every tier.
#[parallel_loop(lanes = 4)]
fn julia_prange4(maxiter: u32, zs: &[Complex64], cs: &[Complex64], out: &mut [u32]) {
    for i in prange(0..zs.len()) {
        let (mut z, c, mut n) = (zs[i], cs[i], 0);
        while n < maxiter && z.norm_sqr() < 4.0 {
            z = z * z + c;
            n += 1;
        }
        out[i] = n;
    }
}

/// The same with the lockstep path turned off (the scalar body per iteration).
#[parallel_loop(lanes = 1)]
fn julia_prange_scalar(maxiter: u32, zs: &[Complex64], cs: &[Complex64], out: &mut [u32]) {
    for i in prange(0..zs.len()) {
        let (mut z, c, mut n) = (zs[i], cs[i], 0);
        while n < maxiter && z.norm_sqr() < 4.0 {
            z = z * z + c;
            n += 1;
        }
        out[i] = n;
    }
}

const N: usize = 1_000_000;

/// `N` values of a fixed pseudo-random sequence in `[lo, hi)`.
fn floats(seed: u64, lo: f64, hi: f64) -> Array1<f64> {
    let mut s = seed;
    Array1::from_shape_fn(N, |_| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        lo + (hi - lo) * (s >> 11) as f64 / (1u64 << 53) as f64
    })
}

fn shapes<M: Measurement>(c: &mut Criterion<M>) {
    // The escape-time kernel on the Julia set's 1000 x 1000 grid.
    let w = 1000;
    let z = Array1::from_shape_fn(w * w, |k| {
        let (y, x) = (k / w, k % w);
        Complex64::new(
            -1.8 + 3.6 * x as f64 / w as f64,
            1.8 - 3.6 * y as f64 / w as f64,
        )
    });
    let k = Complex64::new(-0.62772, -0.42193);
    let mut g = c.benchmark_group("lockstep_escape_time_1000x1000_300");
    g.sample_size(10)
        .throughput(Throughput::Elements((w * w) as u64));
    g.bench_function("scalar", |b| {
        b.iter(|| black_box(escape_scalar::serial().call(&z, k, 300u32).unwrap()))
    });
    g.bench_function("lockstep", |b| {
        b.iter(|| black_box(escape::serial().call(&z, k, 300u32).unwrap()))
    });
    g.finish();

    let a = floats(1, 0.0, 1e6);
    let mut g = c.benchmark_group("lockstep_newton_sqrt_1e6");
    g.sample_size(10).throughput(Throughput::Elements(N as u64));
    g.bench_function("scalar", |b| {
        b.iter(|| black_box(newton_scalar::serial().call(&a).unwrap()))
    });
    g.bench_function("lockstep", |b| {
        b.iter(|| black_box(newton::serial().call(&a).unwrap()))
    });
    g.finish();

    let mut g = c.benchmark_group("lockstep_bisection_cbrt_1e6");
    g.sample_size(10).throughput(Throughput::Elements(N as u64));
    g.bench_function("scalar", |b| {
        b.iter(|| black_box(bisect_scalar::serial().call(&a).unwrap()))
    });
    g.bench_function("lockstep", |b| {
        b.iter(|| black_box(bisect::serial().call(&a).unwrap()))
    });
    g.finish();

    let n = Array1::from_shape_fn(N, |k| 1 + (k as u64 * 2_654_435_761) % 1_000_000);
    let mut g = c.benchmark_group("lockstep_collatz_1e6");
    g.sample_size(10).throughput(Throughput::Elements(N as u64));
    g.bench_function("scalar", |b| {
        b.iter(|| black_box(collatz_scalar::serial().call(&n).unwrap()))
    });
    g.bench_function("lockstep", |b| {
        b.iter(|| black_box(collatz::serial().call(&n).unwrap()))
    });
    g.finish();

    let (x, y) = (floats(2, -3.0, 12.0), floats(3, -3.0, 5.0));
    let mut g = c.benchmark_group("lockstep_piecewise_1e6");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("scalar", |b| {
        b.iter(|| black_box(piecewise_scalar::serial().call(&x, &y).unwrap()))
    });
    g.bench_function("lockstep", |b| {
        b.iter(|| black_box(piecewise::serial().call(&x, &y).unwrap()))
    });
    g.finish();

    let r = floats(4, 2.5, 4.0).mapv(|v| v as f32);
    let x0 = floats(5, 0.0, 1.0).mapv(|v| v as f32);
    let mut g = c.benchmark_group("lockstep_logistic_f32_1e6");
    g.sample_size(10).throughput(Throughput::Elements(N as u64));
    g.bench_function("scalar", |b| {
        b.iter(|| black_box(logistic_scalar::serial().call(&r, &x0).unwrap()))
    });
    g.bench_function("lockstep", |b| {
        b.iter(|| black_box(logistic::serial().call(&r, &x0).unwrap()))
    });
    g.finish();
}

fn prange_julia<M: Measurement>(c: &mut Criterion<M>) {
    let w = 1000;
    let zs: Vec<Complex64> = (0..w * w)
        .map(|k| {
            let (y, x) = (k / w, k % w);
            Complex64::new(
                -1.8 + 3.6 * x as f64 / w as f64,
                1.8 - 3.6 * y as f64 / w as f64,
            )
        })
        .collect();
    let cs = vec![Complex64::new(-0.62772, -0.42193); zs.len()];
    let mut out = vec![0_u32; zs.len()];
    let one = numbox::rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let mut g = c.benchmark_group("lockstep_prange_julia_1000x1000_300_one_thread");
    g.sample_size(10)
        .throughput(Throughput::Elements((w * w) as u64));
    g.bench_function("scalar", |b| {
        b.iter(|| one.install(|| julia_prange_scalar(300, &zs, &cs, &mut out)))
    });
    g.bench_function("lockstep", |b| {
        b.iter(|| one.install(|| julia_prange(300, &zs, &cs, &mut out)))
    });
    g.bench_function("lockstep_lanes_4", |b| {
        b.iter(|| one.install(|| julia_prange4(300, &zs, &cs, &mut out)))
    });
    g.finish();
}

/// The CPU time of this process (every thread), in nanoseconds: `clock_gettime` of
/// `CLOCK_PROCESS_CPUTIME_ID`.
#[cfg(target_os = "linux")]
fn process_cpu_ns() -> u64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    }
    const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `ts` is a valid `struct timespec` (two 64-bit fields on 64-bit Linux, the
    // only targets these benchmarks run on) for the call to write.
    let rc = unsafe { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)");
    ts.sec as u64 * 1_000_000_000 + ts.nsec as u64
}

/// Criterion's measurement by the process's CPU time, formatted as the wall clock is.
#[cfg(target_os = "linux")]
struct CpuTime;

#[cfg(target_os = "linux")]
impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = std::time::Duration;
    fn start(&self) -> u64 {
        process_cpu_ns()
    }
    fn end(&self, start: u64) -> std::time::Duration {
        std::time::Duration::from_nanos(process_cpu_ns() - start)
    }
    fn add(&self, a: &Self::Value, b: &Self::Value) -> Self::Value {
        *a + *b
    }
    fn zero(&self) -> Self::Value {
        std::time::Duration::ZERO
    }
    fn to_f64(&self, v: &Self::Value) -> f64 {
        v.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WallTime.formatter()
    }
}

fn main() {
    #[cfg(target_os = "linux")]
    if std::env::var("NUMBOX_BENCH_CLOCK").as_deref() == Ok("cpu") {
        let mut c = Criterion::default()
            .with_measurement(CpuTime)
            .configure_from_args();
        shapes(&mut c);
        prange_julia(&mut c);
        c.final_summary();
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    shapes(&mut c);
    prange_julia(&mut c);
    c.final_summary();
}
