//! `numbox::math`'s exponential and logarithm family against std's (the C library), each
//! inside a `#[vectorize]` kernel over 10^6 elements, `f64` and `f32`, in one group per
//! function: `numbox` and `std` side by side.
//!
//! `cargo bench --bench math_exp_log` (default target), and
//! `RUSTFLAGS="-C target-cpu=native" cargo bench --bench math_exp_log` (AVX2 and FMA here).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use numbox::ndarray::Array1;
use numbox::prelude::*;
use std::hint::black_box;
use std::time::Duration;

const N: usize = 1_000_000;

/// `N` values spread over `[lo, hi]` in a scrambled order (no branch predictor help).
fn data<T: From<f32> + Copy>(lo: f64, hi: f64, to: impl Fn(f64) -> T) -> Array1<T> {
    Array1::from_shape_fn(N, |i| {
        let u = ((i * 7919) % N) as f64 / N as f64;
        to(lo + (hi - lo) * u)
    })
}

/// One group per unary function: a kernel calling `numbox::math` and one calling std, for
/// `f64` and `f32`, on arguments in `[lo, hi]`.
macro_rules! unary {
    ($group:ident, $f:ident, $lo:expr, $hi:expr) => {
        fn $group(c: &mut Criterion) {
            mod k {
                use numbox::prelude::*;
                #[vectorize]
                pub fn numbox_f64(x: f64) -> f64 {
                    numbox::math::$f(x)
                }
                #[vectorize]
                pub fn std_f64(x: f64) -> f64 {
                    x.$f()
                }
                #[vectorize]
                pub fn numbox_f32(x: f32) -> f32 {
                    numbox::math::f32::$f(x)
                }
                #[vectorize]
                pub fn std_f32(x: f32) -> f32 {
                    x.$f()
                }
            }
            let mut g = c.benchmark_group(stringify!($f));
            g.throughput(Throughput::Elements(N as u64));
            let x = data($lo, $hi, |v| v);
            let mut out = Array1::zeros(N);
            g.bench_function("numbox_f64", |b| {
                b.iter(|| k::numbox_f64::call_into(black_box(&x), &mut out).unwrap())
            });
            g.bench_function("std_f64", |b| {
                b.iter(|| k::std_f64::call_into(black_box(&x), &mut out).unwrap())
            });
            let x = data($lo, $hi, |v| v as f32);
            let mut out = Array1::zeros(N);
            g.bench_function("numbox_f32", |b| {
                b.iter(|| k::numbox_f32::call_into(black_box(&x), &mut out).unwrap())
            });
            g.bench_function("std_f32", |b| {
                b.iter(|| k::std_f32::call_into(black_box(&x), &mut out).unwrap())
            });
            g.finish();
        }
    };
}

unary!(exp, exp, -50.0, 50.0);
unary!(exp2, exp2, -70.0, 70.0);
unary!(exp_m1, exp_m1, -2.0, 2.0);
unary!(ln, ln, 1e-3, 1e3);
unary!(log2, log2, 1e-3, 1e3);
unary!(log10, log10, 1e-3, 1e3);
unary!(ln_1p, ln_1p, -0.9, 10.0);
unary!(cbrt, cbrt, -1e3, 1e3);

/// The binary functions, the same way: `$g` is the second argument's data.
macro_rules! binary {
    ($group:ident, $f:ident, $ty2:ident, $lo:expr, $hi:expr, $g:expr) => {
        fn $group(c: &mut Criterion) {
            mod k {
                use numbox::prelude::*;
                #[vectorize]
                pub fn numbox_f64(x: f64, y: $ty2) -> f64 {
                    numbox::math::$f(x, y)
                }
                #[vectorize]
                pub fn std_f64(x: f64, y: $ty2) -> f64 {
                    x.$f(y)
                }
            }
            let mut g = c.benchmark_group(stringify!($f));
            g.throughput(Throughput::Elements(N as u64));
            let x = data($lo, $hi, |v| v);
            let y: Array1<$ty2> = Array1::from_shape_fn(N, $g);
            let mut out = Array1::zeros(N);
            g.bench_function("numbox_f64", |b| {
                b.iter(|| k::numbox_f64::call_into(black_box(&x), &y, &mut out).unwrap())
            });
            g.bench_function("std_f64", |b| {
                b.iter(|| k::std_f64::call_into(black_box(&x), &y, &mut out).unwrap())
            });
            g.finish();
        }
    };
}

binary!(powf, powf, f64, 0.01, 10.0, |i| ((i * 31) % 200) as f64
    * 0.1
    - 10.0);
binary!(hypot, hypot, f64, -1e3, 1e3, |i| ((i * 31) % 2000) as f64
    - 1e3);
binary!(powi, powi, i32, 0.5, 2.0, |i| ((i * 31) % 64) as i32 - 32);

/// `powi` with a constant exponent, the common case (`x.powi(3)`).
#[vectorize]
fn cube_numbox(x: f64) -> f64 {
    numbox::math::powi(x, 3)
}

#[vectorize]
fn cube_std(x: f64) -> f64 {
    x.powi(3)
}

fn powi_const(c: &mut Criterion) {
    let mut g = c.benchmark_group("powi_3");
    g.throughput(Throughput::Elements(N as u64));
    let x = data(-10.0, 10.0, |v| v);
    let mut out = Array1::zeros(N);
    g.bench_function("numbox_f64", |b| {
        b.iter(|| cube_numbox::call_into(black_box(&x), &mut out).unwrap())
    });
    g.bench_function("std_f64", |b| {
        b.iter(|| cube_std::call_into(black_box(&x), &mut out).unwrap())
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    targets = exp, exp2, exp_m1, ln, log2, log10, ln_1p, cbrt, powf, hypot, powi, powi_const
}
criterion_main!(benches);
